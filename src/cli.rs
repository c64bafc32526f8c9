//! The command line: clap definitions and wiring. The only module that knows about the
//! terminal (colour, TTY detection) and the only one that prints.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use thiserror::Error;

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::lint::{self, registry};
use crate::output::{self, OutputError};
use crate::parse;
use crate::report::{self, human::HumanOptions, FileReport, FileStatus};
use crate::sanitize::{self, Policy};
use crate::source;
use rayon::prelude::*;

#[derive(Debug, Parser)]
#[command(
    name = "newsbundle",
    version,
    about = "Lint, clean and export Jekyll-style news archives"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check posts: front matter, dates, file names, encodings, duplicates.
    Lint(LintArgs),
    /// Print the clean XHTML of each post body: what the sanitizer makes of it.
    Sanitize(SanitizeArgs),
    /// List every rule with its code, name, default severity and summary.
    Rules,
    /// Explain a rule: what it does, why, an example and how to fix it.
    Explain {
        /// A rule code (FM010) or name (invalid-date).
        rule: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Files or directories to lint; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The lowest severity that makes the exit code 1 (default: error, or `fail-on` in the config).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Config file to use instead of the nearest newsbundle.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any newsbundle.toml.
    #[arg(long)]
    pub no_config: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub struct SanitizeArgs {
    /// Files or directories; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Write one `<file stem>.xhtml` per post into this directory (required for several posts;
    /// without it, the one post's XHTML goes to standard output).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What stops a run. Displayed as `error: …` by `main`, exit code 2.
#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("unknown rule \"{rule}\" ({})", rule_hint(.suggestion))]
    UnknownRule {
        rule: String,
        suggestion: Option<String>,
    },
    #[error(transparent)]
    Write(#[from] OutputError),
    #[error("{0}")]
    Usage(String),
    // Not `#[source]`: `main` prints the source chain, and the reason would show twice.
    #[error("cannot write output: {}", source::describe_io(.0))]
    Output(io::Error),
}

fn rule_hint(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(suggestion) => format!("did you mean \"{suggestion}\"?"),
        None => "`newsbundle rules` lists them all".to_owned(),
    }
}

/// How a run ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: findings at or above the fail level.
    Findings,
    /// Exit 2: some input could not be read.
    Unreadable,
}

pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    let result = match cli.command {
        Command::Lint(args) => run_lint(args),
        Command::Sanitize(args) => run_sanitize(args),
        Command::Rules => print_rules().map(|()| Outcome::Clean),
        Command::Explain { rule } => explain(&rule).map(|()| Outcome::Clean),
    };
    match result {
        // Output piped into `head` and closed: not an error.
        Err(CliError::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            Ok(Outcome::Clean)
        }
        other => other,
    }
}

fn run_lint(args: LintArgs) -> Result<Outcome, CliError> {
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
    written
        .and_then(|()| out.flush())
        .map_err(CliError::Output)?;
    Ok(outcome(&reports, fail_on))
}

fn run_sanitize(args: SanitizeArgs) -> Result<Outcome, CliError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    if let Some(directory) = &args.output {
        output::ensure_outside_inputs(directory, &paths)?;
    }
    let archive = source::discover(&paths);
    if args.output.is_none() && archive.inputs.len() + archive.unreadable.len() > 1 {
        return Err(CliError::Usage(format!(
            "{} posts found: give an output directory with -o DIR",
            archive.inputs.len() + archive.unreadable.len()
        )));
    }
    let policy = Policy::default();
    let results: Vec<Result<(String, String), String>> = archive
        .inputs
        .par_iter()
        .map(|input| {
            let post = parse::load(input, &archive, lint::Options::default().max_file_size)
                .map_err(|error| {
                    format!(
                        "cannot read {}: {}",
                        input.path,
                        source::describe_io(&error)
                    )
                })?;
            let site = input.site.map(|site| &archive.sites[site]);
            let body = sanitize::sanitize(&post, site, &policy);
            let language = post
                .front_matter
                .lang
                .as_deref()
                .or(site.and_then(|site| site.lang.as_deref()));
            Ok((
                post.file_name.stem.clone(),
                body.to_document(&post.display_title(), language),
            ))
        })
        .collect();
    let mut outcome = Outcome::Clean;
    for (path, reason) in &archive.unreadable {
        eprintln!("error: cannot read {path}: {reason}");
        outcome = Outcome::Unreadable;
    }
    let mut used = std::collections::HashSet::new();
    for result in results {
        let (stem, document) = match result {
            Ok(done) => done,
            Err(message) => {
                eprintln!("error: {message}");
                outcome = Outcome::Unreadable;
                continue;
            }
        };
        match &args.output {
            None => {
                let mut out = io::stdout().lock();
                out.write_all(document.as_bytes())
                    .and_then(|()| out.flush())
                    .map_err(CliError::Output)?;
            }
            Some(directory) => {
                // Two posts with the same file name in different folders get -2, -3, … in path order.
                let mut name = format!("{stem}.xhtml");
                let mut counter = 2;
                while !used.insert(name.clone()) {
                    name = format!("{stem}-{counter}.xhtml");
                    counter += 1;
                }
                output::write_atomic(&directory.join(&name), document.as_bytes())?;
            }
        }
    }
    Ok(outcome)
}

fn outcome(reports: &[FileReport], fail_on: Option<Severity>) -> Outcome {
    if reports
        .iter()
        .any(|report| matches!(report.status, FileStatus::Unreadable(_)))
    {
        return Outcome::Unreadable;
    }
    let worst = reports.iter().filter_map(FileReport::max_severity).max();
    match (worst, fail_on) {
        (Some(worst), Some(fail_on)) if worst >= fail_on => Outcome::Findings,
        _ => Outcome::Clean,
    }
}

fn print_rules() -> Result<(), CliError> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let width = registry::RULES
        .iter()
        .map(|rule| rule.name().len())
        .max()
        .unwrap_or(0);
    let code_width = registry::RULES
        .iter()
        .map(|rule| rule.code().len())
        .max()
        .unwrap_or(0);
    for rule in registry::RULES {
        let meta = rule.meta();
        writeln!(
            out,
            "{:<code_width$} {:<width$}  {:<8} {}",
            meta.code,
            meta.name,
            meta.default_severity.as_str(),
            meta.summary
        )
        .map_err(CliError::Output)?;
    }
    out.flush().map_err(CliError::Output)
}

fn explain(code_or_name: &str) -> Result<(), CliError> {
    let Some(rule) = registry::find(code_or_name) else {
        let known = registry::RULES
            .iter()
            .flat_map(|rule| [rule.code(), rule.name()]);
        return Err(CliError::UnknownRule {
            rule: code_or_name.to_owned(),
            suggestion: config::suggest(code_or_name, known),
        });
    };
    let meta = rule.meta();
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "# {} ({})\n\n{}.\nDefault severity: {}.\n\n{}",
        meta.name, meta.code, meta.summary, meta.default_severity, meta.explanation
    )
    .map_err(CliError::Output)
}
