//! FM015 disallowed-category: a category outside `front-matter.allowed-categories`.

use crate::config::suggest;
use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct DisallowedCategory;

static META: RuleMeta = RuleMeta {
    code: "FM015",
    name: "disallowed-category",
    summary: "A category is not in the configured allowlist",
    explanation: "## What it does
When `newsbundle.toml` lists `front-matter.allowed-categories`, reports each category of a post
that is not in the list. Without the setting the rule does nothing.

## Why is this bad?
A misspelt category makes a new section of the site (and of an e-book's table of contents) with
one lonely post in it.

## Example
```toml
[front-matter]
allowed-categories = [\"emnews\", \"sitenews\"]
```
```yaml
categories: emnew
```

## How to fix
Correct the category, or add it to the allowlist.",
    default_severity: Severity::Error,
};

impl Rule for DisallowedCategory {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(allowed) = &context.config.allowed_categories else {
            return;
        };
        check_allowlist(
            post,
            "category",
            &post.front_matter.categories,
            allowed,
            &["categories", "category"],
            out,
        );
    }
}

/// Shared by the category and tag allowlist rules: one finding per value not in `allowed`.
pub(super) fn check_allowlist(
    post: &Post,
    what: &str,
    values: &[String],
    allowed: &[String],
    keys: &[&str],
    out: &mut Vec<Finding>,
) {
    for (index, value) in values.iter().enumerate() {
        if allowed.contains(value) {
            continue;
        }
        let occurrence = values[..index]
            .iter()
            .filter(|earlier| *earlier == value)
            .count();
        let span = post
            .front_matter
            .item_span(post.text(), keys, value, occurrence)
            .unwrap_or(0..0);
        let help = match suggest(value, allowed.iter().map(String::as_str)) {
            Some(close) => format!("did you mean \"{close}\"? or add \"{value}\" to the allowlist in newsbundle.toml"),
            None => format!("use one of the allowed values, or add \"{value}\" to the allowlist in newsbundle.toml"),
        };
        out.push(
            Finding::new(span, format!("{what} \"{value}\" is not in the allowlist"))
                .with_help(help),
        );
    }
}
