//! Sanitize: the XSS corpus in `fixtures/sanitize/` (one attack or oddity per file) through
//! `sanitize::sanitize` under the default policy, a fixture in and a snapshot out, and what
//! every output must be, whatever the input:
//!
//! - well-formed: it parses as XML, wrapped in one element;
//! - inert: only allowed elements and attributes, no event handler, no `style`, `srcdoc` or
//!   `formaction`, every `href`/`src`/`cite` http(s), mailto, relative or (on `img`) a raster
//!   `data:image`, and no `javascript:`, `vbscript:` or `data:` in an attribute (see
//!   [`SchemeText`] for the exceptions the property tests make);
//! - no looser than ammonia: whatever `ammonia::clean` removes from a fixture and we keep is in
//!   [`KEPT_BUT_AMMONIA_REMOVES`], with the reason;
//! - idempotent: the output, sanitized again, comes back unchanged (see [`check_idempotent`]
//!   for how it is given back);
//! - text-conserving: the input's visible text is the output's text with the text of the
//!   removals put back (see [`check_text_conserved`]);
//! - bounded: a 5 MB body and 10,000 nested elements come out whole (the result is asserted,
//!   never a timing).
//!
//! What fails today is listed in [`KNOWN_FAILURES`], each with its FIXME and a fixture, and
//! the property tests steer clear of it. They keep their case counts moderate so that this
//! file stays fast in a debug build; `cargo xtask fuzz sanitize` explores the same path for
//! longer. Removal positions, links and the lint rules built on them are tested in
//! `src/sanitize/tests.rs` and `tests/lint.rs`, not here.
//!
//! This file is longer than 1,000 lines because the fixture checks, the property tests and the
//! ammonia differential share one set of checks (`check_output`, `check_text_conserved`, …)
//! and the soup generator; split apart, each would need them all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use newsbundle::parse::{self, Post};
use newsbundle::sanitize::{self, CleanBody, Policy, RemovalReason};
use newsbundle::source;
use proptest::prelude::*;

const PATH: &str = "_posts/2021-12-08-sanitize.md";
const FRONT_MATTER: &str = "---\ntitle: t\n---\n";
const XHTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// A post whose body is `body`.
fn post(body: &[u8]) -> Post {
    let mut bytes = FRONT_MATTER.as_bytes().to_vec();
    bytes.extend_from_slice(body);
    parse::parse(PATH, source::decode(&bytes, None))
}

fn clean(post: &Post) -> CleanBody {
    sanitize::sanitize(post, None, &Policy::default())
}

/// An element of an output, as an XML parser sees it.
struct Element {
    name: String,
    namespace: Option<String>,
    /// Name (`{namespace}name` when it has one) and value, entities decoded.
    attributes: Vec<(String, String)>,
}

/// The elements of `xhtml`, parsed as XML inside one wrapper element, or why it is not
/// well-formed.
fn elements(xhtml: &str) -> Result<Vec<Element>, String> {
    let wrapped = format!("<div xmlns=\"{XHTML_NAMESPACE}\">{xhtml}</div>");
    let document = roxmltree::Document::parse(&wrapped)
        .map_err(|error| format!("not well-formed XML ({error})"))?;
    Ok(document
        .root_element()
        .descendants()
        .skip(1)
        .filter(|node| node.is_element())
        .map(|node| Element {
            name: node.tag_name().name().to_owned(),
            namespace: node.tag_name().namespace().map(str::to_owned),
            attributes: node
                .attributes()
                .map(|attribute| {
                    let name = match attribute.namespace() {
                        Some(namespace) => format!("{{{namespace}}}{}", attribute.name()),
                        None => attribute.name().to_owned(),
                    };
                    (name, attribute.value().to_owned())
                })
                .collect(),
        })
        .collect())
}

/// Where the inert check looks for `javascript:`, `vbscript:` and `data:` as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SchemeText {
    /// In no attribute at all: the fixtures, written by hand, never need one.
    Nowhere,
    /// In no attribute but those whose value is plain text to a browser (`title`, `alt`,
    /// `lang`, …, see [`TEXT_ATTRIBUTES`]) and URLs that passed [`check_url`]: random input
    /// puts `javascript:alert(1)` in a `title`, which the policy keeps as the tooltip it is,
    /// and in the path of a URL (`https://evil.example/x/href="javascript:alert(1)`, from an
    /// unquoted value running on); no browser fetches or runs either as script.
    OutsideTextAndCheckedUrls,
}

/// Allowed attributes whose value a browser never treats as a URL or as code.
const TEXT_ATTRIBUTES: &[&str] = &[
    "title", "alt", "lang", "dir", "datetime", "width", "height", "start", "reversed", "value",
    "colspan", "rowspan", "scope", "span",
];

/// The attributes holding a URL in the output.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

