//! The kramdown oracle: Jekyll renders Markdown with kramdown (GFM input, Jekyll's default
//! options); newsbundle's clean XHTML of every post must have the same block structure and the
//! same visible text as kramdown's HTML.
//!
//! Posts: every Markdown fixture of `fixtures/kramdown/` and every post of every archive of
//! `../shared/corpus` (read where it is, never copied). kramdown renders each body through
//! `tests/kramdown/render.rb` (Jekyll's kramdown options; its header says what it does with
//! Liquid, which Jekyll renders first: `{% raw %}` content literal, `{% highlight x %}` a fenced
//! block in `x`, `{{ site.url }}`-like values the site's, every other tag or output nothing).
//! newsbundle sanitizes the same post under the default policy without the trailer extraction
//! (taking the source link and navigation lines out of the content is newsbundle's design, not
//! a rendering difference).
//!
//! Both outputs are parsed with scraper and reduced to a [`Shape`]: the sequence of blocks
//! (headings with level and id, lists with their item count, tables with their row and cell
//! counts, code blocks with their language, definition lists with their term and definition
//! counts, blockquotes), the footnote count, and the visible text with whitespace collapsed
//! (block boundaries count as whitespace; footnote bodies are left out of the text and compared
//! by count only, since kramdown moves them to the end). kramdown's `language-plaintext`, which
//! Jekyll's `default_lang` puts on every code block without a language, counts as none.
//!
//! One line per post says whether the two agree and, if not, what differs first. The test fails
//! when a post not in [`KNOWN_DIFFERENCES`] differs, when a listed post agrees (so the list
//! stays true), or when fewer than 98% of the posts agree. Needs Debian's `ruby-kramdown` and
//! `ruby-kramdown-parser-gfm` (`.ci/run` installs them); without them the test prints a notice,
//! and fails when `CI=true`.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::package_root;
use newsbundle::parse;
use newsbundle::sanitize::{self, Policy};
use newsbundle::source;
use scraper::{ElementRef, Html, Node};

/// Posts whose rendering differs from kramdown's, each with the reason (path as printed:
/// `fixtures/kramdown/…` or `corpus/<archive>/…`).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "corpus/minimal-mistakes/_posts/2009-05-15-edge-case-nested-and-mixed-lists.md",
        "under `2. item`, `  * a` lines (2 spaces: lazy lines of the item) then `    * b` lines \
         (4 spaces): kramdown makes two lists of the item, one after the other; newsbundle one \
         list of both (CommonMark cannot put two bullet lists side by side)",
    ),
    (
        "corpus/minimal-mistakes/_posts/2022-06-29-피터모빌의UX 7요소.md",
        "hand-indented list items (`- : text`, `---` inside an item): kramdown's list item \
         content rules differ from CommonMark's",
    ),
    (
        "corpus/minimal-mistakes/_posts/2013-01-11-markup-html-tags-and-formatting.md",
        "not rendering: the default policy removes a `<form>` with its labels (reported as a \
         removal), since a form is no article content",
    ),
];

/// The share of posts that must agree.
const REQUIRED_AGREEMENT: f64 = 0.98;

/// A block of a rendered body, as far as the comparison goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Block {
    Heading { level: u8, id: String },
    List { ordered: bool, items: usize },
    Table { rows: usize, cells: usize },
    Code { language: Option<String> },
    DefinitionList { terms: usize, definitions: usize },
    Blockquote,
}

/// What is compared of one rendered body.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    blocks: Vec<Block>,
    footnotes: usize,
    text: String,
}

/// Elements whose boundaries separate words in the visible text.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is not visible text.
const INVISIBLE_ELEMENTS: &[&str] = &[
    "script", "style", "template", "iframe", "object", "noscript", "head", "title",
];

fn has_class(element: &ElementRef, class: &str) -> bool {
    element
        .value()
        .attr("class")
        .is_some_and(|classes| classes.split_whitespace().any(|name| name == class))
}

