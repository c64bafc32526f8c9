//! Markdown (with raw HTML) to HTML as Jekyll's kramdown renders it (GFM input, Jekyll's default
//! options), with pulldown-cmark, remembering for every piece of output where it came from: raw
//! HTML is copied byte for byte (so positions inside it are exact), and generated markup maps
//! to the Markdown that produced it.
//!
//! pulldown-cmark parses; kramdown's semantics are passes over the event list, one function
//! each, in [`render`]: smart typography (`typography.rs`), bullet lists that change bullets,
//! definition lists (a term per line, and none when the definition is too far), heading ids as kramdown's GFM parser makes them (`{#id}` kept), the
//! `{:toc}` table of contents, and footnotes in one form. What kramdown does and this does not:
//! `tests/kramdown_oracle.rs`, which compares both on every fixture and corpus post.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::rc::Rc;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::offsets::OffsetMap;
use super::template::BlockAttributes;
use super::typography;

pub struct Rendered {
    pub html: String,
    /// From `html` back to the Markdown source.
    pub map: OffsetMap,
}

/// One event and the source range it comes from.
pub(super) type Spanned<'a> = (Event<'a>, Range<usize>);

/// CommonMark with GFM's tables, strikethrough, task lists and footnotes.
const COMMONMARK: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_TASKLISTS);

/// What kramdown adds that pulldown-cmark can parse.
/// (Smart typography is kramdown's own, in `typography`.)
const KRAMDOWN: Options = COMMONMARK
    .union(Options::ENABLE_DEFINITION_LIST)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// Render `source`. With `kramdown` (Jekyll's posts), as kramdown does, given the block
/// attribute lists (`{: .no_toc}`, `{:toc}`) the template stage took out of it, which say what
/// the block before them is; without (Hugo's and Zola's posts), as CommonMark.
pub fn render(source: &str, kramdown: Option<&[BlockAttributes]>) -> Rendered {
    let Some(attributes) = kramdown else {
        let events: Vec<Spanned> = Parser::new_ext(source, COMMONMARK)
            .into_offset_iter()
            .collect();
        let mut footnotes = Footnotes::of(&events);
        return write(
            source.len(),
            events
                .into_iter()
                .map(|(event, range)| (footnotes.rewrite(event), range)),
        );
    };
    let mut events: Vec<Spanned> = Parser::new_ext(source, KRAMDOWN)
        .into_offset_iter()
        .collect();
    whole_html_blocks(source, &mut events);
    typography::smarten(source, &mut events);
    merge_text(&mut events);
    join_bullet_lists(&mut events);
    one_term_per_line(&mut events);
    undo_detached_definitions(source, &mut events);
    let no_toc = marked_blocks(source, &events, attributes, |part| part == ".no_toc");
    let headings = heading_ids(&mut events, &no_toc);
    let toc_lists = marked_blocks(source, &events, attributes, |part| part == "toc");
    table_of_contents(&mut events, &headings, &toc_lists);
    let mut footnotes = Footnotes::of(&events);
    write(
        source.len(),
        events
            .into_iter()
            .map(|(event, range)| (footnotes.rewrite(event), range)),
    )
}

/// Write the events as HTML, anchoring each event's output at its source position.
fn write<'a>(capacity: usize, events: impl Iterator<Item = Spanned<'a>>) -> Rendered {
    let output = Rc::new(RefCell::new(String::with_capacity(capacity + capacity / 8)));
    let map = Rc::new(RefCell::new(OffsetMap::default()));
    let events = events.map({
        let output = Rc::clone(&output);
        let map = Rc::clone(&map);
        move |(event, range)| {
            // pulldown-cmark writes each event before it asks for the next one, so the output
            // length now is where this event's output starts.
            let at = output.borrow().len();
            // Raw HTML (`Event::Html`, `Event::InlineHtml`) is copied verbatim, so the
            // positions after this anchor are exact inside it.
            map.borrow_mut().push(at, range.start);
            event
        }
    });
    let writer = SharedWriter(Rc::clone(&output));
    // Writing into a String cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(writer, events);
    let html = Rc::try_unwrap(output)
        .map(RefCell::into_inner)
        .unwrap_or_else(|shared| shared.borrow().clone());
    let map = Rc::try_unwrap(map)
        .map(RefCell::into_inner)
        .unwrap_or_else(|shared| shared.borrow().clone());
    Rendered { html, map }
}

