//! The Markdown export: snapshots of what it writes for the example archive in each layout,
//! and the round trip — every post of
//! `fixtures/archive` and of every archive in `../shared/corpus`, exported in each layout and
//! read back by newsbundle, has the same title, date, categories, tags, typed fields, unknown
//! keys (in order, with their values) and visible text; the YAML writer read back. The
//! XHTML → Markdown conversion, case by case, is in `markdown_conversion.rs`.
//!
//! Outputs go to temporary directories, never into the fixtures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use newsbundle::config::Config;
use newsbundle::export::markdown::{
    MarkdownExporter, ORIGINAL_DATE_KEY, ORIGINAL_FRONT_MATTER_KEY, ORIGINAL_TITLE_KEY,
    SOURCE_URL_KEY,
};
use newsbundle::export::{
    self, Export, ExportContext, ExportOptions, ExportPost, Exporter, Layout,
};
use newsbundle::lint;
use newsbundle::parse::{yaml, FrontMatterFormat, PostDate, Value};
use proptest::prelude::*;

mod common;

use common::without_whitespace;

const LAYOUTS: [Layout; 3] = [Layout::Jekyll, Layout::Hugo, Layout::Zola];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lint_options() -> lint::Options {
    lint::Options {
        now: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        ..lint::Options::default()
    }
}

/// Every post, whatever Jekyll would publish: these tests are about what the Markdown export
/// keeps, and the example archive's undated and future posts are among the hard cases.
fn prepare(path: &Path) -> Export {
    export::prepare_including(
        &[path.to_path_buf()],
        &Config::default(),
        &lint_options(),
        export::Include::ALL,
    )
}

/// Export `archive` in `layout` into a new temporary directory.
fn export_to_temp(archive: &Export, layout: Layout) -> (tempfile::TempDir, Vec<PathBuf>) {
    let directory = tempfile::tempdir().unwrap();
    let options = ExportOptions {
        layout,
        ..ExportOptions::default()
    };
    let context = ExportContext {
        export: archive,
        options: &options,
        destination: directory.path(),
    };
    let files = MarkdownExporter.export(&context).unwrap().files;
    (directory, files)
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Jekyll => "jekyll",
        Layout::Hugo => "hugo",
        Layout::Zola => "zola",
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots

#[test]
fn example_archive_in_each_layout() {
    let archive = prepare(&manifest_dir().join("fixtures/archive"));
    assert_eq!(MarkdownExporter.name(), "markdown");
    for layout in LAYOUTS {
        let (directory, files) = export_to_temp(&archive, layout);
        let names: Vec<String> = files
            .iter()
            .map(|file| relative(file, directory.path()))
            .collect();
        insta::assert_snapshot!(format!("{}_files", layout_name(layout)), names.join("\n"));
        // A post with a source link, one with a broken title and date, one in English.
        for stem in [
            "202203291354280001",
            "202203301020000004",
            "asian-markets-close-mixed",
        ] {
            let file = files
                .iter()
                .find(|file| file.to_string_lossy().contains(stem))
                .unwrap();
            let text = std::fs::read_to_string(file).unwrap();
            insta::assert_snapshot!(format!("{}_{stem}", layout_name(layout)), text);
        }
    }
}

#[test]
fn names_are_unique_and_the_same_on_every_run() {
    let archive = prepare(&manifest_dir().join("fixtures/archive"));
    for layout in LAYOUTS {
        let (first, first_files) = export_to_temp(&archive, layout);
        let (second, second_files) = export_to_temp(&archive, layout);
        let names = |files: &[PathBuf], root: &Path| -> Vec<String> {
            files.iter().map(|file| relative(file, root)).collect()
        };
        let first_names = names(&first_files, first.path());
        assert_eq!(first_names, names(&second_files, second.path()));
        let mut unique = first_names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), first_names.len());
        for (a, b) in first_files.iter().zip(&second_files) {
            assert_eq!(
                std::fs::read(a).unwrap(),
                std::fs::read(b).unwrap(),
                "{}",
                a.display()
            );
        }
    }
}

