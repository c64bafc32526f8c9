//! FM012 future-date: the post is dated in the future.

use crate::diagnostic::{Finding, Severity};
use crate::jekyll;
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct FutureDate;

static META: RuleMeta = RuleMeta {
    code: "FM012",
    name: "future-date",
    summary: "The post is dated in the future",
    explanation: "## What it does
Reports a post whose `date` is later than the time of the run.

## Why is this bad?
Jekyll does not publish future-dated posts unless `future: true` is set, so the post silently
disappears from the site. In an archive, a future date is almost always a typo (a wrong year).

## Example
```yaml
date: 9999-12-31
```

## How to fix
Correct the date, or silence the rule for scheduled posts in `newsbundle.toml`.",
    default_severity: Severity::Warning,
};

impl Rule for FutureDate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(date) = &post.front_matter.date else {
            return;
        };
        if date.parsed.is_err() {
            return;
        }
        // The instant Jekyll compares with the time of the build.
        let Some(instant) = jekyll::post_date(post, context.site) else {
            return;
        };
        if instant.to_utc() <= context.now {
            return;
        }
        let Some(entry) = post.front_matter.entry("date") else {
            return;
        };
        out.push(
            Finding::new(
                entry.value_span.clone(),
                format!("date \"{}\" is in the future", date.raw.trim()),
            )
            .with_help(
                "Jekyll does not publish future posts without `future: true`; check the year",
            ),
        );
    }
}
