//! Fuzz target `sanitize`: bytes → `source::decode` → `parse::parse` → `sanitize::sanitize`
//! under the default policy, the path a post's body takes to the exports.
//!
//! A panic anywhere is a crash; so is an output that is not well-formed XML (wrapped in one
//! element) or that holds an executable construct: an element or attribute the policy does
//! not allow, an event handler, `style`, `srcdoc` or `formaction`, a URL that is not
//! http(s), mailto, relative or (on `img src`) a raster `data:image`, or `javascript:`,
//! `vbscript:` or `data:` in any other attribute whose value is more than text. The same
//! checks as the property tests in `tests/sanitize.rs` (kept short here; that file explains
//! them). The bytes are a whole
//! file, so seeds with and without front matter both work. This target does not check
//! idempotence or text conservation (the property tests do) nor the lint rules.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsbundle::parse;
use newsbundle::sanitize::{self, Policy};
use newsbundle::source;

const XHTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// Allowed attributes whose value a browser never reads as a URL or as code.
const TEXT_ATTRIBUTES: &[&str] = &[
    "title", "alt", "lang", "dir", "datetime", "width", "height", "start", "reversed", "value",
    "colspan", "rowspan", "scope", "span",
];

fuzz_target!(|bytes: &[u8]| {
    let post = parse::parse("_posts/2021-12-08-fuzz.md", source::decode(bytes, None));
    let policy = Policy::default();
    let body = sanitize::sanitize(&post, None, &policy);
    if let Err(problem) = check(body.xhtml(), &policy) {
        panic!("{problem}\noutput: {:?}", body.xhtml());
    }
});

fn check(xhtml: &str, policy: &Policy) -> Result<(), String> {
    let wrapped = format!("<div xmlns=\"{XHTML_NAMESPACE}\">{xhtml}</div>");
    let document = roxmltree::Document::parse(&wrapped)
        .map_err(|error| format!("not well-formed XML ({error})"))?;
    for node in document.root_element().descendants().skip(1) {
        if !node.is_element() {
            continue;
        }
        let name = node.tag_name().name();
        if node.tag_name().namespace() != Some(XHTML_NAMESPACE) || !policy.allows_element(name) {
            return Err(format!("<{name}> is not an allowed XHTML element"));
        }
        for attribute in node.attributes() {
            let (attribute, value) = (attribute.name(), attribute.value());
            let lowercase = attribute.to_ascii_lowercase();
            if lowercase.starts_with("on")
                || matches!(lowercase.as_str(), "style" | "srcdoc" | "formaction")
                || !policy.allows_attribute(name, attribute)
            {
                return Err(format!("<{name} {attribute}> is not allowed"));
            }
            let raster = is_raster_data_image(name, attribute, value);
            let is_url = matches!(attribute, "href" | "src" | "cite");
            if is_url && !raster {
                let url: String = value
                    .trim_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect();
                let scheme = url
                    .split_once(':')
                    .map(|(scheme, _)| scheme)
                    .filter(|scheme| {
                        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                            && scheme
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                    });
                let allowed = match scheme {
                    Some(scheme) => matches!(
                        scheme.to_ascii_lowercase().as_str(),
                        "http" | "https" | "mailto"
                    ),
                    // Protocol-relative (`\` is `/` to a browser) is rewritten to https.
                    None => !(url.starts_with(['/', '\\']) && url[1..].starts_with(['/', '\\'])),
                };
                if !allowed {
                    return Err(format!("<{name} {attribute}={value:?}> is not allowed"));
                }
            }
            // A URL that passed is http(s), mailto or relative: `javascript:` in its path
            // (`/javascript:/x`) is no scheme.
            if raster || is_url || TEXT_ATTRIBUTES.contains(&attribute) {
                continue;
            }
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_lowercase();
            if ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|scheme| squashed.contains(scheme))
            {
                return Err(format!(
                    "<{name} {attribute}={value:?}> holds a script scheme"
                ));
            }
        }
    }
    Ok(())
}

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
