//! The front matter of an exported post: YAML for Jekyll, TOML for Hugo and Zola (see the
//! module above for what each keeps and adds).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeZone, Timelike};
use serde::Serialize;

use super::old_urls::old_urls;
use super::{ORIGINAL_DATE_KEY, ORIGINAL_FRONT_MATTER_KEY, ORIGINAL_TITLE_KEY, SOURCE_URL_KEY};
use crate::export::{ExportError, ExportPost, Layout};
use crate::parse::{yaml, Entry, FrontMatterFormat, ParseProblem, PostDate, Value};
use crate::source::Site;

/// What the front matter writers need to know about a post besides its entries.
pub(super) struct Facts<'a> {
    /// The title was missing, empty or not a string: the export's title replaces it.
    title_replaced: bool,
    /// The `date` entry is broken (not a string, or not a date).
    date_broken: bool,
    date: Option<WrittenDate>,
    /// The block as text, when the parser refused it.
    broken_block: Option<&'a str>,
    source_url: Option<&'a str>,
    /// Jekyll layout: the post's old URL, written as its `permalink` because the exported
    /// site's settings would give it another one.
    pub(super) permalink: Option<String>,
    /// Hugo and Zola: the URL the post surely has there; an old URL equal to it is no alias.
    pub(super) page_url: Option<String>,
}

/// How the date is written.
enum WrittenDate {
    /// As the input wrote it (it has a zone).
    Raw(String, DateTime<FixedOffset>),
    /// The instant, with its offset.
    Instant(DateTime<FixedOffset>),
    /// A wall-clock time with no zone known anywhere (the export took it as UTC; so will the
    /// reader of the output).
    Local(NaiveDateTime, bool),
}