/// Well-formed and inert, or what is wrong.
fn check_output(xhtml: &str, scheme_text: SchemeText) -> Result<(), String> {
    let policy = Policy::default();
    for element in elements(xhtml)? {
        let name = element.name.as_str();
        if element.namespace.as_deref() != Some(XHTML_NAMESPACE) {
            return Err(format!(
                "<{name}> is in namespace {:?}, not XHTML",
                element.namespace
            ));
        }
        if !policy.allows_element(name) {
            return Err(format!("<{name}> is not an allowed element"));
        }
        for (attribute, value) in &element.attributes {
            let lowercase = attribute.to_ascii_lowercase();
            if lowercase.starts_with("on") {
                return Err(format!("<{name} {attribute}>: an event handler"));
            }
            if matches!(lowercase.as_str(), "style" | "srcdoc" | "formaction") {
                return Err(format!("<{name} {attribute}> is never allowed"));
            }
            if attribute == "class" {
                // Only whole class names the policy keeps, nothing else in the value.
                if policy.kept_classes(name, value).as_deref() != Some(value.as_str()) {
                    return Err(format!(
                        "<{name} class=\"{value}\"> is not an allowed class"
                    ));
                }
            } else if attribute == "id" {
                // Only ids the policy keeps (a footnote's, a heading's).
                if !policy.keeps_id(name, value) {
                    return Err(format!("<{name} id=\"{value}\"> is not an allowed id"));
                }
            } else if !policy.allows_attribute(name, attribute) {
                return Err(format!("<{name} {attribute}> is not an allowed attribute"));
            }
            let is_url = URL_ATTRIBUTES.contains(&attribute.as_str());
            if is_url {
                check_url(name, attribute, value)?;
            }
            let exempt = scheme_text == SchemeText::OutsideTextAndCheckedUrls
                && (is_url || TEXT_ATTRIBUTES.contains(&attribute.as_str()));
            if exempt || is_raster_data_image(name, attribute, value) {
                continue;
            }
            // What a browser would read: case and the whitespace and controls it skips do
            // not matter.
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                if squashed.contains(scheme) {
                    return Err(format!("<{name} {attribute}={value:?}> holds {scheme}"));
                }
            }
        }
    }
    Ok(())
}

/// `href`, `src` and `cite` are http(s), mailto, relative, or a raster image inline in an
/// `img`. Checked the way a browser reads a URL (the WHATWG URL parser strips leading and
/// trailing C0 controls and spaces and ignores tabs and newlines), not the way the
/// sanitizer does.
fn check_url(element: &str, attribute: &str, value: &str) -> Result<(), String> {
    let url: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // A browser reads `\` as `/` in http(s) URLs: `\\host` is protocol-relative too.
    if url.starts_with(['/', '\\']) && url[1..].starts_with(['/', '\\']) {
        return Err(format!(
            "<{element} {attribute}={value:?}>: protocol-relative, the policy rewrites those"
        ));
    }
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        None | Some("http" | "https" | "mailto") => Ok(()),
        Some("data") if is_raster_data_image(element, attribute, value) => Ok(()),
        Some(scheme) => Err(format!(
            "<{element} {attribute}={value:?}>: scheme {scheme:?} is not allowed"
        )),
    }
}

/// `<img src="data:image/png…">` (PNG, JPEG, GIF, WebP: no SVG, which can hold script).
fn is_raster_data_image(element: &str, attribute: &str, value: &str) -> bool {
    let value = value.trim().to_ascii_lowercase();
    element == "img"
        && attribute == "src"
        && ["png", "jpeg", "jpg", "gif", "webp"].iter().any(|kind| {
            value
                .strip_prefix("data:image/")
                .and_then(|rest| rest.strip_prefix(kind))
                .is_some_and(|rest| rest.starts_with([';', ',']))
        })
}

/// Sanitizing the output again changes nothing.
///
/// The output is given back as the body of a post, inside a `<div>`, written for an HTML
/// parser: line breaks and `{` as character references, so that it is one line the Markdown
/// stage passes through as is, with no brace for the template stage; and a `<pre>` whose text
/// starts with a line break gets one more, as the HTML serializer writes it (an HTML parser
/// drops the first, an XML parser does not). Read again as Markdown and Liquid, it would not
/// come back unchanged, through no fault of the HTML sanitizer (FIXME: that is worth knowing
/// all the same): content left at the top level outside a block (`<table><img src=x>…` gives
/// `<img src="x" /><table>…`) becomes a Markdown paragraph, and Markdown in it is read
/// (`[x](javascript:…)`, literal text in the first output, becomes a link); a blank line left
/// where a dropped block stood ends the HTML block (`<p>a</p>\n<script>x</script>\n<p>b</p>`
/// gives `<p>a</p>\n\n<p>b</p>`, then `<p>a</p>\n<p>b</p>`), as does a line that held only a
/// NUL; `{{ … }}` kept as text is a Liquid tag the second time.
fn check_idempotent(body: &CleanBody) -> Result<(), String> {
    let mut as_html = String::new();
    let mut rest = body.xhtml();
    while let Some(at) = rest.find("<pre") {
        let tag_end = match rest[at + 4..].chars().next() {
            Some('>' | ' ') => rest[at..].find('>').map(|end| at + end + 1),
            _ => None,
        }
        .unwrap_or(at + 4);
        as_html.push_str(&rest[..tag_end]);
        rest = &rest[tag_end..];
        if tag_end > at + 4 && rest.starts_with('\n') {
            as_html.push('\n');
        }
    }
    as_html.push_str(rest);
    let mut one_line = String::from("<div>");
    for c in as_html.chars() {
        match c {
            '\n' => one_line.push_str("&#10;"),
            '\r' => one_line.push_str("&#13;"),
            '{' => one_line.push_str("&#123;"),
            c => one_line.push(c),
        }
    }
    one_line.push_str("</div>");
    let again = clean(&post(one_line.as_bytes()));
    let expected = format!("<div>{}</div>", body.xhtml());
    if again.xhtml() == expected {
        Ok(())
    } else {
        Err(format!(
            "not idempotent:\nonce:  {:?}\ntwice: {:?}",
            expected,
            again.xhtml()
        ))
    }
}

