//! FM010 invalid-date: `date` is not a date Jekyll can read.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct InvalidDate;

static META: RuleMeta = RuleMeta {
    code: "FM010",
    name: "invalid-date",
    summary: "The date is not a valid date",
    explanation: "## What it does
Reports a `date` that is empty, has only a time zone, is not in one of Jekyll's formats, or is
not a day of the calendar.

Accepted: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS` (with `T` or a space, optional
fraction), optionally followed by ` +HHMM`, `+HH:MM` or `Z`.

## Why is this bad?
Jekyll fails the build on an unreadable date, or sorts the post to the wrong place; exports lose
the publication time.

## Example
```yaml
date:  +0800
date: 2021-13-45 10:00:00
```

## How to fix
Write the full date and time: `date: 2022-05-26 09:30:00 +0800`.",
    default_severity: Severity::Error,
};

impl Rule for InvalidDate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(date) = &post.front_matter.date else {
            return;
        };
        let Err(error) = date.parsed else {
            return;
        };
        let Some(entry) = post.front_matter.entry("date") else {
            return;
        };
        let span = if entry.value_span.is_empty() {
            entry.key_span.clone()
        } else {
            entry.value_span.clone()
        };
        let message = if date.raw.trim().is_empty() {
            "date is empty".to_owned()
        } else {
            format!("date \"{}\" {}", date.raw.trim(), error.describe())
        };
        out.push(Finding::new(span, message).with_help(
            "write it as `YYYY-MM-DD HH:MM:SS +ZZZZ`, e.g. `2022-03-29 13:54:28 +0800`",
        ));
    }
}
