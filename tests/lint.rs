//! Lint rules, a fixture in and a snapshot out.
//!
//! `fixtures/lint/<CODE>/` is a tiny archive for one rule: each post is linted with that rule
//! alone (every other rule off), the whole folder at once so that cross-post rules and
//! `_config.yml` apply, and the human report of the post is the snapshot.
//!
//! A fixture says what it expects by its name: `bad-*` must get at least one diagnostic,
//! `ok-*` (a near miss) none. The marker is the start of the file name, after a Jekyll date
//! (`_posts/2021-12-08-bad-wrong-day.md`), or else the nearest folder name that carries it
//! (`bad-leading-dash/_posts/-202205261107384451.md`, `bad-asia-beijing/_config.yml`). A
//! `_config.yml` without a marked folder is scaffolding for the posts beside it, not a fixture.
//!
//! The nearest `newsbundle.toml` at or above a post, inside the rule's folder, is its config.
//! "Now" is fixed, so no snapshot depends on the clock.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use newsbundle::config::{Config, Level, CONFIG_FILE_NAME};
use newsbundle::lint::{self, registry::RULES};
use newsbundle::report::human::{self, HumanOptions};
use newsbundle::report::{FileReport, FileStatus};
use newsbundle::source;

const FIXTURES: &str = "fixtures/lint";

/// The "now" of every lint run here.
fn now() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().expect("a valid instant")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// `bad-`: at least one diagnostic.
    Findings,
    /// `ok-`: no diagnostic at all.
    Clean,
}

fn marker(name: &str) -> Option<Expect> {
    if name.starts_with("bad-") {
        Some(Expect::Findings)
    } else if name.starts_with("ok-") {
        Some(Expect::Clean)
    } else {
        None
    }
}

/// `2021-12-08-bad-x.md` → `bad-x.md`: the marker of a Jekyll post follows its date.
fn without_jekyll_date(name: &str) -> &str {
    let mut rest = name;
    for _ in 0..3 {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || rest.as_bytes().get(digits) != Some(&b'-') {
            return name;
        }
        rest = &rest[digits + 1..];
    }
    rest
}

/// What a fixture expects, from its path below `fixtures/lint/<CODE>/`.
fn expectation(case: &[String]) -> Option<Expect> {
    let (file, folders) = case.split_last()?;
    marker(without_jekyll_date(file))
        .or_else(|| folders.iter().rev().find_map(|folder| marker(folder)))
}

/// The path below the package root, with `/` separators, as the linter shows it.
fn package_relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let relative = path.strip_prefix(&root).unwrap_or(path);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every other rule off; the rule's own level as the folder's config (or its default) says.
fn config_for(code: &str, post: &str) -> Config {
    let rule_folder = format!("{FIXTURES}/{code}");
    let mut config = Path::new(post)
        .ancestors()
        .skip(1)
        .take_while(|folder| folder.starts_with(&rule_folder))
        .map(|folder| folder.join(CONFIG_FILE_NAME))
        .find(|candidate| candidate.is_file())
        .map(|path| {
            Config::load(&path, &lint::registry::metas()).unwrap_or_else(|error| panic!("{error}"))
        })
        .unwrap_or_default();
    for rule in RULES {
        if rule.code() != code {
            config.levels.insert(rule.code(), Level::Off);
        }
    }
    config
}

/// Lint the rule's whole folder and keep the report of `path`.
fn lint_fixture(code: &str, path: &str) -> FileReport {
    let archive = source::discover(&[PathBuf::from(format!("{FIXTURES}/{code}"))]);
    assert!(archive.unreadable.is_empty(), "{:?}", archive.unreadable);
    // Sites are looked for above the fixtures too: one there would change what the rules see.
    for site in &archive.sites {
        assert!(
            site.config_path.starts_with(FIXTURES),
            "{} is not a fixture; the fixtures assume no Jekyll site above them",
            site.config_path
        );
    }
    let options = lint::Options {
        now: now(),
        ..lint::Options::default()
    };
    let reports = lint::run(&archive, &config_for(code, path), &options);
    let found = reports.into_iter().find(|report| report.path == path);
    match found {
        Some(report) => {
            assert_eq!(report.status, FileStatus::Linted, "{path}");
            report
        }
        // A site config is only reported when something is wrong with it.
        None if path.ends_with("/_config.yml") => FileReport::new(
            path.to_owned(),
            FileStatus::Linted,
            Some("UTF-8"),
            "",
            Vec::new(),
        ),
        None => panic!("{path} was not linted"),
    }
}

