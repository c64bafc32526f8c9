//! FM021 date-read-as-utc: an unquoted date with a time and no zone, on a site whose
//! `timezone` is not UTC: Jekyll reads it as UTC, not as site time.

use chrono::Offset;

use crate::diagnostic::{Finding, Severity};
use crate::jekyll::{self, DateSource};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct DateReadAsUtc;

static META: RuleMeta = RuleMeta {
    code: "FM021",
    name: "date-read-as-utc",
    summary: "Jekyll reads this unquoted date without zone as UTC, not as site time",
    explanation: "## What it does
Reports an unquoted front matter `date` with a time and no zone (`date: 2021-12-08 10:46:18`) on
a site whose `_config.yml` sets a `timezone` other than UTC.

## Why is this bad?
YAML reads such a date as a timestamp, and a timestamp without zone is UTC: Jekyll shows it in
the site's zone, so `10:46:18` on an `Asia/Shanghai` site becomes 18:46 — and a post written at
20:00 gets the next day in its URL. The same date in quotes, or without seconds, is read in the
site's zone instead, so posts of one archive disagree. Authors almost always meant site time.

## Example
```yaml
# _config.yml: timezone: Asia/Shanghai
date: 2021-12-08 10:46:18
```

## How to fix
Write the zone: `date: 2021-12-08 10:46:18 +0800` for site time (or `+0000` if UTC was meant).",
    default_severity: Severity::Warning,
};

impl Rule for DateReadAsUtc {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(zone) = context.site.and_then(|site| site.timezone) else {
            return;
        };
        if jekyll::date_source(post) != Some(DateSource::YamlTimestampWithoutZone) {
            return;
        }
        let (Some(entry), Some(instant)) = (
            post.front_matter.entry("date"),
            jekyll::post_date(post, context.site),
        ) else {
            return;
        };
        let site_offset = instant.with_timezone(&zone).offset().fix();
        if site_offset.local_minus_utc() == 0 {
            return;
        }
        let utc = instant.naive_utc();
        let on_site = instant.with_timezone(&zone);
        let written = post.text()[entry.value_span.clone()].trim();
        let offset = on_site.format("%z").to_string();
        // On another day on the site, the URL's day changes too: say it.
        let site_time = if on_site.date_naive() == utc.date() {
            on_site.format("%H:%M").to_string()
        } else {
            on_site.format("%Y-%m-%d %H:%M").to_string()
        };
        out.push(
            Finding::new(
                entry.value_span.clone(),
                format!(
                    "date \"{written}\" has no zone: Jekyll reads it as {} UTC = {} {offset} on the site",
                    utc.format("%H:%M"),
                    site_time,
                ),
            )
            .with_help(format!(
                "write {offset} if you meant site time (`{written} {offset}`), or +0000 if you meant UTC"
            )),
        );
    }
}
