//! Report: the result of a lint run, file by file, and the emitters that print it
//! (`human`, `json`, `sarif`, `github`).
//!
//! A [`FileReport`] holds its diagnostics already placed (line, column, the source line for
//! the snippet), so that the file's text can be dropped as soon as it is linted. The JSON and
//! SARIF outputs are public contracts with their own serializable structs in their modules.
//! [`escape_control`] is the one escaping of control characters for everything a file or a
//! file name can put on a terminal.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::borrow::Cow;

use crate::diagnostic::{Diagnostic, Severity};
pub use crate::text::Position;
use crate::text::{floor_char_boundary, LineIndex};

/// The longest source line kept for a snippet; longer lines are cut around the span.
const MAX_SNIPPET_BYTES: usize = 400;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// Read, decoded and linted.
    Linted,
    /// Could not be read; the reason.
    Unreadable(String),
    /// Read, but not text in any encoding (binary data): linted for the encoding only, and
    /// never exported. The reason.
    Rejected(String),
    /// Met by the directory walk and not read (hidden, ignored, not a post, a symlink loop,
    /// ...); the reason. A skipped directory's path ends in `/`.
    Skipped(String),
}

/// One input file and what was found in it.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: String,
    pub status: FileStatus,
    /// The encoding the file was decoded from, when it was read.
    pub encoding: Option<&'static str>,
    /// Sorted by position, then code.
    pub diagnostics: Vec<Located>,
}

/// A diagnostic and where it is, in terms a person reads.
#[derive(Clone, Debug)]
pub struct Located {
    pub diagnostic: Diagnostic,
    pub start: Position,
    pub end: Position,
    /// The source line of `start`, possibly cut to a window around the span.
    pub line_text: String,
    /// Byte range of the span inside `line_text`.
    pub line_span: std::ops::Range<usize>,
}

impl FileReport {
    pub fn new(
        path: String,
        status: FileStatus,
        encoding: Option<&'static str>,
        text: &str,
        diagnostics: Vec<Diagnostic>,
    ) -> FileReport {
        let mut report = FileReport {
            path,
            status,
            encoding,
            diagnostics: Vec::new(),
        };
        report.add(text, diagnostics);
        report
    }

    pub fn unreadable(path: String, reason: String) -> FileReport {
        FileReport {
            path,
            status: FileStatus::Unreadable(reason),
            encoding: None,
            diagnostics: Vec::new(),
        }
    }

    pub fn skipped(path: String, reason: String) -> FileReport {
        FileReport {
            path,
            status: FileStatus::Skipped(reason),
            encoding: None,
            diagnostics: Vec::new(),
        }
    }

    /// Place diagnostics found in `text` and keep the list sorted.
    pub fn add(&mut self, text: &str, diagnostics: Vec<Diagnostic>) {
        if diagnostics.is_empty() {
            return;
        }
        let lines = LineIndex::new(text);
        self.diagnostics.extend(
            diagnostics
                .into_iter()
                .map(|diagnostic| locate(&lines, text, diagnostic)),
        );
        self.diagnostics.sort_by(|a, b| {
            (a.start.offset, a.diagnostic.code).cmp(&(b.start.offset, b.diagnostic.code))
        });
    }

    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics
            .iter()
            .map(|located| located.diagnostic.severity)
            .max()
    }
}

/// Counts over a whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Files read or tried: everything but the skipped.
    pub files: usize,
    pub unreadable: usize,
    /// Read, but not text (counted in `files` too).
    pub rejected: usize,
    /// Met by the walk and not read (not counted in `files`).
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Totals {
    pub fn of(reports: &[FileReport]) -> Totals {
        let mut totals = Totals::default();
        for report in reports {
            match report.status {
                FileStatus::Linted => totals.files += 1,
                FileStatus::Unreadable(_) => {
                    totals.files += 1;
                    totals.unreadable += 1;
                }
                FileStatus::Rejected(_) => {
                    totals.files += 1;
                    totals.rejected += 1;
                }
                FileStatus::Skipped(_) => totals.skipped += 1,
            }
            for located in &report.diagnostics {
                match located.diagnostic.severity {
                    Severity::Error => totals.errors += 1,
                    Severity::Warning => totals.warnings += 1,
                    Severity::Info => totals.infos += 1,
                }
            }
        }
        totals
    }
}