#[test]
fn lint_fixtures() {
    let mut wrong = Vec::new();
    insta::glob!(
        "../fixtures",
        "lint/*/**/{*.md,*.markdown,*.html,*.htm,_config.yml}",
        |path| {
            let path = package_relative(path);
            let parts: Vec<String> = path.split('/').map(str::to_owned).collect();
            let [_, _, code, case @ ..] = parts.as_slice() else {
                panic!("{path} is not inside fixtures/lint/<CODE>/");
            };
            let expect = expectation(case);
            let Some(expect) = expect else {
                if !path.ends_with("/_config.yml") {
                    wrong.push(format!(
                        "{path}: name it bad-… or ok-…, or put it in a bad-… or ok-… folder"
                    ));
                }
                return;
            };
            let report = lint_fixture(code, &path);
            let count = report.diagnostics.len();
            match expect {
                Expect::Findings if count == 0 => {
                    wrong.push(format!("{path}: expected {code} to fire, got nothing"))
                }
                Expect::Clean if count > 0 => wrong.push(format!(
                    "{path}: a near miss, but {code} fired {count} time(s)"
                )),
                _ => {}
            }
            let mut rendered = Vec::new();
            human::emit(&[report], HumanOptions { color: false }, &mut rendered)
                .expect("writing to a Vec cannot fail");
            let rendered = String::from_utf8(rendered).expect("the human report is UTF-8");
            insta::assert_snapshot!(rendered);
        }
    );
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n"));
}

/// Every file below a folder, recursively.
fn files_below(folder: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(folder).unwrap_or_else(|error| panic!("{}: {error}", folder.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files_below(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_rule_has_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    let mut missing = Vec::new();
    for rule in RULES {
        let folder = root.join(rule.code());
        if !folder.is_dir() {
            missing.push(format!(
                "{}: no folder {FIXTURES}/{}",
                rule.code(),
                rule.code()
            ));
            continue;
        }
        let mut files = Vec::new();
        files_below(&folder, &mut files);
        let expectations: Vec<Expect> = files
            .iter()
            .filter_map(|file| {
                let case: Vec<String> = file
                    .strip_prefix(&folder)
                    .ok()?
                    .components()
                    .map(|component| component.as_os_str().to_string_lossy().into_owned())
                    .collect();
                expectation(&case)
            })
            .collect();
        for (expect, prefix) in [(Expect::Findings, "bad-"), (Expect::Clean, "ok-")] {
            if !expectations.contains(&expect) {
                missing.push(format!("{}: no {prefix} fixture", rule.code()));
            }
        }
    }
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .expect("fixtures/lint exists")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    folders.sort();
    for folder in folders {
        if !RULES.iter().any(|rule| rule.code() == folder) {
            missing.push(format!(
                "{FIXTURES}/{folder}: not the code of a registered rule"
            ));
        }
    }
    assert!(missing.is_empty(), "\n{}\n", missing.join("\n"));
}

#[test]
fn fixture_names_carry_their_expectation() {
    let case = |path: &str| -> Vec<String> { path.split('/').map(str::to_owned).collect() };
    assert_eq!(expectation(&case("bad-date.md")), Some(Expect::Findings));
    assert_eq!(
        expectation(&case("_posts/2021-12-08-ok-same-day.md")),
        Some(Expect::Clean)
    );
    assert_eq!(
        expectation(&case("bad-leading-dash/_posts/-202205261107384451.md")),
        Some(Expect::Findings)
    );
    assert_eq!(
        expectation(&case("bad-site/ok-post.md")),
        Some(Expect::Clean)
    );
    assert_eq!(expectation(&case("site/_config.yml")), None);
    assert_eq!(expectation(&case("20220526-bad.md")), None);
}
