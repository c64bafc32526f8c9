//! kramdown's `{:…}` syntax and abbreviation definitions, found outside code (code spans and
//! code blocks as pulldown-cmark sees them):
//!
//! - `{::comment}…{:/comment}` (or `{:/}`) is hidden, content and all;
//! - `{::nomarkdown}…{:/nomarkdown}`: the content is raw HTML, kept out of the Markdown parser
//!   and sanitized as any other HTML;
//! - `{::options … /}` and attribute lists (`{: .notice}`, `{:#id}`, `{:ref: .x}`) are dropped;
//!   a `.language-x` class in an attribute list alone on the line just before or after a code
//!   block without a language gives it that language, as kramdown does;
//! - `*[CSS]: Cascading Style Sheets` lines leave the text; the abbreviation is remembered;
//! - a line of only `^` (kramdown's end-of-block marker) ends the paragraph or list before it.
//!
//! Everything `{:…}` is recorded as a [`Construct`] (lint rule CNT004), marked `replaced` when
//! it took effect (`{::nomarkdown}` and its end, a `.language-*` list given to a code block).
//! Under [`TemplatePolicy::Keep`] it stays in the text as written and has no effect.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::BlockAttributes;
use regex::Regex;

use super::{Extras, Writer};
use crate::sanitize::offsets::OffsetMap;
use crate::sanitize::policy::TemplatePolicy;
use crate::sanitize::template::{Construct, ConstructKind};

/// The options `markdown.rs` renders with, so that code is where it will be.
const OPTIONS: Options = crate::sanitize::markdown::KRAMDOWN;

/// kramdown's end-of-block marker: a line of only `^`, at the start of the line.
static END_OF_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\^[ \t]*$").expect("valid regex"));

/// What an end-of-block marker becomes: an empty HTML comment, which ends a paragraph or a
/// list as the marker does in kramdown, and shows nothing.
const END_OF_BLOCK_MARK: &str = "<!-- -->";

static ABBREVIATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}\*\[([^\n]+?)\]:([^\n]*)$").expect("valid regex"));

struct Edit {
    range: Range<usize>,
    replacement: String,
}