/// pulldown-cmark splits a run of text at some characters (`<`, `&`, an escape, …): join the
/// pieces, so that the passes below see what a reader sees. The joined text maps to where it
/// started.
fn merge_text(events: &mut Vec<Spanned>) {
    let mut merged: Vec<Spanned> = Vec::with_capacity(events.len());
    for (event, range) in events.drain(..) {
        if let (Event::Text(text), Some((Event::Text(previous), previous_range))) =
            (&event, merged.last_mut())
        {
            // Between them there may be an escape's backslash: the joined range covers it.
            *previous = format!("{previous}{text}").into();
            previous_range.end = range.end;
            continue;
        }
        merged.push((event, range));
    }
    *events = merged;
}

/// kramdown reads an HTML block from its start tag to the matching end tag, blank lines
/// included; CommonMark ends it at the first blank line, and reads what follows as Markdown
/// (indented lines become code). For an HTML block at the top level whose end tag lies further,
/// the events up to the end of the end tag's line become that one block, when no event
/// straddles that line. Not for a block marked `markdown="1"` (or `"block"`, `"span"`), whose
/// content is Markdown.
fn whole_html_blocks(source: &str, events: &mut Vec<Spanned>) {
    let mut depth = 0usize;
    let mut index = 0;
    while index < events.len() {
        match &events[index].0 {
            Event::Start(Tag::HtmlBlock) if depth == 0 => {
                if let Some(through) = html_block_end(source, events, index) {
                    let start = events[index].1.start;
                    let end = events[through].1.end;
                    let html = source[start..end].to_owned();
                    events.splice(
                        index..=through,
                        [
                            (Event::Start(Tag::HtmlBlock), start..end),
                            (Event::Html(html.into()), start..end),
                            (Event::End(TagEnd::HtmlBlock), start..end),
                        ],
                    );
                    index += 3;
                    continue;
                }
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
}

/// The index of the last event of the HTML block starting at `start` as kramdown reads it,
/// when that is further than CommonMark's end.
fn html_block_end(source: &str, events: &[Spanned], start: usize) -> Option<usize> {
    let block_start = events[start].1.start;
    let opening = source[block_start..].trim_start_matches(' ');
    let name: String = opening
        .strip_prefix('<')?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    // `markdown="1"` asks for Markdown inside: not raw HTML.
    let tag = &opening[..opening.find('>').unwrap_or(opening.len())];
    if name.is_empty() || VOID.contains(&name.as_str()) || tag.contains("markdown=") {
        return None;
    }
    // The end of the line of the matching end tag.
    let lower = source[block_start..].to_ascii_lowercase();
    let (open, close) = (format!("<{name}"), format!("</{name}"));
    let mut open_count = 0usize;
    let mut at = 0;
    let end_tag = loop {
        let next_open = lower[at..].find(&open).map(|found| at + found);
        let next_close = lower[at..].find(&close).map(|found| at + found);
        match (next_open, next_close) {
            (Some(opened), Some(closed)) if opened < closed => {
                let follows = lower[opened + open.len()..].chars().next();
                if follows.is_some_and(|c| c == '>' || c.is_ascii_whitespace() || c == '/') {
                    open_count += 1;
                }
                at = opened + open.len();
            }
            (_, Some(closed)) => {
                open_count = open_count.saturating_sub(1);
                at = closed + close.len();
                if open_count == 0 {
                    break block_start + closed;
                }
            }
            (_, None) => return None,
        }
    };
    let line_end = source[end_tag..]
        .find('\n')
        .map_or(source.len(), |newline| end_tag + newline + 1);
    // CommonMark's block: up to its end event.
    let mut depth = 0usize;
    let mut through = start;
    for (index, (event, range)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            if range.end > line_end {
                return None;
            }
            through = index;
            let next_start = events
                .get(index + 1)
                .map_or(usize::MAX, |(_, next)| next.start);
            if next_start >= line_end.min(source.trim_end().len()) {
                break;
            }
        }
    }
    (events[through].1.end > events[start].1.end || through > start + 2).then_some(through)
}

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// kramdown's bullet list goes on when the bullet changes (`-` after `*`), where CommonMark
/// starts a new list: join the two.
fn join_bullet_lists(events: &mut Vec<Spanned>) {
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

/// kramdown reads `term` and `: definition` as a definition list only when nothing, or one
/// empty line, stands between them; pulldown-cmark also with a line of spaces or several
/// blank lines. There, kramdown has a paragraph for the term and one starting with `: `: such
/// a term and its definitions are taken out of the list and made so.
fn undo_detached_definitions(source: &str, events: &mut Vec<Spanned>) {
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
                Event::Start(Tag::DefinitionListDefinition) if depth == 1 => {
                    if let Some((title, detached @ None)) = terms.last_mut() {
                        let title = &events[*title].1;
                        let term_end = title.start
                            + source
                                .get(title.clone())
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
        if !terms.iter().any(|(_, detached)| *detached == Some(true)) {
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
            if *detached == Some(true) {
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
        let starts_block = matches!(
            event,
            Event::Start(
                Tag::Paragraph
                    | Tag::List(_)
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::Heading { .. }
                    | Tag::Table(_)
                    | Tag::HtmlBlock
                    | Tag::DefinitionList
                    | Tag::DefinitionListDefinition
            ) | Event::Rule
                | Event::End(TagEnd::DefinitionListDefinition)
        );
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
fn one_term_per_line(events: &mut [Spanned]) {
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
fn marked_blocks(
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
struct Heading<'a> {
    level: u8,
    id: String,
    /// Its inline content.
    content: Vec<Event<'a>>,
    in_toc: bool,
}

/// Give every heading without `{#id}` the id kramdown's GFM parser makes from its text (see
/// [`gfm_id`]); drop heading classes and attributes (kramdown reads only `{#id}` there).
fn heading_ids<'a>(events: &mut [Spanned<'a>], no_toc: &HashSet<usize>) -> Vec<Heading<'a>> {
    let mut counters: HashMap<String, usize> = HashMap::new();
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
            None => {
                let generated = gfm_id(&raw_text(&content), &mut counters);
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

/// kramdown-parser-gfm's automatic id: the text lowercased, every character that is not a
/// word character (letter, mark, decimal digit, connector), `-`, space or tab left out, spaces
/// and tabs made `-`; the n-th repeat of an id gets `-n`. An empty id stays empty.
fn gfm_id(text: &str, counters: &mut HashMap<String, usize>) -> String {
    static NOT_IN_ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc} \t-]").expect("a valid pattern")
    });
    let lowered = text.to_lowercase();
    let base = NOT_IN_ID
        .replace_all(&lowered, "")
        .replace([' ', '\t'], "-");
    let seen = counters.entry(base.clone()).or_insert(0);
    *seen += 1;
    match *seen {
        1 => base,
        repeat => format!("{base}-{}", repeat - 1),
    }
}

/// Replace the first list marked `{:toc}` with kramdown's table of contents: a list of the
/// same kind, nested by level, with a link to every heading that has an id, is not marked
/// `{: .no_toc}`; links inside a heading are unwrapped, footnote references left out. With no
/// such heading, the list is dropped.
fn table_of_contents<'a>(
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

/// Footnotes, written in one form that the sanitizer keeps and the exporters understand:
///
/// ```html
/// <sup class="footnote-ref"><a id="fnref-1" href="#fn-1">1</a></sup>
/// <div class="footnote" id="fn-1"><p>The note.</p> <a class="footnote-back" href="#fnref-1">↩</a></div>
/// ```
///
/// Notes are numbered by their first reference; ids are made of those numbers only (a label
/// can hold anything), so they never collide with each other. A note nobody refers to keeps
/// its text without an id; a second reference to a note gets `fnref-1-2`.
#[derive(Default)]
struct Footnotes {
    /// Label → number, in the order of first reference, for notes that are defined.
    numbers: HashMap<String, usize>,
    /// How many references each number has had so far.
    seen: HashMap<usize, usize>,
    /// The number of the note being written, if it is referenced.
    open: Vec<Option<usize>>,
}

impl Footnotes {
    fn of(events: &[Spanned]) -> Footnotes {
        let mut footnotes = Footnotes::default();
        let mut defined = HashSet::new();
        let mut referenced = Vec::new();
        for (event, _) in events {
            match event {
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    defined.insert(label.to_string());
                }
                Event::FootnoteReference(label) => referenced.push(label.to_string()),
                _ => {}
            }
        }
        for label in referenced {
            if defined.contains(&label) && !footnotes.numbers.contains_key(&label) {
                let number = footnotes.numbers.len() + 1;
                footnotes.numbers.insert(label, number);
            }
        }
        footnotes
    }

    fn rewrite<'a>(&mut self, event: Event<'a>) -> Event<'a> {
        match event {
            Event::FootnoteReference(label) => match self.numbers.get(label.as_ref()) {
                Some(&number) => {
                    let count = self.seen.entry(number).or_default();
                    *count += 1;
                    let id = if *count == 1 {
                        format!("fnref-{number}")
                    } else {
                        format!("fnref-{number}-{count}")
                    };
                    Event::InlineHtml(
                        format!(
                            "<sup class=\"footnote-ref\"><a id=\"{id}\" href=\"#fn-{number}\">{number}</a></sup>"
                        )
                        .into(),
                    )
                }
                None => Event::Text(format!("[^{label}]").into()),
            },
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let number = self.numbers.get(label.as_ref()).copied();
                self.open.push(number);
                Event::Html(match number {
                    Some(number) => format!("<div class=\"footnote\" id=\"fn-{number}\">\n").into(),
                    None => "<div class=\"footnote\">\n".into(),
                })
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                Event::Html(match self.open.pop().flatten() {
                    Some(number) => format!(
                    "<a class=\"footnote-back\" href=\"#fnref-{number}\">\u{21a9}</a>\n</div>\n"
                )
                    .into(),
                    None => "</div>\n".into(),
                })
            }
            other => other,
        }
    }
}

