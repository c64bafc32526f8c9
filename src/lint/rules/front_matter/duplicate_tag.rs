//! FM017 duplicate-tag: the same tag twice in one post.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct DuplicateTag;

static META: RuleMeta = RuleMeta {
    code: "FM017",
    name: "duplicate-tag",
    summary: "A tag is listed twice",
    explanation: "## What it does
Reports a tag that a post lists more than once (in `tags`, or in `tags` and `tag`).

## Why is this bad?
The post shows the tag twice, and some exporters fail on duplicate taxonomy terms.

## Example
```yaml
tags: [财经, 股市, 财经]
```

## How to fix
Remove the repeated tag.",
    default_severity: Severity::Warning,
};

impl Rule for DuplicateTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        let tags = &post.front_matter.tags;
        for (index, tag) in tags.iter().enumerate() {
            let earlier = tags[..index].iter().filter(|other| *other == tag).count();
            if earlier == 0 {
                continue;
            }
            let span = post
                .front_matter
                .item_span(post.text(), &["tags", "tag"], tag, earlier)
                .unwrap_or(0..0);
            out.push(
                Finding::new(span, format!("tag \"{tag}\" is listed more than once"))
                    .with_help("remove the repeated tag"),
            );
        }
    }
}
