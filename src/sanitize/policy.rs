//! `Policy`: what the sanitizer keeps. A builder with a conservative default, ammonia-style:
//! each setter documents its default, and contradictory settings are refused by `build()`.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

/// Elements removed with all their content, whatever the policy: they run code, load other
/// documents, or take input.
pub const ALWAYS_REMOVED: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "optgroup",
    "noscript",
    "noembed",
    "noframes",
    "template",
    "base",
    "link",
    "meta",
    "svg",
    "math",
    "canvas",
    "xmp",
    "plaintext",
    "title",
    "head",
    "portal",
    "dialog",
    "param",
    "source",
    "track",
    "audio",
    "video",
    "picture",
    "map",
    "area",
];

/// Schemes that are never allowed in a URL, even if asked for.
const NEVER_SCHEMES: &[&str] = &[
    "javascript",
    "vbscript",
    "data",
    "file",
    "blob",
    "filesystem",
];

const DEFAULT_ELEMENTS: &[&str] = &[
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "sub",
    "sup",
    "small",
    "mark",
    "q",
    "cite",
    "abbr",
    "dfn",
    "blockquote",
    "pre",
    "code",
    "kbd",
    "samp",
    "var",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "img",
    "figure",
    "figcaption",
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
    "div",
    "span",
    "time",
    "ruby",
    "rt",
    "rp",
    "bdi",
    "bdo",
    "wbr",
];

/// Attributes allowed on every kept element.
const DEFAULT_GLOBAL_ATTRIBUTES: &[&str] = &["title", "lang", "dir"];

const DEFAULT_ELEMENT_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("img", &["src", "alt", "width", "height"]),
    ("blockquote", &["cite"]),
    ("q", &["cite"]),
    ("del", &["cite", "datetime"]),
    ("ins", &["cite", "datetime"]),
    ("time", &["datetime"]),
    ("ol", &["start", "reversed"]),
    ("li", &["value"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("abbr", &["title"]),
];

/// Attributes that hold a URL, and are checked against the allowed schemes.
pub const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

/// Default link texts of site navigation at the end of a post (a prefix or the whole text).
const DEFAULT_NAVIGATION: &[&str] = &[
    "返回",
    "回到",
    "回首页",
    "首页",
    "Back to",
    "Return to",
    "Home",
];

/// What to do with Liquid tags (`{% … %}`, `{{ … }}`) and kramdown attribute lists (`{: …}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplatePolicy {
    /// Remove them from the content (the default); they are still reported.
    Drop,
    /// Keep them as literal text.
    Keep,
}

/// The sanitization policy. Build one with [`Policy::builder`]; `Policy::default()` is the
/// conservative default described on each builder method.
#[derive(Clone, Debug)]
pub struct Policy {
    elements: BTreeSet<String>,
    global_attributes: BTreeSet<String>,
    element_attributes: BTreeMap<String, BTreeSet<String>>,
    schemes: BTreeSet<String>,
    data_images: bool,
    rewrite_protocol_relative: bool,
    drop_hidden: bool,
    templates: TemplatePolicy,
    navigation: Vec<String>,
    extract_trailer: bool,
    /// Classes kept on an element: (element, a class name must match this whole).
    classes: Vec<(String, regex::Regex)>,
    /// Ids kept on an element: (element, the id must match this whole).
    ids: Vec<(String, regex::Regex)>,
}

/// Classes that carry meaning, kept by default: a code block's language (so highlighting
/// survives a migration) and a table cell's alignment (GFM `|:-:|`, which the Markdown stage
/// writes as `style="text-align: …"` and the rewrite stage turns into a class).
const DEFAULT_CLASSES: &[(&str, &str)] = &[
    ("code", r"language-[A-Za-z0-9_+#.-]{1,40}"),
    ("th", r"align-(?:left|center|right)"),
    ("td", r"align-(?:left|center|right)"),
    // Footnotes, as the Markdown stage writes them (see `markdown.rs`).
    ("sup", "footnote-ref"),
    ("div", "footnote"),
    ("a", "footnote-back"),
];

