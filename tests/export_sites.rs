//! The Markdown export as a site: the configuration written beside the content (snapshots), a
//! configuration the user added never replaced without `--force`, and real builds where they
//! are cheap —
//!
//! - Jekyll (Debian's `jekyll`) builds every fixture site and corpus archive, and then its
//!   Jekyll export, with no warning: the export's posts are the source's, at the same URLs and
//!   the same instants (Liquid runs on the export, so its `{% raw %}` spans are tested too);
//! - Hugo (Debian's `hugo`, 0.111) builds the Hugo export with no warning and no raw HTML
//!   omitted, every old URL of every published post is the post (`[permalinks]`, where Hugo
//!   can) or an alias of it, and a post with an excerpt marker is summarised up to it;
//! - Zola is not packaged here: its `config.toml` and every post's front matter are checked
//!   against Zola's documented schema (`zola_schema` below, from the configuration and page
//!   documentation on getzola.org).
//!
//! Without `jekyll` or `hugo` their test fails under CI (`CI=true`) and is skipped with a
//! notice elsewhere. Outputs go to temporary directories.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::jekyll::{copy_site, sites};
use common::*;

fn installed(program: &str) -> bool {
    let found = Command::new(program)
        .arg("version")
        .output()
        .is_ok_and(|output| output.status.success())
        || Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is not installed: .ci/run installs it"
        );
        eprintln!("note: {program} is not installed; its build was not checked");
    }
    found
}

fn text(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// `newsbundle convert --to markdown --layout LAYOUT SITE -o OUT`, plus `extra` arguments.
fn convert(site: &Path, layout: &str, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "markdown",
        "--layout",
        layout,
    ];
    args.extend_from_slice(extra);
    let site = site.to_string_lossy();
    let out = out.to_string_lossy();
    args.extend([site.as_ref(), "-o", out.as_ref()]);
    Run::of(&mut newsbundle(&args))
}

