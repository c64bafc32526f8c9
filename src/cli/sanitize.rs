//! `newsbundle sanitize`: the clean XHTML of each file, to standard output (one file) or into
//! a directory that newsbundle owns (written whole, like every other directory output: see
//! `output`).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{finish_output, missing_paths, CliError, Outcome, SanitizeArgs, Tally};
use crate::lint;
use crate::output::{self, Guard, Shape, Staging};
use crate::parse;
use crate::sanitize::{self, Policy};
use crate::source;

/// One file, sanitized: its document (to standard output) or the file it was written to.
struct Cleaned {
    document: Option<String>,
    file: Option<PathBuf>,
    /// A page of a Jekyll site, or a Hugo/Zola section page: sanitized too, counted apart.
    page: bool,
}

pub(crate) fn run_sanitize(args: SanitizeArgs) -> Result<Outcome, CliError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let directory = args.output.filter(|output| output.as_os_str() != "-");
    let mut guard = Guard::default();
    for path in &paths {
        guard.add(path);
    }
    let target = match &directory {
        Some(directory) => {
            let target = output::resolve(directory, Shape::Directory)?;
            guard.check(&target.user, &target.real)?;
            Some(target)
        }
        None => None,
    };
    let archive = source::discover(&paths);
    let mut visited = std::collections::HashSet::new();
    for input in &archive.inputs {
        if let source::Origin::File(path) = &input.origin {
            guard.add_post(path, &mut visited);
        }
    }
    for site in &archive.sites {
        guard.add(&site.root);
    }
    if let Some(target) = &target {
        guard.check(&target.user, &target.real)?;
    }
    let found = archive.inputs.len() + archive.unreadable.len();
    if found == 0 {
        return Err(CliError::Usage(format!(
            "no posts found under {}",
            shown_paths(&paths)
        )));
    }
    if target.is_none() && found > 1 {
        return Err(CliError::Usage(format!(
            "{found} files found under {}: give an output directory with -o DIR",
            shown_paths(&paths)
        )));
    }
    let mut tally = Tally {
        missing_paths: missing_paths(&paths),
        ..Tally::default()
    };
    for (path, reason) in &archive.unreadable {
        say!("error: cannot read {path}: {reason}");
        tally.rejected += 1;
    }
    if tally.missing_paths > 0 {
        // A path that does not exist is likely a typo: nothing is written.
        return Ok(Outcome::of(tally));
    }
    // Into a directory: each file is written as soon as it is clean, on every core, into the
    // staging directory; names are chosen first, in path order, so they do not depend on
    // which thread finishes first.
    let staging = match target {
        Some(target) => Some(super::begin_output(target, args.force, &guard, None)?),
        None => None,
    };
    let destination = staging.as_ref().map(Staging::destination);
    let names = file_names(&archive.inputs);
    let policy = Policy::default();
    let max_file_size = lint::Options::default().max_file_size;
    let results: Vec<Result<Cleaned, Failure>> = archive
        .inputs
        .par_iter()
        .zip(&names)
        .map(|(input, name)| {
            let post = parse::load(input, &archive, max_file_size).map_err(|error| {
                Failure::Rejected(match error {
                    parse::LoadError::NotText { .. } => {
                        format!("rejected {}: {error}", input.path)
                    }
                    parse::LoadError::Unreadable(_) => {
                        format!("cannot read {}: {error}", input.path)
                    }
                })
            })?;
            let site = input.site.map(|site| &archive.sites[site]);
            let body = sanitize::sanitize(&post, site, &policy);
            let language = post
                .front_matter
                .lang
                .as_deref()
                .or(site.and_then(|site| site.lang.as_deref()));
            let document = body.to_document(&post.display_title(), language);
            let page = post.file_name.is_section_index()
                || (site.is_some() && !post.file_name.in_posts_dir);
            match &destination {
                Some(directory) => {
                    let path = directory.join(name);
                    write_document(&path, &document).map_err(Failure::Fatal)?;
                    Ok(Cleaned {
                        document: None,
                        file: Some(path),
                        page,
                    })
                }
                None => Ok(Cleaned {
                    document: Some(document),
                    file: None,
                    page,
                }),
            }
        })
        .collect();
    let mut cleaned = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(done) => cleaned.push(done),
            Err(Failure::Rejected(message)) => {
                say!("error: {message}");
                tally.rejected += 1;
            }
            Err(Failure::Fatal(error)) => return Err(error),
        }
    }
    tally.processed = cleaned.len();
    let outcome = Outcome::of(tally);
    if cleaned.is_empty() {
        // Nothing to write (the staging directory, if any, is removed).
        return Ok(outcome);
    }
    match staging {
        None => {
            let document = cleaned[0].document.as_deref().unwrap_or_default();
            let mut out = io::stdout().lock();
            let written = out
                .write_all(document.as_bytes())
                .and_then(|()| out.flush());
            finish_output(written, outcome)
        }
        Some(staging) => {
            let written: Vec<PathBuf> = cleaned
                .iter()
                .filter_map(|file| file.file.clone())
                .collect();
            let deleted = staging.commit_directory(&written)?;
            for file in deleted {
                say!("warning: deleted {file}, which newsbundle did not write (--force)");
            }
            let pages = cleaned.iter().filter(|file| file.page).count();
            let posts = cleaned.len() - pages;
            say!(
                "sanitized {posts} post{}{} into {}",
                if posts == 1 { "" } else { "s" },
                match pages {
                    0 => String::new(),
                    1 => " and 1 page".to_owned(),
                    pages => format!(" and {pages} pages"),
                },
                directory.unwrap_or_default().display()
            );
            Ok(outcome)
        }
    }
}

/// Why a file was not sanitized: rejected (reported, the run goes on), or an output that
/// cannot be written (the run stops).
enum Failure {
    Rejected(String),
    Fatal(CliError),
}

/// `<stem>.xhtml` for each input, in path order; a second file with the same stem (in another
/// folder) gets `-2`, `-3`, …, and the user is told.
fn file_names(inputs: &[source::Input]) -> Vec<String> {
    let mut taken: HashMap<String, &str> = HashMap::new();
    let mut names = Vec::with_capacity(inputs.len());
    for input in inputs {
        let stem = parse::FileName::from_path(&input.path).stem;
        let first = format!("{stem}.xhtml");
        let mut name = first.clone();
        let mut counter = 2;
        // Compared without case: two names differing only in case are one file on macOS.
        while taken.contains_key(&name.to_lowercase()) {
            name = format!("{stem}-{counter}.xhtml");
            counter += 1;
        }
        if name != first {
            say!(
                "note: {} is written as {name}: {first} is already {}'s",
                input.path,
                taken[&first.to_lowercase()]
            );
        }
        taken.insert(name.to_lowercase(), &input.path);
        names.push(name);
    }
    names
}

fn write_document(path: &Path, document: &str) -> Result<(), CliError> {
    output::check_abandoned(path)?;
    std::fs::write(path, document.as_bytes()).map_err(|error| {
        CliError::from(output::OutputError::Write {
            path: path.display().to_string(),
            source: error,
        })
    })
}

fn shown_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
