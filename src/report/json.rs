//! The JSON emitter: a versioned, documented contract for CI scripts.
//!
//! ```json
//! {
//!   "version": 2,
//!   "tool": { "name": "newsbundle", "version": "0.1.0" },
//!   "summary": { "files": 2, "unreadable": 0, "rejected": 0, "skipped": 1,
//!                "errors": 1, "warnings": 0, "infos": 0 },
//!   "files": [
//!     { "path": "_posts/a.md", "status": "linted", "reason": null, "encoding": "UTF-8",
//!       "diagnostics": [
//!         { "code": "FM010", "name": "invalid-date", "severity": "error",
//!           "message": "date \"2021-13-45\" is not a calendar date", "help": "…",
//!           "start": { "line": 4, "column": 7, "offset": 31 },
//!           "end": { "line": 4, "column": 17, "offset": 41 } } ] },
//!     { "path": "_posts/logo.png", "status": "skipped",
//!       "reason": "not a post (only .md, .markdown, .html and .htm files are read; …)",
//!       "encoding": null, "diagnostics": [] } ]
//! }
//! ```
//!
//! Every file the run met is listed, with `status`:
//! - `linted`: read and checked;
//! - `unreadable`: could not be read (`reason` says why);
//! - `rejected`: read, but not text in any encoding (`reason` says why; the ENC002 diagnostic
//!   points at the first bad byte); never exported;
//! - `skipped`: met by the directory walk and not read: hidden, ignored by `.gitignore`, not a
//!   post by its extension, a symlink loop, a dangling symlink, a second path to a file
//!   already read (`reason` says which). A skipped directory is one entry, its path ending in
//!   `/`.
//!
//! `summary.files` counts the files read or tried (all but the skipped). `offset` is a byte
//! offset in the decoded text; `column` counts Unicode scalar values from 1. Files are sorted
//! by path, diagnostics by position then code. Strings are the file's own: a consumer that
//! prints them to a terminal escapes control characters itself.
//!
//! Versions: 1 had `linted` and `unreadable` only. 2 adds the statuses `rejected` and
//! `skipped` and `summary.rejected` and `summary.skipped`. A version only ever gains fields.

use std::io::{self, Write};

use serde::Serialize;

use super::{FileReport, FileStatus, Position, Totals};

pub const VERSION: u32 = 2;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    files: Vec<File<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    unreadable: usize,
    rejected: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    status: &'static str,
    reason: Option<&'a str>,
    encoding: Option<&'static str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: usize,
}

impl From<Position> for JsonPosition {
    fn from(position: Position) -> Self {
        JsonPosition {
            line: position.line,
            column: position.column,
            offset: position.offset,
        }
    }
}

pub fn emit(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let totals = Totals::of(reports);
    let output = Output {
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: totals.files,
            unreadable: totals.unreadable,
            rejected: totals.rejected,
            skipped: totals.skipped,
            errors: totals.errors,
            warnings: totals.warnings,
            infos: totals.infos,
        },
        files: reports
            .iter()
            .map(|report| File {
                path: &report.path,
                status: match report.status {
                    FileStatus::Linted => "linted",
                    FileStatus::Unreadable(_) => "unreadable",
                    FileStatus::Rejected(_) => "rejected",
                    FileStatus::Skipped(_) => "skipped",
                },
                reason: match &report.status {
                    FileStatus::Unreadable(reason)
                    | FileStatus::Rejected(reason)
                    | FileStatus::Skipped(reason) => Some(reason),
                    FileStatus::Linted => None,
                },
                encoding: report.encoding,
                diagnostics: report
                    .diagnostics
                    .iter()
                    .map(|located| JsonDiagnostic {
                        code: located.diagnostic.code,
                        name: located.diagnostic.name,
                        severity: located.diagnostic.severity.as_str(),
                        message: &located.diagnostic.message,
                        help: located.diagnostic.help.as_deref(),
                        start: located.start.into(),
                        end: located.end.into(),
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
