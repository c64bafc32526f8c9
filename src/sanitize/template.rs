//! Template syntax that is not prose: Liquid tags (`{% … %}`, `{{ … }}`). Found, reported, and
//! dropped or kept by policy before the Markdown is rendered, so that they never reach the text
//! as if they were words. kramdown's own syntax (`{: .lead}`, `{::comment}`) is the next
//! stage's, `kramdown`, which records it with the same [`Construct`].
//!
//! Liquid is Jekyll's first pass, so it is recognised everywhere (even in code) except inside
//! `{% raw %}…{% endraw %}`, whose content is kept as literal text. `{{ site.url }}`,
//! `{{ site.baseurl }}` and `{{ site.title }}` are replaced by the site's values, so links
//! written with them still work. `{% highlight lang %}` becomes a fenced code block.

use std::ops::Range;

use super::offsets::OffsetMap;
use super::policy::TemplatePolicy;
use crate::source::Site;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstructKind {
    /// `{% … %}` or `{{ … }}`.
    Liquid,
    /// `{: … }` or `{:: … }`.
    KramdownAttributes,
}

/// A template construct found in the body, with its span in the body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Construct {
    pub kind: ConstructKind,
    pub text: String,
    pub span: Range<usize>,
    /// Replaced by a value (a site variable, a code fence) rather than dropped.
    pub replaced: bool,
}

impl Construct {
    /// The opening tag: the whole text, except for a comment block (`{% comment %}…`,
    /// `{::comment}…`), which is recorded whole because its content is hidden too.
    pub fn opening(&self) -> &str {
        let text = self.text.as_str();
        let end = if text.starts_with("{%") {
            text.find("%}").map(|at| at + 2)
        } else if text.starts_with("{{") {
            text.find("}}").map(|at| at + 2)
        } else {
            text.find('}').map(|at| at + 1)
        };
        &text[..end.unwrap_or(text.len())]
    }

    /// A block recorded whole, with its content and closing tag.
    pub fn is_whole_block(&self) -> bool {
        self.opening().len() < self.text.len()
    }
}

pub struct Preprocessed {
    pub text: String,
    /// From `text` back to the body.
    pub map: OffsetMap,
    pub constructs: Vec<Construct>,
}

/// The body as it is, for posts that are not Jekyll's (Hugo and Zola do not run Liquid).
pub fn literal(body: &str) -> Preprocessed {
    Preprocessed {
        text: body.to_owned(),
        map: OffsetMap::identity(),
        constructs: Vec::new(),
    }
}

