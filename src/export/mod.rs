//! Export: sanitized posts to portable formats — EPUB for e-readers, Markdown for other
//! platforms, JSON for everything else — each format one file implementing [`Exporter`].
//!
//! [`prepare`] runs the pipeline once (read, parse, sanitize, lint) and keeps, for every post,
//! its typed front matter, its [`CleanBody`] and its diagnostics: no exporter touches the raw
//! body. Files that cannot be read, and files that are not text (binary data), are
//! [`Rejected`] with the reason; pages of a Jekyll site, Hugo or Zola section pages
//! (`_index.md`) and what the directory walk met and did not read (hidden, ignored, not a
//! post by its extension, symlink loops, ...) are [`Skipped`] with the reason.
//! Everything else is exported, even a post with broken front matter (its title and date then
//! come from the file name). This module does not print and does not decide where outputs go;
//! `cli` does.

pub mod bundle;
pub mod epub;
pub mod json;
pub mod language;
pub mod markdown;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use thiserror::Error;

use crate::config::Config;
use crate::jekyll::{self, Kind, Status};
use crate::lint;
use crate::output::OutputError;
use crate::parse::Post;
use crate::report::{FileReport, FileStatus, Located};
use crate::sanitize::CleanBody;
use crate::source::{self, Site};

/// One post ready for export.
#[derive(Debug)]
pub struct ExportPost {
    /// The path as shown to the user.
    pub path: String,
    /// The path relative to its site root (or to the directory given on the command line),
    /// with `/` separators: what output layouts are built from.
    pub relative_path: String,
    /// SHA-256 of the input file's bytes, lowercase hex.
    pub sha256: String,
    pub post: Post,
    pub body: CleanBody,
    /// The title, or one made from the file name.
    pub title: String,
    /// The instant Jekyll gives the post, on the site's clock (`jekyll::post_date`: an
    /// unquoted zone-less timestamp is UTC, other dates are read in the site's `timezone`, the
    /// file name's day at midnight without one). `None` when there is no usable date.
    pub date: Option<DateTime<FixedOffset>>,
    /// Jekyll's `page.url` (without `baseurl`, escaped); `None` outside a Jekyll site's
    /// `_posts` and `_drafts`.
    pub url: Option<String>,
    /// Jekyll's categories (the folders above `_posts`, the `defaults:`', the front matter's),
    /// then any of the front matter's Jekyll did not read (when it never read the front
    /// matter): just the front matter's outside a Jekyll site.
    pub categories: Vec<String>,
    /// Whether Jekyll publishes the post; only published posts are exported unless
    /// [`Include`] says otherwise.
    pub status: jekyll::Status,
    /// The post's `lang`, or the site's.
    pub language: Option<String>,
    /// What `lint` found in this post, located.
    pub diagnostics: Vec<Located>,
    /// Index into [`Export::sites`].
    pub site: Option<usize>,
}

/// A file that could not be exported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub path: String,
    pub reason: String,
}

/// A file that is not exported: a page or static file of a Jekyll site, a file the directory
/// walk met and did not read (`source::SkippedFile`; a directory's path ends in `/`), or a
/// post Jekyll does not publish that [`Include`] did not ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
    /// For a post left out because Jekyll does not publish it: its status.
    pub status: Option<Status>,
}

/// The archive, ready for the exporters.
#[derive(Debug, Default)]
pub struct Export {
    /// Sorted by date (undated last), then path: the same order on every run.
    pub posts: Vec<ExportPost>,
    pub rejected: Vec<Rejected>,
    pub skipped: Vec<Skipped>,
    pub sites: Vec<Site>,
    /// Every file's lint report, as `lint` gives it (for `report.json`).
    pub reports: Vec<FileReport>,
}

impl Export {
    /// The site most posts belong to: where the book title and language come from.
    pub fn main_site(&self) -> Option<&Site> {
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for post in &self.posts {
            if let Some(site) = post.site {
                *counts.entry(site).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(site, count)| (*count, std::cmp::Reverse(*site)))
            .map(|(site, _)| &self.sites[site])
    }
}

/// How the table of contents of a book is grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GroupBy {
    Category,
    Year,
    /// Year, then month (the default).
    #[default]
    Month,
    None,
}

/// The tree and front matter dialect of a Markdown export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    /// `_posts/YYYY-MM-DD-slug.md`, YAML front matter.
    #[default]
    Jekyll,
    /// `content/posts/slug.md`, TOML `+++` front matter with Hugo's field names.
    Hugo,
    /// `content/posts/slug.md`, TOML `+++` front matter with Zola's field names (`taxonomies`).
    Zola,
}

