//! The one place that reads TOML front matter (the `+++` blocks Hugo and Zola write) with the
//! toml crate.
//!
//! It turns TOML text into the crate's own [`Value`], the top-level keys in document order with
//! the byte spans of key and value, and turns the crate's errors into [`TomlError`] with a span.
//! It does not know about posts, nor which keys Hugo or Zola give a meaning to (that is
//! `front_matter.rs`). TOML's datetimes have no counterpart in [`Value`]: they become strings
//! as TOML writes them (`2022-03-29T13:54:28+08:00`), which is also how the YAML side keeps
//! dates.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use super::yaml::Value;

/// One top-level key of a TOML document.
#[derive(Clone, Debug, PartialEq)]
pub struct TomlEntry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Value,
    pub value_span: Range<usize>,
}

/// A TOML error, with the span (in the TOML text) where the parser stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TomlError {
    pub message: String,
    pub span: Option<Range<usize>>,
    /// The key, when the error is a key defined twice.
    pub duplicate_key: Option<String>,
}

/// Parse a TOML document into its top-level keys, in order. An empty document has none.
pub fn parse(text: &str) -> Result<Vec<TomlEntry>, TomlError> {
    match ::toml::from_str::<Ordered>(text) {
        Ok(Ordered(entries)) => Ok(entries
            .into_iter()
            .map(|(key, value)| TomlEntry {
                key_span: key.span(),
                value_span: value.span(),
                key: key.into_inner(),
                value: convert(value.into_inner()),
            })
            .collect()),
        Err(error) => {
            let message = error.message().trim().to_owned();
            // "duplicate key `title` in document root"
            let duplicate_key = message
                .strip_prefix("duplicate key `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(key, _)| key.to_owned());
            Err(TomlError {
                message,
                span: error.span(),
                duplicate_key,
            })
        }
    }
}

type SpannedPair = (::toml::Spanned<String>, ::toml::Spanned<::toml::Value>);

/// The top-level table with its keys in document order and their spans.
struct Ordered(Vec<SpannedPair>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a TOML table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor)
    }
}

fn convert(value: ::toml::Value) -> Value {
    match value {
        ::toml::Value::String(text) => Value::String(text),
        ::toml::Value::Integer(number) => Value::Integer(number),
        ::toml::Value::Float(number) => Value::Float(number),
        ::toml::Value::Boolean(flag) => Value::Bool(flag),
        ::toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        ::toml::Value::Array(items) => Value::Sequence(items.into_iter().map(convert).collect()),
        ::toml::Value::Table(table) => Value::Mapping(
            table
                .into_iter()
                .map(|(key, value)| (Value::String(key), convert(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_order_and_spans() {
        let text = "title = \"新闻\"\ndate = 2022-03-29T13:54:28+08:00\n\n[params]\nz = 1\na = [true, 1.5]\n";
        let entries = parse(text).unwrap();
        let keys: Vec<_> = entries.iter().map(|entry| entry.key.as_str()).collect();
        assert_eq!(keys, ["title", "date", "params"]);
        assert_eq!(&text[entries[0].key_span.clone()], "title");
        assert_eq!(&text[entries[0].value_span.clone()], "\"新闻\"");
        assert_eq!(
            entries[1].value,
            Value::String("2022-03-29T13:54:28+08:00".into())
        );
        let Value::Mapping(params) = &entries[2].value else {
            panic!("{:?}", entries[2].value)
        };
        assert_eq!(params[0].0, Value::String("z".into()));
        assert_eq!(
            params[1].1,
            Value::Sequence(vec![Value::Bool(true), Value::Float(1.5)])
        );
    }

    #[test]
    fn errors_have_a_span() {
        let error = parse("title = \"unclosed\n").unwrap_err();
        assert!(error.span.is_some());
        let error = parse("title = \"a\"\ntitle = \"b\"\n").unwrap_err();
        assert_eq!(error.duplicate_key.as_deref(), Some("title"));
    }

    #[test]
    fn an_empty_document_has_no_keys() {
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("\n# comment\n").unwrap(), vec![]);
    }
}
