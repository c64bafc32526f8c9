//! A post body written again for the book: links and images rewritten, attributes the EPUB
//! schema refuses left out.

use super::book::{clean_line, language_tag, Book};
use super::images::{ImageSource, Resources};
use crate::sanitize::xml::{push_escaped, Escape, VOID_ELEMENTS};

/// Writes a post body again as XHTML for the book: links and images rewritten, attributes the
/// EPUB schema refuses left out. A streaming pass over quick-xml's events, so nesting depth
/// costs heap, not stack (the sanitizer lets 10,000 nested elements through).
pub(super) struct Rewriter<'a, 'b> {
    pub(super) book: &'a Book<'b>,
    pub(super) index: usize,
    pub(super) resources: &'a mut Resources,
    pub(super) out: String,
    /// The ids the body holds that the book keeps (a footnote's, its references', a
    /// heading's): a `#fragment` link is kept only when its target is here.
    pub(super) ids: std::collections::HashSet<String>,
    /// Ids written so far: a repeated one (raw HTML copying ours) is left out.
    pub(super) written_ids: std::collections::HashSet<String>,
}

/// The ids an XHTML fragment holds.
pub(super) fn ids_of(xhtml: &str) -> std::collections::HashSet<String> {
    static ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"\sid="([^"]+)""#).expect("a valid pattern")
    });
    ID.captures_iter(xhtml)
        .map(|found| found[1].to_owned())
        .filter(|id| is_xml_name(id))
        .collect()
}

