//! FM001 missing-front-matter: the file has no `---` block at the top.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};

pub struct MissingFrontMatter;

static META: RuleMeta = RuleMeta {
    code: "FM001",
    name: "missing-front-matter",
    summary: "The file has no front matter block",
    explanation: "## What it does
Reports a post that does not begin with a `---` front matter block: any file inside `_posts`,
and any file at all when it is not part of a Jekyll site (no `_config.yml` above it). Inside a
site, a file outside `_posts` without front matter is a static file to Jekyll, and is left alone.

## Why is this bad?
Jekyll only treats a file with front matter as a post or page; without it, the file is copied
as a static file and never shows up on the site, in feeds or in exports.

## Example
```markdown
# 서울 시내버스 노선 개편
Body text without any front matter.
```

## How to fix
Add a front matter block at the very top of the file:
```markdown
---
title: \"서울 시내버스 노선 개편\"
date: 2022-06-29 10:00:00 +0900
---
```",
    default_severity: Severity::Error,
};

impl Rule for MissingFrontMatter {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        // Inside a Jekyll site, a file outside `_posts` without front matter is a static file
        // (a README, say) and meant to be one.
        if context.site.is_some() && !post.file_name.in_posts_dir {
            return;
        }
        if post.problems.contains(&ParseProblem::MissingFrontMatter) {
            out.push(Finding::new(0..0, "file has no front matter").with_help(
                "start the file with a `---` line, the YAML fields, and a closing `---` line",
            ));
        }
    }
}
