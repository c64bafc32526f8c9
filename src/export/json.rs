//! The `json` and `jsonl` exports: every post as data, for scripts, search indexes and other
//! tools. A versioned public contract, like the lint JSON: its own serializable structs, never
//! the internal types, and a JSON Schema generated from these structs, committed as
//! `schema/export.schema.json` (the `json` document) and `schema/post.schema.json` (one post,
//! one `jsonl` line). A test fails when the committed files go stale.
//!
//! `json` writes one document:
//!
//! ```json
//! {
//!   "schema_version": 2,
//!   "generator": { "name": "newsbundle", "version": "0.1.0" },
//!   "site": { "title": "…", "url": "https://news.example.cn", "baseurl": null,
//!             "lang": "zh-CN", "timezone": "Asia/Shanghai" },
//!   "posts": [ { "path": "…", "relative_path": "_posts/2022-03-28-kaizhan.md", … } ],
//!   "rejected": [ { "path": "…", "reason": "…" } ],
//!   "skipped": [ { "path": "index.md", "reason": "…" } ]
//! }
//! ```
//!
//! `jsonl` writes one post object per line (the same shape as an element of `posts`) and
//! nothing else, for streaming. Both are UTF-8; text is never `\u`-escaped beyond what JSON
//! requires.
//!
//! A post carries its paths and SHA-256, the typed Jekyll fields, the whole front matter, the
//! source URL and the navigation links the sanitizer took off the end, the sanitized XHTML, the
//! plain text, its links and images (with line and column in the input file), word and
//! character counts, and its diagnostics.
//!
//! **Front matter** is kept whole and in order as an array of `{ "key", "value" }` pairs: a
//! JSON object's key order is not kept by every consumer (JavaScript puts integer-like keys
//! first). A value is plain JSON when JSON has the type — null, boolean, integer (integers stay
//! integers), number, string, array — and otherwise an object that says what it is, so that a
//! JSON object inside a value is always one of these and nothing is ambiguous:
//!
//! - `{ "mapping": [ { "key": K, "value": V }, … ] }`: a YAML mapping, in order; keys are
//!   values too (`2022: x` keeps an integer key);
//! - `{ "tag": "!ruby/object", "value": V }`: a value with an explicit YAML tag;
//! - `{ "float": ".nan" }` (or `".inf"`, `"-.inf"`): a number JSON cannot write.
//!
//! Top-level keys are strings (as the parser keys them). Integers above `i64::MAX` reach this
//! module as floats (the parser's `Value` has no larger integers).
//!
//! **Same input, same bytes**: posts come in [`Export`]'s order (date, then
//! path), everything inside a post in document order, and nothing depends on the clock — the
//! format has no generation time. `path` is the path as given on the command line;
//! `relative_path` is the stable one.
//!
//! Positions are 1-based; columns count Unicode scalar values, as in the lint reports.
//! A version only ever gains fields; the schemas do not forbid additional properties.
//!
//! This module does not decide where the file goes nor replace it atomically (`cli` does).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use chrono::SecondsFormat;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{Export, ExportContext, ExportError, ExportPost, Exporter, Part, Placement, Written};
use crate::diagnostic::Severity;
use crate::jekyll::Status;
use crate::output::OutputError;
use crate::parse::Value;
use crate::sanitize::{Link, LinkProblem};
use crate::text::LineIndex;

/// The version of the format; it changes only when a field changes meaning or goes away.
///
/// 2: `date` is the instant Jekyll gives the post (an unquoted date without zone is UTC);
/// `url` and `status` added.
pub const SCHEMA_VERSION: u32 = 2;

/// The `json` (one document) and `jsonl` (one post per line) exports.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonExporter {
    /// `jsonl`: one post per line, nothing else.
    pub lines: bool,
}

impl Exporter for JsonExporter {
    fn name(&self) -> &'static str {
        if self.lines {
            "jsonl"
        } else {
            "json"
        }
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Written, ExportError> {
        let destination = context.destination;
        let write_error = |error: io::Error| {
            ExportError::Output(OutputError::Write {
                path: destination.display().to_string(),
                source: error,
            })
        };
        let file = File::create(destination).map_err(write_error)?;
        let mut out = BufWriter::new(file);
        if self.lines {
            write_lines(context.export, &mut out).map_err(write_error)?;
        } else {
            write_document(context.export, &mut out).map_err(write_error)?;
        }
        out.flush().map_err(write_error)?;
        let placements = (0..context.export.posts.len())
            .map(|post| Placement {
                post,
                file: destination.to_path_buf(),
                part: Some(if self.lines {
                    Part::Line(post + 1)
                } else {
                    Part::Index(post)
                }),
            })
            .collect();
        Ok(Written {
            files: vec![destination.to_path_buf()],
            placements,
        })
    }

