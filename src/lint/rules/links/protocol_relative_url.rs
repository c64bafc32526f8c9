//! LNK004 protocol-relative-url: `//host/path`, which borrows the scheme of the page.

use super::{quoted, targets};
use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::LinkProblem;

pub struct ProtocolRelativeUrl;

static META: RuleMeta = RuleMeta {
    code: "LNK004",
    name: "protocol-relative-url",
    summary: "A URL starts with `//` and has no scheme",
    explanation: "## What it does
Reports a link or image of the content whose URL starts with `//` (`//img.example.cn/a.png`):
it takes its scheme from the page that shows it. The navigation line at the end of a news post
(`[返回首页](//news.example.cn/)`) is not checked: the exports drop it.

## Why is this bad?
An e-book, a feed reader or a file opened from disk has no `http` or `https` to lend: there
the URL means `file://img.example.cn/a.png` or nothing. The sanitizer rewrites it to `https:`,
which may not be what the other site serves.

## Example
```markdown
![公司公告截图](//img.example.cn/news/20211208/notice.png)
```

## How to fix
Write the scheme: `https://img.example.cn/news/20211208/notice.png`, after checking that the
site answers on https.",
    default_severity: Severity::Warning,
};

impl Rule for ProtocolRelativeUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        for target in targets(post, context.body) {
            let rewritten = target.problem == Some(&LinkProblem::ProtocolRelative);
            // Under a policy that keeps them as they are, the URL still starts with `//`.
            let kept = target.problem.is_none() && target.url.starts_with("//");
            if !(rewritten || kept) {
                continue;
            }
            let help = if rewritten {
                format!(
                    "it was rewritten to {}; write that URL in the post, after checking the site answers on https",
                    quoted(target.url)
                )
            } else {
                "write the scheme: `https:` followed by the URL".to_owned()
            };
            out.push(
                Finding::new(
                    target.span,
                    format!(
                        "{} uses the protocol-relative URL {}",
                        target.kind.noun(),
                        quoted(target.raw)
                    ),
                )
                .with_help(help),
            );
        }
    }
}
