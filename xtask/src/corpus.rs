//! `cargo xtask corpus [DIR] [--bless]`: lint the real archives under DIR (default
//! `../shared/corpus`, beside the repository) and compare what was found with the committed
//! `xtask/corpus-summary.json`.
//!
//! What it does:
//! - builds `newsbundle` (debug, which `cargo test` has usually built already; `--release`
//!   for the release binary) and, for each subdirectory of DIR (one archive each, in name
//!   order), runs `newsbundle lint --format json --no-config .` inside it, so that every
//!   path in the output is relative to the archive;
//! - accepts exit codes 0 and 1, and 2 only when the JSON says files were unreadable
//!   (those files and reasons are recorded); checks the JSON's own summary against its
//!   file list;
//! - summarises each archive: exit code, files seen, files by status and by encoding,
//!   findings by rule (`CODE name`), totals by severity, and `CODE line:column` of every
//!   finding per file (files without findings are left out);
//! - checks every body in-process with the library (`source::discover`, `parse::load`,
//!   `sanitize::sanitize` under the default policy, as `lint` does): the document
//!   (`CleanBody::to_document`) and the bare fragment wrapped in one element must parse as
//!   XML (roxmltree), and the body's visible text must be the input's visible text minus
//!   the text of each removal (whitespace ignored, the removals' texts found in the input
//!   in their order, see `text_problem`). Every failure is listed with the post's path and what differs;
//!   any failure fails the task. The number of bodies checked goes into the summary;
//! - writes the summary as pretty JSON with sorted keys (`--bless`), or compares it with
//!   the committed file and, when they differ, prints the changed entries and fails.
//!
//! What it does not do: it does not judge whether a finding is right (reading the summary
//! does), does not keep messages (rule fixtures and snapshots cover those), does not judge
//! whether a removal was right (the sanitize fixtures do), and cannot pin
//! the linter's clock: a post dated just ahead of today would change the summary once that
//! day passes (the corpus has none; its one future post is dated 9999-12-31).

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use newsbundle::parse::{self, Post};
use newsbundle::sanitize::{self, CleanBody, Policy};
use newsbundle::{lint, source};
use serde_json::{json, Map, Value};

use crate::{workspace, DynResult};

pub const USAGE: &str = "\
usage: cargo xtask corpus [DIR] [OPTIONS]

Lints each archive (each subdirectory) of DIR with `newsbundle lint --format json
--no-config` and compares a summary with xtask/corpus-summary.json. Also sanitizes
every body and checks that the output is well-formed XML and that its text is the
input's text minus what the removal list names.
DIR defaults to ../shared/corpus, relative to the repository root.

options:
  --bless      write xtask/corpus-summary.json from this run instead of comparing
  --release    build and run the release binary (default: the debug one)
  -h, --help   show this help";

/// The committed summary, relative to the workspace root.
pub const SUMMARY_FILE: &str = "xtask/corpus-summary.json";

/// The default corpus, relative to the workspace root.
pub const DEFAULT_CORPUS: &str = "../shared/corpus";

/// The version of the linter's JSON output this task reads.
const JSON_VERSION: u64 = 2;

#[derive(Debug, Default)]
struct Options {
    directory: Option<PathBuf>,
    bless: bool,
    release: bool,
}

fn parse_args(args: &[String]) -> DynResult<Option<Options>> {
    let mut options = Options::default();
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--bless" => options.bless = true,
            "--release" => options.release = true,
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option {flag}\n\n{USAGE}").into())
            }
            directory => {
                if options.directory.is_some() {
                    return Err(format!("only one DIR may be given\n\n{USAGE}").into());
                }
                options.directory = Some(PathBuf::from(directory));
            }
        }
    }
    Ok(Some(options))
}

