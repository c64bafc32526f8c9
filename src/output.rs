//! Writing outputs safely: every file is written to a temporary sibling and renamed into
//! place, so an interrupted run leaves the previous file or none, never a torn one; and
//! nothing is ever written inside an input archive.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum OutputError {
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
