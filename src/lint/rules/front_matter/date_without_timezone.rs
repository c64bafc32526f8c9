//! FM011 date-without-timezone: a date without zone on a site that sets no `timezone`.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct DateWithoutTimezone;

static META: RuleMeta = RuleMeta {
    code: "FM011",
    name: "date-without-timezone",
    summary: "The date has no time zone and the site sets none",
    explanation: "## What it does
Reports a `date` with a time but without a zone when the site's `_config.yml` has no `timezone` (or
there is no `_config.yml`). On a site with a `timezone`, a quoted date without zone is in that
zone; an unquoted one with seconds is UTC (FM021).

## Why is this bad?
The date then means the local time of whichever machine builds the site: the same archive gets
different dates, and different days, on a laptop and on a CI runner.

## Example
```yaml
date: 2021-12-08 10:18:31
```

## How to fix
Add the zone to the date (`date: 2021-12-08 10:18:31 +0800`), or set the site's zone in
`_config.yml`: `timezone: Asia/Shanghai`.",
    default_severity: Severity::Warning,
};

impl Rule for DateWithoutTimezone {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(date) = &post.front_matter.date else {
            return;
        };
        let Ok(value) = &date.parsed else {
            return;
        };
        // A date without a time names the same day everywhere.
        if !value.has_time
            || value.offset.is_some()
            || context.site.and_then(|site| site.timezone).is_some()
        {
            return;
        }
        let Some(entry) = post.front_matter.entry("date") else {
            return;
        };
        let where_ = if context.site.is_some() {
            "the site's _config.yml sets no timezone"
        } else {
            "there is no _config.yml with a timezone"
        };
        out.push(
            Finding::new(
                entry.value_span.clone(),
                format!("date \"{}\" has no time zone and {where_}", date.raw.trim()),
            )
            .with_help("add the zone to the date (` +0800`) or `timezone:` to _config.yml"),
        );
    }
}
