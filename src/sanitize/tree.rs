//! The tree pass: parse the rewritten HTML with html5ever (through scraper) into a real HTML5
//! tree — which closes what was left open and fixes misnesting the way browsers do — then walk
//! it once, keeping what the policy allows, and serialize it as XHTML. On the way it collects
//! links, images, the visible text, and what it removed.
//!
//! This is the authoritative sanitizer: whatever the streaming pass did or missed, only allowed
//! elements and attributes, with checked URLs, come out of here.

use std::ops::Range;

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::policy::{Policy, URL_ATTRIBUTES};
use super::rewrite::{AT, DROP, UNWRAP};
use super::url::{self, UrlVerdict};
use super::{Image, Link, LinkProblem, Removal, RemovalReason};

/// Elements without content, written `<br />`.
const VOID: &[&str] = &["br", "hr", "img", "wbr", "col"];
/// Elements whose text is not visible.
const INVISIBLE: &[&str] = &[
    "script", "style", "template", "noscript", "title", "head", "xmp", "noembed", "noframes",
    "iframe", "textarea",
];
/// Elements that start a new block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "tr",
    "table",
    "figure",
    "figcaption",
    "ul",
    "ol",
    "dl",
    "br",
    "hr",
    "caption",
    "section",
    "article",
];

pub struct Built {
    pub xhtml: String,
    pub text: String,
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    pub removals: Vec<Removal>,
}

struct Walker<'p> {
    policy: &'p Policy,
    fallback_at: usize,
    out: String,
    text: String,
    links: Vec<Link>,
    images: Vec<Image>,
    removals: Vec<Removal>,
}

pub fn build(html: &str, policy: &Policy, fallback_at: usize) -> Built {
    let document = Html::parse_fragment(html);
    let mut walker = Walker {
        policy,
        fallback_at,
        out: String::with_capacity(html.len()),
        text: String::with_capacity(html.len() / 2),
        links: Vec::new(),
        images: Vec::new(),
        removals: Vec::new(),
    };
    // The fragment's root holds an <html> element that holds the content.
    for child in document.tree.root().children() {
        match child.value() {
            Node::Element(element) if element.name() == "html" => {
                for grandchild in child.children() {
                    walker.node(grandchild);
                }
            }
            _ => walker.node(child),
        }
    }
    let text = normalise_text(&walker.text);
    Built {
        xhtml: walker.out,
        text,
        links: walker.links,
        images: walker.images,
        removals: walker.removals,
    }
}

