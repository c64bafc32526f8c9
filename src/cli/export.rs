//! `newsbundle convert` and `newsbundle bundle`: prepare the archive once, write the formats
//! into a staging directory, move them into place (see `output` for the guarantees).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{
    load_config, missing_paths, CliError, ExportArgs, ExportFormat, GroupByArg, IncludeArg,
    LayoutArg, Outcome, Progress, Tally,
};
use crate::export::{self, Export, ExportOptions, Exporter};
use crate::lint;
use crate::output::{self, Guard, Shape, Staging};

/// `convert` (one format) and `bundle` (`format` is `None`: every format and a manifest).
pub(crate) fn run_export(
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
    if args.max_posts_per_volume == 0 {
        return Err(CliError::Usage(
            "--max-posts-per-volume must be at least 1".to_owned(),
        ));
    }
    let to_stdout = output.as_os_str() == "-";
    let shape = match format {
        Some(ExportFormat::Epub | ExportFormat::Json | ExportFormat::Jsonl) => Shape::File,
        Some(ExportFormat::Markdown) | None => Shape::Directory,
    };
    if to_stdout && shape == Shape::Directory {
        return Err(CliError::Usage(format!(
            "-o - writes to standard output, which holds one file: {} writes a directory, so give one with -o DIR",
            if format.is_some() { "markdown" } else { "bundle" }
        )));
    }
    let config = load_config(&args.config, args.no_config)?;

    // Checked before the work, against what the command line names; checked again against
    // every file read before anything is moved into place.
    let mut guard = Guard::default();
    for path in &paths {
        guard.add(path);
    }
    if let Some(path) = &config.path {
        guard.add(path);
    }
    let target = if to_stdout {
        None
    } else {
        let target = output::resolve(&output, shape)?;
        guard.check(&target.user, &target.real)?;
        Some(target)
    };

    let progress = Progress::new(args.quiet);
    progress.stage("reading, checking and cleaning posts");
    let include = export::Include {
        unpublished: args.include.contains(&IncludeArg::Unpublished),
        future: args.include.contains(&IncludeArg::Future),
        drafts: args.include.contains(&IncludeArg::Drafts),
    };
    let export = export::prepare_including(&paths, &config, &lint::Options::default(), include);
    let mut visited = std::collections::HashSet::new();
    for post in &export.posts {
        guard.add_post(Path::new(&post.path), &mut visited);
    }
    let others = export.rejected.iter().map(|file| &file.path);
    for path in others.chain(export.skipped.iter().map(|file| &file.path)) {
        guard.add(Path::new(path));
    }
    // A site is one archive: nothing is written anywhere inside a site an input belongs to.
    for site in &export.sites {
        guard.add(Path::new(&site.config_path));
        guard.add(&site.root);
    }
    for rejected in &export.rejected {
        progress.suspend(|| say!("error: rejected {}: {}", rejected.path, rejected.reason));
    }
    let tally = Tally {
        processed: export.posts.len(),
        rejected: export.rejected.len(),
        missing_paths: missing_paths(&paths),
        ..Tally::default()
    };
    if tally.missing_paths > 0 {
        // A path that does not exist is likely a typo: nothing is written.
        progress.finish();
        return Ok(Outcome::of(tally));
    }
    if export.posts.is_empty() {
        progress.finish();
        return Err(CliError::Usage(format!(
            "no posts found under {}: nothing was written",
            paths
                .iter()
                .map(|path| path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let options = ExportOptions {
        title: args.title.clone(),
        language: args.language.clone(),
        author: args.author.clone(),
        identifier: args.identifier.clone(),
        group_by: match args.group_by {
            GroupByArg::Category => export::GroupBy::Category,
            GroupByArg::Year => export::GroupBy::Year,
            GroupByArg::Month => export::GroupBy::Month,
            GroupByArg::None => export::GroupBy::None,
        },
        max_posts_per_volume: args.max_posts_per_volume,
        min_group_size: args.min_group_size,
        layout: match args.layout {
            LayoutArg::Jekyll => export::Layout::Jekyll,
            LayoutArg::Hugo => export::Layout::Hugo,
            LayoutArg::Zola => export::Layout::Zola,
        },
        timestamp: timestamp(&export),
    };

    progress.stage("writing");
    let exporter: Option<Box<dyn Exporter>> = format.map(exporter_for);
    let result = match (target, &exporter) {
        (None, Some(exporter)) => write_to_stdout(&export, &options, exporter.as_ref()),
        (Some(target), exporter) => {
            let staging = super::begin_output(target, args.force, &guard, Some(&progress))?;
            write_staged(&export, &options, exporter.as_deref(), staging)
        }
        (None, None) => unreachable!("a bundle to standard output is refused above"),
    };
    progress.finish();
    let written = result?;

    if args.verbose {
        for skipped in &export.skipped {
            say!("skipped {}: {}", skipped.path, skipped.reason);
        }
        for file in &written.files {
            say!("wrote {}", file.display());
        }
    }
    for file in &written.deleted {
        say!("warning: deleted {file}, which newsbundle did not write (--force)");
    }
    for file in &written.stale {
        if !args.quiet {
            say!(
                "note: removed {}, a volume of an earlier run of this book",
                file.display()
            );
        }
    }
    if !args.quiet {
        let destination = if to_stdout {
            "standard output".to_owned()
        } else if shape == Shape::File && written.files.len() > 1 {
            written
                .files
                .iter()
                .map(|file| file.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            output.display().to_string()
        };
        say!(
            "exported {} post{} to {destination}{}{}",
            export.posts.len(),
            if export.posts.len() == 1 { "" } else { "s" },
            if export.rejected.is_empty() {
                String::new()
            } else {
                format!(", {} rejected", export.rejected.len())
            },
            {
                let unpublished = export
                    .skipped
                    .iter()
                    .filter(|skipped| skipped.status.is_some())
                    .count();
                let others = export.skipped.len() - unpublished;
                let mut text = String::new();
                if others > 0 {
                    text.push_str(&format!(", {others} skipped (not posts)"));
                }
                if unpublished > 0 {
                    text.push_str(&format!(
                        ", {unpublished} not published by Jekyll (--include adds them)"
                    ));
                }
                text
            },
        );
    }
    Ok(Outcome::of(tally))
}

fn exporter_for(format: ExportFormat) -> Box<dyn Exporter> {
    match format {
        ExportFormat::Epub => Box::new(export::epub::EpubExporter),
        ExportFormat::Markdown => Box::new(export::markdown::MarkdownExporter),
        ExportFormat::Json => Box::new(export::json::JsonExporter { lines: false }),
        ExportFormat::Jsonl => Box::new(export::json::JsonExporter { lines: true }),
    }
}

/// What a run put on disk, as the user names it.
struct Done {
    files: Vec<PathBuf>,
    /// Earlier volumes of the same book, removed.
    stale: Vec<PathBuf>,
    /// Files a user had added to a newsbundle directory, deleted with `--force`.
    deleted: Vec<String>,
}

/// Write into the staging directory, then commit: one format, or the bundle (`exporter` None).
fn write_staged(
    export: &Export,
    options: &ExportOptions,
    exporter: Option<&dyn Exporter>,
    staging: Staging,
) -> Result<Done, CliError> {
    let destination = staging.destination();
    let user = staging.target().user.clone();
    let context = export::ExportContext {
        export,
        options,
        destination: &destination,
    };
    let written = match exporter {
        Some(exporter) => exporter.export(&context),
        None => export::bundle::write(export, options, &destination),
    };
    let one_file = exporter.is_some_and(|exporter| exporter.name() != "markdown");
    let written = written.map_err(|error| match one_file {
        // The file and its volumes sit in the staging directory, beside where they will go.
        true => error.shown_under(
            destination.parent().unwrap_or(&destination),
            user.parent().unwrap_or(Path::new("")),
        ),
        false => error.shown_under(&destination, &user),
    })?;
    let shown = |file: &PathBuf| user.join(file.strip_prefix(&destination).unwrap_or(file));
    match exporter {
        Some(exporter) if exporter.name() != "markdown" => {
            let (files, stale) =
                staging.commit_files(&written.files, &|path| exporter.recognises(path))?;
            Ok(Done {
                files,
                stale,
                deleted: Vec::new(),
            })
        }
        _ => {
            let files = written.files.iter().map(shown).collect();
            let deleted = staging.commit_directory(&written.files)?;
            Ok(Done {
                files,
                stale: Vec::new(),
                deleted,
            })
        }
    }
}

/// `-o -`: the one file goes to standard output (written in a private temporary directory
/// first, since EPUB needs a seekable file).
fn write_to_stdout(
    export: &Export,
    options: &ExportOptions,
    exporter: &dyn Exporter,
) -> Result<Done, CliError> {
    let directory = tempfile::tempdir().map_err(CliError::TemporaryDirectory)?;
    let destination = directory
        .path()
        .join(format!("standard-output.{}", exporter.name()));
    let written = exporter.export(&export::ExportContext {
        export,
        options,
        destination: &destination,
    })?;
    if written.files.len() != 1 {
        return Err(CliError::Usage(format!(
            "the book has {} volumes, but -o - writes one file: write to a file, or raise --max-posts-per-volume",
            written.files.len()
        )));
    }
    let bytes = std::fs::read(&written.files[0]).map_err(CliError::Output)?;
    let mut stdout = io::stdout().lock();
    match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
        // A reader that closed early (`| head`): the run still ends as it would have.
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            return Err(CliError::Output(error))
        }
        _ => {}
    }
    Ok(Done {
        files: Vec::new(),
        stale: Vec::new(),
        deleted: Vec::new(),
    })
}

/// `SOURCE_DATE_EPOCH` when set, else the newest post's date that is not in the future, else
/// the Unix epoch.
fn timestamp(export: &Export) -> chrono::DateTime<chrono::FixedOffset> {
    let from_environment = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.trim().parse::<i64>().ok())
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .map(|instant| instant.fixed_offset());
    // A future-dated post (9999-12-31) must not date the book: the newest that is not in the
    // future, else the epoch.
    let now = chrono::Utc::now();
    from_environment
        .or_else(|| {
            export
                .posts
                .iter()
                .filter_map(|post| post.date)
                .filter(|date| *date <= now)
                .max()
        })
        .unwrap_or(chrono::DateTime::UNIX_EPOCH.fixed_offset())
}
