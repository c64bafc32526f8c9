//! kramdown's block semantics where they differ from CommonMark's, as passes over
//! pulldown-cmark's events (and one over the source, for list indentation), for
//! `markdown::render`: lazy lines of the other list kind,
//! bullet lists that change bullets, definition lists, heading ids as kramdown-parser-gfm makes
//! them, the `{:toc}` list. Each function says what kramdown does; `tests/kramdown_oracle.rs`
//! checks them against real kramdown.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::BlockAttributes;
use crate::sanitize::markdown::Spanned;

/// kramdown keeps in a list item a line that starts a list of the other kind (`*` in a `1.`
/// item, `1.` in a `*` item) indented less than the item's text, when no blank line comes
/// before it (a lazy line): `2. item` then `  * sub` nests the `*` list in item 2, where
/// CommonMark starts a new list after the `1.` list. Such lines, at the top level, get the
/// spaces that put them at the item's text: where (in `source`) and how many.
pub(in crate::sanitize) fn lazy_nested_lists(source: &str) -> Vec<(usize, usize)> {
    let mut insertions = Vec::new();
    // The open top-level item: ordered or not, and the column of its text.
    let mut item: Option<(bool, usize)> = None;
    let mut fence: Option<&str> = None;
    let mut after_blank = false;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let rest = content.trim_start_matches(' ');
        let indent = content.len() - rest.len();
        if let Some(open) = fence {
            if rest.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if rest.starts_with("```") || rest.starts_with("~~~") {
            fence = Some(&rest[..3]);
            continue;
        }
        if rest.is_empty() {
            after_blank = true;
            continue;
        }
        let blank_before = std::mem::take(&mut after_blank);
        let marker = list_marker(rest);
        match (item, marker) {
            (Some((ordered, column)), Some((marker_ordered, _)))
                if !blank_before && indent < column && ordered != marker_ordered =>
            {
                insertions.push((start, column - indent));
            }
            // A new top-level item (a marker at the item's text or further is nested).
            (open, Some((ordered, width)))
                if indent <= 3 && open.is_none_or(|(_, column)| indent < column) =>
            {
                item = Some((ordered, indent + width));
            }
            (Some((_, column)), None) if blank_before && indent < column => item = None,
            _ => {}
        }
    }
    insertions
}

/// A list marker at the start of `line` (kramdown's: `*`, `+`, `-` or digits and `.`, then a
/// space): ordered or not, and its width with the spaces after it.
fn list_marker(line: &str) -> Option<(bool, usize)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let (ordered, marker) = if digits > 0 && digits <= 9 && line[digits..].starts_with('.') {
        (true, digits + 1)
    } else if line.starts_with(['*', '+', '-']) {
        (false, 1)
    } else {
        return None;
    };
    let after = &line[marker..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    // A marker needs a space, and text after it (`---` is a rule, `**` emphasis).
    if spaces == 0 || after.trim().is_empty() {
        return None;
    }
    Some((ordered, marker + if spaces > 4 { 1 } else { spaces }))
}

/// kramdown's bullet list goes on when the bullet changes (`-` after `*`), where CommonMark
/// starts a new list: join the two.
pub(in crate::sanitize) fn join_bullet_lists(events: &mut Vec<Spanned>) {
    let mut index = 0;
    while index + 1 < events.len() {
        if matches!(events[index].0, Event::End(TagEnd::List(false)))
            && matches!(events[index + 1].0, Event::Start(Tag::List(None)))
        {
            events.drain(index..index + 2);
        } else {
            index += 1;
        }
    }
}

