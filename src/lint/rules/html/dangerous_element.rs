//! HTML001 dangerous-element: an element that runs code, embeds another document or takes
//! input, removed with everything in it.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::RemovalReason;

use super::{by_element, shorten, source_span};

pub struct DangerousElement;

static META: RuleMeta = RuleMeta {
    code: "HTML001",
    name: "dangerous-element",
    summary:
        "An element that runs code, embeds a document or takes input is removed with its content",
    explanation: "## What it does
Reports each `script`, `style`, `iframe`, `object`, `embed`, `form` (and its controls), `svg`,
`math`, `video`, `audio`, `picture`, `canvas`, `template`, `noscript`, … in a post body. The
sanitizer removes these elements *with their content*, whatever the policy; the message quotes
the start of the visible text that goes with them, if any.

One diagnostic per element: what is inside it (other elements, their attributes) is not
reported again. Elements made by the Markdown renderer (the checkbox of a task list item) are
not reported.

## Why is this bad?
Scripts and forms are the classic way to attack a reader; embedded players and frames load a
third-party page that will not be there offline; `svg` and `math` can carry scripts and most
e-readers cannot show them. In an archive they are dead weight at best, and whatever text they
held is lost in the export.

## Example
```html
<p>央行今日开展逆回购操作。</p>
<script src=\"//stat.example.cn/count.js\"></script>
<iframe src=\"https://player.example.com/embed/8842\" width=\"640\" height=\"360\"></iframe>
```

## How to fix
Delete scripts, styles and forms. Replace an embedded video or frame with a link to it (and a
still image if it matters), and a formula or drawing with an image.",
    default_severity: Severity::Error,
};

impl Rule for DangerousElement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        let groups = by_element(context.body.removals(), text, |removal| {
            removal.reason == RemovalReason::DangerousElement
        });
        for group in groups {
            let removal = group[0];
            let element = removal.element.as_str();
            let lost = if removal.text.is_empty() {
                String::new()
            } else {
                format!(" (\"{}\")", shorten(&removal.text, 30))
            };
            out.push(
                Finding::new(
                    source_span(text, removal.span.start),
                    format!("<{element}> is removed with its content{lost}"),
                )
                .with_help(help(element)),
            );
        }
    }
}

fn help(element: &str) -> &'static str {
    match element {
        "script" | "noscript" | "style" | "link" | "meta" | "base" | "template" | "title"
        | "head" => "delete it: an archived article needs no scripts or styles",
        "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "video" | "audio"
        | "source" | "track" | "portal" | "param" | "noembed" | "noframes" => {
            "replace the embed with a link to what it shows (and a still image if it matters)"
        }
        "picture" => "write a plain <img> with the image the picture falls back to",
        "svg" | "math" | "canvas" => {
            "replace it with an image (PNG or JPEG) and a text description"
        }
        "map" | "area" => "replace the image map with plain links",
        _ => "delete it: forms and their controls cannot work in an archive",
    }
}