pub fn strip(body: &str, site: Option<&Site>, policy: TemplatePolicy) -> Preprocessed {
    let mut out = String::with_capacity(body.len());
    let mut map = OffsetMap::identity();
    let mut constructs = Vec::new();
    if !body.contains('{') {
        out.push_str(body);
        return Preprocessed {
            text: out,
            map,
            constructs,
        };
    }
    let mut position = 0;
    let mut in_raw = false;
    let bytes = body.as_bytes();
    while position < body.len() {
        let byte = bytes[position];
        if byte != b'{' {
            // Copy up to the next interesting byte.
            let next = body[position..]
                .find('{')
                .map_or(body.len(), |p| position + p);
            out.push_str(&body[position..next]);
            position = next;
            continue;
        }
        let rest = &body[position..];
        // The closing delimiter is looked for after the opening one: in `{%}` the `%}`
        // overlaps the `{%`, and is no tag.
        let liquid_end = if let Some(inside) = rest.strip_prefix("{%") {
            inside.find("%}").map(|end| end + 4)
        } else if let Some(inside) = rest.strip_prefix("{{") {
            inside.find("}}").map(|end| end + 4)
        } else {
            None
        };
        if let Some(length) = liquid_end {
            let tag = &rest[..length];
            let inner = tag[2..tag.len() - 2].trim().trim_matches('-').trim();
            let keyword = inner.split_whitespace().next().unwrap_or("");
            if in_raw && keyword != "endraw" {
                // Liquid also ends a raw block at a tag that ends in `{% endraw %}` (`{%{%
                // endraw %}`): what comes before that `{%` is the block's text.
                // (In `{%{%}`, the inner `{%` overlaps the closing `%}`: no tag.)
                let end_raw = tag[2..].rfind("{%").map(|at| at + 2).filter(|at| {
                    let Some(inner) = tag.get(at + 2..tag.len() - 2) else {
                        return false;
                    };
                    let inner = inner.trim().trim_matches('-').trim();
                    inner.split_whitespace().next() == Some("endraw")
                });
                let literal = end_raw.unwrap_or(length);
                out.push_str(&tag[..literal]);
                position += literal;
                continue;
            }
            // A comment block is hidden by Jekyll, content and all: one construct.
            if keyword == "comment" && policy == TemplatePolicy::Drop {
                let end = block_end(rest, "endcomment", "%}");
                constructs.push(Construct {
                    kind: ConstructKind::Liquid,
                    text: rest[..end].to_owned(),
                    span: position..position + end,
                    replaced: false,
                });
                position += end;
                map.push(out.len(), position);
                continue;
            }
            let replacement = match keyword {
                "raw" => {
                    in_raw = true;
                    None
                }
                "endraw" => {
                    in_raw = false;
                    None
                }
                "highlight" => Some(format!(
                    "```{}",
                    inner.split_whitespace().nth(1).unwrap_or("")
                )),
                "endhighlight" => Some("```".to_owned()),
                _ if tag.starts_with("{{") => site_variable(inner, site),
                _ => None,
            };
            constructs.push(Construct {
                kind: ConstructKind::Liquid,
                text: tag.to_owned(),
                span: position..position + length,
                replaced: replacement.is_some(),
            });
            let replacement = match policy {
                TemplatePolicy::Keep if replacement.is_none() => Some(tag.to_owned()),
                _ => replacement,
            };
            if let Some(replacement) = replacement {
                map.push(out.len(), position);
                out.push_str(&replacement);
            }
            position += length;
            map.push(out.len(), position);
            continue;
        }
        out.push('{');
        position += 1;
    }
    Preprocessed {
        text: out,
        map,
        constructs,
    }
}

/// The length of a Liquid block starting at the beginning of `rest`, up to and including the
/// tag holding `end_keyword` (`{% endcomment %}`), or all of `rest` when it is never closed.
fn block_end(rest: &str, end_keyword: &str, close: &str) -> usize {
    let mut search = 2;
    while let Some(open) = rest[search..].find("{%") {
        let open = search + open;
        let Some(length) = rest[open + 2..].find(close) else {
            break;
        };
        let inner = rest[open + 2..open + 2 + length]
            .trim()
            .trim_matches('-')
            .trim();
        if inner == end_keyword {
            return open + 2 + length + close.len();
        }
        search = open + 2;
    }
    rest.len()
}

