//! `newsbundle sanitize`: the clean XHTML of each post, to standard output or a directory.

use std::io::{self, Write};
use std::path::PathBuf;

use rayon::prelude::*;

use super::{CliError, Outcome, SanitizeArgs};
use crate::lint;
use crate::output;
use crate::parse;
use crate::sanitize::{self, Policy};
use crate::source;

pub(crate) fn run_sanitize(args: SanitizeArgs) -> Result<Outcome, CliError> {
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
