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

/// Parse one YAML document. An empty document is `Value::Null`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(value) => Ok(convert(value)),
        Err(error) => Err(convert_error(&error)),
    }
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

fn convert_error(error: &serde_yaml::Error) -> YamlError {
    let message = error.to_string();
    // serde_yaml appends " at line L column C" to messages that have a location.
    let bare = match message.find(" at line ") {
        Some(position) => message[..position].to_owned(),
        None => message.clone(),
    };
    let kind = if let Some(key) = bare
        .strip_prefix("duplicate entry with key ")
        .map(|key| key.trim_matches('"').to_owned())
    {
        YamlErrorKind::DuplicateKey(key)
    } else if bare.contains("recursion limit exceeded")
        || bare.contains("repetition limit exceeded")
    {
        YamlErrorKind::TooComplex
    } else {
        YamlErrorKind::Syntax
    };
    let offset = match kind {
        // serde_yaml places these at the start of the document; the caller finds the real place.
        YamlErrorKind::DuplicateKey(_) => None,
        _ => error.location().map(|location| location.index()),
    };
    YamlError {
        kind,
        message: bare,
        offset,
    }
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
}
