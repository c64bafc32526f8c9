//! The Markdown export: snapshots of what it writes for the example archive in each layout,
//! the XHTML → Markdown conversion case by case, and the round trip — every post of
//! `fixtures/archive` and of every archive in `../shared/corpus`, exported in each layout and
//! read back by newsbundle, has the same title, date, categories, tags, typed fields, unknown
//! keys (in order, with their values) and visible text.
//!
//! Outputs go to temporary directories, never into the fixtures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use newsbundle::config::Config;
use newsbundle::export::markdown::{
    xhtml_to_markdown, MarkdownExporter, ORIGINAL_DATE_KEY, ORIGINAL_FRONT_MATTER_KEY,
    ORIGINAL_TITLE_KEY, SOURCE_URL_KEY,
};
use newsbundle::export::{
    self, Export, ExportContext, ExportOptions, ExportPost, Exporter, Layout,
};
use newsbundle::lint;
use newsbundle::parse::{self, yaml, FrontMatterFormat, PostDate, Value};
use newsbundle::sanitize::{self, Policy};
use newsbundle::source;
use proptest::prelude::*;

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
// XHTML → Markdown

/// The visible text of `markdown` as newsbundle reads it (a Jekyll post body).
fn read_back_text(markdown: &str) -> String {
    let text = format!("---\ntitle: t\n---\n{markdown}\n");
    let post = parse::parse(
        "_posts/2022-03-29-t.md",
        source::decode(text.as_bytes(), None),
    );
    sanitize::sanitize(&post, None, &Policy::default())
        .text()
        .to_owned()
}

/// The visible text of an XHTML fragment (or of Markdown), as the sanitizer computes it in a
/// post with TOML front matter: no Liquid, so braces are text.
fn xhtml_text(xhtml: &str) -> String {
    let text = format!("+++\ntitle = \"t\"\n+++\n{xhtml}\n");
    let post = parse::parse("t.md", source::decode(text.as_bytes(), None));
    sanitize::sanitize(&post, None, &Policy::default())
        .text()
        .to_owned()
}

/// Text compared without whitespace, and without control characters: XML cannot hold them,
/// so the XHTML drops them, but `CleanBody::text` keeps them (FIXME in the sanitizer: `&#1;`
/// is U+0001 in the text and nothing in the XHTML).
fn without_whitespace(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect()
}

/// Convert, and check that the Markdown reads back with the same visible text.
fn convert(xhtml: &str) -> String {
    let markdown = xhtml_to_markdown(xhtml);
    assert_eq!(
        without_whitespace(&read_back_text(&markdown)),
        without_whitespace(&xhtml_text(xhtml)),
        "{xhtml}\n→\n{markdown}"
    );
    markdown
}

#[test]
fn cjk_text_gets_no_spaces() {
    assert_eq!(
        convert("<p>两市早盘窄幅震荡，\n新能源板块午前走强。</p>"),
        "两市早盘窄幅震荡，\n新能源板块午前走强。"
    );
    // In a heading a line break is no space between CJK characters, a space elsewhere.
    assert_eq!(
        convert("<h2>央行开展\n逆回购操作 and\nmore</h2>"),
        "## 央行开展逆回购操作 and more"
    );
    assert_eq!(convert("<p>全角　空格保留</p>"), "全角　空格保留");
}

#[test]
fn emphasis_falls_back_to_html_where_markdown_would_not_see_it() {
    assert_eq!(
        convert("<p><strong>机构：短期仍以结构性行情为主</strong></p>"),
        "**机构：短期仍以结构性行情为主**"
    );
    // The closing `**` after `”` and before `文` is not right-flanking.
    assert_eq!(
        convert("<p>他说<strong>“引号”</strong>文字</p>"),
        "他说<strong>“引号”</strong>文字"
    );
    assert_eq!(convert("<p>a <em> spaced </em> b</p>"), "a *spaced* b");
    assert_eq!(
        convert("<p><strong><em>both</em></strong> and <del>gone</del></p>"),
        "**<em>both</em>** and ~~gone~~"
    );
    assert_eq!(
        convert("<p>H<sub>2</sub>O and x<sup>2</sup>, <mark>marked</mark>, <abbr title=\"a &quot;b&quot;\">ab</abbr></p>"),
        "H<sub>2</sub>O and x<sup>2</sup>, <mark>marked</mark>, <abbr title=\"a &quot;b&quot;\">ab</abbr>"
    );
    assert_eq!(convert("<p><em></em>empty</p>"), "empty");
}

