//! What Jekyll does with a site: which files are posts, drafts or pages, each post's date,
//! categories, slug and URL, and whether it is published. One model, asked by the lint rules,
//! the link checker and every exporter; nothing else computes a URL, a date or a post status.
//!
//! It follows Jekyll 4.3 (`Document`, `Drops::UrlDrop`, `URL`, `Publisher`, `PostReader`,
//! `FrontmatterDefaults`) and Ruby's Psych, and is checked against real Jekyll by
//! `tests/jekyll_oracle.rs`. A site without `timezone` is modelled as built on a machine in UTC.
//! Not modelled: collections other than `posts`, `collections_dir`, `exclude`/`include`,
//! plugins, `Time.parse` formats other than Jekyll's usual ones (see `parse::date`), the file
//! time Jekyll gives a draft without a date, and posts Jekyll skips because they are not UTF-8.
//! Nothing here reads files or prints.

pub mod date;
pub mod url;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};

use crate::parse::{FrontMatterFormat, ParseProblem, Post, Value};
use crate::source::Site;

pub use date::DateSource;
pub use url::{
    baseurl, escape_path, file_key, files_answering, percent_decode, post_template, site_path,
    slugify, Location, Place, Slugify,
};

/// What Jekyll makes of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// In `_posts`, named `YYYY-MM-DD-title.ext`.
    Post,
    /// In `_drafts`: built only with `show_drafts` (`jekyll build --drafts`).
    Draft,
    /// Any other file of a site (a page, a static file, a layout, …).
    Page,
    /// In `_posts` but not named `YYYY-MM-DD-title.ext`, or in a folder Jekyll does not read
    /// (`_x/_posts`, `.x/_posts`, `_posts/_x.md`): Jekyll ignores it. Its status is
    /// [`Status::Unpublished`].
    Ignored,
    /// Outside any Jekyll site: a loose post (no `_config.yml`, no `_posts`).
    Loose,
}

/// Whether Jekyll publishes a post, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Published,
    /// `published: false` (or null), without the site's `unpublished: true`; or a file in
    /// `_posts` Jekyll does not read ([`Kind::Ignored`]).
    Unpublished,
    /// Dated after the build, without the site's `future: true`.
    Future,
    /// In `_drafts`.
    Draft,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Published,
        Status::Unpublished,
        Status::Future,
        Status::Draft,
    ];

    /// `published`, `unpublished`, `future`, `draft`: the word of the JSON export.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Unpublished => "unpublished",
            Status::Future => "future",
            Status::Draft => "draft",
        }
    }

    /// Why a post of this status is left out of an export by default.
    pub fn reason(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Unpublished => {
                "not published by Jekyll (`published: false`); add it with `--include unpublished`"
            }
            Status::Future => {
                "dated in the future: Jekyll does not publish it yet; add it with `--include future`"
            }
            Status::Draft => "a draft (`_drafts`); add it with `--include drafts`",
        }
    }
}

/// One file as Jekyll sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub kind: Kind,
    /// The instant Jekyll gives the post, on the site's clock (without `timezone`, with the
    /// offset it was written with, UTC if none); for an ignored file, the one it would have.
    /// `None` for pages, and for a post without a usable date.
    pub date: Option<DateTime<FixedOffset>>,
    /// Folders above `_posts`, then the defaults', then the front matter's: once each, as
    /// written (the URL lowercases them).
    pub categories: Vec<String>,
    /// `slug:` of the front matter (or `defaults`), else the file name's, without trailing dots.
    pub slug: String,
    /// Jekyll's `page.url` (without `baseurl`, placeholder values escaped:
    /// `/local/%E7%BB%8F%E6%B5%8E/2022/03/06/x.html`). `None` for pages, ignored and loose
    /// files, and when a placeholder of the template is unknown.
    pub url: Option<String>,
    pub status: Status,
}

