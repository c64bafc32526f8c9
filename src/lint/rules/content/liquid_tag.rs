//! CNT003 liquid-tag: Liquid (`{% … %}`, `{{ … }}`) in a post body, which newsbundle does
//! not run.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::{Construct, ConstructKind};

pub struct LiquidTag;

static META: RuleMeta = RuleMeta {
    code: "CNT003",
    name: "liquid-tag",
    summary: "A Liquid tag in the body is not rendered",
    explanation: "## What it does
Reports each Liquid tag (`{% … %}`) and output (`{{ … }}`) in a post body, in prose and in
code alike (Jekyll runs Liquid before Markdown, so it does too). newsbundle does not run
Liquid: the sanitizer drops the tag (the default) or keeps it as literal text, so that it never
passes for words of the article.

A block is reported once, at its opening tag: `{% endif %}`, `{% else %}` and the like are
reported only when no opening tag comes before them. Pages of a Jekyll site (files outside
`_posts` next to a `_config.yml`) are not checked: Liquid is how they are built.

Not reported, because newsbundle renders them as Jekyll would: `{{ site.url }}`,
`{{ site.baseurl }}` and `{{ site.title }}` when `_config.yml` sets them (they are replaced by
its values), a quoted path through `relative_url` or `absolute_url`
(`{{ \"/assets/a.jpg\" | relative_url }}`), `{% highlight %}`/`{% endhighlight %}` (they become
a code block), and `{% raw %}`/`{% endraw %}` (what is between them is kept as written).

## Why is this bad?
What the tag would have produced is missing from every export: an `{% include %}` inserts a
table of contents, a video or a gallery; `{{ page.title }}` a title; `{% post_url %}` a link.
Text inside `{% if %}` or `{% capture %}` shows unconditionally and where it is written.

## Example
```markdown
{% include toc %}
相关报道见[上一篇]({% post_url 2022-03-28-market-open %})。
本文首发于{{ site.data.brand.name }}。
```

## How to fix
Replace the tag with what it produces (write the link `/2022/03/28/market-open.html`, the
name, the text), or delete it. For `{{ site.url }}` and `{{ site.baseurl }}`, set `url` and
`baseurl` in `_config.yml`.",
    default_severity: Severity::Warning,
};

impl Rule for LiquidTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        if context.site.is_some() && !post.file_name.in_posts_dir {
            return;
        }
        // Blocks reported at their opening tag and not yet closed, innermost last.
        let mut open_blocks: Vec<&str> = Vec::new();
        for construct in context.body.constructs() {
            if construct.kind != ConstructKind::Liquid || construct.replaced {
                continue;
            }
            let inner = inner(construct);
            let keyword = inner.split_whitespace().next().unwrap_or("");
            if matches!(keyword, "raw" | "endraw") {
                continue;
            }
            if construct.text.starts_with("{%") && !construct.is_whole_block() {
                if BLOCKS.contains(&keyword) {
                    open_blocks.push(keyword);
                } else if let Some(block) = keyword.strip_prefix("end") {
                    if let Some(position) = open_blocks.iter().rposition(|open| *open == block) {
                        open_blocks.truncate(position);
                        continue;
                    }
                } else if let Some(blocks) = branch_of(keyword) {
                    if open_blocks.last().is_some_and(|open| blocks.contains(open)) {
                        continue;
                    }
                }
            }
            let kind = if construct.text.starts_with("{{") {
                "liquid output"
            } else {
                "liquid tag"
            };
            out.push(
                Finding::new(
                    construct.span.clone(),
                    format!(
                        "{kind} \"{}\" is not rendered",
                        shorten(construct.opening(), 60)
                    ),
                )
                .with_help(help(construct, inner, keyword)),
            );
        }
    }
}

/// Liquid tags that open a block closed by `end…`.
const BLOCKS: &[&str] = &[
    "if",
    "unless",
    "case",
    "for",
    "tablerow",
    "capture",
    "comment",
    "highlight",
];

/// The blocks a branch tag (`else`, `elsif`, `when`) belongs in.
fn branch_of(keyword: &str) -> Option<&'static [&'static str]> {
    match keyword {
        "else" => Some(&["if", "unless", "case", "for"]),
        "elsif" => Some(&["if", "unless"]),
        "when" => Some(&["case"]),
        _ => None,
    }
}

/// What is between the delimiters, without whitespace control dashes.
fn inner(construct: &Construct) -> &str {
    let text = construct.opening();
    text.get(2..text.len().saturating_sub(2))
        .unwrap_or("")
        .trim()
        .trim_matches('-')
        .trim()
}

fn help(construct: &Construct, inner: &str, keyword: &str) -> String {
    if construct.text.starts_with("{{") {
        let mut filters = inner.split('|').map(str::trim);
        let value = filters.next().unwrap_or("");
        let is_url_filter = filters.any(|filter| {
            let name = filter.split([':', ' ']).next().unwrap_or("");
            matches!(name, "relative_url" | "absolute_url")
        });
        if is_url_filter && value.len() >= 2 && value.starts_with(['"', '\'']) {
            let path = &value[1..value.len() - 1];
            return format!("write the path itself: `{path}`");
        }
        if matches!(value, "site.url" | "site.baseurl" | "site.title") {
            let key = &value["site.".len()..];
            return format!(
                "set `{key}` in _config.yml so that newsbundle can substitute it, or write the value"
            );
        }
        return "write out the value it stands for, or delete it".to_owned();
    }
    match keyword {
        "include" | "include_relative" => {
            "what the include inserts is missing: write it into the post, or delete the tag"
                .to_owned()
        }
        "if" | "elsif" | "else" | "endif" | "unless" | "endunless" | "case" | "when"
        | "endcase" | "for" | "endfor" => {
            "the text inside shows unconditionally: keep the text that applies and delete the tags"
                .to_owned()
        }
        "comment" | "endcomment" => {
            "Jekyll hides the text of a comment: delete it, tags and text".to_owned()
        }
        "capture" | "endcapture" => {
            "captured text shows where it is written: write the text where it is used".to_owned()
        }
        "assign" => "the variable is never set: write its value where it is used".to_owned(),
        _ => "write out what the tag produces, or delete it".to_owned(),
    }
}

/// `value` on one line, cut to about `max` characters with `…`.
fn shorten(value: &str, max: usize) -> String {
    let line = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max).collect();
    cut.push('…');
    cut
}
