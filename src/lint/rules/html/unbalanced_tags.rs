//! HTML010 unbalanced-tags: an element whose end tag is required but never comes.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

use super::{source_span, written_at};

pub struct UnbalancedTags;

static META: RuleMeta = RuleMeta {
    code: "HTML010",
    name: "unbalanced-tags",
    summary: "An element is opened and never closed",
    explanation: "## What it does
Reports an element opened with a start tag whose end tag never comes, or comes only after the
element around it has ended (`<b><i>…</b></i>`, `<p><a href=\"…\">…</p>`). Elements whose end tag HTML lets you leave
out (`p`, `li`, `td`, `tr`, `option`, …) and void elements (`br`, `img`) are not reported.

Stray end tags (`</div>` with no `<div>`) are not detected yet.

## Why is this bad?
Browsers guess where the element ends, each in its own way: a missing `</a>` makes the rest
of the article a link, a missing `</div>` swallows what follows into a box. The sanitizer
closes the element where an HTML5 parser would, which may not be what the author meant, and
the export may differ from the web page.

## Example
```html
<p>详见<a href=\"/2022/05/26/notice.html\">公告全文。</p>
<div class=\"quote\"><b>编者按：</div>
```

## How to fix
Close the element where it should end: `<a href=\"…\">公告全文</a>。`.",
    default_severity: Severity::Warning,
};

impl Rule for UnbalancedTags {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        for (element, span) in context.body.unclosed() {
            if !written_at(text, span.start, element) {
                continue;
            }
            // An end tag further on means it came too late; none at all, that it never came.
            let after = text.get(span.end..).unwrap_or("").to_ascii_lowercase();
            let (message, help) = if after.contains(&format!("</{element}")) {
                (
                    format!("<{element}> is not closed before the element around it ends"),
                    format!("close it with </{element}> inside the element around it"),
                )
            } else {
                (
                    format!("<{element}> is never closed"),
                    format!("close it with </{element}> where it should end"),
                )
            };
            out.push(Finding::new(source_span(text, span.start), message).with_help(help));
        }
    }
}