/// The input's visible text is the output's text with the text of each removal put back
/// where it was, in order; whitespace does not count. The check of the unit test
/// `text_is_conserved_minus_removals`, made exact (that one takes each removal's text out at
/// its first occurrence, which is the wrong one when the text also occurs earlier: `><p`
/// in `</script><p …<svg>><p`), and with two refinements:
///
/// - the input's visible text is read after the template and kramdown stages
///   (`input_visible_text` does that) and without the trailer, rather than minus their text
///   afterwards: the trailer is
///   cut by lines, whatever Markdown makes of them (after `</table>` and no blank line,
///   `[返回首页](../)` is raw HTML, shown as is, but the trailer's text is `返回首页`);
/// - the characters XML cannot carry (controls but tab and line breaks, U+FFFE, U+FFFF), which
///   no reader sees, do not count either.
fn check_text_conserved(post: &Post, body: &CleanBody) -> Result<(), String> {
    let significant = |text: &str| -> String {
        text.chars()
            .filter(|c| {
                !c.is_whitespace() && !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
            })
            .collect()
    };
    let mut without_trailer = post.text().to_owned();
    if let Some(trailer) = body
        .removals()
        .iter()
        .find(|removal| removal.reason == RemovalReason::Trailer)
    {
        if without_trailer.is_char_boundary(trailer.span.start) {
            without_trailer.truncate(trailer.span.start);
        }
    }
    // The text is decoded already: decoding it again would change it (`\r\r\n` is `\r\n` once
    // decoded, `\n` twice).
    let mut decoded = source::decode(without_trailer.as_bytes(), None);
    decoded.text = without_trailer;
    let without_trailer = parse::parse(PATH, decoded);
    let input = sanitize::input_visible_text(&without_trailer, None, &Policy::default());
    let removed: Vec<String> = body
        .removals()
        .iter()
        .filter(|removal| {
            !matches!(
                removal.reason,
                RemovalReason::Template | RemovalReason::Trailer
            )
        })
        .map(|removal| significant(&removal.text))
        .filter(|text| !text.is_empty())
        .collect();
    let kept = significant(body.text());
    let input = significant(&input);
    if is_interleaving(&input, &kept, &removed) || is_rearrangement(&input, &kept, &removed) {
        Ok(())
    } else {
        Err(format!(
            "text not conserved:\ninput:    {input:?}\nkept:     {:?}\nremovals: {:?}",
            body.text(),
            body.removals()
        ))
    }
}

/// True when `input` is `kept` with the `removed` pieces inserted, in order: `input` is
/// `k0 r1 k1 r2 … rn kn` where `k0 k1 … kn` is `kept`.
///
/// A search over the places each piece may start: a state is a pair of positions in `input`
/// and `kept`; from each, matching goes on while the two agree, and the next piece may start
/// anywhere along the way.
fn is_interleaving(input: &str, kept: &str, removed: &[String]) -> bool {
    let (input, kept) = (input.as_bytes(), kept.as_bytes());
    let agree = |i: usize, j: usize| -> usize {
        input[i..]
            .iter()
            .zip(&kept[j..])
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut states = BTreeSet::from([(0, 0)]);
    for piece in removed {
        let mut next = BTreeSet::new();
        // States on one diagonal (`i - j`) share their runs: a state inside an earlier one's
        // run has the rest of that run as its own, which is scanned already.
        let mut scanned_to: BTreeMap<usize, usize> = BTreeMap::new();
        for &(start, kept_start) in &states {
            let diagonal = start - kept_start;
            if scanned_to.get(&diagonal).is_some_and(|end| start <= *end) {
                continue;
            }
            let end = start + agree(start, kept_start);
            for i in start..=end {
                if input[i..].starts_with(piece.as_bytes()) {
                    next.insert((i + piece.len(), i - diagonal));
                }
            }
            scanned_to.insert(diagonal, end);
        }
        states = next;
    }
    states
        .into_iter()
        .any(|(i, j)| input.len() - i == kept.len() - j && agree(i, j) == input.len() - i)
}

/// True when `kept` is in `input` in order and the rest of `input` is the `removed` pieces'
/// characters in some order. Content a table cannot hold is moved before the table
/// (foster-parented), so in the tree its text comes before text written earlier, while
/// removals are listed in file order: when both the moved content and the table are removed,
/// their pieces are not in the input's order, and nothing is lost.
fn is_rearrangement(input: &str, kept: &str, removed: &[String]) -> bool {
    let mut rest: BTreeMap<char, usize> = BTreeMap::new();
    let mut kept_chars = kept.chars().peekable();
    for c in input.chars() {
        if kept_chars.peek() == Some(&c) {
            kept_chars.next();
        } else {
            *rest.entry(c).or_default() += 1;
        }
    }
    let mut removed_chars: BTreeMap<char, usize> = BTreeMap::new();
    for c in removed.iter().flat_map(|piece| piece.chars()) {
        *removed_chars.entry(c).or_default() += 1;
    }
    kept_chars.peek().is_none() && rest == removed_chars
}

/// Everything the property tests hold an output to.
fn check_properties(bytes: &[u8]) -> Result<(), TestCaseError> {
    let post = post(bytes);
    let body = clean(&post);
    // FIXME: an output with a block in a `<p>`, an `<a>` in an `<a>`, … is not idempotent (an
    // HTML parser reading it again takes the inner one out); see `breaks_html_nesting` and
    // `KNOWN_FAILURES`.
    let idempotent = if breaks_html_nesting(body.xhtml()) {
        Ok(())
    } else {
        check_idempotent(&body)
    };
    check_output(body.xhtml(), SchemeText::OutsideTextAndCheckedUrls)
        .and(idempotent)
        .and_then(|()| check_text_conserved(&post, &body))
        .map_err(|error| TestCaseError::fail(format!("{error}\noutput: {:?}", body.xhtml())))
}

/// Elements a `<p>` cannot hold (it holds phrasing content only): the HTML parser closes the
/// `<p>` before each.
const NOT_IN_PARAGRAPH: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
    "figure",
    "figcaption",
    "hr",
];

