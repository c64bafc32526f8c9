//! The streaming pass, with lol_html: for every element, note where it is in the file, strip
//! the attributes the policy does not allow (recording event handlers, inline styles and
//! attributes on the wrong element), mark hidden, dangerous and deprecated elements for the tree
//! pass, turn `<span href>` into a link, drop comments (but excerpt markers such as
//! `<!--more-->`), and notice elements never closed.
//!
//! This pass never removes an element: lol_html builds no tree, and `remove()` on an element
//! whose end tag is implied would eat its parent's end tag. Elements are *marked* with private
//! attributes and the tree pass, which has a real HTML5 tree, drops or unwraps them. The marks
//! reuse three obsolete IE attribute names (`datafld`, `datasrc`, `dataformatas`): the policy
//! never allows them, so an author's own are stripped here before ours are set and marks cannot
//! be forged; and html5ever knows them as static atoms, so marking costs no string interning
//! (a `data-*` name did, and made the tree pass twice as slow).

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use lol_html::html_content::Element;
use lol_html::html_content::{Comment, ContentType};
use lol_html::{comments, doc_comments, element};

use super::policy::{Policy, ALWAYS_REMOVED};
use super::{Removal, RemovalReason};

/// The attribute carrying an element's position in the file.
pub const AT: &str = "datafld";
/// The attribute marking an element to drop with its content; the value is the reason.
pub const DROP: &str = "datasrc";
/// The attribute marking an element to unwrap (keep its content).
pub const UNWRAP: &str = "dataformatas";
/// The attribute giving the name the tree pass writes an element under (`center` → `div`).
/// Renaming here would rename whatever end tag closes the element, even an ancestor's
/// (lol_html renames the end tag that ends the element, implied or not).
pub const RENAME: &str = "datapagesize";

/// Elements replaced by a kept one: (deprecated, replacement). `None`: unwrapped.
const DEPRECATED: &[(&str, Option<&str>)] = &[
    ("center", Some("div")),
    ("font", None),
    ("basefont", None),
    ("big", None),
    ("blink", None),
    ("marquee", None),
    ("tt", Some("code")),
    ("strike", Some("s")),
    ("acronym", Some("abbr")),
    ("dir", Some("ul")),
    ("listing", Some("pre")),
    ("nobr", None),
    ("spacer", None),
];

/// Elements whose end tag may be left out; leaving out any other is reported.
const OPTIONAL_END_TAG: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body",
];

/// Elements whose end tag is required, in start order: name, span, and whether it was closed.
type OpenElements = Rc<RefCell<Vec<(String, Range<usize>, bool)>>>;

/// The text of the comment that stands for an excerpt marker between the passes; the tree pass
/// records where it is and writes nothing for it.
pub const EXCERPT_COMMENT: &str = "newsbundle-excerpt";

pub struct Rewritten {
    pub html: String,
    pub removals: Vec<Removal>,
    /// Elements opened and never closed: (name, span in the file).
    pub unclosed: Vec<(String, Range<usize>)>,
}

/// An excerpt marker becomes [`EXCERPT_COMMENT`]; any other comment is emptied, and the tree
/// pass writes nothing for it. It is not taken out here: what stood on either side would meet
/// when the tree pass parses this output again, and `<` + `?>` around `<!-->` would become a
/// bogus comment `<?>`, eating the text (`<` + `div>` a tag).
///
/// What this pass takes for a bogus comment `<![CDATA[…` stays as written: in SVG or MathML
/// (a `foreignObject` included) it is a CDATA section, text, for the tree pass and for a
/// reader's browser, which both follow the HTML standard there.
fn handle_comment(comment: &mut Comment<'_>, excerpt_markers: &[String]) {
    let text = comment.text();
    if text.starts_with("[CDATA[") {
        return;
    }
    let marker = excerpt_markers
        .iter()
        .any(|marker| marker.eq_ignore_ascii_case(text.trim()));
    if marker {
        comment.replace(&format!("<!--{EXCERPT_COMMENT}-->"), ContentType::Html);
    } else {
        comment.replace("<!---->", ContentType::Html);
    }
}

