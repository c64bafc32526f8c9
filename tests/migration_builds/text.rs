//! Visible text as a reader sees it, and the runs of it a migrated page must show: runs of
//! four or more Chinese characters, and runs of words separated by spaces only. Punctuation
//! and symbols end a run, so typography a platform adds (curly quotes, dashes) or drops does
//! not count; a word or a Chinese run lost, split or glued to its neighbour does.

use scraper::{ElementRef, Html, Selector};

pub fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a selector")
}

/// Elements whose edges a reader sees as a break: text on either side is not joined, and no
/// run goes across.
/// What `visible_text` puts at a break: neither a space nor a letter, so it ends a run.
pub const BREAK: char = '\u{1}';

const BREAKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "img",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// The text of `element` as a browser shows it: no `script`, `style` or `template`, and
/// [`BREAK`] at the edges of block elements, table cells and line breaks.
pub fn visible_text(element: ElementRef) -> String {
    let mut text = String::new();
    walk(element, &mut text);
    text
}

fn walk(element: ElementRef, text: &mut String) {
    for child in element.children() {
        if let Some(chunk) = child.value().as_text() {
            text.push_str(chunk);
        } else if let Some(child) = ElementRef::wrap(child) {
            let name = child.value().name();
            if matches!(name, "script" | "style" | "template") {
                continue;
            }
            let breaks = BREAKS.contains(&name);
            if breaks {
                text.push(BREAK);
            }
            walk(child, text);
            if breaks {
                text.push(BREAK);
            }
        }
    }
}

/// The text of an element, all of it, joined as it is (a field's value).
pub fn plain_text(element: ElementRef) -> String {
    element.text().collect()
}

/// The visible text of an HTML fragment.
pub fn fragment_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    visible_text(fragment.root_element())
}

/// A title as a page shows it: HTML entities as characters (a `textarea` decodes them and
/// reads no markup).
pub fn entities_decoded(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let html = Html::parse_fragment(&format!("<textarea>{text}</textarea>"));
    html.select(&selector("textarea"))
        .next()
        .map(plain_text)
        .unwrap_or_else(|| text.to_owned())
}

/// Words and Chinese characters of a text, in order, with what separates them.
#[derive(Debug, PartialEq)]
enum Token {
    /// Letters and digits of any script but Chinese.
    Word(String),
    /// Chinese characters.
    Han(String),
    Space,
    /// Punctuation, symbols.
    Other,
}

pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn tokens(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    for c in text.chars() {
        let kind = if is_han(c) {
            Token::Han(c.to_string())
        } else if c.is_alphanumeric() {
            Token::Word(c.to_string())
        } else if c.is_whitespace() {
            Token::Space
        } else {
            Token::Other
        };
        match (tokens.last_mut(), kind) {
            (Some(Token::Han(run)), Token::Han(more)) => run.push_str(&more),
            (Some(Token::Word(run)), Token::Word(more)) => run.push_str(&more),
            (Some(Token::Space), Token::Space) => {}
            (_, kind) => tokens.push(kind),
        }
    }
    tokens
}

/// The runs a page must show: Chinese runs of 4 or more characters, and runs of words
/// separated by spaces only (joined by one space).
pub fn runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let tokens = tokens(text);
    for token in &tokens {
        match token {
            // Two words are never next to each other: a space or something else is between.
            Token::Word(word) => words.push(word),
            Token::Space => {}
            Token::Han(_) | Token::Other => {
                if !words.is_empty() {
                    runs.push(words.join(" "));
                    words.clear();
                }
                if let Token::Han(han) = token {
                    if han.chars().count() >= 4 {
                        runs.push(han.clone());
                    }
                }
            }
        }
    }
    if !words.is_empty() {
        runs.push(words.join(" "));
    }
    runs
}

/// What a page shows, ready to look runs up in.
pub struct Shown {
    text: String,
    /// The page's runs of words, each between `\u{1}`s.
    words: String,
}

impl Shown {
    pub fn new(text: String) -> Shown {
        let mut words = String::from("\u{1}");
        for run in runs(&text) {
            if !run.starts_with(is_han) {
                words.push_str(&run);
                words.push('\u{1}');
            }
        }
        Shown { text, words }
    }

    /// Whether the page shows `run`: a Chinese run anywhere in its text, a run of words
    /// within one of its runs of words, at word boundaries.
    pub fn shows(&self, run: &str) -> bool {
        if run.starts_with(is_han) {
            return self.text.contains(run);
        }
        self.words.match_indices(run).any(|(at, _)| {
            let before = self.words[..at].chars().next_back();
            let after = self.words[at + run.len()..].chars().next();
            matches!(before, Some(' ' | '\u{1}')) && matches!(after, Some(' ' | '\u{1}'))
        })
    }
}

#[test]
fn runs_are_cut_at_punctuation_and_chinese() {
    assert_eq!(
        runs("Hello, big world. 市场快讯：央行开展逆回购 on Monday don’t"),
        [
            "Hello",
            "big world",
            "市场快讯",
            "央行开展逆回购",
            "on Monday don",
            "t"
        ]
    );
    let shown = Shown::new("x big world y 央行开展逆回购操作".to_owned());
    assert!(shown.shows("big world"));
    assert!(shown.shows("开展逆回"));
    assert!(!shown.shows("ig world"));
    assert!(!shown.shows("world x"));
    let text = fragment_text("<p>a <em>b</em></p><p>c</p>");
    assert_eq!(text, "\u{1}a b\u{1}\u{1}c\u{1}");
    assert_eq!(runs(&text), ["a b", "c"]);
    assert_eq!(entities_decoded("A&nbsp;&amp;&lt;b&gt;"), "A\u{a0}&<b>");
}
