//! FM010 invalid-date: `date` is not a date Jekyll can read.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ruby_date, Post};

pub struct InvalidDate;

static META: RuleMeta = RuleMeta {
    code: "FM010",
    name: "invalid-date",
    summary: "The date is not a valid date",
    explanation: "## What it does
Reports a `date` that is empty, has only a time zone, is not a date Ruby's `Time.parse` reads
(Jekyll reads every date with it), has no year, or that Jekyll reads otherwise than written: a
day past the end of its month (Ruby rolls it into the next), a zone Ruby does not know (it then
reads the time on the site's clock), or text it passes over.

Read as Jekyll reads them, and not reported: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (with `T` or
a space, optional fraction), with ` +HHMM`, `+HH:MM`, `+HH`, `Z`, `UTC`, `GMT` or a US zone
name; also `Sat, 05 Mar 2022 23:30:00 +0800`, `March 4, 2022`, `4 Mar 2022 10:00 pm`,
`2022/03/04` and `04.03.2022` (day first).

## Why is this bad?
Jekyll fails the build on an unreadable date, dates a post without a year by the day the site
is built, and shifts a post whose zone it ignores; exports lose the publication time.

## Example
```yaml
date:  +0800
date: 2021-13-45 10:00:00
date: 2022-02-30
date: 2022-03-04 10:00:00 北京时间
```

## How to fix
Write the full date and time: `date: 2022-05-26 09:30:00 +0800`.",
    default_severity: Severity::Error,
};

impl Rule for InvalidDate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(date) = &post.front_matter.date else {
            return;
        };
        let raw = date.raw.trim();
        let problem = match &date.parsed {
            Err(_) if raw.is_empty() => "date is empty".to_owned(),
            Err(error) => format!("date \"{raw}\" {}", error.describe()),
            Ok(value) if value.rolled_over => {
                let read = match (value.has_time, value.offset) {
                    (false, _) => value.local.format("%Y-%m-%d").to_string(),
                    (true, None) => value.local.format("%Y-%m-%d %H:%M:%S").to_string(),
                    (true, Some(offset)) => format!("{} {offset}", value.local.format("%Y-%m-%d %H:%M:%S")),
                };
                format!("date \"{raw}\" is out of range: Jekyll rolls it over to {read}")
            }
            Ok(value) if value.zone_name.is_some() && unknown_zone(raw, context) => format!(
                "date \"{raw}\" has a zone Jekyll does not know (\"{}\"): it reads the time on the site's clock",
                value.zone_name.as_deref().unwrap_or_default()
            ),
            Ok(value) => match &value.ignored {
                Some(ignored) => format!("date \"{raw}\" holds text Jekyll passes over (\"{ignored}\")"),
                None => return,
            },
        };
        let Some(entry) = post.front_matter.entry("date") else {
            return;
        };
        let span = if entry.value_span.is_empty() {
            entry.key_span.clone()
        } else {
            entry.value_span.clone()
        };
        out.push(Finding::new(span, problem).with_help(
            "write it as `YYYY-MM-DD HH:MM:SS +ZZZZ`, e.g. `2022-03-29 13:54:28 +0800`",
        ));
    }
}

/// A zone written by a name Ruby knows neither by itself nor as the site's own zone.
fn unknown_zone(raw: &str, context: &Context<'_>) -> bool {
    let site_zone = context.site.and_then(|site| site.timezone);
    ruby_date::time_parse(raw, Some(site_zone.unwrap_or(chrono_tz::Tz::UTC)))
        .is_ok_and(|parsed| parsed.zone_name.is_some())
}
