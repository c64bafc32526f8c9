//! Parse: decoded text → [`Post`]. Never fails: a post with broken front matter is still a
//! Post (its title then comes from the file name) with the problems recorded for the rules.
//!
//! This module does not judge posts (that is `lint`) and does not touch the body's markup.

pub mod date;
pub mod front_matter;
pub mod ruby_date;
pub mod toml;
pub use crate::yaml;

use std::ops::Range;

use chrono::NaiveDate;

pub use date::{DateError, DateValue, PostDate};
pub use front_matter::{Entry, FrontMatter, FrontMatterBlock, FrontMatterFormat, ParseProblem};
pub use yaml::Value;

use crate::source::Decoded;

/// One post: where it came from, its text, its typed front matter and what went wrong.
#[derive(Clone, Debug)]
pub struct Post {
    /// The path as shown to the user (`-` is `<stdin>`).
    pub path: String,
    pub file_name: FileName,
    /// The decoded text and how it was decoded.
    pub source: Decoded,
    pub block: Option<FrontMatterBlock>,
    pub front_matter: FrontMatter,
    pub body_span: Range<usize>,
    pub problems: Vec<ParseProblem>,
}

impl Post {
    pub fn text(&self) -> &str {
        &self.source.text
    }

    pub fn body(&self) -> &str {
        &self.source.text[self.body_span.clone()]
    }

    /// The title, or else the file name's slug titled as Jekyll titles it ([`titleize_slug`]);
    /// its HTML character references
    /// (`&amp;`, `&nbsp;`, `&#8217;`), which a browser would show as characters, as those
    /// characters: every export writes this title, none decodes it again.
    pub fn display_title(&self) -> String {
        let title = self
            .front_matter
            .title
            .as_deref()
            .map(|title| html_escape::decode_html_entities(title.trim()));
        match title.as_deref().map(str::trim) {
            Some(title) if !title.is_empty() => title.to_owned(),
            _ => titleize_slug(&self.file_name.slug),
        }
    }
}

/// The title Jekyll gives a post without one (`Utils.titleize_slug`): each `-`-separated word
/// of the slug capitalized as Ruby's `String#capitalize` does (the first character upper case,
/// the rest lower case), joined by spaces. `edge-case-UX` is "Edge Case Ux".
pub fn titleize_slug(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
        .trim()
        .to_owned()
}

/// What the file name says, Jekyll-style: `YYYY-MM-DD-slug.ext` inside `_posts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileName {
    /// The file is inside a `_posts` directory (at any depth).
    pub in_posts_dir: bool,
    /// The date at the start of the name, if it is shaped like `YYYY-MM-DD-`.
    pub date: Option<Result<NaiveDate, DateError>>,
    /// The name without the date and extension.
    pub slug: String,
    /// The file name without its extension (`<stdin>` for standard input).
    pub stem: String,
    pub has_extension: bool,
}

impl FileName {
    /// `_index.md`: the page of a Hugo or Zola section, not a post.
    pub fn is_section_index(&self) -> bool {
        self.stem == "_index" && self.has_extension
    }

    pub fn from_path(path: &str) -> FileName {
        let normalised = path.replace('\\', "/");
        let mut components: Vec<&str> = normalised.split('/').collect();
        let name = components.pop().unwrap_or_default();
        let in_posts_dir = components.contains(&"_posts");
        let (stem, has_extension) = match name.rfind('.') {
            Some(dot) if dot > 0 => (&name[..dot], true),
            _ => (name, false),
        };
        let (date, slug) = split_name_date(stem);
        FileName {
            in_posts_dir,
            date,
            slug: slug.to_owned(),
            stem: stem.to_owned(),
            has_extension,
        }
    }
}

