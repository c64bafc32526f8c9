//! FM013 invalid-post-file-name: a file in `_posts` not named `YYYY-MM-DD-slug.ext`.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct InvalidPostFileName;

static META: RuleMeta = RuleMeta {
    code: "FM013",
    name: "invalid-post-file-name",
    summary: "A file in `_posts` is not named `YYYY-MM-DD-slug.ext`",
    explanation: "## What it does
Reports a file inside a `_posts` directory whose name does not start with a calendar date and a
dash, followed by a slug and an extension.

## Why is this bad?
Jekyll silently skips such files: the post is never published.

## Example
```text
_posts/-202405170001234567.md
_posts/2021-13-45-news.md
```

## How to fix
Rename the file, for example `_posts/2024-05-17-202405170001234567.md`.",
    default_severity: Severity::Error,
};

impl Rule for InvalidPostFileName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        let name = &post.file_name;
        if !name.in_posts_dir {
            return;
        }
        let file = post.path.rsplit(['/', '\\']).next().unwrap_or(&post.path);
        let message = match &name.date {
            None => format!("file name \"{file}\" does not start with a date (YYYY-MM-DD-)"),
            Some(Err(error)) => {
                let date = file.splitn(4, '-').take(3).collect::<Vec<_>>().join("-");
                format!("file name date \"{date}\" {}", error.describe())
            }
            Some(Ok(_)) if name.slug.is_empty() => {
                format!("file name \"{file}\" has no slug after the date")
            }
            Some(Ok(_)) if !name.has_extension => format!("file name \"{file}\" has no extension"),
            Some(Ok(_)) => return,
        };
        out.push(
            Finding::new(0..0, message)
                .with_help("Jekyll skips posts not named YYYY-MM-DD-slug.ext; rename the file"),
        );
    }
}