/// Every published post of `site` with the URL Jekyll gives it (newsbundle's JSON export,
/// which `tests/jekyll_oracle.rs` holds to real Jekyll).
fn published_urls(site: &Path) -> Vec<String> {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("posts.json");
    let run = run(&[
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "json",
        &site.to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
    ]);
    assert!(run.code <= 1, "{}", run.render());
    let document: serde_json::Value = serde_json::from_str(&text(&out)).unwrap();
    document["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|post| post["url"].as_str().map(str::to_owned))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Configuration files

#[test]
fn each_layout_writes_its_configuration() {
    let site = package_root().join("fixtures/jekyll/new-york");
    for layout in ["jekyll", "hugo", "zola"] {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("site");
        let run = convert(&site, layout, &out, &[]);
        assert!(run.code <= 1, "{}", run.render());
        let name = newsbundle::export::markdown::config_file_name(match layout {
            "jekyll" => newsbundle::export::Layout::Jekyll,
            "hugo" => newsbundle::export::Layout::Hugo,
            _ => newsbundle::export::Layout::Zola,
        });
        insta::assert_snapshot!(format!("config_{layout}"), text(&out.join(name)));
    }
}

#[test]
fn a_configuration_the_user_added_is_not_replaced_without_force() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("site");
    let site = package_root().join("fixtures/jekyll/new-york");
    assert!(convert(&site, "jekyll", &out, &[]).code <= 1);
    // The user moves to Hugo in the same folder, with a `hugo.toml` of their own.
    fs::write(out.join("hugo.toml"), "title = \"mine\"\n").unwrap();
    let refused = convert(&site, "hugo", &out, &[]).in_temp(temp.path());
    assert_eq!(refused.code, 2, "{}", refused.render());
    assert!(refused.stderr.contains("hugo.toml"), "{}", refused.render());
    assert_eq!(text(&out.join("hugo.toml")), "title = \"mine\"\n");
    // `--force` replaces it.
    let forced = convert(&site, "hugo", &out, &["--force"]);
    assert!(forced.code <= 1, "{}", forced.render());
    assert!(text(&out.join("hugo.toml")).contains("unsafe = true"));
    // The configuration newsbundle wrote is its own: a second run replaces it.
    let again = convert(&site, "hugo", &out, &[]);
    assert!(again.code <= 1, "{}", again.render());
}

/// A draft stays a draft: with `--include drafts` the Jekyll tree has it in `_drafts/` (not in
/// `_posts/`, which would publish it) and Hugo marks it `draft = true`. A source with
/// `show_drafts: true` served its drafts: they are exported without asking, and the new site
/// builds them too (`show_drafts`, `buildDrafts`).
#[test]
fn drafts_stay_drafts_and_a_site_that_showed_them_still_does() {
    let temp = tempfile::tempdir().unwrap();
    let shanghai = package_root().join("fixtures/jekyll/shanghai");
    let out = temp.path().join("shanghai");
    assert!(convert(&shanghai, "jekyll", &out, &["--include", "drafts"]).code <= 1);
    assert!(out.join("_drafts/2021-12-20-outlook.md").is_file());
    assert!(!out.join("_posts/2021-12-20-outlook.md").exists());
    assert!(!text(&out.join("_config.yml")).contains("show_drafts"));
    // Without `--include drafts`, no draft.
    let out = temp.path().join("shanghai-published");
    assert!(convert(&shanghai, "jekyll", &out, &[]).code <= 1);
    assert!(!out.join("_drafts").exists());

    let weekdate = package_root().join("fixtures/jekyll/weekdate");
    let out = temp.path().join("weekdate");
    assert!(convert(&weekdate, "jekyll", &out, &[]).code <= 1);
    assert!(out.join("_drafts/2022-01-09-week-two.md").is_file());
    assert!(text(&out.join("_config.yml")).contains("\nshow_drafts: true\n"));
    let out = temp.path().join("weekdate-hugo");
    assert!(convert(&weekdate, "hugo", &out, &[]).code <= 1);
    assert!(text(&out.join("hugo.toml")).contains("\nbuildDrafts = true\n"));
    assert!(text(&out.join("content/posts/week-two.md")).contains("\ndraft = true\n"));
}

/// A title's character references (`&amp;`) are its characters in every format.
#[test]
fn titles_are_characters_in_every_format() {
    let site = package_root().join("fixtures/jekyll/dated");
    let temp = tempfile::tempdir().unwrap();
    let json = temp.path().join("posts.json");
    let run = run(&[
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "json",
        &site.to_string_lossy(),
        "-o",
        &json.to_string_lossy(),
    ]);
    assert!(run.code <= 1, "{}", run.render());
    assert!(text(&json).contains("\"title\": \"Rate decision & what follows\""));
    for (layout, file, line) in [
        (
            "jekyll",
            "_posts/2022-04-01-rate-decision.md",
            "title: Rate decision & what follows",
        ),
        (
            "hugo",
            "content/posts/rate-decision.md",
            "title = \"Rate decision & what follows\"",
        ),
        (
            "zola",
            "content/posts/rate-decision.md",
            "title = \"Rate decision & what follows\"",
        ),
    ] {
        let out = temp.path().join(layout);
        assert!(convert(&site, layout, &out, &[]).code <= 1);
        let post = text(&out.join(file));
        assert!(post.contains(line), "{layout}: {post}");
        assert!(!post.contains("&amp;"), "{layout}: {post}");
    }
}

// ---------------------------------------------------------------------------------------------
// Jekyll

/// A page that lists every post Jekyll built: URL, seconds since the epoch.
const LISTING: &str =
    "---\nlayout: null\nrender_with_liquid: true\npermalink: /newsbundle-listing.txt\n---\n\
    {% for post in site.posts %}{{ post.url }}\t{{ post.date | date: \"%s\" }}\n{% endfor %}";

/// Build `site` with Jekyll (`TZ=UTC`), with `config` as a second configuration file; the posts
/// built (URL → instant) and what Jekyll printed.
fn jekyll_build(site: &Path, config: &serde_json::Value) -> (BTreeMap<String, i64>, String) {
    write(site, "newsbundle-listing.txt", LISTING);
    write(site, "_newsbundle-test.yml", &config.to_string());
    let configs = if site.join("_config.yml").exists() {
        "_config.yml,_newsbundle-test.yml"
    } else {
        "_newsbundle-test.yml"
    };
    let output = Command::new("jekyll")
        .args(["build", "--config", configs, "--destination"])
        .arg(site.join("_site"))
        .current_dir(site)
        .env("TZ", "UTC")
        .output()
        .expect("jekyll runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{}:\n{printed}", site.display());
    let listing = text(&site.join("_site/newsbundle-listing.txt"));
    let built = listing
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(url, instant)| {
            let instant = instant
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{}: a listing line: {url}\t{instant}", site.display()));
            (url.to_owned(), instant)
        })
        .collect();
    (built, printed)
}

