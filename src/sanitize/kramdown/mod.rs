//! The block syntax kramdown adds to Markdown, as Jekyll renders it: a stage of its own between
//! `template` (Liquid) and `markdown` (pulldown-cmark). Text in, text and an [`OffsetMap`] out,
//! plus [`Extras`]: what pulldown-cmark cannot be told in Markdown, applied to its events by
//! [`Extras::events`] at one hook in `markdown.rs`.
//!
//! - `html_blocks.rs`: `markdown="1|block|span|0"` on HTML elements. Block content is set
//!   apart by blank lines so that it is read as Markdown; span content becomes a paragraph
//!   written with the element's own tags; raw content (`"0"`, `pre`, `table`, …) is kept out of
//!   the Markdown parser whole. The attribute itself never reaches the output. An HTML block
//!   without the attribute is raw up to its end tag, blank lines and all, as in kramdown
//!   (CommonMark would end it at the first blank line).
//! - `extensions.rs`: attribute lists (`{: .notice}`) and extensions (`{::comment}`,
//!   `{::nomarkdown}`, `{::options /}`) are found outside code, recorded as [`Construct`]s and
//!   dropped (or kept, by policy); a `.language-*` class in a block attribute list next to a
//!   code block gives that block its language; abbreviation definitions (`*[CSS]: …`) leave
//!   the text and are remembered.
//! - `events.rs`: table separator lines in a table body (`|---|` starts a `tbody`, `|===|` the
//!   `tfoot`), abbreviations as `abbr`, span elements, raw HTML put back, code languages.
//!
//! - `passes.rs`: passes over the event list `markdown.rs` collects (and one over the source,
//!   for list indentation): lazy lines of the other list kind, bullet lists that change
//!   bullets, definition lists, `{#id}` and heading ids as kramdown-parser-gfm makes them, the
//!   `{:toc}` list (told by the block attribute lists `extensions.rs` took out).
//! - `typography.rs`: smart quotes, dashes and ellipses by kramdown's rules.
//!
//! An HTML block whose opening tag spans lines, or that starts inside a list item or a quote,
//! is read as CommonMark reads it.

mod events;
mod extensions;
mod html_blocks;
mod passes;
mod typography;

pub(super) use passes::{
    emphasis_after_punctuation, explicit_heading_ids, heading_ids, join_bullet_lists,
    lazy_nested_lists, marked_blocks, merge_unmarked_definitions, one_term_per_line,
    table_of_contents, undo_detached_definitions,
};
pub(crate) use passes::{header_id, is_header_id, HeadingIds};
pub(super) use typography::smarten;

use std::collections::HashMap;
use std::ops::Range;

use super::offsets::OffsetMap;
use super::policy::TemplatePolicy;
use super::template::Construct;

/// The text for the Markdown stage, with what it needs beside it.
pub struct Kramdown {
    pub text: String,
    /// From `text` back to this stage's input.
    pub map: OffsetMap,
    /// Attribute lists and extensions, with spans in this stage's input.
    pub constructs: Vec<Construct>,
    pub extras: Extras,
}

/// What the Markdown stage is told beside the text. Positions are byte offsets in
/// [`Kramdown::text`].
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// Abbreviation and its title (empty when the definition has none), longest first.
    abbreviations: Vec<(String, String)>,
    /// HTML kept out of the Markdown parser, put back where its placeholder is.
    raw: Vec<String>,
    /// How this body's placeholders begin: [`PLACEHOLDER`] with a hash of the body, so that a
    /// comment written like a placeholder (or joined into one when a construct between its
    /// pieces is taken out) is never taken for one.
    raw_mark: String,
    /// Where a code block starts → its language, from an attribute list.
    languages: HashMap<usize, String>,
    /// Where a paragraph starts → the opening and closing tags it is written with.
    spans: HashMap<usize, (String, String)>,
    /// The attribute lists that stood alone on a line (and left it): they say what the block
    /// before them is (`{:toc}`, `{: .no_toc}`).
    block_attributes: Vec<BlockAttributes>,
    /// The content of HTML elements read as block Markdown (`markdown="1"`): kramdown's GFM
    /// parser leaves their headings to kramdown's own ids (ASCII only, `section` when none).
    inside_html: Vec<Range<usize>>,
}

/// A block attribute list (`{: .no_toc}` alone on its line), taken out of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockAttributes {
    /// Where its line starts in the text.
    pub line: usize,
    /// The list as written, braces included.
    pub text: String,
}

impl Extras {
    /// The same, for a part of the text starting at `start` (the trailer) rendered alone.
    pub fn after(&self, start: usize) -> Extras {
        Extras {
            abbreviations: self.abbreviations.clone(),
            raw: self.raw.clone(),
            raw_mark: self.raw_mark.clone(),
            languages: shifted(&self.languages, start),
            spans: shifted(&self.spans, start),
            block_attributes: self
                .block_attributes
                .iter()
                .filter(|list| list.line >= start)
                .map(|list| BlockAttributes {
                    line: list.line - start,
                    text: list.text.clone(),
                })
                .collect(),
            inside_html: self
                .inside_html
                .iter()
                .filter(|range| range.end > start)
                .map(|range| range.start.saturating_sub(start)..range.end - start)
                .collect(),
        }
    }