/// Rewrite `html`; `locate` turns a position in `html` into a position in the file.
///
/// A comment whose text is one of `excerpt_markers` (trimmed, any case: `more` for
/// `<!--more-->`) is kept, as [`EXCERPT_COMMENT`]; every other comment is emptied (the tree
/// pass writes nothing for it).
pub fn rewrite(
    html: &str,
    locate: &dyn Fn(usize) -> usize,
    policy: &Policy,
    excerpt_markers: &[String],
) -> Rewritten {
    let removals = RefCell::new(Vec::new());
    let open: OpenElements = Rc::new(RefCell::new(Vec::new()));
    let mut output = Vec::with_capacity(html.len() + html.len() / 8);
    let result = {
        let settings = lol_html::Settings {
            element_content_handlers: vec![
                element!("*", |el| {
                    handle_element(el, locate, policy, &mut removals.borrow_mut(), &open);
                    Ok(())
                }),
                comments!("*", |comment| {
                    handle_comment(comment, excerpt_markers);
                    Ok(())
                }),
            ],
            // Comments outside any element (an HTML block of its own, as `<!--more-->` is).
            document_content_handlers: vec![doc_comments!(|comment| {
                handle_comment(comment, excerpt_markers);
                Ok(())
            })],
            ..lol_html::Settings::new()
        };
        // Collected as bytes and checked as UTF-8 once, rather than chunk by chunk.
        let mut rewriter =
            lol_html::HtmlRewriter::new(settings, |chunk: &[u8]| output.extend_from_slice(chunk));
        rewriter
            .write(html.as_bytes())
            .and_then(|()| rewriter.end())
    };
    let mut removals = removals.into_inner();
    let html = match result.ok().and_then(|()| String::from_utf8(output).ok()) {
        Some(html) => html,
        // lol_html refuses some inputs (memory limits); the tree pass still sanitizes them,
        // only without positions.
        None => {
            removals.clear();
            html.to_owned()
        }
    };
    let unclosed = open
        .borrow()
        .iter()
        .filter(|(_, _, closed)| !closed)
        .map(|(name, span, _)| (name.clone(), span.clone()))
        .collect();
    Rewritten {
        html,
        removals,
        unclosed,
    }
}