/// kramdown starts a definition with a colon followed by a space, a tab or `|`; pulldown-cmark
/// with a colon followed by anything (`:smile:`, `:x`, a colon alone). Such a line is, in
/// kramdown, the next line of the paragraph before it (the term's, or the definition's
/// before), or, after a blank line, a paragraph of its own after the list: it is made so here,
/// its colon kept as text. A term left without a definition is made a paragraph by
/// [`undo_detached_definitions`].
pub(in crate::sanitize) fn merge_unmarked_definitions(source: &str, events: &mut Vec<Spanned>) {
    let mut index = 0;
    while index < events.len() {
        let (Event::Start(Tag::DefinitionListDefinition), range) = &events[index] else {
            index += 1;
            continue;
        };
        let rest = source.get(range.start..).unwrap_or("");
        let marker = rest.trim_start_matches(' ');
        let colon = range.start + rest.len() - marker.len();
        let unmarked = marker.starts_with(':')
            && !matches!(marker.as_bytes().get(1), Some(b' ' | b'\t' | b'|'));
        if !unmarked || index == 0 {
            index += 1;
            continue;
        }
        let start = index;
        let mut end = matching_end(events, start);
        let colon_text = (Event::Text(":".into()), colon..colon + 1);
        let line_break = (Event::SoftBreak, colon.saturating_sub(1)..colon);
        let paragraph_first = matches!(events[start + 1].0, Event::Start(Tag::Paragraph));
        let one_paragraph = paragraph_first && matching_end(events, start + 1) == end - 1;
        if after_blank_line(source, colon) {
            if paragraph_first
                && matches!(
                    events.get(end + 1),
                    Some((Event::End(TagEnd::DefinitionList), _))
                )
            {
                // The last of the list, after a blank line: the list ends before it, and its
                // paragraphs follow.
                let list_end = events.remove(end + 1);
                events.remove(end);
                events.insert(start + 2, colon_text);
                events[start] = list_end;
            } else {
                events.insert(start + 1, colon_text);
                index += 2;
            }
            continue;
        }
        if one_paragraph {
            events.remove(end - 1);
            events.remove(start + 1);
            end -= 2;
        }
        let inline = events[start + 1..end]
            .iter()
            .all(|(event, _)| !is_block_start(event));
        match &events[start - 1].0 {
            Event::End(TagEnd::DefinitionListTitle) if inline => {
                // The term's next line: the title goes on to the end of this line.
                let title_start = events[..start]
                    .iter()
                    .rposition(|(event, _)| matches!(event, Event::Start(Tag::DefinitionListTitle)))
                    .map_or(colon, |at| events[at].1.start);
                events[end] = (
                    Event::End(TagEnd::DefinitionListTitle),
                    title_start..events[end].1.end,
                );
                events.splice(start - 1..=start, [line_break, colon_text]);
            }
            Event::End(TagEnd::DefinitionListDefinition) if inline => {
                // The previous definition's next line, in its last paragraph when it has one.
                if matches!(events[start - 2].0, Event::End(TagEnd::Paragraph)) {
                    let close = events[start - 2].clone();
                    let definition_end = events[start - 1].clone();
                    events.splice(end..=end, [close, definition_end]);
                    events.splice(start - 2..=start, [line_break, colon_text]);
                } else {
                    events.splice(start - 1..=start, [line_break, colon_text]);
                }
            }
            _ => {
                events.insert(start + 1, colon_text);
                index += 2;
            }
        }
    }
}