/// Nesting that an HTML parser undoes when it reads the markup: a block in a `<p>`, a link in
/// a link, a heading in a heading, a list item in a list item with no list between. Such
/// trees come out of html5ever all the same (a heading foster-parented out of a table into
/// the heading around it: `<h1><table><h1>`; the content of an unwrapped `marquee`), and are
/// written as they are: well-formed XML, but not valid XHTML.
fn breaks_html_nesting(xhtml: &str) -> bool {
    const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
    let wrapped = format!("<div xmlns=\"{XHTML_NAMESPACE}\">{xhtml}</div>");
    let Ok(document) = roxmltree::Document::parse(&wrapped) else {
        return false;
    };
    // The nearest ancestor named in `names`, unless one named in `boundaries` comes first.
    let inside = |node: roxmltree::Node, names: &[&str], boundaries: &[&str]| {
        node.ancestors()
            .skip(1)
            .filter(|ancestor| ancestor.is_element())
            .map(|ancestor| ancestor.tag_name().name())
            .find(|name| names.contains(name) || boundaries.contains(name))
            .is_some_and(|name| names.contains(&name))
    };
    let broken = document.descendants().any(|node| {
        let name = node.tag_name().name();
        node.is_element()
            && ((name == "a" && inside(node, &["a"], &[]))
                || (NOT_IN_PARAGRAPH.contains(&name) && inside(node, &["p"], &[]))
                || (HEADINGS.contains(&name) && inside(node, HEADINGS, &[]))
                || (name == "li" && inside(node, &["li"], &["ul", "ol"]))
                || (matches!(name, "dt" | "dd") && inside(node, &["dt", "dd"], &["dl"])))
    });
    broken
}

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

/// The fixture's bytes, with the controls that a snapshot should not hold made visible.
fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() || matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}') => {
                c.escape_unicode().to_string()
            }
            c => c.to_string(),
        })
        .collect()
}

/// The snapshot of one fixture: input, output, and what was removed.
fn render(input: &[u8], body: &CleanBody) -> String {
    let mut out = format!(
        "input:\n{}\nxhtml:\n{}\n\nremovals:\n",
        printable(input).trim_end(),
        body.xhtml()
    );
    for removal in body.removals() {
        out.push_str(&format!("  {:?}", removal.reason));
        if !removal.element.is_empty() {
            out.push_str(&format!(" <{}>", removal.element));
        }
        if !removal.detail.is_empty() {
            out.push_str(&format!(" {:?}", printable(removal.detail.as_bytes())));
        }
        if !removal.text.is_empty() {
            out.push_str(&format!(" text {:?}", printable(removal.text.as_bytes())));
        }
        out.push('\n');
    }
    if body.removals().is_empty() {
        out.push_str("  (none)\n");
    }
    out
}

/// A property a fixture's output is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    Idempotent,
    TextConserved,
}

/// Fixtures that fail a check today, and why. The test fails when one passes, so that the
/// entry goes; the property tests keep clear of these inputs (each FIXME says how).
const KNOWN_FAILURES: &[(&str, Check)] = &[
    // FIXME: `marquee` is a scope boundary for the HTML parser (like `object` and `applet`,
    // which are dropped whole): a `<p>` inside it does not close the `<p>` around it.
    // Unwrapping the `marquee` then leaves a `<p>` in a `<p>` (a link in a link, the same way,
    // is unwrapped by the tree pass): well-formed XML, but not valid XHTML, and an HTML parser
    // reading it again takes the inner one out. The tree pass would need to see `marquee` as
    // an ordinary element (renaming it in the streaming pass is not safe: lol_html renames
    // whatever end tag closes it, even an ancestor's). The property tests skip the
    // idempotence of outputs with such nesting (`breaks_html_nesting`); html5ever builds some
    // itself (a heading foster-parented into a heading: `<h1><table><h1>`).
    ("nesting-marquee-scope-boundary.html", Check::Idempotent),
    // FIXME: lol_html does not switch to raw text after a raw-text element's start tag that
    // ends in an attribute with `=` and no value (`<script a=>`, `<style a= >`, `<textarea
    // a=>`, …; found by the soup test). It then reads the raw text as markup, and the
    // streaming pass edits it: stripping `class="</script>"` from a "tag" in the script's
    // text takes out the end tag html5ever would have stopped at, so the script swallows
    // what follows, and the text after it is lost, unreported. Not a hole (the tree pass
    // sanitizes whatever html5ever builds), but a silent loss. The soup never writes an
    // unquoted empty value.
    ("script-missing-attribute-value.html", Check::TextConserved),
    // FIXME: lol_html stays in foreign content after a self-closing `<svg />` or `<math />`
    // (html5ever, like a browser, leaves it), so it does not switch to raw text for the
    // `<script>`, `<style>`, `<textarea>` or `<plaintext>` that follows (found by the soup
    // test). The streaming pass then edits markup that html5ever reads as text: here its
    // private marks (`datafld`, `datapagesize`) end up in the text of the dropped
    // `<plaintext>`, as the removal reports it; in a `<script>`, the same edits can take out
    // the end tag, as above. The soup never writes `<svg />` or `<math />`.
    ("svg-self-closing-then-raw-text.html", Check::TextConserved),
    // FIXME: the same, when an HTML start tag (`<p>`) breaks out of foreign content: html5ever
    // leaves the `<svg>` there, lol_html does not, and reads the `<plaintext>` that follows
    // as markup (found by the soup test). The soup's property steers clear of a raw-text
    // element after an `<svg>` or `<math>` (`foreign_then_raw_text`).
    ("svg-breakout-then-raw-text.html", Check::TextConserved),
    // FIXME: in a `foreignObject` of an `<svg>`, `<![CDATA[…]]>` is a CDATA section for
    // html5ever (the element is SVG's, so the standard allows one), a bogus comment that ends
    // at the first `>` for lol_html, which reads what follows as markup and marks its tags (a
    // section without `>` is kept as written, `svg-foreignobject-cdata.html`). Found by the
    // soup test; the svg is dropped whole either way, and its removal reports the marked text.
    // The soup's property steers clear of a CDATA section after an `<svg>` or `<math>`.
    (
        "svg-foreignobject-cdata-with-markup.html",
        Check::TextConserved,
    ),
];