/// `2021-12-08-slug` → (the date, `slug`). A name that does not start with three dash-separated
/// groups of digits has no date.
fn split_name_date(stem: &str) -> (Option<Result<NaiveDate, DateError>>, &str) {
    let mut dashes = stem.match_indices('-').map(|(position, _)| position);
    let (Some(_), Some(_), Some(third)) = (dashes.next(), dashes.next(), dashes.next()) else {
        return (None, stem);
    };
    let candidate = &stem[..third];
    if !candidate.bytes().all(|b| b.is_ascii_digit() || b == b'-') || candidate.starts_with('-') {
        return (None, stem);
    }
    match date::parse_calendar_date(candidate) {
        Err(DateError::NotADate) => (None, stem),
        result => (Some(result), &stem[third + 1..]),
    }
}

/// Why [`load`] gives no post to work on. Display is the reason, lowercase, for
/// `cannot read PATH: REASON` or `rejected PATH: REASON`.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read (permission, size, a directory, ...).
    #[error("{}", crate::source::describe_io(.0))]
    Unreadable(std::io::Error),
    /// The file was read, but its bytes are not text in any encoding (an image, a program):
    /// it must not be exported or sanitized. The post is kept so that `lint` can point at the
    /// first bad byte (ENC002).
    #[error("not a text file: {reason}")]
    NotText {
        reason: crate::source::NotText,
        post: Box<Post>,
    },
}

/// Read, decode and parse one input of an archive. `Err` when the file cannot be read or is
/// not text (binary data); any text at all, however broken, is a post.
pub fn load(
    input: &crate::source::Input,
    archive: &crate::source::Archive,
    max_file_size: u64,
) -> Result<Post, LoadError> {
    let bytes = crate::source::read(input, max_file_size).map_err(LoadError::Unreadable)?;
    let language = input
        .site
        .and_then(|site| archive.sites[site].lang.as_deref());
    let post = parse(&input.path, crate::source::decode(&bytes, language));
    match post.source.not_text {
        Some(reason) => Err(LoadError::NotText {
            reason,
            post: Box::new(post),
        }),
        None => Ok(post),
    }
}

/// Parse a decoded file into a post.
pub fn parse(path: &str, source: Decoded) -> Post {
    let split = front_matter::split(&source.text);
    let body_span = split.body_start..source.text.len();
    Post {
        path: path.to_owned(),
        file_name: FileName::from_path(path),
        block: split.block,
        front_matter: split.front_matter,
        body_span,
        problems: split.problems,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_show_characters_not_references() {
        let text = "---\ntitle: \"&nbsp;Tom &amp; Jerry&#8217;s &lt;b&gt; day\"\n---\nBody\n";
        let post = parse(
            "site/_posts/2022-01-01-a.md",
            crate::source::decode(text.as_bytes(), None),
        );
        assert_eq!(post.display_title(), "Tom & Jerry\u{2019}s <b> day");
    }

    #[test]
    fn a_post_without_a_title_is_titled_as_jekyll_titles_it() {
        assert_eq!(
            titleize_slug("edge-case-no-yaml-title"),
            "Edge Case No Yaml Title"
        );
        assert_eq!(titleize_slug("피터모빌의 UX 7요소"), "피터모빌의 ux 7요소");
        assert_eq!(titleize_slug("snake_case-ÉTÉ-"), "Snake_case Été");
        assert_eq!(titleize_slug("202203291415300003"), "202203291415300003");
    }

    #[test]
    fn file_names() {
        let name = FileName::from_path("site/_posts/2023-04-11-202304110000100001.md");
        assert!(name.in_posts_dir);
        assert_eq!(
            name.date,
            Some(Ok(NaiveDate::from_ymd_opt(2023, 4, 11).unwrap()))
        );
        assert_eq!(name.slug, "202304110000100001");

        let name = FileName::from_path("_posts/-202405170001234567.md");
        assert_eq!(name.date, None);

        let name = FileName::from_path("_posts/2021-13-45-bad.md");
        assert_eq!(name.date, Some(Err(DateError::NotACalendarDate)));

        let name = FileName::from_path("about.md");
        assert!(!name.in_posts_dir);
        assert_eq!(name.slug, "about");
    }
}