/// Whether the line before the one `at` is on is blank (or there is none).
fn after_blank_line(source: &str, at: usize) -> bool {
    let line_start = source[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let Some(before) = source[..line_start].strip_suffix('\n') else {
        return true;
    };
    let previous = &before[before.rfind('\n').map_or(0, |newline| newline + 1)..];
    previous.trim().is_empty()
}

/// Whether `event` starts a block (not an inline element).
fn is_block_start(event: &Event) -> bool {
    matches!(
        event,
        Event::Start(
            Tag::Paragraph
                | Tag::List(_)
                | Tag::Item
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::Heading { .. }
                | Tag::Table(_)
                | Tag::HtmlBlock
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::FootnoteDefinition(_)
        ) | Event::Rule
    )
}

/// The index of the `End` event that closes the `Start` event at `start`.
fn matching_end(events: &[Spanned], start: usize) -> usize {
    let mut depth = 0usize;
    for (at, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// kramdown reads `term` and `: definition` as a definition list only when nothing, or one
/// empty line, stands between them; pulldown-cmark also with a line of spaces or several
/// blank lines. There, kramdown has a paragraph for the term and one starting with `: `: such
/// a term and its definitions are taken out of the list and made so, as is a term left
/// without a definition by [`merge_unmarked_definitions`].
pub(in crate::sanitize) fn undo_detached_definitions(source: &str, events: &mut Vec<Spanned>) {
    let mut index = 0;
    while index < events.len() {
        if !matches!(events[index].0, Event::Start(Tag::DefinitionList)) {
            index += 1;
            continue;
        }
        let mut depth = 0usize;
        let mut end = events.len() - 1;
        // Where each term starts, and whether its first definition is detached (`None` before
        // that definition is met).
        let mut terms: Vec<(usize, Option<bool>)> = Vec::new();
        let mut title_end = 0..0;
        for (at, (event, range)) in events.iter().enumerate().skip(index) {
            match event {
                Event::Start(Tag::DefinitionList) => depth += 1,
                Event::End(TagEnd::DefinitionList) => {
                    depth -= 1;
                    if depth == 0 {
                        end = at;
                        break;
                    }
                }
                Event::Start(Tag::DefinitionListTitle) if depth == 1 => terms.push((at, None)),
                Event::End(TagEnd::DefinitionListTitle) if depth == 1 => title_end = range.clone(),
                Event::Start(Tag::DefinitionListDefinition) if depth == 1 => {
                    if let Some((_, detached @ None)) = terms.last_mut() {
                        let term_end = title_end.start
                            + source
                                .get(title_end.clone())
                                .map_or(0, |term| term.trim_end().len());
                        let line_start = source[..range.start]
                            .rfind('\n')
                            .map_or(0, |newline| newline + 1);
                        let gap = source.get(term_end..line_start).unwrap_or("");
                        *detached = Some(!matches!(gap, "\n" | "\n\n"));
                    }
                }
                _ => {}
            }
        }
        // A term without a definition (its definitions were text) is a paragraph too.
        if !terms.iter().any(|(_, detached)| *detached != Some(false)) {
            index = end + 1;
            continue;
        }
        let list: Vec<Spanned> = events.drain(index..=end).collect();
        let mut rewritten: Vec<Spanned> = Vec::with_capacity(list.len() + 4);
        let mut in_list = false;
        for (number, (start, detached)) in terms.iter().enumerate() {
            let until = terms.get(number + 1).map_or(end, |(next, _)| *next);
            let segment = list[start - index..until - index].iter().cloned();
            let at = list[start - index].1.clone();
            if *detached != Some(false) {
                if in_list {
                    rewritten.push((Event::End(TagEnd::DefinitionList), at));
                    in_list = false;
                }
                rewritten.extend(as_paragraphs(segment));
            } else {
                if !in_list {
                    rewritten.push((Event::Start(Tag::DefinitionList), at));
                    in_list = true;
                }
                rewritten.extend(segment);
            }
        }
        if in_list {
            rewritten.push(list[list.len() - 1].clone());
        }
        let length = rewritten.len();
        events.splice(index..index, rewritten);
        index += length;
    }
}

/// A term and its definitions as kramdown reads them when they are not a definition list: the
/// term a paragraph, each definition's first paragraph starting with `: `.
fn as_paragraphs<'a>(segment: impl Iterator<Item = Spanned<'a>>) -> Vec<Spanned<'a>> {
    let mut rewritten = Vec::new();
    let mut open_paragraph = false;
    let mut colon_wanted = false;
    for (event, range) in segment {
        let starts_block =
            is_block_start(&event) || matches!(event, Event::End(TagEnd::DefinitionListDefinition));
        if open_paragraph && starts_block {
            rewritten.push((Event::End(TagEnd::Paragraph), range.clone()));
            open_paragraph = false;
        }
        match event {
            Event::End(TagEnd::DefinitionListDefinition) => {}
            Event::Start(Tag::DefinitionListTitle) => {
                rewritten.push((Event::Start(Tag::Paragraph), range));
            }
            Event::End(TagEnd::DefinitionListTitle) => {
                rewritten.push((Event::End(TagEnd::Paragraph), range));
            }
            Event::Start(Tag::DefinitionListDefinition) => colon_wanted = true,
            Event::Start(Tag::Paragraph) if colon_wanted => {
                colon_wanted = false;
                rewritten.push((Event::Start(Tag::Paragraph), range.clone()));
                rewritten.push((Event::Text(": ".into()), range));
            }
            other if colon_wanted => {
                colon_wanted = false;
                open_paragraph = true;
                rewritten.push((Event::Start(Tag::Paragraph), range.clone()));
                rewritten.push((Event::Text(": ".into()), range.clone()));
                rewritten.push((other, range));
            }
            other => rewritten.push((other, range)),
        }
    }
    if open_paragraph {
        let at = rewritten.last().map_or(0..0, |(_, range)| range.clone());
        rewritten.push((Event::End(TagEnd::Paragraph), at));
    }
    rewritten
}

/// kramdown makes each line of a definition list's term a term of its own (pulldown-cmark one
/// term with line breaks).
pub(in crate::sanitize) fn one_term_per_line(events: &mut [Spanned]) {
    let mut in_term = false;
    for (event, _) in events.iter_mut() {
        match event {
            Event::Start(Tag::DefinitionListTitle) => in_term = true,
            Event::End(TagEnd::DefinitionListTitle) => in_term = false,
            Event::SoftBreak if in_term => {
                *event = Event::Html("</dt>\n<dt>".into());
            }
            _ => {}
        }
    }
}

/// The indexes of the `Start` events of the headings and lists that an attribute list holding
/// a part (`.class`, `#id`, a reference) for which `wanted` is true follows directly (on the
/// next line, as kramdown requires).
pub(in crate::sanitize) fn marked_blocks(
    source: &str,
    events: &[Spanned],
    attributes: &[BlockAttributes],
    wanted: impl Fn(&str) -> bool,
) -> HashSet<usize> {
    let lines: HashSet<usize> = attributes
        .iter()
        .filter(|list| {
            list.text
                .trim_start_matches('{')
                .trim_end_matches('}')
                .trim_start_matches(':')
                .split_whitespace()
                .any(&wanted)
        })
        .map(|list| list.line)
        .collect();
    if lines.is_empty() {
        return HashSet::new();
    }
    let mut marked = HashSet::new();
    for (index, (event, range)) in events.iter().enumerate() {
        if !matches!(event, Event::Start(Tag::Heading { .. } | Tag::List(_))) {
            continue;
        }
        // The line after the block's last line.
        let block = source.get(range.clone()).unwrap_or("");
        let last = range.start + block.trim_end().len();
        let next_line = source[last..]
            .find('\n')
            .map_or(source.len(), |at| last + at + 1);
        if lines.contains(&next_line) {
            marked.insert(index);
        }
    }
    marked
}

/// A heading as the table of contents needs it.
pub(in crate::sanitize) struct Heading<'a> {
    level: u8,
    id: String,
    /// Its inline content.
    content: Vec<Event<'a>>,
    in_toc: bool,
}

