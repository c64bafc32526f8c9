//! Source: find the files of an archive, read their bytes, decode them, and find the Jekyll
//! site (`_config.yml`) each belongs to.
//!
//! Walking follows symlinks (a symlink loop or a dangling link is noted, not followed), skips
//! `_site`, `.git`, `node_modules`, hidden files and what `.gitignore` excludes, and keeps
//! `.md .markdown .html .htm`; a file named explicitly is read whatever its name. Every file
//! the walk meets and does not read is listed in [`Archive::skipped`] with the reason (a
//! skipped directory is listed once, not file by file), so nothing vanishes silently.
//! This module does not parse posts.

mod decode;
mod site;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use decode::{decode, Decoded, InvalidBytes, NotText, NotTextKind, BINARY_PROBE_BYTES};
pub use site::{FrontMatterDefault, Site, SiteProblem};

/// Extensions of the files a directory walk keeps.
pub const POST_EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm"];

/// Directories a walk never enters.
pub const SKIPPED_DIRECTORIES: &[&str] = &["_site", ".git", "node_modules"];

/// The display name of standard input.
pub const STDIN_PATH: &str = "<stdin>";

/// The file a walk reads as the site's settings rather than as a post.
const SITE_CONFIG: &str = "_config.yml";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
}

/// One file to read, and the site it belongs to (an index into [`Archive::sites`]).
#[derive(Clone, Debug)]
pub struct Input {
    pub origin: Origin,
    /// The path as shown to the user.
    pub path: String,
    pub site: Option<usize>,
}

/// What a set of command-line paths stands for.
#[derive(Debug, Default)]
pub struct Archive {
    /// Files to read, sorted by path, without duplicates.
    pub inputs: Vec<Input>,
    pub sites: Vec<Site>,
    /// Paths that could not be walked or do not exist, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// What the walk met and did not read, sorted by path. A directory's path ends in `/`.
    pub skipped: Vec<SkippedFile>,
}

/// A file or directory a walk met and did not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedFile {
    /// The path as shown to the user; a directory's ends in `/`.
    pub path: String,
    pub reason: SkipReason,
}

/// Why a walk did not read a file or enter a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// `_site`, `.git`, `node_modules`.
    ToolDirectory,
    /// The name starts with a dot.
    Hidden,
    /// Excluded by a `.gitignore` (or `.ignore`) file.
    Ignored,
    /// A file whose extension is not one of [`POST_EXTENSIONS`].
    NotAPost,
    /// A device, FIFO or socket: reading it could block forever.
    NotARegularFile,
    /// A symlink to a directory that contains it.
    SymlinkLoop { ancestor: String },
    /// A symlink whose target does not exist.
    DanglingSymlink,
    /// A file already found under another path, through a symlink.
    SameFile { first: String },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::ToolDirectory => {
                formatter.write_str("a build or tool directory, not walked")
            }
            SkipReason::Hidden => formatter.write_str("hidden (the name starts with a dot)"),
            SkipReason::Ignored => formatter.write_str("ignored by .gitignore"),
            SkipReason::NotAPost => formatter.write_str(
                "not a post (only .md, .markdown, .html and .htm files are read; name the file to read it)",
            ),
            SkipReason::NotARegularFile => {
                formatter.write_str("not a regular file (a device, FIFO or socket)")
            }
            SkipReason::SymlinkLoop { ancestor } => {
                write!(formatter, "a symlink loop: it leads back to \"{ancestor}\"")
            }
            SkipReason::DanglingSymlink => {
                formatter.write_str("a dangling symlink: its target does not exist")
            }
            SkipReason::SameFile { first } => {
                write!(formatter, "the same file as \"{first}\", found through a symlink")
            }
        }
    }
}