    /// A `json` file starts with our `schema_version` and `generator`; a `jsonl` file is empty
    /// or starts with a post object (`path`, `relative_path`, `sha256`, in that order).
    fn recognises(&self, path: &Path) -> bool {
        let mut head = Vec::new();
        let read = File::open(path)
            .and_then(|file| file.take(64 * 1024).read_to_end(&mut head))
            .is_ok();
        if !read {
            return false;
        }
        let head = String::from_utf8_lossy(&head);
        if self.lines {
            head.is_empty()
                || (head.starts_with("{\"path\":\"")
                    && head
                        .find("\",\"relative_path\":\"")
                        .zip(head.find("\",\"sha256\":\""))
                        .is_some_and(|(relative, sha)| relative < sha))
        } else {
            head.starts_with("{\n  \"schema_version\": ")
                && head.contains("\"generator\": {\n    \"name\": \"newsbundle\",")
        }
    }
}

/// Write the `json` document (pretty-printed, two spaces, a final newline).
pub fn write_document(export: &Export, out: &mut dyn Write) -> io::Result<()> {
    let document = JsonDocument {
        schema_version: SCHEMA_VERSION,
        generator: Generator::NEWSBUNDLE,
        site: export.main_site().map(|site| JsonSite {
            title: site.title.as_deref(),
            url: site.url.as_deref(),
            baseurl: site.baseurl.as_deref(),
            lang: site.lang.as_deref(),
            timezone: site.timezone.map(|zone| zone.name()),
        }),
        posts: export.posts.iter().map(JsonPost::new).collect(),
        rejected: export
            .rejected
            .iter()
            .map(|rejected| PathReason {
                path: &rejected.path,
                reason: &rejected.reason,
            })
            .collect(),
        skipped: export
            .skipped
            .iter()
            .map(|skipped| PathReason {
                path: &skipped.path,
                reason: &skipped.reason,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Write the `jsonl` lines: one compact post object each, ending in a newline (JSON strings
/// escape newlines, so a line is always a whole post).
pub fn write_lines(export: &Export, out: &mut dyn Write) -> io::Result<()> {
    for post in &export.posts {
        serde_json::to_writer(&mut *out, &JsonPost::new(post)).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The JSON Schema of the `json` document (`schema/export.schema.json`).
pub fn schema() -> serde_json::Value {
    generator()
        .into_root_schema_for::<JsonDocument<'static>>()
        .to_value()
}

/// The JSON Schema of one post, that is of one `jsonl` line (`schema/post.schema.json`).
pub fn post_schema() -> serde_json::Value {
    generator()
        .into_root_schema_for::<JsonPost<'static>>()
        .to_value()
}

fn generator() -> SchemaGenerator {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
}

/// Word and character counts of a text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextCounts {
    /// Unicode scalar values, whitespace excluded.
    pub characters: usize,
    /// Han ideographs (with `々` and `〇`), kana, bopomofo and Hangul syllables and letters.
    pub cjk_characters: usize,
    /// Each CJK character is a word; other words are runs of letters, digits and combining
    /// marks, split on whitespace and punctuation, with apostrophes and hyphens inside a word
    /// and `.` or `,` between digits (`0.2`, `1,000`) kept in it.
    pub words: usize,
}

/// Count the characters and words of `text`, CJK-aware: each CJK character is one word, as
/// word counts for Chinese and Japanese are usually given. Scripts written without spaces
/// other than CJK (Thai, Khmer, …) count a run between spaces as one word.
pub fn text_counts(text: &str) -> TextCounts {
    let mut counts = TextCounts::default();
    let mut in_word = false;
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        if c.is_whitespace() {
            in_word = false;
        } else {
            counts.characters += 1;
            match classify(c) {
                Class::Cjk => {
                    counts.cjk_characters += 1;
                    counts.words += 1;
                    in_word = false;
                }
                // A vowel or final jamo belongs to the syllable before it.
                Class::CjkContinuation => in_word = false,
                Class::Word => {
                    if !in_word {
                        counts.words += 1;
                        in_word = true;
                    }
                }
                Class::Mark => {}
                Class::Joiner(digits_only) => {
                    let joins = |c: Option<char>| {
                        c.is_some_and(|c| {
                            if digits_only {
                                c.is_numeric()
                            } else {
                                classify(c) == Class::Word
                            }
                        })
                    };
                    in_word = in_word && joins(previous) && joins(next);
                }
                Class::Other => in_word = false,
            }
        }
        previous = Some(c);
    }
    counts
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// A CJK character: one word by itself.
    Cjk,
    /// A Hangul vowel or final consonant written as a separate jamo.
    CjkContinuation,
    /// A letter or digit of a script written with spaces.
    Word,
    /// A combining mark, a joiner or a variation selector: part of what it follows.
    Mark,
    /// Kept inside a word when between two word characters (`true`: between two digits).
    Joiner(bool),
    /// Punctuation and symbols.
    Other,
}

fn classify(c: char) -> Class {
    let code = c as u32;
    match code {
        // Han: unified ideographs and extensions A to I, compatibility ideographs, radicals.
        0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F
        | 0x30000..=0x323AF
        | 0x2E80..=0x2FDF
        // 々 〆 〇, Hangzhou numerals, kana repeat marks, 〻.
        | 0x3005..=0x3007
        | 0x3021..=0x3029
        | 0x3031..=0x3035
        | 0x3038..=0x303C
        // Kana (with ー and the half-width forms), bopomofo.
        | 0x3041..=0x3096
        | 0x309D..=0x309F
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FF
        | 0x31F0..=0x31FF
        | 0xFF66..=0xFF9D
        | 0x1B000..=0x1B16F
        | 0x3105..=0x312F
        | 0x31A0..=0x31BF
        // Hangul syllables, compatibility letters, leading consonants.
        | 0xAC00..=0xD7A3
        | 0x3131..=0x318E
        | 0xFFA0..=0xFFDC
        | 0x1100..=0x115F
        | 0xA960..=0xA97F => Class::Cjk,
        // Hangul vowels and final consonants, kana voicing marks.
        0x1160..=0x11FF | 0xD7B0..=0xD7FF | 0x3099..=0x309C | 0xFF9E..=0xFF9F => {
            Class::CjkContinuation
        }
        0x200C | 0x200D => Class::Mark,
        _ if c.is_alphanumeric() => Class::Word,
        _ => match c {
            '\'' | '’' | '-' | '‐' | '‑' => Class::Joiner(false),
            '.' | ',' => Class::Joiner(true),
            _ if is_punctuation_or_symbol(c) => Class::Other,
            // Neither a letter nor punctuation: a combining mark (an accent, a virama, a vowel
            // sign) or a variation selector, part of the word it is in.
            _ => Class::Mark,
        },
    }
}

/// Punctuation, symbols and controls: the blocks made of them (letters and digits inside
/// them, such as `①` or `Ａ`, are caught before this is asked).
fn is_punctuation_or_symbol(c: char) -> bool {
    c.is_ascii()
        || c.is_control()
        || matches!(c as u32,
            0x80..=0xBF
            | 0xD7
            | 0xF7
            | 0x2000..=0x200B
            | 0x200E..=0x2BFF
            | 0x2E00..=0x2E7F
            | 0x3000..=0x303F
            | 0xFE10..=0xFE1F
            | 0xFE30..=0xFE6F
            | 0xFF00..=0xFF65
            | 0xFFE0..=0xFFFD
            | 0x1F000..=0x1FBFF)
}

/// A news archive exported by newsbundle (the `json` document): every post, and every file
/// that was not exported with the reason.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Export", title = "newsbundle JSON export")]
struct JsonDocument<'a> {
    /// The version of this format: 2 (`date` is Jekyll's instant; `url` and `status` added).
    /// A version only ever gains fields.
    #[schemars(extend("const" = 2))]
    schema_version: u32,
    generator: Generator,
    /// The site most posts belong to (from its `_config.yml`); null when there is none.
    site: Option<JsonSite<'a>>,
    /// Sorted by date (undated last), then path.
    posts: Vec<JsonPost<'a>>,
    /// Files that could not be read, and why.
    rejected: Vec<PathReason<'a>>,
    /// Files read but not exported: pages and static files of a Jekyll site.
    skipped: Vec<PathReason<'a>>,
}

/// The program that wrote the file.
#[derive(Serialize, JsonSchema)]
struct Generator {
    /// `newsbundle`.
    name: &'static str,
    version: &'static str,
}

impl Generator {
    const NEWSBUNDLE: Generator = Generator {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
    };
}

/// A Jekyll site's settings, from its `_config.yml`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Site")]
struct JsonSite<'a> {
    title: Option<&'a str>,
    url: Option<&'a str>,
    baseurl: Option<&'a str>,
    lang: Option<&'a str>,
    /// The IANA time zone name, when `timezone` names a known zone.
    timezone: Option<&'a str>,
}

/// A file, and why it was not exported.
#[derive(Serialize, JsonSchema)]
struct PathReason<'a> {
    path: &'a str,
    reason: &'a str,
}

/// One post: an element of `posts` in the `json` export, one line of the `jsonl` export.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Post", title = "newsbundle JSON export: one post")]
struct JsonPost<'a> {
    /// The path as given on the command line (or found below it).
    path: &'a str,
    /// The path below the site root (or the directory given), with `/` separators.
    relative_path: &'a str,
    /// SHA-256 of the input file's bytes, lowercase hex.
    sha256: &'a str,
    /// The front matter title, or one made from the file name.
    title: &'a str,
    /// The instant Jekyll gives the post, RFC 3339 with the offset of the site's `timezone`
    /// (without one, the offset written, else UTC): an unquoted date with seconds and no zone
    /// is UTC (YAML's rule), any other date without zone is site time; from the file name at
    /// midnight when the front matter has no usable date; null when neither has one.
    date: Option<String>,
    /// Jekyll's `page.url`, without `baseurl`, placeholder values percent-encoded as Jekyll
    /// does (`/local/%E7%BB%8F%E6%B5%8E/2022/03/06/x.html`); null outside a Jekyll site's
    /// `_posts` and `_drafts`, or when the permalink has a placeholder Jekyll does not know.
    url: Option<&'a str>,
    /// Whether Jekyll publishes the post. Only `published` posts are exported unless
    /// `--include` asks for the others.
    status: JsonStatus,
    /// The post's `lang`, else the site's.
    language: Option<&'a str>,
    /// Jekyll's categories: the folders above `_posts`, then those of the site's `defaults`,
    /// then the front matter's `categories` (a list, or a string split on spaces) and
    /// `category`; once each. (The front matter's own are in `front_matter`.)
    categories: &'a [String],
    /// `tags` (a list, or a string split on spaces) then `tag`.
    tags: &'a [String],
    layout: Option<&'a str>,
    permalink: Option<&'a str>,
    author: Option<&'a str>,
    /// null when the front matter does not say (Jekyll then publishes the post).
    published: Option<bool>,
    /// Every top-level front matter key, known or not, in document order, with its value.
    front_matter: Vec<FrontMatterEntry<'a>>,
    /// The post's source (its last bare autolink line), as kept; null when there is none or
    /// its URL was refused.
    source_url: Option<&'a str>,
    /// The source URL as written.
    source_url_raw: Option<&'a str>,
    /// The site navigation links taken off the end of the post (not in `html`).
    navigation: Vec<JsonNavigation<'a>>,
    /// The sanitized body: an XHTML fragment, well-formed once wrapped in one element.
    html: &'a str,
    /// The visible text of `html`, one line per block.
    text: &'a str,
    /// Links in the content, in order.
    links: Vec<JsonLink<'a>>,
    /// Images in the content, in order.
    images: Vec<JsonImage<'a>>,
    /// Counts of `text`.
    counts: JsonCounts,
    /// What `newsbundle lint` finds in this post, sorted by position then code.
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// What Jekyll does with a post.
#[derive(Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum JsonStatus {
    /// Jekyll publishes it.
    Published,
    /// `published: false` (or null) in the front matter or the site's `defaults`, or a file in
    /// `_posts` Jekyll does not read (its name has no `YYYY-MM-DD-`).
    Unpublished,
    /// Dated after the run, on a site without `future: true`.
    Future,
    /// In `_drafts`.
    Draft,
}

impl<'a> JsonPost<'a> {
    fn new(post: &'a ExportPost) -> Self {
        let front_matter = &post.post.front_matter;
        let body = &post.body;
        let text = post.post.text();
        let lines = LineIndex::new(text);
        let line_column = |offset| {
            let position = lines.position(text, offset);
            (position.line, position.column)
        };
        let source = body.source();
        JsonPost {
            path: &post.path,
            relative_path: &post.relative_path,
            sha256: &post.sha256,
            title: &post.title,
            date: post
                .date
                .map(|date| date.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
            url: post.url.as_deref(),
            status: match post.status {
                Status::Published => JsonStatus::Published,
                Status::Unpublished => JsonStatus::Unpublished,
                Status::Future => JsonStatus::Future,
                Status::Draft => JsonStatus::Draft,
            },
            language: post.language.as_deref(),
            categories: &post.categories,
            tags: &front_matter.tags,
            layout: front_matter.layout.as_deref(),
            permalink: front_matter.permalink.as_deref(),
            author: front_matter.author.as_deref(),
            published: front_matter.published,
            front_matter: front_matter
                .entries
                .iter()
                .map(|entry| FrontMatterEntry {
                    key: &entry.key,
                    value: YamlValue(&entry.value),
                })
                .collect(),
            source_url: source.and_then(kept_url),
            source_url_raw: source.map(|link| link.raw.as_str()),
            navigation: body
                .navigation()
                .iter()
                .map(|link| JsonNavigation {
                    text: &link.text,
                    url: kept_url(link),
                    raw: &link.raw,
                })
                .collect(),
            html: body.xhtml(),
            text: body.text(),
            links: body
                .links()
                .iter()
                .map(|link| {
                    let (line, column) = line_column(link.span.start);
                    JsonLink {
                        url: kept_url(link),
                        raw: &link.raw,
                        text: &link.text,
                        line,
                        column,
                        problem: link.problem.as_ref().map(JsonLinkProblem::new),
                    }
                })
                .collect(),
            images: body
                .images()
                .iter()
                .map(|image| {
                    let (line, column) = line_column(image.span.start);
                    JsonImage {
                        url: Some(image.url.as_str()).filter(|url| !url.is_empty()),
                        raw: &image.raw,
                        alt: image.alt.as_deref(),
                        line,
                        column,
                        problem: image.problem.as_ref().map(JsonLinkProblem::new),
                    }
                })
                .collect(),
            counts: text_counts(body.text()).into(),
            diagnostics: post
                .diagnostics
                .iter()
                .map(|located| JsonDiagnostic {
                    code: located.diagnostic.code,
                    name: located.diagnostic.name,
                    severity: located.diagnostic.severity.into(),
                    message: &located.diagnostic.message,
                    help: located.diagnostic.help.as_deref(),
                    line: located.start.line,
                    column: located.start.column,
                })
                .collect(),
        }
    }
}

/// Word and character counts of a post's text.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Counts")]
struct JsonCounts {
    /// Unicode scalar values, whitespace excluded.
    characters: usize,
    /// Han ideographs (with `々` and `〇`), kana, bopomofo and Hangul syllables and letters.
    cjk_characters: usize,
    /// Each CJK character is a word; other words are runs of letters, digits and combining
    /// marks, split on whitespace and punctuation, with apostrophes and hyphens inside a word
    /// and `.` or `,` between digits (`0.2`, `1,000`) kept in it.
    words: usize,
}

impl From<TextCounts> for JsonCounts {
    fn from(counts: TextCounts) -> Self {
        JsonCounts {
            characters: counts.characters,
            cjk_characters: counts.cjk_characters,
            words: counts.words,
        }
    }
}

fn kept_url(link: &Link) -> Option<&str> {
    Some(link.url.as_str()).filter(|url| !url.is_empty())
}

/// One top-level front matter key and its value.
#[derive(Serialize, JsonSchema)]
struct FrontMatterEntry<'a> {
    key: &'a str,
    value: YamlValue<'a>,
}

/// A site navigation link from the end of a post.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "NavigationLink")]
struct JsonNavigation<'a> {
    text: &'a str,
    /// As kept (`//host/path` becomes `https://host/path`); null when refused.
    url: Option<&'a str>,
    /// As written.
    raw: &'a str,
}