/// kramdown's header id: `{#id}` at the very end of a heading's text, after a space or a tab,
/// the id an XML name. It is taken out of the text (before smart typography could touch it) and
/// made the heading's id. (pulldown-cmark's heading attributes would also take `{.class}` and
/// `{x, y}`, which kramdown leaves in the text.)
pub(in crate::sanitize) fn explicit_heading_ids(events: &mut [Spanned]) {
    let mut last_text: Option<usize> = None;
    let mut heading: Option<usize> = None;
    for index in 0..events.len() {
        match &events[index].0 {
            Event::Start(Tag::Heading { .. }) => {
                heading = Some(index);
                last_text = None;
            }
            Event::Text(_) if heading.is_some() => last_text = Some(index),
            Event::End(TagEnd::Heading(_)) => {
                let (Some(start), Some(text)) = (heading.take(), last_text.take()) else {
                    continue;
                };
                // Only when the text is the heading's last inline.
                if text + 1 != index {
                    continue;
                }
                let Event::Text(content) = &events[text].0 else {
                    continue;
                };
                let Some((kept, id)) = header_id(content) else {
                    continue;
                };
                let (kept, id) = (kept.to_owned(), id.to_owned());
                events[text].0 = Event::Text(kept.into());
                if let Event::Start(Tag::Heading { id: given, .. }) = &mut events[start].0 {
                    *given = Some(id.into());
                }
            }
            _ => {}
        }
    }
}

