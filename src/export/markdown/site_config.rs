//! The platform's configuration, written beside the content so that the tree builds as a site:
//! Jekyll `_config.yml`, Hugo `hugo.toml`, Zola `config.toml`. Each is made from the source
//! site's `_config.yml` (the site most exported posts come from, [`Export::main_site`]); a
//! post of another site keeps its own URL through its front matter (Jekyll `permalink`, Hugo and
//! Zola `aliases`), not through the configuration.
//!
//! What each holds, and why:
//!
//! - **Jekyll**: the source's own values, as written, of the settings that decide a post's URL,
//!   date, excerpt and whether it is built — `title`, `lang` (or `locale`), `url`, `baseurl`,
//!   `timezone`, `permalink`, `excerpt_separator`, `future`, `unpublished`, `show_drafts` —,
//!   the posts collection's `permalink`, and the `defaults:` sets for every path that give
//!   posts a `permalink`, `slug` or categories (only those values: a theme's `layout` would name
//!   a layout the new site lacks), and `plugins: [jekyll-redirect-from]` when the source used
//!   it (it serves the posts' `redirect_from` URLs). Themes, other plugins and the rest of the
//!   source's settings are left to the user.
//! - **Hugo**: `baseURL` (`url` and `baseurl`), `title`, `defaultContentLanguage`, `timeZone`,
//!   `buildFuture` when the source had `future: true`, `buildDrafts` when it had
//!   `show_drafts: true` (its drafts were served), `[permalinks]` for posts when Hugo's
//!   tokens can reproduce the source's permalink template ([`hugo_permalink`]),
//!   `[taxonomies]` for `categories` and `tags`, and `[markup.goldmark.renderer] unsafe = true`,
//!   since bodies keep raw HTML where Markdown has no syntax (Hugo omits it otherwise).
//! - **Zola**: `base_url`, `title`, `default_language`, the `categories` and `tags` taxonomies
//!   the posts' `[taxonomies]` use (Zola refuses a page with an undeclared one), `[markdown]`
//!   with no smart punctuation or emoji (the text stays as written; highlighting stays off,
//!   Zola's default, whose settings moved in 0.22), and no Sass or search index.
//!
//! This module writes text; where it goes, and whether an existing file may be replaced, is the
//! exporter's and the CLI's (a file the user added to an earlier output is foreign: never
//! replaced without `--force`).

use chrono::{DateTime, Datelike, FixedOffset};

use super::front_matter::toml_value_text;
use crate::export::{Export, ExportError, ExportOptions, Layout};
use crate::parse::yaml::{self, Value};
use crate::source::Site;

/// The file name of the layout's configuration, at the root of the tree.
pub fn config_file_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Jekyll => "_config.yml",
        Layout::Hugo => "hugo.toml",
        Layout::Zola => "config.toml",
    }
}

/// Settings of the source's `_config.yml` carried as they were written into the Jekyll one.
const JEKYLL_KEYS: &[&str] = &[
    "title",
    "lang",
    "locale",
    "url",
    "baseurl",
    "timezone",
    "permalink",
    "excerpt_separator",
    "future",
    "unpublished",
    "show_drafts",
];

/// The plugin that serves a post's `redirect_from` URLs.
const REDIRECT_PLUGIN: &str = "jekyll-redirect-from";

/// `defaults:` values that decide a post's URL.
const URL_DEFAULTS: &[&str] = &["permalink", "slug", "categories", "category"];

/// The configuration file's text for `layout`.
pub(super) fn site_config(
    export: &Export,
    options: &ExportOptions,
    layout: Layout,
) -> Result<String, ExportError> {
    let site = export.main_site();
    let title = options
        .title
        .clone()
        .or_else(|| site.and_then(|site| site.title.clone()));
    match layout {
        Layout::Jekyll => Ok(jekyll_config(site, options.title.as_deref())),
        Layout::Hugo => hugo_config(site, title),
        Layout::Zola => zola_config(site, title),
    }
}

/// The source's `_config.yml` as a mapping (empty when it is not one).
fn source_settings(site: Option<&Site>) -> Vec<(Value, Value)> {
    match site.map(|site| yaml::parse(&site.config_text)) {
        Some(Ok(Value::Mapping(mapping))) => mapping,
        _ => Vec::new(),
    }
}