/// Ids kept by default: a footnote's and its references' (numbers only, written by the
/// Markdown stage), so that a note and its reference can link to each other, and headings'.
const DEFAULT_IDS: &[(&str, &str)] = &[
    ("a", r"fnref-[0-9]{1,5}(?:-[0-9]{1,4})?"),
    ("div", r"fn-[0-9]{1,5}"),
    // A heading's (kramdown's automatic ids, `{#id}`), so that `#fragment` links still work.
    ("h1", HEADING_ID),
    ("h2", HEADING_ID),
    ("h3", HEADING_ID),
    ("h4", HEADING_ID),
    ("h5", HEADING_ID),
    ("h6", HEADING_ID),
];

/// Word characters, `-`, `.` and `:`: what kramdown's automatic ids and `{#id}` are made of.
/// (Unbounded here: a bounded repeat of a Unicode class compiles into a pattern so big that
/// building the default policy took 0.3 s and 90 MB; [`MAX_ID_CHARS`] bounds every id.)
const HEADING_ID: &str = r"[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}.:-]+";

/// The longest id kept, in characters, whatever pattern allows it.
pub const MAX_ID_CHARS: usize = 200;

/// [`DEFAULT_CLASSES`] and [`DEFAULT_IDS`], compiled once (a policy is made per run, and
/// cloning a compiled pattern is cheap).
static DEFAULT_CLASS_PATTERNS: std::sync::LazyLock<Vec<(String, regex::Regex)>> =
    std::sync::LazyLock::new(|| compile(DEFAULT_CLASSES));
static DEFAULT_ID_PATTERNS: std::sync::LazyLock<Vec<(String, regex::Regex)>> =
    std::sync::LazyLock::new(|| compile(DEFAULT_IDS));

fn compile(patterns: &[(&str, &str)]) -> Vec<(String, regex::Regex)> {
    patterns
        .iter()
        .filter_map(|(element, pattern)| {
            let pattern = regex::Regex::new(&format!("^(?:{pattern})$")).ok()?;
            Some((element.to_string(), pattern))
        })
        .collect()
}

impl Default for Policy {
    fn default() -> Self {
        PolicyBuilder::new()
            .build()
            .expect("the default policy is consistent")
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("element \"{0}\" can never be allowed: it runs code, loads documents or takes input")]
    DangerousElement(String),
    #[error("URL scheme \"{0}\" can never be allowed")]
    DangerousScheme(String),
    #[error("attribute \"{0}\" can never be allowed (event handlers and inline styles are always removed)")]
    DangerousAttribute(String),
    #[error(
        "attribute \"{attribute}\" is allowed on \"{element}\", which is not an allowed element"
    )]
    AttributeOnRemovedElement { element: String, attribute: String },
}

impl Policy {
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::new()
    }

    pub fn allows_element(&self, name: &str) -> bool {
        self.elements.contains(name)
    }

    pub fn allows_attribute(&self, element: &str, attribute: &str) -> bool {
        self.global_attributes.contains(attribute)
            || self
                .element_attributes
                .get(element)
                .is_some_and(|set| set.contains(attribute))
    }

    /// The classes of `value` that `element` may keep, space-separated, or `None` when none.
    pub fn kept_classes(&self, element: &str, value: &str) -> Option<String> {
        let kept: Vec<&str> = value
            .split_ascii_whitespace()
            .filter(|class| {
                self.classes
                    .iter()
                    .any(|(allowed, pattern)| allowed == element && pattern.is_match(class))
            })
            .collect();
        (!kept.is_empty()).then(|| kept.join(" "))
    }

    /// True when `element` may keep the id `value`: a pattern for `element` allows it, and it
    /// is at most [`MAX_ID_CHARS`] characters long.
    pub fn keeps_id(&self, element: &str, value: &str) -> bool {
        value.chars().count() <= MAX_ID_CHARS
            && self
                .ids
                .iter()
                .any(|(allowed, pattern)| allowed == element && pattern.is_match(value))
    }

    /// True when some allowed element may carry `attribute` (so finding it elsewhere means it
    /// is on the wrong element, not unknown).
    pub fn attribute_belongs_elsewhere(&self, attribute: &str) -> bool {
        self.element_attributes
            .values()
            .any(|set| set.contains(attribute))
    }

    pub fn allows_scheme(&self, scheme: &str) -> bool {
        self.schemes.contains(scheme)
    }

    pub fn allows_data_images(&self) -> bool {
        self.data_images
    }

    pub fn rewrites_protocol_relative(&self) -> bool {
        self.rewrite_protocol_relative
    }

    pub fn drops_hidden(&self) -> bool {
        self.drop_hidden
    }

    pub fn templates(&self) -> TemplatePolicy {
        self.templates
    }

    pub fn navigation(&self) -> &[String] {
        &self.navigation
    }

    pub fn extracts_trailer(&self) -> bool {
        self.extract_trailer
    }
}

