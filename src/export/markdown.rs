//! The `markdown` export: one Markdown file per post, in the tree of a static site generator
//! chosen by [`Layout`], for moving an archive to another platform. newsbundle reads back what
//! it writes (YAML `---` and TOML `+++` front matter alike), and a post read back has the same
//! metadata and the same visible text: `tests/export_markdown.rs` holds every post of the
//! example archive and of the corpus to that, and to a second export (of what was read back)
//! writing the same bytes as the first.
//!
//! **Trees.** Names are unique and the same on every run (posts come in the export's order):
//!
//! - Jekyll: `_posts/YYYY-MM-DD-slug.md` (the date is the post's, in its own zone), or
//!   `_drafts/slug.md` for a post without a date; a second post with the same name gets `-2`.
//! - Hugo and Zola: `content/posts/slug.md`; a slug several posts share gets the post's date as
//!   a suffix (`slug-2022-03-29.md`; a suffix, because Zola takes a date prefix off the URL),
//!   then `-2`. Zola also gets `content/posts/_index.md` (`sort_by = "date"`), without which the
//!   posts are orphan pages listed in no section. `index` and `_index` are not slugs there
//!   (they name bundles and sections): such a post is `index-post.md`.
//!
//! The slug is the input file's name without its date and extension, with the characters file
//! systems refuse and leading dashes or dots taken out (`post` if nothing is left).
//!
//! **Front matter, Jekyll** (YAML): every key of the input, in its order, with its value and
//! type, written by [`yaml::write_entry`]: strings quoted only when they must be, and a value
//! the input wrote unquoted stays unquoted, so that Jekyll's YAML 1.1 reads it as before
//! (`flag: yes` a boolean, `updated: 2022-01-05` a date). The date is unquoted, as Jekyll
//! writes it (`2022-03-29 13:54:28 +0800`), and is the instant the export resolved: a date
//! written without a zone gets the site's offset, since the output has no `_config.yml` to say
//! it; one written with a zone is kept as written. Added keys:
//!
//! - `title` when it is missing, empty or not a string (the title made from the file name), and
//!   `date` when it is missing or broken and the file name has one;
//! - `original_title` / `original_date`: the broken value that was replaced, as it was (a
//!   missing key has nothing to keep);
//! - `original_front_matter`: the whole block, as text, when it is not YAML a parser accepts
//!   (every key of it would be lost otherwise);
//! - `source_url`: the post's source link, which the sanitizer took off the end of the body
//!   (an existing `source_url` key is kept as it is). Site navigation links are not kept.
//!
//! An added key that the post already uses gets `_2`, `_3` (`original_title_2`).
//!
//! **Front matter, Hugo and Zola** (TOML `+++`, written with the `toml` crate): `title` (a
//! string), `date` (a TOML datetime with offset; a local one when no zone was known), `draft`
//! (from `published`), `description` (when a string), `aliases` (the post's old URLs: its
//! `permalink`, or else the URL Jekyll gave it under the site's `permalink` setting, without
//! `baseurl` and not percent-encoded; then its `redirect_from`), and `categories`/`tags` (Hugo:
//! top level; Zola: under `[taxonomies]`, which Zola's `config.toml` must declare). Everything
//! else — unknown keys, Jekyll's `layout`, `permalink`, `author`, `lang`, `redirect_from`, the
//! `original_*` and `source_url` keys above — goes, in order and with its type, under
//! `[params]` (Hugo) or `[extra]` (Zola), as inline values so that order holds at every depth;
//! a date YAML wrote unquoted is a TOML datetime. TOML has no null: keys and list items without
//! a value are left out; YAML tags are dropped (their value is kept).
//!
//! A post read from Hugo or Zola goes back the same way: its `draft` is `published` again in
//! the Jekyll layout, and its `aliases` come first among the old URLs.
//!
//! **Body**: CommonMark with GFM tables and strikethrough, written from the sanitized XHTML by
//! [`xhtml_to_markdown`]; see its documentation. Raw HTML appears only where Markdown has no
//! syntax (Hugo shows it with `markup.goldmark.renderer.unsafe = true`). In the Jekyll layout a
//! body whose code holds `{{` or `{%` is wrapped in `{% raw %}`…`{% endraw %}`, so that Liquid
//! leaves it alone; Hugo and Zola do not run Liquid (nor does newsbundle on their posts).
//!
//! This module does not decide where the directory goes nor replace it atomically (`cli` does).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeZone, Timelike};
use ego_tree::NodeRef;
use regex::Regex;
use scraper::Html;
use serde::Serialize;