/// `text {#id}` → (`text`, `id`).
pub fn header_id(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_suffix('}')?;
    let open = inner.rfind("{#")?;
    let id = &inner[open + 2..];
    let before = &text[..open];
    (is_header_id(id) && before.ends_with([' ', '\t'])).then(|| (before.trim_end(), id))
}

/// Give every heading without `{#id}` the id kramdown's GFM parser makes from its text (see
/// [`HeadingIds`]).
///
/// kramdown-parser-gfm does not give ids to headings inside an HTML element (`inside_html`
/// says where those are): kramdown's converter does, its own way ([`basic_id`]).
pub(in crate::sanitize) fn heading_ids<'a>(
    events: &mut [Spanned<'a>],
    no_toc: &HashSet<usize>,
    inside_html: impl Fn(usize) -> bool,
) -> Vec<Heading<'a>> {
    let mut ids = HeadingIds::default();
    let mut basic_ids: HashMap<String, usize> = HashMap::new();
    let mut headings = Vec::new();
    let mut index = 0;
    while index < events.len() {
        let Event::Start(Tag::Heading { level, .. }) = &events[index].0 else {
            index += 1;
            continue;
        };
        let level = *level as u8;
        let end = events[index..]
            .iter()
            .position(|(event, _)| matches!(event, Event::End(TagEnd::Heading(_))))
            .map_or(events.len(), |at| index + at);
        let content: Vec<Event<'a>> = events[index + 1..end]
            .iter()
            .map(|(event, _)| event.clone())
            .collect();
        let Event::Start(Tag::Heading {
            id, classes, attrs, ..
        }) = &mut events[index].0
        else {
            unreachable!("matched above");
        };
        classes.clear();
        attrs.clear();
        let id = match id {
            Some(given) => given.to_string(),
            None if inside_html(events[index].1.start) => {
                let base = basic_id(&raw_text(&content));
                let seen = basic_ids.entry(base.clone()).or_insert(0);
                let generated = match *seen {
                    0 => base,
                    repeat => format!("{base}-{repeat}"),
                };
                *seen += 1;
                *id = Some(generated.clone().into());
                generated
            }
            None => {
                let generated = ids.take(&raw_text(&content));
                if !generated.is_empty() {
                    *id = Some(generated.clone().into());
                }
                generated
            }
        };
        headings.push(Heading {
            level,
            id,
            content,
            in_toc: !no_toc.contains(&index),
        });
        index = end + 1;
    }
    headings
}

/// kramdown's own header id (its converter's, where the GFM parser gave none): the text from
/// its first ASCII letter, ASCII letters, digits, spaces and `-` only, spaces as `-`, lower
/// case; `section` when nothing is left.
fn basic_id(text: &str) -> String {
    let from_letter = text.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let id: String = from_letter
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-'))
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if id.is_empty() {
        "section".to_owned()
    } else {
        id
    }
}

/// A heading's text as kramdown reads it for its id: text and code, entities and smart
/// punctuation as characters; not an image's alternative text, not a footnote's number.
fn raw_text(content: &[Event]) -> String {
    let mut text = String::new();
    let mut in_image = 0usize;
    for event in content {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(part) | Event::Code(part) if in_image == 0 => text.push_str(part),
            _ => {}
        }
    }
    text
}