/// A diagnostic with its lines and columns, and the line it starts on (cut when very long).
fn locate(lines: &LineIndex, text: &str, diagnostic: Diagnostic) -> Located {
    let start = lines.position(text, diagnostic.span.start);
    let end = lines.position(text, diagnostic.span.end.max(diagnostic.span.start));
    let line_start = lines.line_start(start.line).unwrap_or(0);
    let line_end = lines.line_end(text, start.line);
    let span_start = start.offset - line_start;
    let span_end = if end.line == start.line {
        end.offset - line_start
    } else {
        line_end - line_start
    };
    let line = &text[line_start..line_end];
    let (line_text, line_span) = window(line, span_start..span_end);
    Located {
        diagnostic,
        start,
        end,
        line_text,
        line_span,
    }
}

/// Cut a long line to at most about `MAX_SNIPPET_BYTES` around the span.
fn window(line: &str, span: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    if line.len() <= MAX_SNIPPET_BYTES {
        return (line.to_owned(), span);
    }
    let from = floor_char_boundary(line, span.start.saturating_sub(MAX_SNIPPET_BYTES / 4));
    let to = floor_char_boundary(
        line,
        (from + MAX_SNIPPET_BYTES)
            .min(line.len())
            .max(span.start.min(line.len())),
    );
    let prefix = if from > 0 { "…" } else { "" };
    let suffix = if to < line.len() { "…" } else { "" };
    let text = format!("{prefix}{}{suffix}", &line[from..to]);
    let start = prefix.len() + span.start - from;
    let end = (prefix.len() + span.end.min(to) - from).max(start);
    (text, start..end)
}

/// `text` with every control character (C0, DEL, C1; tab excepted) written as a Rust escape,
/// `\u{1b}`, so that a title or a file name cannot move the cursor, retitle or clear the
/// terminal it is printed on. Everything a file controls goes through this before it reaches
/// a terminal: snippets, messages, paths, reasons.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        push_escaped(&mut escaped, character);
    }
    Cow::Owned(escaped)
}

/// [`escape_control`] for a snippet line, with the byte span moved to where it stands in the
/// escaped line, so the caret under an escaped character covers all of its escape.
pub fn escape_control_with_span(
    line: &str,
    span: std::ops::Range<usize>,
) -> (String, std::ops::Range<usize>) {
    if !line.chars().any(needs_escape) {
        return (line.to_owned(), span);
    }
    let mut escaped = String::with_capacity(line.len() + 8);
    let (mut start, mut end) = (None, None);
    for (offset, character) in line.char_indices() {
        if offset >= span.start && start.is_none() {
            start = Some(escaped.len());
        }
        if offset >= span.end && end.is_none() {
            end = Some(escaped.len());
        }
        push_escaped(&mut escaped, character);
    }
    let start = start.unwrap_or(escaped.len());
    let end = end.unwrap_or(escaped.len()).max(start);
    (escaped, start..end)
}

fn needs_escape(character: char) -> bool {
    character.is_control() && character != '\t'
}

fn push_escaped(out: &mut String, character: char) {
    if needs_escape(character) {
        out.push_str(&format!("\\u{{{:x}}}", character as u32));
    } else {
        out.push(character);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("标题"), "标题");
        assert_eq!(
            escape_control("a\u{1b}]0;x\u{7}b\u{0}\u{7f}\u{9b}\tc"),
            "a\\u{1b}]0;x\\u{7}b\\u{0}\\u{7f}\\u{9b}\tc"
        );
    }

    #[test]
    fn spans_follow_the_escapes() {
        // "新\u{1b}闻": the span covers the escape character.
        let (line, span) = escape_control_with_span("新\u{1b}闻", 3..4);
        assert_eq!(line, "新\\u{1b}闻");
        assert_eq!(&line[span], "\\u{1b}");
        let (line, span) = escape_control_with_span("\u{7}ab", 1..3);
        assert_eq!(&line[span], "ab");
    }
}
