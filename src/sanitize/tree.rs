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
use super::rewrite::{AT, DROP, EXCERPT_COMMENT, RENAME, UNWRAP};
use super::url::{self, UrlVerdict};
use super::xml::{push_escaped, Escape, VOID_ELEMENTS};
use super::{Image, Link, LinkProblem, Removal, RemovalReason};

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
    /// Where the elements dropped with their content start, and every element inside them:
    /// what the streaming pass stripped from those went with them.
    pub dropped: Vec<usize>,
    /// Where in `xhtml` the excerpt ends: the first excerpt marker, moved to the end of the
    /// top-level element it stood in (so never inside code or a paragraph).
    pub excerpt_end: Option<usize>,
}

/// A step of [`Walker::walk`]: a node to write, or an element to finish.
enum Step<'a> {
    Enter(NodeRef<'a, Node>),
    Close(Close<'a>),
}

/// What is left to write for an element once its content is written.
enum Close<'a> {
    /// An element unwrapped: its content stays, its tags go.
    Unwrapped(&'a str),
    /// An element kept: its end tag, and what it collects (an empty paragraph, a link).
    Kept {
        name: &'a str,
        span: Range<usize>,
        href: Option<(String, String, Option<LinkProblem>)>,
        /// Where its start tag, its content in `out`, and its text begin.
        element_start: usize,
        content_start: usize,
        text_start: usize,
    },
}

struct Walker<'p> {
    policy: &'p Policy,
    fallback_at: usize,
    out: String,
    text: String,
    links: Vec<Link>,
    images: Vec<Image>,
    removals: Vec<Removal>,
    dropped: Vec<usize>,
    /// How many kept links the walk is inside: a link in a link is unwrapped (XHTML forbids
    /// it; `<span href>` around a real link, as news sites write, would make one).
    link_depth: usize,
    /// How many kept elements the walk is inside.
    depth: usize,
    excerpt_end: Option<usize>,
    /// An excerpt marker was met inside an element: the excerpt ends after it.
    excerpt_pending: bool,
}

