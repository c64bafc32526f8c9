//! The `markdown` export: one Markdown file per post, in the tree of a static site generator
//! chosen by [`Layout`], for moving an archive to another platform. newsbundle reads back what
//! it writes (YAML `---` and TOML `+++` front matter alike), and a post read back has the same
//! metadata and the same visible text: `tests/export_markdown.rs` holds every post of the
//! example archive and of the corpus to that, and to a second export (of what was read back)
//! writing the same bytes as the first.
//!
//! **Sites.** Beside the posts, the platform's configuration (`_config.yml`, `hugo.toml`,
//! `config.toml`), made by `site_config.rs` from the main site's `_config.yml`. Every post
//! keeps the URL Jekyll served it at: in the Jekyll layout the exported post is asked of the
//! `jekyll` model under the new `_config.yml`, and one it would move gets its old URL as its
//! `permalink`; in Hugo and Zola the old URLs are `aliases`.
//!
//! **Trees.** Names are unique and the same on every run (posts come in the export's order):
//!
//! - Jekyll: `_posts/YYYY-MM-DD-slug.md` (the date is the post's, in its own zone), or in
//!   `_drafts/` for a draft of the source (`--include drafts`, or a source with `show_drafts`)
//!   and as `_drafts/slug.md` for a post without a date; a second post with the same name gets
//!   `-2`.
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
//! type, written by [`yaml::write_entry`](crate::parse::yaml::write_entry): strings quoted only when they must be, and a value
//! the input wrote unquoted stays unquoted, so that Jekyll's YAML 1.1 reads it as before
//! (`flag: yes` a boolean, `updated: 2022-01-05` a date). The date is unquoted, as Jekyll
//! writes it (`2022-03-29 13:54:28 +0800`), and is the instant the export resolved: a date
//! written without a zone gets the site's offset, written out (the same instant whatever the
//! reader's clock); one written with a zone is kept as written. The title, when its character
//! references make it another text (`&amp;`), is written as its characters. Added keys:
//!
//! - `title` when it is missing, empty or not a string (the title made from the file name), and
//!   `date` when it is missing or broken and the file name has one;
//! - `original_title` / `original_date`: the broken value that was replaced, as it was (a
//!   missing key has nothing to keep);
//! - `original_front_matter`: the whole block, as text, when it is not YAML a parser accepts
//!   (every key of it would be lost otherwise);
//! - `source_url`: the post's source link, which the sanitizer took off the end of the body
//!   (an existing `source_url` key is kept as it is). Site navigation links are not kept;
//! - `permalink`: the post's old URL, when the exported `_config.yml` would give it another one
//!   (an existing `permalink` is then replaced by the URL Jekyll made of it).
//!
//! An added key that the post already uses gets `_2`, `_3` (`original_title_2`).
//!
//! **Front matter, Hugo and Zola** (TOML `+++`, written with the `toml` crate): `title` (a
//! string), `date` (a TOML datetime with offset; a local one when no zone was known), `draft`
//! (from `published`), `description` (when a string), `aliases` (the post's old URLs: its
//! URL Jekyll served it at, without `baseurl` and not percent-encoded; then its
//! `redirect_from`), and `categories`/`tags` (Hugo:
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
//! syntax (Hugo shows it with `markup.goldmark.renderer.unsafe = true`, which `hugo.toml`
//! sets). In the Jekyll layout each span of a line holding `{{` or `{%` is wrapped in
//! `{% raw %}`…`{% endraw %}` (`liquid.rs`), so that Liquid leaves it alone; Hugo and Zola do
//! not run Liquid (nor does newsbundle on their posts). Where the source's excerpt ended
//! ([`CleanBody::excerpt_end`](crate::sanitize::CleanBody::excerpt_end)), the platform's marker
//! is a block of its own: the post's or site's `excerpt_separator` (when a comment, else
//! `<!--more-->`) for Jekyll, `<!--more-->` for Hugo, `<!-- more -->` for Zola.
//!
//! This module does not decide where the directory goes nor replace it atomically (`cli` does).
//!
//! Files: this one holds the exporter, the tree and the file names; `front_matter.rs` writes the
//! YAML and TOML front matter, `site_config.rs` the configuration, `liquid.rs` the `{% raw %}`
//! spans, `old_urls.rs` the URLs a post had (for `aliases`), and
//! `commonmark/` converts the body (`mod.rs` blocks, `inline.rs` inline content, `html.rs`
//! what stays HTML).

mod commonmark;
mod front_matter;
mod liquid;
mod shortcodes;
pub use front_matter::HUGO_FRONT_MATTER;
mod old_urls;
mod site_config;
pub use site_config::config_file_name;

pub use commonmark::{xhtml_to_markdown, xhtml_to_markdown_with_excerpt};

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use front_matter::{toml_front_matter, toml_value_text, yaml_front_matter, Facts};

