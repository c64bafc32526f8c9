//! Writing outputs without ever losing the user's data.
//!
//! Every command that writes files goes through here, in three steps:
//!
//! 1. [`resolve`] the `-o` path: made absolute, `.`/`..` and symbolic links resolved (an
//!    existing link is written *through*: its target is replaced, the link stays), and refused
//!    when it is something newsbundle does not write over (a device, a FIFO, a socket, a
//!    dangling link) or when its parent is missing and cannot be made.
//! 2. [`Guard::check`]: refuse any output that equals, contains or lies inside an input (a
//!    path named on the command line, a post found by the walk, a `_config.yml`, the config
//!    file), whatever `--force` says.
//! 3. [`Staging`]: the exporter writes into a temporary sibling directory
//!    (`.NAME.newsbundle-PID`, same file system, so renames are atomic), which holds a marker
//!    file locked for as long as this process lives. [`Staging::commit_directory`] or
//!    [`Staging::commit_files`] syncs once, checks ownership, and renames the result into place.
//!
//! Ownership: a directory is newsbundle's when it holds the [`MARKER`] file, which lists the
//! files newsbundle wrote; a file is newsbundle's when its exporter recognises it. Anything
//! else is replaced only with `--force`, and files a user added to a newsbundle directory are
//! listed (refused without `--force`, reported as deleted with it).
//!
//! Interruptions: at any moment the output is the previous one, the new one, or (between two
//! renames) absent with the previous one kept in the temporary directory. A temporary whose
//! lock is free belongs to a run that died: the next run restores the previous output from it
//! when the output is missing, then removes it. [`abandon_all`] does the same for this process
//! on SIGINT/SIGTERM (the CLI calls it); it waits for a commit in progress to finish.
//!
//! This module does not know formats; exporters write, `cli` decides which paths.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use thiserror::Error;

/// The file that marks a directory as written by newsbundle, and lists what it wrote.
pub const MARKER: &str = ".newsbundle";

/// The lock file inside a temporary directory; its lock is held while the run lives.
const TEMPORARY_MARKER: &str = ".newsbundle-temporary";

/// Temporary directories are named `.NAME` + this + the process id.
const TEMPORARY_INFIX: &str = ".newsbundle-";

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("{path} exists and was not written by newsbundle: use --force to replace it")]
    NotOurs { path: String },
    #[error(
        "{path} was written by newsbundle but now also holds files it did not write: {files}; move them elsewhere, or use --force to delete them"
    )]
    ForeignFiles { path: String, files: String },
    #[error(
        "output {output} {relation} the input {input}: newsbundle never writes over, into or around what it reads (with or without --force)"
    )]
    OverlapsInput {
        output: String,
        input: String,
        relation: &'static str,
    },
    #[error("{path} is {kind}, not a regular file or directory: newsbundle does not write over it{hint}")]
    NotRegular {
        path: String,
        kind: &'static str,
        hint: &'static str,
    },
    #[error("{path} is a symbolic link to {target}, which does not exist: point it somewhere or remove it")]
    DanglingLink { path: String, target: String },
    #[error("cannot write {path}: the directory {missing} does not exist (create it first)")]
    MissingParent { path: String, missing: String },
    #[error("another newsbundle run is writing {path} (its temporary directory {temporary} is in use): wait for it to finish")]
    InUse { path: String, temporary: String },
    #[error("{path} is a directory, but this format writes one file: choose a file name")]
    IsDirectory { path: String },
    /// Its source is the I/O error (`main` prints it after the message, worded by
    /// `source::describe_io`).
    #[error("cannot write {path}")]
    Write {
        path: String,
        #[source]
        source: io::Error,
    },
}

fn write_error(path: &Path, error: io::Error) -> OutputError {
    OutputError::Write {
        path: path.display().to_string(),
        source: error,
    }
}

// ---------------------------------------------------------------------------------------------
// Resolving the output path

/// Whether an output is one file (json, jsonl, epub and its volumes) or a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    File,
    Directory,
}