impl<'a> Facts<'a> {
    pub(super) fn of(post: &'a ExportPost, site: Option<&Site>) -> Facts<'a> {
        let front_matter = &post.post.front_matter;
        let title_entry = front_matter.entry("title");
        let title_replaced = title_entry.is_some()
            && front_matter
                .title
                .as_deref()
                .is_none_or(|title| title.trim().is_empty());
        let date_entry = front_matter.entry("date");
        let parsed = front_matter
            .date
            .as_ref()
            .and_then(|date| date.parsed.clone().ok());
        let date_broken = date_entry.is_some() && parsed.is_none();
        let zone_known = site.is_some_and(|site| site.timezone.is_some());
        // The date as written when it is the instant Jekyll uses (it is not when Jekyll does
        // not see the front matter, or reads an unquoted date as UTC).
        let date = post.date.map(|instant| match parsed {
            Some(value) if value.offset.is_some() && value.resolve(None) == Some(instant) => {
                WrittenDate::Raw(
                    front_matter
                        .date
                        .as_ref()
                        .map_or_else(String::new, |date| date.raw.trim().to_owned()),
                    instant,
                )
            }
            Some(value) if !zone_known && instant.naive_utc() == value.local => {
                WrittenDate::Local(value.local, value.has_time)
            }
            _ if zone_known => WrittenDate::Instant(instant),
            _ => WrittenDate::Local(
                instant.naive_local(),
                instant.time() != chrono::NaiveTime::MIN,
            ),
        });
        let refused = post.post.problems.iter().any(|problem| {
            matches!(
                problem,
                ParseProblem::InvalidYaml { .. }
                    | ParseProblem::TooComplex { .. }
                    | ParseProblem::DuplicateKey { .. }
                    | ParseProblem::NotAMapping { .. }
            )
        });
        let broken_block = post
            .post
            .block
            .as_ref()
            .filter(|_| refused && front_matter.entries.is_empty())
            .map(|block| &post.post.text()[block.yaml_span.clone()]);
        let source_url = post
            .body
            .source()
            .map(|link| link.url.as_str())
            .filter(|url| !url.is_empty());
        Facts {
            title_replaced,
            date_broken,
            date,
            broken_block,
            source_url,
            permalink: None,
            page_url: None,
        }
    }
}

/// The value is a string the input wrote as a plain scalar (unquoted, on the key's line): YAML
/// 1.1 may read it as something else (`yes`, a date), and Jekyll did; it stays plain.
fn written_plain(entry: &Entry, text: &str) -> bool {
    matches!(&entry.value, Value::String(value)
        if text.get(entry.value_span.clone()) == Some(value.as_str()))
}

/// `key`, or `key_2`, `key_3`… if the post already has it.
fn free_key(key: &str, taken: &dyn Fn(&str) -> bool) -> String {
    if !taken(key) {
        return key.to_owned();
    }
    (2..)
        .map(|counter| format!("{key}_{counter}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| key.to_owned())
}

pub(super) fn yaml_front_matter(post: &ExportPost, facts: &Facts<'_>) -> String {
    let front_matter = &post.post.front_matter;
    let text = post.post.text();
    let taken = |key: &str| front_matter.entry(key).is_some();
    let mut out = String::from("---\n");
    let date_text = facts.date.as_ref().map(|date| match date {
        WrittenDate::Raw(raw, _) => raw.clone(),
        WrittenDate::Instant(instant) => instant.format("%Y-%m-%d %H:%M:%S %z").to_string(),
        WrittenDate::Local(local, true) => local.format("%Y-%m-%d %H:%M:%S").to_string(),
        WrittenDate::Local(local, false) => local.format("%Y-%m-%d").to_string(),
    });
    let write_date = |out: &mut String| {
        if let Some(date) = &date_text {
            yaml::write_entry(out, "date", &Value::String(date.clone()), true);
        }
    };
    // A date that is missing goes right after the title.
    let date_missing = front_matter.entry("date").is_none();
    if front_matter.entry("title").is_none() {
        yaml::write_entry(&mut out, "title", &Value::String(post.title.clone()), false);
        if date_missing {
            write_date(&mut out);
        }
    }
    // Categories Jekyll gave the post beside its front matter's (folders above `_posts`,
    // `defaults:`) are written with them: the export has no such folders.
    let categories_added = post.categories != front_matter.categories;
    let categories = Value::Sequence(post.categories.iter().cloned().map(Value::String).collect());
    let mut categories_written = false;
    for entry in &front_matter.entries {
        match entry.key.as_str() {
            "categories" | "category" if categories_added => {
                if !categories_written {
                    yaml::write_entry(&mut out, "categories", &categories, false);
                    categories_written = true;
                }
            }
            "title" => {
                if facts.title_replaced {
                    let title = Value::String(post.title.clone());
                    yaml::write_entry(&mut out, "title", &title, false);
                    let key = free_key(ORIGINAL_TITLE_KEY, &taken);
                    yaml::write_entry(&mut out, &key, &entry.value, false);
                } else if matches!(&entry.value, Value::String(raw) if raw.trim() != post.title) {
                    // Its character references, as the characters every export writes.
                    let title = Value::String(post.title.clone());
                    yaml::write_entry(&mut out, "title", &title, false);
                } else {
                    yaml::write_entry(&mut out, "title", &entry.value, written_plain(entry, text));
                }
                if date_missing {
                    write_date(&mut out);
                }
            }
            "date" => {
                write_date(&mut out);
                if facts.date_broken {
                    let key = free_key(ORIGINAL_DATE_KEY, &taken);
                    yaml::write_entry(&mut out, &key, &entry.value, false);
                }
            }
            // A Hugo or Zola post's `draft` is Jekyll's `published`, negated.
            "draft"
                if front_matter.format == FrontMatterFormat::Toml
                    && front_matter.entry("published").is_none()
                    && front_matter.published.is_some() =>
            {
                let published = Value::Bool(front_matter.published.unwrap_or(true));
                yaml::write_entry(&mut out, "published", &published, false);
            }
            "permalink" if facts.permalink.is_some() => {
                let permalink = Value::String(facts.permalink.clone().unwrap_or_default());
                yaml::write_entry(&mut out, "permalink", &permalink, false);
            }
            key => yaml::write_entry(&mut out, key, &entry.value, written_plain(entry, text)),
        }
    }
    if categories_added && !categories_written && !post.categories.is_empty() {
        yaml::write_entry(&mut out, "categories", &categories, false);
    }
    if let Some(permalink) = facts.permalink.as_ref().filter(|_| !taken("permalink")) {
        let permalink = Value::String(permalink.clone());
        yaml::write_entry(&mut out, "permalink", &permalink, false);
    }
    if let Some(block) = facts.broken_block {
        let key = free_key(ORIGINAL_FRONT_MATTER_KEY, &taken);
        yaml::write_entry(&mut out, &key, &Value::String(block.to_owned()), false);
    }
    if let Some(url) = facts.source_url.filter(|_| !taken(SOURCE_URL_KEY)) {
        yaml::write_entry(
            &mut out,
            SOURCE_URL_KEY,
            &Value::String(url.to_owned()),
            false,
        );
    }
    out.push_str("---\n");
    out
}

pub(super) fn toml_front_matter(
    post: &ExportPost,
    facts: &Facts<'_>,
    layout: Layout,
) -> Result<String, ExportError> {
    let front_matter = &post.post.front_matter;
    let from_toml = front_matter.format == FrontMatterFormat::Toml;
    let taken = |key: &str| front_matter.entry(key).is_some();
    let mut top: Vec<(String, toml::Value)> = Vec::new();
    let mut taxonomies: Vec<(String, toml::Value)> = Vec::new();
    let mut extra: Vec<(String, toml::Value)> = Vec::new();
    let push = |list: &mut Vec<(String, toml::Value)>, key: &str, value: &Value| {
        if let Some(value) = to_toml(value) {
            list.push((key.to_owned(), value));
        }
    };
    let date = facts.date.as_ref().map(toml_datetime);
    let strings = |items: &[String]| {
        toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect())
    };
    let mut categories_done = false;
    let mut tags_done = false;
    // A date that is missing goes right after the title.
    let missing_date = date
        .clone()
        .filter(|_| front_matter.entry("date").is_none());
    if front_matter.entry("title").is_none() {
        top.push(("title".into(), toml::Value::String(post.title.clone())));
        if let Some(date) = &missing_date {
            top.push(("date".into(), date.clone()));
        }
    }
    for entry in &front_matter.entries {
        let key = entry.key.as_str();
        match key {
            "title" => {
                top.push(("title".into(), toml::Value::String(post.title.clone())));
                if facts.title_replaced {
                    push(
                        &mut extra,
                        &free_key(ORIGINAL_TITLE_KEY, &taken),
                        &entry.value,
                    );
                }
                if let Some(date) = &missing_date {
                    top.push(("date".into(), date.clone()));
                }
            }
            "date" => {
                if let Some(date) = &date {
                    top.push(("date".into(), date.clone()));
                }
                if facts.date_broken {
                    push(
                        &mut extra,
                        &free_key(ORIGINAL_DATE_KEY, &taken),
                        &entry.value,
                    );
                }
            }
            "categories" | "category" | "tags" | "tag" => {
                let is_categories = key.starts_with("categor");
                let (done, items, name) = if is_categories {
                    (&mut categories_done, &post.categories, "categories")
                } else {
                    (&mut tags_done, &front_matter.tags, "tags")
                };
                if !*done && !items.is_empty() {
                    let list = if layout == Layout::Zola {
                        &mut taxonomies
                    } else {
                        &mut top
                    };
                    list.push((name.to_owned(), strings(items)));
                }
                *done = true;
            }
            "published" => match front_matter.published {
                Some(published) => top.push(("draft".into(), toml::Value::Boolean(!published))),
                None => push(&mut extra, key, &entry.value),
            },
            "draft" | "aliases" if from_toml => {
                if key == "draft" && front_matter.entry("published").is_none() {
                    if let Some(published) = front_matter.published {
                        top.push(("draft".into(), toml::Value::Boolean(!published)));
                    } else {
                        push(&mut extra, key, &entry.value);
                    }
                }
            }
            "description" if matches!(entry.value, Value::String(_)) => {
                push(&mut top, key, &entry.value)
            }
            _ => match yaml_timestamp(entry, post.post.text()) {
                // A date Jekyll reads as a date stays one.
                Some(date) => extra.push((key.to_owned(), toml_datetime(&date))),
                None => push(&mut extra, key, &entry.value),
            },
        }
    }
    // Categories Jekyll gave the post without its front matter (folders above `_posts`,
    // `defaults:`).
    if !categories_done && !post.categories.is_empty() {
        let list = if layout == Layout::Zola {
            &mut taxonomies
        } else {
            &mut top
        };
        list.push(("categories".to_owned(), strings(&post.categories)));
    }
    // A post Jekyll would not build (unpublished, a draft, a file Jekyll does not read, such
    // as one with no date at all), exported with `--include`, and any post without a date (a
    // loose file), is a draft for Hugo and Zola too, rather than a page dated 0001-01-01.
    let drafted = post.date.is_none()
        || matches!(
            post.status,
            crate::jekyll::Status::Unpublished | crate::jekyll::Status::Draft
        );
    if drafted && !top.iter().any(|(key, _)| key == "draft") {
        top.push(("draft".into(), toml::Value::Boolean(true)));
    }
    let mut aliases = old_urls(post);
    aliases.retain(|alias| Some(alias) != facts.page_url.as_ref());
    if !aliases.is_empty() {
        top.push(("aliases".into(), strings(&aliases)));
    }
    if let Some(block) = facts.broken_block {
        extra.push((
            free_key(ORIGINAL_FRONT_MATTER_KEY, &taken),
            toml::Value::String(block.to_owned()),
        ));
    }
    if let Some(url) = facts.source_url.filter(|_| !taken(SOURCE_URL_KEY)) {
        extra.push((SOURCE_URL_KEY.into(), toml::Value::String(url.to_owned())));
    }

    // Hugo reads a page's own keys at the top level in every version (`[params]` only from
    // 0.123 on): there they go, but for the names Hugo gives a meaning of its own (a Jekyll
    // `url` or `layout` would move or re-template the page), which stay under `[params]`.
    if layout == Layout::Hugo {
        let (reserved, own): (Vec<_>, Vec<_>) = extra.into_iter().partition(|(key, _)| {
            HUGO_FRONT_MATTER
                .iter()
                .any(|name| name.eq_ignore_ascii_case(key))
        });
        top.extend(own);
        extra = reserved;
    }
    let mut out = String::from("+++\n");
    write_toml_pairs(&mut out, &top)?;
    let extra_name = if layout == Layout::Zola {
        "extra"
    } else {
        "params"
    };
    for (name, pairs) in [("taxonomies", &taxonomies), (extra_name, &extra)] {
        if !pairs.is_empty() {
            out.push_str(&format!("\n[{name}]\n"));
            write_toml_pairs(&mut out, pairs)?;
        }
    }
    out.push_str("+++\n");
    Ok(out)
}

/// Front matter fields Hugo gives a meaning of its own (its documentation's list; keys are
/// compared without case, as Hugo does).
pub const HUGO_FRONT_MATTER: &[&str] = &[
    "aliases",
    "build",
    "cascade",
    "date",
    "description",
    "draft",
    "expiryDate",
    "expirydate",
    "headless",
    "isCJKLanguage",
    "keywords",
    "lastmod",
    "layout",
    "linkTitle",
    "markup",
    "menu",
    "menus",
    "modified",
    "outputs",
    "params",
    "publishDate",
    "pubdate",
    "resources",
    "sitemap",
    "slug",
    "summary",
    "title",
    "translationKey",
    "type",
    "url",
    "weight",
    "categories",
    "tags",
    "unpublishdate",
    // An alias of `publishDate` (Hugo reads a Jekyll `published: "no"` as a date, and fails).
    "published",
];

fn write_toml_pairs(out: &mut String, pairs: &[(String, toml::Value)]) -> Result<(), ExportError> {
    for (key, value) in pairs {
        out.push_str(&toml_key(key)?);
        out.push_str(" = ");
        out.push_str(&toml_value_text(value)?);
        out.push('\n');
    }
    Ok(())
}

fn toml_key(key: &str) -> Result<String, ExportError> {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        Ok(key.to_owned())
    } else {
        toml_value_text(&toml::Value::String(key.to_owned()))
    }
}

/// A value on one line (tables inline), as the `toml` crate writes it.
pub(super) fn toml_value_text(value: &toml::Value) -> Result<String, ExportError> {
    // A datetime is its own TOML literal (the serializer would write it as a table).
    if let toml::Value::Datetime(datetime) = value {
        return Ok(datetime.to_string());
    }
    let mut text = String::new();
    value
        .serialize(toml::ser::ValueSerializer::new(&mut text))
        .map_err(|error| ExportError::Format {
            format: "markdown",
            reason: format!("cannot write TOML: {error}"),
        })?;
    Ok(text)
}

/// A front matter value in TOML: `None` for null, which TOML cannot write.
fn to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(flag) => toml::Value::Boolean(*flag),
        Value::Integer(number) => toml::Value::Integer(*number),
        Value::Float(number) => toml::Value::Float(*number),
        Value::String(text) => toml::Value::String(text.clone()),
        Value::Sequence(items) => toml::Value::Array(items.iter().filter_map(to_toml).collect()),
        Value::Mapping(entries) => {
            let mut table = toml::Table::new();
            for (key, value) in entries {
                let key = key.to_scalar_string().unwrap_or_else(|| format!("{key:?}"));
                if let Some(value) = to_toml(value) {
                    table.insert(key, value);
                }
            }
            toml::Value::Table(table)
        }
        Value::Tagged(_, inner) => return to_toml(inner),
    })
}