/// An HTML fragment parsed as the content of a `<body>`, as [`Html::parse_fragment`] parses
/// it but keeping a byte order mark at its start, which html5ever drops by default: a body's
/// text can begin with U+FEFF once a comment before it is gone, and it is text like any other.
pub(crate) fn parse_fragment(html: &str) -> Html {
    use html5ever::tendril::TendrilSink;
    let options = html5ever::ParseOpts {
        tokenizer: html5ever::tokenizer::TokenizerOpts {
            discard_bom: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::parse_fragment(
        scraper::HtmlTreeSink::new(Html::new_fragment()),
        options,
        html5ever::QualName::new(None, html5ever::ns!(html), html5ever::local_name!("body")),
        Vec::new(),
        false,
    )
    .one(html)
}

pub fn build(html: &str, policy: &Policy, fallback_at: usize) -> Built {
    let document = parse_fragment(html);
    let mut walker = Walker {
        policy,
        fallback_at,
        out: String::with_capacity(html.len()),
        text: String::with_capacity(html.len() / 2),
        links: Vec::new(),
        images: Vec::new(),
        removals: Vec::new(),
        dropped: Vec::new(),
        link_depth: 0,
        depth: 0,
        excerpt_end: None,
        excerpt_pending: false,
    };
    // The fragment's root holds an <html> element that holds the content.
    for child in document.tree.root().children() {
        match child.value() {
            Node::Element(element) if element.name() == "html" => {
                for grandchild in child.children() {
                    walker.walk(grandchild);
                }
            }
            _ => walker.walk(child),
        }
    }
    let text = normalise_text(&walker.text);
    Built {
        xhtml: walker.out,
        text,
        links: walker.links,
        images: walker.images,
        removals: walker.removals,
        dropped: walker.dropped,
        excerpt_end: walker.excerpt_end,
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

    /// Write `node` and everything in it. With a stack of its own rather than recursion, so
    /// that 10,000 nested elements do not overflow the thread's stack.
    fn walk(&mut self, node: NodeRef<'_, Node>) {
        let mut stack = vec![Step::Enter(node)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Enter(node) => match node.value() {
                    Node::Text(text) => {
                        push_escaped(&mut self.out, text, Escape::Text);
                        self.text.push_str(text);
                    }
                    Node::Element(element) => {
                        if let Some(close) = self.open(node, element) {
                            stack.push(Step::Close(close));
                            stack.extend(node.children().rev().map(Step::Enter));
                        }
                    }
                    // The first excerpt marker: here, or after the element it stands in.
                    Node::Comment(comment)
                        if comment.trim() == EXCERPT_COMMENT && self.excerpt_end.is_none() =>
                    {
                        if self.depth == 0 {
                            self.excerpt_end = Some(self.out.len());
                        } else {
                            self.excerpt_pending = true;
                        }
                    }
                    // Other comments, doctypes and processing instructions are not content.
                    _ => {}
                },
                Step::Close(close) => {
                    let kept = matches!(close, Close::Kept { .. });
                    self.close(close);
                    if kept {
                        self.depth -= 1;
                        if self.depth == 0 && self.excerpt_pending {
                            self.excerpt_pending = false;
                            self.excerpt_end = Some(self.out.len());
                        }
                    }
                }
            }
        }
    }

    /// Everything for an element up to its content; what is left for after it, or `None`
    /// when its content is not walked (dropped, void, an image without a source).
    fn open<'a>(
        &mut self,
        node: NodeRef<'a, Node>,
        element: &'a scraper::node::Element,
    ) -> Option<Close<'a>> {
        let name = element.attr(RENAME).unwrap_or(element.name());
        if let Some(reason) = element.attr(DROP) {
            let reason = if reason == "hidden" {
                RemovalReason::HiddenContent
            } else {
                RemovalReason::DangerousElement
            };
            self.drop_subtree(node, name, reason);
            return None;
        }
        if !self.policy.allows_element(name) {
            if super::policy::ALWAYS_REMOVED.contains(&name)
                || INVISIBLE.contains(&name)
                || &*element.name.ns != "http://www.w3.org/1999/xhtml"
            {
                self.drop_subtree(node, name, RemovalReason::DangerousElement);
                return None;
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
            return Some(Close::Unwrapped(name));
        }
        if name == "a" && self.link_depth > 0 {
            return Some(Close::Unwrapped(name));
        }
        let span = self.at(node);
        let mut attributes: Vec<(&str, String)> = Vec::new();
        let mut href = None;
        for (attribute, value) in element.attrs() {
            if attribute == "class" {
                if let Some(class) = self.policy.kept_classes(name, value) {
                    attributes.push(("class", class));
                }
                continue;
            }
            if attribute == "id" {
                if self.policy.keeps_id(name, value) {
                    attributes.push(("id", value.to_owned()));
                }
                continue;
            }
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
                    return None;
                }
                None => {
                    self.images.push(Image {
                        url: String::new(),
                        raw: String::new(),
                        alt,
                        span,
                        problem: Some(LinkProblem::Empty),
                    });
                    return None;
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
            push_escaped(&mut self.out, value, Escape::Attribute);
            self.out.push('"');
        }
        if VOID_ELEMENTS.contains(&name) {
            self.out.push_str(" />");
            self.block_break(name);
            return None;
        }
        self.out.push('>');
        if name == "a" {
            self.link_depth += 1;
        }
        self.depth += 1;
        Some(Close::Kept {
            name,
            span,
            href,
            element_start,
            text_start: self.text.len(),
            content_start: self.out.len(),
        })
    }

    /// Everything for an element after its content.
    fn close(&mut self, close: Close<'_>) {
        let (name, span, href, element_start, content_start, text_start) = match close {
            Close::Unwrapped(name) => {
                self.block_break(name);
                return;
            }
            Close::Kept {
                name,
                span,
                href,
                element_start,
                content_start,
                text_start,
            } => (name, span, href, element_start, content_start, text_start),
        };
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
            self.link_depth -= 1;
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

    fn drop_subtree(&mut self, node: NodeRef<'_, Node>, name: &str, reason: RemovalReason) {
        let mut text = String::new();
        visible_text(node, &mut text);
        let span = self.at(node);
        self.dropped
            .extend(node.descendants().filter_map(|descendant| {
                descendant
                    .value()
                    .as_element()
                    .and_then(|element| element.attr(AT))
                    .and_then(|value| value.parse::<usize>().ok())
            }));
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
    let mut rest = content.trim_start();
    while let Some(after) = rest.strip_prefix("<br />") {
        rest = after.trim_start();
    }
    rest.is_empty()
}

/// The visible text of an HTML fragment, normalised as [`CleanBody::text`] is.
///
/// [`CleanBody::text`]: super::CleanBody::text
pub fn visible_text_of(html: &str) -> String {
    let mut text = String::new();
    visible_text(parse_fragment(html).tree.root(), &mut text);
    normalise_text(&text)
}

/// The text a reader would see in a subtree (not scripts, styles, templates). With a stack of
/// its own rather than recursion, as [`Walker::walk`].
pub fn visible_text(node: NodeRef<'_, Node>, out: &mut String) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(element) if INVISIBLE.contains(&element.name()) => {}
            _ => stack.extend(node.children().rev()),
        }
    }
}

/// Collapse runs of spaces, keep line breaks between blocks, trim.
///
/// Works on bytes and copies whole words: only the lead bytes of the few multi-byte characters
/// that can be whitespace (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000) are decoded.
pub fn normalise_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<char> = None;
    let mut word_start: Option<usize> = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let (width, space, newline) = match byte {
            b'\n' => (1, true, true),
            0x00..=0x7F => (1, byte.is_ascii_whitespace() || byte == 0x0B, false),
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                let c = text[index..].chars().next().unwrap_or(' ');
                (c.len_utf8(), c.is_whitespace(), false)
            }
            0xC0..=0xDF => (2, false, false),
            0xE0..=0xEF => (3, false, false),
            _ => (4, false, false),
        };
        if space {
            if let Some(start) = word_start.take() {
                out.push_str(&text[start..index]);
            }
            if newline && !out.is_empty() {
                pending = Some('\n');
            } else if !out.is_empty() && pending.is_none() {
                pending = Some(' ');
            }
        } else if word_start.is_none() {
            if let Some(separator) = pending.take() {
                out.push(separator);
            }
            word_start = Some(index);
        }
        index += width;
    }
    if let Some(start) = word_start {
        out.push_str(&text[start..]);
    }
    out
}
