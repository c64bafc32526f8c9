//! FM009 empty-title: `title` is empty or only whitespace.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct EmptyTitle;

static META: RuleMeta = RuleMeta {
    code: "FM009",
    name: "empty-title",
    summary: "The title is empty or only whitespace",
    explanation: "## What it does
Reports a `title` that is present but empty, null, or made only of whitespace (including
full-width spaces).

## Why is this bad?
The post shows up with a blank heading in lists, feeds and e-book tables of contents. In news
mirrors this usually means the feed item lost its headline.

## Example
```yaml
---
title: \"\"
date: 2022-05-26 09:00:00 +0800
---
```

## How to fix
Write the headline, or remove the key so the title comes from the file name.",
    default_severity: Severity::Error,
};

impl Rule for EmptyTitle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(title) = &post.front_matter.title else {
            return;
        };
        if !title.trim().is_empty() {
            return;
        }
        let Some(entry) = post.front_matter.entry("title") else {
            return;
        };
        let span = if entry.value_span.is_empty() {
            entry.key_span.clone()
        } else {
            entry.value_span.clone()
        };
        let message = if title.is_empty() {
            "title is empty".to_owned()
        } else {
            format!("title \"{title}\" is only whitespace")
        };
        out.push(
            Finding::new(span, message)
                .with_help("write the post's headline, or remove `title` to use the file name"),
        );
    }
}
