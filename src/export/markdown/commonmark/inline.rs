//! Inline content: text, emphasis, links, images and code spans, with the escaping that keeps
//! Markdown from reading syntax into text.

use std::collections::{HashMap, HashSet};

use super::html::{is_html_space, push_attributes};
use super::{
    attribute, attributes, is_element, longest_run, name, text_node, text_of, Node,
    MAX_INLINE_DEPTH,
};

/// Where inline content goes: a paragraph (line breaks kept), or a single line (a heading or
/// a table cell, where a line break becomes a space, or nothing between CJK characters).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    Paragraph,
    Line,
    Cell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Space {
    Blank,
    Newline,
    HardBreak,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// Literal text, without ASCII whitespace.
    Text(String),
    Space(Space),
    /// Emphasis, strong emphasis or strikethrough (`markdown` the delimiter), or an inline HTML
    /// element (`markdown` empty); `html` is the start tag. `pair` links an opening and its
    /// closing token.
    Open {
        markdown: &'static str,
        html: String,
        pair: usize,
    },
    Close {
        markdown: &'static str,
        name: String,
        pair: usize,
    },
    Code(String),
    LinkOpen {
        pair: usize,
    },
    LinkClose {
        pair: usize,
        url: String,
        title: Option<String>,
    },
    Image {
        src: String,
        alt: String,
        title: Option<String>,
    },
    /// A reference to footnote `N` (`[^N]`).
    FootnoteRef(String),
}

/// Elements written as inline HTML: Markdown has no syntax for them.
const INLINE_HTML: &[&str] = &[
    "sub", "sup", "mark", "u", "ins", "small", "q", "cite", "abbr", "dfn", "kbd", "samp", "var",
    "time", "ruby", "rt", "rp", "bdi", "bdo", "big", "tt",
];

