//! FM022 day-first-date: a date written with slashes or dots whose year is not first
//! (`03/04/2022`): Jekyll's Ruby reads the day first, and a two-digit last number as the day.

use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct DayFirstDate;

static META: RuleMeta = RuleMeta {
    code: "FM022",
    name: "day-first-date",
    summary: "A date with slashes or dots whose year is not first: Jekyll reads the day first",
    explanation: "## What it does
Reports a front matter `date` written with slashes or dots that does not start with a
four-digit year (`03/04/2022`, `04.03.2022`, `3/4/22`), and says which day Jekyll makes of it.

## Why is this bad?
Jekyll reads dates with Ruby's `Time.parse`, which takes `03/04/2022` as 3 April (day first),
where an American reader means 4 March; with a two-digit year at the end (`3/4/22`) it takes
the first number as the year (22 April 2003). The post gets a date, a URL and a place in the
archive its author did not mean, and no error says so.

## Example
```yaml
date: 03/04/2022 10:00
```

## How to fix
Write the year first: `date: 2022-04-03 10:00:00 +0800` (or `2022-03-04` if March was meant).",
    default_severity: Severity::Warning,
};

/// Numbers separated by slashes or dots, the first of them not a four-digit year.
static NOT_YEAR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9./])'?[0-9]{1,2}\s*[/.]\s*'?[0-9]{1,2}\s*[/.]\s*'?[0-9]{1,4}\b")
        .expect("a valid regular expression")
});

impl Rule for DayFirstDate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(date) = &post.front_matter.date else {
            return;
        };
        let Ok(value) = &date.parsed else {
            return;
        };
        let raw = date.raw.trim();
        // A time (`10:30`) or a fraction (`10.5`) is not a date with dots.
        let mut words = raw.split_whitespace().filter(|word| !word.contains(':'));
        if !words.any(|word| NOT_YEAR_FIRST.is_match(word)) {
            return;
        }
        let Some(entry) = post.front_matter.entry("date") else {
            return;
        };
        out.push(
            Finding::new(
                entry.value_span.clone(),
                format!(
                    "date \"{raw}\" does not start with its year: Jekyll reads it as {}",
                    value.local.format("%-d %B %Y")
                ),
            )
            .with_help(format!(
                "write the year first, e.g. `{}`",
                value.local.format("%Y-%m-%d")
            )),
        );
    }
}