/// True when a raw-text element or a CDATA section follows an `<svg>` or `<math>`: the
/// streaming pass and the tree disagree on where foreign content ends, and on CDATA in it (see
/// `KNOWN_FAILURES`).
fn foreign_then_raw_text(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    let Some(foreign) = [lower.find("<svg"), lower.find("<math")]
        .into_iter()
        .flatten()
        .min()
    else {
        return false;
    };
    [
        "<script",
        "<style",
        "<textarea",
        "<plaintext",
        "<xmp",
        "<noembed",
        "<noframes",
        "<title",
        "<iframe",
        "<noscript",
        "<![cdata[",
    ]
    .iter()
    .any(|raw| lower[foreign..].contains(raw))
}

#[test]
fn fixtures() {
    let mut wrong = Vec::new();
    let mut count = 0;
    insta::glob!("../fixtures/sanitize", "*.html", |path| {
        count += 1;
        let input = std::fs::read(path).expect("a readable fixture");
        let post = post(&input);
        let body = clean(&post);
        let name = file_name(path);
        let checks = [
            (Check::Idempotent, check_idempotent(&body)),
            (Check::TextConserved, check_text_conserved(&post, &body)),
        ];
        let mut problems = Vec::new();
        if let Err(error) = check_output(body.xhtml(), SchemeText::Nowhere) {
            problems.push(error);
        }
        for (check, result) in checks {
            let known = KNOWN_FAILURES.contains(&(name.as_str(), check));
            match result {
                Ok(()) if known => problems.push(format!(
                    "passes {check:?} now: take it out of KNOWN_FAILURES"
                )),
                Err(error) if !known => problems.push(error),
                _ => {}
            }
        }
        if !problems.is_empty() {
            wrong.push(format!(
                "{name}: {}\noutput: {}",
                problems.join("\n"),
                body.xhtml()
            ));
        }
        insta::assert_snapshot!(render(&input, &body));
    });
    assert!(count >= 60, "only {count} fixtures in fixtures/sanitize");
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n\n"));
}

/// kramdown's block syntax (`fixtures/kramdown/blocks-*.md`, posts with their own front
/// matter), held to the same checks as the fixtures above, and the snapshot with the kramdown
/// constructs recorded. Real kramdown renders the same files in `tests/kramdown_oracle.rs`.
#[test]
fn kramdown_block_fixtures() {
    let mut wrong = Vec::new();
    let mut count = 0;
    insta::glob!("../fixtures/kramdown", "blocks-*.md", |path| {
        count += 1;
        let input = std::fs::read(path).expect("a readable fixture");
        let post = parse::parse(PATH, source::decode(&input, None));
        let body = clean(&post);
        let checks = [
            check_output(body.xhtml(), SchemeText::Nowhere),
            check_idempotent(&body),
            check_text_conserved(&post, &body),
        ];
        let problems: Vec<String> = checks.into_iter().filter_map(Result::err).collect();
        if !problems.is_empty() {
            wrong.push(format!("{}: {}", file_name(path), problems.join("\n")));
        }
        let mut snapshot = render(&input, &body);
        snapshot.push_str("\nconstructs:\n");
        for construct in body.constructs() {
            let text = &post.text()[construct.span.clone()];
            assert_eq!(
                text,
                construct.text,
                "{}: a construct's span",
                file_name(path)
            );
            snapshot.push_str(&format!("  {:?} {:?}\n", construct.kind, construct.text));
        }
        insta::assert_snapshot!(snapshot);
    });
    assert!(count >= 10, "only {count} fixtures in fixtures/kramdown");
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n\n"));
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Differential: ammonia
// ---------------------------------------------------------------------------------------------

/// What our output keeps and `ammonia::clean` (its default policy) removes from the same
/// fixture, as (fixture, what): an element (`name`) or an attribute (`element[attribute]`,
/// and `element[attribute=data:]` for a `data:` URL), counted, so that one more `<a>` than
/// ammonia's output has is "kept". Each entry says why that is safe and intended; an entry
/// no fixture needs any more fails the test too.
const KEPT_BUT_AMMONIA_REMOVES: &[(&str, &str)] = &[
    // `dir` is allowed everywhere (ammonia allows it on `bdo` only): news quotes Arabic and
    // Hebrew sources, and `dir` only sets the text direction; it loads and runs nothing.
    ("attr-class-id-data-align.html", "p[dir]"),
    // A code block's language (`class="language-x"`, matched as a whole by the policy's
    // class patterns): highlighting survives a migration, and a class runs nothing.
    ("markdown-code-keeps-markup-as-text.html", "code[class]"),
    // Raster images inline as `data:image/png|jpeg|gif|webp` (`Policy::data_images`, on by
    // default): an e-book must be self-contained, and a raster image cannot hold script.
    // `data:image/svg+xml` and every other `data:` URL are refused (img-data-svg.html).
    ("img-data-png.html", "img[src=data:]"),
    ("img-data-image-type-lookalikes.html", "img[src=data:]"),
    // scraper's tree sink does not implement html5ever's `annotation-xml` integration-point
    // hook, so `<annotation-xml encoding="text/html">` is not an HTML integration point for
    // us: the `<img>` breaks out of the `<math>`, which is dropped, and is kept without its
    // `onerror` (ammonia's own tree keeps it inside the `<math>` and drops both). Safe: the
    // output is serialized anew, and what a browser parses there is a plain `<img src="x">`.
    ("math-annotation-xml-html.html", "img"),
    ("math-annotation-xml-html.html", "img[src]"),
    // Deprecated presentational elements are mapped to their modern equivalent rather than
    // kept (`center` → `div`, `tt` → `code`, `strike` → `s`, `acronym` → `abbr`, with the
    // `title` of the `acronym`); ammonia keeps the old names, so ours count as extra.
    ("news-center-font.html", "div"),
    ("news-tt-strike-acronym.html", "abbr"),
    ("news-tt-strike-acronym.html", "abbr[title]"),
    ("news-tt-strike-acronym.html", "code"),
    ("news-tt-strike-acronym.html", "s"),
    // News sites mark stock names up as `<span href="…">`, meant as a link: it becomes an
    // `<a>` whose `href` goes through the same URL check as any other (a `javascript:` one
    // is refused, leaving a bare `<a>`).
    ("news-span-href.html", "a"),
    ("news-span-href.html", "a[href]"),
    ("news-span-href-javascript.html", "a"),
];

/// The HTML ammonia is given: the fixture rendered by pulldown-cmark with the options
/// `sanitize` uses, since ammonia does not read Markdown.
fn markdown_to_html(body: &str) -> String {
    let options = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_TASKLISTS;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, options));
    html
}