pub fn run(args: &[String]) -> DynResult {
    let Some(options) = parse_args(args)? else {
        println!("{USAGE}");
        return Ok(());
    };
    let root = workspace::root();
    let directory = match &options.directory {
        Some(directory) => std::env::current_dir()?.join(directory),
        None => root.join(DEFAULT_CORPUS),
    };
    let archives = archives_in(&directory)?;
    let binary = workspace::build_newsbundle(&root, options.release)?;

    let mut summary = Map::new();
    let mut body_failures = 0;
    for (name, path) in &archives {
        let mut archive =
            lint_archive(&binary, path).map_err(|error| format!("{name}: {error}"))?;
        let bodies = check_bodies(path);
        archive["bodies_checked"] = json!(bodies.checked);
        print_archive(name, &archive);
        print_body_failures(&bodies);
        body_failures += bodies.failures.len();
        summary.insert(name.clone(), archive);
    }
    let text = render(Value::Object(summary));
    let body_result = || -> DynResult {
        if body_failures == 0 {
            return Ok(());
        }
        Err(format!(
            "{body_failures} bodies failed the sanitize checks (listed above as `body check failed`)"
        )
        .into())
    };

    let summary_path = root.join(SUMMARY_FILE);
    if options.bless {
        fs::write(&summary_path, &text)?;
        println!("\nwrote {SUMMARY_FILE}; review it (git diff) before committing");
        return body_result();
    }
    let committed = match fs::read_to_string(&summary_path) {
        Ok(committed) => committed,
        Err(error) => {
            return Err(format!(
                "cannot read {SUMMARY_FILE}: {error}; run `cargo xtask corpus --bless` to create it"
            )
            .into())
        }
    };
    if committed == text {
        println!("\ncorpus summary matches {SUMMARY_FILE}");
        return body_result();
    }
    let committed: Value = serde_json::from_str(&committed)
        .map_err(|error| format!("{SUMMARY_FILE} is not valid JSON: {error}"))?;
    let current: Value = serde_json::from_str(&text)?;
    println!("\ncorpus summary differs from {SUMMARY_FILE} (- committed, + this run):");
    let changes = print_diff(&committed, &current);
    if changes == 0 {
        // Same content, different bytes: formatting or key order was edited by hand.
        println!("  (no change in content; the file is not in the canonical format)");
    }
    Err(format!(
        "the corpus summary changed; if the change is intended, run \
         `cargo xtask corpus --bless` and review the diff of {SUMMARY_FILE}"
    )
    .into())
}

/// The subdirectories of `directory`, by name, skipping hidden ones.
fn archives_in(directory: &Path) -> DynResult<Vec<(String, PathBuf)>> {
    let entries = fs::read_dir(directory).map_err(|error| {
        format!(
            "cannot read the corpus directory {}: {error}",
            directory.display()
        )
    })?;
    let mut archives = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.file_type()?.is_dir() {
            continue;
        }
        archives.push((name, entry.path()));
    }
    archives.sort();
    if archives.is_empty() {
        return Err(format!("no archive (subdirectory) in {}", directory.display()).into());
    }
    Ok(archives)
}

/// Run the linter on one archive and summarise its JSON output.
fn lint_archive(binary: &Path, archive: &Path) -> DynResult<Value> {
    let output = Command::new(binary)
        .args(["lint", "--format", "json", "--no-config", "."])
        .current_dir(archive)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let Some(exit_code) = output.status.code() else {
        return Err(format!(
            "newsbundle was killed ({}); stderr:\n{stderr}",
            output.status
        )
        .into());
    };
    if !matches!(exit_code, 0..=2) {
        return Err(format!("newsbundle exited with {exit_code}; stderr:\n{stderr}").into());
    }
    let report: Value = serde_json::from_slice(&output.stdout).map_err(|error| {
        format!("newsbundle exited with {exit_code} and printed no JSON report ({error}); stderr:\n{stderr}")
    })?;
    summarise(&report, exit_code, archive)
}

