use super::*;
use crate::parse;
use crate::source::decode;

fn post(text: &str) -> Post {
    parse::parse("_posts/2022-03-29-test.md", decode(text.as_bytes(), None))
}

fn clean(body: &str) -> CleanBody {
    sanitize(
        &post(&format!("---\ntitle: t\n---\n{body}")),
        None,
        &Policy::default(),
    )
}

/// Parse as XML, wrapped in one element: the output must always be well-formed.
fn assert_well_formed(xhtml: &str) {
    let wrapped = format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{xhtml}</div>");
    if let Err(error) = roxmltree::Document::parse(&wrapped) {
        panic!("not well-formed XML ({error}):\n{xhtml}");
    }
}

#[test]
fn an_implied_end_tag_loses_nothing() {
    let body = clean("<div><p>hello<p style=\"color:red\">world</div>after");
    assert_eq!(body.xhtml(), "<div><p>hello</p><p>world</p></div>after");
    assert_well_formed(body.xhtml());
}

#[test]
fn hidden_and_dangerous_content_is_removed_and_listed() {
    let body = clean("<p style=\"display:none\">隐藏<br></p><p>正文<script>alert(1)</script></p><p onclick=\"x()\">点击</p>");
    assert_eq!(body.xhtml(), "<p>正文</p><p>点击</p>");
    let reasons: Vec<_> = body
        .removals()
        .iter()
        .map(|removal| removal.reason)
        .collect();
    assert!(reasons.contains(&RemovalReason::HiddenContent));
    assert!(reasons.contains(&RemovalReason::DangerousElement));
    assert!(reasons.contains(&RemovalReason::EventHandler));
}

#[test]
fn news_trailer_is_taken_out() {
    let body = clean("<p>正文。</p>\n\n<http://news.example.cn/a/1.html>\n\n[返回财经](//news.example.cn/caijing/)｜[返回首页](//news.example.cn/)");
    assert_eq!(body.xhtml(), "<p>正文。</p>");
    assert_eq!(
        body.source().unwrap().url,
        "http://news.example.cn/a/1.html"
    );
    let navigation: Vec<_> = body
        .navigation()
        .iter()
        .map(|link| link.url.as_str())
        .collect();
    assert_eq!(
        navigation,
        [
            "https://news.example.cn/caijing/",
            "https://news.example.cn/"
        ]
    );
}

#[test]
fn links_carry_their_position_in_the_file() {
    let text = "---\ntitle: t\n---\n第一段\n\n<p>见<a href=\"javascript:alert(1)\">此处</a>与<span href=\"http://quote.example.cn/x\">某股</span></p>\n";
    let body = sanitize(&post(text), None, &Policy::default());
    assert_eq!(
        body.xhtml(),
        "<p>第一段</p>\n<p>见<a>此处</a>与<a href=\"http://quote.example.cn/x\">某股</a></p>"
    );
    let first = &body.links()[0];
    assert_eq!(
        first.problem,
        Some(LinkProblem::RefusedScheme("javascript".into()))
    );
    assert_eq!(first.span.start, text.find("<a href").unwrap());
    assert_eq!(body.links()[1].span.start, text.find("<span").unwrap());
}

#[test]
fn deprecated_elements_are_mapped() {
    let body = clean("<center><font color=red>居中</font></center>");
    assert_eq!(body.xhtml(), "<div>居中</div>");
}

#[test]
fn output_is_idempotent_and_well_formed_on_odd_input() {
    for input in [
        "<table><tr><td>a<td>b</table>",
        "<b><i>x</b>y</i>",
        "<p>a &nbsp; &copy; &#0; \u{1}</p>",
        "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg><math><mi>y</mi></math>",
        "<img src=x onerror=alert(1)><img>",
        "<a href=\"  jav&#x09;ascript:alert(1)\">z</a>",
        "<!-- comment --><![CDATA[x]]><?php echo 1 ?>",
    ] {
        let once = clean(input);
        assert_well_formed(once.xhtml());
        let twice = clean(once.xhtml());
        assert_eq!(once.xhtml(), twice.xhtml(), "not idempotent on {input:?}");
    }
}

#[test]
fn templates_do_not_reach_the_text() {
    let body = clean("第一段。\n{: .notice}\n\n{% include toc %}\n\n第二段{{ page.title }}。");
    assert_eq!(body.text(), "第一段。\n第二段。");
    assert_eq!(body.constructs().len(), 3);
}

#[test]
fn text_is_conserved_minus_removals() {
    let text = "---\ntitle: t\n---\n<p style=\"display:none\">隐藏</p><p>正文一</p>\n\n{% include x %}\n\n<http://a.example/1>\n\n[返回首页](../)\n";
    let parsed = post(text);
    let body = sanitize(&parsed, None, &Policy::default());
    let mut expected: String = input_visible_text(&parsed, None, &Policy::default())
        .split_whitespace()
        .collect();
    for removal in body.removals() {
        let removed: String = removal.text.split_whitespace().collect();
        if let Some(at) = expected.find(&removed) {
            expected.replace_range(at..at + removed.len(), "");
        }
    }
    let kept: String = body.text().split_whitespace().collect();
    assert_eq!(kept, expected);
}

