//! FM014 file-name-date-mismatch: the file name's date is not the day of `date`.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct FileNameDateMismatch;

static META: RuleMeta = RuleMeta {
    code: "FM014",
    name: "file-name-date-mismatch",
    summary: "The date in the file name is not the day of the front matter date",
    explanation: "## What it does
Compares the date at the start of a post's file name with the day of its `date` field, in the
site's `timezone` (a date with its own zone is converted first).

## Why is this bad?
Jekyll uses the front matter date for the post's URL and order, the file name date for other
tools: the two disagree on when the article was published, and links break when the post is
renamed.

## Example
```yaml
# _posts/2021-12-08-market.md, site timezone Asia/Shanghai
date: 2021-12-08 20:30:00 -0500   # 2021-12-09 09:30 in Shanghai
```

## How to fix
Rename the file or correct the date so that both name the same day.",
    default_severity: Severity::Warning,
};

impl Rule for FileNameDateMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(Ok(name_date)) = post.file_name.date else {
            return;
        };
        let Some(date) = &post.front_matter.date else {
            return;
        };
        let Ok(value) = &date.parsed else {
            return;
        };
        let zone = context.site.and_then(|site| site.timezone);
        let (day, zone_note) = match (value.resolve(zone), zone) {
            (Some(instant), Some(zone)) => (
                instant.with_timezone(&zone).date_naive(),
                format!(" (in {})", zone.name()),
            ),
            (Some(instant), None) => (instant.date_naive(), String::new()),
            (None, _) => (value.local.date(), String::new()),
        };
        if day == name_date {
            return;
        }
        let Some(entry) = post.front_matter.entry("date") else {
            return;
        };
        out.push(
            Finding::new(
                entry.value_span.clone(),
                format!("date is {day}{zone_note} but the file name says {name_date}"),
            )
            .with_help("rename the file or correct the date so that both name the same day"),
        );
    }
}
