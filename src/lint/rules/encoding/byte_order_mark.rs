//! ENC004 byte-order-mark: the file starts with a byte order mark.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct ByteOrderMark;

static META: RuleMeta = RuleMeta {
    code: "ENC004",
    name: "byte-order-mark",
    summary: "The file starts with a byte order mark",
    explanation: "## What it does
Reports a file that starts with a byte order mark (UTF-8 `EF BB BF`, or UTF-16). newsbundle
reads it normally; the finding is for information.

## Why is this bad?
Jekyll handles a UTF-8 BOM, but many other tools (shell scripts, some static site generators)
see it as text before the `---`, and then miss the front matter.

## Example
A post saved by Windows Notepad as \"UTF-8 with BOM\".

## How to fix
Save the file as UTF-8 without BOM.",
    default_severity: Severity::Info,
};

impl Rule for ByteOrderMark {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        if post.source.bom {
            let name = post.source.encoding.name();
            out.push(
                Finding::new(0..0, format!("file starts with a {name} byte order mark"))
                    .with_help("save the file without BOM"),
            );
        }
    }
}