    /// The same, for the text with `(offset, count)` spaces inserted at line starts (in
    /// order): what starts at or after an insertion moves by its spaces; an attribute list's
    /// line, which starts where the spaces go, only by those before it.
    pub fn indented(&self, insertions: &[(usize, usize)]) -> Extras {
        let moved = |at: usize, inclusive: bool| {
            at + insertions
                .iter()
                .take_while(|(offset, _)| *offset < at || inclusive && *offset == at)
                .map(|(_, count)| count)
                .sum::<usize>()
        };
        Extras {
            abbreviations: self.abbreviations.clone(),
            raw: self.raw.clone(),
            raw_mark: self.raw_mark.clone(),
            languages: keys_moved(&self.languages, |at| moved(at, true)),
            spans: keys_moved(&self.spans, |at| moved(at, true)),
            block_attributes: self
                .block_attributes
                .iter()
                .map(|list| BlockAttributes {
                    line: moved(list.line, false),
                    text: list.text.clone(),
                })
                .collect(),
            inside_html: self
                .inside_html
                .iter()
                .map(|range| moved(range.start, true)..moved(range.end, false))
                .collect(),
        }
    }

    /// The block attribute lists, by where their lines start.
    pub fn block_attributes(&self) -> &[BlockAttributes] {
        &self.block_attributes
    }

    /// Whether `position` is in the content of an HTML element read as block Markdown.
    pub fn inside_html(&self, position: usize) -> bool {
        self.inside_html
            .iter()
            .any(|range| range.contains(&position))
    }

    /// Keeps `html` out of the Markdown parser: the placeholder that stands for it, in place
    /// of the `length` bytes it was written with.
    fn push_raw(&mut self, html: String, length: usize) -> String {
        self.raw.push(html);
        placeholder(&self.raw_mark, self.raw.len() - 1, length)
    }
}

/// `constructs` found in a text made from `original` by `map`, with their spans and text in
/// `original` (where a construct held something a stage changed, as written there).
pub fn placed(constructs: Vec<Construct>, map: &OffsetMap, original: &str) -> Vec<Construct> {
    constructs
        .into_iter()
        .map(|construct| {
            let start = map.map(construct.span.start).min(original.len());
            let end = match construct.span.end.checked_sub(1) {
                Some(last) if construct.span.end > construct.span.start => map.map(last) + 1,
                _ => start,
            };
            let mut end = end.clamp(start, original.len());
            while !original.is_char_boundary(end) {
                end += 1;
            }
            let mut start = start;
            while !original.is_char_boundary(start) {
                start -= 1;
            }
            Construct {
                text: original[start..end].to_owned(),
                span: start..end,
                ..construct
            }
        })
        .collect()
}

/// The entries of `map`, each key moved by `moved`.
fn keys_moved<T: Clone>(
    map: &HashMap<usize, T>,
    moved: impl Fn(usize) -> usize,
) -> HashMap<usize, T> {
    map.iter()
        .map(|(at, value)| (moved(*at), value.clone()))
        .collect()
}

/// The entries of `map` at or after `start`, moved back by it.
fn shifted<T: Clone>(map: &HashMap<usize, T>, start: usize) -> HashMap<usize, T> {
    map.iter()
        .filter(|(at, _)| **at >= start)
        .map(|(at, value)| (at - start, value.clone()))
        .collect()
}

/// The kramdown stage over the text `template` left.
pub fn blocks(text: &str, policy: TemplatePolicy) -> Kramdown {
    let mut extras = Extras {
        raw_mark: raw_mark(text),
        ..Extras::default()
    };
    let (expanded, expanded_map) = html_blocks::expand(text, &mut extras);
    // What `html_blocks` placed is placed in its output, which `extensions` changes next.
    let spans = std::mem::take(&mut extras.spans);
    let inside_html = std::mem::take(&mut extras.inside_html);
    let mut constructs = Vec::new();
    let (text_out, extensions_map) =
        extensions::apply(&expanded, policy, &mut extras, &mut constructs);
    extras.spans = keys_moved(&spans, |at| extensions_map.forward(at));
    extras.inside_html = inside_html
        .into_iter()
        .map(|range| extensions_map.forward(range.start)..extensions_map.forward(range.end))
        .collect();
    let constructs = placed(constructs, &expanded_map, text);
    let mut abbreviations = std::mem::take(&mut extras.abbreviations);
    // The longest first, so that `HTML5` is found before `HTML`.
    abbreviations.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    extras.abbreviations = abbreviations;
    Kramdown {
        text: text_out,
        map: extensions_map.then(&expanded_map),
        constructs,
        extras,
    }
}

const PLACEHOLDER: &str = "<!--newsbundle-raw-";

/// The beginning of the placeholders of `text`: [`PLACEHOLDER`], then a hash of the whole
/// text. A body holding it would have to hold its own hash, so the placeholders the stage
/// writes are the only ones [`events`] puts raw HTML back for, whatever the author wrote.
fn raw_mark(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    format!("{PLACEHOLDER}{:016x}-", hasher.finish())
}

/// An HTML comment standing for `extras.raw[index]`, as long as the `length` bytes it
/// replaces when it can be, so positions after it stay exact; on one line, so the Markdown
/// parser hands it over in one piece.
fn placeholder(mark: &str, index: usize, length: usize) -> String {
    let mut text = format!("{mark}{index} ");
    while text.len() + 3 < length {
        text.push(' ');
    }
    text.push_str("-->");
    text
}

/// Builds a text from pieces of another, recording where each piece came from.
struct Writer {
    out: String,
    map: OffsetMap,
}

impl Writer {
    fn new(capacity: usize) -> Writer {
        Writer {
            out: String::with_capacity(capacity),
            map: OffsetMap::identity(),
        }
    }

    /// `text`, which stands for the input from `old` on.
    fn push(&mut self, text: &str, old: usize) {
        self.map.push(self.out.len(), old);
        self.out.push_str(text);
    }
}

#[cfg(test)]
mod tests;