#[test]
fn escaping_only_where_needed() {
    assert_eq!(
        convert(
            "<p>snake_case a_b 5*3 [x] `code` ~3~5 &lt;div&gt; a &lt; b &amp;amp; AT&amp;T</p>"
        ),
        "snake_case a_b 5\\*3 \\[x\\] \\`code\\` \\~3\\~5 \\<div> a < b \\&amp; AT&T"
    );
    assert_eq!(
        convert("<p># not a heading\n- not a list\n1. not a list\n&gt; not a quote\n+ no\n2022年 fine</p>"),
        "\\# not a heading\n\\- not a list\n1\\. not a list\n\\> not a quote\n\\+ no\n2022年 fine"
    );
    assert_eq!(convert("<p>text\n===</p>"), "text\n\\===");
    assert_eq!(convert("<p>text\n---</p>"), "text\n\\-\\--");
    // What kramdown's smart typography would turn into other characters.
    assert_eq!(
        convert("<p>\"a\" it's -- ... &lt;&lt; &gt;&gt; – “b”</p>"),
        "\\\"a\\\" it\\'s \\-- \\.\\.. \\<< \\>> – “b”"
    );
    assert_eq!(convert("<p>_under_</p>"), "\\_under\\_");
    // Liquid, kramdown and shortcode braces; `$$` (kramdown math).
    assert_eq!(
        convert("<p>{{ site.title }} {% raw %} {: .x} {plain} $$x$$</p>"),
        "&#123;{ site.title }} &#123;% raw %} &#123;: .x} {plain} \\$$x\\$$"
    );
    assert_eq!(convert("<p>C:\\path \\*</p>"), "C:\\path \\\\\\*");
}

#[test]
fn links_and_images() {
    assert_eq!(
        convert("<p>See <a href=\"https://en.wikipedia.org/wiki/Rust_(programming_language)\">Rust</a>.</p>"),
        "See [Rust](https://en.wikipedia.org/wiki/Rust_(programming_language))."
    );
    assert_eq!(
        convert("<p><a href=\"https://example.com/a)b\" title=\"say &quot;hi&quot;\">odd</a></p>"),
        "[odd](https://example.com/a\\)b \"say \\\"hi\\\"\")"
    );
    assert_eq!(
        convert("<p><a href=\"/with space\">x</a></p>"),
        "[x](</with space>)"
    );
    assert_eq!(
        convert("<p>原文：<a href=\"https://example.com/x\">https://example.com/x</a>。</p>"),
        "原文：<https://example.com/x>。"
    );
    assert_eq!(
        convert(
            "<p><a href=\"https://example.com/\"><img src=\"/a.png\" alt=\"图 [1]\" /></a></p>"
        ),
        "[![图 \\[1\\]](/a.png)](https://example.com/)"
    );
    assert_eq!(convert("<p>x<a href=\"/y\"></a></p>"), "x");
}

#[test]
fn a_last_line_that_looks_like_a_trailer_is_kept() {
    let markdown =
        convert("<p>正文。</p><p><a href=\"https://example.com/x\">https://example.com/x</a></p>");
    assert!(
        markdown.ends_with("<https://example.com/x>\n\n<!-- end -->"),
        "{markdown}"
    );
    let markdown = convert("<p>正文。</p><p><a href=\"/x\">返回首页</a></p>");
    assert!(markdown.ends_with("<!-- end -->"), "{markdown}");
    let markdown = convert("<p>详见<a href=\"/x\">公告</a>。</p>");
    assert!(!markdown.contains("<!--"), "{markdown}");
}

