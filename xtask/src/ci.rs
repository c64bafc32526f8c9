//! `cargo xtask ci`: run exactly what CI runs, which is `.ci/run`: this task executes that
//! script from the workspace root, so the two cannot drift. The steps are listed there (tests
//! with `CI=true` as CI sets it, formatting, clippy, the corpus, SARIF and EPUBCheck
//! validation, ...), each printed before it runs; the first failure stops the run.
//!
//! What it does not do: it keeps no list of its own, and does not fuzz or benchmark
//! (`cargo xtask fuzz`, `cargo xtask bench`: their results depend on time). What the script
//! installs (Python packages, EPUBCheck) it installs as CI does.

use std::process::Command;
use std::time::Instant;

use crate::{workspace, DynResult};

/// The script CI runs, relative to the workspace root.
pub const SCRIPT: &str = ".ci/run";

pub const USAGE: &str = "\
usage: cargo xtask ci

Runs .ci/run (what CI runs) from the workspace root, with CI=true as CI sets it, stopping at
the first failure. The steps are listed in that script.";

pub fn run(args: &[String]) -> DynResult {
    match args.first().map(String::as_str) {
        None => {}
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => return Err(format!("unexpected argument {other}\n\n{USAGE}").into()),
    }
    let root = workspace::root();
    let started = Instant::now();
    println!("==> {SCRIPT}");
    let status = Command::new("bash")
        .arg(root.join(SCRIPT))
        .current_dir(&root)
        .env("CI", "true")
        .status()
        .map_err(|error| format!("cannot run {SCRIPT}: {error}"))?;
    if !status.success() {
        return Err(format!("{SCRIPT} failed ({status})").into());
    }
    println!(
        "\nci: {SCRIPT} passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
