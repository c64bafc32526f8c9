//! FM006 duplicate-key: the same key twice in one mapping.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};
use crate::source::{Site, SiteProblem};

pub struct DuplicateKey;

static META: RuleMeta = RuleMeta {
    code: "FM006",
    name: "duplicate-key",
    summary: "A front matter key appears twice",
    explanation: "## What it does
Reports a key that appears twice in the same mapping, at the second occurrence.

## Why is this bad?
YAML forbids it, and tools disagree on which value wins: Jekyll keeps the last one, other
readers refuse the file. Either way one of the two values is silently lost.

## Example
```yaml
---
title: \"早盘速递\"
date: 2021-12-08 09:30:00 +0800
title: \"午盘速递\"
---
```

## How to fix
Keep one of the two lines.",
    default_severity: Severity::Error,
};

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::DuplicateKey { span, key } = problem {
                out.push(duplicate(span.clone(), key));
            }
        }
    }

    fn check_site(&self, site: &Site, out: &mut Vec<Finding>) {
        for problem in &site.problems {
            if let SiteProblem::DuplicateKey { span, key } = problem {
                out.push(duplicate(span.clone(), key));
            }
        }
    }
}

fn duplicate(span: std::ops::Range<usize>, key: &str) -> Finding {
    Finding::new(span, format!("key \"{key}\" appears twice"))
        .with_help("keep one of the two: Jekyll silently uses the last")
}