/// The layouts the posts of an exported Jekyll tree ask for: a theme's job, given here as
/// `{{ content }}` so that Jekyll has nothing to warn about but the export.
fn add_layouts(site: &Path) {
    let mut names = vec!["default".to_owned()];
    for folder in ["_posts", "_drafts"] {
        let Ok(entries) = fs::read_dir(site.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let post = text(&entry.path());
            let layout = post
                .lines()
                .skip(1)
                .take_while(|line| *line != "---")
                .find_map(|line| line.strip_prefix("layout:"))
                .map(|name| name.trim().trim_matches('"').to_owned());
            names.extend(layout.filter(|name| !name.is_empty() && name != "null"));
        }
    }
    for name in names {
        write(site, &format!("_layouts/{name}.html"), "{{ content }}\n");
    }
}

#[test]
fn jekyll_builds_the_export_at_the_old_urls_without_a_warning() {
    if !installed("jekyll") {
        return;
    }
    let mut compared = 0;
    let mut sites_built = 0;
    for site in sites() {
        let name = site.file_name().unwrap().to_string_lossy().into_owned();
        let temp = tempfile::tempdir().unwrap();
        let source = temp.path().join("source");
        copy_site(&site, &source);
        // The source as it was served: its own settings (its drafts too, with `show_drafts`),
        // without what a bare Jekyll cannot load (themes, plugins, includes).
        let source_config = serde_json::json!({
            "theme": false, "plugins": [],
            "defaults": source_defaults(&source),
        });
        let (old, _) = jekyll_build(&source, &source_config);

        let export = temp.path().join("export");
        let run = convert(&source, "jekyll", &export, &[]);
        assert!(run.code <= 1, "{name}: {}", run.render());
        add_layouts(&export);
        let (new, printed) = jekyll_build(&export, &serde_json::json!({}));
        let warnings: Vec<&str> = printed
            .lines()
            .filter(|line| {
                let lower = line.to_lowercase();
                lower.contains("warn") || lower.contains("error") || lower.contains("deprecat")
            })
            .collect();
        assert!(
            warnings.is_empty(),
            "{name}: Jekyll warns on the export:\n{printed}"
        );
        assert_eq!(
            new, old,
            "{name}: the export's posts, URLs and instants are the source's"
        );
        // Liquid in code is shown, not run: a block opened before the first blank line and
        // closed after it too (no "Excerpt modified").
        if name == "dated" {
            let html = text(&export.join("_site/2022/04/06/template-notes/index.html"));
            // Its text, without the highlighter's tags.
            let mut page = String::new();
            let mut in_tag = false;
            for c in html.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => page.push(c),
                    _ => {}
                }
            }
            for shown in [
                "{% if page.title %}",
                "{{ page.title }}",
                "{% endif %}",
                "{{&lt; youtube w7Ft2ymGmfc &gt;}}",
                "{{% notice tip %}}",
            ] {
                assert!(page.contains(shown), "{shown} in {page}");
            }
        }
        compared += old.len();
        sites_built += 1;
        println!("{name}: {} posts at the same URLs, no warning", old.len());
    }
    println!("jekyll: {compared} posts over {sites_built} sites");
    assert!(compared > 0);
}

