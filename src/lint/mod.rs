//! Lint: run the registered rules over posts, site configs and the whole archive, and gather
//! one [`FileReport`] per input file.
//!
//! Rules are pure: they read a [`Post`] (or a [`Site`], or the [`ArchiveIndex`]) and push
//! [`Finding`]s; this module adds each rule's code and configured severity, applies per-path
//! ignores and sorts the result. Files are read and linted in parallel; the output order is
//! the sorted path order whatever the parallelism. Memory is bounded by the largest file plus
//! a few words per post: the text of a post is dropped once its diagnostics are located.

pub mod registry;
pub mod rules;

use std::any::Any;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::config::{Config, Level};
pub use crate::diagnostic::RuleMeta;
use crate::diagnostic::{Diagnostic, Finding};
use crate::parse::{self, LoadError, Post};
use crate::report::{FileReport, FileStatus};
use crate::sanitize::{self, CleanBody, Policy};
use crate::source::{self, Archive, Input, Site};

/// What every rule is: stable metadata and up to three checks. A rule overrides the check
/// that fits its scope; the others do nothing.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Findings in one post.
    fn check(&self, _post: &Post, _context: &Context<'_>, _out: &mut Vec<Finding>) {}

    /// Findings in a site's `_config.yml`.
    fn check_site(&self, _site: &Site, _out: &mut Vec<Finding>) {}

    /// What a cross-post rule keeps of one post for its [`Rule::check_archive`]: a few words
    /// (hashes, spans), never the text, since it is kept for every post of the archive.
    fn summarize(&self, _post: &Post, _context: &Context<'_>) -> Option<PostFacts> {
        None
    }

    /// Findings across posts, as (index into `ArchiveIndex::paths`, finding), from what this
    /// rule's [`Rule::summarize`] kept of each post.
    fn check_archive(&self, _archive: &ArchiveIndex<'_>, _out: &mut Vec<(usize, Finding)>) {}

    fn code(&self) -> &'static str {
        self.meta().code
    }
    fn name(&self) -> &'static str {
        self.meta().name
    }
}

/// What a post rule may know besides the post.
pub struct Context<'a> {
    pub site: Option<&'a Site>,
    pub config: &'a Config,
    /// "Now", for the future-date rule; fixed in tests.
    pub now: DateTime<Utc>,
    /// The post's body, sanitized once for all the rules that look at links and markup.
    pub body: &'a CleanBody,
}

/// What one cross-post rule keeps of one post ([`Rule::summarize`]); the rule reads it back
/// with [`ArchiveIndex::facts`] as the type it made.
pub type PostFacts = Box<dyn Any + Send + Sync>;

/// The posts of the archive that were read, for a cross-post rule: each post's path, and what
/// that rule kept of it. The driver knows nothing of what rules keep, so a new cross-post rule
/// is a rule file like any other.
pub struct ArchiveIndex<'a> {
    /// The path of each post that was read, in path order; a post's index is its place here.
    pub paths: &'a [&'a str],
    /// What the rule kept, by post index (posts it kept nothing of are left out).
    facts: &'a [(usize, PostFacts)],
}

impl<'a> ArchiveIndex<'a> {
    /// What the rule kept of each post, with the post's index, in path order.
    pub fn facts<T: Any>(&self) -> impl Iterator<Item = (usize, &'a T)> {
        self.facts
            .iter()
            .filter_map(|(index, facts)| Some((*index, facts.downcast_ref::<T>()?)))
    }
}

/// A hash of `value` (the std hasher: stable within a run, which is all the cross-post rules
/// compare).
pub(crate) fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Settings of a lint run that are not in the config file.
#[derive(Debug, Clone)]
pub struct Options {
    pub now: DateTime<Utc>,
    /// Files larger than this are reported unreadable rather than read.
    pub max_file_size: u64,
    /// How bodies are sanitized before the link and markup rules look at them.
    pub policy: Policy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            now: Utc::now(),
            max_file_size: 64 * 1024 * 1024,
            policy: Policy::default(),
        }
    }
}

/// Lint every input of an archive: one report per file, sorted by path.
pub fn run(archive: &Archive, config: &Config, options: &Options) -> Vec<FileReport> {
    run_keeping(archive, config, options, |_, _| ()).0
}