/// Inline content to Markdown.
pub(super) fn inline_markdown(nodes: &[Node<'_>], context: Context, depth: usize) -> String {
    let mut builder = TokenBuilder::default();
    for node in nodes {
        builder.node(*node, depth);
    }
    let tokens = normalise(builder.tokens);
    let markdown_pairs = decide_delimiters(&tokens, context);
    serialize_inline(&tokens, &markdown_pairs, context)
}

#[derive(Default)]
struct TokenBuilder {
    tokens: Vec<Token>,
    pairs: usize,
}

impl TokenBuilder {
    fn next_pair(&mut self) -> usize {
        self.pairs += 1;
        self.pairs
    }

    fn text(&mut self, text: &str) {
        let mut word = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if is_html_space(c) {
                if !word.is_empty() {
                    self.tokens.push(Token::Text(std::mem::take(&mut word)));
                }
                let mut newline = c == '\n';
                while let Some(&next) = chars.peek() {
                    if !is_html_space(next) {
                        break;
                    }
                    newline |= next == '\n';
                    chars.next();
                }
                self.tokens.push(Token::Space(if newline {
                    Space::Newline
                } else {
                    Space::Blank
                }));
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            self.tokens.push(Token::Text(word));
        }
    }

    fn node(&mut self, node: Node<'_>, depth: usize) {
        if let Some(text) = text_node(node) {
            self.text(text);
            return;
        }
        if !is_element(node) {
            return;
        }
        if depth > MAX_INLINE_DEPTH {
            self.text(&text_of(node));
            return;
        }
        let name = name(node);
        match name {
            "br" => self.tokens.push(Token::Space(Space::HardBreak)),
            "wbr" => {}
            "img" => {
                if let Some(src) = attribute(node, "src") {
                    self.tokens.push(Token::Image {
                        src: src.to_owned(),
                        alt: attribute(node, "alt").unwrap_or_default().to_owned(),
                        title: attribute(node, "title").map(str::to_owned),
                    });
                }
            }
            "code" if node.children().all(|child| !is_element(child)) => {
                let code: String = text_of(node);
                if !code.is_empty() {
                    self.tokens.push(Token::Code(code));
                }
            }
            "sup" if attribute(node, "class") == Some("footnote-ref") => {
                let label = node
                    .descendants()
                    .find_map(|child| attribute(child, "href")?.strip_prefix("#fn-"))
                    .filter(|label| label.bytes().all(|b| b.is_ascii_digit()));
                match label {
                    Some(label) => self.tokens.push(Token::FootnoteRef(label.to_owned())),
                    None => self.wrap(node, "", depth),
                }
            }
            "a" if attribute(node, "href").is_some_and(|href| !href.is_empty()) => {
                let pair = self.next_pair();
                self.tokens.push(Token::LinkOpen { pair });
                self.children(node, depth);
                self.tokens.push(Token::LinkClose {
                    pair,
                    url: attribute(node, "href").unwrap_or_default().to_owned(),
                    title: attribute(node, "title").map(str::to_owned),
                });
            }
            "em" | "i" | "strong" | "b" | "del" | "s" | "strike" => {
                let markdown = match name {
                    "em" | "i" => "*",
                    "strong" | "b" => "**",
                    _ => "~~",
                };
                self.wrap(node, markdown, depth);
            }
            "span" if attributes(node).next().is_none() => self.children(node, depth),
            name if INLINE_HTML.contains(&name) || name == "span" || name == "code" => {
                self.wrap(node, "", depth)
            }
            // A block element met inside inline content (the depth limit), or one the policy
            // was told to allow: its content.
            _ => self.children(node, depth),
        }
    }

    fn children(&mut self, node: Node<'_>, depth: usize) {
        for child in node.children() {
            self.node(child, depth + 1);
        }
    }

    fn wrap(&mut self, node: Node<'_>, markdown: &'static str, depth: usize) {
        let pair = self.next_pair();
        let name = name(node);
        let mut html = format!("<{name}");
        push_attributes(&mut html, node);
        html.push('>');
        self.tokens.push(Token::Open {
            markdown,
            html,
            pair,
        });
        self.children(node, depth);
        self.tokens.push(Token::Close {
            markdown,
            name: name.to_owned(),
            pair,
        });
    }
}

/// Whitespace placed where Markdown wants it: none at the start or end, none just inside an
/// opening or a closing delimiter (it moves outside), one token per run; pairs with nothing
/// visible inside are dropped.
fn normalise(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    // Openings not yet written: they go out just before the next visible token.
    let mut pending_opens: Vec<Token> = Vec::new();
    let mut pending_space: Option<Space> = None;
    let merge = |pending: Option<Space>, space: Space| -> Space {
        match (pending, space) {
            (Some(Space::HardBreak), _) | (_, Space::HardBreak) => Space::HardBreak,
            (Some(Space::Newline), _) | (_, Space::Newline) => Space::Newline,
            _ => Space::Blank,
        }
    };
    for token in tokens {
        match token {
            Token::Space(space) => pending_space = Some(merge(pending_space, space)),
            Token::Open { .. } | Token::LinkOpen { .. } => pending_opens.push(token),
            Token::Close { pair, .. } | Token::LinkClose { pair, .. } => {
                let position = pending_opens.iter().position(|open| match open {
                    Token::Open { pair: open, .. } | Token::LinkOpen { pair: open } => {
                        *open == pair
                    }
                    _ => false,
                });
                match position {
                    // Nothing visible inside: the pair goes (and what opened inside it too).
                    Some(position) => pending_opens.truncate(position),
                    None => out.push(token),
                }
            }
            visible => {
                if let Some(space) = pending_space.take() {
                    if !out.is_empty() {
                        out.push(Token::Space(space));
                    }
                }
                out.append(&mut pending_opens);
                // Words split by an unwrapped element are one word to Markdown.
                match (out.last_mut(), visible) {
                    (Some(Token::Text(word)), Token::Text(more)) => word.push_str(&more),
                    (_, visible) => out.push(visible),
                }
            }
        }
    }
    out
}

/// For every delimiter pair, whether it can be written as Markdown (`*`, `**`, `~~`) where it
/// stands: the opening must be left-flanking and the closing right-flanking, and neither may
/// touch another Markdown delimiter (runs would merge). Inside a Markdown pair of the same
/// character, the opening must not be right-flanking too: CommonMark would take it for the
/// closing of the outer pair. Decided outermost first.
fn decide_delimiters(tokens: &[Token], context: Context) -> HashSet<usize> {
    let mut positions: HashMap<usize, (usize, usize)> = HashMap::new();
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Open { pair, .. } => {
                positions.entry(*pair).or_insert((index, usize::MAX)).0 = index;
            }
            Token::Close { pair, .. } => {
                positions.entry(*pair).or_insert((usize::MAX, index)).1 = index;
            }
            _ => {}
        }
    }
    let mut pairs: Vec<(usize, usize, usize)> = positions
        .into_iter()
        .filter(|(_, (open, close))| *open != usize::MAX && *close != usize::MAX)
        .map(|(pair, (open, close))| (open, close, pair))
        .collect();
    // Outermost first: by opening position, then the widest.
    pairs.sort_by_key(|(open, close, _)| (*open, std::cmp::Reverse(*close)));
    let mut markdown: HashSet<usize> = HashSet::new();
    let mut markdown_at: HashSet<usize> = HashSet::new();
    // The pairs written as Markdown that may enclose the pairs still to come: where they open
    // and close, and their character. Pairs come by opening, so one that closed before this
    // one opens encloses none of the rest and leaves (without that, a paragraph of many
    // emphasized runs was quadratic).
    let mut decided: Vec<(usize, usize, char)> = Vec::new();
    for (open, close, pair) in pairs {
        while decided
            .last()
            .is_some_and(|(_, outer_close, _)| *outer_close < open)
        {
            decided.pop();
        }
        let Token::Open {
            markdown: delimiter,
            ..
        } = &tokens[open]
        else {
            continue;
        };
        if delimiter.is_empty() {
            continue;
        }
        let touches = |index: usize| {
            [index.checked_sub(1), Some(index + 1)]
                .into_iter()
                .flatten()
                .any(|neighbour| markdown_at.contains(&neighbour))
        };
        if touches(open) || touches(close) {
            continue;
        }
        let character = delimiter.chars().next().unwrap_or('*');
        let before = edge_char(tokens, open.checked_sub(1), true, context);
        let first = edge_char(tokens, Some(open + 1), false, context);
        let last = edge_char(tokens, close.checked_sub(1), true, context);
        let after = edge_char(tokens, Some(close + 1), false, context);
        let opens = !first.is_whitespace()
            && (!maybe_punctuation(first) || before.is_whitespace() || surely_punctuation(before));
        let closes = !last.is_whitespace()
            && (!maybe_punctuation(last) || after.is_whitespace() || surely_punctuation(after));
        let nested = decided.iter().any(|(outer_open, outer_close, outer)| {
            *outer == character && *outer_open < open && close < *outer_close
        });
        // Certainly not right-flanking: whitespace before it, or punctuation before it and a
        // letter after it.
        let only_opens = before.is_whitespace()
            || (surely_punctuation(before) && !first.is_whitespace() && !maybe_punctuation(first));
        // A literal (escaped) delimiter character against the run: pulldown-cmark then reads
        // `\~~~` as no delimiter at all.
        let text_edge = |index: Option<usize>, last: bool| match index.map(|i| tokens.get(i)) {
            Some(Some(Token::Text(text))) if last => text.chars().next_back(),
            Some(Some(Token::Text(text))) => text.chars().next(),
            _ => None,
        };
        let against_literal = [
            text_edge(open.checked_sub(1), true),
            text_edge(Some(open + 1), false),
            text_edge(close.checked_sub(1), true),
            text_edge(Some(close + 1), false),
        ]
        .contains(&Some(character));
        if opens && closes && (!nested || only_opens) && !against_literal {
            markdown.insert(pair);
            markdown_at.insert(open);
            markdown_at.insert(close);
            decided.push((open, close, character));
        }
    }
    markdown
}

