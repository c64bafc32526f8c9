//! LNK001 empty-link: a link or image with no URL, or an empty source line `<>`.

use super::{quoted, targets, Kind};
use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::LinkProblem;

pub struct EmptyLink;

static META: RuleMeta = RuleMeta {
    code: "LNK001",
    name: "empty-link",
    summary: "A link, image or source line has no URL",
    explanation: "## What it does
Reports a link or image of the content whose URL is empty (`[公告]()`, `<a href=\"\">`,
`<img src=\"\">`), and a source line at the end of a news post that holds nothing (`<>`).

## Why is this bad?
An empty link goes nowhere: in a browser it reloads the page, in an e-book it does nothing.
An empty source line means the mirror lost the article's address: the archive can no longer
say where the text came from.

## Example
```markdown
央行今日开展逆回购操作，详见[公告]()。

<>
```

## How to fix
Write the URL between the parentheses, or remove the link and keep its text. Put the
article's original address in the source line (`<https://…>`), or delete the line.",
    default_severity: Severity::Error,
};

impl Rule for EmptyLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        for target in targets(post, context.body) {
            if target.problem != Some(&LinkProblem::Empty) || target.templated {
                continue;
            }
            let finding = match target.kind {
                Kind::Source => Finding::new(target.span, "source line `<>` has no URL").with_help(
                    "write the article's original URL between `<` and `>`, or delete the line",
                ),
                Kind::Link => Finding::new(target.span, message("link", target.text)).with_help(
                    "write the URL the link should go to, or remove the link and keep its text",
                ),
                Kind::Image => Finding::new(target.span, message("image", target.text))
                    .with_help("write the image's URL, or remove the image"),
            };
            out.push(finding);
        }
    }
}

/// `link "公告" has an empty URL`, naming the link by its text when it has one.
fn message(noun: &str, text: &str) -> String {
    if text.trim().is_empty() {
        format!("{noun} has an empty URL")
    } else {
        format!("{noun} {} has an empty URL", quoted(text))
    }
}
