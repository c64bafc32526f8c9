//! `cargo xtask ci`: run exactly what CI runs, in order, stopping at the first failure.
//!
//! The steps, each run from the workspace root and printed before it runs:
//! 1. `cargo fmt --all -- --check`
//! 2. `cargo clippy --workspace --all-targets -- -D warnings`
//! 3. `cargo test --workspace`
//! 4. `cargo xtask corpus ../shared/corpus`
//!
//! What it does not do: it installs nothing, sets no environment (CI sets `CI=true`, which
//! makes a missing insta snapshot fail; set it yourself to match), and does not fuzz or
//! benchmark (`cargo xtask fuzz`, `cargo xtask bench`: their results depend on time).

use std::time::Instant;

use crate::{workspace, DynResult};

pub const USAGE: &str = "\
usage: cargo xtask ci

Runs, from the workspace root, stopping at the first failure:
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets -- -D warnings
  cargo test --workspace
  cargo xtask corpus ../shared/corpus";

/// The steps, as cargo arguments.
pub const STEPS: &[&[&str]] = &[
    &["fmt", "--all", "--", "--check"],
    &[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ],
    &["test", "--workspace"],
    &["xtask", "corpus", crate::corpus::DEFAULT_CORPUS],
];

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
    for (number, step) in STEPS.iter().enumerate() {
        let shown = format!("cargo {}", step.join(" "));
        println!("\n==> [{}/{}] {shown}", number + 1, STEPS.len());
        let step_started = Instant::now();
        let status = workspace::cargo()
            .current_dir(&root)
            .args(*step)
            .status()
            .map_err(|error| format!("cannot run `{shown}`: {error}"))?;
        if !status.success() {
            return Err(format!(
                "step {}/{} failed ({status}): {shown}",
                number + 1,
                STEPS.len()
            )
            .into());
        }
        println!(
            "==> [{}/{}] ok in {:.1} s",
            number + 1,
            STEPS.len(),
            step_started.elapsed().as_secs_f64()
        );
    }
    println!(
        "\nci: all {} steps passed in {:.1} s",
        STEPS.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