/// The summary of one archive from the linter's JSON report (contract version 2).
fn summarise(report: &Value, exit_code: i32, archive: &Path) -> DynResult<Value> {
    if report["version"].as_u64() != Some(JSON_VERSION) {
        return Err(format!(
            "expected JSON output version {JSON_VERSION}, got {}",
            report["version"]
        )
        .into());
    }
    let files = report["files"]
        .as_array()
        .ok_or("the JSON report has no `files` list")?;
    let archive_prefix = format!("{}/", archive.display());

    let mut by_status = BTreeMap::from([
        ("linted".to_owned(), 0),
        ("rejected".to_owned(), 0),
        ("skipped".to_owned(), 0),
        ("unreadable".to_owned(), 0),
    ]);
    let mut by_encoding: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_code: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_severity = BTreeMap::from([
        ("error".to_owned(), 0),
        ("info".to_owned(), 0),
        ("warning".to_owned(), 0),
    ]);
    let mut findings = Map::new();
    let mut unreadable = Map::new();
    for file in files {
        let path = text(&file["path"]);
        // Paths are relative to the archive; one that is not (a `_config.yml` found above
        // it) is shown without the machine's part.
        let path = path
            .strip_prefix(&archive_prefix)
            .unwrap_or(path)
            .to_owned();
        let status = text(&file["status"]);
        *by_status.entry(status.to_owned()).or_default() += 1;
        if status == "unreadable" {
            unreadable.insert(path.clone(), json!(text(&file["reason"])));
        }
        let encoding = file["encoding"].as_str().unwrap_or("(not read)");
        *by_encoding.entry(encoding.to_owned()).or_default() += 1;

        let mut places = Vec::new();
        for diagnostic in file["diagnostics"].as_array().into_iter().flatten() {
            let code = text(&diagnostic["code"]);
            let rule = format!("{code} {}", text(&diagnostic["name"]));
            *by_code.entry(rule).or_default() += 1;
            *by_severity
                .entry(text(&diagnostic["severity"]).to_owned())
                .or_default() += 1;
            let start = &diagnostic["start"];
            places.push(json!(format!(
                "{code} {}:{}",
                start["line"], start["column"]
            )));
        }
        if !places.is_empty() {
            findings.insert(path, Value::Array(places));
        }
    }

    // The report's own summary must agree with its file list.
    let totals = &report["summary"];
    let expected = [
        ("files", files.len() as u64 - by_status["skipped"]),
        ("unreadable", by_status["unreadable"]),
        ("rejected", by_status["rejected"]),
        ("skipped", by_status["skipped"]),
        ("errors", by_severity["error"]),
        ("warnings", by_severity["warning"]),
        ("infos", by_severity["info"]),
    ];
    for (key, counted) in expected {
        if totals[key].as_u64() != Some(counted) {
            return Err(format!(
                "the JSON summary says {key} = {}, but its file list has {counted}",
                totals[key]
            )
            .into());
        }
    }
    if exit_code == 2 && unreadable.is_empty() {
        return Err(
            "newsbundle exited with 2 (every input unreadable), but its report lists no unreadable file"
                .into(),
        );
    }

    let mut summary = json!({
        "exit_code": exit_code,
        "files": files.len(),
        "by_status": by_status,
        "by_encoding": by_encoding,
        "by_code": by_code,
        "by_severity": by_severity,
        "findings": findings,
    });
    if !unreadable.is_empty() {
        summary["unreadable"] = Value::Object(unreadable);
    }
    Ok(summary)
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

/// Pretty JSON with every object's keys sorted, and a final newline.
fn render(value: Value) -> String {
    let mut text = serde_json::to_string_pretty(&sorted(value)).expect("JSON values serialise");
    text.push('\n');
    text
}

fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, sorted(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn print_archive(name: &str, summary: &Value) {
    let counts = |key: &str| {
        summary[key]
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(key, count)| format!("{key}: {count}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    println!("\n== {name} ==");
    println!(
        "exit code {} · files seen: {} ({})",
        summary["exit_code"],
        summary["files"],
        counts("by_status")
    );
    println!("encodings: {}", counts("by_encoding"));
    println!(
        "bodies sanitized and checked (well-formed, text conserved): {}",
        summary["bodies_checked"]
    );
    println!("severities: {}", counts("by_severity"));
    for (rule, count) in summary["by_code"].as_object().into_iter().flatten() {
        println!("  {:>5}  {rule}", count.as_u64().unwrap_or(0));
    }
    for (path, reason) in summary["unreadable"].as_object().into_iter().flatten() {
        println!("  unreadable: {path}: {}", text(reason));
    }
}

// ---------------------------------------------------------------------------------
// Body checks: sanitize every post in-process and hold the output to its invariants.

/// How many characters of text to show on each side of the first difference.
const DIFFERENCE_CONTEXT: usize = 24;

/// What the body checks found in one archive.
#[derive(Debug, Default)]
struct BodyChecks {
    /// Posts read and sanitized (unreadable files are left to the lint summary).
    checked: usize,
    /// (path relative to the archive, what is wrong), in path order.
    failures: Vec<(String, String)>,
}

/// Sanitize every post of the archive at `directory`, as `lint` does, and check each body.
fn check_bodies(directory: &Path) -> BodyChecks {
    let archive = source::discover(&[directory.to_path_buf()]);
    let max_file_size = lint::Options::default().max_file_size;
    let policy = Policy::default();
    let prefix = format!("{}/", directory.display());
    let mut checks = BodyChecks::default();
    for input in &archive.inputs {
        let Ok(post) = parse::load(input, &archive, max_file_size) else {
            continue;
        };
        let site = input.site.map(|site| &archive.sites[site]);
        let body = sanitize::sanitize(&post, site, &policy);
        checks.checked += 1;
        let language = post
            .front_matter
            .lang
            .as_deref()
            .or(site.and_then(|site| site.lang.as_deref()));
        let path = input.path.strip_prefix(&prefix).unwrap_or(&input.path);
        let input_text = sanitize::input_visible_text(&post, site, &policy);
        for problem in body_problems(&post, &body, language, &input_text) {
            checks.failures.push((path.to_owned(), problem));
        }
    }
    checks
}

/// Everything wrong with one sanitized body: XML errors, then the text check.
fn body_problems(
    post: &Post,
    body: &CleanBody,
    language: Option<&str>,
    input_text: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let document = body.to_document(&post.display_title(), language);
    // The document starts with `<!DOCTYPE html>`, which roxmltree refuses unless told.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    if let Err(error) = roxmltree::Document::parse_with_options(&document, options) {
        problems.push(format!("to_document() is not well-formed XML: {error}"));
    }
    let fragment = format!(
        "<div xmlns=\"http://www.w3.org/1999/xhtml\">{}</div>",
        body.xhtml()
    );
    if let Err(error) = roxmltree::Document::parse(&fragment) {
        problems.push(format!(
            "xhtml() wrapped in one element is not well-formed XML: {error}"
        ));
    }
    let removals: Vec<(String, &str)> = body
        .removals()
        .iter()
        .map(|removal| (format!("{:?}", removal.reason), removal.text.as_str()))
        .collect();
    problems.extend(text_problem(input_text, &removals, body.text()));
    problems
}

/// The text check, whitespace ignored throughout: `input` must be `kept` with the text of
/// each removal put back whole, in the order listed (the order of the file). That is, `input`
/// must split into `kept`'s characters interleaved with the removals' texts.
///
/// Taking each removal out at its first occurrence instead, as the sanitizer's unit test does,
/// fails on real posts: one that shows `{% include toc %}` in a code block and then uses it
/// keeps the first and loses the second, and the first occurrence is the kept one. The search
/// below walks (input position, removals taken), from which the kept position follows, and
/// visits each such pair at most once.
///
/// On failure, says how far the best alignment got (with the text on both sides there), which
/// removal was due next, and which removals' texts are nowhere in the input.
fn text_problem(input: &str, removals: &[(String, &str)], kept: &str) -> Option<String> {
    let squeeze =
        |text: &str| -> Vec<char> { text.chars().filter(|c| !c.is_whitespace()).collect() };
    let input = squeeze(input);
    let kept = squeeze(kept);
    let removals: Vec<(&str, Vec<char>)> = removals
        .iter()
        .map(|(reason, text)| (reason.as_str(), squeeze(text)))
        .filter(|(_, text)| !text.is_empty())
        .collect();
    // removed_before[taken]: characters of input consumed by the first `taken` removals.
    let mut removed_before = vec![0];
    for (_, text) in &removals {
        removed_before.push(removed_before.last().copied().unwrap_or(0) + text.len());
    }

    let mut seen = HashSet::new();
    let mut pending = vec![(0, 0)];
    let mut furthest = (0, 0);
    while let Some((at, taken)) = pending.pop() {
        if !seen.insert((at, taken)) {
            continue;
        }
        let kept_at = at - removed_before[taken];
        if at == input.len() && taken == removals.len() && kept_at == kept.len() {
            return None;
        }
        furthest = furthest.max((at, taken));
        if at < input.len() && kept.get(kept_at) == Some(&input[at]) {
            pending.push((at + 1, taken));
        }
        if let Some((_, text)) = removals.get(taken) {
            if input[at..].starts_with(text) {
                pending.push((at + text.len(), taken + 1));
            }
        }
    }

    let (at, taken) = furthest;
    let mut message = format!(
        "text not conserved (whitespace ignored; ▸ marks where input and body stop matching):\n      \
         input: {}\n      body:  {}",
        window(&input, at),
        window(&kept, at - removed_before[taken])
    );
    if let Some((reason, text)) = removals.get(taken) {
        message.push_str(&format!(
            "\n      next removal: {reason} {}",
            quote_short(text)
        ));
    }
    let not_found: Vec<String> = removals
        .iter()
        .filter(|(_, text)| !input.windows(text.len()).any(|window| window == &text[..]))
        .map(|(reason, text)| format!("{reason} {}", quote_short(text)))
        .collect();
    if !not_found.is_empty() {
        message.push_str(&format!(
            "\n      removal text nowhere in the input: {}",
            not_found.join(", ")
        ));
    }
    Some(message)
}

/// `chars` around position `at`, quoted, with `▸` at `at` and `…` where it was cut.
fn window(chars: &[char], at: usize) -> String {
    let start = at.saturating_sub(DIFFERENCE_CONTEXT);
    let end = (at + DIFFERENCE_CONTEXT).min(chars.len());
    let mut shown = String::from("\"");
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..at]);
    shown.push('▸');
    shown.extend(&chars[at..end]);
    if end < chars.len() {
        shown.push('…');
    }
    shown.push('"');
    shown
}

/// `chars` quoted, cut to twice the context length.
fn quote_short(chars: &[char]) -> String {
    let limit = 2 * DIFFERENCE_CONTEXT;
    let mut shown: String = chars.iter().take(limit).collect();
    if chars.len() > limit {
        shown.push('…');
    }
    format!("\"{shown}\"")
}

fn print_body_failures(checks: &BodyChecks) {
    for (path, problem) in &checks.failures {
        println!("  body check failed: {path}: {problem}");
    }
}

/// Print what changed between two summaries, one line per changed entry, as
/// `archive › field › key: value`; returns how many entries changed.
fn print_diff(committed: &Value, current: &Value) -> usize {
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    flatten(committed, String::new(), &mut old);
    flatten(current, String::new(), &mut new);
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut changes = 0;
    for key in keys {
        match (old.get(key), new.get(key)) {
            (Some(before), Some(after)) if before == after => continue,
            (Some(before), Some(after)) => {
                println!("- {key}: {before}");
                println!("+ {key}: {after}");
            }
            (Some(before), None) => println!("- {key}: {before}"),
            (None, Some(after)) => println!("+ {key}: {after}"),
            (None, None) => continue,
        }
        changes += 1;
    }
    changes
}

/// Objects become `a › b` paths; arrays and scalars are leaves (an array is shown whole).
fn flatten(value: &Value, prefix: String, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix} › {key}")
                };
                flatten(value, path, out);
            }
        }
        Value::Array(items) => {
            let items: Vec<&str> = items
                .iter()
                .map(|item| item.as_str().unwrap_or("?"))
                .collect();
            out.insert(prefix, items.join(", "));
        }
        other => {
            out.insert(prefix, other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_level() {
        let text = render(json!({"b": {"z": 1, "a": [ {"y": 1, "x": 2} ]}, "a": 0}));
        assert_eq!(
            text,
            "{\n  \"a\": 0,\n  \"b\": {\n    \"a\": [\n      {\n        \"x\": 2,\n        \"y\": 1\n      }\n    ],\n    \"z\": 1\n  }\n}\n"
        );
    }

    #[test]
    fn a_report_is_summarised_and_checked() {
        let report = json!({
            "version": 2,
            "summary": {"files": 2, "unreadable": 1, "rejected": 0, "skipped": 0,
                        "errors": 1, "warnings": 0, "infos": 0},
            "files": [
                {"path": "_posts/a.md", "status": "linted", "reason": null, "encoding": "UTF-8",
                 "diagnostics": [{"code": "FM010", "name": "invalid-date", "severity": "error",
                                  "start": {"line": 4, "column": 7}}]},
                {"path": "/corpus/x/_posts/b.md", "status": "unreadable",
                 "reason": "permission denied", "encoding": null, "diagnostics": []}
            ]
        });
        let summary = summarise(&report, 2, Path::new("/corpus/x")).unwrap();
        assert_eq!(summary["by_code"], json!({"FM010 invalid-date": 1}));
        assert_eq!(
            summary["by_status"],
            json!({"linted": 1, "rejected": 0, "skipped": 0, "unreadable": 1})
        );
        assert_eq!(summary["by_encoding"], json!({"(not read)": 1, "UTF-8": 1}));
        assert_eq!(summary["findings"], json!({"_posts/a.md": ["FM010 4:7"]}));
        assert_eq!(
            summary["unreadable"],
            json!({"_posts/b.md": "permission denied"})
        );

        let mut lying = report.clone();
        lying["summary"]["errors"] = json!(2);
        assert!(summarise(&lying, 1, Path::new("/corpus/x")).is_err());
    }

    #[test]
    fn exit_code_2_needs_an_unreadable_file() {
        let report = json!({
            "version": 2,
            "summary": {"files": 0, "unreadable": 0, "rejected": 0, "skipped": 0,
                        "errors": 0, "warnings": 0, "infos": 0},
            "files": []
        });
        assert!(summarise(&report, 0, Path::new("/x")).is_ok());
        assert!(summarise(&report, 2, Path::new("/x")).is_err());
    }

    #[test]
    fn the_diff_names_what_changed() {
        let mut old = BTreeMap::new();
        let mut new = BTreeMap::new();
        flatten(
            &json!({"finews": {"by_code": {"FM005 x": 4}, "findings": {"a.md": ["FM005 2:1"]}}}),
            String::new(),
            &mut old,
        );
        flatten(
            &json!({"finews": {"by_code": {"FM005 x": 5}, "findings": {"a.md": ["FM005 2:1"]}}}),
            String::new(),
            &mut new,
        );
        assert_eq!(old["finews › by_code › FM005 x"], "4");
        assert_eq!(new["finews › by_code › FM005 x"], "5");
        assert_eq!(old["finews › findings › a.md"], "FM005 2:1");
    }

    #[test]
    fn text_is_conserved_when_removals_fit_in_order() {
        let trailer = [("Trailer".to_owned(), "返回 首页")];
        assert_eq!(text_problem("正文 一\n返回首页", &trailer, "正文一"), None);
        // The same text kept earlier (in code, say) and removed later.
        let template = [("Template".to_owned(), "{% include toc %}")];
        let input = "用法：{% include toc %}\n正文{% include toc %}";
        assert_eq!(
            text_problem(input, &template, "用法：{% include toc %}正文"),
            None
        );
        // An empty removal text is no constraint.
        let empty = [("InlineStyle".to_owned(), "")];
        assert_eq!(text_problem("正文", &empty, "正文"), None);
    }

    #[test]
    fn a_text_difference_is_shown_where_the_alignment_stops() {
        let trailer = [("Trailer".to_owned(), "返回首页")];
        let problem = text_problem("正文一\n隐藏\n返回首页", &trailer, "正文一").unwrap();
        assert!(
            problem.contains("input: \"正文一▸隐藏返回首页\""),
            "{problem}"
        );
        assert!(problem.contains("body:  \"正文一▸\""), "{problem}");
        assert!(
            problem.contains("next removal: Trailer \"返回首页\""),
            "{problem}"
        );
        // Out of order: the removals are there, but not in the order listed.
        let swapped = [
            ("Trailer".to_owned(), "乙"),
            ("HiddenContent".to_owned(), "甲"),
        ];
        let problem = text_problem("甲正文乙", &swapped, "正文").unwrap();
        assert!(!problem.contains("nowhere"), "{problem}");
        let missing = [("HiddenContent".to_owned(), "别处")];
        let problem = text_problem("正文", &missing, "正文").unwrap();
        assert!(
            problem.contains("removal text nowhere in the input: HiddenContent \"别处\""),
            "{problem}"
        );
    }

    #[test]
    fn the_window_is_cut_on_both_sides() {
        let chars: Vec<char> = ("甲".repeat(40) + "乙" + &"丙".repeat(40))
            .chars()
            .collect();
        let shown = window(&chars, 40);
        assert!(shown.starts_with("\"…甲"), "{shown}");
        assert!(shown.contains("甲▸乙丙"), "{shown}");
        assert!(shown.ends_with("丙…\""), "{shown}");
        assert_eq!(window(&['a'], 0), "\"▸a\"");
    }
}