pub(super) fn apply(
    text: &str,
    policy: TemplatePolicy,
    extras: &mut Extras,
    constructs: &mut Vec<Construct>,
) -> (String, OffsetMap) {
    if !text.contains("{:")
        && !text.contains("*[")
        && !text.contains("\n^")
        && !text.starts_with('^')
    {
        return (text.to_owned(), OffsetMap::identity());
    }
    let (code, _) = code_ranges(text);
    let in_code = |at: usize| {
        let index = code.partition_point(|range| range.end <= at);
        code.get(index).is_some_and(|range| range.start <= at)
    };
    let mut edits: Vec<Edit> = Vec::new();
    // Where a `.language-*` list was, its language, and its construct.
    let mut languages: Vec<(usize, String, usize)> = Vec::new();
    // Where the line of a list alone on it starts, and the list.
    let mut alone_lists: Vec<(usize, String)> = Vec::new();
    let drop = policy == TemplatePolicy::Drop;
    let closers = Closers::of(text);
    let mut search = 0;
    while let Some(found) = text[search..].find("{:") {
        let position = search + found;
        search = position + 2;
        if in_code(position) {
            continue;
        }
        let rest = &text[position..];
        let record = |length: usize, constructs: &mut Vec<Construct>| {
            constructs.push(Construct {
                kind: ConstructKind::KramdownAttributes,
                text: rest[..length].to_owned(),
                span: position..position + length,
                replaced: false,
            });
        };
        // An extension never closed is text, as in kramdown.
        let unclosed = |close: &str| {
            rest.starts_with(close.replace(":/", "::").as_str())
                && closers.after(position, close).is_none()
        };
        if unclosed("{:/comment}") || unclosed("{:/nomarkdown}") {
            continue;
        }
        if drop && rest.starts_with("{::comment}") {
            let end = closers
                .after(position, "{:/comment}")
                .map_or(rest.len(), |close| close.end);
            record(end, constructs);
            edits.push(Edit {
                range: position..position + end,
                replacement: String::new(),
            });
            search = position + end;
            continue;
        }
        if drop && rest.starts_with("{::nomarkdown}") {
            let open = "{::nomarkdown}".len();
            record(open, constructs);
            // Applied: the content is HTML, as kramdown makes it.
            if let Some(last) = constructs.last_mut() {
                last.replaced = true;
            }
            let close = closers.after(position, "{:/nomarkdown}");
            let content_end = close.as_ref().map_or(rest.len(), |close| close.start);
            let content = &rest[open..content_end];
            let placeholder = extras.push_raw(content.to_owned(), content.len());
            edits.push(Edit {
                range: position..position + open,
                replacement: String::new(),
            });
            edits.push(Edit {
                range: position + open..position + content_end,
                replacement: placeholder,
            });
            search = position + content_end;
            if let Some(close) = close {
                constructs.push(Construct {
                    kind: ConstructKind::KramdownAttributes,
                    text: rest[close.clone()].to_owned(),
                    span: position + close.start..position + close.end,
                    replaced: true,
                });
                edits.push(Edit {
                    range: position + close.start..position + close.end,
                    replacement: String::new(),
                });
                search = position + close.end;
            }
            continue;
        }
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let Some(close) = rest[..line_end].find('}') else {
            continue;
        };
        let list = &rest[..close + 1];
        if !is_attribute_list(list) {
            continue;
        }
        // A code span opened earlier on the line and not closed: not an attribute list.
        let line_start = text[..position].rfind('\n').map_or(0, |at| at + 1);
        if text[line_start..position].matches('`').count() % 2 == 1 {
            continue;
        }
        record(list.len(), constructs);
        if drop {
            edits.push(Edit {
                range: position..position + list.len(),
                replacement: String::new(),
            });
            let alone = text[line_start..position].trim().is_empty()
                && rest[list.len()..line_end].trim().is_empty();
            if alone {
                alone_lists.push((line_start, list.to_owned()));
                // The table of contents is built and headings marked `.no_toc` are left out
                // of it (by the Markdown stage): such a list takes effect whole.
                if builds_the_contents(list) {
                    if let Some(last) = constructs.last_mut() {
                        last.replaced = true;
                    }
                }
            }
            if let (true, Some(language)) = (alone, language(list)) {
                languages.push((position, language, constructs.len() - 1));
            }
        }
        search = position + list.len();
    }
    for captures in ABBREVIATION.captures_iter(text) {
        let (Some(whole), Some(name), Some(title)) =
            (captures.get(0), captures.get(1), captures.get(2))
        else {
            continue;
        };
        if in_code(whole.start())
            || name.as_str().trim().is_empty()
            || !starts_a_block(text, whole.start())
        {
            continue;
        }
        edits.push(Edit {
            range: whole.range(),
            replacement: String::new(),
        });
        let name = name.as_str().to_owned();
        extras.abbreviations.retain(|(known, _)| *known != name);
        extras
            .abbreviations
            .push((name, title.as_str().trim().to_owned()));
    }
    for marker in END_OF_BLOCK.find_iter(text) {
        if !in_code(marker.start()) {
            edits.push(Edit {
                range: marker.range(),
                replacement: END_OF_BLOCK_MARK.to_owned(),
            });
        }
    }
    edits.sort_by_key(|edit| edit.range.start);
    // An abbreviation line inside a comment or raw HTML went with it.
    let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        if kept
            .last()
            .is_some_and(|last| last.range.end > edit.range.start)
        {
            continue;
        }
        kept.push(edit);
    }
    let mut writer = Writer::new(text.len());
    let mut copied = 0;
    let mut shifts: Vec<(usize, isize)> = Vec::with_capacity(kept.len());
    let mut shift = 0isize;
    for edit in &kept {
        if copied < edit.range.start {
            writer.push(&text[copied..edit.range.start], copied);
        }
        if !edit.replacement.is_empty() {
            writer.push(&edit.replacement, edit.range.start);
        }
        copied = edit.range.end;
        writer.map.push(writer.out.len(), copied);
        shift += edit.replacement.len() as isize - edit.range.len() as isize;
        shifts.push((edit.range.end, shift));
    }
    if copied < text.len() {
        writer.push(&text[copied..], copied);
    }
    // Where an edit moved a position of `text` in the output.
    let moved = |position: usize| {
        let index = shifts.partition_point(|(end, _)| *end <= position);
        let shift = index.checked_sub(1).map_or(0, |last| shifts[last].1);
        position.checked_add_signed(shift).unwrap_or(position)
    };
    extras
        .block_attributes
        .extend(alone_lists.into_iter().map(|(line, text)| BlockAttributes {
            line: moved(line),
            text,
        }));
    if !languages.is_empty() {
        // Where the code blocks are once the attribute lists are gone: a list alone on its
        // line no longer makes that line part of a paragraph.
        let (_, blocks) = code_ranges(&writer.out);
        for (position, language, construct) in languages {
            let at = moved(position);
            let line_start = writer.out[..at].rfind('\n').map_or(0, |at| at + 1);
            let line_end = writer.out[at..]
                .find('\n')
                .map_or(writer.out.len(), |end| at + end);
            if let Some(block) = adjacent_code_block(&writer.out, &blocks, line_start..line_end) {
                extras.languages.entry(block).or_insert(language);
                constructs[construct].replaced = true;
            }
        }
    }
    (writer.out, writer.map)
}

/// Whether a line starting at `line_start` starts a block, where kramdown looks for an
/// abbreviation definition: after a blank line, another definition, a heading, a block
/// attribute list or a closing fence. After a line of text it continues that paragraph (or
/// list item) as text.
fn starts_a_block(text: &str, line_start: usize) -> bool {
    let Some(before) = line_start.checked_sub(1).map(|end| &text[..end]) else {
        return true;
    };
    let previous = &before[before.rfind('\n').map_or(0, |at| at + 1)..];
    let trimmed = previous.trim();
    trimmed.is_empty()
        || ABBREVIATION.is_match(previous)
        || trimmed.starts_with('#')
        || trimmed.starts_with("{:") && trimmed.ends_with('}')
        || ["```", "~~~"].iter().any(|fence| {
            trimmed.starts_with(fence) && trimmed.trim_start_matches(['`', '~']).is_empty()
        })
}

