//! The real binary, run as a user runs it: each command's exit code, stdout and stderr are
//! snapshotted together, so a snapshot reads like a terminal session.
//!
//! Commands run with the package root as working directory, so paths in the output are the
//! relative ones a user sees, and with `--no-config` or an explicit `--config`, so that a stray
//! `newsbundle.toml` never changes a result. Temporary archives are built with `tempfile`;
//! nothing is ever written under `fixtures/`. The version and temporary paths are redacted.
//! No test depends on the clock: the only future date in the example archive is in 9999.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use newsbundle::lint::registry::RULES;
use serde_json::Value;

mod common;
use common::*;

// ---------------------------------------------------------------------------------------------
// lint on the example archive, in each format

#[test]
fn lint_archive_human() {
    let run = run(&["lint", "--no-config", ARCHIVE]);
    assert_eq!(run.code, 1, "errors in the archive: exit 1");
    insta::assert_snapshot!("lint_archive_human", run.render());
}

#[test]
fn lint_archive_json() {
    let run = run(&["lint", "--no-config", "--format", "json", ARCHIVE]);
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["version"], 2);
    assert_eq!(json["tool"]["name"], "newsbundle");

    // Every post and page of the archive is listed and was linted; nothing else is listed
    // (`_config.yml` only appears when it has problems, and it has none).
    let files = json["files"].as_array().unwrap();
    let listed: Vec<&str> = files
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = files_under(Path::new(ARCHIVE))
        .into_iter()
        .filter(|path| {
            path.extension()
                .and_then(|extension| extension.to_str())
                .is_some_and(|extension| newsbundle::source::POST_EXTENSIONS.contains(&extension))
        })
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        listed, expected,
        "files are listed once each, sorted by path"
    );
    for file in files {
        assert_eq!(file["status"], "linted", "{}", file["path"]);
        assert_eq!(file["reason"], Value::Null, "{}", file["path"]);
    }
    assert_eq!(json["summary"]["files"], expected.len());

    let file = |path: &str| {
        files
            .iter()
            .find(|file| file["path"] == format!("{ARCHIVE}/{path}"))
            .unwrap_or_else(|| panic!("{path} is listed"))
    };
    // The static README (no front matter) and the index page are not posts: nothing to report.
    assert_eq!(file("README.md")["diagnostics"], Value::Array(Vec::new()));
    assert_eq!(file("index.md")["diagnostics"], Value::Array(Vec::new()));
    assert_eq!(
        file("_posts/2022-03-30-202203301105170005.md")["encoding"],
        "GBK"
    );

    insta::assert_snapshot!("lint_archive_json", run.render());
}

#[test]
fn lint_archive_sarif() {
    let run = run(&["lint", "--no-config", "--format", "sarif", ARCHIVE]);
    assert_eq!(run.code, 1);
    let mut sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "newsbundle");

    // Every registered rule, in registry order, with its documentation.
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let codes: Vec<&str> = RULES.iter().map(|rule| rule.code()).collect();
    assert_eq!(ids, codes);
    for (rule, registered) in rules.iter().zip(RULES) {
        let meta = registered.meta();
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert_eq!(rule["help"]["markdown"], meta.explanation);
    }

    let results = runs[0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let location = &locations[0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/archive/"), "{uri}");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(
            region["endColumn"].as_u64() > region["startColumn"].as_u64()
                || region["endLine"].as_u64() > region["startLine"].as_u64()
        );
    }
    assert_eq!(runs[0]["invocations"][0]["executionSuccessful"], true);

    // The rules' texts are the `explain` texts, snapshotted there: here only their ids.
    sarif["runs"][0]["tool"]["driver"]["rules"] = Value::Array(
        rules
            .iter()
            .map(|rule| {
                Value::String(format!(
                    "{} {} ({})",
                    rule["id"].as_str().unwrap(),
                    rule["name"].as_str().unwrap(),
                    rule["defaultConfiguration"]["level"].as_str().unwrap()
                ))
            })
            .collect(),
    );
    let shown = Run {
        stdout: serde_json::to_string_pretty(&sarif).unwrap() + "\n",
        ..run
    };
    insta::assert_snapshot!("lint_archive_sarif", shown.render());
}