/// Lint like [`run`], and keep what `keep` makes of each post and its sanitized body (the
/// exports keep both, so that nothing is read, parsed or sanitized twice). The kept values
/// come with the index of their input in `archive.inputs`.
pub fn run_keeping<T: Send>(
    archive: &Archive,
    config: &Config,
    options: &Options,
    keep: impl Fn(Post, CleanBody) -> T + Sync,
) -> (Vec<FileReport>, Vec<(usize, T)>) {
    let outcomes: Vec<(FileReport, Option<KeptFacts>, Option<T>)> = archive
        .inputs
        .par_iter()
        .map(|input| lint_input(input, archive, config, options, &keep))
        .collect();
    let mut reports = Vec::with_capacity(outcomes.len());
    let mut summaries = Vec::with_capacity(outcomes.len());
    let mut kept = Vec::new();
    for (position, (report, summary, value)) in outcomes.into_iter().enumerate() {
        reports.push(report);
        summaries.push(summary);
        if let Some(value) = value {
            kept.push((position, value));
        }
    }

    // Cross-post rules, over the posts that were read, each with what it kept of them.
    let mut paths = Vec::new();
    let mut report_of_post = Vec::new();
    let mut facts_of_rule: Vec<Vec<(usize, PostFacts)>> =
        registry::RULES.iter().map(|_| Vec::new()).collect();
    for (position, summary) in summaries.into_iter().enumerate() {
        if let Some(summary) = summary {
            let post = paths.len();
            for (rule, facts) in summary {
                facts_of_rule[rule].push((post, facts));
            }
            paths.push(archive.inputs[position].path.as_str());
            report_of_post.push(position);
        }
    }
    let mut late: HashMap<usize, Vec<Diagnostic>> = HashMap::new();
    for (rule, facts) in registry::RULES.iter().zip(&facts_of_rule) {
        let index = ArchiveIndex {
            paths: &paths,
            facts,
        };
        let mut found = Vec::new();
        rule.check_archive(&index, &mut found);
        for (post, finding) in found {
            let path = paths[post];
            if let Some(diagnostic) = to_diagnostic(*rule, finding, config, path) {
                late.entry(report_of_post[post])
                    .or_default()
                    .push(diagnostic);
            }
        }
    }
    for (position, diagnostics) in late {
        // The text was dropped after the first pass; these findings are rare, so the file is
        // read again to place them.
        let input = &archive.inputs[position];
        let text = source::read(input, options.max_file_size)
            .map(|bytes| source::decode(&bytes, site_language(input, archive)).text)
            .unwrap_or_default();
        reports[position].add(&text, diagnostics);
    }

    // Site configs with problems are files of the archive too.
    for site in &archive.sites {
        let mut diagnostics = Vec::new();
        for rule in registry::RULES {
            let mut found = Vec::new();
            rule.check_site(site, &mut found);
            diagnostics.extend(
                found
                    .into_iter()
                    .filter_map(|finding| to_diagnostic(*rule, finding, config, &site.config_path)),
            );
        }
        if !diagnostics.is_empty() {
            reports.push(FileReport::new(
                site.config_path.clone(),
                FileStatus::Linted,
                Some("UTF-8"),
                &site.config_text,
                diagnostics,
            ));
        }
    }
    for (path, reason) in &archive.unreadable {
        reports.push(FileReport::unreadable(path.clone(), reason.clone()));
    }
    for skipped in &archive.skipped {
        reports.push(FileReport::skipped(
            skipped.path.clone(),
            skipped.reason.to_string(),
        ));
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    (reports, kept)
}

fn site_language<'a>(input: &Input, archive: &'a Archive) -> Option<&'a str> {
    input
        .site
        .and_then(|site| archive.sites[site].lang.as_deref())
}

fn lint_input<T>(
    input: &Input,
    archive: &Archive,
    config: &Config,
    options: &Options,
    keep: &(impl Fn(Post, CleanBody) -> T + Sync),
) -> (FileReport, Option<KeptFacts>, Option<T>) {
    let site = input.site.map(|site| &archive.sites[site]);
    let post = match parse::load(input, archive, options.max_file_size) {
        Ok(post) => post,
        Err(error) => {
            let reason = error.to_string();
            let LoadError::NotText { post, .. } = error else {
                return (
                    FileReport::unreadable(input.path.clone(), reason),
                    None,
                    None,
                );
            };
            // Binary data: only the encoding is reported (ENC002 at the first bad byte); the
            // other rules would describe noise. Nothing is kept, so nothing is exported.
            let body = CleanBody::default();
            let context = Context {
                site,
                config,
                now: options.now,
                body: &body,
            };
            let diagnostics = run_rules(&post, &context, NOT_TEXT_RULES);
            let report = FileReport::new(
                post.path.clone(),
                FileStatus::Rejected(reason),
                Some(post.source.encoding.name()),
                post.text(),
                diagnostics,
            );
            return (report, None, None);
        }
    };
    let body = sanitize::sanitize(&post, site, &options.policy);
    let context = Context {
        site,
        config,
        now: options.now,
        body: &body,
    };
    let diagnostics = lint_post(&post, &context);
    let summary = summarize(&post, &context);
    let report = FileReport::new(
        post.path.clone(),
        FileStatus::Linted,
        Some(post.source.encoding.name()),
        post.text(),
        diagnostics,
    );
    (report, Some(summary), Some(keep(post, body)))
}

/// What the cross-post rules kept of one post: (index of the rule in the registry, facts).
type KeptFacts = Vec<(usize, PostFacts)>;

/// What every cross-post rule keeps of one post.
fn summarize(post: &Post, context: &Context<'_>) -> KeptFacts {
    registry::RULES
        .iter()
        .enumerate()
        .filter_map(|(rule, check)| Some((rule, check.summarize(post, context)?)))
        .collect()
}

/// The rules run over a file that is not text: undecodable-bytes.
const NOT_TEXT_RULES: &[&str] = &["ENC002"];

/// Run every post rule over one post.
pub fn lint_post(post: &Post, context: &Context<'_>) -> Vec<Diagnostic> {
    run_rules(post, context, &[])
}

/// Run the post rules whose code is in `only` (every rule when `only` is empty).
fn run_rules(post: &Post, context: &Context<'_>, only: &[&str]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut found = Vec::new();
    for rule in registry::RULES {
        if !only.is_empty() && !only.contains(&rule.code()) {
            continue;
        }
        if matches!(
            context
                .config
                .level(rule.code(), rule.meta().default_severity),
            Level::Off
        ) {
            continue;
        }
        rule.check(post, context, &mut found);
        diagnostics.extend(
            found
                .drain(..)
                .filter_map(|finding| to_diagnostic(*rule, finding, context.config, &post.path)),
        );
    }
    diagnostics
}

fn to_diagnostic(
    rule: &dyn Rule,
    finding: Finding,
    config: &Config,
    path: &str,
) -> Option<Diagnostic> {
    let meta = rule.meta();
    let Level::On(severity) = config.level(meta.code, meta.default_severity) else {
        return None;
    };
    if config.is_ignored(path, meta.code) {
        return None;
    }
    Some(Diagnostic {
        code: meta.code,
        name: meta.name,
        severity,
        message: finding.message,
        span: finding.span,
        help: finding.help,
    })
}
