//! HTML004 deprecated-element: `center`, `font`, `strike`, `tt`, `marquee`, … mapped to a
//! modern element or unwrapped.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::RemovalReason;

use super::{by_element, source_span};

pub struct DeprecatedElement;

static META: RuleMeta = RuleMeta {
    code: "HTML004",
    name: "deprecated-element",
    summary: "An obsolete HTML element is replaced or unwrapped",
    explanation: "## What it does
Reports elements that HTML no longer has and says what the sanitizer makes of them: `center`
becomes `div`, `tt` becomes `code`, `strike` becomes `s`, `acronym` becomes `abbr`, `dir`
becomes `ul`, `listing` becomes `pre`; `font`, `basefont`, `big`, `blink`, `marquee`, `nobr`
and `spacer` are unwrapped (their content is kept, the element is not).

## Why is this bad?
These elements only ever carried presentation (centring, a font, a size) that the export does
not keep; e-book validators reject them. The text survives, but the look the author chose
does not, which may matter (a centred caption under a picture becomes a plain paragraph).

## Example
```html
<center><img src=\"/images/2022/0526/map.jpg\" alt=\"示意图\"></center>
<font color=\"red\">重要提示：</font>活动时间有调整。
```

## How to fix
Use the modern element (`<div>`, `<s>`, `<code>`), or remove the element and keep its text;
meaning that came from the look (a warning in red) should be said in words or with `<strong>`.",
    default_severity: Severity::Warning,
};

impl Rule for DeprecatedElement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        let groups = by_element(context.body.removals(), text, |removal| {
            removal.reason == RemovalReason::DeprecatedElement
        });
        for group in groups {
            let removal = group[0];
            let element = &removal.element;
            let (message, help) = if removal.detail.is_empty() {
                (
                    format!("obsolete <{element}> is removed, keeping its content"),
                    format!("remove the <{element}> tags; say in words what its look meant, or use <strong>"),
                )
            } else {
                let replacement = &removal.detail;
                (
                    format!("obsolete <{element}> is replaced by <{replacement}>"),
                    format!("write <{replacement}> instead of <{element}>"),
                )
            };
            out.push(Finding::new(source_span(text, removal.span.start), message).with_help(help));
        }
    }
}
