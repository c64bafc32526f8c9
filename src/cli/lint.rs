//! `newsbundle lint`: read, check, report.
//!
//! Exit codes: 0 nothing at or above the fail level; 1 findings at or above it, or some files
//! unreadable or rejected (not text) while the others were linted; 2 a path named on the
//! command line does not exist, nothing could be read, or no post was found (unless
//! `--allow-empty`). `-v` lists on stderr what the walk skipped.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use super::{
    finish_output, missing_paths, tally, CliError, ColorChoice, FailOn, Format, LintArgs, Outcome,
    Tally,
};
use crate::config::Config;
use crate::diagnostic::Severity;
use crate::lint::{self, registry};
use crate::report::{self, escape_control, human::HumanOptions};
use crate::source::{self, Archive};

pub(crate) fn run_lint(args: LintArgs) -> Result<Outcome, CliError> {
    let config = if args.no_config {
        Config::default()
    } else if let Some(path) = &args.config {
        Config::load(path, &registry::metas())?
    } else {
        Config::discover(
            &std::env::current_dir().unwrap_or_default(),
            &registry::metas(),
        )?
    };
    let fail_on = match args.fail_on {
        Some(FailOn::Error) => Some(Severity::Error),
        Some(FailOn::Warning) => Some(Severity::Warning),
        Some(FailOn::Info) => Some(Severity::Info),
        Some(FailOn::Never) => None,
        None => config.fail_on,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let archive = source::discover(&paths);
    if args.verbose {
        for skipped in &archive.skipped {
            eprintln!(
                "skipped {}: {}",
                escape_control(&skipped.path),
                escape_control(&skipped.reason.to_string())
            );
        }
    }
    if archive.inputs.is_empty() && archive.unreadable.is_empty() && !args.allow_empty {
        return Err(no_posts_found(&paths, &archive, args.verbose));
    }
    let reports = lint::run(&archive, &config, &lint::Options::default());
    let outcome = Outcome::of(Tally {
        missing_paths: missing_paths(&paths),
        allow_empty: args.allow_empty,
        ..tally(&reports, fail_on)
    });

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match args.format {
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                }
            };
            report::human::emit(&reports, HumanOptions { color }, &mut out)
        }
        Format::Json => report::json::emit(&reports, &mut out),
        Format::Sarif => report::sarif::emit(&reports, &registry::metas(), &mut out),
        Format::Github => report::github::emit(&reports, &mut out),
    };
    finish_output(written.and_then(|()| out.flush()), outcome)
}

/// `no posts found under PATH`, with what was skipped there, and how to fix it.
fn no_posts_found(paths: &[PathBuf], archive: &Archive, verbose: bool) -> CliError {
    let paths: Vec<String> = paths
        .iter()
        .map(|path| escape_control(&path.to_string_lossy()).into_owned())
        .collect();
    let skipped = match (archive.skipped.len(), verbose) {
        (0, _) => String::new(),
        (1, true) => " (1 file skipped, listed above)".to_owned(),
        (count, true) => format!(" ({count} files skipped, listed above)"),
        (1, false) => " (1 file skipped: -v lists it)".to_owned(),
        (count, false) => format!(" ({count} files skipped: -v lists them)"),
    };
    CliError::Usage(format!(
        "no posts found under {}{skipped}; check the path, or pass --allow-empty if an empty \
         archive is expected",
        paths.join(", ")
    ))
}
