//! CNT005 oversized-post: a post body larger than `max-body-size` (1 MiB by default).

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct OversizedPost;

static META: RuleMeta = RuleMeta {
    code: "CNT005",
    name: "oversized-post",
    summary: "The post body is larger than max-body-size (1 MiB by default)",
    explanation: "## What it does
Reports a post whose body (the text after the front matter, in UTF-8) is larger than
`max-body-size` bytes in `newsbundle.toml`, 1 MiB (1048576 bytes) by default, at the start of
the body.

## Why is this bad?
A news article is a few kilobytes of text; a megabyte of it is usually something else: a
whole book or a data dump pasted into one post, images inlined as `data:` URLs, or a page
saved with its scripts. E-readers slow down or give up on such a chapter, and static site
generators take long to build it.

## Example
A post of 5 MB: a scanned report pasted as `data:image/png;base64,…` images.

## How to fix
Split the post, move inlined images to files, or remove what is not the article. If the
archive really holds long posts, raise the limit: `max-body-size = 4194304` (4 MiB).",
    default_severity: Severity::Warning,
};

impl Rule for OversizedPost {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let size = post.body().len() as u64;
        let limit = context.config.max_body_size;
        if size <= limit {
            return;
        }
        let start = post.body_span.start;
        let width = post.body().chars().next().map_or(0, char::len_utf8);
        out.push(
            Finding::new(
                start..start + width,
                format!(
                    "the body is {}, over the {} limit",
                    human_size(size),
                    human_size(limit)
                ),
            )
            .with_help(
                "split the post or remove what is not the article; or raise `max-body-size` \
                 in newsbundle.toml",
            ),
        );
    }
}

/// `512 bytes`, `3.2 KiB`, `5.0 MiB`: precise enough to see by how much a limit is passed.
fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB {
        format!("{:.1} MiB ({bytes} bytes)", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{:.1} KiB ({bytes} bytes)", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        assert_eq!(super::human_size(200), "200 bytes");
        assert_eq!(super::human_size(1536), "1.5 KiB (1536 bytes)");
        assert_eq!(super::human_size(1024 * 1024), "1.0 MiB (1048576 bytes)");
    }
}