/// A link in the content.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Link")]
struct JsonLink<'a> {
    /// As kept in `html` (`//host/path` becomes `https://host/path`); null when refused.
    url: Option<&'a str>,
    /// As written, entities decoded.
    raw: &'a str,
    /// The link's visible text.
    text: &'a str,
    /// Where the link starts in the input file.
    #[schemars(range(min = 1))]
    line: usize,
    #[schemars(range(min = 1))]
    column: usize,
    problem: Option<JsonLinkProblem>,
}

/// An image in the content.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Image")]
struct JsonImage<'a> {
    /// As kept in `html`; null when the source was refused, malformed or missing (the image is
    /// then not in `html`).
    url: Option<&'a str>,
    /// As written, entities decoded.
    raw: &'a str,
    /// null when the image has no `alt` attribute at all.
    alt: Option<&'a str>,
    /// Where the image starts in the input file.
    #[schemars(range(min = 1))]
    line: usize,
    #[schemars(range(min = 1))]
    column: usize,
    problem: Option<JsonLinkProblem>,
}

/// What was wrong with a URL.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "UrlProblem")]
struct JsonLinkProblem {
    kind: UrlProblemKind,
    /// Why a URL is malformed, or the refused scheme.
    detail: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
enum UrlProblemKind {
    /// No URL at all: dropped.
    Empty,
    /// Not a URL: dropped.
    Malformed,
    /// A scheme the sanitize policy refuses (`javascript:`): dropped.
    RefusedScheme,
    /// `//host/path`: kept as `https://host/path`.
    ProtocolRelative,
}

impl JsonLinkProblem {
    fn new(problem: &LinkProblem) -> Self {
        let (kind, detail) = match problem {
            LinkProblem::Empty => (UrlProblemKind::Empty, None),
            LinkProblem::Malformed(reason) => (UrlProblemKind::Malformed, Some(reason.clone())),
            LinkProblem::RefusedScheme(scheme) => {
                (UrlProblemKind::RefusedScheme, Some(scheme.clone()))
            }
            LinkProblem::ProtocolRelative => (UrlProblemKind::ProtocolRelative, None),
        };
        JsonLinkProblem { kind, detail }
    }
}

/// A lint finding in the post.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Diagnostic")]
struct JsonDiagnostic<'a> {
    /// The rule's stable code, such as `FM010`.
    code: &'static str,
    /// The rule's name, such as `invalid-date`.
    name: &'static str,
    severity: JsonSeverity,
    message: &'a str,
    help: Option<&'a str>,
    /// Where the finding starts in the input file.
    #[schemars(range(min = 1))]
    line: usize,
    #[schemars(range(min = 1))]
    column: usize,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "Severity")]