#[test]
fn sarif_reports_unreadable_files_as_notifications() {
    let run = run(&[
        "lint",
        "--no-config",
        "--format",
        "sarif",
        CLEAN_POST,
        "fixtures/no-such-archive",
    ]);
    assert_eq!(run.code, 2);
    let sarif = run.json();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 1);
    assert_eq!(
        notifications[0]["message"]["text"],
        "cannot read fixtures/no-such-archive: no such file or directory"
    );
    assert_eq!(sarif["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn lint_archive_github() {
    let run = run(&["lint", "--no-config", "--format", "github", ARCHIVE]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("lint_archive_github", run.render());
}

// ---------------------------------------------------------------------------------------------
// exit codes

#[test]
fn fail_on_sets_the_level_that_fails() {
    let code = |args: &[&str]| {
        let mut all = vec!["lint", "--no-config", "--format", "json"];
        all.extend_from_slice(args);
        run(&all).code
    };
    // The archive has errors: they fail by default, and only `never` lets it pass.
    assert_eq!(code(&[ARCHIVE]), 1);
    assert_eq!(code(&["--fail-on", "error", ARCHIVE]), 1);
    assert_eq!(code(&["--fail-on", "warning", ARCHIVE]), 1);
    assert_eq!(code(&["--fail-on", "never", ARCHIVE]), 0);
    // A warning fails from `warning` down.
    assert_eq!(code(&[WARNING_POST]), 0);
    assert_eq!(code(&["--fail-on", "error", WARNING_POST]), 0);
    assert_eq!(code(&["--fail-on", "warning", WARNING_POST]), 1);
    assert_eq!(code(&["--fail-on", "info", WARNING_POST]), 1);
    assert_eq!(code(&["--fail-on", "never", WARNING_POST]), 0);
    // An info only with `info`.
    assert_eq!(code(&["--fail-on", "warning", INFO_POST]), 0);
    assert_eq!(code(&["--fail-on", "info", INFO_POST]), 1);
}

#[test]
fn warning_only_still_prints_the_warning_and_exits_zero() {
    let run = run(&["lint", "--no-config", WARNING_POST]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("lint_warning_only", run.render());
}

#[test]
fn clean_post_exits_zero() {
    let run = run(&["lint", "--no-config", CLEAN_POST]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("lint_clean_post", run.render());
}

#[test]
fn stdin_is_read_with_a_dash() {
    // Standard input belongs to the site of the working directory, if any. The package root
    // has no `_config.yml`, so a date without zone has no `timezone` to fall back on.
    let post = "---\ntitle: \"标准输入的稿件\"\ndate: 2022-03-29 14:02:11\ncategories: hangye\n---\n\n正文。\n";
    let run = run_with_stdin(&mut newsbundle(&["lint", "--no-config", "-"]), post);
    assert!(run.stdout.contains("--> <stdin>:"), "{}", run.stdout);
    insta::assert_snapshot!("lint_stdin", run.render());

    // From the example archive's root, its `timezone: Asia/Shanghai` applies: the unquoted
    // date is UTC to Jekyll, 22:02 on the site (FM021, a warning).
    let in_site = run_with_stdin(
        newsbundle(&["lint", "--no-config", "-"]).current_dir(package_root().join(ARCHIVE)),
        post,
    );
    assert_eq!(in_site.code, 0);
    assert!(
        in_site.stdout.contains("warning[FM021]")
            && in_site.stdout.contains("14:02 UTC = 22:02 +0800")
            && !in_site.stdout.contains("FM011"),
        "{}",
        in_site.stdout
    );
}

#[test]
fn nonexistent_path_is_listed_unreadable() {
    let run = run(&[
        "lint",
        "--no-config",
        CLEAN_POST,
        "fixtures/no-such-archive",
    ]);
    assert_eq!(run.code, 2, "an unreadable input: exit 2");
    insta::assert_snapshot!("lint_nonexistent_path", run.render());

    let json = Run::of(&mut newsbundle(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        CLEAN_POST,
        "fixtures/no-such-archive",
    ]));
    assert_eq!(json.code, 2);
    let json = json.json();
    assert_eq!(json["summary"]["unreadable"], 1);
    // Sorted by path with the others.
    let (linted, missing) = (&json["files"][0], &json["files"][1]);
    assert_eq!(linted["path"], CLEAN_POST);
    assert_eq!(linted["status"], "linted");
    assert_eq!(missing["path"], "fixtures/no-such-archive");
    assert_eq!(missing["status"], "unreadable");
    assert_eq!(missing["reason"], "no such file or directory");
    assert_eq!(missing["encoding"], Value::Null);
}

// ---------------------------------------------------------------------------------------------
// rules and explain

#[test]
fn rules_lists_every_rule() {
    let run = run(&["rules"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), RULES.len());
    insta::assert_snapshot!("rules", run.render());
}

#[test]
fn explain_by_code_or_name() {
    let by_code = run(&["explain", "FM010"]);
    assert_eq!(by_code.code, 0);
    insta::assert_snapshot!("explain_fm010", by_code.render());
    let by_name = run(&["explain", "invalid-date"]);
    assert_eq!(by_name.render(), by_code.render());
    let lowercase = run(&["explain", "fm010"]);
    assert_eq!(lowercase.render(), by_code.render());
}

#[test]
fn explain_unknown_rule() {
    let unknown = run(&["explain", "FM999"]);
    assert_eq!(unknown.code, 2);
    insta::assert_snapshot!("explain_fm999", unknown.render());
    let typo = run(&["explain", "invalid-dates"]);
    assert_eq!(typo.code, 2);
    insta::assert_snapshot!("explain_typo", typo.render());
}

// ---------------------------------------------------------------------------------------------
// config

/// The bad configs of `fixtures/config`; the snapshot `config_NAME` holds the message of each.
const BAD_CONFIGS: &[&str] = &[
    "bad-glob",
    "bad-severity",
    "syntax-error",
    "unknown-key",
    "unknown-rule",
];

#[test]
fn every_config_fixture_is_tested() {
    let mut tested: BTreeSet<String> = BAD_CONFIGS
        .iter()
        .map(|name| format!("fixtures/config/{name}.toml"))
        .collect();
    tested.insert("fixtures/config/good.toml".to_owned());
    let found: BTreeSet<String> = files_under(Path::new("fixtures/config"))
        .into_iter()
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(found, tested);
}

#[test]
fn bad_configs_stop_the_run() {
    for name in BAD_CONFIGS {
        let path = format!("fixtures/config/{name}.toml");
        let run = run(&["lint", "--config", &path, ARCHIVE]);
        assert_eq!(run.code, 2, "{path}");
        assert_eq!(run.stdout, "", "{path}: nothing is linted");
        assert!(run.stderr.starts_with("error: "), "{path}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{path}: {}", run.stderr);
        insta::assert_snapshot!(format!("config_{name}"), run.render());
    }
}

#[test]
fn missing_config_file() {
    let run = run(&["lint", "--config", "fixtures/config/none.toml", ARCHIVE]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("config_missing", run.render());
}

#[test]
fn good_config_changes_severities_and_ignores() {
    let run = run(&["lint", "--config", "fixtures/config/good.toml", ARCHIVE]);
    assert_eq!(run.code, 1);
    // future-date raised to error, legacy-encoding lowered to info, ENC003 off, the post
    // without a date in its name ignored for FM013 and FM009 (not FM010), the duplicate ignored
    // for every rule, and `sitenews` outside the allowed categories.
    for expected in [
        "error[FM012]",
        "info[ENC001]",
        "error[FM010]",
        "error[FM015]: category \"sitenews\"",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    for silenced in ["ENC003", "FM013", "FM009", "CNT001", "CNT002"] {
        assert!(!run.stdout.contains(silenced), "{silenced}\n{}", run.stdout);
    }
    insta::assert_snapshot!("config_good", run.render());
}

#[test]
fn config_fail_on_is_used_unless_the_flag_says_otherwise() {
    let temp = tempfile::tempdir().unwrap();
    let config = temp.path().join("newsbundle.toml");
    std::fs::write(&config, "fail-on = \"warning\"\n").unwrap();
    let config = config.to_str().unwrap();
    assert_eq!(run(&["lint", "--config", config, WARNING_POST]).code, 1);
    let flag = run(&[
        "lint",
        "--config",
        config,
        "--fail-on",
        "error",
        WARNING_POST,
    ]);
    assert_eq!(flag.code, 0);
    std::fs::write(temp.path().join("newsbundle.toml"), "fail-on = \"never\"\n").unwrap();
    assert_eq!(run(&["lint", "--config", config, ARCHIVE]).code, 0);
}

#[test]
fn config_is_found_in_the_working_directory_unless_no_config() {
    let temp = tempfile::tempdir().unwrap();
    write(
        temp.path(),
        "newsbundle.toml",
        "[rules]\ndate-without-timezone = \"off\"\n",
    );
    write(
        temp.path(),
        "_posts/2022-03-29-a.md",
        "---\ntitle: \"无时区\"\ndate: 2022-03-29 14:02:11\n---\n\n正文。\n",
    );
    let found = Run::of(newsbundle(&["lint", "_posts"]).current_dir(temp.path()));
    assert_eq!(found.code, 0);
    assert_eq!(found.stdout, "no problems found in 1 file\n");
    let ignored = Run::of(newsbundle(&["lint", "--no-config", "_posts"]).current_dir(temp.path()))
        .in_temp(temp.path());
    assert_eq!(ignored.code, 0);
    insta::assert_snapshot!("config_no_config", ignored.render());
}

// ---------------------------------------------------------------------------------------------
// the terminal

#[test]
fn colour() {
    let always = run(&["lint", "--no-config", "--color", "always", ARCHIVE]);
    assert!(
        always.stdout.contains("\x1b["),
        "--color always: ANSI escapes"
    );
    let plain = run(&["lint", "--no-config", ARCHIVE]);
    assert!(!plain.stdout.contains('\x1b'), "stdout is not a terminal");
    let no_color = Run::of(
        newsbundle(&["lint", "--no-config", "--color", "auto", ARCHIVE]).env("NO_COLOR", "1"),
    );
    assert!(!no_color.stdout.contains('\x1b'), "NO_COLOR");
    let never = run(&["lint", "--no-config", "--color", "never", ARCHIVE]);
    assert_eq!(never.stdout, plain.stdout);
    // Without the escapes, the coloured output says the same.
    assert_eq!(strip_ansi(&always.stdout), plain.stdout);
    // Machine formats are never coloured.
    let json = run(&[
        "lint",
        "--no-config",
        "--color",
        "always",
        "--format",
        "json",
        ARCHIVE,
    ]);
    assert!(!json.stdout.contains('\x1b'));
}

#[test]
fn colour_snapshot() {
    let run = run(&["lint", "--no-config", "--color", "always", WARNING_POST]);
    assert_eq!(run.code, 0);
    // ESC shown as a visible character, so that the snapshot can be read.
    let shown = Run {
        stdout: run.stdout.replace('\x1b', "␛"),
        ..run
    };
    insta::assert_snapshot!("lint_colour", shown.render());
}

/// On a terminal, `--color auto` colours unless `NO_COLOR` is set to something. The terminal
/// is a pseudo-terminal from util-linux's `script`, which is part of every Debian system.
#[cfg(target_os = "linux")]
#[test]
fn colour_on_a_terminal() {
    let on_terminal = |args: &str, no_color: Option<&str>| {
        let shell = format!(
            "'{}' lint --no-config {args} {WARNING_POST}",
            env!("CARGO_BIN_EXE_newsbundle")
        );
        let mut command = Command::new("script");
        command
            .args(["--quiet", "--return", "--command", &shell, "/dev/null"])
            .current_dir(package_root())
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let output = command
            .output()
            .expect("util-linux `script` runs (apt-get install bsdutils)");
        assert!(output.status.success(), "{args}: {}", output.status);
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("warning[FM012]"), "{args}: {stdout:?}");
        stdout.contains('\x1b')
    };
    assert!(on_terminal("", None), "a terminal: colour");
    assert!(
        on_terminal("--color auto", Some("")),
        "empty NO_COLOR: colour"
    );
    assert!(!on_terminal("--color auto", Some("1")), "NO_COLOR: none");
    assert!(!on_terminal("--color never", None), "--color never: none");
    assert!(
        on_terminal("--color always", Some("1")),
        "--color always wins"
    );
}

/// Remove `ESC [ ... m` sequences.
fn strip_ansi(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
fn broken_pipe_is_not_an_error() {
    // Far more output than a pipe holds (64 KiB on Linux), so the writer must see the pipe
    // close while it still has output to write.
    let temp = tempfile::tempdir().unwrap();
    for number in 0..1500 {
        write(
            temp.path(),
            &format!("_posts/2022-03-29-{number:04}.md"),
            "---\ntitle: \"\"\ndate: 2022-13-45\n---\n\n正文。\n",
        );
    }
    for format in ["json", "human"] {
        let mut child = newsbundle(&["lint", "--no-config", "--format", format, "_posts"])
            .current_dir(temp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut start = [0; 16];
        stdout.read_exact(&mut start).unwrap();
        drop(stdout);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr, "", "{format}: nothing on stderr");
        // The output ended early, but the findings still decide the exit code.
        assert_eq!(output.status.code(), Some(1), "{format}: {}", output.status);
    }
}