fn site_variable(inner: &str, site: Option<&Site>) -> Option<String> {
    let site = site?;
    let mut parts = inner.split('|').map(str::trim);
    let variable = parts.next().unwrap_or("");
    let filters: Vec<&str> = parts.collect();
    let base = || {
        site.baseurl
            .as_deref()
            .unwrap_or("")
            .trim_end_matches('/')
            .to_owned()
    };
    let url = || {
        site.url
            .as_deref()
            .map(|url| url.trim_end_matches('/').to_owned())
    };
    // `{{ "/path" | relative_url }}` and `| absolute_url`, as Jekyll renders them.
    if let [filter] = filters.as_slice() {
        let quoted = variable.len() >= 2
            && (variable.starts_with('"') && variable.ends_with('"')
                || variable.starts_with('\'') && variable.ends_with('\''));
        if quoted {
            let path = &variable[1..variable.len() - 1];
            let path = if path.starts_with('/') || path.is_empty() {
                path.to_owned()
            } else {
                format!("/{path}")
            };
            return match *filter {
                "relative_url" => Some(format!("{}{path}", base())),
                "absolute_url" => url().map(|url| format!("{url}{}{path}", base())),
                _ => None,
            };
        }
    }
    if !filters.is_empty() {
        return None;
    }
    match variable {
        "site.url" => url(),
        "site.baseurl" => site.baseurl.as_ref().map(|_| base()),
        "site.title" => site.title.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip_default(body: &str) -> Preprocessed {
        strip(body, None, TemplatePolicy::Drop)
    }

    #[test]
    fn liquid_is_dropped_and_reported_and_attribute_lists_left_for_kramdown() {
        let body = "第一段。\n{: .notice}\n\n{% include toc %}\n第二段{{ page.title }}。\n";
        let result = strip_default(body);
        assert_eq!(result.text, "第一段。\n{: .notice}\n\n\n第二段。\n");
        let kinds: Vec<_> = result
            .constructs
            .iter()
            .map(|c| (c.kind, c.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (ConstructKind::Liquid, "{% include toc %}"),
                (ConstructKind::Liquid, "{{ page.title }}"),
            ]
        );
        // "第二段" keeps its place in the body.
        let at = result.text.find("第二段").unwrap();
        assert_eq!(result.map.map(at), body.find("第二段").unwrap());
    }

    #[test]
    fn a_raw_block_ends_at_an_endraw_after_a_brace() {
        let result = strip_default("{% raw %}{%{% endraw %}{% raw %} if x %}{% endraw %} y");
        assert_eq!(result.text, "{% if x %} y");
    }

    /// Found by a long run of the Markdown round-trip property: this panicked.
    #[test]
    fn a_brace_tag_overlapping_its_end_in_a_raw_block_is_text() {
        let result = strip_default("{% raw %}{%{%} 新闻");
        assert_eq!(result.text, "{%{%} 新闻");
    }

    #[test]
    fn raw_blocks_are_literal_and_code_spans_keep_attribute_lists() {
        let result = strip_default("{% raw %}{{ site.url }}{% endraw %} and `{: .notice}`");
        assert_eq!(result.text, "{{ site.url }} and `{: .notice}`");
    }

    #[test]
    fn site_variables_are_replaced() {
        let site = Site {
            url: Some("https://news.example.cn".into()),
            baseurl: Some("/blog".into()),
            ..Site::default()
        };
        let result = strip(
            "![x]({{ site.url }}{{ site.baseurl }}/a.jpg)",
            Some(&site),
            TemplatePolicy::Drop,
        );
        assert_eq!(result.text, "![x](https://news.example.cn/blog/a.jpg)");
        let result = strip(
            "[a]({{ \"/docs/x/\" | relative_url }}) [b]({{ '/y.html' | absolute_url }}) {{ page.url | relative_url }}",
            Some(&site),
            TemplatePolicy::Drop,
        );
        assert_eq!(
            result.text,
            "[a](/blog/docs/x/) [b](https://news.example.cn/blog/y.html) "
        );
    }

    #[test]
    fn comment_blocks_are_dropped_whole() {
        let body = "甲{% comment %}内部备注{% endcomment %}乙\n\n丙";
        let result = strip_default(body);
        assert_eq!(result.text, "甲乙\n\n丙");
        assert_eq!(result.constructs.len(), 1);
        assert_eq!(
            result.constructs[0].text,
            "{% comment %}内部备注{% endcomment %}"
        );
    }

    #[test]
    fn braces_in_prose_are_left_alone() {
        let body = "集合 {a, b} 与 {x: 1}";
        assert_eq!(strip_default(body).text, body);
    }

    /// Pieces of Liquid-dense text for the property test.
    const PIECES: &[&str] = &[
        "{",
        "}",
        "{%",
        "%}",
        "{{",
        "}}",
        "{%-",
        "-%}",
        "%",
        "-",
        " ",
        "\n",
        "x",
        "新闻",
        "{% raw %}",
        "{% endraw %}",
        "{%{% endraw %}",
        "{% comment %}",
        "{% endcomment %}",
        "{% highlight ruby %}",
        "{% endhighlight %}",
        "{{ site.url }}",
        "{% include x.html %}",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Whatever Liquid-dense text: no panic under either policy, every position of the
        /// output maps into the body, every construct's span holds its text.
        #[test]
        fn liquid_soup_never_panics_and_maps_inside_the_body(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..30),
        ) {
            let body = pieces.concat();
            for policy in [TemplatePolicy::Drop, TemplatePolicy::Keep] {
                let result = strip(&body, None, policy);
                for position in 0..=result.text.len() {
                    proptest::prop_assert!(result.map.map(position) <= body.len());
                }
                for construct in &result.constructs {
                    proptest::prop_assert_eq!(body.get(construct.span.clone()), Some(construct.text.as_str()));
                }
            }
        }
    }
}
