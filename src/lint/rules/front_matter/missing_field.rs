//! FM008 missing-field: a required front matter field is absent.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};

pub struct MissingField;

static META: RuleMeta = RuleMeta {
    code: "FM008",
    name: "missing-field",
    summary: "A required front matter field is missing",
    explanation: "## What it does
Reports each required field that a post's front matter does not have: in any file inside
`_posts`, and in any file at all when it is not part of a Jekyll site (no `_config.yml` above
it). A page of a site (`index.md`, `about.md`) needs no date, and is left alone. The required
fields are `title` and `date` unless `front-matter.required` in `newsbundle.toml` says otherwise.

A file named as Jekyll names posts, `YYYY-MM-DD-slug.md`, has a date without a `date` field:
Jekyll (and every export of newsbundle) takes it from the name. Its title too, when the slug is
made of words (`2013-01-11-markup-text-alignment.md` is titled \"markup text alignment\"); a slug
of digits only, like a news id, makes no title worth reading. A field is required only where
nothing supplies it.

## Why is this bad?
Without a title, readers and e-readers show the file name; without a date, a post has no place
in the archive's order and no date in any export.

## Example
In a file named `202112081018310001.md`:
```yaml
---
layout: post
categories: emnews
---
```

## How to fix
Add the missing fields (or, for the date, name the file `2021-12-08-202112081018310001.md`):
```yaml
title: \"新闻标题\"
date: 2021-12-08 10:18:31 +0800
```
Or change the list of required fields in `newsbundle.toml`:
```toml
[front-matter]
required = [\"title\"]
```",
    default_severity: Severity::Error,
};

impl Rule for MissingField {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        // Pages of a site (`index.md`) are not posts: Jekyll needs no date for them; nor does
        // a Hugo or Zola section page (`_index.md`).
        if (context.site.is_some() && !post.file_name.in_posts_dir)
            || post.file_name.is_section_index()
        {
            return;
        }
        let Some(block) = &post.block else {
            return;
        };
        // When the YAML could not be read, every field would look missing: that is one problem,
        // reported by the YAML rules.
        let unreadable = post.problems.iter().any(|problem| {
            matches!(
                problem,
                ParseProblem::InvalidYaml { .. }
                    | ParseProblem::TooComplex { .. }
                    | ParseProblem::NotAMapping { .. }
                    | ParseProblem::DuplicateKey { .. }
                    | ParseProblem::Tab { .. }
            )
        });
        if unreadable {
            return;
        }
        // Jekyll takes a post's date from a file name that starts with one, and its title from
        // the rest of the name: a title only when that has words.
        let dated_by_name = matches!(post.file_name.date, Some(Ok(_)));
        let titled_by_name = dated_by_name && post.file_name.slug.chars().any(char::is_alphabetic);
        for field in &context.config.required_fields {
            let supplied_by_name = match field.as_str() {
                "date" => dated_by_name,
                "title" => titled_by_name,
                _ => false,
            };
            if supplied_by_name {
                continue;
            }
            if post.front_matter.entry(field).is_none() {
                let mut finding = Finding::new(
                    block.span.start..block.span.start + 3,
                    format!("required field \"{field}\" is missing"),
                );
                finding = match field.as_str() {
                    "date" => finding.with_help("add `date: YYYY-MM-DD HH:MM:SS +ZZZZ`, or start the file name with the date as Jekyll names posts (`YYYY-MM-DD-slug.md`)"),
                    "title" => finding.with_help("add `title: \"...\"`; without it, the title is made from the file name"),
                    _ => finding.with_help(format!("add `{field}:` to the front matter, or drop it from front-matter.required in newsbundle.toml")),
                };
                out.push(finding);
            }
        }
    }
}
