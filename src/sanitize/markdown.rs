//! Markdown (with raw HTML) to HTML, with pulldown-cmark, remembering for every piece of output
//! where it came from: raw HTML is copied byte for byte (so positions inside it are exact), and
//! generated markup maps to the Markdown that produced it.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use pulldown_cmark::{Options, Parser};

use super::offsets::OffsetMap;

pub struct Rendered {
    pub html: String,
    /// From `html` back to the Markdown source.
    pub map: OffsetMap,
}

pub fn render(source: &str) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let output = Rc::new(RefCell::new(String::with_capacity(
        source.len() + source.len() / 8,
    )));
    let map = Rc::new(RefCell::new(OffsetMap::default()));
    let events = Parser::new_ext(source, options).into_offset_iter().map({
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
        let rendered = render(source);
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find("<a href").unwrap());
    }

    #[test]
    fn markdown_links_map_to_their_source() {
        let source = "正文[链接](http://a.example/)。";
        let rendered = render(source);
        let in_html = rendered.html.find("<a href").unwrap();
        assert_eq!(rendered.map.map(in_html), source.find('[').unwrap());
    }
}
