//! The XHTML → Markdown conversion of the Markdown export, case by case, each case read back
//! as Jekyll (kramdown) reads it; and a property: whatever the sanitizer makes of a body of
//! Markdown, HTML and kramdown pieces, its Markdown reads back with the same visible text.

mod common;

use common::without_whitespace;
use newsbundle::export::markdown::xhtml_to_markdown;
use newsbundle::parse;
use newsbundle::sanitize::{self, Policy};
use newsbundle::source;
use proptest::prelude::*;

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

// ---------------------------------------------------------------------------------------------
// Property

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

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