/// Builds a [`Policy`]; start from the defaults and change what you need.
#[derive(Clone, Debug)]
pub struct PolicyBuilder {
    policy: Policy,
}

impl PolicyBuilder {
    fn new() -> Self {
        let set = |items: &[&str]| {
            items
                .iter()
                .map(|item| item.to_string())
                .collect::<BTreeSet<_>>()
        };
        PolicyBuilder {
            policy: Policy {
                elements: set(DEFAULT_ELEMENTS),
                global_attributes: set(DEFAULT_GLOBAL_ATTRIBUTES),
                element_attributes: DEFAULT_ELEMENT_ATTRIBUTES
                    .iter()
                    .map(|(element, attributes)| (element.to_string(), set(attributes)))
                    .collect(),
                schemes: set(&["http", "https", "mailto"]),
                data_images: true,
                rewrite_protocol_relative: true,
                drop_hidden: true,
                templates: TemplatePolicy::Drop,
                navigation: DEFAULT_NAVIGATION
                    .iter()
                    .map(|text| text.to_string())
                    .collect(),
                extract_trailer: true,
                classes: DEFAULT_CLASS_PATTERNS.clone(),
                ids: DEFAULT_ID_PATTERNS.clone(),
            },
        }
    }

    /// Keep class names matching `pattern` (a regular expression for the whole name) on
    /// `element`. Default: `language-*` on `code`, `align-left|center|right` on `th` and `td`.
    /// Any other class is removed. A pattern that is not a regular expression is ignored.
    pub fn allow_class(mut self, element: &str, pattern: &str) -> Self {
        if let Ok(pattern) = regex::Regex::new(&format!("^(?:{pattern})$")) {
            self.policy
                .classes
                .push((element.to_ascii_lowercase(), pattern));
        }
        self
    }

    /// Remove every class rule: no class is kept anywhere.
    pub fn deny_classes(mut self) -> Self {
        self.policy.classes.clear();
        self
    }

    /// Keep ids matching `pattern` (a regular expression for the whole id) on `element`.
    /// Default: the footnote ids the Markdown stage writes (`fn-N` on `div`, `fnref-N` on `a`)
    /// and heading ids made of word characters, `-`, `.` and `:`;
    /// any other id, and any id over [`MAX_ID_CHARS`] characters, is removed. A pattern that
    /// is not a regular expression is ignored.
    pub fn allow_id(mut self, element: &str, pattern: &str) -> Self {
        if let Ok(pattern) = regex::Regex::new(&format!("^(?:{pattern})$")) {
            self.policy
                .ids
                .push((element.to_ascii_lowercase(), pattern));
        }
        self
    }

    /// Allow one more element. Default: text-level and block elements fit for e-readers
    /// (paragraphs, headings, emphasis, links, images, lists, quotes, code, tables, figures).
    pub fn allow_element(mut self, name: &str) -> Self {
        self.policy.elements.insert(name.to_ascii_lowercase());
        self
    }

    /// Remove an element from the allowlist: it is unwrapped (its content kept).
    pub fn deny_element(mut self, name: &str) -> Self {
        self.policy.elements.remove(&name.to_ascii_lowercase());
        self
    }

    /// Allow an attribute on an element. Default: `href` on `a`; `src`, `alt`, `width`,
    /// `height` on `img`; `cite`, `datetime`, `start`, `value`, `colspan`, `rowspan`, `scope`,
    /// `span` where they belong; `title`, `lang`, `dir` everywhere. Never `style`, `class`,
    /// `id`, `data-*` or `on*` by default.
    pub fn allow_attribute(mut self, element: &str, attribute: &str) -> Self {
        self.policy
            .element_attributes
            .entry(element.to_ascii_lowercase())
            .or_default()
            .insert(attribute.to_ascii_lowercase());
        self
    }

