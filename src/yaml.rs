//! The one place that talks to serde_yaml (frozen upstream; a maintained fork may replace it).
//!
//! It turns YAML text into the crate's own [`Value`], which keeps mapping order, and turns
//! serde_yaml's errors into [`YamlError`] with a byte offset into the YAML text. It does not
//! know about front matter or posts.

use std::fmt;

use std::ops::Range;

use crate::text::{LineIndex, Lines};

/// A YAML value, in document order. This is the crate's own type so that the rest of the
/// crate, and later the exports, do not depend on the YAML library.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Integer(i64),
    /// Integers that do not fit in `i64`, and floats.
    Float(f64),
    String(String),
    Sequence(Vec<Value>),
    Mapping(Vec<(Value, Value)>),
    /// A value with an explicit tag such as `!ruby/object`.
    Tagged(String, Box<Value>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The scalar as text, the way Jekyll would print it (`2022`, `true`, `1.5`).
    pub fn to_scalar_string(&self) -> Option<String> {
        match self {
            Value::String(text) => Some(text.clone()),
            Value::Integer(number) => Some(number.to_string()),
            Value::Float(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(_) | Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
            Value::Tagged(..) => "a tagged value",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YamlErrorKind {
    Syntax,
    /// A mapping has the same key twice; the key as written.
    DuplicateKey(String),
    /// Nesting too deep or aliases expanding too far (an alias bomb).
    TooComplex,
}

/// A YAML error with the byte offset, in the YAML text, where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub offset: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How deep serde_yaml lets collections nest before it gives up with "recursion limit
/// exceeded" (at the opening bracket of the 128th level).
const RECURSION_LIMIT: usize = 128;

/// Flow collections (`[[[[…`) nested this deep are refused before serde_yaml sees them: the
/// libyaml scanner beneath it takes time quadratic in that depth before the recursion limit
/// stops it (80,000 levels, 160 KB, took a minute). Brackets in quoted strings and comments
/// are counted too, which can only overstate the depth, hence the margin above the limit.
const FLOW_DEPTH_REFUSED: usize = 1_000;

/// Parse one YAML document. An empty document is `Value::Null`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if let Some(error) = too_deep(text) {
        return Err(error);
    }
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(value) => Ok(convert(value)),
        Err(error) => Err(convert_error(&error, text)),
    }
}

/// The error serde_yaml would give for flow collections nested past [`FLOW_DEPTH_REFUSED`],
/// placed where it would place it.
fn too_deep(text: &str) -> Option<YamlError> {
    let mut depth = 0usize;
    let mut first_past_limit = None;
    for (offset, byte) in text.bytes().enumerate() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                if depth == RECURSION_LIMIT && first_past_limit.is_none() {
                    first_past_limit = Some(offset);
                }
                if depth > FLOW_DEPTH_REFUSED {
                    return Some(YamlError {
                        kind: YamlErrorKind::TooComplex,
                        message: "recursion limit exceeded".to_owned(),
                        offset: first_past_limit,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn convert(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(flag) => Value::Bool(flag),
        serde_yaml::Value::Number(number) => match number.as_i64() {
            Some(integer) => Value::Integer(integer),
            None => Value::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        serde_yaml::Value::String(text) => Value::String(text),
        serde_yaml::Value::Sequence(items) => {
            Value::Sequence(items.into_iter().map(convert).collect())
        }
        serde_yaml::Value::Mapping(mapping) => Value::Mapping(
            mapping
                .into_iter()
                .map(|(key, value)| (convert(key), convert(value)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => {
            let tagged = *tagged;
            Value::Tagged(tagged.tag.to_string(), Box::new(convert(tagged.value)))
        }
    }
}

fn convert_error(error: &serde_yaml::Error, text: &str) -> YamlError {
    let message = error.to_string();
    // serde_yaml writes "<problem> at line L column C", then for some errors ", while <context>
    // at line L column C" naming the construct that was being read (an unclosed quote, say).
    let (problem, context) = match message.split_once(", while ") {
        Some((problem, context)) => (problem, Some(context)),
        None => (message.as_str(), None),
    };
    let bare = without_location(problem);
    // A duplicate in a nested mapping is prefixed with its path: `author: duplicate entry ...`.
    let kind = if let Some(key) = bare
        .find("duplicate entry with key ")
        .map(|position| bare[position + "duplicate entry with key ".len()..].trim_matches('"'))
    {
        YamlErrorKind::DuplicateKey(key.to_owned())
    } else if bare.contains("recursion limit exceeded")
        || bare.contains("repetition limit exceeded")
    {
        YamlErrorKind::TooComplex
    } else {
        YamlErrorKind::Syntax
    };
    let mut offset = match kind {
        // serde_yaml places these at the start of the document; the caller finds the real place.
        YamlErrorKind::DuplicateKey(_) => None,
        _ => error.location().map(|location| location.index()),
    };
    let message = match context {
        Some(context) => {
            // At the end of the text there is nothing to point at: the start of the unfinished
            // construct is where the fix goes.
            let at_end = offset.is_some_and(|offset| offset >= text.trim_end().len());
            if at_end {
                offset = mark_offset(context, text).or(offset);
            }
            format!("{bare} while {}", without_location(context))
        }
        None => bare.to_owned(),
    };
    YamlError {
        kind,
        message,
        offset,
    }
}

fn without_location(message: &str) -> &str {
    match message.find(" at line ") {
        Some(position) => &message[..position],
        None => message,
    }
}

/// The byte offset of the "at line L column C" (1-based, columns in characters) in `message`.
fn mark_offset(message: &str, text: &str) -> Option<usize> {
    let mark = &message[message.find(" at line ")? + " at line ".len()..];
    let (line, column) = mark.split_once(" column ")?;
    let line: usize = line.trim().parse().ok()?;
    let column: usize = column.trim().parse().ok()?;
    LineIndex::new(text).offset(text, line, column)
}

/// `key:` or `"key":` at the start of a line: the key, its span, and where the value begins.
pub(crate) fn split_key(content: &str) -> Option<(&str, Range<usize>, usize)> {
    if let Some(quote) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = content[1..].find(quote)? + 1;
        let after = content[end + 1..].trim_start();
        if !after.starts_with(':') {
            return None;
        }
        let colon = content.len() - after.len();
        return Some((&content[1..end], 1..end, colon + 1));
    }
    let colon = content
        .match_indices(':')
        .find(|(position, _)| {
            content[position + 1..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t')
        })?
        .0;
    let key = content[..colon].trim_end();
    Some((key, 0..key.len(), colon + 1))
}

/// The second `key:` at the same indentation as the first: where serde_yaml saw a duplicate.
pub(crate) fn duplicate_key_span(yaml_text: &str, key: &str) -> Option<Range<usize>> {
    let mut seen: Vec<usize> = Vec::new();
    for line in Lines::new(yaml_text) {
        let trimmed = line.content.trim_start_matches([' ', '-']);
        let indentation = line.content.len() - trimmed.len();
        let Some((found, key_span, _)) = split_key(trimmed) else {
            continue;
        };
        if found != key {
            continue;
        }
        if seen.contains(&indentation) {
            let start = line.start + indentation + key_span.start;
            return Some(start..start + key.len());
        }
        seen.push(indentation);
    }
    None
}

/// Write one top-level `key: value` of a block mapping, ending with a newline, so that a YAML
/// parser reads `value` back with its type: this crate's (serde_yaml) and Jekyll's (Psych, YAML
/// 1.1, where `yes`, `1:30` and `1,000` are not strings). Strings are quoted only when they
/// must be, in double quotes; collections are written in block style, two spaces deeper.
///
/// `keep_plain`: the string was written unquoted in the input (or is a date, which Jekyll
/// writes unquoted: `2022-03-29 13:54:28 +0800`). It is written unquoted again whenever YAML's
/// syntax allows, whatever YAML 1.1 makes of it, so that Jekyll reads it as it did (`yes` a
/// boolean, a date a time). Otherwise a string YAML 1.1 would read as something else is quoted,
/// so that it stays a string.
pub fn write_entry(out: &mut String, key: &str, value: &Value, keep_plain: bool) {
    write_mapping_entry(out, 0, &Value::String(key.to_owned()), value, keep_plain);
}

fn write_mapping_entry(
    out: &mut String,
    indent: usize,
    key: &Value,
    value: &Value,
    keep_plain: bool,
) {
    push_indent(out, indent);
    write_key(out, key);
    out.push(':');
    write_node(out, indent, value, keep_plain, true);
}

/// The rest of a line after `key:` or `-`, and the lines of a collection below it.
fn write_node(out: &mut String, indent: usize, value: &Value, keep_plain: bool, in_mapping: bool) {
    match value {
        Value::Sequence(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                write_sequence_item(out, indent + 2, item);
            }
        }
        Value::Mapping(entries) if !entries.is_empty() => {
            out.push('\n');
            for (key, value) in entries {
                write_mapping_entry(out, indent + 2, key, value, false);
            }
        }
        Value::Tagged(tag, inner) => {
            out.push(' ');
            if !tag.starts_with('!') {
                out.push('!');
            }
            out.push_str(tag);
            match &**inner {
                Value::Null => out.push_str(" null\n"),
                inner => write_node(out, indent, inner, false, in_mapping),
            }
        }
        Value::Null if in_mapping => out.push('\n'),
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, keep_plain);
            out.push('\n');
        }
    }
}

fn write_sequence_item(out: &mut String, indent: usize, item: &Value) {
    match item {
        // `- a: 1` / `- - a`: the collection's first line shares the dash's line.
        Value::Sequence(items) if !items.is_empty() => {
            let start = out.len();
            for nested in items {
                write_sequence_item(out, indent + 2, nested);
            }
            put_dash(out, start, indent);
        }
        Value::Mapping(entries) if !entries.is_empty() => {
            let start = out.len();
            for (key, value) in entries {
                write_mapping_entry(out, indent + 2, key, value, false);
            }
            put_dash(out, start, indent);
        }
        item => {
            push_indent(out, indent);
            out.push('-');
            write_node(out, indent, item, false, false);
        }
    }
}

/// Replace the indentation of the line starting at `start` (`indent + 2` spaces) by a dash.
fn put_dash(out: &mut String, start: usize, indent: usize) {
    out.replace_range(start + indent..start + indent + 2, "- ");
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn write_key(out: &mut String, key: &Value) {
    match key {
        Value::String(text) => write_string(out, text, false),
        Value::Null => out.push('~'),
        Value::Bool(_) | Value::Integer(_) | Value::Float(_) => write_scalar(out, key, false),
        // A collection as a key: kept as its text, quoted.
        other => write_quoted(out, &format!("{other:?}")),
    }
}

fn write_scalar(out: &mut String, value: &Value, keep_plain: bool) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Integer(number) => out.push_str(&number.to_string()),
        Value::Float(number) => out.push_str(&float_text(*number)),
        Value::String(text) => write_string(out, text, keep_plain),
        Value::Sequence(_) => out.push_str("[]"),
        Value::Mapping(_) => out.push_str("{}"),
        Value::Tagged(_, inner) => write_scalar(out, inner, keep_plain),
    }
}

/// A float as YAML 1.1 reads one: with a dot, and a signed exponent (`1.0e+300`).
fn float_text(number: f64) -> String {
    if number.is_nan() {
        return ".nan".to_owned();
    }
    if number.is_infinite() {
        return if number > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let text = format!("{number:?}");
    let (mantissa, exponent) = match text.split_once('e') {
        Some((mantissa, exponent)) => (mantissa.to_owned(), Some(exponent.to_owned())),
        None => (text, None),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa
    } else {
        format!("{mantissa}.0")
    };
    match exponent {
        Some(exponent) if exponent.starts_with('-') => format!("{mantissa}e{exponent}"),
        Some(exponent) => format!("{mantissa}e+{exponent}"),
        None => mantissa,
    }
}

fn write_string(out: &mut String, text: &str, keep_plain: bool) {
    if is_plain_safe(text, keep_plain) {
        out.push_str(text);
    } else {
        write_quoted(out, text);
    }
}

/// A double-quoted scalar: `\` and `"` escaped, and every character YAML does not print.
fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || (0x7F..=0x9F).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// True when `text`, written without quotes after `key: `, reads back as this very string in
/// YAML 1.1 and 1.2 alike (or, with `keep_plain`, as the same plain scalar).
fn is_plain_safe(text: &str, keep_plain: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let last = text.chars().next_back().unwrap_or(first);
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first == ' ' || last == ' ' || last == ':' {
        return false;
    }
    if text.contains(": ") || text.contains(" #") {
        return false;
    }
    let printable = |c: char| {
        !(c.is_control()
            || matches!(
                c,
                '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
            ))
    };
    if !text.chars().all(printable) {
        return false;
    }
    if keep_plain {
        return reads_back(text);
    }
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "=",
    ];
    if WORDS.contains(&text.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Numbers in any of YAML's spellings: `12`, `-1.5`, `0x1F`, `0o17`, `1_000`, `1,000`,
    // `1:30` (sexagesimal), `.5`, `.inf`: a sign, a digit or a dot, then only such characters.
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let starts_numeric = unsigned
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.');
    if starts_numeric
        && unsigned
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.,:+-".contains(c))
    {
        return false;
    }
    !looks_like_date(text) && reads_back(text)
}

/// The last word: serde_yaml reads `text`, unquoted, as this very string.
fn reads_back(text: &str) -> bool {
    matches!(
        serde_yaml::from_str::<serde_yaml::Value>(&format!("k: {text}")),
        Ok(serde_yaml::Value::Mapping(mapping))
            if mapping.get("k").and_then(serde_yaml::Value::as_str) == Some(text)
    )
}

/// `YYYY-M-D` at the start: YAML 1.1 reads a date or a time.
fn looks_like_date(text: &str) -> bool {
    let mut parts = text.splitn(3, '-');
    let (Some(year), Some(month), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let day: String = rest.chars().take_while(char::is_ascii_digit).collect();
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&month.len())
        && month.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&day.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_order_is_kept() {
        let value = parse("b: 1\na: two\nc: [x, y]\n").unwrap();
        let Value::Mapping(entries) = value else {
            panic!("expected a mapping")
        };
        let keys: Vec<_> = entries
            .iter()
            .map(|(key, _)| key.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }

    #[test]
    fn duplicate_keys_are_recognised() {
        let error = parse("title: a\ntitle: b\n").unwrap_err();
        assert_eq!(error.kind, YamlErrorKind::DuplicateKey("title".into()));
    }

    #[test]
    fn nested_duplicate_keys_are_recognised() {
        let error = parse("author:\n  name: a\n  name: b\n").unwrap_err();
        assert_eq!(error.kind, YamlErrorKind::DuplicateKey("name".into()));
    }

    #[test]
    fn an_unclosed_quote_is_placed_at_its_start() {
        let text = "layout: post\ntitle: \"油价回落\ndate: 2021-12-08\n";
        let error = parse(text).unwrap_err();
        assert_eq!(error.kind, YamlErrorKind::Syntax);
        assert_eq!(
            error.message,
            "found unexpected end of stream while scanning a quoted scalar"
        );
        assert_eq!(error.offset, text.find('"'));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let previous = format!("*a{}", level - 1);
            let items = vec![previous; 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let error = parse(&text).unwrap_err();
        assert_eq!(error.kind, YamlErrorKind::TooComplex);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let error = parse(&text).unwrap_err();
        assert_eq!(error.kind, YamlErrorKind::TooComplex);
    }

    #[test]
    fn very_deep_flow_nesting_is_refused_where_serde_yaml_would_refuse_it() {
        // Below the margin serde_yaml refuses it; far past it, the scan does, at the same place.
        for depth in [500, 100_000] {
            let text = format!("a: 1\nb: {}{}\n", "[".repeat(depth), "]".repeat(depth));
            let error = parse(&text).unwrap_err();
            assert_eq!(error.kind, YamlErrorKind::TooComplex, "depth {depth}");
            assert_eq!(error.message, "recursion limit exceeded", "depth {depth}");
            assert_eq!(error.offset, Some(8 + 127), "depth {depth}");
        }
        // Brackets that close again do not add up.
        let shallow = "[a]\n".repeat(2_000);
        assert!(too_deep(&format!("x: [{shallow}]")).is_none());
    }

    fn round_trip(value: &Value) -> Value {
        let mut out = String::new();
        write_entry(&mut out, "key", value, false);
        let Value::Mapping(mut entries) = parse(&out).unwrap_or_else(|error| {
            panic!("{out}\n{error}");
        }) else {
            panic!("{out}")
        };
        assert_eq!(entries.len(), 1, "{out}");
        entries.remove(0).1
    }

    #[test]
    fn written_values_read_back_with_their_types() {
        let string = |text: &str| Value::String(text.to_owned());
        let values = vec![
            Value::Null,
            Value::Bool(false),
            Value::Integer(-42),
            Value::Float(1.0),
            Value::Float(1e300),
            Value::Float(-2.5e-7),
            Value::Float(f64::INFINITY),
            string("两市早盘窄幅震荡，新能源板块午前走强"),
            string("Asian markets: close mixed"),
            string("yes"),
            string("No"),
            string("12:30"),
            string("1,000"),
            string("0x1F"),
            string("2022"),
            string("2022-03-29"),
            string("-202203301020000004"),
            string(" +0800"),
            string("a #b"),
            string("#tag"),
            string("line\nbreak\ttab \"quoted\" \\ back"),
            string("\u{FEFF}bom\u{2028}\u{85}\u{7}"),
            string(""),
            string("~"),
            Value::Sequence(vec![]),
            Value::Mapping(vec![]),
            Value::Sequence(vec![
                string("财经"),
                Value::Integer(1),
                Value::Null,
                Value::Sequence(vec![string("a"), string("b")]),
                Value::Mapping(vec![
                    (string("name"), string("示例")),
                    (string("links"), Value::Sequence(vec![string("x")])),
                ]),
            ]),
            Value::Mapping(vec![
                (string("z"), Value::Integer(1)),
                (Value::Integer(3), string("three")),
                (
                    string("a b"),
                    Value::Mapping(vec![(string("c"), Value::Null)]),
                ),
            ]),
            Value::Tagged("!ruby/object".into(), Box::new(string("x"))),
        ];
        for value in values {
            assert_eq!(round_trip(&value), value);
        }
    }

    #[test]
    fn strings_are_quoted_only_when_needed() {
        let written = |text: &str, keep_plain: bool| {
            let mut out = String::new();
            write_entry(&mut out, "title", &Value::String(text.into()), keep_plain);
            out
        };
        assert_eq!(
            written("央行开展逆回购操作", false),
            "title: 央行开展逆回购操作\n"
        );
        assert_eq!(
            written("Copper edges lower", false),
            "title: Copper edges lower\n"
        );
        assert_eq!(written("C++ (语言)", false), "title: C++ (语言)\n");
        assert_eq!(written("yes", false), "title: \"yes\"\n");
        assert_eq!(written("两会: 前瞻", false), "title: \"两会: 前瞻\"\n");
        assert_eq!(
            written("2022-03-29 13:54:28 +0800", true),
            "title: 2022-03-29 13:54:28 +0800\n"
        );
        assert_eq!(
            written("2022-03-29 13:54:28 +0800", false),
            "title: \"2022-03-29 13:54:28 +0800\"\n"
        );
        // Written plain in the input: plain again, as Jekyll read it (a boolean, here).
        assert_eq!(written("yes", true), "title: yes\n");
        assert_eq!(written("两会: 前瞻", true), "title: \"两会: 前瞻\"\n");
    }
}