/// What Jekyll makes of `post` in `site`, at the time `now` (for future posts).
pub fn document(post: &Post, site: Option<&Site>, now: DateTime<Utc>) -> Document {
    let place = Place::of(post, site);
    let facts = place
        .as_ref()
        .map(|place| facts(post, place, site))
        .unwrap_or_else(|| Facts::loose(post));
    let status = match facts.kind {
        Kind::Draft => Status::Draft,
        Kind::Ignored => Status::Unpublished,
        _ if facts.unpublished && !site.is_some_and(|site| site.unpublished) => Status::Unpublished,
        _ if !site.is_some_and(|site| site.future)
            && facts.date.is_some_and(|date| date.to_utc() > now) =>
        {
            Status::Future
        }
        _ => Status::Published,
    };
    let url = match facts.kind {
        Kind::Post | Kind::Draft => facts.url(site),
        _ => None,
    };
    Document {
        kind: facts.kind,
        date: facts.date,
        categories: facts.categories,
        slug: facts.slug,
        url,
        status,
    }
}

/// Where Jekyll puts `post` (a post or a page), or `None` when it writes nothing for it
/// (an unpublished post, a draft without `show_drafts`, a file in `_layouts`, …). Future posts
/// have their place: this is the site as it will be.
pub fn location(post: &Post, place: &Place, site: Option<&Site>) -> Option<Location> {
    let facts = facts(post, place, site);
    match facts.kind {
        Kind::Post | Kind::Draft => {
            let built = match facts.kind {
                Kind::Draft => site.is_some_and(|site| site.show_drafts),
                _ => true,
            };
            if !built || (facts.unpublished && !site.is_some_and(|site| site.unpublished)) {
                return None;
            }
            let url = percent_decode(&facts.url(site)?);
            Some(Location {
                file: url::destination(&url, &facts.output_ext),
                url,
            })
        }
        Kind::Page => page_location(post, place, site),
        Kind::Ignored | Kind::Loose => None,
    }
}

/// The date Jekyll gives `post` (see [`date`]), without the rest of the model. A front
/// matter date Jekyll refuses makes it use the time of the build; the file name's day is
/// given instead, as the better guess for an archive.
pub fn post_date(post: &Post, site: Option<&Site>) -> Option<DateTime<FixedOffset>> {
    let zone = site.and_then(|site| site.timezone);
    if post.front_matter.format == FrontMatterFormat::Toml {
        // Hugo's or Zola's `+++` front matter, which Jekyll does not read: its date is in its
        // own zone, else the site's, else UTC.
        let value = post.front_matter.date.as_ref()?.parsed.clone().ok()?;
        let instant = match value.offset {
            Some(offset) => offset.from_local_datetime(&value.local).single()?,
            None => match zone {
                Some(zone) => date::local_in_zone(value.local, zone)?,
                None => Utc.from_utc_datetime(&value.local).fixed_offset(),
            },
        };
        return Some(date::on_site_clock(instant, zone));
    }
    front_matter_value(post, site, "date")
        .and_then(|(value, written)| date::front_matter_instant(value, written, zone))
        .or_else(|| {
            let day = post.file_name.date.as_ref()?.as_ref().ok()?;
            date::file_name_instant(*day, zone)
        })
}

/// How `post`'s front matter `date` was written (`None` without one).
pub fn date_source(post: &Post) -> Option<DateSource> {
    let entry = yaml_entry(post, "date")?;
    Some(date::source_of(
        &entry.value,
        &post.text()[entry.value_span.clone()],
    ))
}

/// The facts of one file that its URL and status are made of.
struct Facts {
    kind: Kind,
    date: Option<DateTime<FixedOffset>>,
    categories: Vec<String>,
    slug: String,
    /// The file name without its extension (`:name`), and `:path`.
    basename: String,
    path: String,
    output_ext: String,
    /// The front matter's (or the defaults') `permalink`.
    permalink: Option<String>,
    unpublished: bool,
}

impl Facts {
    fn loose(post: &Post) -> Facts {
        Facts {
            kind: Kind::Loose,
            date: post_date(post, None),
            categories: post.front_matter.categories.clone(),
            slug: post.file_name.slug.trim_end_matches('.').to_owned(),
            basename: post.file_name.stem.clone(),
            path: String::new(),
            output_ext: ".html".to_owned(),
            permalink: None,
            unpublished: post.front_matter.published == Some(false),
        }
    }

