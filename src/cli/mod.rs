//! The command line: clap definitions and wiring. The only module that knows about the
//! terminal (colour, TTY detection) and the only one that prints. One file per command:
//! `lint.rs`, `sanitize.rs`, `export.rs` (`convert` and `bundle`), `rules.rs` (`rules`, `explain`).

mod export;
mod lint;
mod rules;
mod sanitize;

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use thiserror::Error;

use crate::config::{Config, ConfigError};
use crate::diagnostic::Severity;
use crate::export::ExportError;
use crate::output::OutputError;
use crate::report::{FileReport, FileStatus};
use crate::source;

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
    /// Convert an archive to one format: an EPUB book, a Markdown tree, JSON or JSON lines.
    Convert(ConvertArgs),
    /// Write every format into one directory, with a manifest and the lint report.
    Bundle(BundleArgs),
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
    /// Exit 0 when no post is found (otherwise "no posts found", exit 2).
    #[arg(long)]
    pub allow_empty: bool,
    /// Also list on stderr every file the walk skipped (hidden, ignored, not a post, symlink
    /// loops, ...) with the reason.
    #[arg(short, long)]
    pub verbose: bool,
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

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Files or directories; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// The format to write.
    #[arg(long = "to", value_enum)]
    pub to: ExportFormat,
    /// Where to write: a file for epub, json and jsonl (EPUB volumes go beside it), a
    /// directory for markdown.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    #[command(flatten)]
    pub export: ExportArgs,
}

#[derive(Debug, clap::Args)]
pub struct BundleArgs {
    /// Files or directories; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// The bundle directory.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    #[command(flatten)]
    pub export: ExportArgs,
}

/// Options shared by `convert` and `bundle`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Markdown tree and front matter dialect.
    #[arg(long, value_enum, default_value_t = LayoutArg::Jekyll)]
    pub layout: LayoutArg,
    /// How the book's table of contents is grouped (default: year, then month).
    #[arg(long, value_enum, default_value_t = GroupByArg::Month)]
    pub group_by: GroupByArg,
    /// Split books larger than this into volumes.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub max_posts_per_volume: usize,
    /// Book title (default: `title` in _config.yml).
    #[arg(long)]
    pub title: Option<String>,
    /// Book language (default: `lang` in _config.yml).
    #[arg(long = "lang")]
    pub language: Option<String>,
    /// Replace an existing output that newsbundle did not write.
    #[arg(long)]
    pub force: bool,
    /// Config file to use instead of the nearest newsbundle.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any newsbundle.toml.
    #[arg(long)]
    pub no_config: bool,
    /// Print nothing but errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also list every rejected or skipped file and every file written.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Epub,
    Markdown,
    Json,
    Jsonl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    Jekyll,
    Hugo,
    Zola,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupByArg {
    Category,
    Year,
    Month,
    None,
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
    #[error(transparent)]
    Export(#[from] ExportError),
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
    /// Exit 1: findings at or above the fail level, or some inputs unreadable or rejected.
    Findings,
    /// Exit 2: nothing could be read, or a path named on the command line does not exist.
    Unreadable,
}

pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    let result = match cli.command {
        Command::Lint(args) => lint::run_lint(args),
        Command::Sanitize(args) => sanitize::run_sanitize(args),
        Command::Convert(args) => {
            let format = args.to;
            export::run_export(args.paths, args.output, args.export, Some(format))
        }
        Command::Bundle(args) => export::run_export(args.paths, args.output, args.export, None),
        Command::Rules => rules::print_rules().map(|()| Outcome::Clean),
        Command::Explain { rule } => rules::explain(&rule).map(|()| Outcome::Clean),
    };
    match result {
        // Output piped into `head` and closed: not an error.
        Err(CliError::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            Ok(Outcome::Clean)
        }
        other => other,
    }
}

pub(crate) fn load_config(config: &Option<PathBuf>, no_config: bool) -> Result<Config, CliError> {
    Ok(if no_config {
        Config::default()
    } else if let Some(path) = config {
        Config::load(path)?
    } else {
        Config::discover(&std::env::current_dir().unwrap_or_default())?
    })
}

/// A spinner on a terminal for long runs; nothing when quiet or not on a terminal.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub(crate) fn new(quiet: bool) -> Progress {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    pub(crate) fn stage(&self, message: &'static str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The exit code of a run from its reports: 2 when nothing could be read; 1 when some files
/// could not be read or were rejected (not text) while others were, or for findings at or
/// above `fail_on`; else 0. Skipped files do not count.
pub(crate) fn outcome(reports: &[FileReport], fail_on: Option<Severity>) -> Outcome {
    let mut read = 0;
    let mut failed = 0;
    for report in reports {
        match report.status {
            FileStatus::Linted => read += 1,
            FileStatus::Rejected(_) => {
                read += 1;
                failed += 1;
            }
            FileStatus::Unreadable(_) => failed += 1,
            FileStatus::Skipped(_) => {}
        }
    }
    if read == 0 && failed > 0 {
        return Outcome::Unreadable;
    }
    if failed > 0 {
        return Outcome::Findings;
    }
    let worst = reports.iter().filter_map(FileReport::max_severity).max();
    match (worst, fail_on) {
        (Some(worst), Some(fail_on)) if worst >= fail_on => Outcome::Findings,
        _ => Outcome::Clean,
    }
}