/// A top-level string written as a YAML timestamp (unquoted, shaped like a date), which
/// Jekyll reads as a date: when it is one, the date to write.
fn yaml_timestamp(entry: &Entry, text: &str) -> Option<WrittenDate> {
    let Value::String(value) = &entry.value else {
        return None;
    };
    if !written_plain(entry, text) || !value.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let parsed = PostDate::parse(value).parsed.ok()?;
    Some(match parsed.offset {
        Some(offset) => WrittenDate::Instant(offset.from_local_datetime(&parsed.local).single()?),
        None => WrittenDate::Local(parsed.local, parsed.has_time),
    })
}

fn toml_datetime(date: &WrittenDate) -> toml::Value {
    let datetime = |local: NaiveDateTime, offset: Option<FixedOffset>, has_time: bool| {
        let calendar = toml::value::Date {
            year: u16::try_from(local.year()).unwrap_or(0),
            month: local.month() as u8,
            day: local.day() as u8,
        };
        let time = has_time.then(|| toml::value::Time {
            hour: local.hour() as u8,
            minute: local.minute() as u8,
            second: local.second() as u8,
            nanosecond: local.nanosecond(),
        });
        let offset = offset.map(|offset| toml::value::Offset::Custom {
            minutes: (offset.local_minus_utc() / 60) as i16,
        });
        toml::Value::Datetime(toml::value::Datetime {
            date: Some(calendar),
            time,
            offset,
        })
    };
    match date {
        WrittenDate::Raw(_, instant) | WrittenDate::Instant(instant) => {
            datetime(instant.naive_local(), Some(*instant.offset()), true)
        }
        WrittenDate::Local(local, has_time) => datetime(*local, None, *has_time),
    }
}
