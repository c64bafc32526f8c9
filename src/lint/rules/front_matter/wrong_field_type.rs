//! FM019 wrong-field-type: a known field holds the wrong kind of value.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};

pub struct WrongFieldType;

static META: RuleMeta = RuleMeta {
    code: "FM019",
    name: "wrong-field-type",
    summary: "A front matter field has a value of the wrong type",
    explanation: "## What it does
Reports a field Jekyll gives a meaning to (`title`, `date`, `categories`, `tags`, `layout`,
`permalink`, `author`, `published`, `lang`) whose value is of the wrong kind, such as a list for
`title` or a string for `published`.

## Why is this bad?
Jekyll and themes print or compare the value as they expect it: a list title renders as
`[\"a\", \"b\"]`, and `published: \"false\"` (a string) publishes the post.

## Example
```yaml
title: [上证指数, 收盘]
published: \"no\"
```

## How to fix
Give the field the expected type: `title: \"上证指数收盘\"`, `published: false`.",
    default_severity: Severity::Error,
};

impl Rule for WrongFieldType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::WrongType {
                span,
                key,
                expected,
                found,
            } = problem
            {
                // A value over several lines (a block list) is pointed at by its key: its first
                // line may well be a good item.
                let span = match post.front_matter.entry(key) {
                    Some(entry)
                        if post
                            .text()
                            .get(span.clone())
                            .is_some_and(|value| value.contains('\n')) =>
                    {
                        entry.key_span.clone()
                    }
                    _ => span.clone(),
                };
                out.push(
                    Finding::new(span, format!("\"{key}\" is {found}, expected {expected}"))
                        .with_help(format!("write \"{key}\" as {expected}")),
                );
            }
        }
    }
}
