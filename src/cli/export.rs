//! `newsbundle convert` and `newsbundle bundle`: prepare the archive once, write the formats,
//! move them into place.

use std::path::PathBuf;

use super::{
    load_config, CliError, ExportArgs, ExportFormat, GroupByArg, LayoutArg, Outcome, Progress,
};
use crate::export::{self, Export, ExportOptions, Exporter};
use crate::lint;
use crate::output;

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
