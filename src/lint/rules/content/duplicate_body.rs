//! CNT002 duplicate-body: two posts with the same body.

use std::collections::HashMap;

use crate::diagnostic::{Finding, Severity};
use crate::lint::{ArchiveIndex, Rule, RuleMeta};

pub struct DuplicateBody;

static META: RuleMeta = RuleMeta {
    code: "CNT002",
    name: "duplicate-body",
    summary: "Another post has exactly the same body",
    explanation: "## What it does
Reports a post whose body (ignoring leading and trailing whitespace) is the same as the body of
a post earlier in path order, naming that post. Empty bodies are not compared.

## Why is this bad?
The same article archived twice, perhaps under two titles: readers see it twice and search
engines penalise the copy.

## Example
Two posts from two feeds carrying the same wire story word for word.

## How to fix
Delete one of the two posts, or redirect its URL to the other.",
    default_severity: Severity::Warning,
};

impl Rule for DuplicateBody {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_archive(&self, archive: &ArchiveIndex<'_>, out: &mut Vec<(usize, Finding)>) {
        let mut first: HashMap<u64, usize> = HashMap::new();
        for (index, post) in archive.posts.iter().enumerate() {
            let Some(hash) = post.body_hash else {
                continue;
            };
            match first.get(&hash) {
                Some(&earlier) => out.push((
                    index,
                    Finding::new(
                        post.body_span.clone(),
                        format!("same body as {}", archive.paths[earlier]),
                    )
                    .with_help("delete one of the two posts"),
                )),
                None => {
                    first.insert(hash, index);
                }
            }
        }
    }
}
