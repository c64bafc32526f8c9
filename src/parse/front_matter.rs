//! Front matter: find the `---` block, parse its YAML, and type Jekyll's fields.
//!
//! Every problem is recorded as a [`ParseProblem`] with a span in the file; nothing here fails.
//! Spans of values are found by reading the block's lines (serde_yaml gives none), which is
//! exact for the block-style front matter posts use, and falls back to the key's line.
//!
//! A `+++` block is TOML front matter, as Hugo and Zola write it (and as the Markdown export
//! writes it for them): it is read into the same model. The user's own keys, which Hugo keeps
//! under `[params]` and Zola under `[extra]`, and Zola's `[taxonomies]`, are lifted to the top
//! level, where Jekyll keeps them; `draft` gives `published`. A lifted key already present at
//! the top level stays in its table. Spans of lifted keys are those of their table.

use std::collections::HashMap;
use std::ops::Range;

use super::date::PostDate;
use super::toml;
use super::yaml::{self, duplicate_key_span, split_key, Value, YamlErrorKind};
use crate::text::Lines;

/// Where the front matter block is in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatterBlock {
    /// From the opening `---` (or `+++`) to the end of the closing line.
    pub span: Range<usize>,
    /// The YAML (or TOML) between the delimiters.
    pub yaml_span: Range<usize>,
}

/// The language of a front matter block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FrontMatterFormat {
    /// `---` … `---`: Jekyll's (and the default when there is no block).
    #[default]
    Yaml,
    /// `+++` … `+++`: Hugo's and Zola's.
    Toml,
}

/// One top-level key of the front matter, in document order.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: Value,
    /// The key as written, in the file.
    pub key_span: Range<usize>,
    /// The value as written, in the file: the rest of the key's line, or the indented lines
    /// below it. Empty (at the end of the key's line) for an empty value.
    pub value_span: Range<usize>,
}

/// Jekyll's front matter, typed; every key (known or not) is also kept in `entries`, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    pub format: FrontMatterFormat,
    pub entries: Vec<Entry>,
    /// `None` when there is no `title` key; `Some("")` when it is empty or null.
    pub title: Option<String>,
    pub date: Option<PostDate>,
    /// `categories` (a list, or a string split on spaces) then `category`.
    pub categories: Vec<String>,
    /// `tags` (a list, or a string split on spaces) then `tag`.
    pub tags: Vec<String>,
    pub layout: Option<String>,
    pub permalink: Option<String>,
    pub author: Option<String>,
    pub published: Option<bool>,
    pub lang: Option<String>,
}

/// The keys this crate gives a type to; the others are kept as they are.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "categories",
    "category",
    "tags",
    "tag",
    "layout",
    "permalink",
    "author",
    "published",
    "lang",
];

/// Keys of TOML front matter that Hugo and Zola define and this crate reads into the typed
/// fields or writes from them (`draft` is `published` negated; `aliases` holds the old URLs).
pub const TOML_KNOWN_KEYS: &[&str] = &["draft", "aliases"];

impl FrontMatter {
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.key == key)
    }

    /// True for a key this crate types, or (in TOML front matter) one of [`TOML_KNOWN_KEYS`].
    pub fn is_known_key(&self, key: &str) -> bool {
        KNOWN_KEYS.contains(&key)
            || (self.format == FrontMatterFormat::Toml && TOML_KNOWN_KEYS.contains(&key))
    }

    /// Keys this crate does not type, in document order.
    pub fn unknown_entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|entry| !self.is_known_key(&entry.key))
    }

    /// The span of the `occurrence`-th (0-based) appearance of `item` among the values of
    /// `keys` (`tags` and `tag`, say), counted in document order as the typed lists are built;
    /// the first value's span when it cannot be found, `None` when no key is present.
    pub fn item_span(
        &self,
        text: &str,
        keys: &[&str],
        item: &str,
        occurrence: usize,
    ) -> Option<Range<usize>> {
        let entries: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|entry| keys.contains(&entry.key.as_str()))
            .collect();
        let mut found = entries.iter().flat_map(|entry| {
            let region = &text[entry.value_span.clone()];
            region
                .match_indices(item)
                .filter(move |(position, _)| {
                    // A whole item, not a piece of a longer one.
                    let before = region[..*position].chars().next_back();
                    let after = region[position + item.len()..].chars().next();
                    let boundary = |c: Option<char>| {
                        c.is_none_or(|c| {
                            c.is_whitespace() || matches!(c, ',' | '[' | ']' | '"' | '\'' | '-')
                        })
                    };
                    boundary(before) && boundary(after)
                })
                .map(move |(position, _)| entry.value_span.start + position)
        });
        match found.nth(occurrence) {
            Some(start) => Some(start..start + item.len()),
            None => entries.first().map(|entry| entry.value_span.clone()),
        }
    }
}

