//! Sanitize: a post body (Markdown with raw HTML, Liquid and kramdown extras, a news trailer)
//! to clean, well-formed, portable XHTML under a [`Policy`], with the links and images found on
//! the way and a list of everything removed and why.
//!
//! The stages, each its own file:
//! 1. `template`: Liquid tags are found and dropped (or kept);
//! 2. `kramdown`: kramdown's block syntax (`markdown="1"`, abbreviations, attribute lists,
//!    extensions) is applied or dropped; this and `template` not in posts with TOML front
//!    matter (Hugo, Zola), which have neither Liquid nor kramdown;
//! 3. `trailer`: the source link and navigation lines at the end are taken out;
//! 4. `markdown`: pulldown-cmark renders the rest, remembering where each piece came from,
//!    as kramdown reads it for Jekyll's posts (what `kramdown` found applied to its events,
//!    and kramdown's passes over them: heading ids, `{:toc}`, typography, …), as CommonMark
//!    for the others;
//! 5. `rewrite`: lol_html strips attributes and marks elements, noting their positions;
//! 6. `tree`: html5ever builds a real tree, which is filtered and serialized as XHTML.
//!
//! Every position is mapped back through the stages to a byte offset in the file, so the lint
//! rules point at the original line and column. This is the only module that turns untrusted
//! markup into HTML; the exports use [`CleanBody`] and never the raw body.

mod kramdown;
mod markdown;
mod offsets;
mod policy;
mod rewrite;
mod template;
mod trailer;
mod tree;
mod url;
pub(crate) mod xml;

use std::collections::HashSet;
use std::ops::Range;

pub(crate) use kramdown::{header_id, is_header_id, HeadingIds};
pub use policy::{Policy, PolicyBuilder, PolicyError, TemplatePolicy, MAX_ID_CHARS};
pub use template::{Construct, ConstructKind};
pub(crate) use trailer::ends_like_a_trailer;
pub(crate) use tree::parse_fragment;
pub use url::{host_of, is_private_host};

use crate::parse::{FrontMatterFormat, Post};
use crate::source::Site;

/// A link in the content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The URL as kept in the output (protocol-relative rewritten); empty when it was refused.
    pub url: String,
    /// The URL as written (entities decoded).
    pub raw: String,
    /// The link's visible text.
    pub text: String,
    /// Where the link starts in the file.
    pub span: Range<usize>,
    pub problem: Option<LinkProblem>,
}

/// An image in the content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Empty when the source was refused, malformed or missing (the image is then dropped).
    pub url: String,
    pub raw: String,
    /// `None` when the image has no `alt` attribute at all.
    pub alt: Option<String>,
    pub span: Range<usize>,
    pub problem: Option<LinkProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    Empty,
    Malformed(String),
    /// The scheme, lowercased.
    RefusedScheme(String),
    /// `//host/path`, rewritten to https.
    ProtocolRelative,
}

/// Why something was removed or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RemovalReason {
    /// `script`, `style`, `iframe`, `object`, `form`, … with their content.
    DangerousElement,
    /// `onclick`, `onerror`, …
    EventHandler,
    /// `srcdoc`, `formaction`, … on any element.
    DangerousAttribute,
    /// Content hidden with `display:none`, `visibility:hidden` or `hidden`.
    HiddenContent,
    /// A `style` attribute.
    InlineStyle,
    /// `center`, `font`, … mapped or unwrapped (`detail`: the replacement).
    DeprecatedElement,
    /// An attribute that belongs on another element (`detail`: its name).
    MisplacedAttribute,
    /// An element outside the allowlist, unwrapped (its content kept).
    DisallowedElement,
    /// A URL with a refused scheme (`detail`: the scheme).
    RefusedUrl,
    EmptyParagraph,
    /// Liquid or kramdown syntax (`detail`: the construct).
    Template,
    /// The source link and navigation lines at the end of the post.
    Trailer,
}

/// Something removed from the body, where it was, and the visible text that went with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    pub reason: RemovalReason,
    /// The element's name, when an element is concerned.
    pub element: String,
    pub detail: String,
    pub span: Range<usize>,
    pub text: String,
}

/// The sanitized body of a post. Opaque: what it holds is read through its methods, so the
/// HTML libraries underneath can change.
#[derive(Clone, Debug, Default)]
pub struct CleanBody {
    xhtml: String,
    text: String,
    links: Vec<Link>,
    images: Vec<Image>,
    removals: Vec<Removal>,
    source: Option<Link>,
    navigation: Vec<Link>,
    constructs: Vec<Construct>,
    unclosed: Vec<(String, Range<usize>)>,
    excerpt_end: Option<usize>,
}

