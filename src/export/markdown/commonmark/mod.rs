//! XHTML to CommonMark: the blocks of a sanitized body ([`xhtml_to_markdown`]); inline
//! content is in `inline.rs`, elements Markdown has no syntax for in `html.rs`.

mod html;
mod inline;

use ego_tree::NodeRef;

use html::html_block;
use inline::{inline_markdown, Context};

/// How deep blocks may nest before the rest is written as its text (each level indents
/// every line below it).
const MAX_BLOCK_DEPTH: usize = 24;
/// How deep inline elements may nest before the rest is written as its text.
const MAX_INLINE_DEPTH: usize = 64;

/// Convert a sanitized XHTML fragment ([`CleanBody::xhtml`](crate::sanitize::CleanBody::xhtml))
/// to CommonMark with GFM tables and strikethrough.
///
/// - Headings are ATX (`##`), paragraphs are separated by a blank line, and line breaks inside
///   a paragraph stay where the input had them: no text is wrapped or joined, so no space ever
///   comes between two CJK characters. A `<br />` is a backslash at the end of the line.
/// - `em`/`i` are `*…*`, `strong`/`b` `**…**`, `del`/`s` `~~…~~`, unless CommonMark would not
///   see them there (`**“引号”**文字`: the closing run is not right-flanking): then, and for
///   elements Markdown has no syntax for (`sub`, `sup`, `mark`, `u`, `q`, `abbr`, …), inline
///   HTML with the attributes the sanitizer kept.
/// - Links are `[text](url "title")` (`<url>` when the text is the URL); images
///   `![alt](src "title")` (width and height are dropped); code is a code span with as many
///   backticks as it needs, `pre` a fenced block.
/// - Lists keep their nesting, start number and looseness; adjacent lists alternate markers so
///   that they stay apart. `blockquote` is `>`; `hr` is `---`.
/// - Tables with a cell per column and inline content are GFM tables (with an empty header row
///   when the table has none, and the caption as a paragraph before it); other tables, and
///   definition lists, are HTML blocks. A figure is its content, caption as a paragraph.
/// - Escaping only where Markdown would otherwise read syntax: `*`, `` ` ``, `[`, `]`, `~`, `|`
///   (a line with one may head a table) always; `_` unless inside a word; `<` before a
///   tag-like character; `&` before an entity; `!` before a link; `$$` (kramdown math); `#`,
///   `>`, `-`, `+`, `=`, `:` and `1.` at the start of a line; `{` before `{`, `%` or `:`
///   (Liquid, kramdown, Hugo and Zola shortcodes), as `&#123;`. Never CJK punctuation.
/// - When the last line could be taken for a source or navigation line (a bare link), an HTML
///   comment ends the body, so that newsbundle does not cut it off when reading it back.
pub fn xhtml_to_markdown(xhtml: &str) -> String {
    let mut markdown = blocks_markdown(xhtml);
    if crate::sanitize::ends_like_a_trailer(&markdown) {
        markdown.push_str("\n\n<!-- end -->");
    }
    markdown
}

/// [`xhtml_to_markdown`], with `marker` (an excerpt marker: `<!--more-->`) as a block of its
/// own where the excerpt ends: `excerpt_end`, an offset into `xhtml` between two top-level
/// elements ([`CleanBody::excerpt_end`](crate::sanitize::CleanBody::excerpt_end)). Each side
/// is converted on its own, so the marker is never inside code or a paragraph.
pub fn xhtml_to_markdown_with_excerpt(
    xhtml: &str,
    excerpt_end: Option<usize>,
    marker: &str,
) -> String {
    let Some((head, tail)) = excerpt_end
        .filter(|end| xhtml.is_char_boundary(*end))
        .map(|end| xhtml.split_at(end))
    else {
        return xhtml_to_markdown(xhtml);
    };
    let head = blocks_markdown(head);
    let tail = xhtml_to_markdown(tail);
    if head.is_empty() || tail.is_empty() {
        return xhtml_to_markdown(xhtml);
    }
    format!("{head}\n\n{marker}\n\n{tail}")
}