use super::{ExportContext, ExportError, ExportPost, Exporter, Layout, Placement, Written};
use crate::output::OutputError;
use crate::parse::{yaml, Entry, FrontMatterFormat, ParseProblem, PostDate, Value};
use crate::source::Site;

/// The post's source link, in the front matter.
pub const SOURCE_URL_KEY: &str = "source_url";
/// A title that was replaced (empty, or not a string), as it was.
pub const ORIGINAL_TITLE_KEY: &str = "original_title";
/// A date that was replaced (not a date, or not a string), as it was.
pub const ORIGINAL_DATE_KEY: &str = "original_date";
/// Front matter that no parser accepted, as text.
pub const ORIGINAL_FRONT_MATTER_KEY: &str = "original_front_matter";

/// One Markdown file per post, in a Jekyll, Hugo or Zola tree.
pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Written, ExportError> {
        let layout = context.options.layout;
        let export = context.export;
        let names = file_names(&export.posts, layout);
        let mut written = Written::default();
        let mut directories = HashSet::new();
        match fs::create_dir(context.destination) {
            Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(OutputError::Write {
                    path: context.destination.display().to_string(),
                    reason: crate::source::describe_io(&error),
                }
                .into())
            }
            _ => {}
        }
        for (index, (post, name)) in export.posts.iter().zip(&names).enumerate() {
            let site = post.site.and_then(|site| export.sites.get(site));
            let text = post_text(post, site, layout)?;
            let file = write(context.destination, name, &text, &mut directories)?;
            written.placements.push(Placement {
                post: index,
                file: file.clone(),
                part: None,
            });
            written.files.push(file);
        }
        if layout == Layout::Zola {
            let title = context
                .options
                .title
                .clone()
                .or_else(|| export.main_site().and_then(|site| site.title.clone()))
                .unwrap_or_else(|| "Posts".to_owned());
            let text = format!(
                "+++\ntitle = {}\nsort_by = \"date\"\n+++\n",
                toml_value_text(&toml::Value::String(title))?
            );
            written.files.push(write(
                context.destination,
                "content/posts/_index.md",
                &text,
                &mut directories,
            )?);
        }
        Ok(written)
    }
}

/// Write one file of the tree; `directories` are the ones already made.
fn write(
    destination: &Path,
    name: &str,
    text: &str,
    directories: &mut HashSet<PathBuf>,
) -> Result<PathBuf, ExportError> {
    let path = destination.join(name);
    crate::output::check_abandoned(&path)?;
    let failed = |error: std::io::Error| OutputError::Write {
        path: path.display().to_string(),
        reason: error.to_string(),
    };
    if let Some(parent) = path.parent() {
        if !directories.contains(parent) {
            // Only below the destination, which must exist: a destination removed meanwhile
            // (an interrupted run cleaning up) is never made again.
            let mut directory = destination.to_path_buf();
            for part in Path::new(name)
                .parent()
                .into_iter()
                .flat_map(Path::components)
            {
                directory.push(part);
                match fs::create_dir(&directory) {
                    Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => {
                        return Err(failed(error).into())
                    }
                    _ => {}
                }
            }
            directories.insert(parent.to_path_buf());
        }
    }
    fs::write(&path, text).map_err(failed)?;
    Ok(path)
}

// ---------------------------------------------------------------------------------------------
// File names

/// The path of every post in the tree, relative to the destination, `/`-separated.
fn file_names(posts: &[ExportPost], layout: Layout) -> Vec<String> {
    let slugs: Vec<String> = posts
        .iter()
        .map(|post| {
            let slug = clean_slug(&post.post.file_name.slug);
            match layout {
                Layout::Jekyll => slug,
                Layout::Hugo | Layout::Zola => {
                    if matches!(slug.to_lowercase().as_str(), "index" | "_index") {
                        format!("{slug}-post")
                    } else {
                        slug
                    }
                }
            }
        })
        .collect();
    let mut shared: HashMap<String, usize> = HashMap::new();
    for slug in &slugs {
        *shared.entry(slug.to_lowercase()).or_default() += 1;
    }
    let mut taken: HashSet<String> = HashSet::new();
    let mut names = Vec::with_capacity(posts.len());
    for (post, slug) in posts.iter().zip(slugs) {
        let day = post.date.map(|date| date.format("%Y-%m-%d").to_string());
        let (directory, stem) = match (layout, day) {
            (Layout::Jekyll, Some(day)) => ("_posts", format!("{day}-{slug}")),
            (Layout::Jekyll, None) => ("_drafts", slug),
            (_, Some(day)) if shared[&slug.to_lowercase()] > 1 => {
                ("content/posts", format!("{slug}-{day}"))
            }
            (_, _) => ("content/posts", slug),
        };
        // Compared without case: two names differing only in case are one file on macOS.
        let mut name = format!("{directory}/{stem}.md");
        let mut counter = 2;
        while !taken.insert(name.to_lowercase()) {
            name = format!("{directory}/{stem}-{counter}.md");
            counter += 1;
        }
        names.push(name);
    }
    names
}

