//! CNT002 duplicate-body: two posts with the same body.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Finding, Severity};
use crate::lint::{hash_of, ArchiveIndex, Context, PostFacts, Rule, RuleMeta};
use crate::parse::Post;

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

/// What the rule keeps of a post with a body.
struct Body {
    hash: u64,
    /// The body's first character.
    span: Range<usize>,
}

impl Rule for DuplicateBody {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A hash of the trimmed body, and the span of its first character; nothing for an empty
    /// body.
    fn summarize(&self, post: &Post, _context: &Context<'_>) -> Option<PostFacts> {
        let body = post.body().trim();
        if body.is_empty() {
            return None;
        }
        let leading = post.body().len() - post.body().trim_start().len();
        let start = post.body_span.start + leading;
        let end = start + body.chars().next().map_or(0, char::len_utf8);
        Some(Box::new(Body {
            hash: hash_of(body),
            span: start..end,
        }))
    }

    fn check_archive(&self, archive: &ArchiveIndex<'_>, out: &mut Vec<(usize, Finding)>) {
        let mut first: HashMap<u64, usize> = HashMap::new();
        for (index, post) in archive.facts::<Body>() {
            let hash = post.hash;
            match first.get(&hash) {
                Some(&earlier) => out.push((
                    index,
                    Finding::new(
                        post.span.clone(),
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
