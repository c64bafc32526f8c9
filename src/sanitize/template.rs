//! Template syntax that is not prose: Liquid tags (`{% … %}`, `{{ … }}`) and kramdown
//! attribute lists (`{: .lead}`, `{::comment}`). Found, reported, and dropped or kept by policy
//! before the Markdown is rendered, so that they never reach the text as if they were words.
//!
//! Liquid is Jekyll's first pass, so it is recognised everywhere (even in code) except inside
//! `{% raw %}…{% endraw %}`, whose content is kept as literal text. `{{ site.url }}`,
//! `{{ site.baseurl }}` and `{{ site.title }}` are replaced by the site's values, so links
//! written with them still work. `{% highlight lang %}` becomes a fenced code block.
//! Kramdown attribute lists are recognised outside code only.

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
    /// The kramdown attribute lists that stood alone on a line, for the Markdown stage: they
    /// say what the block before them is (`{:toc}`, `{: .no_toc}`).
    pub block_attributes: Vec<BlockAttributes>,
}

/// A block attribute list (`{: .no_toc}` alone on its line), taken out of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockAttributes {
    /// Where its line starts in the preprocessed text.
    pub line: usize,
    /// The list as written, braces included.
    pub text: String,
}

/// The body as it is, for posts that are not Jekyll's (Hugo and Zola do not run Liquid).
pub fn literal(body: &str) -> Preprocessed {
    Preprocessed {
        text: body.to_owned(),
        map: OffsetMap::identity(),
        constructs: Vec::new(),
        block_attributes: Vec::new(),
    }
}

pub fn strip(body: &str, site: Option<&Site>, policy: TemplatePolicy) -> Preprocessed {
    let mut out = String::with_capacity(body.len());
    let mut map = OffsetMap::identity();
    let mut constructs = Vec::new();
    let mut block_attributes = Vec::new();
    if !body.contains('{') {
        out.push_str(body);
        return Preprocessed {
            text: out,
            map,
            constructs,
            block_attributes,
        };
    }
    let mut position = 0;
    let mut in_raw = false;
    let mut in_fence = false;
    let mut line_start = 0;
    let bytes = body.as_bytes();
    while position < body.len() {
        let byte = bytes[position];
        if byte == b'\n' {
            out.push('\n');
            position += 1;
            line_start = position;
            let line_end = body[position..]
                .find('\n')
                .map_or(body.len(), |p| position + p);
            let line = body[position..line_end].trim_start();
            if line.starts_with("```") || line.starts_with("~~~") {
                in_fence = !in_fence;
            }
            continue;
        }
        if byte != b'{' {
            // Copy up to the next interesting byte.
            let next = body[position..]
                .find(['{', '\n'])
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
                out.push_str(tag);
                position += length;
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
        if !in_fence && !in_raw && policy == TemplatePolicy::Drop && rest.starts_with("{::comment}")
        {
            // kramdown's comment extension hides everything up to `{:/comment}` or `{:/}`.
            let end = ["{:/comment}", "{:/}"]
                .iter()
                .filter_map(|close| rest.find(close).map(|at| at + close.len()))
                .min()
                .unwrap_or(rest.len());
            constructs.push(Construct {
                kind: ConstructKind::KramdownAttributes,
                text: rest[..end].to_owned(),
                span: position..position + end,
                replaced: false,
            });
            position += end;
            map.push(out.len(), position);
            continue;
        }
        if !in_fence && !in_raw && rest.starts_with("{:") {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let in_code_span = body[line_start..position].matches('`').count() % 2 == 1;
            if let Some(close) = rest[..line_end].find('}') {
                let list = &rest[..close + 1];
                if !in_code_span && is_attribute_list(list) {
                    let alone = body[line_start..position].trim().is_empty()
                        && rest[list.len()..line_end].trim().is_empty();
                    if alone {
                        let before = body[line_start..position].len();
                        block_attributes.push(BlockAttributes {
                            line: out.len() - before,
                            text: list.to_owned(),
                        });
                    }
                    constructs.push(Construct {
                        kind: ConstructKind::KramdownAttributes,
                        text: list.to_owned(),
                        span: position..position + list.len(),
                        replaced: false,
                    });
                    if policy == TemplatePolicy::Keep {
                        out.push_str(list);
                    }
                    position += list.len();
                    map.push(out.len(), position);
                    continue;
                }
            }
        }
        out.push('{');
        position += 1;
    }
    Preprocessed {
        text: out,
        map,
        constructs,
        block_attributes,
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

/// `{: .class #id key="value"}`, `{:.class}`, `{::comment}`, `{::options … /}`.
fn is_attribute_list(list: &str) -> bool {
    let inner = list.trim_start_matches('{').trim_end_matches('}');
    let inner = inner.trim_start_matches(':');
    !inner.contains('{')
        && (inner.is_empty()
            || inner.trim_start().starts_with(['.', '#', ':'])
            // The end of an extension: `{:/comment}`, `{:/}`.
            || matches!(inner.trim(), "/" | "/comment" | "/nomarkdown")
            // The table of contents marker, a reference to kramdown's own `toc`.
            || inner.trim() == "toc"
            || inner
                .trim()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && (inner.contains('=')
                    || inner.trim_end().ends_with('/')
                    || [
                        "comment",
                        "nomarkdown",
                        "options",
                        "/comment",
                        "/nomarkdown",
                    ]
                    .iter()
                    .any(|word| inner.trim().starts_with(word))))
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
    fn liquid_and_attribute_lists_are_dropped_and_reported() {
        let body = "第一段。\n{: .notice}\n\n{% include toc %}\n第二段{{ page.title }}。\n";
        let result = strip_default(body);
        assert_eq!(result.text, "第一段。\n\n\n\n第二段。\n");
        let kinds: Vec<_> = result
            .constructs
            .iter()
            .map(|c| (c.kind, c.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (ConstructKind::KramdownAttributes, "{: .notice}"),
                (ConstructKind::Liquid, "{% include toc %}"),
                (ConstructKind::Liquid, "{{ page.title }}"),
            ]
        );
        // "第二段" keeps its place in the body.
        let at = result.text.find("第二段").unwrap();
        assert_eq!(result.map.map(at), body.find("第二段").unwrap());
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
        let body =
            "甲{% comment %}内部备注{% endcomment %}乙\n\n{::comment}\n草稿\n{:/comment}\n丙";
        let result = strip_default(body);
        assert_eq!(result.text, "甲乙\n\n\n丙");
        assert_eq!(result.constructs.len(), 2);
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
}
