//! The command line: clap definitions and wiring. The only module that knows about the
//! terminal (colour, TTY detection) and the only one that prints. One file per command:
//! `lint.rs`, `sanitize.rs`, `export.rs` (`convert` and `bundle`), `rules.rs` (`rules`, `explain`),
//! `completions.rs` (`completions`, `man`).

mod completions;
/// `eprintln!` for lines that may hold user-controlled text (paths, titles, reasons): every
/// control character is escaped, so a file name cannot retitle or clear the terminal.
macro_rules! say {
    ($($argument:tt)*) => {
        eprintln!("{}", $crate::report::escape_control(&format!($($argument)*)))
    };
}

mod export;
mod lint;
mod rules;
mod sanitize;
mod signals;

pub(crate) use signals::clean_up_on_signals;

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use thiserror::Error;

use crate::config::{Config, ConfigError};
use crate::diagnostic::Severity;
use crate::export::ExportError;
use crate::lint::registry;
use crate::output::OutputError;
use crate::report::{FileReport, FileStatus};

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
    Rules {
        /// Output format: one line per rule, or a JSON document with every rule's explanation.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Explain a rule: what it does, why, an example and how to fix it.
    Explain {
        /// A rule code (FM010) or name (invalid-date).
        rule: String,
    },
    /// Print a completion script for a shell to standard output.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff) to standard output: newsbundle(1), or a command's own.
    Man {
        /// The command whose page to print (newsbundle-lint(1)); default: newsbundle(1).
        command: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
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
    /// Write one `<file stem>.xhtml` per file into this directory, which newsbundle then owns
    /// (required for several files; without it, or with `-o -`, the one file's XHTML goes to
    /// standard output).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace an existing output directory that newsbundle did not write.
    #[arg(long)]
    pub force: bool,
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
    /// How the book's table of contents is grouped (`month`: by year, then month).
    #[arg(long, value_enum, default_value_t = GroupByArg::Month)]
    pub group_by: GroupByArg,
    /// A year or month gets a contents page of its own only with at least this many posts;
    /// smaller ones are listed in the group above.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_group_size: usize,
    /// Split books larger than this into volumes.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub max_posts_per_volume: usize,
    /// Book title (default: `title` in _config.yml).
    #[arg(long)]
    pub title: Option<String>,
    /// Book language (default: `lang` in _config.yml).
    #[arg(long = "lang")]
    pub language: Option<String>,
    /// Book author (default: `author` in _config.yml).
    #[arg(long)]
    pub author: Option<String>,
    /// Book identifier, e.g. an ISBN or a URN (default: derived from the site's `url`, so a
    /// re-exported archive stays the same book).
    #[arg(long)]
    pub identifier: Option<String>,
    /// Also export posts Jekyll does not publish, marked with their status: `published: false`
    /// ones, future-dated ones, drafts (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "WHAT")]
    pub include: Vec<IncludeArg>,
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
pub enum IncludeArg {
    Unpublished,
    Future,
    Drafts,
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
    #[error("unknown rule \"{rule}\" ({})", rule_hint(.suggestions))]
    UnknownRule {
        rule: String,
        suggestions: Vec<String>,
    },
    #[error(transparent)]
    Write(#[from] OutputError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write output")]
    Output(#[source] io::Error),
    #[error("cannot make a temporary directory")]
    TemporaryDirectory(#[source] io::Error),
}

fn rule_hint(suggestions: &[String]) -> String {
    crate::config::did_you_mean_question(suggestions)
        .unwrap_or_else(|| "`newsbundle rules` lists them all".to_owned())
}

/// How a run ended. `main` maps it to the exit code, by one rule for every command (README,
/// "Exit codes"); commands get it from [`Outcome::of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the run did its work, nothing at or above the fail level, no input rejected.
    Clean,
    /// Exit 1: findings at or above the fail level, or some inputs rejected while the others
    /// were processed.
    Findings,
    /// Exit 2: nothing could be done: a path named on the command line does not exist, no post
    /// was found, or every input was rejected. (Usage, config and output errors are
    /// [`CliError`]s, exit 2 too.)
    Failed,
}

/// What a run did, as far as its exit code is concerned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Input files read and processed (linted, exported, sanitized).
    pub processed: usize,
    /// Input files rejected: unreadable, not text, too large.
    pub rejected: usize,
    /// Paths named on the command line that do not exist ([`missing_paths`]).
    pub missing_paths: usize,
    /// Some finding is at or above the fail level.
    pub at_fail_level: bool,
    /// Finding no input at all is not a failure (`--allow-empty`).
    pub allow_empty: bool,
}

impl Outcome {
    /// The exit-code rule, in one place.
    pub fn of(tally: Tally) -> Outcome {
        let nothing_done = tally.processed == 0 && (tally.rejected > 0 || !tally.allow_empty);
        if tally.missing_paths > 0 || nothing_done {
            Outcome::Failed
        } else if tally.at_fail_level || tally.rejected > 0 {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }

    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Failed => 2,
        }
    }
}

/// How many of the paths named on the command line do not exist (`-` always does).
pub(crate) fn missing_paths(paths: &[PathBuf]) -> usize {
    paths
        .iter()
        .filter(|path| path.as_os_str() != "-" && matches!(path.try_exists(), Ok(false)))
        .count()
}

/// The end of a command's output: a closed pipe (`newsbundle lint | head`) only ends the
/// output early, quietly, and the run still ends with `outcome`; any other write error stops it.
pub(crate) fn finish_output(
    written: io::Result<()>,
    outcome: Outcome,
) -> Result<Outcome, CliError> {
    match written {
        Ok(()) => Ok(outcome),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(outcome),
        Err(error) => Err(CliError::Output(error)),
    }
}

/// The `newsbundle` program: parse the arguments, run the command, and on an error print it
/// with its causes; the exit code.
pub fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(error) => {
            say!("{}", error_message(&error));
            ExitCode::from(2)
        }
    }
}

