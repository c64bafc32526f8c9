//! Markdown (with raw HTML) to HTML as Jekyll's kramdown renders it (GFM input, Jekyll's default
//! options), with pulldown-cmark, remembering for every piece of output where it came from: raw
//! HTML is copied byte for byte (so positions inside it are exact), and generated markup maps
//! to the Markdown that produced it.
//!
//! pulldown-cmark parses; what the kramdown stage found is applied to its events as they come
//! (`Extras::events`: table sections, `abbr`, code languages, raw HTML put back); kramdown's
//! other semantics are passes over the event list, one function each, in the order of
//! `render_kramdown`: the block ones in `kramdown/passes.rs` (lists, definition lists, heading ids, `{:toc}`), smart typography in `kramdown/typography.rs`, and footnotes
//! in one form here. A new kramdown rule is one more pass there. What kramdown does
//! and this does not: `tests/kramdown_oracle.rs`, which compares both on every fixture and
//! corpus post.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::rc::Rc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::kramdown::{
    emphasis_after_punctuation, explicit_heading_ids, heading_ids, join_bullet_lists,
    lazy_nested_lists, marked_blocks, merge_unmarked_definitions, one_term_per_line, smarten,
    table_of_contents, undo_detached_definitions, Extras,
};
use super::offsets::OffsetMap;

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
pub(super) const KRAMDOWN: Options = COMMONMARK.union(Options::ENABLE_DEFINITION_LIST);

