//! The `newsbundle` binary: the command line is the library's [`newsbundle::run_cli`], which
//! parses the arguments, runs the command, prints errors and gives the exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    newsbundle::run_cli()
}