/// A slug fit for a file name on any system.
fn clean_slug(slug: &str) -> String {
    let replaced: String = slug
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut cleaned = replaced
        .trim_matches(|c: char| c == '-' || c == '.' || c.is_whitespace())
        .to_owned();
    // File names are limited to 255 bytes; leave room for a date and a counter.
    if cleaned.len() > 200 {
        let mut end = 200;
        while !cleaned.is_char_boundary(end) {
            end -= 1;
        }
        cleaned.truncate(end);
    }
    if cleaned.is_empty() {
        "post".to_owned()
    } else {
        cleaned
    }
}

// ---------------------------------------------------------------------------------------------
// One post

/// The whole file for one post: front matter, a blank line, the body.
fn post_text(
    post: &ExportPost,
    site: Option<&Site>,
    layout: Layout,
) -> Result<String, ExportError> {
    let facts = Facts::of(post, site);
    let mut body = xhtml_to_markdown(post.body.xhtml());
    if layout == Layout::Jekyll && (body.contains("{{") || body.contains("{%")) {
        body = format!("{{% raw %}}\n{body}\n{{% endraw %}}");
    }
    let mut text = match layout {
        Layout::Jekyll => yaml_front_matter(post, &facts),
        Layout::Hugo | Layout::Zola => toml_front_matter(post, site, &facts, layout)?,
    };
    if !body.is_empty() {
        text.push('\n');
        text.push_str(&body);
        text.push('\n');
    }
    Ok(text)
}