impl CleanBody {
    /// The body as an XHTML fragment: well-formed XML once wrapped in one element.
    pub fn xhtml(&self) -> &str {
        &self.xhtml
    }

    /// The visible text, one line per block, spaces collapsed.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn links(&self) -> &[Link] {
        &self.links
    }

    pub fn images(&self) -> &[Image] {
        &self.images
    }

    /// Everything removed or changed, in the order found.
    pub fn removals(&self) -> &[Removal] {
        &self.removals
    }

    /// The post's source URL (its last bare autolink line).
    pub fn source(&self) -> Option<&Link> {
        self.source.as_ref()
    }

    /// The site navigation links taken from the end of the post.
    pub fn navigation(&self) -> &[Link] {
        &self.navigation
    }

    /// Liquid tags and kramdown attribute lists found in the body.
    pub fn constructs(&self) -> &[Construct] {
        &self.constructs
    }

    /// Elements opened and never closed (their end tag is required): name and position.
    pub fn unclosed(&self) -> &[(String, Range<usize>)] {
        &self.unclosed
    }

    /// Where the excerpt ends, as a byte offset into [`xhtml`](Self::xhtml) between two
    /// top-level elements: an excerpt marker stood there (`<!--more-->`, or the site's or the
    /// post's `excerpt_separator` written as an HTML comment). A marker inside an element
    /// counts after that top-level element; one in code is code, not a marker. `None` without
    /// a marker, or when it stands first or last.
    pub fn excerpt_end(&self) -> Option<usize> {
        self.excerpt_end
    }

    /// A complete XHTML document holding the body, for reading or for an XML parser.
    pub fn to_document(&self, title: &str, language: Option<&str>) -> String {
        // The title on one line: its control characters, line breaks included, are dropped.
        let title: String = title.chars().filter(|c| *c >= ' ').collect();
        let mut title_escaped = String::new();
        xml::push_escaped(&mut title_escaped, &title, xml::Escape::Text);
        let language = language
            .filter(|lang| {
                !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            .map(|lang| format!(" xml:lang=\"{lang}\" lang=\"{lang}\""))
            .unwrap_or_default();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"{language}>\n<head>\n<meta charset=\"UTF-8\" />\n<title>{title_escaped}</title>\n</head>\n<body>\n{}\n</body>\n</html>\n",
            self.xhtml
        )
    }
}

/// The template and kramdown stages: Liquid and kramdown are Jekyll's, so a post with TOML
/// front matter (Hugo, Zola) keeps its braces as written, and nothing in it is reported as a
/// template. The text for the Markdown stage, its map back to the body, the constructs found
/// (spans in the body) and what the Markdown stage is told beside the text.
fn preprocess(
    post: &Post,
    site: Option<&Site>,
    policy: &Policy,
) -> (template::Preprocessed, Option<kramdown::Extras>) {
    match post.front_matter.format {
        FrontMatterFormat::Toml => (template::literal(post.body()), None),
        FrontMatterFormat::Yaml => {
            let liquid = template::strip(post.body(), site, policy.templates());
            let kramdown = kramdown::blocks(&liquid.text, policy.templates());
            let mut constructs = liquid.constructs;
            constructs.extend(kramdown::placed(
                kramdown.constructs,
                &liquid.map,
                post.body(),
            ));
            constructs.sort_by_key(|construct| construct.span.start);
            let pre = template::Preprocessed {
                text: kramdown.text,
                map: kramdown.map.then(&liquid.map),
                constructs,
            };
            (pre, Some(kramdown.extras))
        }
    }
}

/// The texts of the HTML comments that mark where a post's excerpt ends: `more` (Hugo's and
/// WordPress's `<!--more-->`, Zola's `<!-- more -->`), and the post's or else the site's
/// `excerpt_separator` when it is an HTML comment. Other separators are text and stay text.
fn excerpt_markers(post: &Post, site: Option<&Site>) -> Vec<String> {
    let mut markers = vec!["more".to_owned()];
    let separator = match post.front_matter.entry("excerpt_separator") {
        Some(entry) => entry.value.as_str(),
        None => site.and_then(|site| site.excerpt_separator.as_deref()),
    };
    let comment = separator
        .map(str::trim)
        .and_then(|separator| separator.strip_prefix("<!--"))
        .and_then(|separator| separator.strip_suffix("-->"))
        .map(str::trim)
        .filter(|text| !text.is_empty() && !text.eq_ignore_ascii_case("more"));
    markers.extend(comment.map(str::to_owned));
    markers
}