fn handle_element(
    el: &mut Element<'_, '_>,
    locate: &dyn Fn(usize) -> usize,
    policy: &Policy,
    removals: &mut Vec<Removal>,
    open: &OpenElements,
) {
    let name = el.tag_name();
    let source = el.source_location().bytes();
    let at = locate(source.start);
    let span = at..at + (source.end - source.start).min(200);
    let removals_before = removals.len();
    let mut record = |reason: RemovalReason, detail: String| {
        removals.push(Removal {
            reason,
            element: name.clone(),
            detail,
            span: span.clone(),
            text: String::new(),
        })
    };

    if el.can_have_content() && !el.is_self_closing() && !OPTIONAL_END_TAG.contains(&name.as_str())
    {
        let index = {
            let mut open = open.borrow_mut();
            open.push((name.clone(), span.clone(), false));
            open.len() - 1
        };
        let open = Rc::clone(open);
        let own_end_tag = name.clone();
        let _ = el.on_end_tag(Box::new(move |end_tag| {
            // Also called when an ancestor's end tag closes the element (`</div>` after an
            // open `<b>`): only its own end tag closes it properly.
            if end_tag.name() == own_end_tag {
                open.borrow_mut()[index].2 = true;
            }
            Ok(())
        }));
    }

    let mut hidden = false;
    let mut href_on_span = None;
    // Names first; a value is only read for the few attributes whose value matters.
    let names: Vec<String> = el
        .attributes()
        .iter()
        .map(|attribute| attribute.name())
        .filter(|attribute| !policy.allows_attribute(&name, attribute))
        .collect();
    let mut kept_class = None;
    for attribute in names {
        let value = || el.get_attribute(&attribute).unwrap_or_default();
        if attribute == "class" {
            // Only the classes the policy keeps (a code block's language, a cell's alignment).
            kept_class = policy.kept_classes(&name, &value());
        } else if attribute == "id" && policy.keeps_id(&name, &value()) {
            // A footnote's or its reference's: kept as it is.
            continue;
        } else if attribute == "style" && matches!(name.as_str(), "th" | "td") {
            // The Markdown stage writes GFM column alignment as a style: kept as a class.
            let style = value();
            if let Some(alignment) = table_alignment(&style) {
                kept_class = Some(format!("align-{alignment}"));
            } else if is_hiding_style(&style) {
                hidden = true;
            } else {
                record(RemovalReason::InlineStyle, style);
            }
        } else if attribute.starts_with("on") {
            record(RemovalReason::EventHandler, attribute.clone());
        } else if attribute == "style" {
            let style = value();
            if is_hiding_style(&style) {
                hidden = true;
            } else {
                record(RemovalReason::InlineStyle, style);
            }
        } else if attribute == "hidden" {
            hidden = true;
        } else if attribute == "href" && name == "span" {
            href_on_span = Some(value());
        } else if matches!(
            attribute.as_str(),
            "srcdoc" | "formaction" | "action" | "xlink:href" | "dynsrc" | "lowsrc" | "background"
        ) {
            record(RemovalReason::DangerousAttribute, attribute.clone());
        } else if policy.attribute_belongs_elsewhere(&attribute) {
            record(RemovalReason::MisplacedAttribute, attribute.clone());
        }
        el.remove_attribute(&attribute);
    }
    if let Some(class) = kept_class {
        let _ = el.set_attribute("class", &class);
    }

    if ALWAYS_REMOVED.contains(&name.as_str()) {
        let _ = el.set_attribute(DROP, "dangerous");
    } else if hidden && policy.drops_hidden() {
        let _ = el.set_attribute(DROP, "hidden");
    } else if let Some((_, replacement)) = DEPRECATED
        .iter()
        .find(|(deprecated, _)| *deprecated == name)
    {
        match replacement {
            Some(replacement) => {
                let _ = el.set_attribute(RENAME, replacement);
                record(RemovalReason::DeprecatedElement, (*replacement).to_owned());
            }
            None => {
                let _ = el.set_attribute(UNWRAP, "deprecated");
                record(RemovalReason::DeprecatedElement, String::new());
            }
        }
    } else if let Some(href) = href_on_span {
        // News sites mark up stock names as `<span href="…">`: it is meant as a link.
        let _ = el.set_attribute(RENAME, "a");
        let _ = el.set_attribute("href", &href);
        record(RemovalReason::MisplacedAttribute, "href".to_owned());
    }
    // The tree pass needs positions only where it reports or collects something: links,
    // images, paragraphs (which may be empty), and elements it drops or unwraps. Leaving the
    // others alone keeps both passes fast.
    let needs_position = matches!(name.as_str(), "a" | "img" | "p")
        || !policy.allows_element(&name)
        || hidden
        || removals.len() > removals_before;
    if needs_position {
        let _ = el.set_attribute(AT, &at.to_string());
    }
}

/// `display:none` or `visibility:hidden`, however spaced or cased.
fn is_hiding_style(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    compact.contains("display:none") || compact.contains("visibility:hidden")
}

/// `left`, `center` or `right` when `style` is only a `text-align` declaration.
fn table_alignment(style: &str) -> Option<&'static str> {
    let declaration = style.trim().trim_end_matches(';').trim();
    let (property, value) = declaration.split_once(':')?;
    if !property.trim().eq_ignore_ascii_case("text-align") {
        return None;
    }
    match value.trim().to_ascii_lowercase().as_str() {
        "left" => Some("left"),
        "center" => Some("center"),
        "right" => Some("right"),
        _ => None,
    }
}
