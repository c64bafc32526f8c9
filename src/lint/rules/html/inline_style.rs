//! HTML008 inline-style: a `style` attribute (or an old presentational attribute such as
//! `background` or a `width` on a table), removed.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::RemovalReason;

use super::{by_element, is_presentational, quoted_list, shorten, source_span};

pub struct InlineStyle;

static META: RuleMeta = RuleMeta {
    code: "HTML008",
    name: "inline-style",
    summary: "Inline presentation (a style attribute) is removed",
    explanation: "## What it does
Reports an element with a `style` attribute, quoting it, and elements with the old
presentational attributes the sanitizer strips and records: `background`, `lowsrc` and
`dynsrc` (which load a picture for the element's look), and `width` or `height` on anything but
an image (`<table width=\"100%\">`). One diagnostic per element, however many properties.

A style that hides the element is reported by HTML003 (`hidden-content`) instead, and the
alignment styles the Markdown renderer writes into table cells are not reported.

## Why is this bad?
It is rarely a problem, hence the level: the export drops all inline presentation, so
alignment, colours and sizes chosen in the newsroom's editor are lost. Where the look carried
meaning (a red warning, a centred caption) the meaning is lost with it.

## Example
```html
<p style=\"text-align:center;\"><img src=\"/images/2022/0526/photo.jpg\" alt=\"现场\"></p>
<p style=\"text-indent:2em;font-size:14px\">记者从会上获悉……</p>
```

## How to fix
Nothing, if the look did not matter. Otherwise say in words what it meant, or use a
structural element (`<strong>`, `<figure>` with `<figcaption>`).",
    default_severity: Severity::Info,
};

impl Rule for InlineStyle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        for group in by_element(context.body.removals(), text, is_presentational) {
            let element = &group[0].element;
            let style = group
                .iter()
                .find(|removal| removal.reason == RemovalReason::InlineStyle)
                .map(|removal| format!("inline style \"{}\"", shorten(&removal.detail, 60)));
            let attributes: Vec<&str> = group
                .iter()
                .filter(|removal| removal.reason != RemovalReason::InlineStyle)
                .map(|removal| removal.detail.as_str())
                .collect();
            let attributes = match attributes.len() {
                0 => None,
                1 => Some(format!("attribute {}", quoted_list(&attributes))),
                _ => Some(format!("attributes {}", quoted_list(&attributes))),
            };
            let (what, verb) = match (style, attributes) {
                (Some(style), Some(attributes)) => (format!("{style} and {attributes}"), "are"),
                (Some(style), None) => (style, "is"),
                (None, Some(attributes)) => {
                    let verb = if group.len() == 1 { "is" } else { "are" };
                    (attributes, verb)
                }
                (None, None) => continue,
            };
            out.push(
                Finding::new(
                    source_span(text, group[0].span.start),
                    format!("{what} on <{element}> {verb} removed"),
                )
                .with_help(
                    "nothing to do if the look did not matter; otherwise say in words what it \
                     meant",
                ),
            );
        }
    }
}