/// The blocks of an XHTML fragment, without the guard against a trailer-like last line.
fn blocks_markdown(xhtml: &str) -> String {
    // html5ever (as the sanitizer uses it) rather than an XML parser: it builds the tree
    // without recursing, so 10,000 nested elements fit in a worker thread's stack.
    let mut document = crate::sanitize::parse_fragment(xhtml);
    // The back-links the Markdown stage adds to footnotes are not written: Markdown readers
    // make their own. They are taken out wherever they are, as an element the note left open
    // (a table, a `pre`) takes in the one at its end.
    let back_links: Vec<_> = document
        .tree
        .nodes()
        .filter(|node| {
            name(*node) == "a"
                && attribute(*node, "class") == Some("footnote-back")
                && node.ancestors().any(|ancestor| {
                    name(ancestor) == "div" && attribute(ancestor, "class") == Some("footnote")
                })
        })
        .map(|node| node.id())
        .collect();
    for id in back_links {
        if let Some(mut node) = document.tree.get_mut(id) {
            node.detach();
        }
    }
    let root = document
        .tree
        .root()
        .children()
        .find(|child| name(*child) == "html")
        .unwrap_or_else(|| document.tree.root());
    let blocks = BlockWriter::default().blocks(root, 0);
    join_blocks(&blocks, false)
}

#[derive(Clone, Debug, PartialEq)]
enum BlockKind {
    Paragraph,
    Heading,
    Fence,
    List { ordered: bool, starts_at_one: bool },
    Quote,
    Rule,
    Table,
    Html,
}

#[derive(Clone, Debug)]
struct Block {
    kind: BlockKind,
    text: String,
}

/// Block-level elements: an inline run stops before them.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "colgroup",
    "figure",
    "figcaption",
    "hr",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
    "address",
    "details",
    "summary",
    "center",
    "body",
];

fn is_block(node: Node<'_>) -> bool {
    is_element(node) && BLOCK_ELEMENTS.contains(&name(node))
}

#[derive(Default)]
struct BlockWriter {
    /// The ids kramdown gives the headings written so far, to know which need `{#id}`.
    heading_ids: crate::sanitize::HeadingIds,
}

impl BlockWriter {
    /// The blocks of a container's children: runs of inline content become paragraphs.
    fn blocks(&mut self, parent: Node<'_>, depth: usize) -> Vec<Block> {
        let mut blocks: Vec<Block> = Vec::new();
        if depth > MAX_BLOCK_DEPTH {
            let text = inline_markdown(&[parent], Context::Paragraph, MAX_INLINE_DEPTH);
            push_paragraph(&mut blocks, text);
            return blocks;
        }
        let mut run: Vec<Node<'_>> = Vec::new();
        for child in parent.children() {
            if !is_block(child) {
                if is_element(child) || text_node(child).is_some() {
                    run.push(child);
                }
                continue;
            }
            if !run.is_empty() {
                let text = inline_markdown(&run, Context::Paragraph, 0);
                push_paragraph(&mut blocks, text);
                run.clear();
            }
            self.block(child, depth, &mut blocks);
        }
        if !run.is_empty() {
            let text = inline_markdown(&run, Context::Paragraph, 0);
            push_paragraph(&mut blocks, text);
        }
        blocks
    }

