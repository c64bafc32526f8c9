//! `markdown="…"` on HTML elements, as kramdown reads it: `"1"` parses the content as the
//! element's content model says (block for `div`, `section`, …; span for `p`, `h1`, …; raw
//! otherwise), `"block"` and `"span"` say which, `"0"` keeps it raw. Only an element whose
//! opening tag starts a line (up to three spaces in) outside fenced code is an HTML block; on
//! any other tag the attribute is only removed.
//!
//! Without the attribute, kramdown (as Jekyll configures it) keeps a block element's content
//! raw up to its end tag; CommonMark ends the HTML block at the first blank line and reads the
//! rest as Markdown. Such an element, when it holds a blank line, is kept raw whole.

use std::sync::LazyLock;

use regex::Regex;

use super::{Extras, Writer};
use crate::sanitize::offsets::OffsetMap;

/// One attribute of a tag, its value quoted or not (so that `markdown=` inside another
/// attribute's value is not taken for the attribute).
const ATTRIBUTE_SYNTAX: &str = r#"\s+[^\s"'<>=/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?"#;

/// The `markdown` attribute and its value.
const MARKDOWN_SYNTAX: &str = r#"\s+markdown\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>=`/]+)"#;

/// The opening tag of an element at the start of a line, with a `markdown` attribute.
static BLOCK_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^ {{0,3}}<([A-Za-z][A-Za-z0-9]*)(?:{ATTRIBUTE_SYNTAX})*?{MARKDOWN_SYNTAX}(?:{ATTRIBUTE_SYNTAX})*\s*/?>"
    ))
    .expect("valid regex")
});

/// The `markdown` attribute inside any opening tag, to be removed.
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(<[A-Za-z][A-Za-z0-9-]*(?:{ATTRIBUTE_SYNTAX})*?)({MARKDOWN_SYNTAX})"
    ))
    .expect("valid regex")
});

const BLOCK_MODEL: &[&str] = &[
    "address",
    "applet",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "div",
    "dl",
    "fieldset",
    "figure",
    "figcaption",
    "footer",
    "form",
    "header",
    "hgroup",
    "iframe",
    "li",
    "main",
    "map",
    "menu",
    "nav",
    "noscript",
    "object",
    "section",
    "summary",
    "td",
];
const SPAN_MODEL: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "button", "cite", "caption", "del", "dfn", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins", "label", "legend", "optgroup", "p", "q",
    "rb", "rbc", "rp", "rt", "rtc", "ruby", "select", "small", "span", "strong", "sub", "sup",
    "th", "tt",
];

/// A complete opening tag at the start of a line.
static OPENING_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^ {0,3}<([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>"#).expect("valid regex")
});

/// kramdown's span elements: a line starting with one is a paragraph, not an HTML block.
const SPAN_ELEMENTS: &[&str] = &[
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn", "em",
    "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp", "rt",
    "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup", "tt", "u", "var",
    "script",
];

/// Elements CommonMark already keeps raw up to their end tag, blank lines and all.
const RAW_ANYWAY: &[&str] = &["pre", "style", "textarea"];

/// How far an end tag is looked for (bytes), so that many unclosed elements stay linear.
const RAW_SEARCH: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Block,
    Span,
    Raw,
}

fn mode(element: &str, value: &str) -> Option<Mode> {
    let value = value.trim_matches(['"', '\'']);
    match value {
        "0" => Some(Mode::Raw),
        "block" => Some(Mode::Block),
        "span" => Some(Mode::Span),
        "1" if BLOCK_MODEL.contains(&element) => Some(Mode::Block),
        "1" if SPAN_MODEL.contains(&element) => Some(Mode::Span),
        "1" => Some(Mode::Raw),
        _ => None,
    }
}