/// `error: ` and the error's Display chain, `: `-separated (`error: cannot write out.epub:
/// permission denied`). An I/O error ends the chain, worded by
/// [`describe_io`](crate::source::describe_io).
fn error_message(error: &dyn std::error::Error) -> String {
    let mut message = format!("error: {error}");
    let mut cause = error.source();
    while let Some(current) = cause {
        if let Some(io_error) = current.downcast_ref::<io::Error>() {
            message.push_str(": ");
            message.push_str(&crate::source::describe_io(io_error));
            break;
        }
        message.push_str(&format!(": {current}"));
        cause = current.source();
    }
    message
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
        Command::Rules { format } => rules::print_rules(format).map(|()| Outcome::Clean),
        Command::Explain { rule } => rules::explain(&rule).map(|()| Outcome::Clean),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man { command } => completions::man_page(command.as_deref()),
    };
    match result {
        // Output piped into `head` and closed, by a command that does not say how it ended
        // otherwise ([`finish_output`]): not an error.
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
        Config::load(path, &registry::metas())?
    } else {
        Config::discover(
            &std::env::current_dir().unwrap_or_default(),
            &registry::metas(),
        )?
    })
}

/// A spinner on a terminal for long runs; nothing when quiet or not on a terminal.
/// Start writing `target` (see `output::Staging`): from now on a signal cleans up, and what
/// was found of earlier runs (a restored output, a removed leftover) is said, around the
/// spinner if there is one.
pub(crate) fn begin_output(
    target: crate::output::Target,
    force: bool,
    guard: &crate::output::Guard,
    progress: Option<&Progress>,
) -> Result<crate::output::Staging, CliError> {
    clean_up_on_signals();
    let staging =
        crate::output::Staging::begin(target, crate::output::StageOptions { force, guard })?;
    for note in &staging.notes {
        match progress {
            Some(progress) => progress.suspend(|| say!("note: {note}")),
            None => say!("note: {note}"),
        }
    }
    Ok(staging)
}

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

    /// Print around the spinner.
    pub(crate) fn suspend(&self, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The tally of a lint run: files linted and unreadable, and whether a finding reaches
/// `fail_on` (`None`: nothing fails).
pub(crate) fn tally(reports: &[FileReport], fail_on: Option<Severity>) -> Tally {
    let rejected = reports
        .iter()
        .filter(|report| {
            matches!(
                report.status,
                FileStatus::Unreadable(_) | FileStatus::Rejected(_)
            )
        })
        .count();
    let skipped = reports
        .iter()
        .filter(|report| matches!(report.status, FileStatus::Skipped(_)))
        .count();
    let worst = reports.iter().filter_map(FileReport::max_severity).max();
    Tally {
        processed: reports.len() - rejected - skipped,
        rejected,
        at_fail_level: matches!((worst, fail_on), (Some(worst), Some(fail_on)) if worst >= fail_on),
        ..Tally::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_code_rule() {
        let of = |processed, rejected, missing_paths, at_fail_level, allow_empty| {
            Outcome::of(Tally {
                processed,
                rejected,
                missing_paths,
                at_fail_level,
                allow_empty,
            })
            .exit_code()
        };
        assert_eq!(of(3, 0, 0, false, false), 0);
        assert_eq!(of(3, 0, 0, true, false), 1, "findings at the fail level");
        assert_eq!(of(3, 1, 0, false, false), 1, "some inputs rejected");
        assert_eq!(of(3, 0, 1, false, false), 2, "a missing path");
        assert_eq!(of(0, 2, 0, false, true), 2, "every input rejected");
        assert_eq!(of(0, 0, 0, false, false), 2, "no post found");
        assert_eq!(
            of(0, 0, 0, false, true),
            0,
            "no post found, and that is allowed"
        );
    }
}
