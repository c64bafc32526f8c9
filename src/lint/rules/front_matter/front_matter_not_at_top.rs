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
title: \"港口集装箱吞吐量连续三个月增长\"
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
            if let ParseProblem::NotAtTop { span, blank_lines } = problem {
                let plural = if *blank_lines == 1 { "" } else { "s" };
                out.push(
                    Finding::new(
                        span.clone(),
                        format!("front matter starts after {blank_lines} blank line{plural}"),
                    )
                    .with_help(
                        "delete them: Jekyll only reads front matter that starts on the first line",
                    ),
                );
            }
        }
    }
}