/// Settings of an export, with their defaults.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Book title; default: the site's `title`, else the directory name.
    pub title: Option<String>,
    /// Book language; default: the site's `lang`, else the most common post `lang`, else `und`.
    pub language: Option<String>,
    /// Book author (`dc:creator`); default: the site's `author`.
    pub author: Option<String>,
    /// Book identifier (`dc:identifier`); default: a UUID v5 of the site's `url` (else its
    /// title), so a growing archive stays the same book in a reader's library.
    pub identifier: Option<String>,
    pub group_by: GroupBy,
    /// A year or month of the table of contents gets a page of its own only when it holds at
    /// least this many posts (else its posts are listed in the group above). Default 3.
    pub min_group_size: usize,
    /// A book holds at most this many posts; more make volumes. Default 2,000.
    pub max_posts_per_volume: usize,
    pub layout: Layout,
    /// The time written into outputs that need one (EPUB `dcterms:modified`):
    /// `SOURCE_DATE_EPOCH` when set, else the newest post's date, else the Unix epoch.
    pub timestamp: DateTime<FixedOffset>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            title: None,
            language: None,
            author: None,
            identifier: None,
            group_by: GroupBy::default(),
            min_group_size: 3,
            max_posts_per_volume: 2_000,
            layout: Layout::default(),
            timestamp: DateTime::UNIX_EPOCH.fixed_offset(),
        }
    }
}

/// What an exporter gets.
pub struct ExportContext<'a> {
    pub export: &'a Export,
    pub options: &'a ExportOptions,
    /// Where to write: a file for `epub`, `json` and `jsonl`, a directory for `markdown`.
    /// The caller writes it atomically and checks it may be replaced.
    pub destination: &'a Path,
}

#[derive(Debug, Error)]
pub enum ExportError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot make {format}: {reason}")]
    Format {
        format: &'static str,
        reason: String,
    },
}

impl ExportError {
    /// The error with a path under `temporary` shown under `shown` instead: exporters write
    /// into a staging directory, but the user should read the path they gave.
    pub fn shown_under(self, temporary: &Path, shown: &Path) -> ExportError {
        match self {
            ExportError::Output(OutputError::Write { path, source }) => {
                let path = match Path::new(&path).strip_prefix(temporary) {
                    Ok(rest) => shown.join(rest).display().to_string(),
                    Err(_) => path,
                };
                ExportError::Output(OutputError::Write { path, source })
            }
            other => other,
        }
    }
}

/// What an exporter wrote: the files, and where each post went. The manifest is made from
/// this, never by guessing from names.
#[derive(Debug, Default)]
pub struct Written {
    /// Every file written, in order.
    pub files: Vec<PathBuf>,
    /// One entry per post written, in no particular order.
    pub placements: Vec<Placement>,
}

/// Where one post went in one format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Index into [`Export::posts`].
    pub post: usize,
    /// The file that holds it.
    pub file: PathBuf,
    /// Where in that file, when it holds several posts.
    pub part: Option<Part>,
}

/// A place inside a file that holds several posts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// A JSON document's `posts` array, 0-based.
    Index(usize),
    /// A line of a JSON lines file, 1-based.
    Line(usize),
    /// An EPUB chapter: its path inside the book.
    Chapter(String),
}

/// One output format. Small on purpose: a name, and `export`.
pub trait Exporter {
    /// `epub`, `markdown`, `json`, `jsonl`.
    fn name(&self) -> &'static str;

    /// Write the format to `context.destination`; say what was written where.
    fn export(&self, context: &ExportContext<'_>) -> Result<Written, ExportError>;

    /// True when the existing file at `path` was written by this exporter, so it may be
    /// replaced without `--force`. Directories are recognised by the CLI (a marker file).
    fn recognises(&self, _path: &Path) -> bool {
        false
    }
}

/// The posts Jekyll does not publish that an export takes anyway (`--include`); by default
/// only published posts are exported, and the others are listed as skipped with the reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Include {
    /// `published: false` posts.
    pub unpublished: bool,
    /// Posts dated after the run.
    pub future: bool,
    /// Posts in `_drafts`.
    pub drafts: bool,
}

impl Include {
    /// Everything: what `--include unpublished,future,drafts` asks for.
    pub const ALL: Include = Include {
        unpublished: true,
        future: true,
        drafts: true,
    };

    /// True when a post of this status is exported.
    pub fn admits(&self, status: Status) -> bool {
        match status {
            Status::Published => true,
            Status::Unpublished => self.unpublished,
            Status::Future => self.future,
            Status::Draft => self.drafts,
        }
    }
}

/// Run the pipeline over `paths` once and keep everything the exporters need: the published
/// posts (see [`prepare_including`]).
pub fn prepare(paths: &[PathBuf], config: &Config, lint_options: &lint::Options) -> Export {
    prepare_including(paths, config, lint_options, Include::default())
}