/// A small site with the front matter cases the example archive lacks.
fn tricky_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let files: &[(&str, &str)] = &[
        (
            "_config.yml",
            "title: Tricky\ntimezone: Asia/Shanghai\npermalink: pretty\n",
        ),
        (
            "_posts/2022-01-01-same.md",
            concat!(
                "---\n",
                "title: 2022\n",
                "date: 2022-01-01 08:00\n",
                "category: 财经\n",
                "tags: \"a b\"\n",
                "published: false\n",
                "description: 摘要\n",
                "redirect_from:\n",
                "  - /old/one.html\n",
                "updated: 2022-01-05 10:00:00 +0800\n",
                "quoted: \"2022-01-05\"\n",
                "nothing:\n",
                "ratio: 1.5\n",
                "count: 3\n",
                "flag: yes\n",
                "author:\n",
                "  name: 编辑部\n",
                "  links: [a, b]\n",
                "gallery:\n",
                "  - url: /a.jpg\n",
                "    alt: ~\n",
                "  - url: /b.jpg\n",
                "---\n",
                "正文*一*，代码：\n",
                "\n",
                "```\n",
                "{{ site.title }} {% raw %}{{ page.title }}{% endraw %}\n",
                "```\n",
            ),
        ),
        (
            "_posts/2022-01-02-same.md",
            "---\ntitle: \"Same: again\"\npermalink: /fixed/url/\nlang: en\n---\nBody with a [link](https://example.com/a_(b)).\n",
        ),
        (
            "_posts/2022-01-03-broken.md",
            "---\ntitle: \"unclosed\ndate: 2022-01-03\n---\nText.\n",
        ),
        (
            "_posts/2022-01-04-wrong-types.md",
            "---\ntitle: [a, b]\ndate: [2022]\noriginal_title: taken\n---\nText.\n",
        ),
    ];
    for (name, text) in files {
        let path = site.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    site
}

