//! ENC003 crlf-line-endings: the file uses Windows line endings.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct CrlfLineEndings;

static META: RuleMeta = RuleMeta {
    code: "ENC003",
    name: "crlf-line-endings",
    summary: "The file uses CRLF (Windows) line endings",
    explanation: "## What it does
Reports a file whose lines end in CR LF. newsbundle reads it normally; the finding is for
information.

## Why is this bad?
Mixed line endings make noisy diffs, and some tools (shell scripts, older YAML readers) keep the
CR as part of the last value on a line.

## Example
A post saved by a Windows editor.

## How to fix
Convert to LF (`dos2unix post.md`), and add `* text=auto` to `.gitattributes`.",
    default_severity: Severity::Info,
};

impl Rule for CrlfLineEndings {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(first) = post.source.first_crlf else {
            return;
        };
        let lines = post.source.crlf_lines;
        let (plural, verb) = if lines == 1 {
            ("", "ends")
        } else {
            ("s", "end")
        };
        out.push(
            Finding::new(first..first, format!("{lines} line{plural} {verb} in CRLF"))
                .with_help("convert the file to LF line endings"),
        );
    }
}
