//! `newsbundle lint`: read, check, report.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use super::{
    finish_output, missing_paths, tally, CliError, ColorChoice, FailOn, Format, LintArgs, Outcome,
    Tally,
};
use crate::config::Config;
use crate::diagnostic::Severity;
use crate::lint;
use crate::report::{self, human::HumanOptions};
use crate::source;

pub(crate) fn run_lint(args: LintArgs) -> Result<Outcome, CliError> {
    let config = if args.no_config {
        Config::default()
    } else if let Some(path) = &args.config {
        Config::load(path)?
    } else {
        Config::discover(&std::env::current_dir().unwrap_or_default())?
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
    let reports = lint::run(&archive, &config, &lint::Options::default());
    let outcome = Outcome::of(Tally {
        missing_paths: missing_paths(&paths),
        // FIXME(issue 7, point 10): `--allow-empty`, and "no posts found" on stderr otherwise.
        allow_empty: true,
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
        Format::Sarif => report::sarif::emit(&reports, &mut out),
        Format::Github => report::github::emit(&reports, &mut out),
    };
    finish_output(written.and_then(|()| out.flush()), outcome)
}