use super::{ExportContext, ExportError, ExportPost, Exporter, Layout, Placement, Written};
use crate::jekyll::Status;
use crate::output::OutputError;
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
                    source: error,
                }
                .into())
            }
            _ => {}
        }
        let config = site_config::site_config(export, context.options, layout)?;
        // The exported site as Jekyll will read it, or Hugo's permalinks, to tell which posts
        // keep their URL.
        let target = Target {
            jekyll: (layout == Layout::Jekyll).then(|| {
                Site::from_config(
                    PathBuf::from(TARGET_ROOT),
                    format!("{TARGET_ROOT}/_config.yml"),
                    config.clone(),
                )
            }),
            hugo_permalink: site_config::hugo_permalink(export.main_site())
                .filter(|_| layout == Layout::Hugo),
            now: context.options.timestamp.to_utc(),
        };
        for (index, (post, name)) in export.posts.iter().zip(&names).enumerate() {
            let site = post.site.and_then(|site| export.sites.get(site));
            let text = post_text(post, site, layout, name, &target)?;
            let file = write(context.destination, name, &text, &mut directories)?;
            written.placements.push(Placement {
                post: index,
                file: file.clone(),
                part: None,
            });
            written.files.push(file);
        }
        written.files.push(write(
            context.destination,
            config_file_name(layout),
            &config,
            &mut directories,
        )?);
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
        source: error,
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
            // A draft stays one: Jekyll builds `_drafts` only with `show_drafts`.
            (Layout::Jekyll, Some(day)) if post.status == Status::Draft => {
                ("_drafts", format!("{day}-{slug}"))
            }
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

/// What decides the URLs in the exported site.
struct Target {
    /// Jekyll layout: the exported site, as the `jekyll` model reads it.
    jekyll: Option<Site>,
    /// Hugo layout: the `[permalinks]` pattern of posts, if `hugo.toml` has one.
    hugo_permalink: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
}

/// Where the exported tree stands for the `jekyll` model (a name, never a real folder).
const TARGET_ROOT: &str = "newsbundle-export";

/// The URL Jekyll gives the exported post `text`, written at `name` in the exported `site`.
fn target_url(
    text: &str,
    name: &str,
    site: &Site,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let path = format!("{TARGET_ROOT}/{name}");
    let post = crate::parse::parse(&path, crate::source::decode(text.as_bytes(), None));
    crate::jekyll::document(&post, Some(site), now).url
}

/// The whole file for one post: front matter, a blank line, the body. In the Jekyll layout,
/// a post the exported site's settings would give another URL than it had gets its old URL
/// as its `permalink`; in Hugo and Zola, an old URL that is the post's URL there is no alias
/// (`name` is its path in the tree, `target` what decides URLs there).
fn post_text(
    post: &ExportPost,
    site: Option<&Site>,
    layout: Layout,
    name: &str,
    target: &Target,
) -> Result<String, ExportError> {
    let mut facts = Facts::of(post, site);
    if let (Some(exported), Some(old)) = (&target.jekyll, post.url.as_deref()) {
        let front_matter = yaml_front_matter(post, &facts);
        if target_url(&front_matter, name, exported, target.now).as_deref() != Some(old) {
            facts.permalink = Some(old.to_owned());
        }
    }
    if layout != Layout::Jekyll {
        let pattern = target.hugo_permalink.as_deref();
        facts.page_url = site_config::page_url(layout, pattern, name, post.date);
    }
    let marker = excerpt_marker(post, site, layout);
    let mut body =
        xhtml_to_markdown_with_excerpt(post.body.xhtml(), post.body.excerpt_end(), &marker);
    match layout {
        Layout::Jekyll => body = liquid::protect_liquid(&body),
        Layout::Hugo => body = shortcodes::escape_shortcodes(&body),
        Layout::Zola => {}
    }
    let mut text = match layout {
        Layout::Jekyll => yaml_front_matter(post, &facts),
        Layout::Hugo | Layout::Zola => toml_front_matter(post, &facts, layout)?,
    };
    if !body.is_empty() {
        text.push('\n');
        text.push_str(&body);
        text.push('\n');
    }
    Ok(text)
}

/// The excerpt marker of `layout`: Hugo's `<!--more-->`, Zola's `<!-- more -->`, and for
/// Jekyll the post's or site's `excerpt_separator` when it is an HTML comment (the exported
/// `_config.yml` keeps the site's), else `<!--more-->`, a comment Jekyll shows as nothing.
fn excerpt_marker(post: &ExportPost, site: Option<&Site>, layout: Layout) -> String {
    match layout {
        Layout::Hugo => "<!--more-->".to_owned(),
        Layout::Zola => "<!-- more -->".to_owned(),
        Layout::Jekyll => {
            let separator = match post.post.front_matter.entry("excerpt_separator") {
                Some(entry) => entry.value.as_str(),
                None => site.and_then(|site| site.excerpt_separator.as_deref()),
            };
            separator
                .map(str::trim)
                .filter(|separator| separator.starts_with("<!--") && separator.ends_with("-->"))
                .unwrap_or("<!--more-->")
                .to_owned()
        }
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
}
