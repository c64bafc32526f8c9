//! FM002 unterminated-front-matter: an opening `---` without a closing one.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};

pub struct UnterminatedFrontMatter;

static META: RuleMeta = RuleMeta {
    code: "FM002",
    name: "unterminated-front-matter",
    summary: "The front matter block is opened with `---` but never closed",
    explanation: "## What it does
Reports a front matter block whose opening `---` has no closing `---` (or `...`) line.

## Why is this bad?
Jekyll does not recognise the block: the whole file, YAML included, is treated as content, and
the post loses its title, date and categories.

## Example
```markdown
---
title: \"央行降准\"
date: 2021-12-08 10:18:31 +0800

正文从这里开始。
```

## How to fix
Close the block with a line holding only `---` after the last field.",
    default_severity: Severity::Error,
};

impl Rule for UnterminatedFrontMatter {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::Unterminated { span } = problem {
                out.push(
                    Finding::new(span.clone(), "front matter is opened here but never closed")
                        .with_help(
                            "add a line holding only `---` after the last front matter field",
                        ),
                );
            }
        }
    }
}
