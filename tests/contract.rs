//! The CLI contract (issue 7, points 15–19), end to end: one exit-code rule for every command,
//! a closed pipe that ends the output but not the verdict, a real Jekyll site that lints clean
//! of false positives, completions, a man page, the rules as JSON, and the suggestions for a
//! mistyped rule.
//!
//! Archives are built in temporary directories; nothing is written under `fixtures/`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

mod common;
use common::*;

/// A post with no problem at all, in the shape of the example archive.
const CLEAN: &str = "---
layout: post
title: \"沪指收涨0.6% 券商板块午后走强\"
date: 2022-03-29 15:02:11 +0800
categories: emnews
tags: 东财滚动新闻
---

沪指周二收涨0.6%，两市成交额约9000亿元。券商板块午后走强，北向资金净买入约20亿元。
";

/// A post whose front matter has two errors: an empty title and a date that is no date.
const TWO_ERRORS: &str = "---
title: \"\"
date: 2022-13-45
---

Markets closed higher on Tuesday after a volatile session.
";

/// A file larger than the 64 MiB a post may have: rejected, whoever reads it. Sparse, so it
/// costs nothing on disk.
fn write_too_large(directory: &Path, path: &str) {
    let path = directory.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    File::create(&path)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// 15. One exit-code rule for every command

#[test]
fn an_unreadable_input_beside_good_ones_is_exit_1_for_every_command() {
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "archive/_posts/2022-03-29-a.md", CLEAN);
    write_too_large(temp.path(), "archive/_posts/2022-03-29-huge.md");
    let out = temp.path().join("out");
    std::fs::create_dir(&out).unwrap();

    // Was 2 for `lint` and `sanitize`, 1 for `bundle`.
    let commands: [&[&str]; 4] = [
        &["lint", "--no-config", "archive"],
        &["sanitize", "archive", "-o", "out/xhtml"],
        &[
            "convert",
            "--no-config",
            "--quiet",
            "--to",
            "json",
            "archive",
            "-o",
            "out/a.json",
        ],
        &[
            "bundle",
            "--no-config",
            "--quiet",
            "archive",
            "-o",
            "out/bundle",
        ],
    ];
    for args in commands {
        let run = Run::of(newsbundle(args).current_dir(temp.path()));
        assert_eq!(run.code, 1, "{args:?}: {}", run.render());
        assert!(
            run.stdout.contains("2022-03-29-huge.md") || run.stderr.contains("2022-03-29-huge.md"),
            "{args:?} names the rejected file: {}",
            run.render()
        );
    }
    assert!(out.join("xhtml/2022-03-29-a.xhtml").is_file());
}

#[test]
fn lint_when_every_input_is_unreadable_is_exit_2() {
    let temp = tempfile::tempdir().unwrap();
    write_too_large(temp.path(), "_posts/2022-03-29-huge.md");
    let run = Run::of(newsbundle(&["lint", "--no-config", "_posts"]).current_dir(temp.path()));
    assert_eq!(run.code, 2, "nothing could be done: {}", run.render());
}

#[test]
fn a_missing_path_on_the_command_line_is_exit_2_in_every_format() {
    for format in ["human", "json", "sarif", "github"] {
        let run = run(&[
            "lint",
            "--no-config",
            "--format",
            format,
            ARCHIVE,
            "fixtures/no-such-path",
        ]);
        assert_eq!(run.code, 2, "{format}: {}", run.render());
    }
    // Without findings elsewhere too: the missing path alone decides.
    let run = run(&["lint", "--no-config", CLEAN_POST, "fixtures/no-such-path"]);
    assert_eq!(run.code, 2, "{}", run.render());
}

#[test]
fn findings_below_the_fail_level_and_no_rejection_is_exit_0() {
    let clean = run(&["lint", "--no-config", WARNING_POST]);
    assert_eq!(clean.code, 0, "{}", clean.render());
    let failing = run(&["lint", "--no-config", "--fail-on", "warning", WARNING_POST]);
    assert_eq!(failing.code, 1, "{}", failing.render());
}

// ---------------------------------------------------------------------------------------------
// 16. A closed pipe ends the output early, not the verdict

