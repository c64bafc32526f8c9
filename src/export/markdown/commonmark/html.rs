//! Elements Markdown has no syntax for, written as HTML blocks, as the sanitizer serialized
//! them.

use super::{attributes, is_element, name, text_node, Block, BlockKind, Node};
use crate::sanitize::xml::{push_escaped, Escape, VOID_ELEMENTS};

/// An element written as an HTML block, as the sanitizer serialized it; no blank line may
/// fall inside (it would end the block), and Liquid-like braces are entities.
pub(super) fn html_block(node: Node<'_>) -> Block {
    let mut out = String::new();
    serialize(node, &mut out);
    Block {
        kind: BlockKind::Html,
        text: out,
    }
}

fn serialize(root: Node<'_>, out: &mut String) {
    enum Step<'a> {
        Enter(Node<'a>),
        Close(&'a str),
    }
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close(name) => {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Step::Enter(node) => {
                if let Some(text) = text_node(node) {
                    let in_pre = node.ancestors().any(|ancestor| name(ancestor) == "pre");
                    push_html_text(out, text, in_pre);
                    continue;
                }
                if !is_element(node) {
                    continue;
                }
                let name = name(node);
                out.push('<');
                out.push_str(name);
                push_attributes(out, node);
                if VOID_ELEMENTS.contains(&name) {
                    out.push_str(" />");
                    continue;
                }
                out.push('>');
                stack.push(Step::Close(name));
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(Step::Enter));
            }
        }
    }
}

pub(super) fn push_attributes(out: &mut String, node: Node<'_>) {
    for (attribute, value) in attributes(node) {
        out.push(' ');
        out.push_str(attribute);
        out.push_str("=\"");
        // Braces are references too (Liquid and shortcodes see none), and so is a line break
        // (a blank line would end the block).
        let mut plain = 0;
        for (index, c) in value.match_indices(['{', '\n']) {
            push_escaped(out, &value[plain..index], Escape::Attribute);
            out.push_str(if c == "{" { "&#123;" } else { "&#10;" });
            plain = index + c.len();
        }
        push_escaped(out, &value[plain..], Escape::Attribute);
        out.push('"');
    }
}

/// Text inside an HTML block: escaped, whitespace runs with a line break made one line break
/// (a blank line would end the block), and every line break in `pre` an entity.
fn push_html_text(out: &mut String, text: &str, in_pre: bool) {
    let mut chars = text.char_indices().peekable();
    // The start of the text not written yet.
    let mut plain = 0;
    while let Some((index, c)) = chars.next() {
        let replacement = match c {
            '{' if matches!(chars.peek(), Some((_, '{' | '%' | ':'))) => "&#123;",
            '\n' if in_pre => "&#10;",
            c if !in_pre && is_html_space(c) => {
                let mut newline = c == '\n';
                while let Some(&(_, next)) = chars.peek() {
                    if !is_html_space(next) {
                        break;
                    }
                    newline |= next == '\n';
                    chars.next();
                }
                if newline {
                    "\n"
                } else {
                    " "
                }
            }
            _ => continue,
        };
        push_escaped(out, &text[plain..index], Escape::Text);
        // Where two texts meet (a footnote's back-link was taken out between them), one line
        // break: a blank line would end the block.
        if !(replacement == "\n" && out.ends_with('\n')) {
            out.push_str(replacement);
        }
        plain = chars.peek().map_or(text.len(), |&(next, _)| next);
    }
    push_escaped(out, &text[plain..], Escape::Text);
}

pub(super) fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}