#[test]
fn lists_nest_and_stay_apart() {
    assert_eq!(
        convert("<ul><li>one<ul><li>nested</li><li>two<ol start=\"3\"><li>three</li></ol></li></ul></li><li>after</li></ul>"),
        "- one\n  - nested\n  - two\n\n    3. three\n- after"
    );
    assert_eq!(
        convert("<ol><li><p>loose</p><p>second paragraph</p></li><li><p>next</p></li></ol>"),
        "1. loose\n\n   second paragraph\n\n2. next"
    );
    assert_eq!(
        convert("<ul><li>a</li></ul><ul><li>b</li></ul>"),
        "- a\n\n<!-- -->\n\n- b"
    );
    assert_eq!(
        convert("<ol><li>a</li></ol><ol start=\"2\"><li>b</li></ol>"),
        "1. a\n\n<!-- -->\n\n2. b"
    );
    // Read back as Jekyll (kramdown) reads it: still two lists.
    for (xhtml, list) in [
        ("<ul><li>a</li></ul><ul><li>b</li></ul>", "<ul>"),
        ("<ol><li>a</li></ol><ol start=\"2\"><li>b</li></ol>", "<ol"),
    ] {
        let text = format!("---\ntitle: t\n---\n{}\n", xhtml_to_markdown(xhtml));
        let post = parse::parse(
            "_posts/2022-03-29-t.md",
            source::decode(text.as_bytes(), None),
        );
        let back = sanitize::sanitize(&post, None, &Policy::default());
        assert_eq!(back.xhtml().matches(list).count(), 2, "{}", back.xhtml());
    }
    assert_eq!(
        convert("<ul><li><hr /></li><li><pre><code>x\n</code></pre></li></ul>"),
        "- ___\n- ```\n  x\n  ```"
    );
    assert_eq!(
        convert("<blockquote><p>quoted</p><ul><li>item</li></ul></blockquote>"),
        "> quoted\n>\n> - item"
    );
}

#[test]
fn code_keeps_its_language_and_footnotes_stay_footnotes() {
    assert_eq!(
        convert("<pre><code class=\"language-rust\">let x = 1;\n</code></pre>"),
        "```rust\nlet x = 1;\n```"
    );
    // The form the Markdown stage writes footnotes in, back to Markdown's, which reads back to
    // the same form.
    let xhtml = "<p>Rates held<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>.</p>\n<div class=\"footnote\" id=\"fn-1\">\n<p>As <em>expected</em>.</p>\n<p>Second paragraph.</p>\n<a class=\"footnote-back\" href=\"#fnref-1\">\u{21a9}</a>\n</div>";
    let markdown = xhtml_to_markdown(xhtml);
    assert_eq!(
        markdown,
        "Rates held[^1].\n\n[^1]: As *expected*.\n\n    Second paragraph."
    );
    let text = format!("---\ntitle: t\n---\n{markdown}\n");
    let post = parse::parse(
        "_posts/2022-03-29-t.md",
        source::decode(text.as_bytes(), None),
    );
    let read = sanitize::sanitize(&post, None, &Policy::default());
    assert_eq!(read.xhtml(), xhtml);
}

#[test]
fn code_keeps_every_character() {
    assert_eq!(
        convert("<p>Use <code>a`b</code> and <code>`x`</code>.</p>"),
        "Use ``a`b`` and `` `x` ``."
    );
    assert_eq!(
        convert("<pre><code>fn main() {\n    println!(\"```\");\n}\n</code></pre>"),
        "````\nfn main() {\n    println!(\"```\");\n}\n````"
    );
    assert_eq!(
        convert("<pre><code>&lt;b&gt;*not* markdown&lt;/b&gt;</code></pre>"),
        "```\n<b>*not* markdown</b>\n```"
    );
}