struct SharedWriter(Rc<RefCell<String>>);

impl fmt::Write for SharedWriter {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.0.borrow_mut().push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_positions_are_exact() {
        let source = "# 标题\n\n<p>第一段<a href=\"x\">链接</a></p>\n";
        let rendered = render(source, Some(&[]));
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find("<a href").unwrap());
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference_with_ids_of_numbers() {
        let source = "A[^b] and B[^a], A again[^b], missing[^x].\n\n[^a]: Note *a*.\n[^b]: Note b.\n[^c]: Unreferenced.\n";
        let html = render(source, Some(&[])).html;
        assert!(html.contains("<sup class=\"footnote-ref\"><a id=\"fnref-1\" href=\"#fn-1\">1</a></sup> and B<sup class=\"footnote-ref\"><a id=\"fnref-2\" href=\"#fn-2\">2</a></sup>"), "{html}");
        assert!(
            html.contains("<a id=\"fnref-1-2\" href=\"#fn-1\">1</a>"),
            "{html}"
        );
        assert!(html.contains("missing[^x]"), "{html}");
        assert!(html.contains("<div class=\"footnote\" id=\"fn-2\">\n<p>Note <em>a</em>.</p>\n<a class=\"footnote-back\" href=\"#fnref-2\">\u{21a9}</a>\n</div>"), "{html}");
        assert!(
            html.contains("<div class=\"footnote\">\n<p>Unreferenced.</p>\n</div>"),
            "{html}"
        );
    }

