//! The Jekyll oracle: real Jekyll builds every site of `fixtures/jekyll/` and every archive of
//! `../shared/corpus`, and newsbundle's model must agree on every post — the same set of posts
//! built, the same URL (`page.url`), the same instant, the same categories.
//!
//! Each site is copied into a temporary directory with only what decides those (`_config.yml`,
//! `_posts`, `_drafts`); the test adds a trivial layout, a listing page that prints each post's
//! `relative_path`, `url` and date (seconds since the epoch), and a second config that turns
//! off what a bare Jekyll cannot load (themes, plugins) and Liquid in posts (their includes
//! are not copied). Jekyll runs with `TZ=UTC`: a site without `timezone` is modelled as built
//! on a machine in UTC. newsbundle runs as the CLI does, `convert --to json --include
//! unpublished,future,drafts`, and its `status`, `url` and `date` are compared.
//!
//! Needs Debian's `jekyll` (`apt-get install -y jekyll`; `.ci/run` installs it). Without it
//! the test fails when `CI=true` and prints a notice otherwise.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::jekyll::{config_of, copy_site, sites, truthy};
use common::*;

/// One post as Jekyll or newsbundle sees it.
#[derive(Debug)]
struct Seen {
    url: String,
    /// Seconds since the epoch.
    instant: i64,
    /// Jekyll's `post.categories`; newsbundle's JSON `categories`.
    categories: Vec<String>,
    /// newsbundle reports (FM005) that Jekyll does not read this post's front matter.
    front_matter_unread: bool,
}

impl Seen {
    /// newsbundle (`self`) agrees with Jekyll (`jekyll`): the same URL and instant, and the
    /// same categories in the same order, once each (Jekyll lists one twice when it comes
    /// both as a number and as a string: Ruby's union keeps both). Where Jekyll does not read
    /// the front matter, the JSON still carries the front matter's categories after Jekyll's.
    fn agrees_with(&self, jekyll: &Seen) -> bool {
        let mut expected: Vec<&String> = Vec::new();
        for category in &jekyll.categories {
            if !expected.contains(&category) {
                expected.push(category);
            }
        }
        let ours: Vec<&String> = self.categories.iter().collect();
        let categories_agree = if self.front_matter_unread {
            ours.starts_with(&expected)
        } else {
            ours == expected
        };
        self.url == jekyll.url && self.instant == jekyll.instant && categories_agree
    }
}

/// What newsbundle says Jekyll builds, by relative path.
fn newsbundle_model(site: &Path, show_drafts: bool) -> BTreeMap<String, Seen> {
    let out = site.with_file_name("newsbundle.json");
    let run = Run::of(&mut newsbundle(&[
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "json",
        "--include",
        "unpublished,future,drafts",
        site.to_str().expect("a UTF-8 temporary path"),
        "-o",
        out.to_str().expect("a UTF-8 temporary path"),
    ]));
    assert!(run.code <= 1, "newsbundle failed:\n{}", run.render());
    let document: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).expect("the export was written"))
            .expect("the export is JSON");
    let mut built = BTreeMap::new();
    for post in document["posts"].as_array().expect("posts") {
        let status = post["status"].as_str().expect("a status");
        if !(status == "published" || (status == "draft" && show_drafts)) {
            continue;
        }
        let relative_path = post["relative_path"].as_str().expect("a relative path");
        let instant = post["date"]
            .as_str()
            .and_then(|date| chrono::DateTime::parse_from_rfc3339(date).ok())
            .map_or(i64::MIN, |date| date.timestamp());
        built.insert(
            relative_path.to_owned(),
            Seen {
                url: post["url"].as_str().unwrap_or("(none)").to_owned(),
                instant,
                categories: post["categories"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|category| category.as_str().unwrap_or_default().to_owned())
                    .collect(),
                front_matter_unread: post["diagnostics"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|diagnostic| diagnostic["code"] == "FM005"),
            },
        );
    }
    built
}