/// Find every file the given paths stand for. `-` is standard input.
pub fn discover(paths: &[PathBuf]) -> Archive {
    let mut archive = Archive::default();
    let mut files: Vec<(Origin, String)> = Vec::new();
    let mut through_symlink = false;
    for path in paths {
        if path.as_os_str() == "-" {
            files.push((Origin::Stdin, STDIN_PATH.to_owned()));
            continue;
        }
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                through_symlink |= walk(path, &mut files, &mut archive);
            }
            Ok(_) => files.push((Origin::File(path.clone()), display(path))),
            Err(error) => archive
                .unreadable
                .push((display(path), describe_io(&error))),
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    files.dedup_by(|a, b| a.1 == b.1);
    if through_symlink {
        files = without_second_paths(files, &mut archive.skipped);
    }

    let mut site_finder = SiteFinder::default();
    for (origin, path) in files {
        let directory = match &origin {
            Origin::File(file) => file.parent().map(Path::to_path_buf).unwrap_or_default(),
            Origin::Stdin => PathBuf::new(),
        };
        let site = site_finder.site_for(&directory, &mut archive.sites);
        archive.inputs.push(Input { origin, path, site });
    }
    archive.unreadable.sort();
    archive.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    archive.skipped.dedup_by(|a, b| a.path == b.path);
    archive
}

/// A file reached twice (a symlink to a post beside it, or two paths into one folder) is read
/// once, under the first path in sorted order; the others are skipped, naming it.
fn without_second_paths(
    files: Vec<(Origin, String)>,
    skipped: &mut Vec<SkippedFile>,
) -> Vec<(Origin, String)> {
    let mut first_path: HashMap<PathBuf, String> = HashMap::new();
    let mut kept = Vec::with_capacity(files.len());
    for (origin, path) in files {
        let Origin::File(file) = &origin else {
            kept.push((origin, path));
            continue;
        };
        // A file that cannot be resolved is kept: reading it reports why.
        let Ok(canonical) = file.canonicalize() else {
            kept.push((origin, path));
            continue;
        };
        match first_path.get(&canonical) {
            Some(first) => skipped.push(SkippedFile {
                path,
                reason: SkipReason::SameFile {
                    first: first.clone(),
                },
            }),
            None => {
                first_path.insert(canonical, path.clone());
                kept.push((origin, path));
            }
        }
    }
    kept
}

/// Walk a directory: the posts go to `files`, what is not read to `archive.skipped`, what
/// cannot be walked to `archive.unreadable`. True when a symlink was followed.
///
/// `ignore`'s walker decides what is kept (it knows `.gitignore` and hidden files); a second,
/// unfiltered walk meets everything, so what the first one left out can be named with the
/// reason. Both follow symlinks, and both report a symlink loop as an error instead of
/// following it.
fn walk(root: &Path, files: &mut Vec<(Origin, String)>, archive: &mut Archive) -> bool {
    let kept: HashSet<PathBuf> = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(true)
        .filter_entry(|entry| {
            let is_directory = entry.file_type().is_some_and(|kind| kind.is_dir());
            !(is_directory && entry.depth() > 0 && is_tool_directory(entry.path()))
        })
        .build()
        .filter_map(Result::ok)
        .map(ignore::DirEntry::into_path)
        .collect();

    let mut through_symlink = false;
    let mut skipped = Vec::new();
    let mut skip = |path: &Path, directory: bool, reason: SkipReason| {
        let mut path = display(path);
        if directory {
            path.push('/');
        }
        skipped.push(SkippedFile { path, reason });
    };
    let mut entries = walkdir::WalkDir::new(root).follow_links(true).into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                if let Some(ancestor) = error.loop_ancestor() {
                    through_symlink = true;
                    let ancestor = display(ancestor);
                    skip(&path, false, SkipReason::SymlinkLoop { ancestor });
                } else if is_dangling_symlink(&path) {
                    skip(&path, false, SkipReason::DanglingSymlink);
                } else {
                    let reason = error
                        .io_error()
                        .map_or_else(|| error.to_string(), describe_io);
                    archive.unreadable.push((display(&path), reason));
                }
                continue;
            }
        };
        through_symlink |= entry.path_is_symlink();
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path();
        let is_directory = entry.file_type().is_dir();
        if is_directory && is_tool_directory(path) {
            skip(path, true, SkipReason::ToolDirectory);
            entries.skip_current_dir();
            continue;
        }
        if !kept.contains(path) {
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let reason = if hidden {
                SkipReason::Hidden
            } else {
                SkipReason::Ignored
            };
            skip(path, is_directory, reason);
            if is_directory {
                entries.skip_current_dir();
            }
            continue;
        }
        if is_directory {
            continue;
        }
        if !entry.file_type().is_file() {
            skip(path, false, SkipReason::NotARegularFile);
        } else if !has_post_extension(path) {
            if entry.file_name() != SITE_CONFIG {
                skip(path, false, SkipReason::NotAPost);
            }
        } else {
            files.push((Origin::File(path.to_path_buf()), display(path)));
        }
    }
    archive.skipped.append(&mut skipped);
    through_symlink
}