/// `text` with every `markdown` attribute applied and removed.
pub(super) fn expand(text: &str, extras: &mut Extras) -> (String, OffsetMap) {
    if !text.contains('<') {
        return (text.to_owned(), OffsetMap::identity());
    }
    let mut writer = Writer::new(text.len() + 64);
    let (code, _) = super::extensions::code_ranges(text);
    let scan = Scan {
        text,
        code: &code,
        budget: std::cell::Cell::new(text.len().saturating_mul(8).saturating_add(1 << 20)),
    };
    scan.expand_range(0, text.len(), &mut writer, extras, 0);
    (writer.out, writer.map)
}

/// Nested blocks deeper than this are left as they are (their attribute still removed).
const MAX_DEPTH: usize = 64;

/// The text and where code is in it (as the Markdown parser sees it before anything here is
/// applied: code in a `markdown="1"` element is found by its fences only).
struct Scan<'a> {
    text: &'a str,
    code: &'a [std::ops::Range<usize>],
    /// Bytes the search for end tags may still read: past it, an element's end is not
    /// looked for (the element is left to CommonMark), so the stage stays linear whatever the
    /// input (thousands of elements never closed).
    budget: std::cell::Cell<usize>,
}

impl Scan<'_> {
    fn in_code(&self, at: usize) -> bool {
        let index = self.code.partition_point(|range| range.end <= at);
        self.code.get(index).is_some_and(|range| range.start <= at)
    }

    fn expand_range(
        &self,
        start: usize,
        end: usize,
        writer: &mut Writer,
        extras: &mut Extras,
        depth: usize,
    ) {
        let text = self.text;
        let mut copied = start;
        let mut line_start = start;
        let mut fence: Option<(u8, usize)> = None;
        while line_start < end {
            let line_end = text[line_start..end]
                .find('\n')
                .map_or(end, |at| line_start + at);
            let line = &text[line_start..line_end];
            let next_line = (line_end + 1).min(end);
            if let Some(open) = fence {
                if closes_fence(line, open) {
                    fence = None;
                }
                line_start = next_line;
                continue;
            }
            if let Some(opened) = opens_fence(line) {
                fence = Some(opened);
                line_start = next_line;
                continue;
            }
            let found = (depth < MAX_DEPTH && !self.in_code(line_start))
                .then(|| BLOCK_TAG.captures(line))
                .flatten()
                .and_then(|captures| {
                    let element = captures[1].to_ascii_lowercase();
                    let mode = mode(&element, &captures[2])?;
                    Some((element, mode, captures[0].len()))
                });
            let Some((element, mode, tag_length)) = found else {
                if let Some(after) = self.raw_block(line_start, end) {
                    // The indentation stays, so an element in a list item stays in it.
                    let tag_start = line_start + indentation(line);
                    copy(text, copied, tag_start, writer);
                    let placeholder =
                        extras.push_raw(text[tag_start..after].to_owned(), after - tag_start);
                    writer.push(&placeholder, tag_start);
                    copied = after;
                    line_start = after;
                    continue;
                }
                self.strip_attributes(line_start, line_end, &mut copied, writer);
                line_start = next_line;
                continue;
            };
            // The indentation is written before the element and its parts, so an element in a
            // list item stays in it.
            let indent = &line[..indentation(line)];
            let tag_start = line_start + indent.len();
            copy(text, copied, tag_start, writer);
            let tag_end = line_start + tag_length;
            let opening = &text[tag_start..tag_end];
            let opening_kept = ATTRIBUTE.replace(opening, "$1").into_owned();
            let close = find_close(
                text,
                tag_end,
                end,
                &element,
                mode == Mode::Block,
                &self.budget,
            );
            let (content_end, after) = close
                .clone()
                .map_or((end, end), |close| (close.start, close.end));
            match mode {
                Mode::Block => {
                    writer.push(&opening_kept, tag_start);
                    writer.push("\n\n", tag_end);
                    let content_start = writer.out.len();
                    self.expand_range(tag_end, content_end, writer, extras, depth + 1);
                    extras.inside_html.push(content_start..writer.out.len());
                    if let Some(close) = close {
                        writer.push(&format!("\n\n{indent}"), close.start);
                        writer.push(&text[close.clone()], close.start);
                        // A blank line ends the HTML block, so what follows is Markdown again.
                        writer.push("\n", close.end);
                    }
                }
                Mode::Span => {
                    writer.push(&format!("\n\n{indent}"), tag_start);
                    let content = &text[tag_end..content_end];
                    let lead = content.len() - content.trim_start().len();
                    extras
                        .spans
                        .insert(writer.out.len(), (opening_kept, format!("</{element}>")));
                    // One paragraph: the blank lines of the content go (kramdown reads it as
                    // one run of text).
                    let mut at = tag_end + lead;
                    for piece in text[at..content_end].split_inclusive('\n') {
                        if !piece.trim().is_empty() {
                            let mut piece_copied = at;
                            // Span content is text: a line that would start a block (a
                            // heading, a list, a quote, a fence) has that marker escaped.
                            if let Some(marker) = block_marker(piece) {
                                copy(text, at, at + marker, writer);
                                writer.push("\\", at + marker);
                                piece_copied = at + marker;
                            }
                            self.strip_attributes(at, at + piece.len(), &mut piece_copied, writer);
                            copy(text, piece_copied, at + piece.len(), writer);
                        }
                        at += piece.len();
                    }
                    writer.push("\n\n", content_end);
                }
                Mode::Raw => {
                    let inside = ATTRIBUTE.replace_all(&text[tag_end..after], "$1");
                    let kept = format!("{opening_kept}{inside}");
                    let placeholder = extras.push_raw(kept, after - tag_start);
                    writer.push(&placeholder, tag_start);
                }
            }
            copied = after;
            // Go on after the element: the rest of its closing line is read as the start of one.
            line_start = after;
        }
        copy(text, copied, end, writer);
    }

    /// An HTML block without a `markdown` attribute starting at `line_start` whose content
    /// CommonMark would read otherwise than kramdown: where it ends. kramdown (Jekyll's
    /// `parse_block_html: false`) keeps the content of a block element raw up to its end tag;
    /// CommonMark ends an HTML block at the first blank line and reads what follows as Markdown
    /// (an indented line becomes code). Only such elements are kept whole; elements without a
    /// blank line inside, or whose end is not found nearby, are left as they are.
    fn raw_block(&self, line_start: usize, end: usize) -> Option<usize> {
        let text = self.text;
        let line_end = text[line_start..end]
            .find('\n')
            .map_or(end, |at| line_start + at);
        if self.in_code(line_start) {
            return None;
        }
        let captures = OPENING_TAG.captures(&text[line_start..line_end])?;
        let element = captures[1].to_ascii_lowercase();
        if SPAN_ELEMENTS.contains(&element.as_str()) || RAW_ANYWAY.contains(&element.as_str()) {
            return None;
        }
        let tag_end = line_start + captures[0].len();
        let limit = end.min(tag_end + RAW_SEARCH);
        let limit = (limit..=end)
            .find(|at| text.is_char_boundary(*at))
            .unwrap_or(end);
        let close = find_close(text, tag_end, limit, &element, false, &self.budget)?;
        let content = &text[tag_end..close.start];
        let blank_line = content
            .split('\n')
            .skip(1)
            .any(|line| line.trim().is_empty());
        (blank_line && !content.contains("markdown")).then_some(close.end)
    }

    /// Remove `markdown="…"` from the tags of `text[line_start..line_end]` outside code,
    /// copying what comes before each.
    fn strip_attributes(
        &self,
        line_start: usize,
        line_end: usize,
        copied: &mut usize,
        writer: &mut Writer,
    ) {
        let line = &self.text[line_start..line_end];
        if !line.contains("markdown") {
            return;
        }
        for captures in ATTRIBUTE.captures_iter(line) {
            let (Some(tag), Some(attribute)) = (captures.get(0), captures.get(2)) else {
                continue;
            };
            if self.in_code(line_start + tag.start()) {
                continue;
            }
            let start = line_start + attribute.start();
            copy(self.text, *copied, start, writer);
            *copied = line_start + attribute.end();
        }
    }
}