/// What went wrong while reading the front matter. Each kind is reported by one lint rule.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseProblem {
    /// The file does not start with `---`.
    MissingFrontMatter,
    /// Blank lines stand before the opening `---`: Jekyll then sees no front matter.
    /// The span is the opening `---`.
    NotAtTop {
        span: Range<usize>,
        blank_lines: usize,
    },
    /// An opening `---` without a closing one.
    Unterminated {
        span: Range<usize>,
    },
    InvalidYaml {
        span: Range<usize>,
        message: String,
    },
    /// Nesting too deep, or aliases expanding too far.
    TooComplex {
        span: Range<usize>,
        message: String,
    },
    NotAMapping {
        span: Range<usize>,
        found: &'static str,
    },
    DuplicateKey {
        span: Range<usize>,
        key: String,
    },
    /// A tab in the indentation of a front matter line (YAML forbids it).
    Tab {
        span: Range<usize>,
    },
    /// A known field with a value of the wrong type (`title: [a, b]`).
    WrongType {
        span: Range<usize>,
        key: String,
        expected: &'static str,
        found: &'static str,
    },
}

/// The outcome of reading front matter out of a whole file.
pub(crate) struct Split {
    pub block: Option<FrontMatterBlock>,
    pub front_matter: FrontMatter,
    pub body_start: usize,
    pub problems: Vec<ParseProblem>,
}

/// Find, parse and type the front matter of `text`.
pub(crate) fn split(text: &str) -> Split {
    let mut problems = Vec::new();
    let mut lines = Lines::new(text);

    // Jekyll wants `---` on the very first line; blank lines before it are a common mistake
    // in real archives, so they are read through and reported.
    let mut opening = None;
    let mut format = FrontMatterFormat::Yaml;
    for line in lines.by_ref() {
        if line.content.trim().is_empty() {
            continue;
        }
        match line.content.trim_end() {
            "---" => opening = Some(line),
            "+++" => {
                opening = Some(line);
                format = FrontMatterFormat::Toml;
            }
            _ => {}
        }
        break;
    }
    let Some(opening) = opening else {
        problems.push(ParseProblem::MissingFrontMatter);
        return Split {
            block: None,
            front_matter: FrontMatter::default(),
            body_start: 0,
            problems,
        };
    };
    if opening.start > 0 {
        problems.push(ParseProblem::NotAtTop {
            span: opening.start..opening.start + 3,
            blank_lines: text[..opening.start].matches('\n').count(),
        });
    }
    let yaml_start = opening.end;
    let closing = lines.find(|line| match format {
        FrontMatterFormat::Yaml => matches!(line.content.trim_end(), "---" | "..."),
        FrontMatterFormat::Toml => line.content.trim_end() == "+++",
    });
    let Some(closing) = closing else {
        problems.push(ParseProblem::Unterminated {
            span: opening.start..opening.start + 3,
        });
        return Split {
            block: None,
            front_matter: FrontMatter {
                format,
                ..FrontMatter::default()
            },
            body_start: opening.end,
            problems,
        };
    };
    let yaml_span = yaml_start..closing.start;
    let block = FrontMatterBlock {
        span: opening.start..closing.end,
        yaml_span: yaml_span.clone(),
    };
    let front_matter = match format {
        FrontMatterFormat::Yaml => read_yaml(text, yaml_span, &mut problems),
        FrontMatterFormat::Toml => read_toml(text, yaml_span, &mut problems),
    };
    Split {
        block: Some(block),
        front_matter,
        body_start: closing.end,
        problems,
    }
}