    fn block(&mut self, node: Node<'_>, depth: usize, blocks: &mut Vec<Block>) {
        let name = name(node);
        match name {
            "p" => {
                let children: Vec<_> = node.children().collect();
                push_paragraph(blocks, inline_markdown(&children, Context::Paragraph, 0));
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = usize::from(name.as_bytes()[1] - b'0');
                let children: Vec<_> = node.children().collect();
                let mut content = inline_markdown(&children, Context::Line, 0);
                // A trailing `#` would read as a closing sequence.
                if content.ends_with('#') {
                    content.pop();
                    content.push_str("\\#");
                }
                // Text ending like `{#x}` would be read as an id.
                if let Some((before, id)) = crate::sanitize::header_id(&content) {
                    content = format!("{before} \\{{#{id}}}");
                }
                // The id: kept as kramdown would make it from the text, else written (not on
                // an empty heading: kramdown reads `# {#x}` as the text `{#x}`).
                let visible = heading_text(node);
                match attribute(node, "id") {
                    Some(id)
                        if self.heading_ids.next_for(&visible) != id
                            && crate::sanitize::is_header_id(id)
                            && !content.is_empty() =>
                    {
                        content.push_str(&format!(" {{#{id}}}"));
                    }
                    _ => {
                        self.heading_ids.take(&visible);
                    }
                }
                let hashes = "#".repeat(level);
                let text = if content.is_empty() {
                    hashes
                } else {
                    format!("{hashes} {content}")
                };
                blocks.push(Block {
                    kind: BlockKind::Heading,
                    text,
                });
            }
            "pre" => {
                // `<pre><code class="language-x">` keeps its language as the fence's info.
                let language = node
                    .children()
                    .find(|child| self::name(*child) == "code")
                    .and_then(|code| attribute(code, "class"))
                    .and_then(|class| {
                        class
                            .split_ascii_whitespace()
                            .find_map(|class| class.strip_prefix("language-"))
                    })
                    .filter(|language| !language.contains('`'))
                    .unwrap_or_default();
                blocks.push(fence(&text_of(node), language))
            }
            "blockquote" => {
                let inner = join_blocks(&self.blocks(node, depth + 1), false);
                let text = inner
                    .lines()
                    .map(|line| {
                        if line.is_empty() {
                            ">".to_owned()
                        } else {
                            format!("> {line}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                blocks.push(Block {
                    kind: BlockKind::Quote,
                    text: if text.is_empty() {
                        ">".to_owned()
                    } else {
                        text
                    },
                });
            }
            "ul" | "ol" => {
                let ordered = name == "ol";
                // Two lists of one kind in a row would be read as one (kramdown even when the
                // bullets differ, and it has no `1)`): an empty comment keeps them apart.
                let same_kind = blocks.last().is_some_and(|last| {
                    matches!(&last.kind, BlockKind::List { ordered: o, .. } if *o == ordered)
                });
                if same_kind {
                    blocks.push(Block {
                        kind: BlockKind::Html,
                        text: "<!-- -->".to_owned(),
                    });
                }
                blocks.push(self.list(node, ordered, depth));
            }
            "hr" => blocks.push(Block {
                kind: BlockKind::Rule,
                text: "---".to_owned(),
            }),
            "table" => self.table(node, blocks),
            "div" if attribute(node, "class") == Some("footnote") => {
                self.footnote(node, depth, blocks)
            }
            "dl" => blocks.push(html_block(node)),
            // Containers without Markdown syntax: their content.
            _ => blocks.extend(self.blocks(node, depth + 1)),
        }
    }

    fn list(&mut self, node: Node<'_>, ordered: bool, depth: usize) -> Block {
        let mut number: u64 = if ordered {
            attribute(node, "start")
                .and_then(|start| start.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .min(999_999_999)
        } else {
            1
        };
        let starts_at_one = number == 1;
        let items: Vec<Node<'_>> = node
            .children()
            .filter(|child| {
                is_element(*child) || text_node(*child).is_some_and(|text| !text.trim().is_empty())
            })
            .collect();
        let loose = items.iter().any(|item| {
            item.children()
                .any(|child| is_element(child) && name(child) == "p")
        });
        let mut rendered = Vec::with_capacity(items.len());
        for item in items {
            let blocks = if is_element(item) && name(item) == "li" {
                self.blocks(item, depth + 1)
            } else if is_block(item) {
                let mut blocks = Vec::new();
                self.block(item, depth + 1, &mut blocks);
                blocks
            } else {
                let mut blocks = Vec::new();
                push_paragraph(&mut blocks, inline_markdown(&[item], Context::Paragraph, 0));
                blocks
            };
            let marker = if ordered {
                format!("{number}.")
            } else {
                "-".to_owned()
            };
            number = (number + 1).min(999_999_999);
            let mut blocks = blocks;
            // `- ---` would be a thematic break, not an item holding one.
            if let Some(first) = blocks.first_mut() {
                if first.kind == BlockKind::Rule {
                    first.text = "___".to_owned();
                }
            }
            let content = join_blocks(&blocks, !loose);
            let indent = " ".repeat(marker.len() + 1);
            let mut text = String::new();
            for (index, line) in content.split('\n').enumerate() {
                if index == 0 {
                    text.push_str(&marker);
                    // `- - -` (an item opening with a list opening with an empty item) would
                    // be a thematic break: the content starts on the next line.
                    let first_line = format!("{marker} {line}");
                    if is_thematic_break(&first_line) {
                        text.push('\n');
                        text.push_str(&indent);
                        text.push_str(line);
                    } else if !line.is_empty() {
                        text.push(' ');
                        text.push_str(line);
                    }
                } else {
                    text.push('\n');
                    if !line.is_empty() {
                        text.push_str(&indent);
                        text.push_str(line);
                    }
                }
            }
            rendered.push(text);
        }
        let text = if rendered.is_empty() {
            // An empty list shows nothing; an empty item keeps it a list.
            if ordered {
                format!("{number}.")
            } else {
                "-".to_owned()
            }
        } else {
            rendered.join(if loose { "\n\n" } else { "\n" })
        };
        Block {
            kind: BlockKind::List {
                ordered,
                starts_at_one,
            },
            text,
        }
    }

    fn table(&mut self, node: Node<'_>, blocks: &mut Vec<Block>) {
        let mut rows: Vec<(Node<'_>, bool)> = Vec::new();
        let mut caption = None;
        for child in node.children().filter(|child| is_element(*child)) {
            match name(child) {
                "caption" => caption = Some(child),
                "thead" | "tbody" | "tfoot" => {
                    let head = name(child) == "thead";
                    for row in child.children().filter(|row| name(*row) == "tr") {
                        rows.push((row, head));
                    }
                }
                "tr" => rows.push((child, false)),
                _ => {}
            }
        }
        let simple = !rows.is_empty()
            && rows.iter().all(|(row, _)| {
                row.children()
                    .all(|child| !is_element(child) || matches!(name(child), "td" | "th"))
                    && cells(*row).iter().all(|cell| simple_cell(*cell))
            })
            && node.children().all(|child| {
                !is_element(child)
                    || matches!(
                        name(child),
                        "caption" | "thead" | "tbody" | "tfoot" | "tr" | "colgroup"
                    )
            })
            && caption.is_none_or(|caption| caption.descendants().skip(1).all(|d| !is_block(d)));
        if !simple {
            blocks.push(html_block(node));
            return;
        }
        if let Some(caption) = caption {
            let children: Vec<_> = caption.children().collect();
            push_paragraph(blocks, inline_markdown(&children, Context::Paragraph, 0));
        }
        let columns = rows
            .iter()
            .map(|(row, _)| cells(*row).len())
            .max()
            .unwrap_or(0)
            .max(1);
        let render_row = |cells: Vec<String>| {
            let mut line = String::from("|");
            for index in 0..columns {
                let cell = cells.get(index).map_or("", String::as_str);
                line.push(' ');
                line.push_str(cell);
                line.push_str(if cell.is_empty() { "|" } else { " |" });
            }
            line
        };
        let row_text = |row: Node<'_>| -> Vec<String> {
            cells(row)
                .into_iter()
                .map(|cell| {
                    let children: Vec<_> = cell.children().collect();
                    inline_markdown(&children, Context::Cell, 0)
                })
                .collect()
        };
        let (first, _) = rows[0];
        let header_is_first = rows[0].1 || cells(first).iter().all(|cell| name(*cell) == "th");
        let mut lines = Vec::with_capacity(rows.len() + 2);
        let body_rows = if header_is_first {
            lines.push(render_row(row_text(first)));
            &rows[1..]
        } else {
            lines.push(render_row(Vec::new()));
            &rows[..]
        };
        lines.push(render_row(vec!["---".to_owned(); columns]));
        for (row, _) in body_rows {
            lines.push(render_row(row_text(*row)));
        }
        blocks.push(Block {
            kind: BlockKind::Table,
            text: lines.join("\n"),
        });
    }
}

fn cells<'a>(row: Node<'a>) -> Vec<Node<'a>> {
    row.children()
        .filter(|cell| matches!(name(*cell), "td" | "th"))
        .collect()
}

/// A cell a GFM table can hold: one line of inline content (a single paragraph at most).
fn simple_cell(cell: Node<'_>) -> bool {
    let spans = ["colspan", "rowspan"]
        .iter()
        .all(|name| attribute(cell, name).is_none_or(|value| value.trim() == "1"));
    let paragraphs = cell.descendants().filter(|node| name(*node) == "p").count();
    let other_blocks = cell
        .descendants()
        .skip(1)
        .any(|node| is_block(node) && name(node) != "p");
    spans && paragraphs <= 1 && !other_blocks
}

/// Three or more `-`, `*` or `_` (the same), and spaces.
fn is_thematic_break(line: &str) -> bool {
    let marks: Vec<char> = line.chars().filter(|c| *c != ' ' && *c != '\t').collect();
    marks.len() >= 3 && matches!(marks[0], '-' | '*' | '_') && marks.iter().all(|c| *c == marks[0])
}

fn push_paragraph(blocks: &mut Vec<Block>, text: String) {
    if !text.is_empty() {
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            text,
        });
    }
}

