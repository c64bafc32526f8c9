//! Source: find the files of an archive, read their bytes, decode them, and find the Jekyll
//! site (`_config.yml`) each belongs to.
//!
//! Walking skips `_site`, `.git`, `node_modules`, hidden files and what `.gitignore` excludes,
//! and keeps `.md .markdown .html .htm`; a file named explicitly is read whatever its name.
//! This module does not parse posts.

mod decode;
mod site;

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use decode::{decode, Decoded, InvalidBytes, NotText, NotTextKind, BINARY_PROBE_BYTES};
pub use site::{Site, SiteProblem};

/// Extensions of the files a directory walk keeps.
pub const POST_EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm"];

/// Directories a walk never enters.
pub const SKIPPED_DIRECTORIES: &[&str] = &["_site", ".git", "node_modules"];

/// The display name of standard input.
pub const STDIN_PATH: &str = "<stdin>";

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
}

/// Find every file the given paths stand for. `-` is standard input.
pub fn discover(paths: &[PathBuf]) -> Archive {
    let mut archive = Archive::default();
    let mut files: Vec<(Origin, String)> = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            files.push((Origin::Stdin, STDIN_PATH.to_owned()));
            continue;
        }
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, &mut files, &mut archive.unreadable),
            Ok(_) => files.push((Origin::File(path.clone()), display(path))),
            Err(error) => archive
                .unreadable
                .push((display(path), describe_io(&error))),
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    files.dedup_by(|a, b| a.1 == b.1);

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
    archive
}

fn walk(root: &Path, files: &mut Vec<(Origin, String)>, unreadable: &mut Vec<(String, String)>) {
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            !(is_dir
                && entry.depth() > 0
                && SKIPPED_DIRECTORIES
                    .iter()
                    .any(|skip| entry.file_name() == *skip))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                    continue;
                }
                let keep = entry
                    .path()
                    .extension()
                    .and_then(|extension| extension.to_str())
                    .is_some_and(|extension| {
                        POST_EXTENSIONS
                            .iter()
                            .any(|known| extension.eq_ignore_ascii_case(known))
                    });
                if keep {
                    files.push((
                        Origin::File(entry.path().to_path_buf()),
                        display(entry.path()),
                    ));
                }
            }
            Err(error) => {
                let path = match &error {
                    ignore::Error::WithPath { path, .. } => display(path),
                    _ => display(root),
                };
                unreadable.push((path, error.to_string()));
            }
        }
    }
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

/// Read the bytes of an input. A file larger than `limit` bytes is refused.
pub fn read(input: &Input, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match &input.origin {
        Origin::Stdin => {
            io::stdin().lock().take(limit + 1).read_to_end(&mut bytes)?;
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
