//! FM005 front-matter-not-at-top: blank lines stand before the opening `---`.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};

pub struct FrontMatterNotAtTop;

static META: RuleMeta = RuleMeta {
    code: "FM005",
    name: "front-matter-not-at-top",
    summary: "Blank lines stand before the front matter",
    explanation: "## What it does
Reports a post whose `---` front matter block is preceded by blank lines. newsbundle reads the
front matter anyway; Jekyll does not.

## Why is this bad?
Jekyll only recognises front matter that starts on the very first line. With a blank line
first, the post is published with its YAML shown as text and without its title and date.

## Example
```markdown

---
title: \"FF：有充足的现金支持到FF 91完成投产\"
---
```

## How to fix
Delete the blank lines so that `---` is the first line of the file.",
    default_severity: Severity::Error,
};

impl Rule for FrontMatterNotAtTop {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::NotAtTop { span } = problem {
                let lines = post.text()[span.clone()].matches('\n').count().max(1);
                let plural = if lines == 1 { "" } else { "s" };
                out.push(
                    Finding::new(
                        span.start..span.start,
                        format!("{lines} blank line{plural} before the front matter"),
                    )
                    .with_help(
                        "delete them: Jekyll only reads front matter that starts on the first line",
                    ),
                );
            }
        }
    }
}