/// The character Markdown sees next to a token boundary: the last (or first) character of the
/// text there, a space for whitespace and the edges of the content, and `*` (punctuation) for
/// markup (a line break on one line is `<br />`; next to markup, a line break is a space).
fn edge_char(tokens: &[Token], index: Option<usize>, last: bool, context: Context) -> char {
    match index.and_then(|index| tokens.get(index)) {
        Some(Token::Space(Space::HardBreak)) if context != Context::Paragraph => '*',
        None | Some(Token::Space(_)) => ' ',
        Some(Token::Text(text)) => {
            let c = if last {
                text.chars().next_back()
            } else {
                text.chars().next()
            };
            c.unwrap_or(' ')
        }
        Some(_) => '*',
    }
}

/// Certainly punctuation (or a symbol) to CommonMark: ASCII punctuation and the common
/// Unicode punctuation blocks, CJK's included.
fn surely_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x00A1..=0x00BF | 0x2010..=0x2027 | 0x2030..=0x205E | 0x2E00..=0x2E7F
            | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFE10..=0xFE19
            | 0xFE30..=0xFE4F | 0xFE50..=0xFE6B | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
            | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Possibly punctuation to CommonMark: anything that is neither a letter, a digit nor
/// whitespace.
fn maybe_punctuation(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

/// East Asian wide characters (not Hangul, which separates words with spaces): a line break
/// between two of them is no space.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x3190..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFF)
}