/// Two sites exported together make one site: the configuration is the main site's (the one
/// most posts come from: Shanghai, 16 posts against Tokyo's 6), and the other's posts keep
/// their URLs through their own `permalink` (their dates keep their instants, written with
/// their offset).
#[test]
fn two_sites_exported_together_keep_every_url() {
    if !installed("jekyll") {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let mut old = BTreeMap::new();
    let mut sources = Vec::new();
    for name in ["shanghai", "tokyo"] {
        let source = temp.path().join(name);
        copy_site(&package_root().join("fixtures/jekyll").join(name), &source);
        let config = serde_json::json!({
            "theme": false, "plugins": [], "show_drafts": false,
            "defaults": source_defaults(&source),
        });
        let (built, _) = jekyll_build(&source, &config);
        for (url, instant) in built {
            assert!(
                old.insert(url, instant).is_none(),
                "the fixtures share no URL"
            );
        }
        sources.push(source.to_string_lossy().into_owned());
    }
    let export = temp.path().join("export");
    let mut args = vec![
        "convert",
        "--quiet",
        "--no-config",
        "--to",
        "markdown",
        "--layout",
        "jekyll",
    ];
    args.extend(sources.iter().map(String::as_str));
    let out = export.to_string_lossy().into_owned();
    args.extend(["-o", out.as_str()]);
    let run = Run::of(&mut newsbundle(&args));
    assert!(run.code <= 1, "{}", run.render());
    assert!(text(&export.join("_config.yml")).contains("timezone: Asia/Shanghai"));
    add_layouts(&export);
    let (new, printed) = jekyll_build(&export, &serde_json::json!({}));
    assert!(
        !printed.to_lowercase().contains("warn"),
        "Jekyll warns:\n{printed}"
    );
    assert_eq!(new, old);
}

/// The source's `defaults`, then one that turns Liquid off in posts (their includes are not
/// copied), as JSON (which is YAML).
fn source_defaults(source: &Path) -> serde_json::Value {
    let config: serde_yaml::Mapping = fs::read_to_string(source.join("_config.yml"))
        .ok()
        .and_then(|text| serde_yaml::from_str(&text).ok())
        .unwrap_or_default();
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
    defaults
}

// ---------------------------------------------------------------------------------------------
// Hugo

#[test]
fn hugo_serves_every_old_url_without_a_warning() {
    if !installed("hugo") {
        return;
    }
    let mut checked = 0;
    let mut pages = 0;
    let mut summaries = 0;
    for site in sites() {
        let name = site.file_name().unwrap().to_string_lossy().into_owned();
        let temp = tempfile::tempdir().unwrap();
        let export = temp.path().join("export");
        let run = convert(&site, "hugo", &export, &[]);
        assert!(run.code <= 1, "{name}: {}", run.render());
        // A theme's job: one template per kind of page.
        write(&export, "layouts/_default/single.html", "{{ .Content }}\n");
        write(
            &export,
            "layouts/_default/list.html",
            "{{ range .Pages }}{{ .Title }}\n{{ end }}",
        );
        // The home page lists each post's summary, to see where Hugo cut it.
        write(
            &export,
            "layouts/index.html",
            "{{ range .Site.RegularPages }}SUMMARY\t{{ .File.Path }}\t{{ .Truncated }}\t\
             {{ replace (.Summary | plainify) \"\\n\" \" \" }}\n{{ end }}",
        );
        let public = temp.path().join("public");
        let output = Command::new("hugo")
            .arg("--source")
            .arg(&export)
            .arg("--destination")
            .arg(&public)
            .output()
            .expect("hugo runs");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{name}: hugo failed:\n{printed}");
        assert!(
            !printed.contains("WARN") && !printed.contains("ERROR"),
            "{name}: Hugo warns:\n{printed}"
        );
        for url in published_urls(&site) {
            // Hugo writes an alias at its path as given, not percent-encoded: where a server
            // looks for the decoded request path.
            let path = newsbundle::jekyll::percent_decode(&url);
            // An old URL without an extension (`permalink: /pretty`, which Jekyll wrote as
            // `pretty.html`) is a folder's `index.html` for Hugo, which servers answer too.
            let relative = path.trim_start_matches('/');
            let file = if path.ends_with('/') || !relative.contains('.') {
                public.join(relative).join("index.html")
            } else {
                public.join(relative)
            };
            assert!(
                file.is_file(),
                "{name}: nothing at the old URL {url} ({})",
                file.display()
            );
            // An alias is a page that refreshes to the post; the post itself is its content.
            if !text(&file).contains("http-equiv=\"refresh\"") {
                pages += 1;
            }
            checked += 1;
        }
        // A post with an excerpt marker is cut there: its summary ends before the text after.
        let home = text(&public.join("index.html"));
        for file in files_under(&export.join("content/posts")) {
            let post = text(&package_root().join(&file));
            let Some((_, after)) = post.split_once("\n<!--more-->\n") else {
                continue;
            };
            let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
            let line = home
                .lines()
                .find(|line| line.starts_with(&format!("SUMMARY\tposts/{file_name}\t")))
                .unwrap_or_else(|| panic!("{name}: {file_name} is listed"));
            let next: String = after
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or_default()
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                line.contains("\ttrue\t") && !line.contains(&next),
                "{name}: {file_name} is not cut at its marker: {line}"
            );
            summaries += 1;
        }
        // Raw HTML reaches the page (`unsafe = true`).
        for file in walkdir::WalkDir::new(&public).into_iter().flatten() {
            if file.path().extension().is_some_and(|ext| ext == "html") {
                assert!(
                    !text(file.path()).contains("raw HTML omitted"),
                    "{name}: {}",
                    file.path().display()
                );
            }
        }
    }
    println!("hugo: {checked} old URLs served, {pages} by the post itself ([permalinks])");
    assert!(checked > 0);
    assert!(
        pages > 0,
        "no old URL is a post's own URL: [permalinks] unchecked"
    );
    println!("hugo: {summaries} posts cut at their excerpt marker");
    assert!(summaries > 0, "no excerpt marker was checked");
}