    /// The URL of a post or draft, escaped as Jekyll's `page.url`.
    fn url(&self, site: Option<&Site>) -> Option<String> {
        // Placeholders are on the site's clock; without `timezone`, the build machine's,
        // taken as UTC.
        let date = match site.and_then(|site| site.timezone) {
            Some(_) => self.date?,
            None => self.date?.with_timezone(&Utc).fixed_offset(),
        };
        let template = match &self.permalink {
            Some(permalink) => permalink.clone(),
            None => match site.and_then(|site| site.posts_permalink.as_deref()) {
                Some(template) => template.to_owned(),
                None => post_template(site.and_then(|site| site.permalink.as_deref())).to_owned(),
            },
        };
        let mut categories: Vec<String> = Vec::new();
        for category in &self.categories {
            let category = category.to_lowercase();
            if !categories.contains(&category) {
                categories.push(category);
            }
        }
        url::interpolate(&template, |placeholder| {
            let value = match placeholder {
                "year" => date.format("%Y").to_string(),
                "month" => date.format("%m").to_string(),
                "i_month" => date.format("%-m").to_string(),
                "day" => date.format("%d").to_string(),
                "i_day" => date.format("%-d").to_string(),
                "short_year" => date.format("%y").to_string(),
                "hour" => date.format("%H").to_string(),
                "minute" => date.format("%M").to_string(),
                "second" => date.format("%S").to_string(),
                "y_day" => date.format("%j").to_string(),
                "short_month" => date.format("%b").to_string(),
                "long_month" => date.format("%B").to_string(),
                "week" => date.format("%V").to_string(),
                "w_year" => date.format("%G").to_string(),
                "w_day" => date.format("%u").to_string(),
                "short_day" => date.format("%a").to_string(),
                "long_day" => date.format("%A").to_string(),
                "title" => slugify(&self.slug, Slugify::Pretty),
                "slug" => slugify(&self.slug, Slugify::Default),
                "name" => slugify(&self.basename, Slugify::Default),
                "path" => self.path.clone(),
                "categories" => categories.join("/"),
                "slugified_categories" => {
                    let mut slugs: Vec<String> = Vec::new();
                    for category in &self.categories {
                        let slug = slugify(category, Slugify::Default);
                        if !slugs.contains(&slug) {
                            slugs.push(slug);
                        }
                    }
                    slugs.join("/")
                }
                "collection" => "posts".to_owned(),
                "output_ext" => self.output_ext.clone(),
                _ => return None,
            };
            Some(escape_path(&value))
        })
    }
}

/// The facts of the file at `place`.
fn facts(post: &Post, place: &Place, site: Option<&Site>) -> Facts {
    let components: Vec<&str> = place.relative_path.split('/').collect();
    let (name, folders) = components
        .split_last()
        .map_or(("", &[][..]), |(name, folders)| (*name, folders));
    let extension = name.rfind('.').map_or("", |dot| &name[dot + 1..]);
    let basename = name.rfind('.').map_or(name, |dot| &name[..dot]).to_owned();
    let special = |part: &str| part.starts_with(['_', '.', '#', '~']) || part.ends_with('~');
    let magic = folders
        .iter()
        .position(|folder| *folder == "_posts" || *folder == "_drafts");
    let kind = match magic {
        Some(at) if folders[..at].iter().any(|folder| special(folder)) || special(name) => {
            Kind::Ignored
        }
        Some(at) if folders[at] == "_drafts" => {
            if extension.is_empty() || name.starts_with('.') {
                Kind::Ignored
            } else {
                Kind::Draft
            }
        }
        Some(_) => match post.file_name.date {
            Some(Ok(_)) if !extension.is_empty() => Kind::Post,
            _ => Kind::Ignored,
        },
        None => Kind::Page,
    };
    let magic_dir = magic.map_or("_posts", |at| folders[at]);

    // Categories: the folders above the magic folder (Jekyll cuts the relative path at the
    // first `_posts` it contains), then the defaults', then the front matter's.
    let mut categories: Vec<String> = Vec::new();
    let mut add = |category: String| {
        if !categories.contains(&category) {
            categories.push(category);
        }
    };
    if !place.relative_path.starts_with(magic_dir) {
        if let Some(cut) = place.relative_path.find(magic_dir) {
            for folder in place.relative_path[..cut].split('/') {
                if !folder.is_empty() && folder != magic_dir && folder != name {
                    add(folder.to_owned());
                }
            }
        }
    }
    // Jekyll merges the lists: the defaults' categories, then the front matter's.
    for key in ["categories", "category"] {
        let split = key == "categories";
        let defaults = site.and_then(|site| default_value(post, site, key));
        let own = yaml_entry(post, key).map(|entry| &entry.value);
        for value in defaults.into_iter().chain(own) {
            for category in category_list(value, split) {
                add(category);
            }
        }
    }

    let scalar = |key: &str| {
        front_matter_value(post, site, key).and_then(|(value, _)| value.to_scalar_string())
    };
    let slug = scalar("slug")
        .unwrap_or_else(|| post.file_name.slug.clone())
        .trim_end_matches('.')
        .to_owned();
    let unpublished = front_matter_value(post, site, "published")
        .is_some_and(|(value, written)| !ruby_truth(value, written));
    let path = {
        let without_ext = &place.relative_path[..place.relative_path.len()
            - if extension.is_empty() {
                0
            } else {
                extension.len() + 1
            }];
        without_ext
            .replacen(magic_dir, "", 1)
            .trim_end_matches('.')
            .to_owned()
    };
    Facts {
        kind,
        // An ignored file has no date for Jekyll; the one it would have is kept for exports.
        date: match kind {
            Kind::Post | Kind::Draft | Kind::Loose | Kind::Ignored => post_date(post, site),
            Kind::Page => None,
        },
        categories,
        slug,
        basename,
        path,
        output_ext: url::output_extension(extension),
        permalink: scalar("permalink"),
        unpublished,
    }
}