fn serialize_inline(tokens: &[Token], markdown_pairs: &HashSet<usize>, context: Context) -> String {
    let mut out = String::new();
    let mut at_line_start = true;
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        match token {
            Token::Text(text) => {
                let previous = out.chars().next_back();
                let next = match tokens.get(index + 1) {
                    None | Some(Token::Space(_)) => None,
                    Some(Token::Text(text)) => text.chars().next(),
                    Some(Token::LinkOpen { .. }) => Some('['),
                    Some(_) => Some('*'),
                };
                escape_text(&mut out, text, previous, next, at_line_start, context);
            }
            Token::Space(space) => {
                let before = out.chars().next_back();
                let after = edge_char(tokens, Some(index + 1), false, context);
                match (space, context) {
                    (Space::Blank, _) => out.push(' '),
                    (Space::Newline, Context::Paragraph) => out.push('\n'),
                    (Space::HardBreak, Context::Paragraph) => out.push_str("\\\n"),
                    (Space::HardBreak, _) => out.push_str("<br />"),
                    (Space::Newline, _) => {
                        if !(before.is_some_and(is_wide) && is_wide(after)) {
                            out.push(' ');
                        }
                    }
                }
                at_line_start = out.ends_with('\n');
                index += 1;
                continue;
            }
            Token::Open {
                markdown,
                html,
                pair,
            } => {
                if markdown_pairs.contains(pair) {
                    out.push_str(markdown);
                } else {
                    out.push_str(html);
                }
            }
            Token::Close {
                markdown,
                name,
                pair,
            } => {
                if markdown_pairs.contains(pair) {
                    out.push_str(markdown);
                } else {
                    out.push_str("</");
                    out.push_str(name);
                    out.push('>');
                }
            }
            // Right after a backtick, a code span's run would merge with it: HTML then.
            Token::Code(code) if out.ends_with('`') => {
                out.push_str("<code>");
                for word in code.split_inclusive(is_html_space) {
                    let (word, space) = match word.char_indices().next_back() {
                        Some((at, c)) if is_html_space(c) => (&word[..at], " "),
                        _ => (word, ""),
                    };
                    escape_text(&mut out, word, Some('>'), Some('<'), false, context);
                    out.push_str(space);
                }
                out.push_str("</code>");
            }
            Token::Code(code) => push_code_span(&mut out, code, context == Context::Cell),
            Token::FootnoteRef(label) => {
                out.push_str("[^");
                out.push_str(label);
                out.push(']');
            }
            Token::LinkOpen { pair } => {
                // `<url>` when the text is the URL itself.
                if let (
                    Some(Token::Text(text)),
                    Some(Token::LinkClose {
                        pair: close,
                        url,
                        title: None,
                    }),
                ) = (tokens.get(index + 1), tokens.get(index + 2))
                {
                    if close == pair && text == url && autolink_safe(url) {
                        out.push('<');
                        out.push_str(url);
                        out.push('>');
                        index += 3;
                        at_line_start = false;
                        continue;
                    }
                }
                out.push('[');
            }
            Token::LinkClose { url, title, .. } => {
                out.push_str("](");
                push_destination(&mut out, url, title.as_deref(), context == Context::Cell);
                out.push(')');
            }
            Token::Image { src, alt, title } => {
                out.push_str("![");
                escape_text(&mut out, alt, Some('['), Some(']'), false, context);
                out.push_str("](");
                push_destination(&mut out, src, title.as_deref(), context == Context::Cell);
                out.push(')');
            }
        }
        at_line_start = false;
        index += 1;
    }
    out
}

fn autolink_safe(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '`'))
}

/// A code span with a backtick string longer than any inside it.
fn push_code_span(out: &mut String, code: &str, in_cell: bool) {
    let code = code.replace(['\n', '\r'], " ");
    let code = if in_cell {
        code.replace('|', "\\|")
    } else {
        code
    };
    let ticks = "`".repeat(longest_run(&code, '`') + 1);
    let pad = code.starts_with('`')
        || code.ends_with('`')
        || (code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty());
    out.push_str(&ticks);
    if pad {
        out.push(' ');
    }
    out.push_str(&code);
    if pad {
        out.push(' ');
    }
    out.push_str(&ticks);
}

