//! The URLs a post had on the old site, written as Hugo and Zola `aliases`.

use chrono::Datelike;

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

/// The URL Jekyll gives a post under the site's `permalink` setting (without `baseurl`),
/// as the path of the file it writes (not percent-encoded).
fn jekyll_url(post: &ExportPost, site: &Site) -> Option<String> {
    let date = post.date?;
    let date = match site.timezone {
        Some(zone) => date.with_timezone(&zone).fixed_offset(),
        None => date,
    };
    let pattern = match site.permalink.as_deref().unwrap_or("date") {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        pattern => pattern,
    };
    let front_matter = &post.post.front_matter;
    let slug = front_matter
        .entry("slug")
        .and_then(|entry| entry.value.to_scalar_string())
        .unwrap_or_else(|| post.post.file_name.slug.clone());
    let mut url = String::new();
    let mut rest = pattern;
    while let Some(colon) = rest.find(':') {
        url.push_str(&rest[..colon]);
        let name_length = rest[colon + 1..]
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len() - colon - 1);
        let name = &rest[colon + 1..colon + 1 + name_length];
        let value = match name {
            "year" => date.format("%Y").to_string(),
            "short_year" => date.format("%y").to_string(),
            "month" => date.format("%m").to_string(),
            "i_month" => date.month().to_string(),
            "short_month" => date.format("%b").to_string(),
            "long_month" => date.format("%B").to_string(),
            "day" => date.format("%d").to_string(),
            "i_day" => date.day().to_string(),
            "y_day" => date.format("%j").to_string(),
            "short_day" => date.format("%a").to_string(),
            "long_day" => date.format("%A").to_string(),
            "week" => date.format("%V").to_string(),
            "hour" => date.format("%H").to_string(),
            "minute" => date.format("%M").to_string(),
            "second" => date.format("%S").to_string(),
            "title" => jekyll_slugify(&slug, true),
            "slug" => jekyll_slugify(&slug, false),
            "name" => post.post.file_name.stem.clone(),
            "categories" => {
                let mut categories: Vec<String> = Vec::new();
                for category in &front_matter.categories {
                    let category = category.to_lowercase();
                    if !categories.contains(&category) {
                        categories.push(category);
                    }
                }
                categories.join("/")
            }
            "output_ext" => ".html".to_owned(),
            _ => format!(":{name}"),
        };
        url.push_str(&value);
        rest = &rest[colon + 1 + name_length..];
    }
    url.push_str(rest);
    let mut collapsed = String::with_capacity(url.len() + 1);
    for c in format!("/{url}").chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    Some(collapsed)
}

/// Jekyll's `slugify`: `pretty` mode (`:title`, case kept) or `default` mode (`:slug`,
/// lowercased).
fn jekyll_slugify(text: &str, pretty: bool) -> String {
    let keep = |c: char| c.is_alphanumeric() || (pretty && "._~!$&'()+,;=@".contains(c));
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if pretty {
        out.to_owned()
    } else {
        out.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_slugify_modes() {
        assert_eq!(
            jekyll_slugify("피터모빌의 UX 7요소", true),
            "피터모빌의-UX-7요소"
        );
        assert_eq!(jekyll_slugify("Hello, World!", false), "hello-world");
        assert_eq!(jekyll_slugify("Hello, World!", true), "Hello,-World!");
    }
}