// ---------------------------------------------------------------------------------------------
// Zola

/// Zola's documented schema, as read from its documentation (configuration and page front
/// matter): each key with the TOML type its value must have.
mod zola_schema {
    use toml::Value;

    /// A value's expected type.
    #[derive(Clone, Copy, Debug)]
    pub enum Kind {
        String,
        Bool,
        Integer,
        /// A TOML date or datetime (never a quoted string).
        Date,
        Strings,
        Table,
        /// `taxonomies` in `config.toml`: tables with a `name`.
        Taxonomies,
    }

    /// The top-level keys of `config.toml`.
    pub const CONFIG: &[(&str, Kind)] = &[
        ("base_url", Kind::String),
        ("title", Kind::String),
        ("description", Kind::String),
        ("default_language", Kind::String),
        ("theme", Kind::String),
        ("output_dir", Kind::String),
        ("preserve_dotfiles_in_output", Kind::Bool),
        ("compile_sass", Kind::Bool),
        ("minify_html", Kind::Bool),
        ("ignored_content", Kind::Strings),
        ("ignored_static", Kind::Strings),
        ("generate_feeds", Kind::Bool),
        ("feed_filenames", Kind::Strings),
        ("feed_limit", Kind::Integer),
        ("hard_link_static", Kind::Bool),
        ("author", Kind::String),
        ("taxonomies", Kind::Taxonomies),
        ("taxonomy_root", Kind::String),
        ("build_search_index", Kind::Bool),
        ("generate_sitemap", Kind::Bool),
        ("generate_robots_txt", Kind::Bool),
        ("exclude_paginated_pages_in_sitemap", Kind::String),
        ("markdown", Kind::Table),
        ("link_checker", Kind::Table),
        ("slugify", Kind::Table),
        ("search", Kind::Table),
        ("translations", Kind::Table),
        ("languages", Kind::Table),
        ("extra", Kind::Table),
    ];