/// What Ruby makes of a YAML value as a condition: `false` and null are false, and so are the
/// plain (unquoted) `no`, `off`, `false` of YAML 1.1, which Psych reads as `false`; anything
/// else is true (the string `"false"` too).
fn ruby_truth(value: &Value, written: &str) -> bool {
    match value {
        Value::Bool(truth) => *truth,
        Value::Null => false,
        Value::String(text) if !written.trim_start().starts_with(['"', '\'']) => !matches!(
            text.to_ascii_lowercase().as_str(),
            "no" | "off" | "false" | "~" | "null"
        ),
        _ => true,
    }
}

/// Categories as Jekyll reads one key: a string is split on white space for `categories`,
/// a list is flattened, other values are written as text.
fn category_list(value: &Value, split: bool) -> Vec<String> {
    match value {
        Value::Null => Vec::new(),
        Value::Sequence(items) => items
            .iter()
            .flat_map(|item| category_list(item, false))
            .collect(),
        Value::String(text) if split => text.split_whitespace().map(str::to_owned).collect(),
        other => other.to_scalar_string().into_iter().collect(),
    }
}

/// The YAML front matter entry `key` (Jekyll reads no TOML front matter).
fn yaml_entry<'a>(post: &'a Post, key: &str) -> Option<&'a crate::parse::Entry> {
    if post.front_matter.format != FrontMatterFormat::Yaml || !has_front_matter(post) {
        return None;
    }
    post.front_matter.entry(key)
}

/// True when Jekyll sees a front matter block: `---` on the first line.
fn has_front_matter(post: &Post) -> bool {
    post.block.is_some()
        && !post
            .problems
            .iter()
            .any(|problem| matches!(problem, ParseProblem::NotAtTop { .. }))
}

/// The value of `key` for `post`: its front matter's (with the text as written), else the
/// site's `defaults` whose scope matches, the most specific winning.
fn front_matter_value<'a>(
    post: &'a Post,
    site: Option<&'a Site>,
    key: &str,
) -> Option<(&'a Value, &'a str)> {
    if let Some(entry) = yaml_entry(post, key) {
        return Some((&entry.value, &post.text()[entry.value_span.clone()]));
    }
    default_value(post, site?, key).map(|value| (value, ""))
}

