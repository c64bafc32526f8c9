//! Markdown (with raw HTML) to HTML, with pulldown-cmark, remembering for every piece of output
//! where it came from: raw HTML is copied byte for byte (so positions inside it are exact), and
//! generated markup maps to the Markdown that produced it.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::kramdown::Extras;
use super::offsets::OffsetMap;

pub struct Rendered {
    pub html: String,
    /// From `html` back to the Markdown source.
    pub map: OffsetMap,
}

pub fn render(source: &str, kramdown: &Extras) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut footnotes = Footnotes::of(source, options);
    let output = Rc::new(RefCell::new(String::with_capacity(
        source.len() + source.len() / 8,
    )));
    let map = Rc::new(RefCell::new(OffsetMap::default()));
    let parsed = kramdown.events(Parser::new_ext(source, options).into_offset_iter());
    let events = parsed.map({
        let output = Rc::clone(&output);
        let map = Rc::clone(&map);
        move |(event, range)| {
            // pulldown-cmark writes each event before it asks for the next one, so the output
            // length now is where this event's output starts.
            let at = output.borrow().len();
            // Raw HTML (`Event::Html`, `Event::InlineHtml`) is copied verbatim, so the
            // positions after this anchor are exact inside it.
            map.borrow_mut().push(at, range.start);
            footnotes.rewrite(event)
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
    numbers: std::collections::HashMap<String, usize>,
    /// How many references each number has had so far.
    seen: std::collections::HashMap<usize, usize>,
    /// The number of the note being written, if it is referenced.
    open: Vec<Option<usize>>,
}

impl Footnotes {
    fn of(source: &str, options: Options) -> Footnotes {
        let mut footnotes = Footnotes::default();
        if !source.contains("[^") {
            return footnotes;
        }
        let mut defined = std::collections::HashSet::new();
        let mut referenced = Vec::new();
        for event in Parser::new_ext(source, options) {
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
        let rendered = render(source, &Extras::default());
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find("<a href").unwrap());
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference_with_ids_of_numbers() {
        let source = "A[^b] and B[^a], A again[^b], missing[^x].\n\n[^a]: Note *a*.\n[^b]: Note b.\n[^c]: Unreferenced.\n";
        let html = render(source, &Extras::default()).html;
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
        let rendered = render(source, &Extras::default());
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find('[').unwrap());
    }
}
