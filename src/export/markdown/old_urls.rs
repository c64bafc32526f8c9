//! The URLs a post had on the old site, written as Hugo and Zola `aliases`.

use crate::export::ExportPost;
use crate::parse::{FrontMatterFormat, Value};
use crate::source::Site;

/// The URLs the post had on the old site, for `aliases`: its `permalink` (or the URL Jekyll
/// made under the site's `permalink` setting) and its `redirect_from`; and, for a post read
/// from Hugo or Zola, its `aliases`.
pub(super) fn old_urls(post: &ExportPost, site: Option<&Site>) -> Vec<String> {
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

/// The URL Jekyll gives the post (without `baseurl`), as the path of the file it writes (not
/// percent-encoded): `prepare` asked the `jekyll` model, with this post's site.
fn jekyll_url(post: &ExportPost, _site: &Site) -> Option<String> {
    post.url.as_deref().map(crate::jekyll::percent_decode)
}
