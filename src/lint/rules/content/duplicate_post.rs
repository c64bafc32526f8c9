//! CNT001 duplicate-post: two posts with the same title and date.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Finding, Severity};
use crate::jekyll;
use crate::lint::{hash_of, ArchiveIndex, Context, PostFacts, Rule, RuleMeta};
use crate::parse::Post;

pub struct DuplicatePost;

static META: RuleMeta = RuleMeta {
    code: "CNT001",
    name: "duplicate-post",
    summary: "Another post has the same title and date",
    explanation: "## What it does
Reports a post whose title and date (as an instant, after time zones) are the same as those of
a post earlier in path order, naming that post.

## Why is this bad?
News mirrors often fetch the same article twice under two IDs: readers see it twice, and an
e-book has two identical chapters.

## Example
```text
_posts/2023-04-11-202304110000100001.md   title: \"新能源车企公布季度交付量\"  date: 2023-04-11 09:05:00
_posts/2023-04-11-202304110000100002.md   title: \"新能源车企公布季度交付量\"  date: 2023-04-11 09:05:00
```

## How to fix
Delete one of the two posts, or redirect its URL to the other.",
    default_severity: Severity::Warning,
};

/// What the rule keeps of a post with a title and a date.
struct TitleAndDate {
    key: u64,
    span: Range<usize>,
}

impl Rule for DuplicatePost {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A hash of the trimmed title and the date (the instant Jekyll uses, in UTC, so that
    /// `10:18 +0800` and `02:18 +0000` are the same; a date Jekyll cannot read, as written),
    /// and the title's span.
    fn summarize(&self, post: &Post, context: &Context<'_>) -> Option<PostFacts> {
        let front_matter = &post.front_matter;
        let date = front_matter.date.as_ref().map(|date| {
            match (&date.parsed, jekyll::post_date(post, context.site)) {
                (Ok(_), Some(instant)) => instant.to_utc().to_rfc3339(),
                _ => date.raw.trim().to_owned(),
            }
        });
        let title = front_matter
            .title
            .as_deref()
            .map(str::trim)
            .filter(|title| !title.is_empty());
        let key = hash_of(title.zip(date)?);
        let span = front_matter
            .entry("title")
            .map_or(0..0, |entry| entry.value_span.clone());
        Some(Box::new(TitleAndDate { key, span }))
    }

    fn check_archive(&self, archive: &ArchiveIndex<'_>, out: &mut Vec<(usize, Finding)>) {
        let mut first: HashMap<u64, usize> = HashMap::new();
        for (index, post) in archive.facts::<TitleAndDate>() {
            let key = post.key;
            match first.get(&key) {
                Some(&earlier) => out.push((
                    index,
                    Finding::new(
                        post.span.clone(),
                        format!("same title and date as {}", archive.paths[earlier]),
                    )
                    .with_help("delete one of the two posts"),
                )),
                None => {
                    first.insert(key, index);
                }
            }
        }
    }
}