/// How many times each element and attribute occurs: `p`, `a[href]`, `img[src=data:]`.
fn census<'a>(
    elements: impl Iterator<Item = (&'a str, Vec<(&'a str, &'a str)>)>,
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (name, attributes) in elements {
        *counts.entry(name.to_owned()).or_default() += 1;
        for (attribute, value) in attributes {
            let key = if value.trim().to_ascii_lowercase().starts_with("data:") {
                format!("{name}[{attribute}=data:]")
            } else {
                format!("{name}[{attribute}]")
            };
            *counts.entry(key).or_default() += 1;
        }
    }
    counts
}

fn ammonia_census(html: &str) -> BTreeMap<String, usize> {
    let cleaned = ammonia::clean(html);
    let document = scraper::Html::parse_fragment(&cleaned);
    let elements: Vec<_> = document
        .root_element()
        .descendants()
        .skip(1)
        .filter_map(|node| node.value().as_element())
        .collect();
    census(
        elements
            .iter()
            .map(|element| (element.name(), element.attrs().collect())),
    )
}

#[test]
fn differential_with_ammonia() {
    let mut unexplained = Vec::new();
    let mut used = BTreeSet::new();
    let mut paths: Vec<_> = std::fs::read_dir("fixtures/sanitize")
        .expect("fixtures/sanitize")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    paths.sort();
    for path in paths {
        let input = std::fs::read(&path).expect("a readable fixture");
        let body = clean(&post(&input));
        let ours = elements(body.xhtml()).expect("well-formed (tested in `fixtures`)");
        let ours = census(ours.iter().map(|element| {
            (
                element.name.as_str(),
                element
                    .attributes
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect(),
            )
        }));
        let theirs = ammonia_census(&markdown_to_html(&String::from_utf8_lossy(&input)));
        let name = file_name(&path);
        for (key, count) in ours {
            if count <= theirs.get(&key).copied().unwrap_or(0) {
                continue;
            }
            let entry = (name.as_str(), key.as_str());
            if KEPT_BUT_AMMONIA_REMOVES.contains(&entry) {
                used.insert((name.clone(), key));
            } else {
                unexplained.push(format!("{name}: {key}"));
            }
        }
    }
    let stale: Vec<_> = KEPT_BUT_AMMONIA_REMOVES
        .iter()
        .filter(|(name, key)| !used.contains(&(name.to_string(), key.to_string())))
        .collect();
    assert!(
        unexplained.is_empty(),
        "kept by us, removed by ammonia, and not in KEPT_BUT_AMMONIA_REMOVES:\n{}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "in KEPT_BUT_AMMONIA_REMOVES but no fixture shows it: {stale:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// Element names for the token soup: allowed, deprecated, dangerous, foreign, raw-text, and a
/// few that only differ in case.
const SOUP_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "span",
    "a",
    "img",
    "b",
    "i",
    "em",
    "strong",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "ul",
    "ol",
    "li",
    "pre",
    "code",
    "blockquote",
    "br",
    "hr",
    "h1",
    "figure",
    "caption",
    "col",
    "colgroup",
    "q",
    "abbr",
    "time",
    "center",
    "font",
    "tt",
    "strike",
    "marquee",
    "section",
    "o:p",
    "my-widget",
    "script",
    "SCRIPT",
    "ScRiPt",
    "style",
    "svg",
    "math",
    "mtext",
    "mglyph",
    "annotation-xml",
    "foreignObject",
    "desc",
    "image",
    "iframe",
    "object",
    "embed",
    "form",
    "button",
    "input",
    "select",
    "option",
    "textarea",
    "title",
    "noscript",
    "noembed",
    "xmp",
    "plaintext",
    "template",
    "base",
    "meta",
    "link",
    "frameset",
    "IMG",
    "A",
];

const SOUP_ATTRIBUTES: &[&str] = &[
    "href",
    "HREF",
    "src",
    "cite",
    "title",
    "alt",
    "style",
    "STYLE",
    "onclick",
    "onerror",
    "OnLoad",
    "srcdoc",
    "formaction",
    "action",
    "xlink:href",
    "hidden",
    "class",
    "id",
    "data-nb-drop",
    "data-nb-unwrap",
    "data-nb-at",
    "width",
    "colspan",
    "lang",
    "dir",
    "background",
    "dynsrc",
    "encoding",
    "datetime",
    "type",
    "color",
    "markdown",
];

const SOUP_VALUES: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A&#x61vascript:alert(1)",
    "java\tscript:x",
    " \u{1}javascript:x",
    "javascript&colon;x",
    "`javascript:x`",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AAAA",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "//evil.example/x",
    "https://ok.example/a?b=1&c=2",
    "http://ok.example/",
    "mailto:a@b.example",
    "../rel/x.html",
    "x",
    "",
    "display:none",
    "visibility:hidden",
    "color:red",
    "expression(alert(1))",
    "text/html",
    "</noscript><img src=x onerror=alert(1)>",
    "\"><script>alert(1)</script>",
    "1",
    "0",
    "span",
    "block",
    "dangerous",
    "hidden",
    "新闻",
];

/// Everything else: text, entities, quotes, comment and CDATA pieces, Markdown, Liquid and
/// kramdown, a news trailer, odd characters.
const SOUP_PIECES: &[&str] = &[
    "hello",
    "world",
    " ",
    "  ",
    "\n",
    "\n\n",
    "    ",
    "\t",
    "新闻",
    "正文。",
    "&amp;",
    "&lt;",
    "&gt;",
    "&nbsp;",
    "&#0;",
    "&#x6A;",
    "&copy",
    "&unknown;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "=",
    "`",
    "/",
    "<!--",
    "-->",
    "<!-->",
    "<![CDATA[",
    "]]>",
    "<?",
    "?>",
    "<!DOCTYPE html>",
    "*",
    "_",
    "**",
    "#",
    "- ",
    "1. ",
    "> ",
    "[x](javascript:alert(1))",
    "![y](javascript:x)",
    "[ok](https://ok.example/)",
    "<javascript:alert(1)>",
    "<https://ok.example/>",
    "[1]: javascript:alert(1)",
    "[a][1]",
    "```",
    "|a|b|\n|-|-|",
    "{% include x %}",
    "{{ site.url }}",
    "{% raw %}",
    "{% endraw %}",
    "{: .lead}",
    "\n{: .language-rust}\n",
    "{::comment}",
    "{::nomarkdown}",
    "{:/nomarkdown}",
    "{:/}",
    "\n*[CSS]: Cascading \"x\" <b>\n",
    "CSS",
    "\n|---|\n",
    "\n|===|\n",
    "<!--newsbundle-raw-0 -->",
    "\n<div markdown=\"1\">\n",
    "\n<p markdown=\"span\">",
    "\n<div markdown=\"0\">",
    "\n</div>\n",
    "\n~~~ ruby\n",
    "\n^\n",
    "\n<http://a.example/1>\n",
    "\n[返回首页](../)\n",
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\u{feff}",
    "\u{fffe}",
    "\u{200b}",
    "\r\n",
    "\\",
];

fn soup_attribute() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(SOUP_ATTRIBUTES),
        proptest::sample::select(SOUP_VALUES),
        0..6u8,
    )
        .prop_map(|(name, value, quoting)| match quoting {
            0 => format!(" {name}=\"{value}\""),
            1 => format!(" {name}='{value}'"),
            // FIXME: not `name=` right before the end of the tag; see `KNOWN_FAILURES`.
            2 if value.is_empty() => format!(" {name}"),
            2 => format!(" {name}={value}"),
            3 => format!(" {name}"),
            4 => format!("/{name}=\"{value}"),
            _ => format!(" {name}=`{value}`"),
        })
}