    /// The keys of `[markdown]` (highlighting is its own table since 0.22).
    pub const MARKDOWN: &[(&str, Kind)] = &[
        ("render_emoji", Kind::Bool),
        ("external_links_class", Kind::String),
        ("external_links_target_blank", Kind::Bool),
        ("external_links_no_follow", Kind::Bool),
        ("external_links_no_referrer", Kind::Bool),
        ("smart_punctuation", Kind::Bool),
        ("definition_list", Kind::Bool),
        ("lazy_async_image", Kind::Bool),
        ("bottom_footnotes", Kind::Bool),
        ("github_alerts", Kind::Bool),
        ("insert_anchor_links", Kind::String),
        ("highlighting", Kind::Table),
    ];

    /// The front matter of a page; any other top-level key is an error of the build.
    pub const PAGE: &[(&str, Kind)] = &[
        ("title", Kind::String),
        ("description", Kind::String),
        ("date", Kind::Date),
        ("updated", Kind::Date),
        ("weight", Kind::Integer),
        ("draft", Kind::Bool),
        ("slug", Kind::String),
        ("path", Kind::String),
        ("aliases", Kind::Strings),
        ("authors", Kind::Strings),
        ("in_search_index", Kind::Bool),
        ("template", Kind::String),
        ("taxonomies", Kind::Table),
        ("extra", Kind::Table),
    ];

    /// The front matter of a section (`_index.md`).
    pub const SECTION: &[(&str, Kind)] = &[
        ("title", Kind::String),
        ("description", Kind::String),
        ("sort_by", Kind::String),
        ("weight", Kind::Integer),
        ("draft", Kind::Bool),
        ("template", Kind::String),
        ("page_template", Kind::String),
        ("paginate_by", Kind::Integer),
        ("paginate_path", Kind::String),
        ("paginate_reversed", Kind::Bool),
        ("insert_anchor_links", Kind::String),
        ("in_search_index", Kind::Bool),
        ("render", Kind::Bool),
        ("redirect_to", Kind::String),
        ("transparent", Kind::Bool),
        ("aliases", Kind::Strings),
        ("generate_feeds", Kind::Bool),
        ("extra", Kind::Table),
    ];

    pub fn fits(value: &Value, kind: Kind) -> bool {
        match kind {
            Kind::String => value.is_str(),
            Kind::Bool => value.is_bool(),
            Kind::Integer => value.is_integer(),
            Kind::Date => value.as_datetime().is_some_and(|date| date.date.is_some()),
            Kind::Strings => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_str)),
            Kind::Table => value.is_table(),
            Kind::Taxonomies => value.as_array().is_some_and(|items| {
                items.iter().all(|item| {
                    item.get("name").is_some_and(Value::is_str)
                        && item.as_table().is_some_and(|table| {
                            table.keys().all(|key| {
                                matches!(
                                    key.as_str(),
                                    "name" | "feed" | "paginate_by" | "paginate_path" | "render"
                                )
                            })
                        })
                })
            }),
        }
    }

    /// What in `table` does not follow `schema`.
    pub fn problems(table: &toml::Table, schema: &[(&str, Kind)], at: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (key, value) in table {
            match schema.iter().find(|(name, _)| name == key) {
                None => found.push(format!("{at}: unknown key `{key}`")),
                Some((_, kind)) if !fits(value, *kind) => {
                    found.push(format!("{at}: `{key}` is not {kind:?}: {value}"))
                }
                Some(_) => {}
            }
        }
        found
    }
}