impl Walker<'_> {
    fn at(&self, node: NodeRef<'_, Node>) -> Range<usize> {
        let at = node
            .value()
            .as_element()
            .and_then(|element| element.attr(AT))
            .and_then(|value| value.parse().ok())
            .unwrap_or(self.fallback_at);
        at..at
    }

    fn node(&mut self, node: NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(text) => {
                push_escaped(&mut self.out, text, false);
                self.text.push_str(text);
            }
            Node::Element(element) => self.element(node, element),
            // Comments, doctypes and processing instructions are not content.
            _ => {}
        }
    }

    fn element(&mut self, node: NodeRef<'_, Node>, element: &scraper::node::Element) {
        let name = element.name();
        if let Some(reason) = element.attr(DROP) {
            let reason = if reason == "hidden" {
                RemovalReason::HiddenContent
            } else {
                RemovalReason::DangerousElement
            };
            self.drop_subtree(node, name, reason);
            return;
        }
        if !self.policy.allows_element(name) {
            if super::policy::ALWAYS_REMOVED.contains(&name)
                || INVISIBLE.contains(&name)
                || &*element.name.ns != "http://www.w3.org/1999/xhtml"
            {
                self.drop_subtree(node, name, RemovalReason::DangerousElement);
                return;
            }
            if element.attr(UNWRAP).is_none() && !matches!(name, "html" | "body") {
                let span = self.at(node);
                self.removals.push(Removal {
                    reason: RemovalReason::DisallowedElement,
                    element: name.to_owned(),
                    detail: String::new(),
                    span,
                    text: String::new(),
                });
            }
            self.block_break(name);
            self.children(node);
            self.block_break(name);
            return;
        }
        let span = self.at(node);
        let mut attributes: Vec<(&str, String)> = Vec::new();
        let mut href = None;
        for (attribute, value) in element.attrs() {
            if !self.policy.allows_attribute(name, attribute) {
                continue;
            }
            if URL_ATTRIBUTES.contains(&attribute) {
                let is_image = name == "img";
                match url::check(value, is_image, self.policy) {
                    UrlVerdict::Keep {
                        url,
                        rewritten_from_protocol_relative,
                    } => {
                        let problem = rewritten_from_protocol_relative
                            .then_some(LinkProblem::ProtocolRelative);
                        if attribute != "cite" {
                            href = Some((value.to_owned(), url.clone(), problem));
                        }
                        attributes.push((attribute, url));
                    }
                    UrlVerdict::Empty => {
                        href = Some((value.to_owned(), String::new(), Some(LinkProblem::Empty)))
                    }
                    UrlVerdict::Malformed { reason } => {
                        href = Some((
                            value.to_owned(),
                            String::new(),
                            Some(LinkProblem::Malformed(reason)),
                        ))
                    }
                    UrlVerdict::Refused { scheme } => {
                        self.removals.push(Removal {
                            reason: RemovalReason::RefusedUrl,
                            element: name.to_owned(),
                            detail: scheme.clone(),
                            span: span.clone(),
                            text: String::new(),
                        });
                        href = Some((
                            value.to_owned(),
                            String::new(),
                            Some(LinkProblem::RefusedScheme(scheme)),
                        ));
                    }
                }
                continue;
            }
            attributes.push((attribute, value.to_owned()));
        }

        if name == "img" {
            let alt = element.attr("alt").map(str::to_owned);
            match href.take() {
                Some((raw, url, problem)) if !url.is_empty() => {
                    self.images.push(Image {
                        url,
                        raw,
                        alt,
                        span: span.clone(),
                        problem,
                    });
                }
                Some((raw, _, problem)) => {
                    // An image without a usable source shows nothing: drop it.
                    self.images.push(Image {
                        url: String::new(),
                        raw,
                        alt,
                        span,
                        problem,
                    });
                    return;
                }
                None => {
                    self.images.push(Image {
                        url: String::new(),
                        raw: String::new(),
                        alt,
                        span,
                        problem: Some(LinkProblem::Empty),
                    });
                    return;
                }
            }
        }

        self.block_break(name);
        let element_start = self.out.len();
        self.out.push('<');
        self.out.push_str(name);
        for (attribute, value) in &attributes {
            self.out.push(' ');
            self.out.push_str(attribute);
            self.out.push_str("=\"");
            push_escaped(&mut self.out, value, true);
            self.out.push('"');
        }
        if VOID.contains(&name) {
            self.out.push_str(" />");
            self.block_break(name);
            return;
        }
        self.out.push('>');
        let text_start = self.text.len();
        let content_start = self.out.len();
        self.children(node);
        if name == "p" && is_empty_output(&self.out[content_start..]) {
            // Nothing a reader would see: drop the paragraph (e-readers show it as a gap).
            self.out.truncate(element_start);
            self.text.truncate(text_start);
            self.removals.push(Removal {
                reason: RemovalReason::EmptyParagraph,
                element: "p".to_owned(),
                detail: String::new(),
                span,
                text: String::new(),
            });
            return;
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        if name == "a" {
            let text = normalise_text(&self.text[text_start..]);
            if let Some((raw, url, problem)) = href {
                self.links.push(Link {
                    url,
                    raw,
                    text,
                    span,
                    problem,
                });
            }
        }
        self.block_break(name);
    }

    fn children(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            self.node(child);
        }
    }

    fn drop_subtree(&mut self, node: NodeRef<'_, Node>, name: &str, reason: RemovalReason) {
        let mut text = String::new();
        visible_text(node, &mut text);
        let span = self.at(node);
        self.removals.push(Removal {
            reason,
            element: name.to_owned(),
            detail: String::new(),
            span,
            text: normalise_text(&text),
        });
        self.block_break(name);
    }

    fn block_break(&mut self, name: &str) {
        if BLOCKS.contains(&name) && !self.text.ends_with('\n') && !self.text.is_empty() {
            self.text.push('\n');
        }
    }
}

/// Serialized content with nothing visible: whitespace and line breaks only.
fn is_empty_output(content: &str) -> bool {
    content.replace("<br />", "").trim().is_empty()
}

/// The text a reader would see in a subtree (not scripts, styles, templates).
pub fn visible_text(node: NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(text) => out.push_str(text),
        Node::Element(element) if INVISIBLE.contains(&element.name()) => {}
        _ => {
            for child in node.children() {
                visible_text(child, out);
            }
        }
    }
}

/// Collapse runs of spaces, keep line breaks between blocks, trim.
pub fn normalise_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// Escape for XML, dropping the characters XML 1.0 does not allow.
fn push_escaped(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
}