/// Spawn `newsbundle ARGS` in `directory` with stdout piped, read two lines, close the pipe,
/// and return the exit code and stderr.
fn read_two_lines_then_close(directory: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = newsbundle(args)
        .current_dir(directory)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{args:?} printed at least two lines");
    }
    drop(reader);
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn lint_into_a_pipe_closed_after_two_lines_still_exits_1() {
    // Far more output than a pipe holds (64 KiB on Linux), so the pipe closes while the writer
    // still has output to write.
    let temp = tempfile::tempdir().unwrap();
    for number in 0..1500 {
        write(
            temp.path(),
            &format!("_posts/2022-03-29-{number:04}.md"),
            TWO_ERRORS,
        );
    }
    for format in ["human", "json", "sarif", "github"] {
        let (code, stderr) = read_two_lines_then_close(
            temp.path(),
            &["lint", "--no-config", "--format", format, "_posts"],
        );
        assert_eq!(code, Some(1), "{format}: the findings still count");
        assert_eq!(stderr, "", "{format}: a closed pipe is not an error");
    }
    // And a clean archive stays clean when the reader goes away.
    let clean = tempfile::tempdir().unwrap();
    for number in 0..1500 {
        write(
            clean.path(),
            &format!("_posts/2022-03-29-{number:04}.md"),
            CLEAN,
        );
    }
    let (code, stderr) = read_two_lines_then_close(
        clean.path(),
        &["lint", "--no-config", "--format", "sarif", "_posts"],
    );
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
}

// ---------------------------------------------------------------------------------------------
// 17. A valid Jekyll site lints clean

/// A small Jekyll site shaped like a theme's documentation: dates and one title only in the
/// file names, links into the `docs` collection, which the site writes out but which is not
/// part of the posts being linted.
fn jekyll_site(directory: &Path) {
    write(
        directory,
        "_config.yml",
        "title: Market Notes\nurl: https://notes.example.org\nbaseurl: /handbook\n\
         timezone: America/New_York\npermalink: /:categories/:title/\n\
         collections:\n  docs:\n    output: true\n    permalink: /:collection/:path/\n",
    );
    write(
        directory,
        "_posts/2009-05-15-edge-case-nested-lists.md",
        "---\ntitle: \"Edge Case: Nested Lists\"\ncategories:\n  - Edge Case\n---\n\n\
         * Bonds\n  * Treasuries\n  * Corporate\n* Equities\n",
    );
    write(
        directory,
        "_posts/2009-09-05-edge-case-no-yaml-title.md",
        "---\ncategories:\n  - Edge Case\ntags:\n  - title\n---\n\n\
         This post has no title in its front matter: Jekyll makes one from the file name.\n",
    );
    write(
        directory,
        "_posts/2016-09-21-configuration-notes.md",
        "---\ntitle: \"Configuration notes\"\ncategories: guides\n---\n\n\
         Every setting is described in the \
         [configuration guide](https://notes.example.org/handbook/docs/configuration/).\n",
    );
}