fn read_yaml(text: &str, yaml_span: Range<usize>, problems: &mut Vec<ParseProblem>) -> FrontMatter {
    let yaml_text = &text[yaml_span.clone()];
    let base = yaml_span.start;
    let tab_lines = find_tabs(yaml_text, base, problems);
    let value = match yaml::parse(yaml_text) {
        Ok(value) => value,
        Err(error) => {
            let at = error
                .offset
                .map_or(base, |offset| base + offset.min(yaml_text.len()));
            let span = at..next_char_boundary(text, at);
            match error.kind {
                YamlErrorKind::DuplicateKey(key) => {
                    let span = duplicate_key_span(yaml_text, &key)
                        .map(|range| base + range.start..base + range.end)
                        .unwrap_or(base..base);
                    problems.push(ParseProblem::DuplicateKey { span, key });
                }
                YamlErrorKind::TooComplex => problems.push(ParseProblem::TooComplex {
                    span,
                    message: error.message,
                }),
                YamlErrorKind::Syntax => {
                    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
                    // The tab is the cause; one diagnostic for it is enough.
                    if !tab_lines.contains(&line_start) {
                        problems.push(ParseProblem::InvalidYaml {
                            span,
                            message: error.message,
                        });
                    }
                }
            }
            return FrontMatter::default();
        }
    };
    let mapping = match value {
        Value::Mapping(mapping) => mapping,
        // An empty block is an empty mapping to Jekyll.
        Value::Null => Vec::new(),
        other => {
            let start = base + (yaml_text.len() - yaml_text.trim_start().len());
            problems.push(ParseProblem::NotAMapping {
                span: start..start + yaml_text.trim().len(),
                found: other.type_name(),
            });
            return FrontMatter::default();
        }
    };
    // The first line of each key, looked up by key: a linear scan per key would make a
    // front matter with 100,000 keys take minutes.
    let mut key_lines: HashMap<&str, KeyLine<'_>> = HashMap::new();
    for line in top_level_keys(yaml_text) {
        key_lines.entry(line.key).or_insert(line);
    }
    let mut front_matter = FrontMatter::default();
    for (key, value) in mapping {
        let key = key.to_scalar_string().unwrap_or_else(|| format!("{key:?}"));
        let (key_span, value_span) = key_lines
            .get(key.as_str())
            .map(|line| {
                (
                    base + line.key_span.start..base + line.key_span.end,
                    base + line.value_span.start..base + line.value_span.end,
                )
            })
            .unwrap_or((base..base, base..base));
        front_matter.entries.push(Entry {
            key,
            value,
            key_span,
            value_span,
        });
    }
    type_fields(&mut front_matter, problems);
    front_matter
}

/// The tables of TOML front matter whose keys are lifted to the top level.
const LIFTED_TABLES: &[&str] = &["params", "extra", "taxonomies"];

fn read_toml(text: &str, toml_span: Range<usize>, problems: &mut Vec<ParseProblem>) -> FrontMatter {
    let base = toml_span.start;
    let mut front_matter = FrontMatter {
        format: FrontMatterFormat::Toml,
        ..FrontMatter::default()
    };
    let entries = match toml::parse(&text[toml_span]) {
        Ok(entries) => entries,
        Err(error) => {
            let span = error
                .span
                .map_or(base..base, |span| base + span.start..base + span.end);
            problems.push(match error.duplicate_key {
                Some(key) => ParseProblem::DuplicateKey { span, key },
                None => ParseProblem::InvalidYaml {
                    span,
                    message: error.message,
                },
            });
            return front_matter;
        }
    };
    let top_level: Vec<&str> = entries
        .iter()
        .filter(|entry| !LIFTED_TABLES.contains(&entry.key.as_str()))
        .map(|entry| entry.key.as_str())
        .collect();
    let mut lifted: Vec<Entry> = Vec::new();
    for entry in &entries {
        let key_span = base + entry.key_span.start..base + entry.key_span.end;
        let value_span = base + entry.value_span.start..base + entry.value_span.end;
        match &entry.value {
            Value::Mapping(items) if LIFTED_TABLES.contains(&entry.key.as_str()) => {
                let mut kept = Vec::new();
                for (key, value) in items {
                    let key = key.to_scalar_string().unwrap_or_default();
                    let taken = top_level.contains(&key.as_str())
                        || lifted.iter().any(|entry| entry.key == key);
                    if taken {
                        kept.push((Value::String(key), value.clone()));
                    } else {
                        let (key_span, value_span) = table_key_spans(text, &value_span, &key)
                            .unwrap_or((key_span.clone(), value_span.clone()));
                        lifted.push(Entry {
                            key,
                            value: value.clone(),
                            key_span,
                            value_span,
                        });
                    }
                }
                if !kept.is_empty() {
                    lifted.push(Entry {
                        key: entry.key.clone(),
                        value: Value::Mapping(kept),
                        key_span,
                        value_span,
                    });
                }
            }
            value => lifted.push(Entry {
                key: entry.key.clone(),
                value: value.clone(),
                key_span,
                value_span,
            }),
        }
    }
    front_matter.entries = lifted;
    type_fields(&mut front_matter, problems);
    if front_matter.published.is_none() {
        if let Some(entry) = front_matter.entry("draft") {
            match entry.value {
                Value::Bool(draft) => front_matter.published = Some(!draft),
                _ => problems.push(ParseProblem::WrongType {
                    span: entry.value_span.clone(),
                    key: entry.key.clone(),
                    expected: "true or false",
                    found: found_type(&entry.value),
                }),
            }
        }
    }
    front_matter
}

