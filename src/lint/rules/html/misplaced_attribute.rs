//! HTML005 misplaced-attribute: an attribute that belongs on another element (`href` on a
//! `span`, `alt` on a link), removed — or, for `<span href>`, turned into a link.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::RemovalReason;

use super::{by_element, quoted_list, shorten, source_span, SIZE_ATTRIBUTES};

pub struct MisplacedAttribute;

static META: RuleMeta = RuleMeta {
    code: "HTML005",
    name: "misplaced-attribute",
    summary: "An attribute is on an element it does not belong to",
    explanation: "## What it does
Reports attributes that the policy allows on some element but not on the one they are on:
`alt` or `src` on something that is not an `img`, `href` on something that is not an `a`,
`cite` on a `p`, … They are removed, one diagnostic per element.

A `<span href=\"…\">` is a special case: news systems mark up stock names and keywords this
way, meaning a link. Browsers show it as plain text, but the sanitizer turns it into
`<a href=\"…\">`, so the export has a link the web page did not; the message says so.

`width` and `height` outside `img` are old layout, reported by HTML008 (`inline-style`).

## Why is this bad?
The attribute does nothing where it is, so the author's intent (a link, a description of an
image) is lost or, for `<span href>`, guessed.

## Example
```html
<p>受此消息影响，<span href=\"http://quote.example.cn/r/1.600000\">某银行</span>股价上涨。</p>
<a href=\"/2022/05/26/report.html\" alt=\"报告全文\">报告全文</a>
```

## How to fix
Write `<a href=\"…\">` for a link, move `alt` to the `img` it describes, or delete the
attribute.",
    default_severity: Severity::Warning,
};

impl Rule for MisplacedAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        let groups = by_element(context.body.removals(), text, |removal| {
            removal.reason == RemovalReason::MisplacedAttribute
                && !SIZE_ATTRIBUTES.contains(&removal.detail.as_str())
        });
        for group in groups {
            let at = group[0].span.start;
            let element = &group[0].element;
            let names: Vec<&str> = group
                .iter()
                .map(|removal| removal.detail.as_str())
                .collect();
            let link = (element == "span" && names.contains(&"href"))
                .then(|| {
                    context
                        .body
                        .links()
                        .iter()
                        .find(|link| link.span.start == at)
                })
                .flatten();
            let finding = match link {
                Some(link) => {
                    let others: Vec<&str> = names
                        .iter()
                        .copied()
                        .filter(|name| *name != "href")
                        .collect();
                    let also = if others.is_empty() {
                        String::new()
                    } else {
                        format!("; {} removed", quoted_list(&others))
                    };
                    Finding::new(
                        source_span(text, at),
                        format!(
                            "<span> with href \"{}\" is turned into a link{also}",
                            shorten(&link.raw, 80)
                        ),
                    )
                    .with_help(
                        "browsers show a <span href> as plain text: write <a href=\"…\"> if a \
                         link is meant, or remove the href",
                    )
                }
                None => {
                    let (noun, verb) = if names.len() == 1 {
                        ("attribute", "is")
                    } else {
                        ("attributes", "are")
                    };
                    Finding::new(
                        source_span(text, at),
                        format!(
                            "{noun} {} {verb} not allowed on <{element}> and {verb} removed",
                            quoted_list(&names)
                        ),
                    )
                    .with_help(help(names[0]))
                }
            };
            out.push(finding);
        }
    }
}

/// Where an attribute belongs, in the default policy.
fn help(attribute: &str) -> String {
    let home = match attribute {
        "href" => "<a>",
        "src" | "alt" => "<img>",
        "cite" => "<blockquote> or <q>",
        "datetime" => "<time>",
        "start" | "reversed" => "<ol>",
        "value" => "<li>",
        "colspan" | "rowspan" => "<td> or <th>",
        "scope" => "<th>",
        "span" => "<col> or <colgroup>",
        _ => return "move it to the element it belongs on, or delete it".to_owned(),
    };
    format!("`{attribute}` belongs on {home}: move it there, or delete it")
}
