//! The Markdown stage's events, changed where kramdown reads the text otherwise than
//! pulldown-cmark:
//!
//! - in a table body, a row that is a separator line (only `-`, `:`, `+` and spaces, at
//!   least one `-`) ends the `tbody` and starts another; a row of `=` starts the `tfoot`,
//!   which holds the rows after it (a separator row inside it is dropped);
//! - abbreviations in text, outside code, link URLs and image descriptions, are wrapped in
//!   `abbr` (with the definition as `title` when it has one), on ASCII word boundaries;
//! - a paragraph made from a `markdown="span"` element is written with that element's tags;
//! - a placeholder of raw HTML becomes that HTML again;
//! - a code block without a language gets the one its attribute list gave.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::Extras;
use crate::sanitize::xml;

type Item<'a> = (Event<'a>, Range<usize>);

impl Extras {
    /// `events` as kramdown would have them.
    pub fn events<'a, I>(&'a self, events: I) -> Adapted<'a, I>
    where
        I: Iterator<Item = Item<'a>>,
    {
        Adapted {
            inner: events,
            extras: self,
            queue: VecDeque::new(),
            table: None,
            code: 0,
            image: 0,
            paragraphs: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Head,
    /// Rows written in the current `tbody` so far.
    Body(usize),
    Foot,
}

/// The iterator [`Extras::events`] returns.
pub struct Adapted<'a, I> {
    inner: I,
    extras: &'a Extras,
    queue: VecDeque<Item<'a>>,
    table: Option<Section>,
    code: usize,
    image: usize,
    /// For each open paragraph, the closing tag it is written with, if not `</p>`.
    paragraphs: Vec<Option<String>>,
}

impl<'a, I> Iterator for Adapted<'a, I>
where
    I: Iterator<Item = Item<'a>>,
{
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            let (event, range) = self.inner.next()?;
            self.adapt(event, range);
        }
    }
}