/// One token of HTML-ish soup: a start tag (maybe unclosed or self-closing), an end tag, or
/// a piece of text.
fn soup_token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (
            proptest::sample::select(SOUP_ELEMENTS),
            proptest::collection::vec(soup_attribute(), 0..3),
            0..4u8,
        )
            .prop_map(|(name, attributes, ending)| {
                let ending = match ending {
                    0 => "",
                    // FIXME: not `<svg />` or `<math />`; see `KNOWN_FAILURES`.
                    1 if matches!(name, "svg" | "math") => ">",
                    1 => " />",
                    _ => ">",
                };
                format!("<{name}{}{ending}", attributes.concat())
            }),
        2 => proptest::sample::select(SOUP_ELEMENTS).prop_map(|name| format!("</{name}>")),
        4 => proptest::sample::select(SOUP_PIECES).prop_map(str::to_owned),
    ]
}

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(soup_token(), 0..40).prop_map(|tokens| tokens.concat())
}

/// kramdown's block syntax, denser than in the soup: HTML blocks with and without `markdown`,
/// tables with separator lines, abbreviations, extensions, attribute lists, fences.
const KRAMDOWN_PIECES: &[&str] = &[
    "\n",
    "\n\n",
    "   ",
    "    ",
    "text",
    "新闻",
    "CSS",
    "*",
    "**",
    "`",
    "[a](http://a.example/)",
    "<div>",
    "<div markdown=\"1\">",
    "<div markdown=\"0\">",
    "<p markdown=\"span\">",
    "<table markdown=\"1\">",
    "<figure>",
    "</figure>",
    "</div>",
    "</p>",
    "</table>",
    "<script>",
    "</script>",
    "<b onclick=\"x()\">",
    "```",
    "~~~ ruby",
    "{: .language-go}",
    "{: .notice}",
    "{::comment}",
    "{:/comment}",
    "{::nomarkdown}",
    "{:/nomarkdown}",
    "{:/}",
    "*[CSS]: Cascading <b>",
    "*[新闻]: 消息",
    "| a | b |",
    "|---|---|",
    "|===|",
    "^",
    "1. ",
    "* ",
    "> ",
    "<!--newsbundle-raw-0 -->",
];