/// The language of a code block: `language-x` on its `code`, or (rouge's wrapping) on the
/// `div` around its `pre`. `plaintext` is Jekyll's default for none.
fn code_language(pre: &ElementRef) -> Option<String> {
    let language_of = |element: ElementRef| {
        element.value().attr("class").and_then(|classes| {
            classes
                .split_whitespace()
                .find_map(|class| class.strip_prefix("language-"))
                .map(str::to_owned)
        })
    };
    let on_code = pre
        .children()
        .filter_map(ElementRef::wrap)
        .find(|child| child.value().name() == "code")
        .and_then(language_of);
    let on_wrapper = || {
        pre.ancestors()
            .filter_map(ElementRef::wrap)
            .take(2)
            .find_map(language_of)
    };
    on_code
        .or_else(on_wrapper)
        .filter(|language| language != "plaintext")
}

fn count_children(element: &ElementRef, names: &[&str]) -> usize {
    element
        .children()
        .filter_map(ElementRef::wrap)
        .filter(|child| names.contains(&child.value().name()))
        .count()
}

fn count_descendants(element: &ElementRef, names: &[&str]) -> usize {
    element
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|child| names.contains(&child.value().name()))
        .count()
}

/// Is this element a footnote body: kramdown's `div.footnotes`, newsbundle's `div.footnote`?
/// Returns how many notes it holds.
fn footnote_count(element: &ElementRef) -> Option<usize> {
    if element.value().name() != "div" {
        return None;
    }
    if has_class(element, "footnotes") {
        return Some(
            element
                .descendants()
                .filter_map(ElementRef::wrap)
                .filter(|item| item.value().name() == "li" && item.value().attr("id").is_some())
                .count(),
        );
    }
    has_class(element, "footnote").then_some(1)
}

fn walk(element: ElementRef, shape: &mut Shape) {
    let name = element.value().name();
    if INVISIBLE_ELEMENTS.contains(&name) {
        return;
    }
    if let Some(count) = footnote_count(&element) {
        shape.footnotes += count;
        shape.text.push(' ');
        return;
    }
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => shape.blocks.push(Block::Heading {
            level: name[1..].parse().unwrap_or(0),
            id: element.value().attr("id").unwrap_or("").to_owned(),
        }),
        "ul" | "ol" => shape.blocks.push(Block::List {
            ordered: name == "ol",
            items: count_children(&element, &["li"]),
        }),
        "table" => shape.blocks.push(Block::Table {
            rows: count_descendants(&element, &["tr"]),
            cells: count_descendants(&element, &["td", "th"]),
        }),
        "pre" => shape.blocks.push(Block::Code {
            language: code_language(&element),
        }),
        "dl" => shape.blocks.push(Block::DefinitionList {
            terms: count_children(&element, &["dt"]),
            definitions: count_children(&element, &["dd"]),
        }),
        "blockquote" => shape.blocks.push(Block::Blockquote),
        _ => {}
    }
    let block = BLOCK_ELEMENTS.contains(&name);
    if block {
        shape.text.push(' ');
    }
    for child in element.children() {
        match child.value() {
            Node::Text(text) => shape.text.push_str(text),
            Node::Element(_) => {
                if let Some(child) = ElementRef::wrap(child) {
                    walk(child, shape);
                }
            }
            _ => {}
        }
    }
    if block {
        shape.text.push(' ');
    }
}

fn shape_of(html: &str) -> Shape {
    let fragment = Html::parse_fragment(html);
    let mut shape = Shape::default();
    walk(fragment.root_element(), &mut shape);
    shape.text = shape.text.split_whitespace().collect::<Vec<_>>().join(" ");
    shape
}

