//! ENC002 undecodable-bytes: bytes that decode in no supported encoding, or a file that is not
//! text at all (then it is rejected: see `source::NotText`).

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

A file that is not text at all is rejected: it is never exported or sanitized, and this is
the only rule that looks at it. A file is not text when a NUL byte appears in its first 8,000
bytes (the test git and grep use; no text encoding but UTF-16 has NUL bytes, and UTF-16 is
read only with a byte order mark), or when more than one character in ten is a control
character or an undecodable sequence.

## Why is this bad?
The bytes are lost in every output; usually the file was truncated or corrupted in transfer, or
two encodings were mixed in one file.

## Example
A UTF-8 post with a stray `0xFF` byte in the middle of a sentence; an image or a program saved
as `_posts/2020-01-02-x.md`.

## How to fix
Look at the bytes (`xxd -s OFFSET -l 16 post.md`) and restore the text from the source. Move
a binary file out of the archive; convert a UTF-16 file without a byte order mark to UTF-8.",
    default_severity: Severity::Error,
};

impl Rule for UndecodableBytes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        if let Some(not_text) = post.source.not_text {
            let at = not_text.text_offset.min(post.text().len());
            let width = post.text()[at..].chars().next().map_or(0, char::len_utf8);
            out.push(
                Finding::new(at..at + width, format!("not a text file: {not_text}")).with_help(
                    format!(
                        "the file is rejected: move it out of the archive if it is an image or \
                         a program, or inspect it with `xxd -s {} -l 16` and restore the text",
                        not_text.file_offset
                    ),
                ),
            );
            return;
        }
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
