//! HTML002 event-handler: `on*` attributes, and other attributes that make an element run
//! code or submit data (`srcdoc`, `formaction`, `action`, `xlink:href`).

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::{Removal, RemovalReason};

use super::{by_element, quoted_list, source_span, PRESENTATIONAL_LOADERS};

pub struct EventHandler;

static META: RuleMeta = RuleMeta {
    code: "HTML002",
    name: "event-handler",
    summary: "An element has an event handler or another attribute that runs code",
    explanation: "## What it does
Reports elements with event handler attributes (`onclick`, `onerror`, `onload`, …) and with the
other attributes the sanitizer removes because they run code or send data: `srcdoc`,
`formaction`, `action` and `xlink:href`. The element is kept; these attributes are removed.
One diagnostic per element, naming every such attribute it had.

The legacy `background`, `lowsrc` and `dynsrc` only load a picture for the element's look:
they are reported by HTML008 (`inline-style`). Attributes of an element that is removed whole
(a `script`, an `iframe`) are not reported again: HTML001 reports the element.

## Why is this bad?
Event handlers are scripts. In a web page they are an attack vector; in an EPUB they are
refused by validators and ignored or blocked by reading systems. Whatever the handler did (a
tracking call, a pop-up) is gone from the export.

## Example
```html
<img src=\"/images/chart.png\" alt=\"走势图\" onerror=\"this.src='/images/blank.gif'\">
<p onclick=\"track('ad-9')\">点击查看详情</p>
```

## How to fix
Delete the attribute. If the handler stood in for a link, write the link with `<a href>`.",
    default_severity: Severity::Error,
};

fn is_reported(removal: &Removal) -> bool {
    match removal.reason {
        RemovalReason::EventHandler => true,
        RemovalReason::DangerousAttribute => {
            !PRESENTATIONAL_LOADERS.contains(&removal.detail.as_str())
        }
        _ => false,
    }
}

impl Rule for EventHandler {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        for group in by_element(context.body.removals(), text, is_reported) {
            let element = &group[0].element;
            let handlers: Vec<&str> = group
                .iter()
                .filter(|removal| removal.reason == RemovalReason::EventHandler)
                .map(|removal| removal.detail.as_str())
                .collect();
            let others: Vec<&str> = group
                .iter()
                .filter(|removal| removal.reason == RemovalReason::DangerousAttribute)
                .map(|removal| removal.detail.as_str())
                .collect();
            let mut parts = Vec::new();
            if !handlers.is_empty() {
                let noun = if handlers.len() == 1 {
                    "event handler"
                } else {
                    "event handlers"
                };
                parts.push(format!("{noun} {}", quoted_list(&handlers)));
            }
            if !others.is_empty() {
                let noun = if others.len() == 1 {
                    "attribute"
                } else {
                    "attributes"
                };
                parts.push(format!("{noun} {}", quoted_list(&others)));
            }
            let verb = if handlers.len() + others.len() == 1 {
                "is"
            } else {
                "are"
            };
            let help = if others.is_empty() {
                "delete the handler; if it stood in for a link, write <a href> instead"
            } else {
                "delete the attribute: it runs code or sends data, which an archive must not do"
            };
            out.push(
                Finding::new(
                    source_span(text, group[0].span.start),
                    format!("{} on <{element}> {verb} removed", parts.join(" and ")),
                )
                .with_help(help),
            );
        }
    }
}
