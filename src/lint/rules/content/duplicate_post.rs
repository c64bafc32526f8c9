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
_posts/2021-12-08-202112082206703990.md   title: \"FF：有充足的现金\"  date: 2021-12-08 10:18:31
_posts/2021-12-08-202112082206703991.md   title: \"FF：有充足的现金\"  date: 2021-12-08 10:18:31
```

## How to fix
Delete one of the two posts, or redirect its URL to the other.",
    default_severity: Severity::Warning,
};

impl Rule for DuplicatePost {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_archive(&self, archive: &ArchiveIndex, out: &mut Vec<(usize, Finding)>) {
        let mut first: HashMap<(&str, &str), usize> = HashMap::new();
        for (index, post) in archive.posts.iter().enumerate() {
            let (Some(title), Some(date)) = (&post.title, &post.date) else {
                continue;
            };
            match first.get(&(title.as_str(), date.as_str())) {
                Some(&earlier) => out.push((
                    index,
                    Finding::new(
                        post.title_span.clone(),
                        format!("same title and date as {}", archive.posts[earlier].path),
                    )
                    .with_help("delete one of the two posts"),
                )),
                None => {
                    first.insert((title, date), index);
                }
            }
        }
    }
}