fn is_tool_directory(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| SKIPPED_DIRECTORIES.iter().any(|skip| name == *skip))
}

fn has_post_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            POST_EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

fn is_dangling_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink())
        && std::fs::metadata(path).is_err()
}

/// Find the nearest `_config.yml` above each directory, reading each one once.
#[derive(Default)]
struct SiteFinder {
    by_directory: HashMap<PathBuf, Option<usize>>,
}

impl SiteFinder {
    fn site_for(&mut self, directory: &Path, sites: &mut Vec<Site>) -> Option<usize> {
        if let Some(found) = self.by_directory.get(directory) {
            return *found;
        }
        let candidate = if directory.as_os_str().is_empty() {
            PathBuf::from("_config.yml")
        } else {
            directory.join("_config.yml")
        };
        let found = match std::fs::read(&candidate) {
            Ok(bytes) => {
                let text = decode(&bytes, None).text;
                let root = directory.to_path_buf();
                sites.push(Site::from_config(root, display(&candidate), text));
                Some(sites.len() - 1)
            }
            Err(_) => match parent_directory(directory) {
                Some(parent) => self.site_for(&parent, sites),
                None => None,
            },
        };
        self.by_directory.insert(directory.to_path_buf(), found);
        found
    }
}

/// The directory above `directory`, going above the working directory for relative paths.
fn parent_directory(directory: &Path) -> Option<PathBuf> {
    if directory.as_os_str().is_empty() || directory == Path::new(".") {
        let current = std::env::current_dir().ok()?;
        return current.parent().map(Path::to_path_buf);
    }
    match directory.parent() {
        Some(parent) if parent.as_os_str().is_empty() => Some(PathBuf::new()),
        Some(parent) => Some(parent.to_path_buf()),
        None => None,
    }
}

/// Standard input, read once: every later read of it (the export's hash of the bytes read, a
/// second pass placing cross-post findings) gets the same bytes.
static STDIN: std::sync::OnceLock<Result<Vec<u8>, (io::ErrorKind, String)>> =
    std::sync::OnceLock::new();

/// Read the bytes of an input. A file larger than `limit` bytes is refused.
pub fn read(input: &Input, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match &input.origin {
        Origin::Stdin => {
            let stdin = STDIN.get_or_init(|| {
                let mut bytes = Vec::new();
                io::stdin()
                    .lock()
                    .take(limit + 1)
                    .read_to_end(&mut bytes)
                    .map(|_| bytes)
                    .map_err(|error| (error.kind(), error.to_string()))
            });
            match stdin {
                Ok(read) => bytes.extend_from_slice(read),
                Err((kind, message)) => return Err(io::Error::new(*kind, message.clone())),
            }
        }
        Origin::File(path) => {
            let file = std::fs::File::open(path)?;
            if file.metadata()?.is_dir() {
                return Err(io::Error::other("is a directory"));
            }
            file.take(limit + 1).read_to_end(&mut bytes)?;
        }
    }
    if bytes.len() as u64 > limit {
        return Err(io::Error::other(format!(
            "larger than the {} MiB limit for one post",
            limit / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// An I/O error as a lowercase reason, without the "(os error N)" noise.
pub fn describe_io(error: &io::Error) -> String {
    let text = match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    };
    match text.find(" (os error") {
        Some(position) => text[..position].to_owned(),
        None => text,
    }
}

fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}
