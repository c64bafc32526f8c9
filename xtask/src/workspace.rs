//! Where the workspace is and how to build `newsbundle`, for the tasks that run the real
//! binary (`bench`, `corpus`) or cargo itself (`ci`, `fuzz`).
//!
//! It only locates and builds; it runs no task.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::DynResult;

/// The workspace root: the directory above `xtask/`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// `cargo`, as the one that started this task (`$CARGO`) when there is one.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo build [--release] -p newsbundle --bin newsbundle`, returning the binary's path.
pub fn build_newsbundle(root: &Path, release: bool) -> DynResult<PathBuf> {
    let mut args = vec!["build", "-p", "newsbundle", "--bin", "newsbundle"];
    if release {
        args.insert(1, "--release");
    }
    eprintln!("xtask: cargo {}", args.join(" "));
    let output = cargo()
        .current_dir(root)
        .args(&args)
        .arg("--message-format=json-render-diagnostics")
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(format!("`cargo {}` failed", args.join(" ")).into());
    }
    // The artifact message of the `newsbundle` binary carries its path.
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_binary = message["reason"] == "compiler-artifact"
            && message["target"]["name"] == "newsbundle"
            && message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|kind| kind == "bin"));
        if let (true, Some(executable)) = (is_binary, message["executable"].as_str()) {
            return Ok(PathBuf::from(executable));
        }
    }
    Err("cargo built no `newsbundle` binary".into())
}