#[test]
fn tricky_front_matter_in_each_layout() {
    let site = tricky_site();
    let archive = prepare(site.path());
    assert_eq!(archive.posts.len(), 4);
    for layout in LAYOUTS {
        let (directory, files) = export_to_temp(&archive, layout);
        let mut all = String::new();
        for file in &files {
            all.push_str(&format!("=== {}\n", relative(file, directory.path())));
            all.push_str(&std::fs::read_to_string(file).unwrap());
        }
        insta::assert_snapshot!(format!("tricky_{}", layout_name(layout)), all);
        let read = prepare(directory.path());
        for (original, file) in archive.posts.iter().zip(&files) {
            let file = file.to_string_lossy();
            let read_post = read
                .posts
                .iter()
                .find(|post| post.path == file.as_ref())
                .unwrap();
            assert_eq!(
                differences(original, read_post, layout),
                Vec::<String>::new(),
                "{file}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trip

/// `fixtures/archive` and every archive in `../shared/corpus`.
fn archives() -> Vec<PathBuf> {
    let mut archives = vec![manifest_dir().join("fixtures/archive")];
    let corpus = manifest_dir().join("../shared/corpus");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap_or_else(|error| panic!("the corpus {} is needed: {error}", corpus.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no archive in {}", corpus.display());
    archives.extend(found);
    archives
}

/// A value as it can be after a trip through TOML: no nulls, no tags, string keys.
fn toml_shaped(value: &Value) -> Option<Value> {
    Some(match value {
        Value::Null => return None,
        Value::Tagged(_, inner) => return toml_shaped(inner),
        Value::Sequence(items) => Value::Sequence(items.iter().filter_map(toml_shaped).collect()),
        Value::Mapping(entries) => Value::Mapping(
            entries
                .iter()
                .filter_map(|(key, value)| {
                    let key = key.to_scalar_string().unwrap_or_else(|| format!("{key:?}"));
                    Some((Value::String(key), toml_shaped(value)?))
                })
                .collect(),
        ),
        other => other.clone(),
    })
}

const ADDED_KEYS: &[&str] = &[
    SOURCE_URL_KEY,
    ORIGINAL_TITLE_KEY,
    ORIGINAL_DATE_KEY,
    ORIGINAL_FRONT_MATTER_KEY,
];

/// What differs between a post and the same post read back; empty when nothing does.
fn differences(original: &ExportPost, read: &ExportPost, layout: Layout) -> Vec<String> {
    let mut found = Vec::new();
    let mut check = |what: &str, a: String, b: String| {
        if a != b {
            found.push(format!("{what}: {a} ≠ {b}"));
        }
    };
    let before = &original.post.front_matter;
    let after = &read.post.front_matter;
    check("title", original.title.clone(), read.title.clone());
    check(
        "date",
        format!("{:?}", original.date.map(|date| date.to_utc())),
        format!("{:?}", read.date.map(|date| date.to_utc())),
    );
    check(
        "categories",
        format!("{:?}", before.categories),
        format!("{:?}", after.categories),
    );
    check(
        "tags",
        format!("{:?}", before.tags),
        format!("{:?}", after.tags),
    );
    check(
        "layout",
        format!("{:?}", before.layout),
        format!("{:?}", after.layout),
    );
    // The Jekyll layout writes the old URL as the `permalink` of a post the exported
    // `_config.yml` would give another one: read back, every post has its old URL.
    if layout == Layout::Jekyll && before.permalink.is_none() && after.permalink.is_some() {
        check(
            "permalink",
            format!("{:?}", original.url),
            format!("{:?}", after.permalink),
        );
    } else {
        check(
            "permalink",
            format!("{:?}", before.permalink),
            format!("{:?}", after.permalink),
        );
    }
    if layout == Layout::Jekyll && original.url.is_some() {
        check(
            "url",
            format!("{:?}", original.url),
            format!("{:?}", read.url),
        );
    }
    check(
        "author",
        format!("{:?}", before.author),
        format!("{:?}", after.author),
    );
    check(
        "lang",
        format!("{:?}", before.lang),
        format!("{:?}", after.lang),
    );
    // A post Jekyll would not build is a draft in Hugo and Zola, which reads back unpublished.
    let drafted = layout != Layout::Jekyll
        && matches!(
            original.status,
            newsbundle::jekyll::Status::Unpublished | newsbundle::jekyll::Status::Draft
        );
    check(
        "published",
        format!("{:?}", before.published.or(drafted.then_some(false))),
        format!("{:?}", after.published),
    );
    // The Jekyll layout's `_config.yml` carries the site's `lang`; Hugo's and Zola's
    // configuration is not read back.
    check(
        "language",
        format!(
            "{:?}",
            original
                .language
                .as_ref()
                .filter(|_| before.lang.is_some() || layout == Layout::Jekyll)
        ),
        format!("{:?}", read.language),
    );

    let toml = layout != Layout::Jekyll;
    let expected: Vec<(String, Value)> = before
        .unknown_entries()
        .filter_map(|entry| {
            let value = if toml {
                toml_shaped(&entry.value)?
            } else {
                entry.value.clone()
            };
            Some((entry.key.clone(), value))
        })
        .collect();
    let mut added = BTreeMap::new();
    let mut kept: Vec<(String, Value)> = Vec::new();
    for entry in after.unknown_entries() {
        let is_added = ADDED_KEYS
            .iter()
            .any(|key| entry.key.starts_with(key) && before.entry(&entry.key).is_none());
        if is_added {
            added.insert(entry.key.clone(), entry.value.clone());
        } else {
            kept.push((entry.key.clone(), entry.value.clone()));
        }
    }
    // Hugo and Zola have `description` at the top level, before the `[params]` table; Hugo
    // has every key at the top level but those it gives a meaning of its own (`summary`,
    // `url`, …), which stay in `[params]`, after them; a date Jekyll reads as a date is a TOML
    // datetime, which reads back written the TOML way.
    let order = |entries: &[(String, Value)]| -> Vec<(String, Value)> {
        let mut entries = entries.to_vec();
        if toml {
            entries.sort_by_key(|(key, _)| key != "description");
            if layout == Layout::Hugo {
                entries.sort_by_key(|(key, _)| {
                    key != "description"
                        && newsbundle::export::markdown::HUGO_FRONT_MATTER
                            .iter()
                            .any(|name| name.eq_ignore_ascii_case(key))
                });
            }
            for (_, value) in &mut entries {
                if let Value::String(text) = value {
                    if let Ok(date) = PostDate::parse(text).parsed {
                        *value = Value::String(format!("date {} {:?}", date.local, date.offset));
                    }
                }
            }
        }
        entries
    };
    check(
        "unknown keys",
        format!("{:?}", order(&expected)),
        format!("{:?}", order(&kept)),
    );
    if let Some(source) = original.body.source().filter(|link| !link.url.is_empty()) {
        if before.entry(SOURCE_URL_KEY).is_none() {
            check(
                "source_url",
                format!("{:?}", Some(Value::String(source.url.clone()))),
                format!("{:?}", added.get(SOURCE_URL_KEY)),
            );
        }
    }
    check(
        "visible text",
        without_whitespace(original.body.text()),
        without_whitespace(read.body.text()),
    );
    if !read.post.problems.is_empty() {
        found.push(format!(
            "problems reading it back: {:?}",
            read.post.problems
        ));
    }
    let format = if toml {
        FrontMatterFormat::Toml
    } else {
        FrontMatterFormat::Yaml
    };
    if after.format != format {
        found.push(format!("front matter read as {:?}", after.format));
    }
    found
}

#[test]
fn round_trip_over_the_example_archive_and_the_corpus() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for archive_path in archives() {
        let archive = prepare(&archive_path);
        assert!(!archive.posts.is_empty(), "{}", archive_path.display());
        for layout in LAYOUTS {
            let (directory, files) = export_to_temp(&archive, layout);
            let read = prepare(directory.path());
            assert!(read.rejected.is_empty(), "{:?}", read.rejected);
            assert_eq!(
                read.posts.len(),
                archive.posts.len(),
                "{} in {}: every post is read back, and nothing else",
                archive_path.display(),
                layout_name(layout)
            );
            let by_path: BTreeMap<&str, &ExportPost> = read
                .posts
                .iter()
                .map(|post| (post.path.as_str(), post))
                .collect();
            for (original, file) in archive.posts.iter().zip(&files) {
                let file = file.to_string_lossy();
                let Some(read_post) = by_path.get(file.as_ref()) else {
                    failures.push(format!("{file}: not read back"));
                    continue;
                };
                for difference in differences(original, read_post, layout) {
                    failures.push(format!(
                        "{} ({}): {difference}",
                        original.relative_path,
                        layout_name(layout)
                    ));
                }
            }
            report.push(format!(
                "{} {}: {} posts",
                archive_path.file_name().unwrap().to_string_lossy(),
                layout_name(layout),
                archive.posts.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{}", report.join("\n"));
}

/// Exporting what was read back from an export, in the same layout, writes the same files:
/// nothing drifts from one trip to the next.
#[test]
fn a_second_export_is_the_first() {
    let site = tricky_site();
    for archive_path in [
        manifest_dir().join("fixtures/archive"),
        site.path().to_path_buf(),
    ]
    .into_iter()
    .chain(archives().into_iter().skip(1))
    {
        let archive = prepare(&archive_path);
        for layout in LAYOUTS {
            let (first, first_files) = export_to_temp(&archive, layout);
            let read = prepare(first.path());
            let (second, second_files) = export_to_temp(&read, layout);
            let names = |files: &[PathBuf], root: &Path| -> Vec<String> {
                files.iter().map(|file| relative(file, root)).collect()
            };
            assert_eq!(
                names(&first_files, first.path()),
                names(&second_files, second.path())
            );
            // (Zola's `_index.md` and Hugo's and Zola's configuration are made from the source
            // site's `_config.yml`, which their output has not.)
            for (a, b) in first_files.iter().zip(&second_files).filter(|(a, _)| {
                !a.ends_with("_index.md")
                    && (layout == Layout::Jekyll
                        || !a.ends_with(newsbundle::export::markdown::config_file_name(layout)))
            }) {
                assert_eq!(
                    std::fs::read_to_string(a).unwrap(),
                    std::fs::read_to_string(b).unwrap(),
                    "{} ({})",
                    a.display(),
                    layout_name(layout)
                );
            }
        }
    }
}

#[test]
fn newsbundle_reads_toml_front_matter_it_did_not_write() {
    let text = "+++\ntitle = \"Hugo post\"\ndate = 2024-01-02T03:04:05Z\ntags = [\"a\"]\n[params]\nseries = \"x\"\n+++\nBody {{< shortcode >}} text.\n";
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("post.md");
    std::fs::write(&path, text).unwrap();
    let archive = prepare(directory.path());
    let post = &archive.posts[0];
    assert_eq!(post.title, "Hugo post");
    assert_eq!(
        post.date.map(|date| date.to_utc()),
        Some(
            DateTime::parse_from_rfc3339("2024-01-02T03:04:05Z")
                .unwrap()
                .to_utc()
        )
    );
    assert_eq!(post.post.front_matter.tags, ["a"]);
    // Hugo runs no Liquid: the braces are text, and no template is reported.
    assert_eq!(post.body.text(), "Body {{< shortcode >}} text.");
    assert!(post.body.constructs().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Properties

/// A front matter value: scalars of every kind, strings of anything, nested a little.
fn front_matter_value() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Integer),
        any::<f64>()
            .prop_filter("NaN is not equal to itself", |number| !number.is_nan())
            .prop_map(Value::Float),
        "(?s).{0,24}".prop_map(Value::String),
        "[-+.:0-9a-zA-Z #~]{0,12}".prop_map(Value::String),
    ];
    scalar.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Sequence),
            proptest::collection::vec(("[a-z 0-9:#-]{1,8}", inner), 0..4).prop_map(|entries| {
                let mut seen = std::collections::HashSet::new();
                Value::Mapping(
                    entries
                        .into_iter()
                        .filter(|(key, _)| seen.insert(key.clone()))
                        .map(|(key, value)| (Value::String(key), value))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// What the YAML writer writes, the YAML reader reads back, with its type.
    #[test]
    fn written_yaml_reads_back(key in "(?s).{1,12}", value in front_matter_value()) {
        let mut text = String::new();
        yaml::write_entry(&mut text, &key, &value, false);
        let read = yaml::parse(&text).map_err(|error| {
            TestCaseError::fail(format!("{text}\n{error}"))
        })?;
        prop_assert_eq!(read, Value::Mapping(vec![(Value::String(key), value)]), "{}", text);
    }
}
