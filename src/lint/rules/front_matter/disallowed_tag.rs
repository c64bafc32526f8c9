//! FM016 disallowed-tag: a tag outside `front-matter.allowed-tags`.

use super::disallowed_category::check_allowlist;
use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct DisallowedTag;

static META: RuleMeta = RuleMeta {
    code: "FM016",
    name: "disallowed-tag",
    summary: "A tag is not in the configured allowlist",
    explanation: "## What it does
When `newsbundle.toml` lists `front-matter.allowed-tags`, reports each tag of a post that is not
in the list. Without the setting the rule does nothing.

## Why is this bad?
Near-duplicate tags (`东财滚动新闻` and `东财滚动`) split one topic into two tag pages.

## Example
```toml
[front-matter]
allowed-tags = [\"东财滚动新闻\", \"站长消息\"]
```
```yaml
tags: 东财滚动
```

## How to fix
Use an allowed tag, or add the new one to the allowlist.",
    default_severity: Severity::Error,
};

impl Rule for DisallowedTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(allowed) = &context.config.allowed_tags else {
            return;
        };
        check_allowlist(
            post,
            "tag",
            &post.front_matter.tags,
            allowed,
            &["tags", "tag"],
            out,
        );
    }
}