fn jekyll_config(site: Option<&Site>, title: Option<&str>) -> String {
    let settings = source_settings(site);
    let mut out = String::from(
        "# Written by newsbundle: the source site's settings that decide each post's URL, date\n\
         # and excerpt. Add your theme and plugins here.\n",
    );
    let mut title_written = false;
    for (key, value) in &settings {
        let Some(key) = key.as_str() else { continue };
        if !JEKYLL_KEYS.contains(&key) || matches!(value, Value::Null) {
            continue;
        }
        if key == "title" {
            if let Some(title) = title {
                yaml::write_entry(&mut out, key, &Value::String(title.to_owned()), false);
                title_written = true;
                continue;
            }
            title_written = true;
        }
        yaml::write_entry(&mut out, key, value, false);
    }
    if let (Some(title), false) = (title, title_written) {
        yaml::write_entry(&mut out, "title", &Value::String(title.to_owned()), false);
    }
    let setting = |key: &str| {
        settings
            .iter()
            .find(|(name, _)| name.as_str() == Some(key))
            .map(|(_, value)| value)
    };
    if let Some(permalink) = site.and_then(|site| site.posts_permalink.clone()) {
        let posts = Value::Mapping(vec![(
            Value::String("permalink".into()),
            Value::String(permalink),
        )]);
        let collections = Value::Mapping(vec![(Value::String("posts".into()), posts)]);
        yaml::write_entry(&mut out, "collections", &collections, false);
    }
    // A post's `redirect_from` URLs were served by jekyll-redirect-from: the plugin stays.
    let redirects = ["plugins", "gems"].iter().any(|key| {
        matches!(setting(key), Some(Value::Sequence(plugins))
            if plugins.iter().any(|plugin| plugin.as_str() == Some(REDIRECT_PLUGIN)))
    });
    if redirects {
        let plugins = Value::Sequence(vec![Value::String(REDIRECT_PLUGIN.into())]);
        yaml::write_entry(&mut out, "plugins", &plugins, false);
    }
    if let Some(Value::Sequence(sets)) = setting("defaults") {
        let kept: Vec<Value> = sets.iter().filter_map(url_defaults).collect();
        if !kept.is_empty() {
            yaml::write_entry(&mut out, "defaults", &Value::Sequence(kept), false);
        }
    }
    out
}

/// A `defaults:` set that applies to every path, with only the values that decide a URL; `None`
/// when it has none (the export's tree is not the source's, so a scope with a path would not
/// match the same files).
fn url_defaults(set: &Value) -> Option<Value> {
    let Value::Mapping(entries) = set else {
        return None;
    };
    let field = |name: &str| {
        entries
            .iter()
            .find(|(key, _)| key.as_str() == Some(name))
            .map(|(_, value)| value)
    };
    let scope = field("scope");
    let path = match scope {
        Some(Value::Mapping(scope)) => scope
            .iter()
            .find(|(key, _)| key.as_str() == Some("path"))
            .map(|(_, value)| value.clone()),
        _ => None,
    };
    if path
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(|path| !path.is_empty())
    {
        return None;
    }
    let Some(Value::Mapping(values)) = field("values") else {
        return None;
    };
    let values: Vec<(Value, Value)> = values
        .iter()
        .filter(|(key, _)| key.as_str().is_some_and(|key| URL_DEFAULTS.contains(&key)))
        .cloned()
        .collect();
    if values.is_empty() {
        return None;
    }
    let mut kept = Vec::new();
    if let Some(scope) = scope {
        kept.push((Value::String("scope".into()), scope.clone()));
    }
    kept.push((Value::String("values".into()), Value::Mapping(values)));
    Some(Value::Mapping(kept))
}

/// `url` and `baseurl` as one address ending in `/`; `/` without a `url`.
fn base_url(site: Option<&Site>) -> String {
    let url = site
        .and_then(|site| site.url.as_deref())
        .map(|url| url.trim_end_matches('/'))
        .unwrap_or_default();
    let baseurl = site
        .and_then(|site| site.baseurl.as_deref())
        .map(|path| path.trim_matches('/'))
        .unwrap_or_default();
    let mut base = url.to_owned();
    if !baseurl.is_empty() {
        base.push('/');
        base.push_str(baseurl);
    }
    base.push('/');
    base
}

/// `key = value`, for a string.
fn toml_string(out: &mut String, key: &str, value: &str) -> Result<(), ExportError> {
    out.push_str(key);
    out.push_str(" = ");
    out.push_str(&toml_value_text(&toml::Value::String(value.to_owned()))?);
    out.push('\n');
    Ok(())
}