/// What differs between kramdown's shape and ours, in a few words; `None` when they agree.
fn difference(kramdown: &Shape, ours: &Shape) -> Option<String> {
    if kramdown.blocks != ours.blocks {
        let at = kramdown
            .blocks
            .iter()
            .zip(&ours.blocks)
            .position(|(theirs, ours)| theirs != ours)
            .unwrap_or(kramdown.blocks.len().min(ours.blocks.len()));
        return Some(format!(
            "blocks differ at #{at}: kramdown {:?}, newsbundle {:?} ({} vs {} blocks)",
            kramdown.blocks.get(at),
            ours.blocks.get(at),
            kramdown.blocks.len(),
            ours.blocks.len()
        ));
    }
    if kramdown.footnotes != ours.footnotes {
        return Some(format!(
            "footnotes: kramdown {}, newsbundle {}",
            kramdown.footnotes, ours.footnotes
        ));
    }
    if kramdown.text != ours.text {
        let theirs: Vec<char> = kramdown.text.chars().collect();
        let mine: Vec<char> = ours.text.chars().collect();
        let at = theirs
            .iter()
            .zip(&mine)
            .position(|(a, b)| a != b)
            .unwrap_or(theirs.len().min(mine.len()));
        let around = |chars: &[char]| -> String {
            chars[at.saturating_sub(20)..(at + 30).min(chars.len())]
                .iter()
                .collect()
        };
        return Some(format!(
            "text differs at char {at}: kramdown {:?}, newsbundle {:?}",
            around(&theirs),
            around(&mine)
        ));
    }
    None
}

/// One post to compare.
struct Case {
    /// As printed: `fixtures/kramdown/…` or `corpus/<archive>/…`.
    name: String,
    body: String,
    site: serde_json::Value,
    xhtml: String,
}

/// Every Markdown fixture and every corpus post, sanitized.
fn cases() -> Vec<Case> {
    let mut roots: Vec<(String, PathBuf)> = vec![(
        "fixtures/kramdown".to_owned(),
        package_root().join("fixtures/kramdown"),
    )];
    if let Ok(entries) = std::fs::read_dir(package_root().join("../shared/corpus")) {
        let mut archives: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.is_dir())
            .collect();
        archives.sort();
        for archive in archives {
            let name = archive.file_name().unwrap_or_default().to_string_lossy();
            roots.push((format!("corpus/{name}"), archive));
        }
    }
    let policy = Policy::builder()
        .extract_trailer(false)
        .build()
        .expect("a consistent policy");
    let mut cases = Vec::new();
    for (label, root) in roots {
        let archive = source::discover(std::slice::from_ref(&root));
        let prefix = format!("{}/", root.display());
        for input in &archive.inputs {
            // Only posts: a corpus archive also holds its SOURCE.md.
            let in_posts = input.path.contains("/_posts/") || label.starts_with("fixtures");
            if !in_posts {
                continue;
            }
            let Ok(post) = parse::load(input, &archive, 64 << 20) else {
                continue;
            };
            let site = input.site.map(|site| &archive.sites[site]);
            let clean = sanitize::sanitize(&post, site, &policy);
            let relative = input.path.strip_prefix(&prefix).unwrap_or(&input.path);
            cases.push(Case {
                name: format!("{label}/{relative}"),
                body: post.body().to_owned(),
                site: serde_json::json!({
                    "url": site.and_then(|site| site.url.clone()),
                    "baseurl": site.and_then(|site| site.baseurl.clone()),
                    "title": site.and_then(|site| site.title.clone()),
                }),
                xhtml: clean.xhtml().to_owned(),
            });
        }
    }
    cases
}