/// kramdown-parser-gfm's automatic ids, heading after heading: the text lowercased, every
/// character that is not a word character (letter, mark, decimal digit, connector), `-`, space
/// or tab left out, spaces and tabs made `-`; the n-th repeat of an id gets `-n`. An empty id
/// stays empty. (The Markdown export asks which id a heading would get, to write `{#id}` only
/// where it would get another.)
#[derive(Debug, Default)]
pub struct HeadingIds {
    seen: HashMap<String, usize>,
}

impl HeadingIds {
    /// The id the next heading with `text` would get.
    pub fn next_for(&self, text: &str) -> String {
        let base = Self::base(text);
        match self.seen.get(&base) {
            None | Some(0) => base,
            Some(repeat) => format!("{base}-{repeat}"),
        }
    }

    /// The id of the next heading, with `text`.
    pub fn take(&mut self, text: &str) -> String {
        let id = self.next_for(text);
        *self.seen.entry(Self::base(text)).or_insert(0) += 1;
        id
    }

    fn base(text: &str) -> String {
        static NOT_IN_ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc} \t-]").expect("a valid pattern")
        });
        NOT_IN_ID
            .replace_all(&text.to_lowercase(), "")
            .replace([' ', '\t'], "-")
    }
}

/// Is `id` one that kramdown reads in `{#id}` (an XML name)?
pub fn is_header_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_' || first == ':')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// Replace the first list marked `{:toc}` with kramdown's table of contents: a list of the
/// same kind, nested by level, with a link to every heading that has an id, is not marked
/// `{: .no_toc}`; links inside a heading are unwrapped, footnote references left out. With no
/// such heading, the list is dropped.
pub(in crate::sanitize) fn table_of_contents<'a>(
    events: &mut Vec<Spanned<'a>>,
    headings: &[Heading<'a>],
    marked: &HashSet<usize>,
) {
    let Some(&start) = marked.iter().min() else {
        return;
    };
    let Event::Start(Tag::List(first)) = events[start].0 else {
        return;
    };
    let mut depth = 0usize;
    let mut end = events.len();
    for (index, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => {
                depth -= 1;
                if depth == 0 {
                    end = index;
                    break;
                }
            }
            _ => {}
        }
    }
    let at = events[start].1.clone();
    let kind = first.map(|_| 1);
    let entries: Vec<&Heading> = headings.iter().filter(|heading| heading.in_toc).collect();
    let mut toc: Vec<Event<'a>> = Vec::new();
    if !entries.is_empty() {
        toc.push(Event::Start(Tag::List(kind)));
        // Open items: (level, whether a nested list is open inside).
        let mut open: Vec<(u8, bool)> = Vec::new();
        let close = |toc: &mut Vec<Event<'a>>, (_, nested): (u8, bool)| {
            if nested {
                toc.push(Event::End(TagEnd::List(kind.is_some())));
            }
            toc.push(Event::End(TagEnd::Item));
        };
        for heading in entries {
            loop {
                match open.last_mut() {
                    None => break,
                    Some((level, nested)) if *level < heading.level => {
                        if !*nested {
                            *nested = true;
                            toc.push(Event::Start(Tag::List(kind)));
                        }
                        break;
                    }
                    Some(_) => {
                        let item = open.pop().expect("not empty");
                        close(&mut toc, item);
                    }
                }
            }
            toc.push(Event::Start(Tag::Item));
            toc.push(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: format!("#{}", heading.id).into(),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }));
            let mut in_link = 0usize;
            for event in &heading.content {
                match event {
                    Event::Start(Tag::Link { .. }) => in_link += 1,
                    Event::End(TagEnd::Link) if in_link > 0 => in_link -= 1,
                    Event::FootnoteReference(_) => {}
                    other => toc.push(other.clone()),
                }
            }
            toc.push(Event::End(TagEnd::Link));
            open.push((heading.level, false));
        }
        while let Some(item) = open.pop() {
            close(&mut toc, item);
        }
        toc.push(Event::End(TagEnd::List(kind.is_some())));
    }
    events.splice(
        start..=end.min(events.len() - 1),
        toc.into_iter().map(|event| (event, at.clone())),
    );
}

