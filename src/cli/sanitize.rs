//! `newsbundle sanitize`: the clean XHTML of each file, to standard output (one file) or into
//! a directory that newsbundle owns (written whole, like every other directory output: see
//! `output`).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{finish_output, missing_paths, CliError, Outcome, SanitizeArgs, Tally};
use crate::lint;
use crate::output::{self, Guard, Shape, StageOptions, Staging};
use crate::parse;
use crate::sanitize::{self, Policy};
use crate::source;

/// One file, sanitized.
struct Cleaned {
    path: String,
    stem: String,
    document: String,
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
    let policy = Policy::default();
    let results: Vec<Result<Cleaned, String>> = archive
        .inputs
        .par_iter()
        .map(|input| {
            let post = parse::load(input, &archive, lint::Options::default().max_file_size)
                .map_err(|error| match error {
                    parse::LoadError::NotText { .. } => format!("rejected {}: {error}", input.path),
                    parse::LoadError::Unreadable(_) => {
                        format!("cannot read {}: {error}", input.path)
                    }
                })?;
            let site = input.site.map(|site| &archive.sites[site]);
            let body = sanitize::sanitize(&post, site, &policy);
            let language = post
                .front_matter
                .lang
                .as_deref()
                .or(site.and_then(|site| site.lang.as_deref()));
            Ok(Cleaned {
                path: post.path.clone(),
                stem: post.file_name.stem.clone(),
                document: body.to_document(&post.display_title(), language),
                page: post.file_name.is_section_index()
                    || (site.is_some() && !post.file_name.in_posts_dir),
            })
        })
        .collect();
    let mut tally = Tally {
        missing_paths: missing_paths(&paths),
        ..Tally::default()
    };
    for (path, reason) in &archive.unreadable {
        say!("error: cannot read {path}: {reason}");
        tally.rejected += 1;
    }
    let mut cleaned = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(done) => cleaned.push(done),
            Err(message) => {
                say!("error: {message}");
                tally.rejected += 1;
            }
        }
    }
    tally.processed = cleaned.len();
    let outcome = Outcome::of(tally);
    if tally.missing_paths > 0 || cleaned.is_empty() {
        // A path that does not exist is likely a typo: nothing is written.
        return Ok(outcome);
    }
    match target {
        None => {
            if let Some(only) = cleaned.first() {
                let mut out = io::stdout().lock();
                let written = out
                    .write_all(only.document.as_bytes())
                    .and_then(|()| out.flush());
                return finish_output(written, outcome);
            }
        }
        Some(target) => {
            super::clean_up_on_signals();
            let staging = Staging::begin(
                target,
                StageOptions {
                    force: args.force,
                    guard: &guard,
                },
            )?;
            for note in &staging.notes {
                say!("note: {note}");
            }
            let written = write_documents(&cleaned, &staging.destination())?;
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
        }
    }
    Ok(outcome)
}

/// One `<stem>.xhtml` per file into `directory`; a second file with the same stem (in another
/// folder) gets `-2`, `-3`, … in path order, and the user is told.
fn write_documents(cleaned: &[Cleaned], directory: &Path) -> Result<Vec<PathBuf>, CliError> {
    let mut taken: HashMap<String, &str> = HashMap::new();
    let mut written = Vec::with_capacity(cleaned.len());
    for file in cleaned {
        let first = format!("{}.xhtml", file.stem);
        let mut name = first.clone();
        let mut counter = 2;
        // Compared without case: two names differing only in case are one file on macOS.
        while taken.contains_key(&name.to_lowercase()) {
            name = format!("{}-{counter}.xhtml", file.stem);
            counter += 1;
        }
        if name != first {
            say!(
                "note: {} is written as {name}: {first} is already {}'s",
                file.path,
                taken[&first.to_lowercase()]
            );
        }
        taken.insert(name.to_lowercase(), &file.path);
        let path = directory.join(&name);
        output::check_abandoned(&path)?;
        std::fs::write(&path, file.document.as_bytes()).map_err(|error| {
            output::OutputError::Write {
                path: path.display().to_string(),
                source: error,
            }
        })?;
        written.push(path);
    }
    Ok(written)
}

fn shown_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