#[test]
fn a_renamed_element_closed_by_its_parent_leaves_the_parent_closed() {
    // lol_html would rename the `</div>` that implicitly ends the `<span>`/`<tt>`.
    let body = clean("<div>某<span href=\"http://x.example/\">股票</div><p>下一段</p>");
    assert_eq!(
        body.xhtml(),
        "<div>某<a href=\"http://x.example/\">股票</a></div><p>下一段</p>"
    );
    let unclosed: Vec<&str> = body
        .unclosed()
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(unclosed, ["span"]);
}

#[test]
fn what_goes_with_a_dropped_element_is_one_removal() {
    let text = "---\ntitle: t\n---\n<div style=\"display:none\" onclick=\"x()\"><p style=\"color:red\">隐藏</p></div><iframe width=\"1\" src=\"//v.example/\"></iframe>";
    let body = sanitize(&post(text), None, &Policy::default());
    let removals: Vec<_> = body
        .removals()
        .iter()
        .map(|removal| (removal.reason, removal.span.start))
        .collect();
    assert_eq!(
        removals,
        [
            (RemovalReason::HiddenContent, text.find("<div").unwrap()),
            (
                RemovalReason::DangerousElement,
                text.find("<iframe").unwrap()
            ),
        ]
    );
}

#[test]
fn kramdown_extensions_end_markers_are_recognised() {
    let body = clean("{::comment}\n备注\n{:/comment}\n\n正文");
    assert!(!body.text().contains("{:/"), "{:?}", body.text());
    // The comment extension hides its content: one construct, the whole block.
    assert!(!body.text().contains("备注"), "{:?}", body.text());
    assert_eq!(body.constructs().len(), 1);
}

#[test]
fn a_link_inside_a_link_is_unwrapped() {
    let body = clean("<p><span href=\"http://quote.example.cn/a\">股票<a href=\"http://quote.example.cn/b\">代码</a></span></p>");
    assert_eq!(
        body.xhtml(),
        "<p><a href=\"http://quote.example.cn/a\">股票代码</a></p>"
    );
    assert_eq!(body.links().len(), 1);
}

/// The clean body and where its excerpt ends, for a post with `front_matter` and `body`.
fn excerpt_of(front_matter: &str, body: &str, site: Option<&Site>) -> (String, Option<String>) {
    let text = format!("---\n{front_matter}---\n{body}");
    let post = crate::parse::parse(
        "site/_posts/2020-01-01-a.md",
        crate::source::decode(text.as_bytes(), None),
    );
    let clean = sanitize(&post, site, &Policy::default());
    let head = clean
        .excerpt_end()
        .map(|end| clean.xhtml()[..end].trim().to_owned());
    (clean.xhtml().to_owned(), head)
}

#[test]
fn excerpt_markers_are_kept_as_a_position_between_blocks() {
    let (xhtml, head) = excerpt_of("", "One.\n\n<!--more-->\n\nTwo.\n", None);
    assert_eq!(xhtml, "<p>One.</p>\n\n<p>Two.</p>");
    assert_eq!(head.as_deref(), Some("<p>One.</p>"));
    // Zola's spelling; inside a paragraph it counts after the paragraph.
    let (_, head) = excerpt_of("", "One <!-- more --> and on.\n\nTwo.\n", None);
    assert_eq!(head.as_deref(), Some("<p>One  and on.</p>"));
    // In code it is code; first or last it marks nothing.
    let (xhtml, head) = excerpt_of("", "`<!--more-->`\n\n    <!--more-->\n\nTwo.\n", None);
    assert!(xhtml.contains("&lt;!--more--&gt;"), "{xhtml}");
    assert_eq!(head, None);
    assert_eq!(excerpt_of("", "One.\n\n<!--more-->\n", None).1, None);
    // The site's or the post's `excerpt_separator`, when it is a comment.
    let site = Site::from_config(
        "site".into(),
        "site/_config.yml".into(),
        "excerpt_separator: <!-- cut -->\n".into(),
    );
    let body = "One.\n\n<!--cut-->\n\nTwo.\n";
    assert_eq!(
        excerpt_of("", body, Some(&site)).1.as_deref(),
        Some("<p>One.</p>")
    );
    assert_eq!(excerpt_of("", body, None).1, None);
    let own = "excerpt_separator: \"<!--cut-->\"\n";
    assert_eq!(
        excerpt_of(own, body, None).1.as_deref(),
        Some("<p>One.</p>")
    );
}

#[test]
fn heading_ids_are_kept_up_to_the_length_limit() {
    let at_limit = "标".repeat(policy::MAX_ID_CHARS);
    let over = "a".repeat(policy::MAX_ID_CHARS + 1);
    let body = clean(&format!(
        "<h2 id=\"{at_limit}\">kept</h2>\n\n<h2 id=\"{over}\">dropped</h2>\n\n<h2 id=\"a b\">dropped</h2>"
    ));
    assert_eq!(
        body.xhtml(),
        format!("<h2 id=\"{at_limit}\">kept</h2>\n<h2>dropped</h2>\n<h2>dropped</h2>")
    );
}