/// What the front matter writers need to know about a post besides its entries.
struct Facts<'a> {
    /// The title was missing, empty or not a string: the export's title replaces it.
    title_replaced: bool,
    /// The `date` entry is broken (not a string, or not a date).
    date_broken: bool,
    date: Option<WrittenDate>,
    /// The block as text, when the parser refused it.
    broken_block: Option<&'a str>,
    source_url: Option<&'a str>,
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
    fn of(post: &'a ExportPost, site: Option<&Site>) -> Facts<'a> {
        let front_matter = &post.post.front_matter;
        let title_entry = front_matter.entry("title");
        let title_replaced = title_entry.is_some()
            && front_matter
                .title
                .as_deref()
                .is_none_or(|title| title.trim().is_empty());
        let date_entry = front_matter.entry("date");
        let parsed = front_matter.date.as_ref().and_then(|date| date.parsed.ok());
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

fn yaml_front_matter(post: &ExportPost, facts: &Facts<'_>) -> String {
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
    for entry in &front_matter.entries {
        match entry.key.as_str() {
            "title" => {
                if facts.title_replaced {
                    let title = Value::String(post.title.clone());
                    yaml::write_entry(&mut out, "title", &title, false);
                    let key = free_key(ORIGINAL_TITLE_KEY, &taken);
                    yaml::write_entry(&mut out, &key, &entry.value, false);
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
            key => yaml::write_entry(&mut out, key, &entry.value, written_plain(entry, text)),
        }
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

fn toml_front_matter(
    post: &ExportPost,
    site: Option<&Site>,
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
                    (&mut categories_done, &front_matter.categories, "categories")
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
    let aliases = old_urls(post, site);
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
fn toml_value_text(value: &toml::Value) -> Result<String, ExportError> {
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

/// The URLs the post had on the old site, for `aliases`: its `permalink` (or the URL Jekyll
/// made under the site's `permalink` setting) and its `redirect_from`; and, for a post read
/// from Hugo or Zola, its `aliases`.
fn old_urls(post: &ExportPost, site: Option<&Site>) -> Vec<String> {
    let front_matter = &post.post.front_matter;
    let mut urls: Vec<String> = Vec::new();
    let mut add = |url: &str| {
        let url = url.trim();
        if url.is_empty() || url.contains("://") {
            return;
        }
        let url = if url.starts_with('/') {
            url.to_owned()
        } else {
            format!("/{url}")
        };
        if !urls.contains(&url) {
            urls.push(url);
        }
    };
    let add_entry = |key: &str, add: &mut dyn FnMut(&str)| match front_matter
        .entry(key)
        .map(|entry| &entry.value)
    {
        Some(Value::String(url)) => add(url),
        Some(Value::Sequence(items)) => items.iter().filter_map(Value::as_str).for_each(add),
        _ => {}
    };
    // A post read from Hugo or Zola: its aliases first, as they were written.
    if front_matter.format == FrontMatterFormat::Toml {
        add_entry("aliases", &mut add);
    }
    match (&front_matter.permalink, site) {
        (Some(permalink), _) => add(permalink),
        (None, Some(site)) if front_matter.format == FrontMatterFormat::Yaml => {
            if let Some(url) = jekyll_url(post, site) {
                add(&url);
            }
        }
        _ => {}
    }
    add_entry("redirect_from", &mut add);
    urls
}

/// The URL Jekyll gives a post under the site's `permalink` setting (without `baseurl`),
/// as the path of the file it writes (not percent-encoded).
fn jekyll_url(post: &ExportPost, _site: &Site) -> Option<String> {
    // `prepare` asked the `jekyll` model, with this post's site.
    post.url.as_deref().map(crate::jekyll::percent_decode)
}

// ---------------------------------------------------------------------------------------------
// XHTML to Markdown

/// How deep blocks may nest before the rest is written as its text (each level indents
/// every line below it).
const MAX_BLOCK_DEPTH: usize = 24;
/// How deep inline elements may nest before the rest is written as its text.
const MAX_INLINE_DEPTH: usize = 64;

/// Convert a sanitized XHTML fragment ([`CleanBody::xhtml`](crate::sanitize::CleanBody::xhtml))
/// to CommonMark with GFM tables and strikethrough.
///
/// - Headings are ATX (`##`), paragraphs are separated by a blank line, and line breaks inside
///   a paragraph stay where the input had them: no text is wrapped or joined, so no space ever
///   comes between two CJK characters. A `<br />` is a backslash at the end of the line.
/// - `em`/`i` are `*…*`, `strong`/`b` `**…**`, `del`/`s` `~~…~~`, unless CommonMark would not
///   see them there (`**“引号”**文字`: the closing run is not right-flanking): then, and for
///   elements Markdown has no syntax for (`sub`, `sup`, `mark`, `u`, `q`, `abbr`, …), inline
///   HTML with the attributes the sanitizer kept.
/// - Links are `[text](url "title")` (`<url>` when the text is the URL); images
///   `![alt](src "title")` (width and height are dropped); code is a code span with as many
///   backticks as it needs, `pre` a fenced block.
/// - Lists keep their nesting, start number and looseness; adjacent lists alternate markers so
///   that they stay apart. `blockquote` is `>`; `hr` is `---`.
/// - Tables with a cell per column and inline content are GFM tables (with an empty header row
///   when the table has none, and the caption as a paragraph before it); other tables, and
///   definition lists, are HTML blocks. A figure is its content, caption as a paragraph.
/// - Escaping only where Markdown would otherwise read syntax: `*`, `` ` ``, `[`, `]`, `~`, `|`
///   (a line with one may head a table) always; `_` unless inside a word; `<` before a
///   tag-like character; `&` before an entity; `!` before a link; `$$` (kramdown math); `#`,
///   `>`, `-`, `+`, `=`, `:` and `1.` at the start of a line; `{` before `{`, `%` or `:`
///   (Liquid, kramdown, Hugo and Zola shortcodes), as `&#123;`. Never CJK punctuation.
/// - When the last line could be taken for a source or navigation line (a bare link), an HTML
///   comment ends the body, so that newsbundle does not cut it off when reading it back.
pub fn xhtml_to_markdown(xhtml: &str) -> String {
    // html5ever (as the sanitizer uses it) rather than an XML parser: it builds the tree
    // without recursing, so 10,000 nested elements fit in a worker thread's stack.
    let document = Html::parse_fragment(xhtml);
    let root = document
        .tree
        .root()
        .children()
        .find(|child| name(*child) == "html")
        .unwrap_or_else(|| document.tree.root());
    let blocks = BlockWriter.blocks(root, 0);
    let mut markdown = join_blocks(&blocks, false);
    if ends_like_a_trailer(&markdown) {
        markdown.push_str("\n\n<!-- end -->");
    }
    markdown
}

#[derive(Clone, Debug, PartialEq)]
enum BlockKind {
    Paragraph,
    Heading,
    Fence,
    List { ordered: bool, starts_at_one: bool },
    Quote,
    Rule,
    Table,
    Html,
}

#[derive(Clone, Debug)]
struct Block {
    kind: BlockKind,
    text: String,
}

/// Block-level elements: an inline run stops before them.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "colgroup",
    "figure",
    "figcaption",
    "hr",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
    "address",
    "details",
    "summary",
    "center",
    "body",
];

fn is_block(node: Node<'_>) -> bool {
    is_element(node) && BLOCK_ELEMENTS.contains(&name(node))
}

struct BlockWriter;

impl BlockWriter {
    /// The blocks of a container's children: runs of inline content become paragraphs.
    fn blocks(&mut self, parent: Node<'_>, depth: usize) -> Vec<Block> {
        let mut blocks: Vec<Block> = Vec::new();
        if depth > MAX_BLOCK_DEPTH {
            let text = inline_markdown(&[parent], Context::Paragraph, MAX_INLINE_DEPTH);
            push_paragraph(&mut blocks, text);
            return blocks;
        }
        let mut run: Vec<Node<'_>> = Vec::new();
        for child in parent.children() {
            if !is_block(child) {
                if is_element(child) || text_node(child).is_some() {
                    run.push(child);
                }
                continue;
            }
            if !run.is_empty() {
                let text = inline_markdown(&run, Context::Paragraph, 0);
                push_paragraph(&mut blocks, text);
                run.clear();
            }
            self.block(child, depth, &mut blocks);
        }
        if !run.is_empty() {
            let text = inline_markdown(&run, Context::Paragraph, 0);
            push_paragraph(&mut blocks, text);
        }
        blocks
    }

    fn block(&mut self, node: Node<'_>, depth: usize, blocks: &mut Vec<Block>) {
        let name = name(node);
        match name {
            "p" => {
                let children: Vec<_> = node.children().collect();
                push_paragraph(blocks, inline_markdown(&children, Context::Paragraph, 0));
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = usize::from(name.as_bytes()[1] - b'0');
                let children: Vec<_> = node.children().collect();
                let mut content = inline_markdown(&children, Context::Line, 0);
                // A trailing `#` would read as a closing sequence.
                if content.ends_with('#') {
                    content.pop();
                    content.push_str("\\#");
                }
                let hashes = "#".repeat(level);
                let text = if content.is_empty() {
                    hashes
                } else {
                    format!("{hashes} {content}")
                };
                blocks.push(Block {
                    kind: BlockKind::Heading,
                    text,
                });
            }
            "pre" => blocks.push(fence(&text_of(node))),
            "blockquote" => {
                let inner = join_blocks(&self.blocks(node, depth + 1), false);
                let text = inner
                    .lines()
                    .map(|line| {
                        if line.is_empty() {
                            ">".to_owned()
                        } else {
                            format!("> {line}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                blocks.push(Block {
                    kind: BlockKind::Quote,
                    text: if text.is_empty() {
                        ">".to_owned()
                    } else {
                        text
                    },
                });
            }
            "ul" | "ol" => {
                let ordered = name == "ol";
                // Two lists in a row with the same marker would be read as one.
                let alternate = blocks.last().is_some_and(|last| {
                    matches!(&last.kind, BlockKind::List { ordered: o, .. } if *o == ordered)
                        && last_list_marker_is_primary(&last.text, ordered)
                });
                blocks.push(self.list(node, ordered, !alternate, depth));
            }
            "hr" => blocks.push(Block {
                kind: BlockKind::Rule,
                text: "---".to_owned(),
            }),
            "table" => self.table(node, blocks),
            "dl" => blocks.push(html_block(node)),
            // Containers without Markdown syntax: their content.
            _ => blocks.extend(self.blocks(node, depth + 1)),
        }
    }

    fn list(&mut self, node: Node<'_>, ordered: bool, primary: bool, depth: usize) -> Block {
        let mut number: u64 = if ordered {
            attribute(node, "start")
                .and_then(|start| start.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .min(999_999_999)
        } else {
            1
        };
        let starts_at_one = number == 1;
        let items: Vec<Node<'_>> = node
            .children()
            .filter(|child| {
                is_element(*child) || text_node(*child).is_some_and(|text| !text.trim().is_empty())
            })
            .collect();
        let loose = items.iter().any(|item| {
            item.children()
                .any(|child| is_element(child) && name(child) == "p")
        });
        let mut rendered = Vec::with_capacity(items.len());
        for item in items {
            let blocks = if is_element(item) && name(item) == "li" {
                self.blocks(item, depth + 1)
            } else if is_block(item) {
                let mut blocks = Vec::new();
                self.block(item, depth + 1, &mut blocks);
                blocks
            } else {
                let mut blocks = Vec::new();
                push_paragraph(&mut blocks, inline_markdown(&[item], Context::Paragraph, 0));
                blocks
            };
            let marker = match (ordered, primary) {
                (true, true) => format!("{number}."),
                (true, false) => format!("{number})"),
                (false, true) => "-".to_owned(),
                (false, false) => "*".to_owned(),
            };
            number = (number + 1).min(999_999_999);
            let mut blocks = blocks;
            // `- ---` would be a thematic break, not an item holding one.
            if let Some(first) = blocks.first_mut() {
                if first.kind == BlockKind::Rule {
                    first.text = "___".to_owned();
                }
            }
            let content = join_blocks(&blocks, !loose);
            let indent = " ".repeat(marker.len() + 1);
            let mut text = String::new();
            for (index, line) in content.split('\n').enumerate() {
                if index == 0 {
                    text.push_str(&marker);
                    // `- - -` (an item opening with a list opening with an empty item) would
                    // be a thematic break: the content starts on the next line.
                    let first_line = format!("{marker} {line}");
                    if is_thematic_break(&first_line) {
                        text.push('\n');
                        text.push_str(&indent);
                        text.push_str(line);
                    } else if !line.is_empty() {
                        text.push(' ');
                        text.push_str(line);
                    }
                } else {
                    text.push('\n');
                    if !line.is_empty() {
                        text.push_str(&indent);
                        text.push_str(line);
                    }
                }
            }
            rendered.push(text);
        }
        let text = if rendered.is_empty() {
            // An empty list shows nothing; an empty item keeps it a list.
            if ordered {
                format!("{number}.")
            } else {
                "-".to_owned()
            }
        } else {
            rendered.join(if loose { "\n\n" } else { "\n" })
        };
        Block {
            kind: BlockKind::List {
                ordered,
                starts_at_one,
            },
            text,
        }
    }

    fn table(&mut self, node: Node<'_>, blocks: &mut Vec<Block>) {
        let mut rows: Vec<(Node<'_>, bool)> = Vec::new();
        let mut caption = None;
        for child in node.children().filter(|child| is_element(*child)) {
            match name(child) {
                "caption" => caption = Some(child),
                "thead" | "tbody" | "tfoot" => {
                    let head = name(child) == "thead";
                    for row in child.children().filter(|row| name(*row) == "tr") {
                        rows.push((row, head));
                    }
                }
                "tr" => rows.push((child, false)),
                _ => {}
            }
        }
        let simple = !rows.is_empty()
            && rows.iter().all(|(row, _)| {
                row.children()
                    .all(|child| !is_element(child) || matches!(name(child), "td" | "th"))
                    && cells(*row).iter().all(|cell| simple_cell(*cell))
            })
            && node.children().all(|child| {
                !is_element(child)
                    || matches!(
                        name(child),
                        "caption" | "thead" | "tbody" | "tfoot" | "tr" | "colgroup"
                    )
            })
            && caption.is_none_or(|caption| caption.descendants().skip(1).all(|d| !is_block(d)));
        if !simple {
            blocks.push(html_block(node));
            return;
        }
        if let Some(caption) = caption {
            let children: Vec<_> = caption.children().collect();
            push_paragraph(blocks, inline_markdown(&children, Context::Paragraph, 0));
        }
        let columns = rows
            .iter()
            .map(|(row, _)| cells(*row).len())
            .max()
            .unwrap_or(0)
            .max(1);
        let render_row = |cells: Vec<String>| {
            let mut line = String::from("|");
            for index in 0..columns {
                let cell = cells.get(index).map_or("", String::as_str);
                line.push(' ');
                line.push_str(cell);
                line.push_str(if cell.is_empty() { "|" } else { " |" });
            }
            line
        };
        let row_text = |row: Node<'_>| -> Vec<String> {
            cells(row)
                .into_iter()
                .map(|cell| {
                    let children: Vec<_> = cell.children().collect();
                    inline_markdown(&children, Context::Cell, 0)
                })
                .collect()
        };
        let (first, _) = rows[0];
        let header_is_first = rows[0].1 || cells(first).iter().all(|cell| name(*cell) == "th");
        let mut lines = Vec::with_capacity(rows.len() + 2);
        let body_rows = if header_is_first {
            lines.push(render_row(row_text(first)));
            &rows[1..]
        } else {
            lines.push(render_row(Vec::new()));
            &rows[..]
        };
        lines.push(render_row(vec!["---".to_owned(); columns]));
        for (row, _) in body_rows {
            lines.push(render_row(row_text(*row)));
        }
        blocks.push(Block {
            kind: BlockKind::Table,
            text: lines.join("\n"),
        });
    }
}

fn cells<'a>(row: Node<'a>) -> Vec<Node<'a>> {
    row.children()
        .filter(|cell| matches!(name(*cell), "td" | "th"))
        .collect()
}

/// A cell a GFM table can hold: one line of inline content (a single paragraph at most).
fn simple_cell(cell: Node<'_>) -> bool {
    let spans = ["colspan", "rowspan"]
        .iter()
        .all(|name| attribute(cell, name).is_none_or(|value| value.trim() == "1"));
    let paragraphs = cell.descendants().filter(|node| name(*node) == "p").count();
    let other_blocks = cell
        .descendants()
        .skip(1)
        .any(|node| is_block(node) && name(node) != "p");
    spans && paragraphs <= 1 && !other_blocks
}

/// Three or more `-`, `*` or `_` (the same), and spaces.
fn is_thematic_break(line: &str) -> bool {
    let marks: Vec<char> = line.chars().filter(|c| *c != ' ' && *c != '\t').collect();
    marks.len() >= 3 && matches!(marks[0], '-' | '*' | '_') && marks.iter().all(|c| *c == marks[0])
}

/// Was the list just written marked with `-` or `1.` (rather than `*` or `1)`)?
fn last_list_marker_is_primary(text: &str, ordered: bool) -> bool {
    let first_line = text.lines().next().unwrap_or_default();
    if ordered {
        first_line
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with('.')
    } else {
        first_line.starts_with('-')
    }
}

fn push_paragraph(blocks: &mut Vec<Block>, text: String) {
    if !text.is_empty() {
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            text,
        });
    }
}

/// Blocks separated by a blank line; in a tight list item, a paragraph and a list, fence or
/// quote that may interrupt it share the item without one.
fn join_blocks(blocks: &[Block], tight: bool) -> String {
    let mut out = String::new();
    for (index, block) in blocks.iter().enumerate() {
        if index > 0 {
            let previous = &blocks[index - 1];
            let interrupts = match &block.kind {
                // An empty first item cannot interrupt a paragraph either.
                BlockKind::List { starts_at_one, .. } => {
                    *starts_at_one
                        && block
                            .text
                            .lines()
                            .next()
                            .is_some_and(|line| line.contains(' '))
                }
                BlockKind::Fence | BlockKind::Quote => true,
                _ => false,
            };
            if tight && previous.kind == BlockKind::Paragraph && interrupts {
                out.push('\n');
            } else {
                out.push_str("\n\n");
            }
        }
        out.push_str(&block.text);
    }
    out
}

/// A fenced code block holding `code` as it is.
fn fence(code: &str) -> Block {
    let longest = longest_run(code, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    let mut text = fence.clone();
    text.push('\n');
    text.push_str(code);
    if !code.is_empty() && !code.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&fence);
    Block {
        kind: BlockKind::Fence,
        text,
    }
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        if c == wanted {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// All the text below a node (iteratively: nesting depth does not matter).
fn text_of(node: Node<'_>) -> String {
    node.descendants().filter_map(text_node).collect()
}

/// The nodes of the tree the sanitized XHTML is parsed into.
type Node<'a> = NodeRef<'a, scraper::Node>;

/// The text of a text node.
fn text_node<'a>(node: Node<'a>) -> Option<&'a str> {
    match node.value() {
        scraper::Node::Text(text) => Some(text),
        _ => None,
    }
}

fn is_element(node: Node<'_>) -> bool {
    node.value().is_element()
}

/// An element's name; empty for other nodes.
fn name<'a>(node: Node<'a>) -> &'a str {
    node.value()
        .as_element()
        .map_or("", |element| element.name())
}

fn attribute<'a>(node: Node<'a>, attribute: &str) -> Option<&'a str> {
    node.value()
        .as_element()
        .and_then(|element| element.attr(attribute))
}

fn attributes<'a>(node: Node<'a>) -> impl Iterator<Item = (&'a str, &'a str)> {
    node.value()
        .as_element()
        .into_iter()
        .flat_map(|element| element.attrs())
}

/// An element written as an HTML block, as the sanitizer serialized it; no blank line may
/// fall inside (it would end the block), and Liquid-like braces are entities.
fn html_block(node: Node<'_>) -> Block {
    let mut out = String::new();
    serialize(node, &mut out);
    Block {
        kind: BlockKind::Html,
        text: out,
    }
}

/// Elements without content, written `<br />`.
const VOID: &[&str] = &["br", "hr", "img", "wbr", "col"];

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
                if VOID.contains(&name) {
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

fn push_attributes(out: &mut String, node: Node<'_>) {
    for (attribute, value) in attributes(node) {
        out.push(' ');
        out.push_str(attribute);
        out.push_str("=\"");
        for c in value.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '{' => out.push_str("&#123;"),
                '\n' => out.push_str("&#10;"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

/// Text inside an HTML block: escaped, whitespace runs with a line break made one line break
/// (a blank line would end the block), and every line break in `pre` an entity.
fn push_html_text(out: &mut String, text: &str, in_pre: bool) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '{' if matches!(chars.peek(), Some('{' | '%' | ':')) => out.push_str("&#123;"),
            '\n' if in_pre => out.push_str("&#10;"),
            c if !in_pre && is_html_space(c) => {
                let mut newline = c == '\n';
                while let Some(&next) = chars.peek() {
                    if !is_html_space(next) {
                        break;
                    }
                    newline |= next == '\n';
                    chars.next();
                }
                out.push(if newline { '\n' } else { ' ' });
            }
            c => out.push(c),
        }
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

static AUTOLINK_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<(?:(?:https?|ftp)://[^<>\s]+)?>$").expect("valid regex"));
static MARKDOWN_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+"[^"]*")?\s*\)"#).expect("valid regex")
});
/// What the sanitizer's trailer detection allows between navigation links.
const TRAILER_SEPARATORS: &[char] = &[
    '｜', '|', '·', '•', '/', '／', '、', ' ', '\t', '\u{3000}', '-', '>', '»',
];

/// Could the sanitizer take the last line for the source link or site navigation (and cut it
/// off when the output is read back)?
fn ends_like_a_trailer(markdown: &str) -> bool {
    let Some(last) = markdown.lines().rev().find(|line| !line.trim().is_empty()) else {
        return false;
    };
    let last = last.trim();
    if AUTOLINK_LINE.is_match(last) {
        return true;
    }
    let rest = MARKDOWN_LINK.replace_all(last, "");
    rest.len() < last.len() && rest.chars().all(|c| TRAILER_SEPARATORS.contains(&c))
}

// ---------------------------------------------------------------------------------------------
// Inline content

/// Where inline content goes: a paragraph (line breaks kept), or a single line (a heading or
/// a table cell, where a line break becomes a space, or nothing between CJK characters).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
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
}

/// Elements written as inline HTML: Markdown has no syntax for them.
const INLINE_HTML: &[&str] = &[
    "sub", "sup", "mark", "u", "ins", "small", "q", "cite", "abbr", "dfn", "kbd", "samp", "var",
    "time", "ruby", "rt", "rp", "bdi", "bdo", "big", "tt",
];

/// Inline content to Markdown.
fn inline_markdown(nodes: &[Node<'_>], context: Context, depth: usize) -> String {
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
    // The pairs written as Markdown: where they open and close, and their character.
    let mut decided: Vec<(usize, usize, char)> = Vec::new();
    for (open, close, pair) in pairs {
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
                if after.is_some_and(|after| after.is_ascii_alphabetic() || "/!?".contains(after)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_clean_file_names() {
        assert_eq!(clean_slug("-202203301020000004"), "202203301020000004");
        assert_eq!(clean_slug("피터모빌의 UX 7요소"), "피터모빌의 UX 7요소");
        assert_eq!(clean_slug("a/b:c"), "a-b-c");
        assert_eq!(clean_slug("..."), "post");
    }

    #[test]
    fn trailer_like_endings() {
        assert!(ends_like_a_trailer("正文\n\n<https://example.com/a>"));
        assert!(ends_like_a_trailer("正文\n\n- [返回](/x)"));
        assert!(!ends_like_a_trailer("详见[公告](http://x.example/)全文。"));
        assert!(!ends_like_a_trailer(""));
    }
}
