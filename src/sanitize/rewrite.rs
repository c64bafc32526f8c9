//! The streaming pass, with lol_html: for every element, note where it is in the file, strip
//! the attributes the policy does not allow (recording event handlers, inline styles and
//! attributes on the wrong element), mark hidden, dangerous and deprecated elements for the tree
//! pass, turn `<span href>` into a link, drop comments, and notice elements never closed.
//!
//! This pass never removes an element: lol_html builds no tree, and `remove()` on an element
//! whose end tag is implied would eat its parent's end tag. Elements are *marked* with
//! `data-nb-*` attributes (every author `data-*` attribute is stripped first, so marks cannot be
//! forged) and the tree pass, which has a real HTML5 tree, drops or unwraps them.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use lol_html::html_content::Element;
use lol_html::{comments, element, RewriteStrSettings};

use super::policy::{Policy, ALWAYS_REMOVED};
use super::{Removal, RemovalReason};

/// The attribute carrying an element's position in the file.
pub const AT: &str = "data-nb-at";
/// The attribute marking an element to drop with its content; the value is the reason.
pub const DROP: &str = "data-nb-drop";
/// The attribute marking an element to unwrap (keep its content).
pub const UNWRAP: &str = "data-nb-unwrap";

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

pub struct Rewritten {
    pub html: String,
    pub removals: Vec<Removal>,
    /// Elements opened and never closed: (name, span in the file).
    pub unclosed: Vec<(String, Range<usize>)>,
}

/// Rewrite `html`; `locate` turns a position in `html` into a position in the file.
pub fn rewrite(html: &str, locate: &dyn Fn(usize) -> usize, policy: &Policy) -> Rewritten {
    let removals = RefCell::new(Vec::new());
    let open: Rc<RefCell<Vec<(String, Range<usize>, bool)>>> = Rc::new(RefCell::new(Vec::new()));
    let result = {
        let settings = RewriteStrSettings {
            element_content_handlers: vec![
                element!("*", |el| {
                    handle_element(el, locate, policy, &mut removals.borrow_mut(), &open);
                    Ok(())
                }),
                comments!("*", |comment| {
                    comment.remove();
                    Ok(())
                }),
            ],
            ..RewriteStrSettings::new()
        };
        lol_html::rewrite_str(html, settings)
    };
    let mut removals = removals.into_inner();
    let html = match result {
        Ok(html) => html,
        // lol_html refuses some inputs (memory limits); the tree pass still sanitizes them,
        // only without positions.
        Err(_) => {
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
    open: &Rc<RefCell<Vec<(String, Range<usize>, bool)>>>,
) {
    let name = el.tag_name();
    let source = el.source_location().bytes();
    let at = locate(source.start);
    let span = at..at + (source.end - source.start).min(200);
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
        let _ = el.on_end_tag(Box::new(move |_| {
            open.borrow_mut()[index].2 = true;
            Ok(())
        }));
    }

    let mut hidden = false;
    let mut href_on_span = None;
    for attribute in el
        .attributes()
        .iter()
        .map(|a| (a.name(), a.value()))
        .collect::<Vec<_>>()
    {
        let (attribute, value) = attribute;
        if policy.allows_attribute(&name, &attribute) {
            continue;
        }
        el.remove_attribute(&attribute);
        if attribute.starts_with("on") {
            record(RemovalReason::EventHandler, attribute);
        } else if attribute == "style" {
            if is_hiding_style(&value) {
                hidden = true;
            } else {
                record(RemovalReason::InlineStyle, value);
            }
        } else if attribute == "hidden" {
            hidden = true;
        } else if attribute == "href" && name == "span" {
            href_on_span = Some(value);
        } else if matches!(
            attribute.as_str(),
            "srcdoc" | "formaction" | "action" | "xlink:href" | "dynsrc" | "lowsrc" | "background"
        ) {
            record(RemovalReason::DangerousAttribute, attribute);
        } else if policy.attribute_belongs_elsewhere(&attribute) {
            record(RemovalReason::MisplacedAttribute, attribute);
        }
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
                let _ = el.set_tag_name(replacement);
                record(RemovalReason::DeprecatedElement, (*replacement).to_owned());
            }
            None => {
                let _ = el.set_attribute(UNWRAP, "deprecated");
                record(RemovalReason::DeprecatedElement, String::new());
            }
        }
    } else if let Some(href) = href_on_span {
        // News sites mark up stock names as `<span href="…">`: it is meant as a link.
        let _ = el.set_tag_name("a");
        let _ = el.set_attribute("href", &href);
        record(RemovalReason::MisplacedAttribute, "href".to_owned());
    }
    let _ = el.set_attribute(AT, &at.to_string());
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