/// The spans of `key = value` on its own line inside a `[table]` section at `table` (the value
/// to the end of its line, or to a comment after an unquoted value); `None` when the key is
/// not written that way (dotted, in an inline table).
fn table_key_spans(
    text: &str,
    table: &Range<usize>,
    key: &str,
) -> Option<(Range<usize>, Range<usize>)> {
    let region = text.get(table.clone())?;
    for line in Lines::new(region) {
        let content = line.content.trim_start();
        let indentation = line.content.len() - content.len();
        let split = if let Some(quoted) = content.strip_prefix('"') {
            quoted
                .find('"')
                .map(|end| (&quoted[..end], &quoted[end + 1..]))
        } else {
            content
                .find([' ', '\t', '='])
                .map(|end| (&content[..end], &content[end..]))
        };
        let Some((found, rest)) = split else {
            continue;
        };
        if found != key {
            continue;
        }
        let Some(after_equals) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = after_equals.trim();
        let value = if value.starts_with(['"', '\'']) {
            value
        } else {
            value.split(" #").next().unwrap_or(value).trim_end()
        };
        let key_start =
            table.start + line.start + indentation + usize::from(content.starts_with('"'));
        let value_start =
            table.start + line.start + (line.content.len() - after_equals.trim_start().len());
        return Some((
            key_start..key_start + key.len(),
            value_start..value_start + value.len(),
        ));
    }
    None
}

fn type_fields(front_matter: &mut FrontMatter, problems: &mut Vec<ParseProblem>) {
    let mut wrong = |entry: &Entry, expected: &'static str| {
        problems.push(ParseProblem::WrongType {
            span: entry.value_span.clone(),
            key: entry.key.clone(),
            expected,
            found: found_type(&entry.value),
        })
    };
    let entries = std::mem::take(&mut front_matter.entries);
    for entry in &entries {
        let scalar = || match &entry.value {
            Value::Null => Some(String::new()),
            value => value.to_scalar_string(),
        };
        match entry.key.as_str() {
            "title" => match scalar() {
                Some(title) => front_matter.title = Some(title),
                None => wrong(entry, "a string"),
            },
            "date" => match scalar() {
                Some(raw) => front_matter.date = Some(PostDate::parse(&raw)),
                None => wrong(entry, "a date"),
            },
            "categories" | "category" | "tags" | "tag" => {
                let list = if entry.key.starts_with("categor") {
                    &mut front_matter.categories
                } else {
                    &mut front_matter.tags
                };
                match &entry.value {
                    Value::Null => {}
                    Value::Sequence(items) => {
                        let mut all_scalars = true;
                        for item in items {
                            match item.to_scalar_string() {
                                Some(text) => list.push(text),
                                None => all_scalars = false,
                            }
                        }
                        // One problem per field, however many of its items are wrong.
                        if !all_scalars {
                            wrong(entry, "a list of strings");
                        }
                    }
                    // Jekyll splits a string on spaces for the plural keys only.
                    value => match value.to_scalar_string() {
                        Some(text) if entry.key.ends_with('s') => {
                            list.extend(text.split_whitespace().map(str::to_owned))
                        }
                        Some(text) => list.push(text),
                        None => wrong(entry, "a list or a string"),
                    },
                }
            }
            "layout" | "permalink" | "author" | "lang" => {
                let field = match entry.key.as_str() {
                    "layout" => &mut front_matter.layout,
                    "permalink" => &mut front_matter.permalink,
                    "author" => &mut front_matter.author,
                    _ => &mut front_matter.lang,
                };
                match &entry.value {
                    Value::Null => {}
                    // An author may be a mapping of details in some themes; kept in entries.
                    Value::Mapping(_) if entry.key == "author" => {}
                    value => match value.to_scalar_string() {
                        Some(text) => *field = Some(text),
                        None => wrong(entry, "a string"),
                    },
                }
            }
            "published" => match &entry.value {
                Value::Bool(flag) => front_matter.published = Some(*flag),
                Value::Null => {}
                _ => wrong(entry, "true or false"),
            },
            _ => {}
        }
    }
    front_matter.entries = entries;
}

