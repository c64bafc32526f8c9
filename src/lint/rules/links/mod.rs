//! Link rules (`LNK`): the links and images of a post's content, and its source line.
//!
//! The sanitizer finds the links, with what is wrong with their URL, once per post; these rules
//! only judge them. The navigation line at the end of a news post (`[返回首页](//host/)`) is
//! site chrome, which the exports drop: no rule here looks at it.

mod broken_internal_link;
mod duplicate_source_url;
mod empty_link;
mod insecure_link;
mod malformed_url;
mod private_address_link;
mod protocol_relative_url;
mod refused_url_scheme;

use std::hash::{Hash, Hasher};
use std::ops::Range;

pub use broken_internal_link::{site_links, BrokenInternalLink};
pub use duplicate_source_url::DuplicateSourceUrl;
pub use empty_link::EmptyLink;
pub use insecure_link::InsecureLink;
pub use malformed_url::MalformedUrl;
pub use private_address_link::PrivateAddressLink;
pub use protocol_relative_url::ProtocolRelativeUrl;
pub use refused_url_scheme::RefusedUrlScheme;

use crate::parse::Post;
use crate::sanitize::{CleanBody, ConstructKind, LinkProblem};

/// What a link is in the post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `<a href>` or `[text](url)` in the content.
    Link,
    /// `<img src>` or `![alt](url)` in the content.
    Image,
    /// The source line, `<http://…>`, at the end of a news post.
    Source,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Link => "link",
            Kind::Image => "image",
            Kind::Source => "source URL",
        }
    }
}

/// A link as the link rules see it.
struct Target<'a> {
    kind: Kind,
    /// The URL as kept (protocol-relative rewritten to https); empty when it was refused.
    url: &'a str,
    /// The URL as written.
    raw: &'a str,
    /// The link's visible text, or the image's `alt`.
    text: &'a str,
    /// Where the URL is in the file, or else where the link starts.
    span: Range<usize>,
    problem: Option<&'a LinkProblem>,
    /// Part of the URL is a Liquid tag the sanitizer dropped (`{% post_url … %}`,
    /// `{{ page.url }}`): Jekyll writes a URL there that the rules cannot see.
    templated: bool,
}

/// The links and images of the content, then the source line, each placed on its URL in the
/// file when the URL can be found there as written.
fn targets<'a>(post: &Post, body: &'a CleanBody) -> Vec<Target<'a>> {
    let mut starts: Vec<usize> = body
        .links()
        .iter()
        .map(|link| link.span.start)
        .chain(body.images().iter().map(|image| image.span.start))
        .collect();
    starts.sort_unstable();
    let text = post.text();
    let dropped: Vec<Range<usize>> = body
        .constructs()
        .iter()
        .filter(|construct| construct.kind == ConstructKind::Liquid && !construct.replaced)
        .map(|construct| construct.span.clone())
        .collect();
    let place = |span: &Range<usize>, raw: &str| {
        // Look between the link's start and the next link's, so that a reference-style link
        // is never placed on another link's URL.
        let next = starts
            .get(starts.partition_point(|start| *start <= span.start))
            .copied()
            .unwrap_or(text.len());
        let found = url_span(text, span, raw, next);
        let templated = dropped.iter().any(|construct| {
            if raw.trim().is_empty() || found == *span {
                // The URL is not in the file as written: was a tag where it starts?
                construct.start >= span.start
                    && construct.start < next
                    && text
                        .get(span.start..construct.start)
                        .map(str::trim_end)
                        .is_some_and(|before| {
                            before.ends_with("](")
                                || before.ends_with("](<")
                                || before.ends_with(['"', '\'', '='])
                        })
            } else {
                // A tag right before or after what is left of the URL.
                construct.end == found.start || construct.start == found.end
            }
        });
        (found, templated)
    };
    let mut targets: Vec<Target<'a>> = Vec::new();
    for link in body.links() {
        let (link_span, link_templated) = place(&link.span, &link.raw);
        targets.push(Target {
            kind: Kind::Link,
            url: &link.url,
            raw: &link.raw,
            text: &link.text,
            span: link_span,
            problem: link.problem.as_ref(),
            templated: link_templated,
        });
    }
    for image in body.images() {
        let (image_span, image_templated) = place(&image.span, &image.raw);
        targets.push(Target {
            kind: Kind::Image,
            url: &image.url,
            raw: &image.raw,
            text: image.alt.as_deref().unwrap_or_default(),
            span: image_span,
            problem: image.problem.as_ref(),
            templated: image_templated,
        });
    }
    if let Some(source) = body.source() {
        targets.push(Target {
            kind: Kind::Source,
            url: &source.url,
            raw: &source.raw,
            text: "",
            span: url_span(text, &source.span, &source.raw, source.span.end),
            problem: source.problem.as_ref(),
            templated: false,
        });
    }
    targets.sort_by_key(|target| target.span.start);
    targets
}

/// What the cross-post rules (LNK005, LNK008) keep of a post's source line.
#[derive(Debug, Clone)]
pub struct SourceUrl {
    /// Hash of the URL, normalised: `http`/`https`, the case of the host, a trailing `/` and
    /// a `#fragment` make no difference.
    pub key: u64,
    /// The URL in the file.
    pub span: Range<usize>,
    /// The URL uses plain `http:`.
    pub insecure: bool,
}

/// What the cross-post rules keep of the post's source line.
pub fn source_url(post: &Post, body: &CleanBody) -> Option<SourceUrl> {
    let source = targets(post, body)
        .into_iter()
        .find(|target| target.kind == Kind::Source)?;
    if source.url.is_empty() || source.problem.is_some() {
        return None;
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    duplicate_source_url::normalise(source.url).hash(&mut hasher);
    Some(SourceUrl {
        key: hasher.finish(),
        span: source.span,
        insecure: insecure_link::is_http(source.url),
    })
}

/// The span of `raw` in `text` at or after `span.start` and before `limit`, or else `span`.
fn url_span(text: &str, span: &Range<usize>, raw: &str, limit: usize) -> Range<usize> {
    let raw = raw.trim();
    if raw.is_empty() {
        return span.clone();
    }
    let end = limit.max(span.end).min(text.len());
    text.get(span.start..end)
        .and_then(|region| region.find(raw))
        .map_or(span.clone(), |at| {
            span.start + at..span.start + at + raw.len()
        })
}

/// What to do instead when a URL cannot be kept.
fn instead(kind: Kind) -> &'static str {
    match kind {
        Kind::Link => "or remove the link and keep its text",
        Kind::Image => "or remove the image",
        Kind::Source => "or delete the source line",
    }
}

/// `"text"` for messages, shortened when very long.
fn quoted(value: &str) -> String {
    const MAX_CHARS: usize = 120;
    let value = value.trim();
    if value.chars().count() <= MAX_CHARS {
        format!("\"{value}\"")
    } else {
        let cut: String = value.chars().take(MAX_CHARS).collect();
        format!("\"{cut}…\"")
    }
}