#[test]
fn tables() {
    assert_eq!(
        convert("<table><thead><tr><th>股票</th><th>涨幅</th></tr></thead><tbody><tr><td>a|b</td><td><code>x|y</code></td></tr><tr><td>only</td></tr></tbody></table>"),
        "| 股票 | 涨幅 |\n| --- | --- |\n| a\\|b | `x\\|y` |\n| only | |"
    );
    // No header row: an empty one; a caption before the table.
    assert_eq!(
        convert("<table><caption>表一</caption><tr><td>1</td><td>2<br />3</td></tr></table>"),
        "表一\n\n| | |\n| --- | --- |\n| 1 | 2<br />3 |"
    );
    // A cell spanning columns: HTML.
    let markdown = convert(
        "<table><tr><td colspan=\"2\">wide\n\n{{x}}</td></tr><tr><td>a</td><td>b</td></tr></table>",
    );
    assert_eq!(
        markdown,
        "<table><tbody><tr><td colspan=\"2\">wide\n&#123;{x}}</td></tr><tr><td>a</td><td>b</td></tr></tbody></table>"
    );
}

#[test]
fn figures_breaks_and_definition_lists() {
    assert_eq!(
        convert("<figure><img src=\"/a.jpg\" alt=\"图\" /><figcaption>图说<em>一</em></figcaption></figure>"),
        "![图](/a.jpg)\n\n图说*一*"
    );
    assert_eq!(
        convert("<p>line one<br />line two<br /></p>"),
        "line one\\\nline two"
    );
    assert_eq!(
        convert("<dl><dt>术语</dt><dd>解释</dd></dl>"),
        "<dl><dt>术语</dt><dd>解释</dd></dl>"
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let depth = 10_000;
    let xhtml = format!(
        "{}text{}",
        "<blockquote>".repeat(depth),
        "</blockquote>".repeat(depth)
    );
    let markdown = xhtml_to_markdown(&xhtml);
    assert!(markdown.contains("text"));
    assert!(markdown.len() < 1_000, "{}", markdown.len());
    let xhtml = format!(
        "<p>{}text{}</p>",
        "<em>".repeat(depth),
        "</em>".repeat(depth)
    );
    assert!(xhtml_to_markdown(&xhtml).contains("text"));
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

/// Pieces of Markdown and HTML that tend to need escaping or to change meaning when moved.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "*", "**", "_", "__", "`", "```", "[", "]", "(", ")", "<", ">", "&", "&amp;", "#", "-", "+",
    "1.", "2)", "|", "~", "~~", "{{", "{%", "{:", "}", "\\", "!", "$$", "=", ":", " ", "  ",
    "\n", "\n\n", "\n    ", "中文", "字", "abc", "12", "“", "”", "：", "。", "（", "）", "<em>",
    "</em>", "<strong>", "</strong>", "<a href=\"/x_(y)\">", "</a>", "<code>", "</code>", "<br>",
    "<ul><li>", "</li><li>", "</li></ul>", "<ol start=\"3\"><li>", "</li></ol>", "> ", "<sup>",
    "</sup>", "<del>", "</del>", "<p>", "</p>", "<pre>", "</pre>", "<blockquote>",
    "</blockquote>", "<table><tr><th>", "</th><td>", "</td></tr></table>", "<h2>", "</h2>",
    "<hr>", "http://x.example/a", "<http://x.example/b>", "[返回](/y)", "![i](/i.png)",
    "<dl><dt>", "</dt><dd>", "</dd></dl>", "<figure>", "<figcaption>", "</figcaption></figure>",
    "<img src=\"/i.png\" alt=\"*[\">", "<table><tr><td colspan=\"2\">", "<b>", "</b>", "<i>",
    "</i>", "<s>", "</s>", "<q>", "</q>", "<span lang=\"en\">", "</span>", "<kbd>", "</kbd>",
    "\t", "---", "***", "===", "<!-- c -->", "&#123;", "<div>", "</div>", "1)", "10.", "\\\n",
    "{% raw %}", "{% endraw %}", "{{ x }}", "<wbr>", "＊", "１.",
    "<a href=\"https://x.example/\">https://x.example/</a>",
    // kramdown's own syntax. FIXME: footnotes are left out: where raw HTML left open takes a
    // note in (`*<b>[^1]` + a line `[^1]: note`: the note is in the `b`), the note is written
    // inside the HTML, where no reader sees a footnote, and its reference stays `[^1]`.
    "<div markdown=\"1\">", "<div markdown=\"0\">", "<p markdown=\"span\">", "{: .language-go}",
    "{::comment}", "{:/comment}", "{::nomarkdown}", "{:/nomarkdown}", "*[CSS]: x", "CSS",
    "| a | b |", "|---|---|", "^", "term\n: def", ": ", "\n:x", "{#id}", "~~~ ruby", "{:toc}",
    "* ", "<!--more-->", "{% highlight ruby %}", "{% endhighlight %}",
];

fn body_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
        .prop_map(|pieces| pieces.concat())
}

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

    /// Whatever the sanitizer makes of a body, its Markdown reads back with the same text.
    #[test]
    fn converted_bodies_read_back_with_the_same_text(body in body_soup()) {
        let text = format!("---\ntitle: t\n---\n{body}\n");
        let post = parse::parse("_posts/2022-03-29-t.md", source::decode(text.as_bytes(), None));
        let clean = sanitize::sanitize(&post, None, &Policy::default());
        let markdown = xhtml_to_markdown(clean.xhtml());
        // Read back as plain CommonMark (braces are text there, not Liquid), where a heading's
        // `{#id}` is text too: the ids the export wrote are taken out of what is read.
        let mut read = xhtml_text(&markdown);
        for id in regex::Regex::new(r#" id="([^"]+)""#).unwrap().captures_iter(clean.xhtml()) {
            read = read.replace(&format!("{{#{}}}", &id[1]), "");
        }
        prop_assert_eq!(
            without_whitespace(&read),
            without_whitespace(clean.text()),
            "\n{}\n→ {}\n→ {}", body, clean.xhtml(), markdown
        );
    }
}

