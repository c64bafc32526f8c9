//! kramdown's smart typography, over the text events of the Markdown stage: `---` and `--` to
//! dashes, `...` to an ellipsis, `<<` and `>>` to guillemets (a no-break space when written
//! `<< ` or ` >>`), and straight quotes to curly ones by kramdown's rules, which look at the
//! characters around each quote in the source, not at delimiter runs as CommonMark's smart
//! punctuation does (so `周五"窄幅"` gets two closing quotes, as Jekyll prints it).
//!
//! Not in code (spans or blocks), not in an image's alternative text or an autolink, not in
//! text written with an escape or an entity (`\"`, `&quot;` stay straight).

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use crate::sanitize::markdown::Spanned;

const LEFT_SINGLE: char = '\u{2018}';
const RIGHT_SINGLE: char = '\u{2019}';
const LEFT_DOUBLE: char = '\u{201c}';
const RIGHT_DOUBLE: char = '\u{201d}';

/// Smarten the text of `events`, whose ranges are into `source`.
pub fn smarten(source: &str, events: &mut Vec<Spanned>) {
    // Runs of text written as it reads (no escape, no entity), contiguous in the source.
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    let mut hidden = 0usize;
    let mut run: Option<std::ops::Range<usize>> = None;
    for (index, (event, range)) in events.iter().enumerate() {
        let plain = match event {
            Event::Text(text) => hidden == 0 && source.get(range.clone()) == Some(text.as_ref()),
            _ => false,
        };
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. }) => hidden += 1,
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => hidden += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image) => hidden = hidden.saturating_sub(1),
            Event::End(TagEnd::Link) if hidden > 0 => hidden -= 1,
            _ => {}
        }
        let contiguous = run
            .as_ref()
            .is_some_and(|run| events[run.end - 1].1.end == range.start && run.end == index);
        match (plain, contiguous) {
            (true, true) => {
                if let Some(run) = run.as_mut() {
                    run.end = index + 1;
                }
            }
            (true, false) => {
                runs.extend(run.take());
                run = Some(index..index + 1);
            }
            (false, _) => runs.extend(run.take()),
        }
    }
    runs.extend(run);
    for run in runs.into_iter().rev() {
        let start = events[run.start].1.start;
        let end = events[run.end - 1].1.end;
        let smart = smarten_run(source, start..end);
        events[run.start] = (Event::Text(smart.into()), start..end);
        events.drain(run.start + 1..run.end);
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}')
}

/// Ruby's `\w`: ASCII only.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// kramdown's `SQ_PUNCT`: ASCII punctuation.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// The source text `range`, smartened. The characters after the run (the rest of the block in
/// the source) are what kramdown looks ahead at.
fn smarten_run(source: &str, range: std::ops::Range<usize>) -> String {
    let text = &source[range.clone()];
    let mut out = String::with_capacity(text.len() + 8);
    // Where the text not yet taken by a symbol starts: a quote right after a symbol has no
    // character before it, for kramdown's rules.
    let mut free_from = 0;
    let mut at = 0;
    // An escaped character starts a text event, whose range begins after the backslash (and
    // breaks the run): it stays as written.
    if range.start > 0 && source.as_bytes()[range.start - 1] == b'\\' {
        if let Some(c) = text.chars().next() {
            out.push(c);
            at = c.len_utf8();
            free_from = at;
        }
    }
    while at < text.len() {
        let rest = &text[at..];
        let symbol = [
            ("---", "\u{2014}"),
            ("--", "\u{2013}"),
            ("...", "\u{2026}"),
            ("<< ", "\u{ab}\u{a0}"),
            (" >>", "\u{a0}\u{bb}"),
            ("<<", "\u{ab}"),
            (">>", "\u{bb}"),
        ]
        .into_iter()
        .find(|(written, _)| rest.starts_with(written));
        if let Some((written, replacement)) = symbol {
            out.push_str(replacement);
            at += written.len();
            free_from = at;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c != '"' && c != '\'' {
            out.push(c);
            at += c.len_utf8();
            continue;
        }
        let before = (at > free_from)
            .then(|| text[..at].chars().next_back())
            .flatten();
        let after = &source[range.start + at + 1..];
        let (quotes, taken) = quote(c, before, after);
        out.push_str(&quotes);
        at += taken;
        free_from = at;
    }
    out
}

/// The curly quote(s) for the quote `quote`, with `before` the character before it (`None`
/// when there is none kramdown would look at) and `after` the source after it; and how many
/// bytes they replace. kramdown's rules, tried in its order.
fn quote(quote: char, before: Option<char>, after: &str) -> (String, usize) {
    let mut next = after.chars();
    let first = next.next();
    let second = next.next();
    let third = next.next();
    let left = if quote == '"' {
        LEFT_DOUBLE
    } else {
        LEFT_SINGLE
    };
    let right = if quote == '"' {
        RIGHT_DOUBLE
    } else {
        RIGHT_SINGLE
    };
    let space_or_none = before.is_none_or(is_space);
    // A quote before emphasis: `"*word*"`.
    if before.is_none()
        && first.is_some_and(|c| c == '_' || c == '*')
        && second.is_some_and(|c| !is_space(c))
    {
        return (left.into(), 1);
    }
    // A quote before punctuation that ends a word: `"word".` closes.
    if before.is_none()
        && first.is_some_and(is_punct)
        && !after[1..].starts_with("..")
        && second.is_none_or(|c| !is_word(c))
    {
        return (right.into(), 1);
    }
    // Both quotes opening: `"'word`, `'"word`.
    if space_or_none && quote == '"' && first == Some('\'') && second.is_some_and(is_word) {
        return (format!("{LEFT_DOUBLE}{LEFT_SINGLE}"), 2);
    }
    if space_or_none && quote == '\'' && first == Some('"') && second.is_some_and(is_word) {
        return (format!("{LEFT_SINGLE}{LEFT_DOUBLE}"), 2);
    }
    // A decade: `'90s`.
    if space_or_none
        && quote == '\''
        && first.is_some_and(|c| c.is_ascii_digit())
        && second.is_some_and(|c| c.is_ascii_digit())
        && third == Some('s')
    {
        return (RIGHT_SINGLE.into(), 1);
    }
    // After a space, before a word: opening.
    if before.is_some_and(is_space) && first.is_some_and(is_word) {
        return (left.into(), 1);
    }
    // After anything but a space or an opening bracket: closing.
    if before.is_some_and(|c| !matches!(c, ' ' | '\\' | '\t' | '\r' | '\n' | '[' | '{' | '(' | '-'))
    {
        return (right.into(), 1);
    }
    // At the start, before a space, a possessive `s` or the end of the line: closing.
    if before.is_none()
        && (first.is_none_or(is_space) || first == Some('s') && second.is_none_or(|c| !is_word(c)))
    {
        return (right.into(), 1);
    }
    (left.into(), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smart(text: &str) -> String {
        smarten_run(text, 0..text.len())
    }

    #[test]
    fn quotes_follow_kramdown() {
        assert_eq!(smart("\"mostly flat\" and 'x'"), "“mostly flat” and ‘x’");
        assert_eq!(smart("it's the '90s"), "it’s the ’90s");
        assert_eq!(smart("周五\"窄幅震荡\"，"), "周五”窄幅震荡”，");
        assert_eq!(smart("(\"quoted\")"), "(“quoted”)");
        assert_eq!(
            smart("a -- b --- c... << d >> <<e>>"),
            "a – b — c… «\u{a0}d\u{a0}» «e»"
        );
    }
}