/// An output path: as the user wrote it (for messages) and as it really is on disk.
#[derive(Clone, Debug)]
pub struct Target {
    /// As given with `-o`, for messages.
    pub user: PathBuf,
    /// Absolute, with `.`, `..` and symbolic links resolved: what is replaced.
    pub real: PathBuf,
    shape: Shape,
    /// The parent directory is missing and will be created (its own parent exists).
    create_parent: bool,
}

impl Target {
    /// The directory the output lives in.
    fn parent(&self) -> &Path {
        self.real.parent().unwrap_or(Path::new("/"))
    }

    fn name(&self) -> String {
        self.real
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_owned())
    }
}

/// Resolve `-o PATH` for an output of `shape`. See the module documentation.
pub fn resolve(user: &Path, shape: Shape) -> Result<Target, OutputError> {
    let shown = user.display().to_string();
    let real = match fs::symlink_metadata(user) {
        Ok(metadata) if metadata.file_type().is_symlink() => match fs::canonicalize(user) {
            Ok(real) => real,
            // `/dev/stdout` on a pipe: the link leads to an object with no path.
            Err(_) if fs::metadata(user).is_ok() => {
                return Err(OutputError::NotRegular {
                    path: shown,
                    kind: fs::metadata(user)
                        .map(|metadata| kind_of(&metadata))
                        .unwrap_or(""),
                    hint: "; use -o - to write to standard output",
                })
            }
            Err(_) => {
                return Err(OutputError::DanglingLink {
                    path: shown,
                    target: fs::read_link(user)
                        .map(|target| target.display().to_string())
                        .unwrap_or_default(),
                })
            }
        },
        _ => resolve_path(user),
    };
    if real.file_name().is_none() {
        return Err(OutputError::NotRegular {
            path: shown,
            kind: "the root of the file system",
            hint: "",
        });
    }
    if let Ok(metadata) = fs::metadata(&real) {
        let kind = kind_of(&metadata);
        if kind != "a regular file" && kind != "a directory" {
            return Err(OutputError::NotRegular {
                path: shown,
                kind,
                hint: "; use -o - to write to standard output",
            });
        }
        if shape == Shape::File && metadata.is_dir() {
            return Err(OutputError::IsDirectory { path: shown });
        }
    }
    let parent = real.parent().unwrap_or(Path::new("/"));
    let create_parent = match fs::metadata(parent) {
        Ok(metadata) if metadata.is_dir() => false,
        Ok(_) => {
            return Err(OutputError::MissingParent {
                path: shown,
                missing: parent.display().to_string(),
            })
        }
        Err(_) => {
            // One missing level is made (and reported); more is likely a typo.
            let grandparent_is_dir = parent
                .parent()
                .and_then(|grandparent| fs::metadata(grandparent).ok())
                .is_some_and(|metadata| metadata.is_dir());
            if !grandparent_is_dir {
                let missing = user
                    .parent()
                    .filter(|parent| !parent.as_os_str().is_empty())
                    .unwrap_or(parent);
                return Err(OutputError::MissingParent {
                    path: shown,
                    missing: missing.display().to_string(),
                });
            }
            true
        }
    };
    Ok(Target {
        user: user.to_path_buf(),
        real,
        shape,
        create_parent,
    })
}

fn kind_of(metadata: &fs::Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_file() {
        return "a regular file";
    }
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// `path` made absolute, with symbolic links resolved as far as it exists and `.`/`..`
/// resolved in the rest.
pub fn resolve_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // The longest existing prefix is canonicalized (links resolved before `..`, as the kernel
    // does); `.` and `..` in the part that does not exist yet are resolved by name.
    let mut existing = absolute.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(mut resolved) = existing.canonicalize() {
            for part in rest.iter().rev() {
                if *part == ".." {
                    resolved.pop();
                } else if *part != "." {
                    resolved.push(part);
                }
            }
            return resolved;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last.as_os_str());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The input guard

/// Everything a run reads, resolved: no output may equal, contain or lie inside one of these.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    /// (as the user named it, resolved, is a directory)
    inputs: Vec<(String, PathBuf, bool)>,
}