/// The back-link the Markdown stage adds at a footnote's end is not written, also where an
/// element the note left open (a table, a `pre`) took it in: kramdown makes its own, so it
/// came out twice. Found by the round-trip property.
#[test]
fn a_footnote_back_link_taken_into_an_open_element_is_not_written() {
    let note = |inside: &str| {
        format!("<p>正文<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup></p>\n<div class=\"footnote\" id=\"fn-1\">\n<p>注释</p>{inside}</div>")
    };
    let back_link = "\n<a class=\"footnote-back\" href=\"#fnref-1\">\u{21a9}</a>\n";
    for (inside, written) in [
        (
            format!("<table><tbody><tr><td colspan=\"2\">{back_link}</td></tr></tbody></table>"),
            "    <table><tbody><tr><td colspan=\"2\">\n    </td></tr></tbody></table>",
        ),
        // The code keeps the line break on either side of the link.
        (
            format!("<pre>代码{back_link}</pre>"),
            "    ```\n    代码\n\n    ```",
        ),
    ] {
        let markdown = convert(&note(&inside));
        assert_eq!(markdown, format!("正文[^1]\n\n[^1]: 注释\n\n{written}"));
    }
}

#[test]
fn heading_ids_survive_the_round_trip() {
    let xhtml = "<h2 id=\"getting-started\">Getting started</h2>\n<h2 id=\"start\">Getting started</h2>\n<h2 id=\"getting-started-1\">Getting started</h2>\n<h2 id=\"notes\">Literal {#x}</h2>";
    let markdown = convert(xhtml);
    assert_eq!(
        markdown,
        "## Getting started\n\n## Getting started {#start}\n\n## Getting started\n\n## Literal \\{#x} {#notes}"
    );
    // Read back as Jekyll (kramdown) reads it: the same ids.
    let text = format!("---\ntitle: t\n---\n{markdown}\n");
    let post = parse::parse(
        "_posts/2022-03-29-t.md",
        source::decode(text.as_bytes(), None),
    );
    let back = sanitize::sanitize(&post, None, &Policy::default());
    assert_eq!(back.xhtml(), xhtml);
}

/// kramdown reads `# {#x}` as a heading whose text is `{#x}`: an empty heading is written
/// without its id, which no text could carry. Found by the round-trip property (`#\t<h2>中文`
/// renders an empty `h1` with the id of the text the `h2` took).
#[test]
fn an_empty_heading_is_written_without_an_id() {
    assert_eq!(
        convert("<h1 id=\"中文\"></h1>\n<h2>中文</h2>"),
        "#\n\n## 中文"
    );
}
