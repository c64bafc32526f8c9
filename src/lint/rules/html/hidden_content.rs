//! HTML003 hidden-content: an element hidden with `display:none`, `visibility:hidden` or
//! `hidden`, removed with its text.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::RemovalReason;

use super::{by_element, shorten, source_span};

pub struct HiddenContent;

static META: RuleMeta = RuleMeta {
    code: "HTML003",
    name: "hidden-content",
    summary: "Hidden text is removed",
    explanation: "## What it does
Reports an element hidden with `style=\"display:none\"`, `style=\"visibility:hidden\"` or the
`hidden` attribute, which the sanitizer removes with its content (the default policy), quoting
the start of the text that goes with it. Hidden elements with no text at all (the empty
spacers some news systems insert) are not reported: nothing is lost.

## Why is this bad?
Text a reader never saw should not appear in an export, and text a reader did not see is often
not the article: keyword stuffing for search engines, an editor's note, a leftover of the
template. Either way the archive and the web page disagree, and the export silently drops the
text; this rule makes the drop visible.

## Example
```html
<p>本轮降雨过程将持续至周五。</p>
<div style=\"display:none\">天气 预报 降雨 暴雨 台风 最新消息</div>
```

## How to fix
Delete the hidden element if it is not part of the article; if it is, remove the hiding
style so that readers see it too.",
    default_severity: Severity::Warning,
};

impl Rule for HiddenContent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        let groups = by_element(context.body.removals(), text, |removal| {
            removal.reason == RemovalReason::HiddenContent && !removal.text.is_empty()
        });
        for group in groups {
            let removal = group[0];
            out.push(
                Finding::new(
                    source_span(text, removal.span.start),
                    format!(
                        "hidden text \"{}\" in <{}> is removed",
                        shorten(&removal.text, 30),
                        removal.element
                    ),
                )
                .with_help(
                    "delete the element if it is not part of the article, or make it visible",
                ),
            );
        }
    }
}
