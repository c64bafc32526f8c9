//! The command line: clap definitions and wiring. The only module that knows about the
//! terminal (colour, TTY detection) and the only one that prints.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use thiserror::Error;

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::export::{self, Export, ExportError, ExportOptions, Exporter};
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
    /// Exit 1: findings at or above the fail level.
    Findings,
    /// Exit 2: some input could not be read.
    Unreadable,
}

pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    let result = match cli.command {
        Command::Lint(args) => run_lint(args),
        Command::Sanitize(args) => run_sanitize(args),
        Command::Convert(args) => {
            let format = args.to;
            run_export(args.paths, args.output, args.export, Some(format))
        }
        Command::Bundle(args) => run_export(args.paths, args.output, args.export, None),
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

fn load_config(config: &Option<PathBuf>, no_config: bool) -> Result<Config, CliError> {
    Ok(if no_config {
        Config::default()
    } else if let Some(path) = config {
        Config::load(path)?
    } else {
        Config::discover(&std::env::current_dir().unwrap_or_default())?
    })
}

/// `convert` (one format) and `bundle` (`format` is `None`: every format and a manifest).
fn run_export(
    paths: Vec<PathBuf>,
    output: PathBuf,
    args: ExportArgs,
    format: Option<ExportFormat>,
) -> Result<Outcome, CliError> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    output::ensure_outside_inputs(&output, &paths)?;
    let config = load_config(&args.config, args.no_config)?;
    let progress = Progress::new(args.quiet);

    progress.stage("reading, checking and cleaning posts");
    let export = export::prepare(&paths, &config, &lint::Options::default());
    let options = ExportOptions {
        title: args.title.clone(),
        language: args.language.clone(),
        group_by: match args.group_by {
            GroupByArg::Category => export::GroupBy::Category,
            GroupByArg::Year => export::GroupBy::Year,
            GroupByArg::Month => export::GroupBy::Month,
            GroupByArg::None => export::GroupBy::None,
        },
        max_posts_per_volume: args.max_posts_per_volume.max(1),
        layout: match args.layout {
            LayoutArg::Jekyll => export::Layout::Jekyll,
            LayoutArg::Hugo => export::Layout::Hugo,
            LayoutArg::Zola => export::Layout::Zola,
        },
        timestamp: timestamp(&export),
    };

    progress.stage("writing");
    let written = match format {
        Some(format) => write_format(&export, &options, format, &output, args.force)?,
        None => {
            let temporary = output::temporary_sibling(&output)?;
            let result = export::bundle::write(&export, &options, &temporary)
                .map_err(CliError::from)
                .and_then(|files| {
                    output::replace_directory(&temporary, &output, args.force)?;
                    Ok(files
                        .iter()
                        .map(|file| output.join(file.strip_prefix(&temporary).unwrap_or(file)))
                        .collect::<Vec<_>>())
                });
            if result.is_err() {
                let _ = std::fs::remove_dir_all(&temporary);
            }
            result?
        }
    };
    progress.finish();

    for rejected in &export.rejected {
        eprintln!("error: rejected {}: {}", rejected.path, rejected.reason);
    }
    if args.verbose {
        for skipped in &export.skipped {
            eprintln!("skipped {}: {}", skipped.path, skipped.reason);
        }
        for file in &written {
            eprintln!("wrote {}", file.display());
        }
    }
    if !args.quiet {
        eprintln!(
            "exported {} post{} to {}{}{}",
            export.posts.len(),
            if export.posts.len() == 1 { "" } else { "s" },
            output.display(),
            if export.rejected.is_empty() {
                String::new()
            } else {
                format!(", {} rejected", export.rejected.len())
            },
            if export.skipped.is_empty() {
                String::new()
            } else {
                format!(", {} skipped (not posts)", export.skipped.len())
            },
        );
    }
    Ok(if export.rejected.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// One format, written into a temporary sibling and moved into place.
fn write_format(
    export: &Export,
    options: &ExportOptions,
    format: ExportFormat,
    output: &std::path::Path,
    force: bool,
) -> Result<Vec<PathBuf>, CliError> {
    let exporter: Box<dyn Exporter> = match format {
        ExportFormat::Epub => Box::new(export::epub::EpubExporter),
        ExportFormat::Markdown => Box::new(export::markdown::MarkdownExporter),
        ExportFormat::Json => Box::new(export::json::JsonExporter { lines: false }),
        ExportFormat::Jsonl => Box::new(export::json::JsonExporter { lines: true }),
    };
    let temporary = output::temporary_sibling(output)?;
    let result = (|| -> Result<Vec<PathBuf>, CliError> {
        if format == ExportFormat::Markdown {
            let tree = temporary.join("tree");
            let files = exporter.export(&export::ExportContext {
                export,
                options,
                destination: &tree,
            })?;
            output::replace_directory(&tree, output, force)?;
            return Ok(files
                .iter()
                .map(|file| output.join(file.strip_prefix(&tree).unwrap_or(file)))
                .collect());
        }
        let name = output.file_name().unwrap_or_default();
        let destination = temporary.join(name);
        let files = exporter.export(&export::ExportContext {
            export,
            options,
            destination: &destination,
        })?;
        let directory = output
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        Ok(output::move_files(&files, directory, force, &|path| {
            exporter.recognises(path)
        })?)
    })();
    let _ = std::fs::remove_dir_all(&temporary);
    result
}

/// `SOURCE_DATE_EPOCH` when set, else the newest post's date, else the Unix epoch.
fn timestamp(export: &Export) -> chrono::DateTime<chrono::FixedOffset> {
    let from_environment = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.trim().parse::<i64>().ok())
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .map(|instant| instant.fixed_offset());
    from_environment
        .or_else(|| export.posts.iter().filter_map(|post| post.date).max())
        .unwrap_or(chrono::DateTime::UNIX_EPOCH.fixed_offset())
}

/// A spinner on a terminal for long runs; nothing when quiet or not on a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    fn stage(&self, message: &'static str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
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