/// The type of a value as a problem names it: a list of scalars is "a list", a list holding a
/// list or a mapping says so, since that is what is wrong with it.
fn found_type(value: &Value) -> &'static str {
    let Value::Sequence(items) = value else {
        return value.type_name();
    };
    match items.iter().find(|item| item.to_scalar_string().is_none()) {
        Some(Value::Sequence(_)) => "a list holding a list",
        Some(Value::Mapping(_)) => "a list holding a mapping",
        Some(Value::Null) => "a list holding an empty item",
        Some(Value::Tagged(..)) => "a list holding a tagged value",
        _ => "a list",
    }
}

/// Lines with a tab in their indentation; reported, and their start offsets returned.
fn find_tabs(yaml_text: &str, base: usize, problems: &mut Vec<ParseProblem>) -> Vec<usize> {
    let mut starts = Vec::new();
    for line in Lines::new(yaml_text) {
        let indentation = line.content.len() - line.content.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line.content[..indentation].find('\t') {
            let at = base + line.start + tab;
            problems.push(ParseProblem::Tab { span: at..at + 1 });
            starts.push(base + line.start);
        }
    }
    starts
}

struct KeyLine<'a> {
    key: &'a str,
    key_span: Range<usize>,
    value_span: Range<usize>,
}

/// Top-level `key: value` lines of a block mapping, with the span of each value (the rest of
/// the line, or the more-indented lines that follow).
fn top_level_keys(yaml_text: &str) -> Vec<KeyLine<'_>> {
    let mut keys: Vec<KeyLine<'_>> = Vec::new();
    for line in Lines::new(yaml_text) {
        let content = line.content;
        let continues = content.starts_with([' ', '\t', '-'])
            || content.trim().is_empty()
            || content.starts_with('#');
        if continues {
            if let Some(last) = keys.last_mut() {
                if !content.trim().is_empty() && !content.trim_start().starts_with('#') {
                    if last.value_span.is_empty() {
                        last.value_span.start =
                            line.start + (content.len() - content.trim_start().len());
                    }
                    last.value_span.end = line.start + content.trim_end().len();
                }
            }
            continue;
        }
        let Some((key, key_span, after_colon)) = split_key(content) else {
            continue;
        };
        let value = &content[after_colon..];
        let value_text = strip_comment(value);
        let leading = value_text.len() - value_text.trim_start().len();
        let value_start = line.start + after_colon + leading;
        keys.push(KeyLine {
            key,
            key_span: line.start + key_span.start..line.start + key_span.end,
            value_span: value_start..value_start + value_text.trim().len(),
        });
    }
    keys
}

fn strip_comment(value: &str) -> &str {
    // A `#` after whitespace starts a comment unless it is inside quotes; posts rarely quote
    // a `#`, so a quoted value is taken whole.
    let trimmed = value.trim_start();
    if trimmed.starts_with(['"', '\'']) {
        return value;
    }
    match value.match_indices(" #").next() {
        Some((position, _)) => &value[..position],
        None => value,
    }
}

