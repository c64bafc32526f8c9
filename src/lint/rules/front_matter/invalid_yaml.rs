//! FM003 invalid-yaml: the front matter (or `_config.yml`) is not valid YAML.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{FrontMatterFormat, ParseProblem, Post};
use crate::source::{Site, SiteProblem};

pub struct InvalidYaml;

static META: RuleMeta = RuleMeta {
    code: "FM003",
    name: "invalid-yaml",
    summary: "The front matter is not valid YAML",
    explanation: "## What it does
Reports front matter, or a site's `_config.yml`, that a YAML parser rejects, at the line and
column where the parser stopped. TOML front matter (between `+++` lines, as Hugo and Zola write
it) is checked the same way by a TOML parser.

## Why is this bad?
Jekyll stops the build (or skips the post) on invalid YAML, and every field of the post is lost.

## Example
```yaml
---
title: \"两会\"前瞻: 代表委员热议
date: 2021-12-08 10:18:31 +0800
---
```
A quoted string cannot be followed by more text on the same line.

## How to fix
Quote the whole value, and escape the quotes inside it:
`title: '\"两会\"前瞻: 代表委员热议'`.",
    default_severity: Severity::Error,
};

impl Rule for InvalidYaml {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::InvalidYaml { span, message } = problem {
                if post.front_matter.format == FrontMatterFormat::Toml {
                    out.push(
                        Finding::new(span.clone(), format!("invalid TOML: {message}")).with_help(
                            "quote strings, and write dates as `2022-03-29T13:54:28+08:00`",
                        ),
                    );
                } else {
                    out.push(invalid(span.clone(), message));
                }
            }
        }
    }

    fn check_site(&self, site: &Site, out: &mut Vec<Finding>) {
        for problem in &site.problems {
            if let SiteProblem::InvalidYaml { span, message } = problem {
                out.push(invalid(span.clone(), message));
            }
        }
    }
}

fn invalid(span: std::ops::Range<usize>, message: &str) -> Finding {
    Finding::new(span, format!("invalid YAML: {message}"))
        .with_help("quote values that contain `: `, `#`, quotes or a leading special character")
}
