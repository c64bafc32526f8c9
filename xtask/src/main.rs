//! `cargo xtask <task> [ARGS]`: repository automation for newsbundle
//! (`cargo xtask` is an alias for `cargo run --package xtask --`).
//!
//! This file only dispatches: it takes the task name from `std::env::args` and hands
//! the remaining arguments to that task's module. It parses no task options (each
//! task does that itself, by hand; there is no CLI crate) and contains no task logic.
//!
//! Adding a task:
//! 1. create `src/<task>.rs` with `pub fn run(args: &[String]) -> DynResult`;
//! 2. add `mod <task>;` below and an entry in `TASKS`;
//! 3. add one arm to the `match` in `main`.

mod bench;
mod ci;
mod corpus;
mod fuzz;
mod generate;
mod workspace;

use std::process::ExitCode;

/// Result type shared by all tasks: any error is printed and exits with status 1.
pub type DynResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Every task as (name, one-line description), in the order `help` lists them.
const TASKS: &[(&str, &str)] = &[
    (
        "bench",
        "time `newsbundle lint` beside `cat`, sanitize beside ammonia, `bundle` beside pandoc (see `bench --help`)",
    ),
    (
        "ci",
        "run exactly what CI runs: .ci/run, with CI=true (see `ci --help`)",
    ),
    (
        "corpus",
        "lint and sanitize the real archives in ../shared/corpus; compare with xtask/corpus-summary.json",
    ),
    (
        "fuzz",
        "fuzz a target (parse, sanitize) with cargo-fuzz for a bounded time (see `fuzz --help`)",
    ),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        print_help();
        return ExitCode::FAILURE;
    };
    let result = match task.as_str() {
        "bench" => bench::run(rest),
        "ci" => ci::run(rest),
        "corpus" => corpus::run(rest),
        "fuzz" => fuzz::run(rest),
        "help" | "-h" | "--help" => {
            print_help();
            Ok(())
        }
        other => {
            let names: Vec<&str> = TASKS.iter().map(|(name, _)| *name).collect();
            Err(format!(
                "unknown task `{other}`; available tasks: {}",
                names.join(", ")
            )
            .into())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!("usage: cargo xtask <task> [ARGS]\n\ntasks:");
    for (name, about) in TASKS {
        println!("  {name:<8} {about}");
    }
}