fn hugo_config(site: Option<&Site>, title: Option<String>) -> Result<String, ExportError> {
    let mut out = String::from(
        "# Written by newsbundle: every old URL of a post is its URL or in its `aliases`; raw\n\
         # HTML in the posts needs `unsafe = true` below. Add your theme here.\n",
    );
    toml_string(&mut out, "baseURL", &base_url(site))?;
    if let Some(title) = &title {
        toml_string(&mut out, "title", title)?;
    }
    // The site's language as Hugo's language key: `defaultContentLanguage`, which every Hugo
    // reads (the locale follows from it), not `languageCode`, deprecated since 0.158 (a
    // warning) for `locale`, which Hugo before it does not read. Hugo refuses a key with
    // capitals or spaces: a `lang` that cannot be one is left out.
    if let Some(language) = site
        .and_then(|site| site.lang.as_deref())
        .map(|language| language.trim().to_ascii_lowercase())
        .filter(|language| {
            !language.is_empty()
                && language
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    {
        toml_string(&mut out, "defaultContentLanguage", &language)?;
    }
    if let Some(zone) = site.and_then(|site| site.timezone) {
        toml_string(&mut out, "timeZone", zone.name())?;
    }
    // Jekyll's `future: true` published the posts dated after the build.
    if site.is_some_and(|site| site.future) {
        out.push_str("buildFuture = true\n");
    }
    // Jekyll's `show_drafts: true` published the drafts.
    if site.is_some_and(|site| site.show_drafts) {
        out.push_str("buildDrafts = true\n");
    }
    if let Some(pattern) = hugo_permalink(site) {
        out.push_str("\n[permalinks]\n");
        toml_string(&mut out, "posts", &pattern)?;
    }
    out.push_str(
        "\n[taxonomies]\ncategory = \"categories\"\ntag = \"tags\"\n\
         \n[markup.goldmark.renderer]\nunsafe = true\n",
    );
    Ok(out)
}

/// Hugo's `[permalinks]` pattern for posts that reproduces the source's permalink template,
/// when Hugo's tokens can: a template of `:year`, `:month`, `:day` and `:title` (Hugo's
/// `:filename`, the exported file's name) and lowercase literals, ending in `/`. Jekyll's
/// `:categories` (in every style it names) and `.html` endings have no Hugo pattern: those
/// posts keep their old URL as an alias.
pub(super) fn hugo_permalink(site: Option<&Site>) -> Option<String> {
    let site = site?;
    let setting = site
        .posts_permalink
        .as_deref()
        .or(site.permalink.as_deref());
    let template = crate::jekyll::post_template(setting);
    if !template.starts_with('/') || !template.ends_with('/') {
        return None;
    }
    let mut pattern = String::new();
    let mut rest = template;
    while let Some(colon) = rest.find(':') {
        pattern.push_str(&rest[..colon]);
        let after = &rest[colon + 1..];
        let length = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        pattern.push_str(match &after[..length] {
            "year" => ":year",
            "month" => ":month",
            "day" => ":day",
            "title" => ":filename",
            _ => return None,
        });
        rest = &after[length..];
    }
    pattern.push_str(rest);
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "/-_:".contains(c);
    pattern.chars().all(plain).then_some(pattern)
}

/// The URL Hugo or Zola gives the post written at `name` (dated `date`), below the base URL,
/// when it is sure: the file's name is lowercase ASCII letters, digits and dashes, which
/// neither changes (and, for Zola, does not start with a date it would take off). An old URL
/// equal to it needs no alias; Hugo's `pattern` is [`hugo_permalink`].
pub(super) fn page_url(
    layout: Layout,
    pattern: Option<&str>,
    name: &str,
    date: Option<DateTime<FixedOffset>>,
) -> Option<String> {
    let stem = name.rsplit('/').next()?.strip_suffix(".md")?;
    let plain = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let dated = stem
        .get(..10)
        .is_some_and(|prefix| chrono::NaiveDate::parse_from_str(prefix, "%Y-%m-%d").is_ok());
    if !plain || dated {
        return None;
    }
    match (layout, pattern) {
        (Layout::Hugo, Some(pattern)) => {
            let date = date?;
            Some(
                pattern
                    .replace(":year", &format!("{:04}", date.year()))
                    .replace(":month", &format!("{:02}", date.month()))
                    .replace(":day", &format!("{:02}", date.day()))
                    .replace(":filename", stem),
            )
        }
        (Layout::Hugo | Layout::Zola, _) => Some(format!("/posts/{stem}/")),
        (Layout::Jekyll, _) => None,
    }
}

fn zola_config(site: Option<&Site>, title: Option<String>) -> Result<String, ExportError> {
    let mut out = String::from(
        "# Written by newsbundle: every old URL of a post is its URL or in its `aliases`. Add\n\
         # your theme (or templates/) here.\n",
    );
    let base = base_url(site);
    let base = match base.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    toml_string(&mut out, "base_url", base)?;
    if let Some(title) = &title {
        toml_string(&mut out, "title", title)?;
    }
    if let Some(language) = site.and_then(|site| site.lang.as_deref()) {
        toml_string(&mut out, "default_language", language)?;
    }
    out.push_str(
        "compile_sass = false\nbuild_search_index = false\n\
         taxonomies = [\n    { name = \"categories\" },\n    { name = \"tags\" },\n]\n\
         \n[markdown]\nsmart_punctuation = false\nrender_emoji = false\n\
         \n[extra]\n",
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(config: &str) -> Site {
        Site::from_config("site".into(), "site/_config.yml".into(), config.into())
    }

    #[test]
    fn jekyll_keeps_what_decides_urls_and_leaves_the_theme() {
        let site = site(
            "theme: minima\ntitle: News\nurl: https://example.org\nbaseurl: /blog\n\
             permalink: /:categories/:title/\ntimezone: Asia/Tokyo\nexcerpt_separator: <!--more-->\n\
             defaults:\n  - scope: {path: '', type: posts}\n    values: {layout: single, permalink: /p/:title/}\n\
             \x20 - scope: {path: _pages}\n    values: {permalink: /x/}\n",
        );
        let text = jekyll_config(Some(&site), None);
        assert!(!text.contains("plugins:"), "{text}");
        assert!(!text.contains("theme:"), "{text}");
        assert!(!text.contains("layout:"), "{text}");
        assert!(!text.contains("_pages"), "{text}");
        for line in [
            "title: News",
            "baseurl: /blog",
            "permalink: /:categories/:title/",
            "timezone: Asia/Tokyo",
            "excerpt_separator: <!--more-->",
            "permalink: /p/:title/",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
    }

    #[test]
    fn hugo_permalinks_only_where_hugo_reproduces_the_url() {
        let pattern = |config: &str| hugo_permalink(Some(&site(config)));
        assert_eq!(
            pattern("permalink: /:year/:month/:day/:title/\n").as_deref(),
            Some("/:year/:month/:day/:filename/")
        );
        assert_eq!(pattern("permalink: pretty\n"), None, "categories");
        assert_eq!(pattern(""), None, "the date style: categories, .html");
        assert_eq!(pattern("permalink: /news/:title.html\n"), None);
        assert_eq!(pattern("permalink: /:year/:i_month/:title/\n"), None);
        let date = chrono::DateTime::parse_from_rfc3339("2022-04-04T12:30:00+08:00").ok();
        let url = |name: &str| {
            page_url(
                Layout::Hugo,
                Some("/:year/:month/:day/:filename/"),
                name,
                date,
            )
        };
        assert_eq!(
            url("content/posts/late-night.md").as_deref(),
            Some("/2022/04/04/late-night/")
        );
        assert_eq!(url("content/posts/Market Close.md"), None);
        assert_eq!(
            page_url(Layout::Zola, None, "content/posts/a-b.md", date).as_deref(),
            Some("/posts/a-b/")
        );
        assert_eq!(
            page_url(Layout::Zola, None, "content/posts/2022-01-01-a.md", date),
            None
        );
    }

    #[test]
    fn the_redirect_plugin_stays() {
        let site = site("plugins:\n  - jekyll-feed\n  - jekyll-redirect-from\n");
        let text = jekyll_config(Some(&site), None);
        assert!(
            text.ends_with("plugins:\n  - jekyll-redirect-from\n"),
            "{text}"
        );
    }

    #[test]
    fn base_urls_join_url_and_baseurl() {
        assert_eq!(base_url(None), "/");
        let site = site("url: https://example.org/\nbaseurl: /blog/\n");
        assert_eq!(base_url(Some(&site)), "https://example.org/blog/");
    }
}