/// The value of `key` in the site's `defaults` whose scope matches `post`, the most specific
/// winning, as Jekyll's `FrontmatterDefaults#find` chooses.
fn default_value<'a>(post: &Post, site: &'a Site, key: &str) -> Option<&'a Value> {
    let place = Place::of(post, Some(site))?;
    let kind = if place.relative_path.split('/').any(|part| part == "_posts")
        || place.relative_path.split('/').any(|part| part == "_drafts")
    {
        "posts"
    } else {
        "pages"
    };
    let mut found: Option<(&Value, &crate::source::FrontMatterDefault)> = None;
    for set in &site.defaults {
        let scope_path = set.path.trim_start_matches('/');
        let path_applies = scope_path.is_empty()
            || if scope_path.contains('*') {
                glob_applies(scope_path, &place.relative_path)
            } else {
                place.relative_path.starts_with(scope_path)
            };
        let kind_applies = set
            .kind
            .as_deref()
            .is_none_or(|scope_kind| singular_kind(scope_kind) == kind);
        if !(path_applies && kind_applies) {
            continue;
        }
        let Some((_, value)) = set.values.iter().find(|(name, _)| name == key) else {
            continue;
        };
        let wins = match found {
            None => true,
            Some((_, old)) => {
                let (new_length, old_length) = (
                    set.path.trim_start_matches('/').len(),
                    old.path.trim_start_matches('/').len(),
                );
                if new_length != old_length {
                    new_length >= old_length
                } else {
                    set.kind.is_some() || old.kind.is_none()
                }
            }
        };
        if wins {
            found = Some((value, set));
        }
    }
    found.map(|(value, _)| value)
}

/// `post` and `page` are Jekyll's old names of `posts` and `pages`. (`draft` becomes `drafts`,
/// which matches nothing: a draft's type is `posts`.)
fn singular_kind(kind: &str) -> &str {
    match kind {
        "post" => "posts",
        "page" => "pages",
        "draft" => "drafts",
        other => other,
    }
}

/// A `defaults` scope path with `*`: it applies to the files it matches and to everything
/// below a folder it matches.
fn glob_applies(pattern: &str, relative_path: &str) -> bool {
    let Ok(glob) = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
    else {
        return false;
    };
    let matcher = glob.compile_matcher();
    let mut prefix = String::new();
    for part in relative_path.split('/') {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(part);
        if matcher.is_match(&prefix) {
            return true;
        }
    }
    false
}

/// Where Jekyll writes a page: its path, under the site's permalink style, or its own
/// `permalink` (unknown placeholders stay as written, as Jekyll leaves them).
fn page_location(post: &Post, place: &Place, site: Option<&Site>) -> Option<Location> {
    let components: Vec<&str> = place.relative_path.split('/').collect();
    let (name, folders) = components.split_last()?;
    if name.starts_with(['_', '.', '#']) || name.ends_with('~') {
        return None;
    }
    if folders.iter().any(|folder| folder.starts_with(['_', '.'])) {
        return None;
    }
    let extension = name.rfind('.').map_or("", |dot| &name[dot + 1..]);
    let output_ext = url::output_extension(extension);
    let is_html = matches!(
        output_ext.to_ascii_lowercase().as_str(),
        ".html" | ".htm" | ".xhtml"
    );
    let setting = site.and_then(|site| site.permalink.as_deref());
    if !has_front_matter(post) {
        // A static file, copied as it is: only HTML is a page a link can point at.
        if !matches!(
            extension.to_ascii_lowercase().as_str(),
            "html" | "htm" | "xhtml"
        ) {
            return None;
        }
        let url = format!("/{}", place.relative_path);
        return Some(Location {
            file: url.clone(),
            url,
        });
    }
    let basename = name.rsplit_once('.').map_or(*name, |(stem, _)| stem);
    let template = match post
        .front_matter
        .permalink
        .as_deref()
        .filter(|permalink| !permalink.trim().is_empty())
    {
        Some(permalink) => permalink.to_owned(),
        None if !is_html => "/:path/:basename:output_ext".to_owned(),
        None if basename == "index" => "/:path/".to_owned(),
        None => url::add_permalink_suffix("/:path/:basename", setting),
    };
    let path = folders.join("/");
    let url = url::interpolate(&template, |placeholder| {
        Some(match placeholder {
            "path" => path.clone(),
            "basename" => basename.to_owned(),
            "output_ext" => output_ext.clone(),
            other => format!(":{other}"),
        })
    })?;
    Some(Location {
        file: url::destination(&url, &output_ext),
        url,
    })
}

#[cfg(test)]
mod tests;