/// Sanitize the body of `post` under `policy`. Never fails.
pub fn sanitize(post: &Post, site: Option<&Site>, policy: &Policy) -> CleanBody {
    let body = post.body();
    let base = post.body_span.start;
    let site_host = site.and_then(|site| site.url.as_deref()).and_then(host_of);

    let (pre, extras) = preprocess(post, site, policy);
    let to_file = |pre_offset: usize| base + pre.map.map(pre_offset).min(body.len());

    // Template constructs are listed in `constructs()`, not as removals: the text they stood
    // for never was visible (Jekyll renders Liquid before anything else), see
    // `input_visible_text`.
    let mut removals: Vec<Removal> = Vec::new();
    let constructs = pre
        .constructs
        .iter()
        .map(|construct| Construct {
            span: base + construct.span.start..base + construct.span.end,
            ..construct.clone()
        })
        .collect();

    let (content, trailer) = if policy.extracts_trailer() {
        let trailer = trailer::split(&pre.text, site_host.as_deref(), policy.navigation());
        (&pre.text[..trailer.content_end], trailer)
    } else {
        (
            pre.text.as_str(),
            trailer::Trailer {
                content_end: pre.text.len(),
                ..Default::default()
            },
        )
    };
    let trailer_link = |link: &trailer::TrailerLink, text: String| {
        let verdict = url::check(&link.url, false, policy);
        let (kept, problem) = match verdict {
            url::UrlVerdict::Keep {
                url,
                rewritten_from_protocol_relative,
            } => (
                url,
                rewritten_from_protocol_relative.then_some(LinkProblem::ProtocolRelative),
            ),
            url::UrlVerdict::Empty => (String::new(), Some(LinkProblem::Empty)),
            url::UrlVerdict::Malformed { reason } => {
                (String::new(), Some(LinkProblem::Malformed(reason)))
            }
            url::UrlVerdict::Refused { scheme } => {
                (String::new(), Some(LinkProblem::RefusedScheme(scheme)))
            }
        };
        Link {
            url: kept,
            raw: link.url.clone(),
            text,
            span: to_file(link.span.start)..to_file(link.span.end),
            problem,
        }
    };
    let source = trailer
        .source
        .as_ref()
        .map(|link| trailer_link(link, link.url.clone()));
    let navigation: Vec<Link> = trailer
        .navigation
        .iter()
        .map(|link| trailer_link(link, link.text.clone()))
        .collect();
    if trailer.content_end < pre.text.len() {
        let rest = &pre.text[trailer.content_end..];
        let rendered = markdown::render(
            rest,
            extras
                .as_ref()
                .map(|extras| extras.after(trailer.content_end))
                .as_ref(),
        );
        removals.push(Removal {
            reason: RemovalReason::Trailer,
            element: String::new(),
            detail: String::new(),
            span: to_file(trailer.content_end)..base + body.len(),
            text: tree::visible_text_of(&rendered.html),
        });
    }

    let rendered = markdown::render(content, extras.as_ref());
    let locate = |html_offset: usize| to_file(rendered.map.map(html_offset));
    let rewritten = rewrite::rewrite(
        &rendered.html,
        &locate,
        policy,
        &excerpt_markers(post, site),
    );
    let built = tree::build(&rewritten.html, policy, base);
    // An attribute stripped from an element that was then dropped whole (or from anything
    // inside it) went with the element: the element's removal says it all.
    let dropped: HashSet<usize> = built.dropped.iter().copied().collect();
    removals.extend(
        rewritten
            .removals
            .into_iter()
            .filter(|removal| !dropped.contains(&removal.span.start)),
    );
    removals.extend(built.removals);
    removals.sort_by_key(|removal| removal.span.start);

    let xhtml = built.xhtml.trim();
    let leading = built.xhtml.len() - built.xhtml.trim_start().len();
    let excerpt_end = built
        .excerpt_end
        .map(|end| end.saturating_sub(leading).min(xhtml.len()))
        .filter(|end| *end > 0 && !xhtml[*end..].trim().is_empty());
    CleanBody {
        xhtml: xhtml.to_owned(),
        excerpt_end,
        text: built.text,
        links: built.links,
        images: built.images,
        removals,
        source,
        navigation,
        constructs,
        unclosed: rewritten.unclosed,
    }
}

/// The visible text of a body before sanitizing: its Markdown rendered as it is after the
/// template and kramdown stages (Liquid is rendered first, then kramdown reads the text, as in
/// Jekyll), scripts and styles excluded.
/// What [`CleanBody::text`] keeps plus the text of [`CleanBody::removals`] is this text: the
/// corpus check and the property tests hold the sanitizer to it.
pub fn input_visible_text(post: &Post, site: Option<&Site>, policy: &Policy) -> String {
    let (pre, extras) = preprocess(post, site, policy);
    let rendered = markdown::render(&pre.text, extras.as_ref());
    tree::visible_text_of(&rendered.html)
}

#[cfg(test)]
mod tests;
