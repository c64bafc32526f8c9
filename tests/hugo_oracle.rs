//! The Hugo export as real Hugo reads it (Debian's `hugo` 0.111, installed by `.ci/run`): every
//! exported post's own fields (`source_url`, `author`, whatever the Jekyll front matter held)
//! reach `.Params` — Hugo before 0.123 does not read a `[params]` table, only top-level keys —
//! while the names Hugo gives a meaning of its own stay under `[params]`, so a Jekyll `layout`
//! or `url` does not re-template or move the page. A post Jekyll would not build (exported
//! with `--include`) is a draft, which Hugo does not build either.
//!
//! Without `hugo` the test fails under CI (`CI=true`) and is skipped with a notice elsewhere.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

fn hugo() -> Option<()> {
    let found = Command::new("which").arg("hugo").output().ok()?;
    if found.status.success() {
        return Some(());
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "hugo is not installed: .ci/run installs it"
    );
    eprintln!("note: hugo not installed; the Hugo oracle did not run");
    None
}

/// What a post's front matter says of its own fields, by file under `content/`.
fn exported_fields(site: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut fields = BTreeMap::new();
    for path in files_under(&site.join("content")) {
        let path = package_root().join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(front_matter) = text
            .strip_prefix("+++\n")
            .and_then(|rest| rest.split_once("\n+++\n"))
            .map(|(front_matter, _)| front_matter)
        else {
            continue;
        };
        let table: toml::Table = front_matter.parse().expect("TOML front matter");
        // The post's own fields, wherever the export put them (top level or `[params]`).
        let params = table
            .get("params")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        let own: BTreeMap<String, String> = table
            .iter()
            .chain(params.iter())
            .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
            .filter(|(key, _)| {
                !newsbundle::export::markdown::HUGO_FRONT_MATTER
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(key))
            })
            .collect();
        let relative = path
            .strip_prefix(site.join("content"))
            .unwrap()
            .to_string_lossy()
            .into_owned();
        fields.insert(relative, own);
    }
    fields
}

#[test]
fn hugo_reads_every_field_of_every_exported_post() {
    if hugo().is_none() {
        return;
    }
    let mut archives = vec![package_root().join("fixtures/archive")];
    for name in ["finews", "minimal-mistakes"] {
        let corpus = package_root().join("../shared/corpus").join(name);
        if corpus.is_dir() {
            archives.push(corpus);
        }
    }
    let mut compared = 0;
    let mut drafts = 0;
    for archive in archives {
        let temp = tempfile::tempdir().unwrap();
        let site = temp.path().join("site");
        let run = Run::of(&mut newsbundle(&[
            "convert",
            "--quiet",
            "--no-config",
            "--to",
            "markdown",
            "--layout",
            "hugo",
            "--include",
            "unpublished,drafts",
            &archive.to_string_lossy(),
            "-o",
            &site.to_string_lossy(),
        ]));
        assert!(run.code <= 1, "{}", run.render());
        write(
            &site,
            "hugo.toml",
            "baseURL = \"https://example.org/\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n",
        );
        // One line per page: its file, then each of its params as key=value.
        write(
            &site,
            "layouts/index.html",
            "{{ range .Site.RegularPages }}PAGE\t{{ .File.Path }}{{ range $key, $value := .Params }}\t{{ $key }}={{ $value }}{{ end }}\n{{ end }}",
        );
        write(&site, "layouts/_default/single.html", "{{ .Content }}");
        write(&site, "layouts/_default/list.html", "{{ .Content }}");
        let public = temp.path().join("public");
        let output = Command::new("hugo")
            .arg("--source")
            .arg(&site)
            .arg("--destination")
            .arg(&public)
            .arg("--quiet")
            .output()
            .expect("hugo runs");
        assert!(
            output.status.success(),
            "{}: hugo failed:\n{}",
            archive.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let listing = std::fs::read_to_string(public.join("index.html")).unwrap();
        let mut read: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for line in listing.lines() {
            let Some(rest) = line.strip_prefix("PAGE\t") else {
                continue;
            };
            let mut parts = rest.split('\t');
            let file = parts
                .next()
                .unwrap()
                .trim_start_matches("posts/")
                .to_owned();
            let params = parts
                .filter_map(|part| part.split_once('='))
                .map(|(key, value)| (key.to_owned(), value.to_owned()))
                .collect();
            read.insert(format!("posts/{file}"), params);
        }
        for (file, fields) in exported_fields(&site) {
            if file.ends_with("_index.md") {
                continue;
            }
            // A post Jekyll would not build is a draft: Hugo builds no page for it (rather
            // than one dated 0001-01-01).
            let text = std::fs::read_to_string(site.join("content").join(&file)).unwrap();
            if text.contains("\ndraft = true\n") {
                assert!(
                    !read.contains_key(&file),
                    "{}: Hugo built the draft {file}",
                    archive.display()
                );
                drafts += 1;
                continue;
            }
            let params = read
                .get(&file)
                .unwrap_or_else(|| panic!("{}: Hugo built no page for {file}", archive.display()));
            for (key, value) in &fields {
                // Hugo lowercases keys; it writes a few characters of a value as entities.
                let seen = params.get(&key.to_lowercase()).map(|seen| {
                    seen.replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&#34;", "\"")
                        .replace("&#39;", "'")
                        .replace("&#43;", "+")
                });
                assert_eq!(
                    seen.as_deref(),
                    Some(value.as_str()),
                    "{}: {file}: .Params.{key}",
                    archive.display()
                );
                compared += 1;
            }
        }
    }
    eprintln!(
        "Hugo read {compared} exported fields, each as written, and built none of {drafts} drafts"
    );
    assert!(
        drafts >= 2,
        "the archives hold posts Jekyll would not build"
    );
    assert!(compared > 50, "only {compared} fields compared");
}