/// kramdown closes emphasis at a `**` (or `*`) with no space before it, whatever follows;
/// CommonMark does not when punctuation comes before it and a letter after, as in Chinese
/// `**提示：**本文` (pulldown-cmark leaves both delimiters as text). In each run of plain text
/// (text as written: no escape, no entity, no line break) outside code, such a pair becomes
/// `strong` (or `em`): the opening delimiter followed by no space, the closing one preceded by
/// none, neither part of a longer run of `*`.
pub(in crate::sanitize) fn emphasis_after_punctuation<'a>(
    source: &'a str,
    events: &mut Vec<Spanned<'a>>,
) {
    if !events
        .iter()
        .any(|(event, _)| matches!(event, Event::Text(text) if text.contains('*')))
    {
        return;
    }
    let mut out: Vec<Spanned> = Vec::with_capacity(events.len());
    let mut code = 0usize;
    let mut run: Option<std::ops::Range<usize>> = None;
    for (event, range) in events.drain(..) {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            _ => {}
        }
        let plain = code == 0
            && matches!(&event, Event::Text(text) if source.get(range.clone()) == Some(&**text));
        if plain {
            run = match run.take() {
                Some(open) if open.end == range.start => Some(open.start..range.end),
                Some(open) => {
                    push_emphasized(source, open, &mut out);
                    Some(range)
                }
                None => Some(range),
            };
            continue;
        }
        if let Some(open) = run.take() {
            push_emphasized(source, open, &mut out);
        }
        out.push((event, range));
    }
    if let Some(open) = run {
        push_emphasized(source, open, &mut out);
    }
    *events = out;
}

/// The text `source[run]` as events, its delimiter pairs made emphasis.
fn push_emphasized<'a>(source: &'a str, run: std::ops::Range<usize>, out: &mut Vec<Spanned<'a>>) {
    let mut start = run.start;
    while let Some((open, close, strong)) = emphasis_pair(source, start..run.end) {
        let width = if strong { 2 } else { 1 };
        if open > start {
            out.push((Event::Text(source[start..open].into()), start..open));
        }
        let (tag, end) = if strong {
            (Tag::Strong, TagEnd::Strong)
        } else {
            (Tag::Emphasis, TagEnd::Emphasis)
        };
        let whole = open..close + width;
        out.push((Event::Start(tag), whole.clone()));
        let inner = open + width..close;
        out.push((Event::Text(source[inner.clone()].into()), inner));
        out.push((Event::End(end), whole));
        start = close + width;
    }
    if start < run.end {
        out.push((Event::Text(source[start..run.end].into()), start..run.end));
    }
}

/// The first pair of `**` (or else `*`) delimiters in `source[range]` that kramdown reads as
/// emphasis: where the opening and the closing delimiter start, and whether it is strong.
fn emphasis_pair(source: &str, range: std::ops::Range<usize>) -> Option<(usize, usize, bool)> {
    let text = &source[range.clone()];
    let bytes = text.as_bytes();
    // A delimiter run of exactly `width` stars at `at`.
    let run_of = |at: usize, width: usize| {
        bytes
            .get(at..at + width)
            .is_some_and(|d| d.iter().all(|b| *b == b'*'))
            && (at == 0 || bytes[at - 1] != b'*')
            && bytes.get(at + width) != Some(&b'*')
    };
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    for width in [2, 1] {
        let mut from = 0;
        while let Some(found) = text[from..].find('*') {
            let open = from + found;
            from = open + 1;
            if !run_of(open, width) || space(text[open + width..].chars().next()) {
                continue;
            }
            let mut search = open + width;
            while let Some(found) = text[search..].find('*') {
                let close = search + found;
                search = close + 1;
                if close > open + width
                    && run_of(close, width)
                    && !space(text[..close].chars().next_back())
                {
                    return Some((range.start + open, range.start + close, width == 2));
                }
            }
        }
    }
    None
}
