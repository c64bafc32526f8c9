//! CNT001 duplicate-post: two posts with the same title and date.

use std::collections::HashMap;

use crate::diagnostic::{Finding, Severity};
use crate::lint::{ArchiveIndex, Rule, RuleMeta};

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

impl Rule for DuplicatePost {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_archive(&self, archive: &ArchiveIndex<'_>, out: &mut Vec<(usize, Finding)>) {
        let mut first: HashMap<u64, usize> = HashMap::new();
        for (index, post) in archive.posts.iter().enumerate() {
            let Some(key) = post.title_and_date else {
                continue;
            };
            match first.get(&key) {
                Some(&earlier) => out.push((
                    index,
                    Finding::new(
                        post.title_span.clone(),
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