/// An id the EPUB schema accepts: an XML name without colons (a letter or `_` first, then
/// letters, digits, `-`, `_`, `.`). A heading id that is not one (`100-done`) is left out, and
/// links to it with it.
fn is_xml_name(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An element being written: what closes it, and whether its content is inside a link.
struct Open {
    end: String,
    in_link: bool,
}

impl Rewriter<'_, '_> {
    /// Write the XHTML fragment `xhtml`; `Err` when it is not well-formed XML.
    pub(super) fn write(&mut self, xhtml: &str) -> Result<(), quick_xml::Error> {
        use quick_xml::events::Event;
        let wrapped = format!("<div>{xhtml}</div>");
        let mut reader = quick_xml::Reader::from_str(&wrapped);
        reader.config_mut().check_end_names = true;
        // The wrapping `div` is not written: it is the bottom of the stack.
        let mut open: Vec<Open> = Vec::new();
        let mut depth = 0usize;
        loop {
            match reader.read_event()? {
                Event::Start(element) => {
                    depth += 1;
                    if depth == 1 {
                        continue;
                    }
                    let in_link = open.last().is_some_and(|open| open.in_link);
                    let opened = self.open(&element, in_link, false);
                    open.push(opened);
                }
                Event::Empty(element) => {
                    let in_link = open.last().is_some_and(|open| open.in_link);
                    let opened = self.open(&element, in_link, true);
                    self.out.push_str(&opened.end);
                }
                Event::End(_) => {
                    depth = depth.saturating_sub(1);
                    if let Some(closed) = open.pop() {
                        self.out.push_str(&closed.end);
                    }
                }
                // Text and references are copied as they are: escaped already, and the
                // sanitizer writes no entity XML does not predefine.
                Event::Text(text) => self.out.push_str(&String::from_utf8_lossy(&text)),
                Event::GeneralRef(reference) => {
                    self.out.push('&');
                    self.out.push_str(&String::from_utf8_lossy(&reference));
                    self.out.push(';');
                }
                Event::CData(text) => {
                    push_escaped(&mut self.out, &String::from_utf8_lossy(&text), Escape::Text)
                }
                Event::Eof => return Ok(()),
                // Comments, processing instructions and declarations are not content.
                _ => {}
            }
        }
    }

    /// Write the start of `element` (all of it, when it is `empty` or void); what closes it.
    fn open(
        &mut self,
        element: &quick_xml::events::BytesStart<'_>,
        in_link: bool,
        empty: bool,
    ) -> Open {
        let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
        let attributes = attributes_of(element);
        let attribute = |wanted: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.as_str())
        };
        let unwrapped = Open {
            end: String::new(),
            in_link,
        };
        match name.as_str() {
            "a" => {
                // The sanitizer percent-encodes a fragment (`#%E7%9B%AE`); the id is written
                // as characters (`目`).
                let fragment = attribute("href")
                    .and_then(|href| href.strip_prefix('#'))
                    .map(crate::jekyll::percent_decode)
                    .filter(|id| self.ids.contains(id.as_str()))
                    .map(|id| format!("#{id}"));
                let target = fragment.clone().or_else(|| {
                    attribute("href").and_then(|href| self.book.link_target(self.index, href))
                });
                match target {
                    Some(href) if !in_link => {
                        self.out.push_str("<a href=\"");
                        push_escaped(&mut self.out, &href, Escape::AttributeKeepingWhitespace);
                        self.out.push('"');
                        // A reference to a footnote: a reading system shows the note in a
                        // pop-up (Apple Books, Kobo), or follows the link.
                        if fragment
                            .as_deref()
                            .is_some_and(|href| href.starts_with("#fn-"))
                        {
                            self.out.push_str(" epub:type=\"noteref\"");
                        }
                        self.attributes(&attributes, &["href"]);
                        self.out.push('>');
                        if empty {
                            self.out.push_str("</a>");
                        }
                        Open {
                            end: if empty {
                                String::new()
                            } else {
                                "</a>".to_owned()
                            },
                            in_link: true,
                        }
                    }
                    // Nowhere to go: the text stays, the link goes.
                    _ => unwrapped,
                }
            }
            "img" => {
                self.image(&attributes, in_link);
                unwrapped
            }
            // A footnote: an EPUB 3 note, which reading systems show where it is referred to.
            "div" if attribute("class") == Some("footnote") => {
                self.out.push_str("<aside epub:type=\"footnote\"");
                self.attributes(&attributes, &[]);
                self.out.push('>');
                Open {
                    end: "</aside>".to_owned(),
                    in_link,
                }
            }
            // A `time` without a valid `datetime` must hold one as its text: a `span` is safe.
            "time" if !attribute("datetime").is_some_and(is_datetime) => {
                self.out.push_str("<span");
                self.attributes(&attributes, &["datetime"]);
                self.out.push('>');
                let end = "</span>".to_owned();
                if empty {
                    self.out.push_str(&end);
                    return unwrapped;
                }
                Open { end, in_link }
            }
            _ => {
                self.out.push('<');
                self.out.push_str(&name);
                self.attributes(&attributes, &[]);
                if VOID_ELEMENTS.contains(&name.as_str()) {
                    self.out.push_str(" />");
                    return unwrapped;
                }
                self.out.push('>');
                let end = format!("</{name}>");
                if empty {
                    self.out.push_str(&end);
                    return unwrapped;
                }
                Open { end, in_link }
            }
        }
    }

    /// The attributes the EPUB schema accepts, but those in `skip`.
    fn attributes(&mut self, attributes: &[(String, String)], skip: &[&str]) {
        for (name, value) in attributes {
            if skip.contains(&name.as_str()) || name.contains(':') {
                continue;
            }
            if name == "id" && !self.written_ids.insert(value.clone()) {
                continue;
            }
            let Some(value) = attribute_value(name, value) else {
                continue;
            };
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            push_escaped(&mut self.out, &value, Escape::AttributeKeepingWhitespace);
            self.out.push('"');
        }
    }

    fn image(&mut self, attributes: &[(String, String)], in_link: bool) {
        let attribute = |wanted: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.as_str())
        };
        let alt = attribute("alt").map(clean_line).unwrap_or_default();
        let source = self.book.image_source(
            self.index,
            attribute("src").unwrap_or_default(),
            self.resources,
        );
        let label = if alt.is_empty() {
            format!("[{}]", self.book.labels.image)
        } else {
            alt.clone()
        };
        match source {
            ImageSource::Embedded(file) => {
                self.out.push_str("<img src=\"");
                push_escaped(&mut self.out, &file, Escape::AttributeKeepingWhitespace);
                self.out.push_str("\" alt=\"");
                push_escaped(&mut self.out, &alt, Escape::AttributeKeepingWhitespace);
                self.out.push('"');
                self.attributes(attributes, &["src", "alt"]);
                self.out.push_str(" />");
            }
            ImageSource::Linked(url) if !in_link => {
                self.out.push_str("<a class=\"image-link\" href=\"");
                push_escaped(&mut self.out, &url, Escape::AttributeKeepingWhitespace);
                self.out.push_str("\">");
                push_escaped(&mut self.out, &label, Escape::Text);
                self.out.push_str("</a>");
            }
            ImageSource::Linked(_) => push_escaped(&mut self.out, &label, Escape::Text),
            ImageSource::Missing => push_escaped(&mut self.out, &alt, Escape::Text),
        }
    }
}