impl Guard {
    /// A path read by the run: a command-line path, a post found by the walk, a config file.
    /// `-` (standard input) and paths that do not exist are not recorded.
    pub fn add(&mut self, path: &Path) {
        if path.as_os_str() == "-" {
            return;
        }
        let path = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        if let Ok(real) = fs::canonicalize(path) {
            let is_dir = real.is_dir();
            self.inputs.push((path.display().to_string(), real, is_dir));
        }
    }

    /// A post the run reads: the file, and the Jekyll site its real location belongs to (the
    /// nearest directory above it holding `_config.yml`), so that a post reached through a
    /// symbolic link protects the archive it really lives in.
    pub fn add_post(&mut self, path: &Path, visited: &mut std::collections::HashSet<PathBuf>) {
        self.add(path);
        let Ok(real) = fs::canonicalize(path) else {
            return;
        };
        let mut directory = real.parent();
        while let Some(current) = directory {
            if !visited.insert(current.to_path_buf()) {
                return;
            }
            if current.join("_config.yml").is_file() {
                self.add(current);
                return;
            }
            directory = current.parent();
        }
    }

    /// Refuse `output` (resolved) when it equals, contains or is inside an input.
    pub fn check(&self, user: &Path, real: &Path) -> Result<(), OutputError> {
        for (input, input_real, is_dir) in &self.inputs {
            let relation = if real == input_real {
                Some("is")
            } else if input_real.starts_with(real) {
                Some("contains")
            } else if *is_dir && real.starts_with(input_real) {
                Some("is inside")
            } else {
                None
            };
            if let Some(relation) = relation {
                return Err(OutputError::OverlapsInput {
                    output: user.display().to_string(),
                    input: input.clone(),
                    relation,
                });
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Staging and committing

/// The temporary directories of this process, so a signal can clean them up. Commits hold the
/// lock while they rename, so a signal never interrupts one halfway.
static ACTIVE: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// Remove this process's temporary directories, restoring a previous output that a commit
/// had moved aside. Called on SIGINT/SIGTERM, just before exiting; blocks further commits.
pub fn abandon_all() {
    ABANDONED.store(true, std::sync::atomic::Ordering::SeqCst);
    let guard = ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Exporter threads may still be writing: they stop at their next file (see
    // [`check_abandoned`]), and the main thread then waits on this lock until the exit. A
    // write already under way may recreate a directory, so look again a few times.
    for _ in 0..10 {
        for (temporary, real) in guard.iter() {
            if fs::symlink_metadata(temporary).is_ok() {
                let _ = recover(temporary, real);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // The process exits next: keep every other thread out of a commit until then.
    std::mem::forget(guard);
}

/// Set when a signal ended the run: writers stop.
static ABANDONED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writers call this before each file: an error once a signal has ended the run, so that
/// nothing is created in a temporary directory being removed.
pub fn check_abandoned(path: &Path) -> Result<(), OutputError> {
    if ABANDONED.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(OutputError::Write {
            path: path.display().to_string(),
            source: io::Error::new(io::ErrorKind::Interrupted, "interrupted"),
        });
    }
    Ok(())
}

/// Put back `temporary/old` when the output is missing, then remove the temporary.
fn recover(temporary: &Path, real: &Path) -> io::Result<bool> {
    let old = temporary.join("old");
    let mut restored = false;
    if fs::symlink_metadata(&old).is_ok() && fs::symlink_metadata(real).is_err() {
        fs::rename(&old, real)?;
        restored = true;
    }
    remove_temporary(temporary)?;
    Ok(restored)
}

/// Remove a temporary directory, its marker last: a run killed halfway leaves one that the
/// next run still recognises.
fn remove_temporary(temporary: &Path) -> io::Result<()> {
    for entry in fs::read_dir(temporary)? {
        let entry = entry?;
        if entry.file_name() == TEMPORARY_MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    match fs::remove_file(temporary.join(TEMPORARY_MARKER)) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    fs::remove_dir(temporary)
}

/// Settings of a staged write.
#[derive(Clone, Copy)]
pub struct StageOptions<'a> {
    /// Replace what newsbundle did not write.
    pub force: bool,
    /// Inputs of the run.
    pub guard: &'a Guard,
}

/// A write in progress: a locked temporary directory beside the output.
pub struct Staging {
    target: Target,
    temporary: PathBuf,
    /// Holds the lock on the temporary marker for as long as the staging lives.
    _lock: File,
    committed: bool,
    guard: Guard,
    force: bool,
    /// What happened on the way that the user should hear of: a restored output, a removed
    /// leftover, a created directory.
    pub notes: Vec<String>,
}

impl Staging {
    /// Check the target against the inputs and its owner, clean up after interrupted runs,
    /// and make the temporary directory.
    pub fn begin(target: Target, options: StageOptions<'_>) -> Result<Staging, OutputError> {
        options.guard.check(&target.user, &target.real)?;
        let mut notes = Vec::new();
        let parent = target.parent().to_path_buf();
        if target.create_parent {
            fs::create_dir(&parent).map_err(|error| write_error(&parent, error))?;
            notes.push(format!(
                "created the directory {}",
                target
                    .user
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(&parent)
                    .display()
            ));
        }
        clean_leftovers(&target, &mut notes)?;
        if target.shape == Shape::Directory && !options.force {
            // Fail before the work, not after it; checked again at commit.
            check_directory_owner(&target, false)?;
        }
        let name = target.name();
        let prefix = format!(".{}{TEMPORARY_INFIX}{}", shorten(&name), std::process::id());
        let mut temporary = parent.join(&prefix);
        let mut counter = 1;
        while fs::symlink_metadata(&temporary).is_ok() {
            counter += 1;
            temporary = parent.join(format!("{prefix}-{counter}"));
        }
        // Registered before it exists: a signal arriving now either sees it or, having
        // started to clean up, keeps this run from making it.
        let mut active = ACTIVE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        fs::create_dir(&temporary).map_err(|error| write_error(&target.user, error))?;
        let lock = (|| {
            let file = File::create(temporary.join(TEMPORARY_MARKER))?;
            file.try_lock().map_err(io::Error::from)?;
            fs::create_dir(temporary.join("new"))?;
            Ok::<File, io::Error>(file)
        })();
        let lock = match lock {
            Ok(lock) => lock,
            Err(error) => {
                let _ = fs::remove_dir_all(&temporary);
                return Err(write_error(&target.user, error));
            }
        };
        active.push((temporary.clone(), target.real.clone()));
        drop(active);
        Ok(Staging {
            target,
            temporary,
            _lock: lock,
            committed: false,
            guard: options.guard.clone(),
            force: options.force,
            notes,
        })
    }

    /// Where the exporter writes: the directory to fill, or the file to write (its volumes
    /// beside it).
    pub fn destination(&self) -> PathBuf {
        match self.target.shape {
            Shape::Directory => self.temporary.join("new"),
            Shape::File => self.temporary.join("new").join(self.target.name()),
        }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Replace the output directory with the finished one. `written` are the files in it (as
    /// the exporter returned them); they are listed in the marker. Returns the files of a
    /// previous output that a user had added and `--force` deleted.
    pub fn commit_directory(mut self, written: &[PathBuf]) -> Result<Vec<String>, OutputError> {
        let new = self.temporary.join("new");
        let mut listed: Vec<String> = written
            .iter()
            .filter_map(|file| file.strip_prefix(&new).ok())
            .map(|file| file.to_string_lossy().replace('\\', "/"))
            .collect();
        listed.sort();
        let marker = serde_json::json!({
            "generator": concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION")),
            "files": listed,
        });
        fs::write(new.join(MARKER), format!("{marker:#}\n"))
            .map_err(|error| write_error(&self.target.user, error))?;
        sync_tree(&new).map_err(|error| write_error(&self.target.user, error))?;

        let active = ACTIVE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.guard.check(&self.target.user, &self.target.real)?;
        let deleted = check_directory_owner(&self.target, self.force)?;
        let real = &self.target.real;
        let old = self.temporary.join("old");
        let had_old = fs::symlink_metadata(real).is_ok();
        if had_old {
            fs::rename(real, &old).map_err(|error| write_error(&self.target.user, error))?;
        }
        if let Err(error) = fs::rename(&new, real) {
            if had_old {
                let _ = fs::rename(&old, real);
            }
            return Err(write_error(&self.target.user, error));
        }
        let _ = sync_directory(self.target.parent());
        self.committed = true;
        drop(active);
        self.finish();
        Ok(deleted)
    }

    /// Move the finished files (the output and its volumes) beside the output. Each existing
    /// destination must be newsbundle's (`ours`) unless `--force`; earlier volumes of the same
    /// output that this run did not write (`stem-N.ext`, recognised by `ours`) are deleted.
    /// Returns the final paths, then the stale volumes deleted.
    pub fn commit_files(
        mut self,
        written: &[PathBuf],
        ours: &dyn Fn(&Path) -> bool,
    ) -> Result<(Vec<PathBuf>, Vec<PathBuf>), OutputError> {
        let directory = self.target.parent().to_path_buf();
        let mut moves = Vec::with_capacity(written.len());
        for file in written {
            let name = file.file_name().unwrap_or_default();
            let destination = directory.join(name);
            let shown = self.shown(&destination);
            self.guard.check(Path::new(&shown), &destination)?;
            if let Ok(metadata) = fs::symlink_metadata(&destination) {
                // The main output's own link was resolved already; a link among the
                // volumes is not followed.
                let kind = if metadata.file_type().is_symlink() {
                    "a symbolic link"
                } else {
                    kind_of(&metadata)
                };
                if kind != "a regular file" {
                    return Err(OutputError::NotRegular {
                        path: shown,
                        kind,
                        hint: "",
                    });
                }
                if !self.force && !ours(&destination) {
                    return Err(OutputError::NotOurs { path: shown });
                }
            }
            File::open(file)
                .and_then(|handle| handle.sync_all())
                .map_err(|error| write_error(&destination, error))?;
            moves.push((file.clone(), destination));
        }
        let stale: Vec<PathBuf> = volume_siblings(&self.target.real)
            .into_iter()
            .filter(|path| !moves.iter().any(|(_, destination)| destination == path))
            .filter(|path| {
                fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_file()) && ours(path)
            })
            .filter(|path| self.guard.check(path, path).is_ok())
            .collect();

        let active = ACTIVE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (from, to) in &moves {
            fs::rename(from, to).map_err(|error| write_error(to, error))?;
        }
        for path in &stale {
            let _ = fs::remove_file(path);
        }
        let _ = sync_directory(&directory);
        self.committed = true;
        drop(active);
        self.finish();
        let finals = moves
            .into_iter()
            .map(|(_, destination)| PathBuf::from(self.shown(&destination)))
            .collect();
        let stale = stale
            .into_iter()
            .map(|path| PathBuf::from(self.shown(&path)))
            .collect();
        Ok((finals, stale))
    }

    /// A path beside the output, as the user would name it.
    fn shown(&self, path: &Path) -> String {
        if path == self.target.real {
            return self.target.user.display().to_string();
        }
        if self.target.user.file_name() != self.target.real.file_name() {
            // Written through a link with another name: only the real path means something.
            return path.display().to_string();
        }
        match (path.file_name(), self.target.user.parent()) {
            (Some(name), Some(parent)) => parent.join(name).display().to_string(),
            (Some(name), None) => Path::new(name).display().to_string(),
            _ => path.display().to_string(),
        }
    }

    fn finish(&mut self) {
        let mut active = ACTIVE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        active.retain(|(temporary, _)| temporary != &self.temporary);
        drop(active);
        let _ = remove_temporary(&self.temporary);
    }
}

impl Drop for Staging {
    /// An abandoned staging (an error before commit) leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            self.finish();
        }
    }
}

/// A name short enough that the temporary's name stays under the usual 255-byte limit.
fn shorten(name: &str) -> &str {
    let mut end = name.len().min(200);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Temporary directories of earlier runs for this output: restore or remove the ones whose
/// run died; refuse when one is in use; mention ones too old to carry a marker.
fn clean_leftovers(target: &Target, notes: &mut Vec<String>) -> Result<(), OutputError> {
    let prefix = format!(".{}{TEMPORARY_INFIX}", shorten(&target.name()));
    let Ok(entries) = fs::read_dir(target.parent()) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&prefix) {
            continue;
        }
        let path = entry.path();
        let shown = match target.user.parent() {
            Some(parent) => parent.join(&name),
            None => PathBuf::from(&name),
        };
        let Ok(marker) = File::open(path.join(TEMPORARY_MARKER)) else {
            // A run killed between making its temporary and its marker left it empty.
            let empty = fs::read_dir(&path).is_ok_and(|mut entries| entries.next().is_none());
            if empty && fs::remove_dir(&path).is_ok() {
                continue;
            }
            notes.push(format!(
                "{} looks like a leftover of an older newsbundle; it was not touched: delete it if you do not need it",
                shown.display()
            ));
            continue;
        };
        if marker.try_lock().is_err() {
            return Err(OutputError::InUse {
                path: target.user.display().to_string(),
                temporary: shown.display().to_string(),
            });
        }
        drop(marker);
        match recover(&path, &target.real) {
            Ok(true) => notes.push(format!(
                "restored {} from an interrupted run ({})",
                target.user.display(),
                shown.display()
            )),
            Ok(false) => notes.push(format!(
                "removed {}, left by an interrupted run",
                shown.display()
            )),
            Err(error) => return Err(write_error(&shown, error)),
        }
    }
    Ok(())
}

/// May the directory output be replaced? It must be absent, empty, or carry the marker (or
/// `force`). Returns the files a user added to a newsbundle directory (deleted with `force`).
fn check_directory_owner(target: &Target, force: bool) -> Result<Vec<String>, OutputError> {
    let real = &target.real;
    let shown = target.user.display().to_string();
    let Ok(metadata) = fs::metadata(real) else {
        return Ok(Vec::new());
    };
    if !metadata.is_dir() {
        return if force {
            Ok(Vec::new())
        } else {
            Err(OutputError::NotOurs { path: shown })
        };
    }
    let marker = fs::read_to_string(real.join(MARKER));
    let Ok(marker) = marker else {
        let empty = fs::read_dir(real)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        return if empty || force {
            Ok(Vec::new())
        } else {
            Err(OutputError::NotOurs { path: shown })
        };
    };
    // Markers of newsbundle 0.1 hold no list: everything in such a directory is taken as ours.
    let Some(listed) = serde_json::from_str::<serde_json::Value>(&marker)
        .ok()
        .and_then(|value| {
            value.get("files")?.as_array().map(|files| {
                files
                    .iter()
                    .filter_map(|file| file.as_str().map(str::to_owned))
                    .collect::<std::collections::HashSet<String>>()
            })
        })
    else {
        return Ok(Vec::new());
    };
    let mut foreign = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let Ok(entries) = fs::read_dir(real.join(&relative)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = relative.join(entry.file_name());
            let text = path.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                pending.push(path);
            } else if text != MARKER && !listed.contains(&text) {
                foreign.push(text);
            }
        }
    }
    foreign.sort();
    if foreign.is_empty() || force {
        return Ok(foreign);
    }
    const SHOWN: usize = 10;
    let mut files = foreign
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if foreign.len() > SHOWN {
        files.push_str(&format!(" and {} more", foreign.len() - SHOWN));
    }
    Err(OutputError::ForeignFiles { path: shown, files })
}

/// `stem.ext` and `stem-N.ext` beside `path`: where its volumes are.
fn volume_siblings(path: &Path) -> Vec<PathBuf> {
    let (Some(directory), Some(stem)) = (path.parent(), path.file_stem()) else {
        return Vec::new();
    };
    let stem = stem.to_string_lossy().into_owned();
    let extension = path
        .extension()
        .map(|extension| format!(".{}", extension.to_string_lossy()))
        .unwrap_or_default();
    let Ok(entries) = fs::read_dir(directory) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(&extension)
                .and_then(|rest| rest.strip_prefix(&stem))
                .is_some_and(|rest| {
                    rest.is_empty()
                        || rest
                            .strip_prefix('-')
                            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                })
        })
        .map(|entry| entry.path())
        .collect()
}

/// Make everything under `directory` durable: one `syncfs` on Linux, else one `fsync` per file.
fn sync_tree(directory: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let handle = File::open(directory)?;
        rustix::fs::syncfs(&handle).map_err(io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let mut pending = vec![directory.to_path_buf()];
        while let Some(directory) = pending.pop() {
            for entry in fs::read_dir(&directory)? {
                let entry = entry?;
                if entry.file_type()?.is_dir() {
                    pending.push(entry.path());
                } else {
                    File::open(entry.path())?.sync_all()?;
                }
            }
        }
        Ok(())
    }
}

/// Make a rename in `directory` durable.
fn sync_directory(directory: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(directory)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = directory;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(target: &Path, shape: Shape, force: bool) -> Result<Staging, OutputError> {
        let guard = Guard::default();
        Staging::begin(
            resolve(target, shape)?,
            StageOptions {
                force,
                guard: &guard,
            },
        )
    }

    #[test]
    fn outputs_overlapping_inputs_are_refused() {
        let archive = tempfile::tempdir().unwrap();
        let posts = archive.path().join("_posts");
        fs::create_dir(&posts).unwrap();
        let mut guard = Guard::default();
        guard.add(&posts);
        let check = |path: &Path| guard.check(path, &resolve_path(path));
        assert!(check(&posts.join("out")).is_err(), "inside");
        assert!(check(archive.path()).is_err(), "contains");
        assert!(check(&posts.join("../_posts/.")).is_err(), "equal after ..");
        assert!(check(&archive.path().join("out")).is_ok(), "beside");
    }

    #[test]
    fn a_directory_is_replaced_whole_and_its_temporary_removed() {
        let parent = tempfile::tempdir().unwrap();
        let output = parent.path().join("out");
        for text in ["one", "two"] {
            let staging = stage(&output, Shape::Directory, false).unwrap();
            let file = staging.destination().join("a.txt");
            fs::write(&file, text).unwrap();
            staging.commit_directory(&[file]).unwrap();
        }
        assert_eq!(fs::read_to_string(output.join("a.txt")).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(parent.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out"]);
    }

    #[test]
    fn a_stale_temporary_is_recovered() {
        let parent = tempfile::tempdir().unwrap();
        let output = parent.path().join("out");
        // A run that died between its two renames: the output is in `old`, the lock is free.
        let stale = parent.path().join(".out.newsbundle-999999");
        fs::create_dir_all(stale.join("old")).unwrap();
        fs::write(stale.join(TEMPORARY_MARKER), "").unwrap();
        fs::write(stale.join("old/a.txt"), "previous").unwrap();
        fs::write(stale.join("old").join(MARKER), "newsbundle 0.1.0\n").unwrap();
        let staging = stage(&output, Shape::Directory, false).unwrap();
        assert!(
            staging.notes[0].starts_with("restored"),
            "{:?}",
            staging.notes
        );
        assert_eq!(
            fs::read_to_string(output.join("a.txt")).unwrap(),
            "previous"
        );
        assert!(!stale.exists());
    }

    #[test]
    fn volume_siblings_are_the_stem_and_numbered_ones() {
        let parent = tempfile::tempdir().unwrap();
        for name in [
            "book.epub",
            "book-1.epub",
            "book-12.epub",
            "book-x.epub",
            "booklet.epub",
        ] {
            fs::write(parent.path().join(name), "").unwrap();
        }
        let mut found: Vec<_> = volume_siblings(&parent.path().join("book.epub"))
            .into_iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        found.sort();
        assert_eq!(found, ["book-1.epub", "book-12.epub", "book.epub"]);
    }
}
