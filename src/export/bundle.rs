//! The bundle: every format of an archive in one directory, with a manifest.
//!
//! ```text
//! DIR/manifest.json   generator, input summary, per post: source path, sha256 of the bytes
//!                     read, its place in every format (from what each exporter says it
//!                     wrote: never guessed from names), diagnostics counts; rejected and
//!                     skipped files with the reason
//! DIR/posts/          Markdown (the chosen layout)
//! DIR/posts.jsonl     one JSON post per line
//! DIR/book*.epub      the book (volumes when the archive is large)
//! DIR/report.json     every diagnostic, in the `lint --format json` contract
//! ```
//!
//! It writes into the directory it is given; the caller makes that a temporary sibling and
//! renames it into place.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::epub::EpubExporter;
use super::json::JsonExporter;
use super::markdown::MarkdownExporter;
use super::{Export, ExportContext, ExportError, ExportOptions, Exporter, Part, Written};
use crate::diagnostic::Severity;
use crate::output::OutputError;

/// 2: per post, `outputs` (every format, with the line or chapter) replaced `markdown`.
pub const MANIFEST_VERSION: u32 = 2;

#[derive(Serialize)]
struct Manifest<'a> {
    manifest_version: u32,
    generator: Generator,
    summary: Summary,
    outputs: Vec<String>,
    posts: Vec<ManifestPost<'a>>,
    rejected: Vec<Reason<'a>>,
    skipped: Vec<Reason<'a>>,
}

#[derive(Serialize)]
struct Generator {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    posts: usize,
    rejected: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct ManifestPost<'a> {
    source: &'a str,
    sha256: &'a str,
    title: &'a str,
    date: Option<String>,
    /// Jekyll's `page.url`, without `baseurl` (null outside a Jekyll site's `_posts`).
    url: Option<&'a str>,
    /// `published`, or (with `--include`) `unpublished`, `future`, `draft`.
    status: &'static str,
    /// Where the post went, one entry per format, in the order markdown, jsonl, epub.
    outputs: Vec<PostOutput>,
    diagnostics: Counts,
}

#[derive(Serialize)]
struct PostOutput {
    format: &'static str,
    /// Relative to the bundle directory, `/`-separated.
    file: String,
    /// The line of `posts.jsonl` (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    /// The chapter inside the EPUB.
    #[serde(skip_serializing_if = "Option::is_none")]
    chapter: Option<String>,
}

#[derive(Serialize, Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct Reason<'a> {
    path: &'a str,
    reason: &'a str,
}

/// Write the bundle into `directory` (which must exist and be empty); return what was written.
pub fn write(
    export: &Export,
    options: &ExportOptions,
    directory: &Path,
) -> Result<Written, ExportError> {
    let run = |exporter: &dyn Exporter, destination: PathBuf| -> Result<Written, ExportError> {
        exporter.export(&ExportContext {
            export,
            options,
            destination: &destination,
        })
    };
    // The three formats are independent: each runs on its own thread.
    let (markdown, jsonl, epub) = std::thread::scope(|scope| {
        let markdown = scope.spawn(|| run(&MarkdownExporter, directory.join("posts")));
        let jsonl =
            scope.spawn(|| run(&JsonExporter { lines: true }, directory.join("posts.jsonl")));
        let epub = run(&EpubExporter, directory.join("book.epub"));
        (
            markdown
                .join()
                .unwrap_or_else(|_| Err(panicked("markdown"))),
            jsonl.join().unwrap_or_else(|_| Err(panicked("jsonl"))),
            epub,
        )
    });
    let formats = [("markdown", markdown?), ("jsonl", jsonl?), ("epub", epub?)];
    let mut written: Vec<PathBuf> = Vec::new();
    let mut outputs_of: Vec<Vec<PostOutput>> =
        (0..export.posts.len()).map(|_| Vec::new()).collect();
    for (format, files) in &formats {
        written.extend(files.files.iter().cloned());
        for placement in &files.placements {
            if let Some(outputs) = outputs_of.get_mut(placement.post) {
                outputs.push(PostOutput {
                    format,
                    file: relative_to(directory, &placement.file),
                    line: match placement.part {
                        Some(Part::Line(line)) => Some(line),
                        _ => None,
                    },
                    chapter: match &placement.part {
                        Some(Part::Chapter(chapter)) => Some(chapter.clone()),
                        _ => None,
                    },
                });
            }
        }
    }

    let report_path = directory.join("report.json");
    let mut report = Vec::new();
    crate::report::json::emit(&export.reports, &mut report)
        .map_err(|error| write_error(&report_path, error))?;
    std::fs::write(&report_path, report).map_err(|error| write_error(&report_path, error))?;
    written.push(report_path);

    let mut outputs: Vec<String> = written
        .iter()
        .map(|path| relative_to(directory, path))
        .collect();
    outputs.push("manifest.json".to_owned());
    outputs.sort();
    let posts = export
        .posts
        .iter()
        .zip(outputs_of)
        .map(|(post, outputs)| {
            let mut counts = Counts::default();
            for located in &post.diagnostics {
                match located.diagnostic.severity {
                    Severity::Error => counts.errors += 1,
                    Severity::Warning => counts.warnings += 1,
                    Severity::Info => counts.infos += 1,
                }
            }
            ManifestPost {
                source: &post.path,
                sha256: &post.sha256,
                title: &post.title,
                date: post.date.map(|date| date.to_rfc3339()),
                url: post.url.as_deref(),
                status: post.status.as_str(),
                outputs,
                diagnostics: counts,
            }
        })
        .collect();
    let manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        generator: Generator {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: export.posts.len() + export.rejected.len() + export.skipped.len(),
            posts: export.posts.len(),
            rejected: export.rejected.len(),
            skipped: export.skipped.len(),
        },
        outputs,
        posts,
        rejected: export
            .rejected
            .iter()
            .map(|rejected| Reason {
                path: &rejected.path,
                reason: &rejected.reason,
            })
            .collect(),
        skipped: export
            .skipped
            .iter()
            .map(|skipped| Reason {
                path: &skipped.path,
                reason: &skipped.reason,
            })
            .collect(),
    };
    let manifest_path = directory.join("manifest.json");
    let mut text =
        serde_json::to_string_pretty(&manifest).map_err(|error| ExportError::Format {
            format: "manifest",
            reason: error.to_string(),
        })?;
    text.push('\n');
    std::fs::write(&manifest_path, text).map_err(|error| write_error(&manifest_path, error))?;
    written.push(manifest_path);
    Ok(Written {
        files: written,
        placements: formats
            .into_iter()
            .flat_map(|(_, files)| files.placements)
            .collect(),
    })
}

fn relative_to(directory: &Path, path: &Path) -> String {
    path.strip_prefix(directory)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn panicked(format: &'static str) -> ExportError {
    ExportError::Format {
        format,
        reason: "the exporter stopped unexpectedly".to_owned(),
    }
}

fn write_error(path: &Path, error: std::io::Error) -> ExportError {
    ExportError::Output(OutputError::Write {
        path: path.display().to_string(),
        source: error,
    })
}
