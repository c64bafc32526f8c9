//! FM007 tab-in-front-matter: a tab in the indentation of a front matter line.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};

pub struct TabInFrontMatter;

static META: RuleMeta = RuleMeta {
    code: "FM007",
    name: "tab-in-front-matter",
    summary: "A front matter line is indented with a tab",
    explanation: "## What it does
Reports a tab character in the indentation of a front matter line.

## Why is this bad?
YAML forbids tabs for indentation: the front matter fails to parse in Jekyll and the post loses
all its fields.

## Example
```yaml
---
tags:
\t- 财经
---
```

## How to fix
Indent with spaces.",
    default_severity: Severity::Error,
};

impl Rule for TabInFrontMatter {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::Tab { span } = problem {
                out.push(
                    Finding::new(span.clone(), "tab in front matter indentation")
                        .with_help("indent YAML with spaces: tabs are not allowed"),
                );
            }
        }
    }
}