#[test]
fn zola_config_and_front_matter_follow_zolas_schema() {
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut archives = sites();
    archives.push(package_root().join("fixtures/archive"));
    for site in archives {
        let name = site.file_name().unwrap().to_string_lossy().into_owned();
        let temp = tempfile::tempdir().unwrap();
        let export = temp.path().join("export");
        let run = convert(&site, "zola", &export, &["--include", "unpublished,future"]);
        assert!(run.code <= 1, "{name}: {}", run.render());

        let config: toml::Table = text(&export.join("config.toml"))
            .parse()
            .unwrap_or_else(|error| panic!("{name}: config.toml is not TOML: {error}"));
        problems.extend(zola_schema::problems(
            &config,
            zola_schema::CONFIG,
            &format!("{name}/config.toml"),
        ));
        assert!(config.get("base_url").is_some_and(toml::Value::is_str));
        if let Some(markdown) = config.get("markdown").and_then(toml::Value::as_table) {
            problems.extend(zola_schema::problems(
                markdown,
                zola_schema::MARKDOWN,
                &format!("{name}/config.toml [markdown]"),
            ));
        }
        let declared: Vec<&str> = config
            .get("taxonomies")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|taxonomy| taxonomy.get("name").and_then(toml::Value::as_str))
            .collect();

        for file in files_under(&export.join("content")) {
            let file = package_root().join(file);
            let shown = format!(
                "{name}/{}",
                file.strip_prefix(&export).unwrap().to_string_lossy()
            );
            let post = text(&file);
            let front_matter = post
                .strip_prefix("+++\n")
                .and_then(|rest| rest.split_once("\n+++\n"))
                .map(|(front_matter, _)| front_matter)
                .unwrap_or_else(|| panic!("{shown}: no +++ front matter"));
            let table: toml::Table = front_matter
                .parse()
                .unwrap_or_else(|error| panic!("{shown}: front matter is not TOML: {error}"));
            let section = file.ends_with("_index.md");
            let schema = if section {
                zola_schema::SECTION
            } else {
                zola_schema::PAGE
            };
            problems.extend(zola_schema::problems(&table, schema, &shown));
            if let Some(sort_by) = table.get("sort_by").and_then(toml::Value::as_str) {
                if ![
                    "date",
                    "update_date",
                    "title",
                    "title_bytes",
                    "weight",
                    "slug",
                    "none",
                ]
                .contains(&sort_by)
                {
                    problems.push(format!("{shown}: sort_by = {sort_by:?}"));
                }
            }
            if let Some(taxonomies) = table.get("taxonomies").and_then(toml::Value::as_table) {
                for (taxonomy, terms) in taxonomies {
                    if !declared.contains(&taxonomy.as_str()) {
                        problems.push(format!("{shown}: taxonomy `{taxonomy}` not declared"));
                    }
                    if !zola_schema::fits(terms, zola_schema::Kind::Strings) {
                        problems.push(format!("{shown}: `{taxonomy}` terms are not strings"));
                    }
                }
            }
            // Aliases are paths, not URLs.
            for alias in table
                .get("aliases")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                if alias.as_str().is_some_and(|alias| alias.contains("://")) {
                    problems.push(format!("{shown}: alias {alias} is a URL"));
                }
            }
            // A page without a date is left out of a section sorted by date: it is a draft.
            if !section && table.get("date").is_none() && table.get("draft").is_none() {
                problems.push(format!("{shown}: no date and not a draft"));
            }
            // The excerpt marker is Zola's.
            let body = post.splitn(3, "+++\n").nth(2).unwrap_or_default();
            if body.lines().any(|line| line == "<!--more-->") {
                problems.push(format!("{shown}: Hugo's excerpt marker"));
            }
            checked += 1;
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    println!("zola: {checked} files follow the schema");
    assert!(checked > 0);
}