#[test]
fn a_jekyll_site_dated_by_its_file_names_lints_clean() {
    let temp = tempfile::tempdir().unwrap();
    jekyll_site(temp.path());
    let run = Run::of(newsbundle(&["lint", "--no-config", "."]).current_dir(temp.path()));
    // Was exit 1: FM008 `required field "date" is missing` on every post, `"title"` on one, and
    // LNK007 on the link into the docs collection.
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "no problems found in 3 files\n", "")
    );
    // The date is still required where nothing supplies one.
    write(
        temp.path(),
        "_posts/undated.md",
        "---\ntitle: \"Undated\"\n---\n\nMarkets closed higher.\n",
    );
    let run = Run::of(
        newsbundle(&["lint", "--no-config", "--format", "json", "."]).current_dir(temp.path()),
    );
    assert_eq!(run.code, 1);
    let required: Vec<(String, String)> = run.json()["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| {
            file["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|diagnostic| {
                    (
                        file["path"].as_str().unwrap().to_owned(),
                        diagnostic["message"].as_str().unwrap().to_owned(),
                    )
                })
        })
        .filter(|(_, message)| message.starts_with("required field"))
        .collect();
    assert_eq!(
        required,
        [(
            "_posts/undated.md".to_owned(),
            "required field \"date\" is missing".to_owned()
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// 18. Completions, a man page, the rules as JSON

/// The subcommands a user can type, from the binary's own help (`help` aside).
fn subcommands() -> Vec<String> {
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    let commands: Vec<String> = help
        .stdout
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists the commands")
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    for expected in [
        "lint",
        "sanitize",
        "convert",
        "bundle",
        "rules",
        "explain",
        "completions",
        "man",
    ] {
        assert!(
            commands.iter().any(|name| name == expected),
            "{expected} in {commands:?}"
        );
    }
    commands
}

#[test]
fn completions_for_every_shell_know_every_subcommand() {
    let commands = subcommands();
    let bash = run(&["completions", "bash"]);
    assert_eq!((bash.code, bash.stderr.as_str()), (0, ""));
    assert!(
        bash.stdout.contains("complete -F _newsbundle"),
        "{}",
        bash.stdout
    );
    // The words offered after `newsbundle `.
    let top_level: Vec<&str> = bash
        .stdout
        .lines()
        .filter_map(|line| line.trim().strip_prefix("opts=\""))
        .find(|opts| opts.contains("--version"))
        .expect("the opts of the top level")
        .trim_end_matches('"')
        .split_whitespace()
        .collect();
    for command in &commands {
        assert!(
            top_level.contains(&command.as_str()),
            "bash completes {command}: {top_level:?}"
        );
    }
    // The options of a subcommand too, and the values of an enum option.
    assert!(bash.stdout.contains("--fail-on"));
    assert!(bash.stdout.contains("human json sarif github"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = run(&["completions", shell]);
        assert_eq!((script.code, script.stderr.as_str()), (0, ""), "{shell}");
        for command in &commands {
            assert!(
                script.stdout.contains(command.as_str()),
                "{shell} completes {command}"
            );
        }
    }
    let unknown = run(&["completions", "tcsh"]);
    assert_eq!(unknown.code, 2, "a usage error: {}", unknown.render());
}

/// Every line of a roff page is a request or macro (`.XX`), a comment, or text; requests are
/// among those clap_mangen writes and man(7) knows.
fn assert_roff(page: &str) {
    const REQUESTS: &[&str] = &[
        "TH", "SH", "SS", "TP", "IP", "PP", "LP", "P", "RS", "RE", "br", "sp", "B", "I", "ie",
        "el", "ds", "nf", "fi", "in", "EX", "EE",
    ];
    assert!(page.starts_with('.') || page.starts_with("'\\\""), "{page}");
    let mut title = 0;
    for line in page.lines() {
        let Some(request) = line.strip_prefix('.') else {
            assert!(
                !line.starts_with('\''),
                "a line starting with ' is a request: {line}"
            );
            continue;
        };
        let name = request.split_whitespace().next().unwrap_or_default();
        if name.starts_with("\\\"") {
            continue;
        }
        assert!(
            REQUESTS.contains(&name),
            "unknown request .{name} in {line:?}"
        );
        if name == "TH" {
            title += 1;
        }
    }
    assert_eq!(title, 1, "one .TH");
}

#[test]
fn the_man_page_is_roff_and_names_every_subcommand() {
    let man = run(&["man"]);
    assert_eq!((man.code, man.stderr.as_str()), (0, ""));
    assert_roff(&man.stdout);
    assert!(man.stdout.contains(".TH newsbundle 1"), "{}", man.stdout);
    assert!(man.stdout.contains(".SH SUBCOMMANDS"));
    for command in subcommands() {
        // Each names its own page, which `newsbundle man COMMAND` prints.
        assert!(
            man.stdout
                .contains(&format!("newsbundle\\-{}(1)", command.replace('-', "\\-"))),
            "newsbundle(1) names {command}"
        );
        let page = run(&["man", &command]);
        assert_eq!((page.code, page.stderr.as_str()), (0, ""), "{command}");
        assert_roff(&page.stdout);
        assert!(
            page.stdout.contains(&format!(".TH newsbundle-{command} 1")),
            "{}",
            page.stdout
        );
    }
    let lint = run(&["man", "lint"]).stdout;
    assert!(lint.contains("\\fB\\-\\-fail\\-on\\fR"), "{lint}");
    let unknown = run(&["man", "lnit"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .starts_with("error: no command \"lnit\" has a manual page (one of: lint,"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn rules_as_json_list_exactly_the_registry() {
    use newsbundle::lint::registry::RULES;

    let run = run(&["rules", "--format", "json"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let json = run.json();
    assert_eq!(json["version"], 1);
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (entry, rule) in rules.iter().zip(RULES) {
        let meta = rule.meta();
        assert_eq!(entry["code"], meta.code);
        assert_eq!(entry["name"], meta.name);
        assert_eq!(entry["default_severity"], meta.default_severity.as_str());
        assert_eq!(entry["summary"], meta.summary);
        assert_eq!(entry["explanation"], meta.explanation);
        let keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["code", "name", "default_severity", "summary", "explanation"]
        );
    }
    // The human listing is unchanged, and the default.
    assert_eq!(
        self::run(&["rules", "--format", "human"]).stdout,
        self::run(&["rules"]).stdout
    );
}

// ---------------------------------------------------------------------------------------------
// 19. Suggestions, a rule set twice, a default stated once

#[test]
fn explain_suggests_the_numerically_nearest_code_too() {
    // Was: `did you mean "FM019"?` alone.
    let run = run(&["explain", "FM01"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: unknown rule \"FM01\" (did you mean \"FM001\" or \"FM019\"?)\n"
    );
    let lowercase = self::run(&["explain", "lnk07"]);
    assert_eq!(
        lowercase.stderr,
        "error: unknown rule \"lnk07\" (did you mean \"LNK007\"?)\n"
    );
    // No guess when nothing is near.
    let far = self::run(&["explain", "FM999"]);
    assert_eq!(
        far.stderr,
        "error: unknown rule \"FM999\" (`newsbundle rules` lists them all)\n"
    );
}

/// `lint --config newsbundle.toml` on the example archive, with `config` as the file.
fn lint_with_config(config: &str) -> Run {
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "newsbundle.toml", config);
    let path = temp.path().join("newsbundle.toml");
    Run::of(&mut newsbundle(&[
        "lint",
        "--config",
        path.to_str().unwrap(),
        ARCHIVE,
    ]))
    .in_temp(temp.path())
}

#[test]
fn config_rule_keys_get_suggestions_among_codes_and_names() {
    // Was: no suggestion, as only names were compared.
    let near_code = lint_with_config("[rules]\nFM12 = \"error\"\n");
    assert_eq!(near_code.code, 2);
    assert_eq!(
        near_code.render(),
        "exit: 2\n--- stdout\n--- stderr\n\
         error: unknown rule \"FM12\" in [TEMP]/newsbundle.toml (did you mean \"FM012\"?)\n"
    );
    let near_name =
        lint_with_config("[[ignore]]\npaths = [\"_posts/*\"]\nrules = [\"futur-date\"]\n");
    assert_eq!(near_name.code, 2);
    assert!(
        near_name
            .stderr
            .ends_with("(did you mean \"future-date\"?)\n"),
        "{}",
        near_name.stderr
    );
}

#[test]
fn a_rule_set_by_code_and_by_name_is_an_error_naming_both_keys() {
    // Was: accepted, the later key silently winning.
    let run = lint_with_config("[rules]\nFM012 = \"error\"\nfuture-date = \"off\"\n");
    assert_eq!(
        run.render(),
        "exit: 2\n--- stdout\n--- stderr\n\
         error: \"rules.FM012\" and \"rules.future-date\" in [TEMP]/newsbundle.toml set the same rule: keep one of them\n"
    );
    let once = lint_with_config("[rules]\nfuture-date = \"off\"\n");
    assert_eq!(
        once.code,
        1,
        "the example archive has errors: {}",
        once.render()
    );
}

#[test]
fn group_by_help_states_its_default_once() {
    for command in ["convert", "bundle"] {
        let help = run(&[command, "--help"]);
        let line = help
            .stdout
            .lines()
            .find(|line| line.trim_start().starts_with("--group-by"))
            .expect("a --group-by line");
        assert_eq!(line.matches("default").count(), 1, "{line}");
        assert!(line.contains("[default: month]"), "{line}");
    }
}
