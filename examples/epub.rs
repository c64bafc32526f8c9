//! Build an EPUB from archives through the library, as the `convert` command will:
//!
//! ```text
//! cargo run --example epub -- OUTPUT.epub ARCHIVE... [--group-by category|year|month|none]
//!     [--max-posts-per-volume N]
//! ```
//!
//! Prints the files written, one a line. For checking books with EPUBCheck
//! (`.ci/validate-epub.sh`) before the command exists; it writes OUTPUT directly (no atomic
//! replacement).

use std::path::PathBuf;
use std::process::ExitCode;

use newsbundle::config::Config;
use newsbundle::export::epub::EpubExporter;
use newsbundle::export::{self, ExportContext, ExportOptions, Exporter, GroupBy};
use newsbundle::lint;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut options = ExportOptions::default();
    let mut output = None;
    let mut inputs = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--group-by" => {
                options.group_by = match args.next().as_deref() {
                    Some("category") => GroupBy::Category,
                    Some("year") => GroupBy::Year,
                    Some("month") => GroupBy::Month,
                    Some("none") => GroupBy::None,
                    other => {
                        eprintln!("unknown --group-by {other:?}");
                        return ExitCode::from(2);
                    }
                }
            }
            "--max-posts-per-volume" => match args.next().and_then(|value| value.parse().ok()) {
                Some(value) => options.max_posts_per_volume = value,
                None => {
                    eprintln!("--max-posts-per-volume needs a number");
                    return ExitCode::from(2);
                }
            },
            _ if output.is_none() => output = Some(PathBuf::from(arg)),
            _ => inputs.push(PathBuf::from(arg)),
        }
    }
    let Some(output) = output.filter(|_| !inputs.is_empty()) else {
        eprintln!("usage: epub OUTPUT.epub ARCHIVE... [--group-by G] [--max-posts-per-volume N]");
        return ExitCode::from(2);
    };
    let prepared = export::prepare(&inputs, &Config::default(), &lint::Options::default());
    let context = ExportContext {
        export: &prepared,
        options: &options,
        destination: &output,
    };
    match EpubExporter.export(&context) {
        Ok(paths) => {
            for path in paths {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