    /// The URL schemes allowed in `href`, `src` and `cite`, besides relative URLs.
    /// Default: `http`, `https`, `mailto`.
    pub fn url_schemes<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, schemes: I) -> Self {
        self.policy.schemes = schemes
            .into_iter()
            .map(|scheme| scheme.as_ref().to_ascii_lowercase())
            .collect();
        self
    }

    /// Allow `data:image/png|jpeg|gif|webp` in `img src` (never `data:` elsewhere, never SVG).
    /// Default: true.
    pub fn data_images(mut self, allow: bool) -> Self {
        self.policy.data_images = allow;
        self
    }

    /// Rewrite protocol-relative URLs (`//host/path`) to `https://host/path`. Default: true.
    pub fn rewrite_protocol_relative(mut self, rewrite: bool) -> Self {
        self.policy.rewrite_protocol_relative = rewrite;
        self
    }

    /// Drop content hidden with `display:none`, `visibility:hidden` or `hidden`. Default: true.
    pub fn drop_hidden(mut self, drop: bool) -> Self {
        self.policy.drop_hidden = drop;
        self
    }

    /// Drop or keep Liquid tags and kramdown attribute lists. Default: drop.
    pub fn templates(mut self, templates: TemplatePolicy) -> Self {
        self.policy.templates = templates;
        self
    }

    /// Link texts (prefixes) that mark trailing lines of links as site navigation.
    /// Default: `返回`, `回到`, `回首页`, `首页`, `Back to`, `Return to`, `Home`.
    pub fn navigation_texts<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, texts: I) -> Self {
        self.policy.navigation = texts
            .into_iter()
            .map(|text| text.as_ref().to_owned())
            .collect();
        self
    }

    /// Take the trailing source link and navigation lines out of the content. Default: true.
    pub fn extract_trailer(mut self, extract: bool) -> Self {
        self.policy.extract_trailer = extract;
        self
    }

    pub fn build(self) -> Result<Policy, PolicyError> {
        let policy = self.policy;
        if let Some(element) = policy
            .elements
            .iter()
            .find(|element| ALWAYS_REMOVED.contains(&element.as_str()))
        {
            return Err(PolicyError::DangerousElement(element.clone()));
        }
        if let Some(scheme) = policy
            .schemes
            .iter()
            .find(|scheme| NEVER_SCHEMES.contains(&scheme.as_str()))
        {
            return Err(PolicyError::DangerousScheme(scheme.clone()));
        }
        for (element, attributes) in &policy.element_attributes {
            if let Some(attribute) = attributes.iter().find(|attribute| {
                attribute.starts_with("on")
                    || attribute.as_str() == "style"
                    || attribute.as_str() == "srcdoc"
                    || attribute.as_str() == "formaction"
            }) {
                return Err(PolicyError::DangerousAttribute(attribute.clone()));
            }
            if !policy.elements.contains(element) {
                if let Some(attribute) = attributes.iter().next() {
                    return Err(PolicyError::AttributeOnRemovedElement {
                        element: element.clone(),
                        attribute: attribute.clone(),
                    });
                }
            }
        }
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contradictions_are_refused_at_build_time() {
        assert_eq!(
            Policy::builder()
                .allow_element("script")
                .build()
                .unwrap_err(),
            PolicyError::DangerousElement("script".into())
        );
        assert_eq!(
            Policy::builder()
                .url_schemes(["https", "javascript"])
                .build()
                .unwrap_err(),
            PolicyError::DangerousScheme("javascript".into())
        );
        assert!(matches!(
            Policy::builder().allow_attribute("p", "onclick").build(),
            Err(PolicyError::DangerousAttribute(_))
        ));
        assert!(matches!(
            Policy::builder().deny_element("a").build(),
            Err(PolicyError::AttributeOnRemovedElement { .. })
        ));
    }

    #[test]
    fn defaults() {
        let policy = Policy::default();
        assert!(policy.allows_element("figure"));
        assert!(!policy.allows_element("font"));
        assert!(policy.allows_attribute("a", "href"));
        assert!(!policy.allows_attribute("span", "href"));
        assert!(policy.attribute_belongs_elsewhere("href"));
        assert!(!policy.allows_attribute("p", "class"));
    }
}
