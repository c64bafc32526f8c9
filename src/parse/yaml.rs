//! The one place that talks to serde_yaml (frozen upstream; a maintained fork may replace it).
//!
//! It turns YAML text into the crate's own [`Value`], which keeps mapping order, and turns
//! serde_yaml's errors into [`YamlError`] with a byte offset into the YAML text. It does not
//! know about front matter or posts.

use std::fmt;

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
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let within = text[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len() - line_start, |(position, _)| position);
    Some(line_start + within)
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
}
