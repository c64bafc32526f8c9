//! LNK002 malformed-url: a link, image or source URL that is not a URL at all.

use super::{instead, quoted, targets};
use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::LinkProblem;

pub struct MalformedUrl;

static META: RuleMeta = RuleMeta {
    code: "LNK002",
    name: "malformed-url",
    summary: "A URL cannot be parsed",
    explanation: "## What it does
Reports a link, image or source URL that no browser can follow: a space or another character
that has no place in a host name, a port that is not a number, `http://` with no host.

## Why is this bad?
The sanitizer cannot keep what it cannot parse: the link loses its URL (its text stays) and the
image is dropped. On the site, the browser goes nowhere or somewhere unexpected.

## Example
```markdown
<p>行情数据见<a href=\"http://www.exchange .example.cn/market/\">交易所网站</a>。</p>

![走势图](https://img.example.cn:80a/chart.png)
```

## How to fix
Correct the URL (a stray space or a full-width character is the usual cause), or remove the
link and keep its text.",
    default_severity: Severity::Error,
};

impl Rule for MalformedUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        for target in targets(post, context.body) {
            let Some(LinkProblem::Malformed(reason)) = target.problem else {
                continue;
            };
            if target.templated {
                continue;
            }
            out.push(
                Finding::new(
                    target.span,
                    format!("malformed URL {}: {reason}", quoted(target.raw)),
                )
                .with_help(format!("correct the URL, {}", instead(target.kind))),
            );
        }
    }
}