fn kramdown_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(KRAMDOWN_PIECES), 0..40)
        .prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn html_soup_comes_out_well_formed_inert_idempotent_and_whole(body in soup()) {
        prop_assume!(!foreign_then_raw_text(&body));
        check_properties(body.as_bytes())?;
    }

    #[test]
    fn kramdown_soup_comes_out_well_formed_inert_idempotent_and_whole(body in kramdown_soup()) {
        check_properties(body.as_bytes())?;
    }

    #[test]
    fn arbitrary_text_comes_out_well_formed_inert_idempotent_and_whole(
        body in "(?s).{0,200}",
    ) {
        check_properties(body.as_bytes())?;
    }

    #[test]
    fn arbitrary_bytes_come_out_well_formed_inert_idempotent_and_whole(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        check_properties(&bytes)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Bounded inputs
// ---------------------------------------------------------------------------------------------

/// Sanitized on this thread (a test thread has the 2 MiB stack rayon's workers have too):
/// well-formed, inert, and every word of the input still there. The checks run on a thread
/// with a large stack, as roxmltree's parser recurses once per level of nesting.
fn assert_whole(body_text: &str) -> CleanBody {
    let post = post(body_text.as_bytes());
    let body = clean(&post);
    let checked = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn_scoped(scope, || {
                check_output(body.xhtml(), SchemeText::Nowhere)
                    .and_then(|()| check_text_conserved(&post, &body))
            })
            .expect("a thread for the checks")
            .join()
    });
    match checked {
        Ok(Ok(())) => body,
        Ok(Err(error)) => panic!("{error}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// A byte order mark is text: one that starts the body's text once a comment before it is gone
/// stays (html5ever drops a leading one unless told not to). Found by the HTML soup property.
#[test]
fn a_byte_order_mark_after_a_comment_is_kept() {
    for body in ["<!-->\u{feff}", "<!-- note -->\u{feff}新闻"] {
        let body = assert_whole(body);
        assert!(body.xhtml().contains('\u{feff}'), "{:?}", body.xhtml());
    }
}

#[test]
fn a_five_megabyte_body_comes_out_whole() {
    // News paragraphs as the archives have them: Markdown and raw HTML, links, emphasis,
    // images, a table now and then, and one script per hundred paragraphs.
    let mut text = String::with_capacity(5_300_000);
    let mut paragraphs: usize = 0;
    while text.len() < 5_000_000 {
        let n = paragraphs;
        match n % 5 {
            0 => text.push_str(&format!(
                "第{n}段：国家统计局今日发布数据，[{n}月份](https://news.example.cn/{n}.html)居民消费价格同比上涨**0.{}%**，环比持平。\n\n",
                n % 10
            )),
            1 => text.push_str(&format!(
                "<p>Paragraph {n}: the central bank <a href=\"//finance.example.cn/{n}\">said</a> on Tuesday it would keep rates <em>unchanged</em>, citing <span href=\"http://quote.example.cn/{n}\">stocks</span>.</p>\n\n"
            )),
            2 => text.push_str(&format!(
                "![图{n}](/images/{n}.jpg)\n\n> 引用{n}：“稳中求进”是工作总基调。\n\n"
            )),
            3 => text.push_str(&format!(
                "<table><tr><td>指标{n}</td><td>{n}.5</td></tr></table>\n\n- 要点一{n}\n- 要点二{n}\n\n"
            )),
            _ => text.push_str(&format!(
                "<div style=\"color:red\" onclick=\"track({n})\">第{n}条快讯<script>ga({n})</script>结束。</div>\n\n"
            )),
        }
        paragraphs += 1;
    }
    let body = assert_whole(&text);
    // One link in the first kind of paragraph, two in the second (with the `<span href>`).
    let links = body.links().len();
    assert_eq!(links, paragraphs.div_ceil(5) + 2 * ((paragraphs + 3) / 5));
    assert!(body
        .xhtml()
        .contains(&format!("第{}段", paragraphs / 5 * 5 - 5)));
    assert!(!body.xhtml().contains("<script") && !body.xhtml().contains("onclick"));
}

#[test]
fn ten_thousand_nested_divs_come_out_whole() {
    let text = format!("{}deep{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
    let body = assert_whole(&text);
    assert_eq!(body.text(), "deep");
    assert_eq!(body.xhtml().matches("<div>").count(), 10_000);
}

#[test]
fn ten_thousand_nested_formatting_elements_come_out_whole() {
    // `<b>` stays nested; `<a>` inside `<a>` closes the outer one (the adoption agency), so
    // the links come out side by side.
    let text = format!(
        "<p>{}deep{}</p>",
        "<b>".repeat(10_000),
        "</b>".repeat(10_000)
    );
    let body = assert_whole(&text);
    assert_eq!(body.text(), "deep");
    let text = format!(
        "<p>{}deep{}</p>",
        "<a href=\"https://a.example/\">x".repeat(10_000),
        "</a>".repeat(10_000)
    );
    let body = assert_whole(&text);
    assert_eq!(body.links().len(), 10_000);
}