enum JsonSeverity {
    Info,
    Warning,
    Error,
}

impl From<Severity> for JsonSeverity {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Info => JsonSeverity::Info,
            Severity::Warning => JsonSeverity::Warning,
            Severity::Error => JsonSeverity::Error,
        }
    }
}

/// A front matter value, written as described in the module documentation.
struct YamlValue<'a>(&'a Value);

impl Serialize for YamlValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(flag) => serializer.serialize_bool(*flag),
            Value::Integer(number) => serializer.serialize_i64(*number),
            Value::Float(number) if number.is_finite() => serializer.serialize_f64(*number),
            Value::Float(number) => {
                let spelled = if number.is_nan() {
                    ".nan"
                } else if *number > 0.0 {
                    ".inf"
                } else {
                    "-.inf"
                };
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("float", spelled)?;
                map.end()
            }
            Value::String(text) => serializer.serialize_str(text),
            Value::Sequence(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&YamlValue(item))?;
                }
                seq.end()
            }
            Value::Mapping(pairs) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("mapping", &MappingPairs(pairs))?;
                map.end()
            }
            Value::Tagged(tag, value) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("tag", tag)?;
                map.serialize_entry("value", &YamlValue(value))?;
                map.end()
            }
        }
    }
}

struct MappingPairs<'a>(&'a [(Value, Value)]);

