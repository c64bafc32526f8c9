//! The harness shared by the end-to-end tests: run the real binary from the package root,
//! capture exit code, stdout and stderr, redact versions and temporary paths.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

pub mod jekyll;

pub const ARCHIVE: &str = "fixtures/archive";
/// A post of the example archive with no problem at all.
pub const CLEAN_POST: &str = "fixtures/archive/_posts/2022-03-29-202203291354280001.md";
/// A post whose only finding is a warning (future-date).
pub const WARNING_POST: &str = "fixtures/archive/_posts/9999-03-31-202203311630000009.md";
/// A post whose only finding is an info (crlf-line-endings).
pub const INFO_POST: &str = "fixtures/archive/_posts/2022-03-30-202203301130420006.md";

/// The package root: the working directory of every command unless a test says otherwise.
pub fn package_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `newsbundle ARGS` from the package root, with no input and none of the caller's colour
/// settings.
pub fn newsbundle(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsbundle"));
    command
        .args(args)
        .current_dir(package_root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    command
}

/// What one run printed, and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Replaced by `[TEMP]` in the rendering.
    pub temp: Option<PathBuf>,
}

impl Run {
    pub fn of(command: &mut Command) -> Run {
        let output = command.output().expect("the newsbundle binary runs");
        Run {
            code: output.status.code().expect("newsbundle exits, not killed"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            temp: None,
        }
    }

    pub fn in_temp(mut self, temp: &Path) -> Run {
        self.temp = Some(temp.to_path_buf());
        self
    }

    /// `exit: N`, then stdout and stderr, redacted; for snapshots.
    pub fn render(&self) -> String {
        let mut text = format!("exit: {}\n--- stdout\n", self.code);
        text.push_str(&self.stdout);
        if !self.stdout.is_empty() && !self.stdout.ends_with('\n') {
            text.push_str("\n[no newline at end of stdout]\n");
        }
        text.push_str("--- stderr\n");
        text.push_str(&self.stderr);
        if !self.stderr.is_empty() && !self.stderr.ends_with('\n') {
            text.push_str("\n[no newline at end of stderr]\n");
        }
        redact(&text, self.temp.as_deref())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).expect("stdout is one JSON document")
    }
}

pub fn run(args: &[&str]) -> Run {
    Run::of(&mut newsbundle(args))
}

/// The version (only ever found quoted, in JSON and SARIF) and temporary paths.
pub fn redact(text: &str, temp: Option<&Path>) -> String {
    let mut text = text.replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[VERSION]\"",
    );
    if let Some(temp) = temp {
        for form in [temp.to_path_buf(), temp.canonicalize().unwrap_or_default()] {
            let form = form.to_string_lossy().into_owned();
            if !form.is_empty() {
                text = text.replace(&form, "[TEMP]");
            }
        }
    }
    text
}

/// Every file under `directory`, as paths relative to the package root, sorted.
pub fn files_under(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(package_root().join(&directory)).unwrap() {
            let entry = entry.unwrap();
            let path = directory.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

pub fn write(directory: &Path, path: &str, text: &str) {
    let path = directory.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Run `command` with `input` piped to its standard input.
pub fn run_with_stdin(command: &mut Command, input: &str) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        temp: None,
    }
}

/// The EPUB book of `archive` (a path, relative to the package root or absolute), written
/// into `out` as `<archive name>.epub`; the conversion must succeed (exit 0 or 1).
pub fn convert_to_epub(archive: &Path, out: &Path) -> PathBuf {
    let book = out.join(format!(
        "{}.epub",
        archive.file_name().unwrap().to_string_lossy()
    ));
    let run = Run::of(&mut newsbundle(&[
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "epub",
        &archive.to_string_lossy(),
        "-o",
        &book.to_string_lossy(),
    ]));
    assert!(run.code <= 1, "{}", run.render());
    book
}

/// Text compared without whitespace, and without control characters: XML cannot hold them,
/// so the XHTML drops them, but `CleanBody::text` keeps them (FIXME in the sanitizer: `&#1;`
/// is U+0001 in the text and nothing in the XHTML).
pub fn without_whitespace(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect()
}