/// Blocks separated by a blank line; in a tight list item, a paragraph and a list, fence or
/// quote that may interrupt it share the item without one.
impl BlockWriter {
    /// A footnote as `[^N]: …`, its later blocks indented under it (the back-link the
    /// Markdown stage adds is taken out before: Markdown readers make their own). A note
    /// without an id (nobody refers to it) is just its content.
    fn footnote(&mut self, node: Node<'_>, depth: usize, blocks: &mut Vec<Block>) {
        let label = attribute(node, "id")
            .and_then(|id| id.strip_prefix("fn-"))
            .filter(|label| label.bytes().all(|b| b.is_ascii_digit()));
        let inner = self.blocks(node, depth + 1);
        let Some(label) = label else {
            blocks.extend(inner);
            return;
        };
        let mut text = format!("[^{label}]:");
        for (index, block) in inner.iter().enumerate() {
            for (line_number, line) in block.text.lines().enumerate() {
                if index == 0 && line_number == 0 {
                    text.push(' ');
                } else {
                    text.push('\n');
                    if line_number == 0 {
                        text.push('\n');
                    }
                    if !line.is_empty() {
                        text.push_str("    ");
                    }
                }
                text.push_str(line);
            }
        }
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            text,
        });
    }
}

fn join_blocks(blocks: &[Block], tight: bool) -> String {
    let mut out = String::new();
    for (index, block) in blocks.iter().enumerate() {
        if index > 0 {
            let previous = &blocks[index - 1];
            let interrupts = match &block.kind {
                // An empty first item cannot interrupt a paragraph either.
                BlockKind::List { starts_at_one, .. } => {
                    *starts_at_one
                        && block
                            .text
                            .lines()
                            .next()
                            .is_some_and(|line| line.contains(' '))
                }
                BlockKind::Fence | BlockKind::Quote => true,
                _ => false,
            };
            // A list after a list of the other kind starts on the next line: a blank line
            // between them would make the item holding them loose when read back.
            let other_list = matches!(
                (&previous.kind, &block.kind),
                (BlockKind::List { ordered: before, .. }, BlockKind::List { ordered: now, .. })
                    if before != now
            );
            if tight && (previous.kind == BlockKind::Paragraph && interrupts || other_list) {
                out.push('\n');
            } else {
                out.push_str("\n\n");
            }
        }
        out.push_str(&block.text);
    }
    out
}