impl Serialize for MappingPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (key, value) in self.0 {
            seq.serialize_element(&MappingEntry {
                key: YamlValue(key),
                value: YamlValue(value),
            })?;
        }
        seq.end()
    }
}

/// One key of a YAML mapping and its value, both front matter values.
#[derive(Serialize, JsonSchema)]
struct MappingEntry<'a> {
    key: YamlValue<'a>,
    value: YamlValue<'a>,
}

impl JsonSchema for YamlValue<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FrontMatterValue".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<YamlValue<'static>>();
        let entry = generator.subschema_for::<MappingEntry<'static>>();
        json_schema!({
            "description": "A YAML value: plain JSON when JSON has the type (integers stay integers); a mapping, a tagged value or a number JSON cannot write as an object that says which.",
            "anyOf": [
                { "type": "null" },
                { "type": "boolean" },
                { "type": "integer" },
                { "type": "number" },
                { "type": "string" },
                { "type": "array", "items": value },
                {
                    "description": "A YAML mapping, its keys in document order.",
                    "type": "object",
                    "properties": { "mapping": { "type": "array", "items": entry } },
                    "required": ["mapping"],
                    "additionalProperties": false
                },
                {
                    "description": "A value with an explicit YAML tag (`!ruby/object`).",
                    "type": "object",
                    "properties": { "tag": { "type": "string" }, "value": value },
                    "required": ["tag", "value"],
                    "additionalProperties": false
                },
                {
                    "description": "A number JSON cannot write, spelled as in YAML.",
                    "type": "object",
                    "properties": { "float": { "enum": [".nan", ".inf", "-.inf"] } },
                    "required": ["float"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str) -> (usize, usize, usize) {
        let counts = text_counts(text);
        (counts.characters, counts.cjk_characters, counts.words)
    }

    #[test]
    fn latin_words_split_on_whitespace_and_punctuation() {
        assert_eq!(counts(""), (0, 0, 0));
        assert_eq!(counts("  \n\t "), (0, 0, 0));
        assert_eq!(counts("Copper edges lower."), (17, 0, 3));
        assert_eq!(counts("one,two;three"), (13, 0, 3));
        assert_eq!(counts("don't rate-setting"), (17, 0, 2));
        assert_eq!(counts("trailing- -leading 'quoted'"), (25, 0, 3));
        assert_eq!(counts("rose 0.6%, 1,000 units"), (19, 0, 4));
        assert_eq!(counts("end. Next"), (8, 0, 2));
        assert_eq!(counts("— … © 😀 ①"), (5, 0, 1));
    }

    #[test]
    fn each_cjk_character_is_a_word() {
        assert_eq!(counts("本站开始试运行"), (7, 7, 7));
        // Punctuation counts as a character, not a word.
        assert_eq!(counts("试运行，欢迎指正。"), (9, 7, 7));
        // Digits and Latin inside Chinese text are words of their own.
        assert_eq!(counts("沪指微涨0.2%"), (8, 4, 5));
        assert_eq!(counts("恒生科技ETF上涨"), (9, 6, 7));
        // Kana, with the long vowel mark and an iteration mark.
        assert_eq!(counts("コーヒーを飲む"), (7, 7, 7));
        assert_eq!(counts("時々"), (2, 2, 2));
        // Hangul syllables, and a syllable spelled with conjoining jamo (ᄒ ᅡ ᆫ).
        assert_eq!(counts("한국어 문장"), (5, 5, 5));
        assert_eq!(counts("\u{1112}\u{1161}\u{11AB}"), (3, 1, 1));
        // An ideograph outside the Basic Multilingual Plane.
        assert_eq!(counts("𠀀"), (1, 1, 1));
    }

    #[test]
    fn marks_stay_in_their_word() {
        // "café" with a combining acute accent, then another word.
        assert_eq!(counts("cafe\u{301} noir"), (9, 0, 2));
        assert_eq!(counts("नमस्ते दुनिया"), (12, 0, 2));
    }

    #[test]
    fn values_keep_their_types() {
        let value = Value::Mapping(vec![
            (Value::Integer(2022), Value::Float(1.0)),
            (Value::String("n".into()), Value::Float(f64::NAN)),
            (Value::Bool(true), Value::Float(f64::NEG_INFINITY)),
            (
                Value::String("t".into()),
                Value::Tagged(
                    "!ruby/object".into(),
                    Box::new(Value::Sequence(vec![Value::Null, Value::Integer(-1)])),
                ),
            ),
        ]);
        let json = serde_json::to_string(&YamlValue(&value)).unwrap();
        assert_eq!(
            json,
            r#"{"mapping":[{"key":2022,"value":1.0},{"key":"n","value":{"float":".nan"}},{"key":true,"value":{"float":"-.inf"}},{"key":"t","value":{"tag":"!ruby/object","value":[null,-1]}}]}"#
        );
    }
}
