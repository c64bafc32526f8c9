//! LNK003 refused-url-scheme: a URL whose scheme the sanitizer does not keep (`javascript:`).

use super::{targets, Kind};
use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::LinkProblem;

pub struct RefusedUrlScheme;

static META: RuleMeta = RuleMeta {
    code: "LNK003",
    name: "refused-url-scheme",
    summary: "A URL uses a scheme that is not allowed",
    explanation: "## What it does
Reports a link or image whose URL has a scheme outside the sanitizer's list (by default `http`,
`https` and `mailto`; `data:` images in PNG, JPEG, GIF or WebP are kept too):
`javascript:`, `vbscript:`, `data:text/html`, `file:`, `ftp:`, `tel:`, … The scheme is found
the way browsers find it, so `JaVaScRiPt:` and `java&#x09;script:` are reported too.

## Why is this bad?
`javascript:` and `data:` URLs run code in the reader's browser or e-reader; `file:` points at
the author's own disk. The sanitizer removes such URLs: the link keeps its text but goes
nowhere, and the image is dropped.

## Example
```html
<p>点击<a href=\"javascript:void(0)\">此处</a>查看行情。</p>
<img src=\"file:///C:/Users/editor/Desktop/chart.png\">
```

## How to fix
Link to an `http` or `https` page, or remove the link and keep its text. Put images on the
site and link to them with a relative or `https` URL.",
    default_severity: Severity::Error,
};

impl Rule for RefusedUrlScheme {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        for target in targets(post, context.body) {
            let Some(LinkProblem::RefusedScheme(scheme)) = target.problem else {
                continue;
            };
            out.push(
                Finding::new(
                    target.span,
                    format!("{} uses the refused scheme \"{scheme}\"", target.kind.noun()),
                )
                .with_help(match target.kind {
                    Kind::Image => "the sanitizer drops this image; put it on the site and use its relative or https URL, or remove the image",
                    Kind::Link | Kind::Source => "the sanitizer removes this URL; use an http or https URL instead, or remove the link and keep its text",
                }),
            );
        }
    }
}
