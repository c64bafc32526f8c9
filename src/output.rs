//! Writing outputs safely: every file is written to a temporary sibling and renamed into
//! place, so an interrupted run leaves the previous file or none, never a torn one; and
//! nothing is ever written inside an input archive.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The file that marks a directory as written by newsbundle (so it may be replaced).
pub const MARKER: &str = ".newsbundle";

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("{path} exists and was not written by newsbundle: use --force to replace it")]
    NotOurs { path: String },
    #[error("output {output} is inside the input {input}: newsbundle never writes into an archive it reads")]
    InsideInput { output: String, input: String },
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

/// Refuse an output directory (or file) that lies inside one of the input directories.
pub fn ensure_outside_inputs(output: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let output_absolute = absolute(output);
    for input in inputs {
        if input.as_os_str() == "-" || !input.is_dir() {
            continue;
        }
        let input_absolute = absolute(input);
        if output_absolute.starts_with(&input_absolute) {
            return Err(OutputError::InsideInput {
                output: output.display().to_string(),
                input: input.display().to_string(),
            });
        }
    }
    Ok(())
}

/// `path` made absolute and, as far as it exists, with symbolic links resolved.
fn absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Resolve the longest existing prefix, keep the rest as written.
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(resolved) = existing.canonicalize() {
            let mut resolved = resolved;
            for part in rest.iter().rev() {
                resolved.push(part);
            }
            return resolved;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// A new empty temporary directory beside `output` (same file system, so renames are atomic).
pub fn temporary_sibling(output: &Path) -> Result<PathBuf, OutputError> {
    let parent = output
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = parent.join(format!(".{name}.newsbundle-{}", std::process::id()));
    let error = |error: io::Error| OutputError::Write {
        path: temporary.display().to_string(),
        reason: crate::source::describe_io(&error),
    };
    std::fs::create_dir_all(parent).map_err(error)?;
    if temporary.exists() {
        std::fs::remove_dir_all(&temporary).map_err(error)?;
    }
    std::fs::create_dir(&temporary).map_err(error)?;
    Ok(temporary)
}

/// Replace the directory `output` with the finished `temporary` one: the old one (if any, and
/// only when it carries the newsbundle marker or `force` is set) is moved aside, the new one
/// renamed into place, the old one removed. At any moment `output` is the old directory, the
/// new one, or absent — never a mix.
pub fn replace_directory(temporary: &Path, output: &Path, force: bool) -> Result<(), OutputError> {
    let error = |path: &Path, error: io::Error| OutputError::Write {
        path: path.display().to_string(),
        reason: crate::source::describe_io(&error),
    };
    std::fs::write(
        temporary.join(MARKER),
        concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION"), "\n"),
    )
    .map_err(|e| error(temporary, e))?;
    let mut old = None;
    if output.exists() {
        let ours = output.join(MARKER).is_file();
        let empty = std::fs::read_dir(output)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !(ours || empty || force) {
            return Err(OutputError::NotOurs {
                path: output.display().to_string(),
            });
        }
        let aside = temporary.with_extension("old");
        std::fs::rename(output, &aside).map_err(|e| error(output, e))?;
        old = Some(aside);
    }
    std::fs::rename(temporary, output).map_err(|e| error(output, e))?;
    if let Some(old) = old {
        let _ = if old.is_dir() {
            std::fs::remove_dir_all(&old)
        } else {
            std::fs::remove_file(&old)
        };
    }
    Ok(())
}

/// Move the finished files from `temporary` into `directory`, each by an atomic rename. A
/// file already there is replaced only when `ours(path)` says newsbundle wrote it, or `force`.
/// Every destination is checked before anything is moved.
pub fn move_files(
    files: &[PathBuf],
    directory: &Path,
    force: bool,
    ours: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut moves = Vec::new();
    for file in files {
        let name = file.file_name().unwrap_or_default();
        let destination = directory.join(name);
        if destination.exists() && !force && !ours(&destination) {
            return Err(OutputError::NotOurs {
                path: destination.display().to_string(),
            });
        }
        moves.push((file.clone(), destination));
    }
    for (from, to) in &moves {
        std::fs::rename(from, to).map_err(|error| OutputError::Write {
            path: to.display().to_string(),
            reason: crate::source::describe_io(&error),
        })?;
    }
    Ok(moves.into_iter().map(|(_, to)| to).collect())
}

/// Write `bytes` to `path` through a temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let error = |error: io::Error| OutputError::Write {
        path: path.display().to_string(),
        reason: crate::source::describe_io(&error),
    };
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory).map_err(error)?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_inside_inputs_are_refused() {
        let archive = tempfile::tempdir().unwrap();
        let inside = archive.path().join("_site/out");
        assert!(ensure_outside_inputs(&inside, &[archive.path().to_path_buf()]).is_err());
        let outside = tempfile::tempdir().unwrap();
        assert!(ensure_outside_inputs(outside.path(), &[archive.path().to_path_buf()]).is_ok());
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("a.xhtml");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(directory.path()).unwrap().count(), 1);
    }
}
