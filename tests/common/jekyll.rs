//! Real Jekyll (Debian's `jekyll`, installed by `.ci/run`) building a source archive: what the
//! old site served, for the tests that hold newsbundle to it (`tests/jekyll_oracle.rs`, the
//! model; `tests/migration_builds.rs`, the migrated sites).
//!
//! Only what decides URLs, dates and publication is copied (`_config.yml`, `_posts`,
//! `_drafts`); a trivial layout and a listing page are added, and a second config turns off
//! what a bare Jekyll cannot load (themes, plugins) and Liquid in posts (their includes are not
//! copied). Jekyll runs with `TZ=UTC`: a site without `timezone` is taken as built on a machine
//! in UTC.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{package_root, write};

/// One post as the source's Jekyll build has it: its site fields, read through `site.posts`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltPost {
    /// `post.url`: without `baseurl`, percent-encoded as Jekyll writes it.
    pub url: String,
    /// Seconds since the epoch.
    pub instant: i64,
    pub title: String,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
}

/// The sites to compare with a real Jekyll: every fixture site, then every corpus archive that
/// exists.
pub fn sites() -> Vec<PathBuf> {
    let mut sites = Vec::new();
    for parent in [
        package_root().join("fixtures/jekyll"),
        package_root().join("../shared/corpus"),
    ] {
        let Ok(entries) = fs::read_dir(&parent) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.is_dir())
            .collect();
        found.sort();
        sites.extend(found);
    }
    sites
}

pub fn installed() -> bool {
    Command::new("jekyll")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Copy what decides URLs, dates and publication: `_config.yml` and the files of `_posts` and
/// `_drafts` folders, at the same relative paths.
pub fn copy_site(site: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(site) {
        let entry = entry.expect("the site can be walked");
        let relative = entry.path().strip_prefix(site).expect("below the site");
        let wanted = relative == Path::new("_config.yml")
            || relative
                .components()
                .any(|part| matches!(part.as_os_str().to_str(), Some("_posts" | "_drafts")));
        if !entry.file_type().is_file() || !wanted {
            continue;
        }
        let target = to.join(relative);
        fs::create_dir_all(target.parent().expect("a parent")).expect("a folder can be made");
        fs::copy(entry.path(), &target).expect("a file can be copied");
    }
}

/// The site's `_config.yml` as YAML (an empty mapping without one).
pub fn config_of(site: &Path) -> serde_yaml::Mapping {
    fs::read_to_string(site.join("_config.yml"))
        .ok()
        .and_then(|text| serde_yaml::from_str(&text).ok())
        .unwrap_or_default()
}

/// Ruby's truth for a setting: anything but absent, `false` and null.
pub fn truthy(config: &serde_yaml::Mapping, key: &str) -> bool {
    !matches!(
        config.get(key),
        None | Some(serde_yaml::Value::Null) | Some(serde_yaml::Value::Bool(false))
    )
}

/// Build `site` (a temporary copy made by [`copy_site`]) with Jekyll; the posts it built, by
/// relative path.
pub fn build(site: &Path, config: &serde_yaml::Mapping) -> BTreeMap<String, BuiltPost> {
    fs::create_dir_all(site.join("_layouts")).expect("a folder can be made");
    write(site, "_layouts/default.html", "{{ content }}\n");
    // One JSON object per post (`jsonify` quotes whatever a title holds).
    write(
        site,
        "newsbundle-oracle.txt",
        "---\nlayout: null\nrender_with_liquid: true\npermalink: /newsbundle-oracle.txt\n---\n\
         {% for post in site.posts %}{\"path\": {{ post.relative_path | jsonify }}, \
         \"url\": {{ post.url | jsonify }}, \"instant\": {{ post.date | date: \"%s\" }}, \
         \"title\": {{ post.title | jsonify }}, \"tags\": {{ post.tags | jsonify }}, \
         \"categories\": {{ post.categories | jsonify }}}\n{% endfor %}",
    );
    // The site's own defaults, then one that turns Liquid off in posts (the weakest scope, so
    // it changes nothing else). JSON is YAML.
    let mut defaults = match config.get("defaults") {
        Some(serde_yaml::Value::Sequence(sets)) => serde_json::to_value(sets).unwrap_or_default(),
        _ => serde_json::Value::Array(Vec::new()),
    };
    if let serde_json::Value::Array(sets) = &mut defaults {
        sets.push(serde_json::json!({
            "scope": { "path": "" },
            "values": { "render_with_liquid": false }
        }));
    }
    let overrides = serde_json::json!({
        "theme": false,
        "plugins": [],
        "gems": [],
        "defaults": defaults,
    });
    write(site, "_newsbundle-oracle.yml", &overrides.to_string());
    let config_files = if site.join("_config.yml").exists() {
        "_config.yml,_newsbundle-oracle.yml"
    } else {
        "_newsbundle-oracle.yml"
    };
    let output = Command::new("jekyll")
        .args([
            "build",
            "--quiet",
            "--config",
            config_files,
            "--destination",
        ])
        .arg(site.join("_site"))
        .current_dir(site)
        .env("TZ", "UTC")
        .output()
        .expect("jekyll runs");
    assert!(
        output.status.success(),
        "jekyll build failed in {}:\n{}{}",
        site.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let listing = fs::read_to_string(site.join("_site/newsbundle-oracle.txt"))
        .expect("jekyll wrote the listing page");
    let strings = |value: &serde_json::Value| -> Vec<String> {
        match value {
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    listing
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let post: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("a listing line: {line:?}: {error}"));
            (
                post["path"].as_str().expect("a relative path").to_owned(),
                BuiltPost {
                    url: post["url"].as_str().expect("a URL").to_owned(),
                    instant: post["instant"].as_i64().expect("seconds since the epoch"),
                    title: match &post["title"] {
                        serde_json::Value::String(title) => title.clone(),
                        serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    },
                    tags: strings(&post["tags"]),
                    categories: strings(&post["categories"]),
                },
            )
        })
        .collect()
}