/// Where the ends of extensions are in a text, found once: searching the rest of the text
/// at every opening made a post of many unclosed `{::comment}` quadratic.
struct Closers {
    /// `(tag, where it starts)`, each list sorted.
    tags: Vec<(&'static str, Vec<usize>)>,
}

impl Closers {
    const TAGS: [&'static str; 3] = ["{:/comment}", "{:/nomarkdown}", "{:/}"];

    fn of(text: &str) -> Self {
        let tags = Self::TAGS
            .iter()
            .map(|tag| (*tag, text.match_indices(tag).map(|(at, _)| at).collect()))
            .collect();
        Closers { tags }
    }

    /// The end of the content of an extension opened at `position`: `close` or kramdown's
    /// short `{:/}`, whichever comes first; relative to `position`.
    fn after(&self, position: usize, close: &str) -> Option<Range<usize>> {
        self.tags
            .iter()
            .filter(|(tag, _)| *tag == close || *tag == "{:/}")
            .filter_map(|(tag, starts)| {
                let next = starts.get(starts.partition_point(|&at| at < position))?;
                Some(next - position..next - position + tag.len())
            })
            .min_by_key(|range| range.start)
    }
}

/// Code spans and code blocks, sorted; and the code blocks without a language (where they
/// start, where they end).
pub(super) fn code_ranges(text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut code = Vec::new();
    let mut blocks = Vec::new();
    for (event, range) in Parser::new_ext(text, OPTIONS).into_offset_iter() {
        match event {
            Event::Code(_) => code.push(range),
            Event::Start(Tag::CodeBlock(kind)) => {
                let bare = match kind {
                    pulldown_cmark::CodeBlockKind::Indented => true,
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.trim().is_empty(),
                };
                if bare {
                    blocks.push(range.clone());
                }
                code.push(range);
            }
            _ => {}
        }
    }
    code.sort_by_key(|range| range.start);
    (code, blocks)
}

/// The start of the code block that ends on the line before `line` or starts on the line
/// after it.
fn adjacent_code_block(text: &str, blocks: &[Range<usize>], line: Range<usize>) -> Option<usize> {
    let next_line = (line.end + 1).min(text.len());
    blocks
        .iter()
        .find(|block| {
            let starts_after = text[..block.start].rfind('\n').map_or(0, |at| at + 1) == next_line;
            // A block's range ends after its last line, or at the end of it.
            let ends_before = block.end == line.start || block.end + 1 == line.start;
            starts_after || ends_before
        })
        .map(|block| block.start)
}

/// The first `language-x` class of an attribute list, given as `.language-x` or in
/// `class="… language-x …"`.
fn language(list: &str) -> Option<String> {
    let inner = list
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_start_matches(':');
    let classes = CLASS_ATTRIBUTE
        .captures_iter(inner)
        .filter_map(|captures| captures.get(1).or(captures.get(2)))
        .flat_map(|value| value.as_str().split_whitespace());
    let shorthand = CLASS_ATTRIBUTE
        .replace_all(inner, " ")
        .split_whitespace()
        .flat_map(|token| token.split('.').skip(1))
        .map(str::to_owned)
        .collect::<Vec<_>>();
    shorthand
        .iter()
        .map(String::as_str)
        .chain(classes)
        .find_map(|class| class.strip_prefix("language-"))
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+#-".contains(c))
        })
        .map(str::to_owned)
}

/// `{:toc}` or `{: .no_toc}`: a list the Markdown stage applies whole.
fn builds_the_contents(list: &str) -> bool {
    let inner = list
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_start_matches(':')
        .trim();
    inner == "toc" || inner == ".no_toc"
}

/// `class="…"` or `class='…'` in an attribute list.
static CLASS_ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex"));

/// `{: .class #id key="value"}`, `{:.class}`, `{::comment}`, `{::options … /}`, `{:/}`.
pub(super) fn is_attribute_list(list: &str) -> bool {
    let inner = list.trim_start_matches('{').trim_end_matches('}');
    let inner = inner.trim_start_matches(':');
    !inner.contains('{')
        && (inner.is_empty()
            || inner.trim_start().starts_with(['.', '#', ':'])
            // The end of an extension: `{:/comment}`, `{:/}`.
            || matches!(inner.trim(), "/" | "/comment" | "/nomarkdown")
            // The table of contents marker, a reference to kramdown's own `toc`.
            || inner.trim() == "toc"
            || inner
                .trim()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && (inner.contains('=')
                    || inner.trim_end().ends_with('/')
                    || [
                        "comment",
                        "nomarkdown",
                        "options",
                        "/comment",
                        "/nomarkdown",
                    ]
                    .iter()
                    .any(|word| inner.trim().starts_with(word))))
}