fn next_char_boundary(text: &str, at: usize) -> usize {
    let mut end = (at + 1).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_before_the_block_are_read_and_reported() {
        let text = "\n---\ntitle: \"新闻\"\n---\n正文\n";
        let split = split(text);
        assert_eq!(split.front_matter.title.as_deref(), Some("新闻"));
        assert_eq!(
            split.problems,
            vec![ParseProblem::NotAtTop {
                span: 1..4,
                blank_lines: 1
            }]
        );
        assert_eq!(&text[split.body_start..], "正文\n");
    }

    #[test]
    fn categories_string_is_split_on_spaces() {
        let split = split("---\ncategories: emnews 财经\ntags:\n  - a\n  - b\n---\n");
        assert_eq!(split.front_matter.categories, ["emnews", "财经"]);
        assert_eq!(split.front_matter.tags, ["a", "b"]);
    }

    #[test]
    fn duplicate_key_points_at_the_second_key() {
        let text = "---\ntitle: a\ndate: 2021-01-01\ntitle: b\n---\n";
        let split = split(text);
        let ParseProblem::DuplicateKey { span, key } = &split.problems[0] else {
            panic!("{:?}", split.problems)
        };
        assert_eq!(key, "title");
        assert_eq!(span.start, text.rfind("title").unwrap());
    }

    #[test]
    fn item_spans_count_across_keys_in_document_order() {
        let text = "---\ntags: 财经\ntag: 财经\n---\n";
        let split = split(text);
        assert_eq!(split.front_matter.tags, ["财经", "财经"]);
        let second = split
            .front_matter
            .item_span(text, &["tags", "tag"], "财经", 1)
            .unwrap();
        assert_eq!(second.start, text.rfind("财经").unwrap());
    }

    #[test]
    fn value_spans_point_into_the_file() {
        let text = "---\ntitle: \"x\"\ndate:  +0800 # zone only\ntags:\n  - 一\n  - 二\n---\n";
        let split = split(text);
        let date = split.front_matter.entry("date").unwrap();
        assert_eq!(&text[date.value_span.clone()], "+0800");
        let tags = split.front_matter.entry("tags").unwrap();
        assert_eq!(&text[tags.value_span.clone()], "- 一\n  - 二");
        let second = split
            .front_matter
            .item_span(text, &["tags"], "二", 0)
            .unwrap();
        assert_eq!(&text[second], "二");
    }

    #[test]
    fn toml_front_matter_is_read_into_the_same_model() {
        let text = "+++\ntitle = \"新闻\"\ndate = 2022-03-29T13:54:28+08:00\ndraft = true\naliases = [\"/old.html\"]\n\n[taxonomies]\ncategories = [\"shichang\"]\ntags = [\"市场快讯\"]\n\n[extra]\nlayout = \"post\"\nsource_url = \"https://wire.example.com/1.html\"\ncount = 3\n+++\n正文\n";
        let split = split(text);
        assert_eq!(split.problems, vec![]);
        let front_matter = &split.front_matter;
        assert_eq!(front_matter.format, FrontMatterFormat::Toml);
        assert_eq!(front_matter.title.as_deref(), Some("新闻"));
        assert_eq!(
            front_matter.date.as_ref().unwrap().raw,
            "2022-03-29T13:54:28+08:00"
        );
        assert!(front_matter.date.as_ref().unwrap().parsed.is_ok());
        assert_eq!(front_matter.published, Some(false));
        assert_eq!(front_matter.categories, ["shichang"]);
        assert_eq!(front_matter.tags, ["市场快讯"]);
        assert_eq!(front_matter.layout.as_deref(), Some("post"));
        let unknown: Vec<_> = front_matter
            .unknown_entries()
            .map(|entry| entry.key.as_str())
            .collect();
        assert_eq!(unknown, ["source_url", "count"]);
        assert_eq!(&text[split.body_start..], "正文\n");
    }

    #[test]
    fn lifted_keys_have_their_own_spans() {
        let text = "+++\ntitle = \"a\"\n[params]\nupdated = 2022-01-05T10:00:00+08:00 # when\n\"a b\" = \"x\"\n+++\n";
        let split = split(text);
        let updated = split.front_matter.entry("updated").unwrap();
        assert_eq!(&text[updated.key_span.clone()], "updated");
        assert_eq!(
            &text[updated.value_span.clone()],
            "2022-01-05T10:00:00+08:00"
        );
        let spaced = split.front_matter.entry("a b").unwrap();
        assert_eq!(&text[spaced.key_span.clone()], "a b");
        assert_eq!(&text[spaced.value_span.clone()], "\"x\"");
    }

    #[test]
    fn a_lifted_key_already_at_the_top_stays_in_its_table() {
        let split = split("+++\ntitle = \"a\"\n[params]\ntitle = \"b\"\nx = 1\n+++\n");
        let keys: Vec<_> = split
            .front_matter
            .entries
            .iter()
            .map(|entry| entry.key.as_str())
            .collect();
        assert_eq!(keys, ["title", "x", "params"]);
        assert_eq!(split.front_matter.title.as_deref(), Some("a"));
    }

    #[test]
    fn broken_toml_is_reported_at_its_place() {
        let text = "+++\ntitle = \"a\ndate = 1\n+++\n";
        let split = split(text);
        assert_eq!(split.front_matter.format, FrontMatterFormat::Toml);
        let [ParseProblem::InvalidYaml { span, .. }] = &split.problems[..] else {
            panic!("{:?}", split.problems)
        };
        assert!(span.start >= 4 && span.end <= text.len() - 4, "{span:?}");
        let split = self::split("+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n");
        assert!(matches!(
            &split.problems[..],
            [ParseProblem::DuplicateKey { key, .. }] if key == "title"
        ));
        let split = self::split("+++\ntitle = \"a\"\n");
        assert!(matches!(
            &split.problems[..],
            [ParseProblem::Unterminated { .. }]
        ));
    }
}
