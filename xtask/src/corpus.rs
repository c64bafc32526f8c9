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
//! - writes the summary as pretty JSON with sorted keys (`--bless`), or compares it with
//!   the committed file and, when they differ, prints the changed entries and fails.
//!
//! What it does not do: it does not judge whether a finding is right (reading the summary
//! does), does not keep messages (rule fixtures and snapshots cover those), and cannot pin
//! the linter's clock: a post dated just ahead of today would change the summary once that
//! day passes (the corpus has none; its one future post is dated 9999-12-31).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Map, Value};

use crate::{workspace, DynResult};

pub const USAGE: &str = "\
usage: cargo xtask corpus [DIR] [OPTIONS]

Lints each archive (each subdirectory) of DIR with `newsbundle lint --format json
--no-config` and compares a summary with xtask/corpus-summary.json.
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
const JSON_VERSION: u64 = 1;

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
    for (name, path) in &archives {
        let archive = lint_archive(&binary, path).map_err(|error| format!("{name}: {error}"))?;
        print_archive(name, &archive);
        summary.insert(name.clone(), archive);
    }
    let text = render(Value::Object(summary));

    let summary_path = root.join(SUMMARY_FILE);
    if options.bless {
        fs::write(&summary_path, &text)?;
        println!("\nwrote {SUMMARY_FILE}; review it (git diff) before committing");
        return Ok(());
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
        return Ok(());
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

/// The summary of one archive from the linter's JSON report (contract version 1).
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

    let mut by_status = BTreeMap::from([("linted".to_owned(), 0), ("unreadable".to_owned(), 0)]);
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
        ("files", files.len() as u64),
        ("unreadable", by_status["unreadable"]),
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
            "newsbundle exited with 2 (unreadable input), but its report lists no unreadable file"
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
    println!("severities: {}", counts("by_severity"));
    for (rule, count) in summary["by_code"].as_object().into_iter().flatten() {
        println!("  {:>5}  {rule}", count.as_u64().unwrap_or(0));
    }
    for (path, reason) in summary["unreadable"].as_object().into_iter().flatten() {
        println!("  unreadable: {path}: {}", text(reason));
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
            "version": 1,
            "summary": {"files": 2, "unreadable": 1, "errors": 1, "warnings": 0, "infos": 0},
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
        assert_eq!(summary["by_status"], json!({"linted": 1, "unreadable": 1}));
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
            "version": 1,
            "summary": {"files": 0, "unreadable": 0, "errors": 0, "warnings": 0, "infos": 0},
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
}
