//! HTML006 image-without-alt: an `<img>` with no `alt` attribute.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

use super::{shorten, source_span};

pub struct ImageWithoutAlt;

static META: RuleMeta = RuleMeta {
    code: "HTML006",
    name: "image-without-alt",
    summary: "An image has no alt text",
    explanation: "## What it does
Reports an `<img>` without an `alt` attribute. An empty `alt=\"\"` is not reported: it is how
an author says the image is decoration. Markdown images (`![text](src)`) always have one.
Images that are dropped anyway (no usable `src`) are not reported here.

## Why is this bad?
Screen readers and text-only e-readers have nothing to say for the image (some read out its
file name); when the image cannot be loaded, nothing stands in for it. Accessibility checkers
for EPUB (Ace, EPUBCheck's accessibility profile) flag it.

## Example
```html
<p><img src=\"/images/2022/0526/chart.png\"></p>
<p>图为今年以来的月度成交量。</p>
```

## How to fix
Describe what the image shows in `alt` (`alt=\"今年以来月度成交量柱状图\"`), or write
`alt=\"\"` if it is decoration.",
    default_severity: Severity::Warning,
};

impl Rule for ImageWithoutAlt {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        for image in context.body.images() {
            if image.alt.is_some() || image.url.is_empty() {
                continue;
            }
            out.push(
                Finding::new(
                    source_span(text, image.span.start),
                    format!("image \"{}\" has no alt text", shorten(&image.raw, 80)),
                )
                .with_help(
                    "describe what it shows in alt=\"…\", or write alt=\"\" if it is decoration",
                ),
            );
        }
    }
}
