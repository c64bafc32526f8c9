//! HTML007 empty-paragraph: a `<p>` with nothing a reader would see, removed.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::RemovalReason;

use super::{by_element, source_span};

pub struct EmptyParagraph;

static META: RuleMeta = RuleMeta {
    code: "HTML007",
    name: "empty-paragraph",
    summary: "An empty paragraph is removed",
    explanation: "## What it does
Reports a `<p>` written with nothing a reader would see in it: nothing at all, spaces,
`&nbsp;` or `<br>`. The sanitizer removes it.

A paragraph that only became empty because what it held was removed (a script, an image
whose source was a Liquid tag) is not reported: the rule for what was removed is.

## Why is this bad?
Editors use empty paragraphs as spacing. E-readers render them as unpredictable gaps (or none),
and they are noise in the text of the export.

## Example
```html
<p>第一段。</p><p>&nbsp;</p><p><br></p><p>第二段。</p>
```

## How to fix
Delete the empty paragraph; spacing belongs to the layout, not the content.",
    default_severity: Severity::Info,
};

impl Rule for EmptyParagraph {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        let groups = by_element(context.body.removals(), text, |removal| {
            removal.reason == RemovalReason::EmptyParagraph
        });
        for group in groups {
            let at = group[0].span.start;
            let start_tag = source_span(text, at);
            let Some(written) = written_paragraph(text, start_tag.end) else {
                continue;
            };
            let whole = &text[at..start_tag.end + written];
            let quoted = if whole.contains('\n') || whole.chars().count() > 40 {
                "<p>".to_owned()
            } else {
                whole.to_owned()
            };
            out.push(
                Finding::new(
                    start_tag.start..start_tag.end + written,
                    format!("empty paragraph \"{quoted}\" is removed"),
                )
                .with_help("delete it; spacing belongs to the layout, not the text"),
            );
        }
    }
}

/// The length of the content and end tag after a `<p …>` whose written content is blank
/// (spaces, `&nbsp;`, `<br>`), or `None` when something was in it or no `</p>` is near.
fn written_paragraph(text: &str, content_start: usize) -> Option<usize> {
    let rest = text.get(content_start..)?;
    let window = &rest[..super::floor_boundary(rest, 400)];
    let end = window.to_ascii_lowercase().find("</p>")?;
    let mut content = window[..end].to_owned();
    for blank in ["&nbsp;", "&#160;", "&#xa0;", "&#xA0;"] {
        content = content.replace(blank, "");
    }
    let mut rest = content.trim();
    while let Some(after) = rest.strip_prefix('<') {
        let name_end = after.find(['>', '/', ' ']).unwrap_or(after.len());
        if !after[..name_end].eq_ignore_ascii_case("br") {
            return None;
        }
        let close = after.find('>')?;
        rest = after[close + 1..].trim();
    }
    rest.is_empty().then_some(end + "</p>".len())
}

#[cfg(test)]
mod tests {
    use super::written_paragraph;

    #[test]
    fn blank_content() {
        assert_eq!(written_paragraph("</p>x", 0), Some(4));
        let blank = " &nbsp; <br/> <BR >\u{a0}</P>";
        assert_eq!(written_paragraph(blank, 0), Some(blank.len()));
        assert_eq!(written_paragraph("<img src=x></p>", 0), None);
        assert_eq!(written_paragraph("文字</p>", 0), None);
        assert_eq!(written_paragraph("no end", 0), None);
    }
}
