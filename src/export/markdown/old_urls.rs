//! The URLs a post had on the old site, written as Hugo and Zola `aliases`.

use crate::export::ExportPost;
use crate::parse::{FrontMatterFormat, Value};

/// The URLs the post had on the old site, for `aliases`: the URL Jekyll gave it (without
/// `baseurl`, as the path of the file it wrote: not percent-encoded; for a file Jekyll does not
/// place, its `permalink` when it has no placeholder) and its `redirect_from`; and, for a post read from
/// Hugo or Zola, its `aliases`.
pub(super) fn old_urls(post: &ExportPost) -> Vec<String> {
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
    // The URL Jekyll served (a `permalink` with placeholders filled in); a `permalink` as
    // written only for a file Jekyll does not place, and when it has no placeholder.
    match (post.url.as_deref(), &front_matter.permalink) {
        (Some(url), _) if front_matter.format == FrontMatterFormat::Yaml => {
            add(&crate::jekyll::percent_decode(url))
        }
        (_, Some(permalink)) if !permalink.contains(':') => add(permalink),
        _ => {}
    }
    add_entry("redirect_from", &mut add);
    urls
}
