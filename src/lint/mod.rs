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

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, Finding, Severity};
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

    /// Findings across posts, as (index into `ArchiveIndex::posts`, finding).
    fn check_archive(&self, _archive: &ArchiveIndex<'_>, _out: &mut Vec<(usize, Finding)>) {}

    fn code(&self) -> &'static str {
        self.meta().code
    }
    fn name(&self) -> &'static str {
        self.meta().name
    }
}

/// A rule's documentation, shown by `newsbundle rules` and `newsbundle explain`.
#[derive(Debug)]
pub struct RuleMeta {
    /// A family prefix and three digits: `FM` front matter, `ENC` encoding, `CNT` content.
    pub code: &'static str,
    /// Kebab-case, naming the problem.
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Markdown with the headings *What it does*, *Why is this bad?*, *Example*, *How to fix*.
    pub explanation: &'static str,
    pub default_severity: Severity,
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

/// A few facts per post, kept for the rules that compare posts with each other. Hashes rather
/// than text, so that memory stays small on archives of 100,000 posts.
#[derive(Debug, Default)]
pub struct ArchiveIndex<'a> {
    pub posts: Vec<PostSummary>,
    /// The path of each post, by the same index.
    pub paths: Vec<&'a str>,
}

#[derive(Debug, Clone)]
pub struct PostSummary {
    /// Hash of the trimmed title and the date (as an instant when it resolves, else as
    /// written); `None` when either is missing.
    pub title_and_date: Option<u64>,
    pub title_span: std::ops::Range<usize>,
    /// Hash of the trimmed body; `None` for an empty body.
    pub body_hash: Option<u64>,
    /// The first character of the body.
    pub body_span: std::ops::Range<usize>,
    /// Where the post is on its site and its links into the site (LNK007).
    pub site_links: SiteLinks,
    /// The source line of a news post (LNK005, LNK008); `None` without one, or when it has
    /// no usable URL.
    pub source_url: Option<SourceUrl>,
}

/// What the link rules keep of a post's source line.
#[derive(Debug, Clone)]
pub struct SourceUrl {
    /// Hash of the URL, normalised: `http`/`https`, the case of the host, a trailing `/` and
    /// a `#fragment` make no difference.
    pub key: u64,
    /// The URL in the file.
    pub span: std::ops::Range<usize>,
    /// The URL uses plain `http:`.
    pub insecure: bool,
}

/// The facts the broken-internal-link rule keeps of a post: only internal links are kept as
/// text, as they are few.
#[derive(Debug, Clone, Default)]
pub struct SiteLinks {
    /// The site the post belongs to (a hash of its root folder).
    pub site_key: u64,
    /// The file Jekyll writes for the post, hashed with `site_key`; `None` when it writes none.
    pub page_key: Option<u64>,
    /// The content links that point into the site.
    pub internal: Box<[InternalLink]>,
}

/// A link from a post to its own site.
#[derive(Debug, Clone)]
pub struct InternalLink {
    /// The URL as written.
    pub written: Box<str>,
    /// What it asks the site for, below `baseurl` and percent-decoded: `/emnews/x.html`.
    pub path: Box<str>,
    /// The URL in the file.
    pub span: std::ops::Range<usize>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl PostSummary {
    fn of(post: &Post, site: Option<&Site>, clean: &CleanBody) -> PostSummary {
        let front_matter = &post.front_matter;
        let date = front_matter.date.as_ref().map(|date| {
            // The instant Jekyll uses, in UTC, so that `10:18 +0800` and `02:18 +0000` are the
            // same; a date Jekyll cannot read, as written.
            match (&date.parsed, crate::jekyll::post_date(post, site)) {
                (Ok(_), Some(instant)) => instant.to_utc().to_rfc3339(),
                _ => date.raw.trim().to_owned(),
            }
        });
        let title = front_matter
            .title
            .as_deref()
            .map(str::trim)
            .filter(|title| !title.is_empty());
        let body = post.body().trim();
        let leading = post.body().len() - post.body().trim_start().len();
        let body_start = post.body_span.start + leading;
        let body_end = body_start + body.chars().next().map_or(0, char::len_utf8);
        PostSummary {
            title_and_date: title.zip(date).map(hash_of),
            title_span: front_matter
                .entry("title")
                .map_or(0..0, |entry| entry.value_span.clone()),
            body_hash: (!body.is_empty()).then(|| hash_of(body)),
            body_span: body_start..body_end,
            site_links: rules::links::site_links(post, site, clean),
            source_url: rules::links::source_url(post, clean),
        }
    }
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
    let outcomes: Vec<(FileReport, Option<PostSummary>, Option<T>)> = archive
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

    // Cross-post rules, over the posts that were read.
    let mut index = ArchiveIndex::default();
    let mut report_of_post = Vec::new();
    for (position, summary) in summaries.into_iter().enumerate() {
        if let Some(summary) = summary {
            index.posts.push(summary);
            index.paths.push(&archive.inputs[position].path);
            report_of_post.push(position);
        }
    }
    let mut late: HashMap<usize, Vec<Diagnostic>> = HashMap::new();
    for rule in registry::RULES {
        let mut found = Vec::new();
        rule.check_archive(&index, &mut found);
        for (post, finding) in found {
            let path = index.paths[post];
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
) -> (FileReport, Option<PostSummary>, Option<T>) {
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
    let summary = PostSummary::of(&post, site, &body);
    let report = FileReport::new(
        post.path.clone(),
        FileStatus::Linted,
        Some(post.source.encoding.name()),
        post.text(),
        diagnostics,
    );
    (report, Some(summary), Some(keep(post, body)))
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