/// [`prepare`], with the unpublished, future or draft posts `include` asks for (each marked
/// with its [`Status`]); the others are skipped with the reason.
pub fn prepare_including(
    paths: &[PathBuf],
    config: &Config,
    lint_options: &lint::Options,
    include: Include,
) -> Export {
    let archive = source::discover(paths);
    let roots: Vec<PathBuf> = paths.to_vec();
    let (reports, kept) =
        lint::run_keeping(&archive, config, lint_options, |post, body| (post, body));
    let report_of: HashMap<&str, &FileReport> = reports
        .iter()
        .map(|report| (report.path.as_str(), report))
        .collect();

    let mut export = Export::default();
    for (index, (post, body)) in kept {
        let input = &archive.inputs[index];
        let site = input.site.map(|site| &archive.sites[site]);
        if post.file_name.is_section_index() {
            export.skipped.push(Skipped {
                path: post.path.clone(),
                reason: "a section page of a Hugo or Zola site (`_index.md`), not a post"
                    .to_owned(),
                status: None,
            });
            continue;
        }
        let document = jekyll::document(&post, site, lint_options.now);
        let skip_reason = match document.kind {
            Kind::Page => Some("a page or static file of the Jekyll site, not a post"),
            Kind::Ignored if !include.unpublished => Some(
                "Jekyll does not read it: a post in `_posts` is named `YYYY-MM-DD-title.ext` \
                 (and neither it nor a folder above `_posts` starts with `_` or `.`); add it \
                 with `--include unpublished`",
            ),
            // A site with `show_drafts: true` served its drafts: they are exported, as drafts.
            Kind::Draft if site.is_some_and(|site| site.show_drafts) => None,
            _ if !include.admits(document.status) => Some(document.status.reason()),
            _ => None,
        };
        if let Some(reason) = skip_reason {
            export.skipped.push(Skipped {
                path: post.path.clone(),
                reason: reason.to_owned(),
                status: (document.kind != Kind::Page).then_some(document.status),
            });
            continue;
        }
        let diagnostics = report_of
            .get(post.path.as_str())
            .map(|report| report.diagnostics.clone())
            .unwrap_or_default();
        let sha256 = source::read(input, lint_options.max_file_size)
            .map(|bytes| sha256_hex(&bytes))
            .unwrap_or_default();
        let language = post
            .front_matter
            .lang
            .clone()
            .or_else(|| site.and_then(|site| site.lang.clone()));
        let relative_path = relative_path(&post.path, site, &roots);
        let mut categories = document.categories;
        for category in &post.front_matter.categories {
            if !categories.contains(category) {
                categories.push(category.clone());
            }
        }
        export.posts.push(ExportPost {
            path: post.path.clone(),
            relative_path,
            sha256,
            title: post.display_title(),
            date: document.date,
            url: document.url,
            categories,
            status: document.status,
            language,
            diagnostics,
            site: input.site,
            body,
            post,
        });
    }
    for report in &reports {
        match &report.status {
            FileStatus::Unreadable(reason) | FileStatus::Rejected(reason) => {
                export.rejected.push(Rejected {
                    path: report.path.clone(),
                    reason: reason.clone(),
                })
            }
            FileStatus::Skipped(reason) => export.skipped.push(Skipped {
                path: report.path.clone(),
                reason: reason.clone(),
                status: None,
            }),
            FileStatus::Linted => {}
        }
    }
    export.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    export.posts.sort_by(|a, b| match (a.date, b.date) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.path.cmp(&b.path)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.path.cmp(&b.path),
    });
    export.sites = archive.sites;
    export.reports = reports;
    export
}

/// The path below the site root, or below the command-line directory it was found in.
fn relative_path(path: &str, site: Option<&Site>, roots: &[PathBuf]) -> String {
    let path_buf = Path::new(path);
    let base = site
        .map(|site| site.root.clone())
        .filter(|root| path_buf.starts_with(root))
        .or_else(|| {
            roots
                .iter()
                .find(|root| path_buf.starts_with(root) && path_buf != root.as_path())
                .cloned()
        });
    let relative = match base {
        Some(base) => path_buf
            .strip_prefix(&base)
            .unwrap_or(path_buf)
            .to_path_buf(),
        None => PathBuf::from(path_buf.file_name().unwrap_or_default()),
    };
    relative.to_string_lossy().replace('\\', "/")
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_show_the_users_path_not_the_staging_one() {
        let error = ExportError::Output(OutputError::Write {
            path: "/data/.out.newsbundle-42/new/posts/_posts/a.md".to_owned(),
            source: std::io::Error::other("no space left on device"),
        });
        let shown = error.shown_under(Path::new("/data/.out.newsbundle-42/new"), Path::new("out"));
        assert_eq!(shown.to_string(), "cannot write out/posts/_posts/a.md");
        // The reason stays the source, which `main` prints after the message.
        let source = std::error::Error::source(&shown).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("no space left on device"));
    }
}