/// The attributes of an element, names and unescaped values, in order; any that cannot be
/// read is left out.
fn attributes_of(element: &quick_xml::events::BytesStart<'_>) -> Vec<(String, String)> {
    element
        .attributes()
        .filter_map(Result::ok)
        .filter_map(|attribute| {
            let name = std::str::from_utf8(attribute.key.as_ref()).ok()?.to_owned();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?
                .into_owned();
            Some((name, value))
        })
        .collect()
}

/// An attribute's value as the EPUB (HTML5) schema accepts it, or `None` to leave it out.
pub(super) fn attribute_value(name: &str, value: &str) -> Option<String> {
    let value = value.trim();
    let digits = |value: &str| !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    let valid = match name {
        "lang" => return language_tag(value),
        "dir" => matches!(value, "ltr" | "rtl" | "auto"),
        "width" | "height" => digits(value),
        "colspan" | "rowspan" | "span" => digits(value) && value.bytes().any(|b| b != b'0'),
        "start" | "value" => digits(value.strip_prefix('-').unwrap_or(value)),
        "reversed" => return Some("reversed".to_owned()),
        "scope" => matches!(value, "row" | "col" | "rowgroup" | "colgroup"),
        "datetime" => is_datetime(value),
        "cite" => return absolute_url(value),
        "title" => true,
        // The sanitizer keeps only a footnote's ids and its references', and headings'.
        "id" => is_xml_name(value),
        // The sanitizer keeps only classes that carry meaning: a code block's language, a
        // table cell's alignment (the stylesheet reads the latter).
        "class" => value.split_ascii_whitespace().all(|class| {
            class
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_+#.".contains(&b))
                && (class.starts_with("language-")
                    || class.starts_with("align-")
                    || class.starts_with("footnote"))
        }),
        // `href` and `src` are handled with their elements; anything else is unexpected.
        _ => false,
    };
    valid.then(|| value.to_owned())
}

/// A date, a time, or both, as HTML's `datetime` accepts them (a common subset).
pub(super) fn is_datetime(value: &str) -> bool {
    static PATTERN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$",
        )
        .expect("valid pattern")
    });
    PATTERN.is_match(value.trim())
}

/// An `http(s)` URL, serialized as the URL standard does (percent-encoded), or `None`.
pub(super) fn absolute_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some())
        .then(|| parsed.to_string())
}

/// A URL with a scheme (`https:`, `mailto:`), or protocol-relative.
pub(super) fn is_absolute(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_the_schema_refuses() {
        assert_eq!(attribute_value("width", "100%"), None);
        assert_eq!(attribute_value("width", "640").as_deref(), Some("640"));
        assert_eq!(attribute_value("colspan", "0"), None);
        assert_eq!(attribute_value("start", "-2").as_deref(), Some("-2"));
        assert_eq!(attribute_value("lang", "cn_zh").as_deref(), Some("cn-zh"));
        assert_eq!(attribute_value("lang", "简体"), None);
        assert_eq!(attribute_value("dir", "left"), None);
        assert_eq!(attribute_value("onclick", "x()"), None);
        assert_eq!(
            attribute_value("cite", "https://例子.cn/a b").as_deref(),
            Some("https://xn--fsqu00a.cn/a%20b")
        );
        assert_eq!(attribute_value("cite", "/relative"), None);
        assert!(is_datetime("2022-03-31T17:05:00+08:00"));
        assert!(is_datetime("2022-03"));
        assert!(!is_datetime("March 2022"));
    }
}