/// Where the marker of a block a line would start is (`#`, `>`, `-`, `*`, `+`, the `.` or `)`
/// of a numbered item, a fence), to be escaped so that the line stays text.
fn block_marker(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let first = *rest.as_bytes().first()?;
    let followed_by_space = |at: usize| {
        rest.as_bytes()
            .get(at)
            .is_none_or(|next| next.is_ascii_whitespace())
    };
    match first {
        b'#' | b'>' => Some(indent),
        b'-' | b'*' | b'+' if followed_by_space(1) => Some(indent),
        b'`' | b'~' if rest.starts_with("```") || rest.starts_with("~~~") => Some(indent),
        b'0'..=b'9' => {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let delimiter = rest.as_bytes().get(digits).copied();
            (digits <= 9 && matches!(delimiter, Some(b'.' | b')')) && followed_by_space(digits + 1))
                .then_some(indent + digits)
        }
        _ => None,
    }
}

/// The spaces a line starts with (bytes).
fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn copy(text: &str, from: usize, to: usize, writer: &mut Writer) {
    if from < to {
        writer.push(&text[from..to], from);
    }
}

/// The closing tag that ends the element opened before `from`, counting nested elements of
/// the same name; in block content, tags inside fenced code do not count.
fn find_close(
    text: &str,
    from: usize,
    end: usize,
    element: &str,
    skip_fences: bool,
    budget: &std::cell::Cell<usize>,
) -> Option<std::ops::Range<usize>> {
    let mut depth = 1usize;
    let mut fence: Option<(u8, usize)> = None;
    let mut line_start = from;
    let mut first = true;
    while line_start < end {
        let line_end = text[line_start..end]
            .find('\n')
            .map_or(end, |at| line_start + at);
        let line = &text[line_start..line_end];
        let left = budget.get().checked_sub(line.len() + 1)?;
        budget.set(left);
        if skip_fences && !first {
            if let Some(open) = fence {
                if closes_fence(line, open) {
                    fence = None;
                }
                line_start = line_end + 1;
                continue;
            }
            if let Some(opened) = opens_fence(line) {
                fence = Some(opened);
                line_start = line_end + 1;
                continue;
            }
        }
        first = false;
        let lower = line.to_ascii_lowercase();
        let mut at = 0;
        while let Some(found) = lower[at..].find('<') {
            let tag = at + found;
            let rest = &lower[tag + 1..];
            let (closing, name_from) = match rest.strip_prefix('/') {
                Some(after) => (true, after),
                None => (false, rest),
            };
            let named = name_from.strip_prefix(element).is_some_and(|after| {
                after.is_empty() || after.starts_with(['>', ' ', '\t', '/', '\n'])
            });
            if named {
                if closing {
                    depth -= 1;
                    if depth == 0 {
                        let close_end =
                            lower[tag..].find('>').map_or(line.len(), |gt| tag + gt + 1);
                        return Some(line_start + tag..line_start + close_end);
                    }
                } else if !lower[tag..].split('>').next().unwrap_or("").ends_with('/') {
                    depth += 1;
                }
            }
            at = tag + 1;
        }
        line_start = line_end + 1;
    }
    None
}

/// A fence opening line: its character and length.
pub(super) fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let character = *trimmed.as_bytes().first()?;
    if character != b'`' && character != b'~' {
        return None;
    }
    let length = trimmed.bytes().take_while(|b| *b == character).count();
    let info = &trimmed[length..];
    (length >= 3 && !(character == b'`' && info.contains('`'))).then_some((character, length))
}

pub(super) fn closes_fence(line: &str, (character, length): (u8, usize)) -> bool {
    let trimmed = line.trim_start_matches(' ');
    let run = trimmed.bytes().take_while(|b| *b == character).count();
    line.len() - trimmed.len() <= 3 && run >= length && trimmed[run..].trim().is_empty()
}
