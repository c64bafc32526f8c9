//! FM004 front-matter-not-mapping: the front matter is YAML, but not `key: value` pairs.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};

pub struct FrontMatterNotMapping;

static META: RuleMeta = RuleMeta {
    code: "FM004",
    name: "front-matter-not-mapping",
    summary: "The front matter is not a mapping of keys to values",
    explanation: "## What it does
Reports front matter that parses as YAML but is a list or a plain string instead of
`key: value` pairs.

## Why is this bad?
Jekyll reads fields by name; a list or a string gives the post no title, date or categories.

## Example
```yaml
---
- title: 新闻标题
- date: 2021-12-08
---
```

## How to fix
Write one `key: value` pair per line, without list dashes.",
    default_severity: Severity::Error,
};

impl Rule for FrontMatterNotMapping {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::NotAMapping { span, found } = problem {
                out.push(
                    Finding::new(
                        span.clone(),
                        format!("front matter is {found}, not a mapping of keys to values"),
                    )
                    .with_help("write the fields as `key: value` lines"),
                );
            }
        }
    }
}