/// A fenced code block holding `code` as it is.
fn fence(code: &str, language: &str) -> Block {
    let longest = longest_run(code, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    let mut text = fence.clone();
    text.push_str(language);
    text.push('\n');
    text.push_str(code);
    if !code.is_empty() && !code.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&fence);
    Block {
        kind: BlockKind::Fence,
        text,
    }
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        if c == wanted {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// All the text below a node (iteratively: nesting depth does not matter).
/// A heading's text as kramdown makes its id from it: without footnote numbers.
fn heading_text(node: Node<'_>) -> String {
    let mut text = String::new();
    for child in node.children() {
        if let Some(part) = text_node(child) {
            text.push_str(part);
        } else if is_element(child)
            && !(name(child) == "sup" && attribute(child, "class") == Some("footnote-ref"))
        {
            text.push_str(&heading_text(child));
        }
    }
    text
}

fn text_of(node: Node<'_>) -> String {
    node.descendants().filter_map(text_node).collect()
}

/// The nodes of the tree the sanitized XHTML is parsed into.
type Node<'a> = NodeRef<'a, scraper::Node>;

/// The text of a text node.
fn text_node<'a>(node: Node<'a>) -> Option<&'a str> {
    match node.value() {
        scraper::Node::Text(text) => Some(text),
        _ => None,
    }
}

fn is_element(node: Node<'_>) -> bool {
    node.value().is_element()
}

/// An element's name; empty for other nodes.
fn name<'a>(node: Node<'a>) -> &'a str {
    node.value()
        .as_element()
        .map_or("", |element| element.name())
}

fn attribute<'a>(node: Node<'a>, attribute: &str) -> Option<&'a str> {
    node.value()
        .as_element()
        .and_then(|element| element.attr(attribute))
}

fn attributes<'a>(node: Node<'a>) -> impl Iterator<Item = (&'a str, &'a str)> {
    node.value()
        .as_element()
        .into_iter()
        .flat_map(|element| element.attrs())
}