/// A link destination (and title): bare when it can be, else in angle brackets.
fn push_destination(out: &mut String, url: &str, title: Option<&str>, in_cell: bool) {
    let mut depth: i64 = 0;
    let mut balanced = true;
    for c in url.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    balanced = false;
                }
            }
            _ => {}
        }
    }
    balanced &= depth == 0;
    let pointy = url.is_empty() || url.chars().any(|c| c == ' ' || c.is_control());
    if pointy {
        out.push('<');
    }
    let mut chars = url.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(char::is_ascii_punctuation) => out.push_str("\\\\"),
            '(' | ')' if !pointy && !balanced => {
                out.push('\\');
                out.push(c);
            }
            '<' | '>' if pointy => {
                out.push('\\');
                out.push(c);
            }
            '&' if entity_follows(chars.clone()) => out.push_str("\\&"),
            '|' if in_cell => out.push_str("\\|"),
            '\n' | '\r' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    if pointy {
        out.push('>');
    }
    if let Some(title) = title {
        out.push_str(" \"");
        for c in title.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                '|' if in_cell => out.push_str("\\|"),
                '\n' | '\r' => out.push(' '),
                '&' => out.push_str("&amp;"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

/// `&` starts an entity or character reference here (`&amp;`, `&#123;`).
fn entity_follows(rest: impl Iterator<Item = char>) -> bool {
    for (length, c) in rest.enumerate() {
        if c == ';' {
            return length > 0;
        }
        if !(c.is_ascii_alphanumeric() || (c == '#' && length == 0)) || length > 32 {
            return false;
        }
    }
    false
}

/// Escape literal text (a word: no ASCII whitespace) for Markdown. `previous` and `next` are
/// the characters around it (`None` for whitespace or the edge); `at_line_start` when it
/// begins a line of a paragraph.
fn escape_text(
    out: &mut String,
    text: &str,
    previous: Option<char>,
    next: Option<char>,
    at_line_start: bool,
    context: Context,
) {
    let chars: Vec<char> = text.chars().collect();
    let line_start = at_line_start && context == Context::Paragraph;
    for (index, &c) in chars.iter().enumerate() {
        let before = if index == 0 {
            previous
        } else {
            Some(chars[index - 1])
        };
        let after = chars.get(index + 1).copied().or(next);
        if line_start && index == 0 && line_start_needs_escape(&chars, next) {
            out.push('\\');
            out.push(c);
            continue;
        }
        if line_start && index > 0 && chars[..index].iter().all(char::is_ascii_digit) {
            // `1.` / `1)` and a space: an ordered list item.
            if matches!(c, '.' | ')') && index <= 9 && after.is_none() {
                out.push('\\');
                out.push(c);
                continue;
            }
        }
        match c {
            '\\' => {
                if after.is_none_or(|after| after.is_ascii_punctuation()) {
                    out.push_str("\\\\");
                } else {
                    out.push('\\');
                }
            }
            '`' | '*' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                let inside_word = before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric);
                if !inside_word {
                    out.push('\\');
                }
                out.push('_');
            }
            '<' => {
                // A tag, or kramdown's `<<` guillemet.
                if after.is_some_and(|after| after.is_ascii_alphabetic() || "/!?<".contains(after))
                {
                    out.push('\\');
                }
                out.push('<');
            }
            '&' => {
                if entity_follows(chars[index + 1..].iter().copied()) {
                    out.push('\\');
                }
                out.push('&');
            }
            '{' if matches!(after, Some('{' | '%' | ':')) => out.push_str("&#123;"),
            '$' if after == Some('$') => out.push_str("\\$"),
            // `![` would start an image.
            '!' if after == Some('[') => out.push_str("\\!"),
            // A line with a bare `|` can be the header of a GFM table.
            '|' => out.push_str("\\|"),
            // What kramdown's smart typography would change (Jekyll reads the export): straight
            // quotes, `--`, `...` and `>>` (`<<` above).
            '"' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '.' | '>' if after == Some(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// The first character of a line would start a block: a heading, a quote, a list item, a
/// setext underline or thematic break, a kramdown definition.
fn line_start_needs_escape(chars: &[char], next: Option<char>) -> bool {
    let first = chars[0];
    let second = chars.get(1).copied();
    // What follows the word: `None` is whitespace or the end of the line.
    let alone = second.is_none() && next.is_none();
    match first {
        '#' | '>' => true,
        '-' | '+' => alone || second == Some('-') && chars.iter().all(|c| *c == '-'),
        '=' => chars.iter().all(|c| *c == '=') && next.is_none(),
        ':' => alone,
        _ => false,
    }
}