fn kramdown_installed() -> bool {
    Command::new("ruby")
        .args(["-rkramdown", "-rkramdown-parser-gfm", "-e", "1"])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// kramdown's HTML of every case, by name, from one run of the script.
fn kramdown_render(cases: &[Case]) -> BTreeMap<String, String> {
    let script = package_root().join("tests/kramdown/render.rb");
    let mut child = Command::new("ruby")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ruby runs");
    let mut input = String::new();
    for case in cases {
        let line = serde_json::json!({ "name": case.name, "body": case.body, "site": case.site });
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("a pipe to ruby");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("ruby finishes");
    writer
        .join()
        .expect("the writer thread ends")
        .expect("the bodies are written to ruby");
    assert!(output.status.success(), "render.rb failed");
    String::from_utf8(output.stdout)
        .expect("ruby writes UTF-8")
        .lines()
        .map(|line| {
            let rendered: serde_json::Value =
                serde_json::from_str(line).expect("render.rb writes JSON lines");
            (
                rendered["name"].as_str().unwrap_or_default().to_owned(),
                rendered["html"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn newsbundle_renders_bodies_as_kramdown_does() {
    if !kramdown_installed() {
        let message = "ruby-kramdown and ruby-kramdown-parser-gfm are not installed: the oracle \
                       test needs them (`apt-get install -y ruby-kramdown \
                       ruby-kramdown-parser-gfm`; .ci/run does)";
        if std::env::var("CI").is_ok_and(|value| value == "true") {
            panic!("{message}");
        }
        println!("notice: {message}; nothing was compared");
        return;
    }
    let cases = cases();
    let fixtures = cases
        .iter()
        .filter(|case| case.name.starts_with("fixtures/"))
        .count();
    assert!(fixtures >= 8, "the fixtures are there: {fixtures}");
    let rendered = kramdown_render(&cases);
    let known: BTreeMap<&str, &str> = KNOWN_DIFFERENCES.iter().copied().collect();
    let mut problems = Vec::new();
    let mut agreeing = BTreeMap::<&str, (usize, usize)>::new();
    for case in &cases {
        let group = if case.name.starts_with("fixtures/") {
            "fixtures"
        } else {
            "corpus"
        };
        let tally = agreeing.entry(group).or_default();
        tally.1 += 1;
        let Some(html) = rendered.get(&case.name) else {
            problems.push(format!("{}: kramdown rendered nothing", case.name));
            continue;
        };
        let differs = difference(&shape_of(html), &shape_of(&case.xhtml));
        match (&differs, known.get(case.name.as_str())) {
            (None, None) => {
                tally.0 += 1;
                println!("agree   {}", case.name);
            }
            (None, Some(_)) => {
                tally.0 += 1;
                println!("agree   {} (listed as a known difference)", case.name);
                problems.push(format!(
                    "{}: agrees now; take it off KNOWN_DIFFERENCES",
                    case.name
                ));
            }
            (Some(what), Some(reason)) => {
                println!("differ  {}: {what} (known: {reason})", case.name);
            }
            (Some(what), None) => {
                println!("differ  {}: {what}", case.name);
                problems.push(format!("{}: {what}", case.name));
            }
        }
    }
    for name in known.keys() {
        if !cases.iter().any(|case| case.name == *name) {
            problems.push(format!("{name}: listed as a known difference, not found"));
        }
    }
    let (mut agree, mut total) = (0, 0);
    for (group, (yes, all)) in &agreeing {
        println!("kramdown oracle: {group}: {yes} of {all} posts agree");
        agree += yes;
        total += all;
    }
    println!("kramdown oracle: {agree} of {total} posts agree");
    assert!(
        agree as f64 >= REQUIRED_AGREEMENT * total as f64,
        "only {agree} of {total} posts agree with kramdown (at least 98% must)"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn shapes_read_both_outputs_alike() {
    // kramdown's forms of a code block, footnotes and an unlabelled block, and ours.
    let kramdown = "<h2 id=\"a\">A “b”</h2>\n<div class=\"language-ruby highlighter-rouge\"><div class=\"highlight\"><pre class=\"highlight\"><code>x\n</code></pre></div></div>\n<div class=\"language-plaintext highlighter-rouge\"><pre><code>y</code></pre></div><p>n<sup role=\"doc-noteref\"><a href=\"#fn:1\">1</a></sup></p>\n<div class=\"footnotes\"><ol><li id=\"fn:1\"><p>note</p></li></ol></div>";
    let ours = "<h2 id=\"a\">A “b”</h2><pre><code class=\"language-ruby\">x</code></pre><pre><code>y</code></pre><p>n<sup class=\"footnote-ref\"><a href=\"#fn-1\">1</a></sup></p><div class=\"footnote\" id=\"fn-1\"><p>note</p></div>";
    let shape = shape_of(kramdown);
    assert_eq!(shape, shape_of(ours));
    assert_eq!(
        shape.blocks,
        [
            Block::Heading {
                level: 2,
                id: "a".into()
            },
            Block::Code {
                language: Some("ruby".into())
            },
            Block::Code { language: None },
        ]
    );
    assert_eq!(shape.footnotes, 1);
    assert_eq!(shape.text, "A “b” x y n1");
    // A different id, a missing list item and a changed word are all seen.
    assert!(difference(&shape, &shape_of(&ours.replace("id=\"a\"", "id=\"b\""))).is_some());
    assert!(difference(&shape, &shape_of(&ours.replace("“b”", "\"b\""))).is_some());
}