    #[test]
    fn markdown_links_map_to_their_source() {
        let source = "正文[链接](http://a.example/)。";
        let rendered = render(source, Some(&[]));
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find('[').unwrap());
    }

    /// Jekyll's rendering of `body`, template stage included.
    fn jekyll(body: &str) -> String {
        let pre =
            super::super::template::strip(body, None, super::super::policy::TemplatePolicy::Drop);
        render(&pre.text, Some(&pre.block_attributes)).html
    }

    #[test]
    fn heading_ids_are_kramdown_gfm_ids() {
        let html = jekyll(
            "# What's new?\n\n## What's new?\n\n## Step 1: `install` *it*\n\n## 一、会议概况\n\n## Über café\n\n## Given {#given-id}\n\n## ?!\n",
        );
        for heading in [
            "<h1 id=\"whats-new\">What’s new?</h1>",
            "<h2 id=\"whats-new-1\">",
            "<h2 id=\"step-1-install-it\">",
            "<h2 id=\"一会议概况\">",
            "<h2 id=\"über-café\">",
            "<h2 id=\"given-id\">Given</h2>",
            // Nothing left: no id.
            "<h2>?!</h2>",
        ] {
            assert!(html.contains(heading), "{heading}: {html}");
        }
    }

    #[test]
    fn toc_lists_the_headings_but_no_toc_ones() {
        let html = jekyll(
            "## Contents\n{: .no_toc}\n\n* TOC\n{:toc}\n\n## A [link](/x)\n\n### B\n\n## C\n",
        );
        assert_eq!(
            html.split("<h2 id=\"a-link\">").next().unwrap_or(""),
            "<h2 id=\"contents\">Contents</h2>\n<ul>\n<li><a href=\"#a-link\">A link</a>\n<ul>\n<li><a href=\"#b\">B</a></li>\n</ul>\n</li>\n<li><a href=\"#c\">C</a></li>\n</ul>\n",
            "{html}"
        );
        // A `{:toc}` that follows no list is only dropped.
        assert!(!jekyll("Text\n{:toc}\n\n## A\n").contains("<ul>"));
    }

    #[test]
    fn definition_lists_as_kramdown_reads_them() {
        let html = jekyll("One\nTwo\n: Both\n\nApart\n  \n: Not a definition\n");
        // (pulldown-cmark makes the first definition loose, kramdown tight.)
        assert!(
            html.starts_with("<dl>\n<dt>One</dt>\n<dt>Two</dt>\n<dd>\n<p>Both</p>\n</dd>\n</dl>"),
            "{html}"
        );
        assert!(
            html.contains("<p>Apart</p>\n<p>: Not a definition</p>"),
            "{html}"
        );
    }

    #[test]
    fn kramdown_blocks_that_commonmark_splits() {
        // A bullet change does not end the list.
        let html = jekyll("- a\n- b\n\n* c\n");
        assert_eq!(html.matches("<ul>").count(), 1, "{html}");
        // An HTML block runs to its end tag, blank lines included, and its positions stay
        // exact.
        let source = "<table>\n<tr>\n\n    <td>x</td>\n\n</tr>\n</table>\n\nAfter\n";
        let rendered = render(source, Some(&[]));
        assert!(!rendered.html.contains("<pre>"), "{}", rendered.html);
        let td = rendered.html.find("<td>").unwrap();
        assert_eq!(rendered.map.map(td), source.find("<td>").unwrap());
    }

    #[test]
    fn commonmark_posts_get_no_kramdown() {
        let html = render("## A \"b\" -- c\n\nTerm\n: no\n", None).html;
        assert_eq!(html, "<h2>A \"b\" -- c</h2>\n<p>Term\n: no</p>\n");
    }
}
