//! ENC002 undecodable-bytes: bytes that decode in no supported encoding.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct UndecodableBytes;

static META: RuleMeta = RuleMeta {
    code: "ENC002",
    name: "undecodable-bytes",
    summary: "The file contains bytes that are not text in any supported encoding",
    explanation: "## What it does
Reports a file with byte sequences that are neither UTF-8 nor any legacy encoding newsbundle
recognises, with the byte offset of the first one. The rest of the file is still linted, with
U+FFFD standing for the bad bytes.

## Why is this bad?
The bytes are lost in every output; usually the file was truncated or corrupted in transfer, or
two encodings were mixed in one file.

## Example
A UTF-8 post with a stray `0xFF` byte in the middle of a sentence.

## How to fix
Look at the bytes (`xxd -s OFFSET -l 16 post.md`) and restore the text from the source.",
    default_severity: Severity::Error,
};

impl Rule for UndecodableBytes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(invalid) = post.source.invalid else {
            return;
        };
        let at = invalid.text_offset;
        let end = (at + '\u{FFFD}'.len_utf8()).min(post.text().len());
        let more = if invalid.count > 1 {
            format!(" ({} bad sequences in all)", invalid.count)
        } else {
            String::new()
        };
        out.push(
            Finding::new(
                at..end,
                format!(
                    "bytes at offset {} are not valid {}{more}",
                    invalid.file_offset,
                    post.source.encoding.name()
                ),
            )
            .with_help(format!(
                "inspect them with `xxd -s {} -l 16`, and restore the text",
                invalid.file_offset
            )),
        );
    }
}