/// Render `source`. With `kramdown` (Jekyll's posts), as kramdown does, given what the
/// kramdown stage found (among them the block attribute lists `{: .no_toc}` and `{:toc}`,
/// which say what the block before them is); without (Hugo's and Zola's posts), as
/// CommonMark.
pub fn render(source: &str, kramdown: Option<&Extras>) -> Rendered {
    let Some(extras) = kramdown else {
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
    let insertions = lazy_nested_lists(source);
    if !insertions.is_empty() {
        return render_indented(source, extras, &insertions);
    }
    render_kramdown(source, extras)
}

/// Render `source` as kramdown does, once its lists are indented as CommonMark needs.
fn render_kramdown(source: &str, extras: &Extras) -> Rendered {
    let attributes = extras.block_attributes();
    let mut events: Vec<Spanned> = extras
        .events(Parser::new_ext(source, KRAMDOWN).into_offset_iter())
        .collect();
    explicit_heading_ids(&mut events);
    emphasis_after_punctuation(source, &mut events);
    smarten(source, &mut events);
    merge_unmarked_definitions(source, &mut events);
    merge_text(&mut events);
    join_bullet_lists(&mut events);
    undo_detached_definitions(source, &mut events);
    one_term_per_line(&mut events);
    let no_toc = marked_blocks(source, &events, attributes, |part| part == ".no_toc");
    let headings = heading_ids(&mut events, &no_toc, |at| extras.inside_html(at));
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

/// Render `source` with spaces inserted at line starts (`(offset, count)`, in order), mapping
/// the output back to `source`.
fn render_indented(source: &str, extras: &Extras, insertions: &[(usize, usize)]) -> Rendered {
    let mut indented = String::with_capacity(source.len() + insertions.len() * 4);
    // From the indented text back to `source`.
    let mut back = OffsetMap::identity();
    let mut copied = 0;
    for &(at, count) in insertions {
        indented.push_str(&source[copied..at]);
        indented.extend(std::iter::repeat_n(' ', count));
        back.push(indented.len(), at);
        copied = at;
    }
    indented.push_str(&source[copied..]);
    let rendered = render_kramdown(&indented, &extras.indented(insertions));
    Rendered {
        html: rendered.html,
        map: rendered.map.then(&back),
    }
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
        let rendered = render(source, Some(&Extras::default()));
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find("<a href").unwrap());
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference_with_ids_of_numbers() {
        let source = "A[^b] and B[^a], A again[^b], missing[^x].\n\n[^a]: Note *a*.\n[^b]: Note b.\n[^c]: Unreferenced.\n";
        let html = render(source, Some(&Extras::default())).html;
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
        let rendered = render(source, Some(&Extras::default()));
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find('[').unwrap());
    }

    /// Jekyll's rendering of `body`, template and kramdown stages included.
    fn jekyll(body: &str) -> String {
        use super::super::policy::TemplatePolicy;
        let pre = super::super::template::strip(body, None, TemplatePolicy::Drop);
        let stage = super::super::kramdown::blocks(&pre.text, TemplatePolicy::Drop);
        render(&stage.text, Some(&stage.extras)).html
    }

    #[test]
    fn heading_ids_are_kramdown_gfm_ids() {
        let html = jekyll(
            "# What's new?\n\n## What's new?\n\n## Step 1: `install` *it*\n\n## 一、会议概况\n\n## Über café\n\n## Given {#given-id}\n\n## ?!\n\n## Sets {x, y}\n\n## A {.cls}\n",
        );
        for heading in [
            "<h1 id=\"whats-new\">What’s new?</h1>",
            "<h2 id=\"whats-new-1\">",
            "<h2 id=\"step-1-install-it\">",
            "<h2 id=\"一会议概况\">",
            "<h2 id=\"über-café\">",
            "<h2 id=\"given-id\">Given</h2>",
            // Only `{#id}` is kramdown's: other braces are text.
            "<h2 id=\"sets-x-y\">Sets {x, y}</h2>",
            "<h2 id=\"a-cls\">A {.cls}</h2>",
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
        let stage =
            super::super::kramdown::blocks(source, super::super::policy::TemplatePolicy::Drop);
        let rendered = render(&stage.text, Some(&stage.extras));
        assert!(!rendered.html.contains("<pre>"), "{}", rendered.html);
        let td = rendered.html.find("<td>").unwrap();
        let map = rendered.map.then(&stage.map);
        assert_eq!(map.map(td), source.find("<td>").unwrap());
    }

    #[test]
    fn emphasis_closes_after_punctuation_as_in_kramdown() {
        let html = jekyll("**提示：**本文*仅供参考。*见下。\n\n\\*\\*不是：\\*\\*强调 and a ** b ** c\n\n`**x：**y`\n");
        assert!(
            html.contains("<p><strong>提示：</strong>本文<em>仅供参考。</em>见下。</p>"),
            "{html}"
        );
        // Escaped stars, stars with spaces inside, and code stay as written.
        assert!(
            html.contains("<p>**不是：**强调 and a ** b ** c</p>"),
            "{html}"
        );
        assert!(html.contains("<code>**x：**y</code>"), "{html}");
    }

    #[test]
    fn commonmark_posts_get_no_kramdown() {
        let html = render("## A \"b\" -- c\n\nTerm\n: no\n", None).html;
        assert_eq!(html, "<h2>A \"b\" -- c</h2>\n<p>Term\n: no</p>\n");
    }

    #[test]
    fn lazy_lines_of_the_other_list_kind_nest_as_in_kramdown() {
        let source = "1. one\n2. two\n  * a\n  * b\n3. three\n\nAfter [x](/y)\n";
        let rendered = render(source, Some(&Extras::default()));
        assert_eq!(
            rendered.html,
            "<ol>\n<li>one</li>\n<li>two\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</li>\n<li>three</li>\n</ol>\n<p>After <a href=\"/y\">x</a></p>\n"
        );
        // Positions after the inserted spaces still point into the source.
        let link = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(link), source.find('[').unwrap());
        // Under `*`, a `1.` list; not after a blank line, and not in a fence.
        assert_eq!(lazy_nested_lists("* a\n1. b\n"), [(4, 2)]);
        assert!(lazy_nested_lists("1. a\n\n* b\n").is_empty());
        assert!(lazy_nested_lists("1. a\n```\n* b\n```\n").is_empty());
    }
}