#[test]
fn newsbundle_agrees_with_jekyll_on_every_post() {
    if !common::jekyll::installed() {
        let message = "jekyll is not installed: the oracle test needs it \
                       (install it with `apt-get install -y jekyll`; .ci/run does)";
        if std::env::var("CI").is_ok_and(|value| value == "true") {
            panic!("{message}");
        }
        println!("notice: {message}; nothing was compared");
        return;
    }
    let mut compared = 0;
    let mut disagreements = Vec::new();
    let sites = sites();
    assert!(
        sites.len() >= 6,
        "the fixture sites are there: {}",
        sites.len()
    );
    for site in &sites {
        let temp = tempfile::tempdir().expect("a temporary directory");
        let copy = temp.path().join("site");
        copy_site(site, &copy);
        let config = config_of(&copy);
        let model = newsbundle_model(&copy, truthy(&config, "show_drafts"));
        let jekyll: BTreeMap<String, Seen> = common::jekyll::build(&copy, &config)
            .into_iter()
            .map(|(path, post)| {
                let seen = Seen {
                    url: post.url,
                    instant: post.instant,
                    categories: post.categories,
                    front_matter_unread: false,
                };
                (path, seen)
            })
            .collect();
        let name = site.file_name().unwrap_or_default().to_string_lossy();
        for (path, seen) in &jekyll {
            match model.get(path) {
                None => disagreements.push(format!(
                    "{name}: {path}: Jekyll builds it at {} ({}), newsbundle does not",
                    seen.url, seen.instant
                )),
                Some(ours) if !ours.agrees_with(seen) => disagreements.push(format!(
                    "{name}: {path}: Jekyll {} at {} in {:?}, newsbundle {} at {} in {:?}",
                    seen.url,
                    seen.instant,
                    seen.categories,
                    ours.url,
                    ours.instant,
                    ours.categories
                )),
                Some(_) => {}
            }
        }
        for path in model.keys().filter(|path| !jekyll.contains_key(*path)) {
            disagreements.push(format!(
                "{name}: {path}: newsbundle says it is published, Jekyll does not build it"
            ));
        }
        println!("{name}: {} posts built by Jekyll", jekyll.len());
        compared += jekyll.len();
    }
    println!(
        "jekyll oracle: {compared} posts compared over {} sites",
        sites.len()
    );
    assert!(compared > 0, "no post was compared");
    assert!(
        disagreements.is_empty(),
        "newsbundle and Jekyll disagree on {} posts:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// `(relative_path, status, url)` of a post of a `json` export.
type ExportedPost = (String, String, String);

/// Every post of a `json` export, and the skipped paths (below the site) with their reasons.
fn exported(out: &Path) -> (Vec<ExportedPost>, Vec<(String, String)>) {
    let document: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out).expect("the export was written"))
            .expect("the export is JSON");
    let posts = document["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .map(|post| {
            (
                post["relative_path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                post["status"].as_str().unwrap_or_default().to_owned(),
                post["url"].as_str().unwrap_or("(none)").to_owned(),
            )
        })
        .collect();
    let skipped = document["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|skipped| {
            let path = skipped["path"].as_str().unwrap_or_default();
            (
                path.rsplit("shanghai/").next().unwrap_or(path).to_owned(),
                skipped["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    (posts, skipped)
}

/// Exports hold published posts only; the others are skipped with the reason, and
/// `--include` brings them back, marked. Needs no Jekyll.
#[test]
fn exports_hold_published_posts_unless_asked() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = temp.path().join("default.json");
    let done = run(&[
        "convert",
        "--no-config",
        "--to",
        "json",
        "fixtures/jekyll/shanghai",
        "-o",
        out.to_str().expect("a UTF-8 temporary path"),
    ]);
    assert_eq!(done.code, 0, "{}", done.render());
    assert!(
        done.stderr
            .contains("1 skipped (not posts), 5 not published by Jekyll (--include adds them)"),
        "{}",
        done.stderr
    );
    let (posts, skipped) = exported(&out);
    assert!(posts.iter().all(|(_, status, _)| status == "published"));
    assert_eq!(posts.len(), 16, "{posts:#?}");
    let evening = posts
        .iter()
        .find(|(path, _, _)| path == "local/_posts/2022-03-05-evening.md")
        .expect("the evening post");
    assert_eq!(
        evening.2, "/local/%E7%BB%8F%E6%B5%8E/2022/03/06/evening.html",
        "20:00 unquoted is UTC: the next day in Shanghai"
    );
    let reason_of = |path: &str| {
        skipped
            .iter()
            .find(|(skipped, _)| skipped == path)
            .map(|(_, reason)| reason.as_str())
            .unwrap_or_else(|| panic!("{path} is listed as skipped: {skipped:#?}"))
    };
    assert!(reason_of("_posts/2022-01-08-hidden.md").contains("--include unpublished"));
    assert!(reason_of("_posts/2999-01-01-future.md").contains("--include future"));
    assert!(reason_of("_drafts/outlook.md").contains("--include drafts"));
    assert!(reason_of("_posts/README.md").contains("`YYYY-MM-DD-title.ext`"));
    assert!(reason_of("about.md").contains("not a post"));

    let out = temp.path().join("all.json");
    let done = run(&[
        "convert",
        "--no-config",
        "--to",
        "json",
        "--include",
        "unpublished,future,drafts",
        "fixtures/jekyll/shanghai",
        "-o",
        out.to_str().expect("a UTF-8 temporary path"),
    ]);
    assert_eq!(done.code, 0, "{}", done.render());
    let (posts, skipped) = exported(&out);
    let status_of = |path: &str| {
        posts
            .iter()
            .find(|(post, _, _)| post == path)
            .map(|(_, status, _)| status.as_str())
    };
    assert_eq!(
        status_of("_posts/2022-01-08-hidden.md"),
        Some("unpublished")
    );
    assert_eq!(status_of("_posts/README.md"), Some("unpublished"));
    assert_eq!(status_of("_posts/2999-01-01-future.md"), Some("future"));
    assert_eq!(status_of("_drafts/outlook.md"), Some("draft"));
    assert_eq!(posts.len(), 21);
    assert_eq!(skipped.len(), 1, "only the page: {skipped:#?}");

    // The bundle's manifest carries each post's status and URL.
    let bundle = temp.path().join("bundle");
    let done = run(&[
        "bundle",
        "--no-config",
        "--quiet",
        "--include",
        "future",
        "fixtures/jekyll/shanghai",
        "-o",
        bundle.to_str().expect("a UTF-8 temporary path"),
    ]);
    assert!(done.code <= 1, "{}", done.render());
    let manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(bundle.join("manifest.json")).expect("a manifest"),
    )
    .expect("the manifest is JSON");
    let future = manifest["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .find(|post| {
            post["source"]
                .as_str()
                .is_some_and(|source| source.ends_with("2999-01-01-future.md"))
        })
        .expect("the future post is in the bundle");
    assert_eq!(future["status"], "future");
    assert_eq!(future["url"], "/2999/01/01/future.html");
}