impl<'a, I> Adapted<'a, I>
where
    I: Iterator<Item = Item<'a>>,
{
    fn emit(&mut self, event: Event<'a>, range: Range<usize>) {
        self.queue.push_back((event, range));
    }

    fn adapt(&mut self, event: Event<'a>, range: Range<usize>) {
        match event {
            Event::Start(Tag::Table(_)) => {
                self.table = Some(Section::Head);
                self.emit(event, range);
            }
            Event::End(TagEnd::TableHead) => {
                self.table = Some(Section::Body(0));
                self.emit(event, range);
            }
            Event::End(TagEnd::Table) => {
                let section = self.table.take();
                if section == Some(Section::Foot) {
                    self.emit(Event::Html("</tfoot></table>\n".into()), range);
                } else {
                    self.emit(event, range);
                }
            }
            Event::Start(Tag::TableRow) if self.table.is_some_and(|s| s != Section::Head) => {
                self.row(event, range);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.code += 1;
                let kind = match kind {
                    CodeBlockKind::Fenced(info) if !info.trim().is_empty() => {
                        CodeBlockKind::Fenced(info)
                    }
                    other => match self.extras.languages.get(&range.start) {
                        Some(language) => CodeBlockKind::Fenced(language.clone().into()),
                        None => other,
                    },
                };
                self.emit(Event::Start(Tag::CodeBlock(kind)), range);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.code = self.code.saturating_sub(1);
                self.emit(event, range);
            }
            Event::Start(Tag::Image { .. }) => {
                self.image += 1;
                self.emit(event, range);
            }
            Event::End(TagEnd::Image) => {
                self.image = self.image.saturating_sub(1);
                self.emit(event, range);
            }
            Event::Start(Tag::Paragraph) => match self.extras.spans.get(&range.start) {
                Some((open, close)) => {
                    self.paragraphs.push(Some(close.clone()));
                    self.emit(Event::Html(open.clone().into()), range);
                }
                None => {
                    self.paragraphs.push(None);
                    self.emit(event, range);
                }
            },
            Event::End(TagEnd::Paragraph) => match self.paragraphs.pop().flatten() {
                Some(close) => self.emit(Event::Html(format!("{close}\n").into()), range),
                None => self.emit(event, range),
            },
            Event::Html(html) => {
                let html = self.raw(html);
                self.emit(Event::Html(html), range);
            }
            Event::InlineHtml(html) => {
                let html = self.raw(html);
                self.emit(Event::InlineHtml(html), range);
            }
            Event::Text(text) if self.code == 0 && self.image == 0 => self.text(text, range),
            other => self.emit(other, range),
        }
    }

    /// A table body row: written as it is, or as the start of a new section.
    fn row(&mut self, start: Event<'a>, range: Range<usize>) {
        let mut row = vec![(start, range.clone())];
        let mut line = String::new();
        let mut plain = true;
        for (event, range) in self.inner.by_ref() {
            let end = matches!(event, Event::End(TagEnd::TableRow));
            match &event {
                Event::Text(text) => line.push_str(text),
                Event::Start(Tag::TableCell) | Event::End(TagEnd::TableCell) => line.push('|'),
                Event::End(TagEnd::TableRow) => {}
                _ => plain = false,
            }
            row.push((event, range));
            if end {
                break;
            }
        }
        let only = |allowed: &str| {
            line.chars()
                .all(|c| allowed.contains(c) || c.is_whitespace())
        };
        let separator = plain && line.contains('-') && only("-:+|");
        let footer = plain && line.contains('=') && only("=:+|");
        match (separator, footer, self.table) {
            (true, _, Some(Section::Body(rows))) => {
                if rows > 0 {
                    self.emit(Event::Html("</tbody><tbody>\n".into()), range);
                    self.table = Some(Section::Body(0));
                }
            }
            (true, _, _) => {}
            (_, true, Some(Section::Body(_))) => {
                self.emit(Event::Html("</tbody><tfoot>\n".into()), range);
                self.table = Some(Section::Foot);
            }
            (_, true, _) => {}
            _ => {
                if let Some(Section::Body(rows)) = self.table {
                    self.table = Some(Section::Body(rows + 1));
                }
                let mut row = row.into_iter();
                if let Some((start, range)) = row.next() {
                    self.emit(start, range);
                }
                for (event, range) in row {
                    self.adapt(event, range);
                }
            }
        }
    }

    /// Raw HTML with its placeholders replaced by what they stand for.
    fn raw(&self, html: CowStr<'a>) -> CowStr<'a> {
        let mark = &self.extras.raw_mark;
        if self.extras.raw.is_empty() || mark.is_empty() || !html.contains(mark.as_str()) {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        put_back(
            &html,
            mark,
            &self.extras.raw,
            self.extras.raw.len(),
            &mut out,
        );
        out.into()
    }

    /// Text with its abbreviations wrapped in `abbr`.
    fn text(&mut self, text: CowStr<'a>, range: Range<usize>) {
        if self.extras.abbreviations.is_empty() {
            self.emit(Event::Text(text), range);
            return;
        }
        // Where a piece of the text starts in the source, when the text is as written there.
        let exact = range.len() == text.len();
        let piece = |from: usize, to: usize| {
            if exact {
                range.start + from..range.start + to
            } else {
                range.clone()
            }
        };
        let mut from = 0;
        let mut at = 0;
        let bytes = text.as_bytes();
        while at < text.len() {
            let boundary_before = at == 0 || !is_word_byte(bytes[at - 1]);
            let found = boundary_before
                .then(|| {
                    self.extras.abbreviations.iter().find(|(name, _)| {
                        text[at..].starts_with(name.as_str())
                            && text
                                .as_bytes()
                                .get(at + name.len())
                                .is_none_or(|next| !is_word_byte(*next))
                    })
                })
                .flatten();
            let Some((name, title)) = found else {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
                continue;
            };
            if from < at {
                self.emit(
                    Event::Text(text[from..at].to_owned().into()),
                    piece(from, at),
                );
            }
            let mut open = String::from("<abbr");
            if !title.is_empty() {
                open.push_str(" title=\"");
                xml::push_escaped(&mut open, title, xml::Escape::Attribute);
                open.push('"');
            }
            open.push('>');
            let end = at + name.len();
            self.emit(Event::InlineHtml(open.into()), piece(at, end));
            self.emit(Event::Text(name.clone().into()), piece(at, end));
            self.emit(Event::InlineHtml("</abbr>".into()), piece(end, end));
            at = end;
            from = at;
        }
        if from == 0 {
            self.emit(Event::Text(text), range);
        } else if from < text.len() {
            let end = text.len();
            self.emit(
                Event::Text(text[from..].to_owned().into()),
                piece(from, end),
            );
        }
    }
}

/// `html` with the placeholders (beginning with `mark`) of `raw[..limit]` replaced, into `out`.
/// Raw HTML may hold the placeholder of HTML kept raw before it (a `markdown="0"` element in
/// `{::nomarkdown}`), never a later one, so this ends.
fn put_back(html: &str, mark: &str, raw: &[String], limit: usize, out: &mut String) {
    let mut rest = html;
    while let Some(at) = rest.find(mark) {
        out.push_str(&rest[..at]);
        let after = &rest[at + mark.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let end = after.find("-->").map(|end| end + 3);
        let index = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|index| *index < limit);
        match (index, end) {
            (Some(index), Some(end)) if after[digits..end - 3].trim().is_empty() => {
                put_back(&raw[index], mark, raw, index, out);
                rest = &after[end..];
            }
            _ => {
                out.push_str(mark);
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Ruby's `\w` without a Unicode flag: ASCII letters, digits and `_`.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}
