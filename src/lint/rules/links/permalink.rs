//! Jekyll's URLs: where each post and page of an archive ends up on the site, so that the
//! broken-internal-link rule knows every URL the archive makes.
//!
//! This follows Jekyll 4 (`Jekyll::URL`, `Drops::UrlDrop`, `Page#template`,
//! `Document#destination`): `_config.yml`'s `permalink` is a style name (`date`, the default,
//! `pretty`, `ordinal`, `weekdate`, `none`) or a template; a post's own `permalink` overrides
//! it; pages map to their path. It does not know collections other than `_posts`, `exclude`
//! lists, or plugins that add pages (category archives, pagination): those URLs are not made by
//! a file of the archive.

use std::hash::{Hash, Hasher};

use chrono::{NaiveDateTime, NaiveTime};

use crate::parse::{ParseProblem, Post};
use crate::source::{Site, STDIN_PATH};

/// Where Jekyll puts one file of the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The URL below `baseurl`, percent-decoded: `/emnews/2021/12/08/x.html`, `/about/`.
    pub url: String,
    /// The file written for it, below the site's output folder: `/about/index.html`.
    pub file: String,
}

/// A file's place in its site: the site's root (as shown) and the path below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub root: String,
    /// `/`-separated, without a leading `/`: `_posts/2021-12-08-x.md`, `docs/index.md`.
    pub relative_path: String,
}

impl Place {
    /// Where `post` is in `site`. Without a site the root is the folder above `_posts`, and a
    /// file outside `_posts` has no known place.
    pub fn of(post: &Post, site: Option<&Site>) -> Option<Place> {
        if post.path == STDIN_PATH {
            return None;
        }
        let path = post.path.replace('\\', "/");
        if let Some(site) = site {
            let root = site.root.to_string_lossy().replace('\\', "/");
            let root = root
                .strip_prefix("./")
                .unwrap_or(&root)
                .trim_end_matches('/');
            let relative = if root.is_empty() || root == "." {
                Some(path.as_str())
            } else {
                path.strip_prefix(root)
                    .and_then(|rest| rest.strip_prefix('/'))
            };
            if let Some(relative) = relative {
                return Some(Place {
                    root: root.to_owned(),
                    relative_path: relative.to_owned(),
                });
            }
        }
        let components: Vec<&str> = path.split('/').collect();
        let posts = components.iter().position(|part| *part == "_posts")?;
        Some(Place {
            root: components[..posts].join("/"),
            relative_path: components[posts..].join("/"),
        })
    }

    /// A number standing for this site, to tell the URLs of two sites apart.
    pub fn site_key(&self) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.root.hash(&mut hasher);
        hasher.finish()
    }
}

/// A number standing for the file `file` of the site `site_key` (see [`Location::file`]).
pub fn file_key(site_key: u64, file: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    site_key.hash(&mut hasher);
    file.hash(&mut hasher);
    hasher.finish()
}

/// The template of a permalink setting: a style name, or the setting itself.
pub fn post_template(setting: Option<&str>) -> &str {
    match style_name(setting) {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        template => template,
    }
}

fn style_name(setting: Option<&str>) -> &str {
    setting
        .map(str::trim)
        .filter(|setting| !setting.is_empty())
        .unwrap_or("date")
}

/// Where Jekyll puts `post`, or `None` when it outputs nothing for it (an unpublished post, a
/// file in `_drafts` or `_layouts`, a post whose file name has no date, …).
pub fn location(post: &Post, place: &Place, site: Option<&Site>) -> Option<Location> {
    if post.front_matter.published == Some(false) {
        return None;
    }
    let components: Vec<&str> = place.relative_path.split('/').collect();
    let (name, folders) = components.split_last()?;
    if name.starts_with(['_', '.', '#']) || name.ends_with('~') {
        return None;
    }
    let extension = name.rfind('.').map_or("", |dot| &name[dot + 1..]);
    let output_ext = output_extension(extension);
    let has_front_matter = post.block.is_some()
        && !post
            .problems
            .iter()
            .any(|problem| matches!(problem, ParseProblem::NotAtTop { .. }));
    let setting = site.and_then(|site| site.permalink.as_deref());

    if let Some(posts) = folders.iter().position(|folder| *folder == "_posts") {
        if folders[..posts]
            .iter()
            .any(|folder| folder.starts_with(['_', '.']))
        {
            return None;
        }
        let Some(Ok(name_date)) = post.file_name.date else {
            return None;
        };
        let date = post_date(post, site).unwrap_or_else(|| name_date.and_time(NaiveTime::MIN));
        let template = post
            .front_matter
            .permalink
            .as_deref()
            .filter(|permalink| !permalink.trim().is_empty())
            .unwrap_or_else(|| post_template(setting));
        // Categories: the front matter's, then the folders above `_posts`, lowercased, once each.
        let mut categories: Vec<String> = Vec::new();
        for category in post
            .front_matter
            .categories
            .iter()
            .map(String::as_str)
            .chain(folders[..posts].iter().copied())
        {
            let category = category.to_lowercase();
            if !category.is_empty() && !categories.contains(&category) {
                categories.push(category);
            }
        }
        let slug = post
            .front_matter
            .entry("slug")
            .and_then(|entry| entry.value.to_scalar_string())
            .unwrap_or_else(|| post.file_name.slug.clone());
        let slug = slug.trim_end_matches('.');
        let url = interpolate(template, |placeholder| {
            Some(match placeholder {
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
                "title" => slugify(slug, Slugify::Pretty),
                "slug" => slugify(slug, Slugify::Default),
                "name" => slugify(
                    name.rsplit_once('.').map_or(*name, |(stem, _)| stem),
                    Slugify::Default,
                ),
                "categories" => categories.join("/"),
                "collection" => "posts".to_owned(),
                "output_ext" => output_ext.clone(),
                _ => return None,
            })
        })?;
        return Some(Location {
            file: destination(&url, &output_ext),
            url,
        });
    }

    if folders.iter().any(|folder| folder.starts_with(['_', '.'])) {
        return None;
    }
    let is_html = matches!(output_ext.as_str(), ".html" | ".htm" | ".xhtml");
    if !has_front_matter {
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
        None => add_permalink_suffix("/:path/:basename", setting),
    };
    let path = folders.join("/");
    // A page leaves placeholders it does not know as they are, as Jekyll does.
    let url = interpolate(&template, |placeholder| {
        Some(match placeholder {
            "path" => path.clone(),
            "basename" => basename.to_owned(),
            "output_ext" => output_ext.clone(),
            other => format!(":{other}"),
        })
    })?;
    Some(Location {
        file: destination(&url, &output_ext),
        url,
    })
}

/// The date a post's URL uses: its `date` on the site's clock (Jekyll converts it to the
/// site's `timezone`), or as written when either the zone or the timezone is unknown.
fn post_date(post: &Post, site: Option<&Site>) -> Option<NaiveDateTime> {
    let value = post.front_matter.date.as_ref()?.parsed.as_ref().ok()?;
    let zone = site.and_then(|site| site.timezone);
    Some(match (value.offset, zone) {
        (Some(_), Some(zone)) => value.resolve(None).map_or(value.local, |instant| {
            instant.with_timezone(&zone).naive_local()
        }),
        _ => value.local,
    })
}

/// `.md` and friends become `.html`; other extensions stay.
fn output_extension(extension: &str) -> String {
    let lower = extension.to_ascii_lowercase();
    match lower.as_str() {
        "md" | "markdown" | "mkd" | "mkdn" | "mkdown" | "html" => ".html".to_owned(),
        "" => String::new(),
        _ => format!(".{lower}"),
    }
}

/// Jekyll's `Utils.add_permalink_suffix`: how a page's URL ends under the site's style.
fn add_permalink_suffix(template: &str, setting: Option<&str>) -> String {
    let mut template = template.to_owned();
    match style_name(setting) {
        "pretty" => template.push('/'),
        "date" | "ordinal" | "none" => template.push_str(":output_ext"),
        other => {
            if other.ends_with('/') {
                template.push('/');
            }
            if other.ends_with(":output_ext") {
                template.push_str(":output_ext");
            }
        }
    }
    template
}

/// Replace each `:name` of `template` (`name` of `a-z` and `_`; a trailing `_` may be left out
/// of the name, as in `:year_`), then tidy the slashes as Jekyll's `URL#sanitize_url` does.
/// `None` when `value` knows a placeholder not.
fn interpolate(template: &str, value: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(colon) = rest.find(':') {
        out.push_str(&rest[..colon]);
        let after = &rest[colon + 1..];
        let length = after
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
            .count();
        if length == 0 {
            out.push(':');
            rest = after;
            continue;
        }
        let name = &after[..length];
        let replaced = value(name).or_else(|| {
            let shorter = name.strip_suffix('_')?;
            value(shorter).map(|replaced| replaced + "_")
        })?;
        out.push_str(&replaced);
        rest = &after[length..];
    }
    out.push_str(rest);
    let url = format!("/{out}").replace("..", "/").replace("./", "");
    Some(squeeze_slashes(&url))
}

fn squeeze_slashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

/// The file written for `url`: `/x/` → `/x/index.html`; `/x` → `/x.html`.
fn destination(url: &str, output_ext: &str) -> String {
    if url.ends_with('/') {
        format!("{url}index.html")
    } else if url.ends_with(output_ext) {
        url.to_owned()
    } else {
        format!("{url}{output_ext}")
    }
}

/// The files that answer a request for `path` (percent-decoded, below `baseurl`), as Jekyll
/// and GitHub Pages serve them: `/x/` → `/x/index.html`; `/x` → `/x`, `/x.html`, or
/// `/x/index.html` (after a redirect to `/x/`).
pub fn files_answering(path: &str) -> Vec<String> {
    if path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![
            path.to_owned(),
            format!("{path}.html"),
            format!("{path}/index.html"),
        ]
    }
}

#[derive(Clone, Copy)]
enum Slugify {
    /// Letters, marks and digits kept; the rest becomes `-`; lowercased.
    Default,
    /// Also keeps `._~!$&'()+,;=@`; case kept (Jekyll's `:title`).
    Pretty,
}

/// Jekyll's `Utils.slugify`.
fn slugify(text: &str, mode: Slugify) -> String {
    let keep = |c: char| {
        c.is_alphanumeric() || (matches!(mode, Slugify::Pretty) && "._~!$&'()+,;=@".contains(c))
    };
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if keep(c) {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    match mode {
        Slugify::Default => slug.to_lowercase(),
        Slugify::Pretty => slug.to_owned(),
    }
}

/// The site's `baseurl` as a path prefix: `/blog`, or empty.
pub fn baseurl(site: Option<&Site>) -> String {
    site.and_then(|site| site.baseurl.as_deref())
        .map(|base| base.trim().trim_matches('/'))
        .filter(|base| !base.is_empty())
        .map(|base| format!("/{base}"))
        .unwrap_or_default()
}

/// Where the link `url`, written in the page whose URL (below `baseurl`) is `page`, points on
/// `site`: a path below `baseurl`, percent-decoded, without query or fragment
/// (`/emnews/2021/12/07/a.html`). A link is into the site when it is relative (resolved
/// against `page`; a document-relative link needs it) or when it is `http(s)` or `//` on the
/// host of the site's `url`. A root-relative link that forgot `baseurl` is kept as it is.
/// `None` for a link elsewhere, another scheme, or one that cannot be resolved; `#part` and
/// `?query` alone point at the page itself and give `None` too.
pub fn site_path(url: &str, page: Option<&str>, site: Option<&Site>) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.starts_with(['#', '?']) {
        return None;
    }
    let baseurl = baseurl(site);
    let resolved = if url.starts_with("//") || has_scheme(url) {
        let absolute = if url.starts_with("//") {
            format!("https:{url}")
        } else {
            url.to_owned()
        };
        let parsed = url::Url::parse(&absolute).ok()?;
        let site_host = site
            .and_then(|site| site.url.as_deref())
            .and_then(crate::sanitize::host_of);
        let is_site = matches!(parsed.scheme(), "http" | "https")
            && site_host.is_some()
            && crate::sanitize::host_of(parsed.as_str()) == site_host;
        if !is_site {
            return None;
        }
        parsed
    } else {
        // The host is a placeholder: only the path matters.
        let base = if url.starts_with('/') {
            url::Url::parse("https://site.invalid/").ok()?
        } else {
            url::Url::parse(&format!("https://site.invalid{baseurl}{}", page?)).ok()?
        };
        base.join(url).ok()?
    };
    let decoded = percent_decode(resolved.path());
    Some(match decoded.strip_prefix(baseurl.as_str()) {
        Some(rest) if !baseurl.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
            if rest.is_empty() {
                "/".to_owned()
            } else {
                rest.to_owned()
            }
        }
        _ => decoded,
    })
}

/// `mailto:`, `https:`, … before any `/ ? #`.
fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `%E6%96%B0` → `新`; malformed escapes stay as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text
                .get(index + 1..index + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::parse;
    use crate::source::decode;

    fn site(permalink: Option<&str>, timezone: Option<&str>) -> Site {
        let mut config = String::from("url: https://news.example.cn\n");
        if let Some(permalink) = permalink {
            config.push_str(&format!("permalink: {permalink}\n"));
        }
        if let Some(timezone) = timezone {
            config.push_str(&format!("timezone: {timezone}\n"));
        }
        Site::from_config(PathBuf::from("site"), "site/_config.yml".to_owned(), config)
    }

    fn url(path: &str, text: &str, site: Option<&Site>) -> Option<String> {
        let post = parse::parse(path, decode(text.as_bytes(), None));
        let place = Place::of(&post, site)?;
        location(&post, &place, site).map(|location| location.url)
    }

    const POST: &str =
        "---\ntitle: t\ndate: 2021-12-08 10:18:31 +0800\ncategories: emnews\n---\n正文\n";

    #[test]
    fn styles() {
        let path = "site/_posts/2021-12-08-202112082206703990.md";
        for (style, expected) in [
            (None, "/emnews/2021/12/08/202112082206703990.html"),
            (Some("date"), "/emnews/2021/12/08/202112082206703990.html"),
            (Some("pretty"), "/emnews/2021/12/08/202112082206703990/"),
            (Some("ordinal"), "/emnews/2021/342/202112082206703990.html"),
            (Some("none"), "/emnews/202112082206703990.html"),
            (
                Some("weekdate"),
                "/emnews/2021/W49/Wed/202112082206703990.html",
            ),
            (Some("/:categories/:title/"), "/emnews/202112082206703990/"),
            (
                Some("/:year/:i_month/:i_day/:short_year-:slug:output_ext"),
                "/2021/12/8/21-202112082206703990.html",
            ),
            (Some("/news/:title"), "/news/202112082206703990"),
        ] {
            let site = site(style, None);
            assert_eq!(
                url(path, POST, Some(&site)).as_deref(),
                Some(expected),
                "{style:?}"
            );
        }
    }

    #[test]
    fn destination_files() {
        assert_eq!(destination("/a/b/", ".html"), "/a/b/index.html");
        assert_eq!(destination("/a/b", ".html"), "/a/b.html");
        assert_eq!(destination("/a/b.html", ".html"), "/a/b.html");
        assert_eq!(files_answering("/a/b/"), ["/a/b/index.html"]);
        assert_eq!(
            files_answering("/a/b"),
            ["/a/b", "/a/b.html", "/a/b/index.html"]
        );
    }

    #[test]
    fn front_matter_and_folders() {
        let site = site(None, None);
        // The post's own permalink wins, with placeholders.
        let text = "---\ntitle: t\ndate: 2021-12-08\npermalink: /archive/:year/:title/\n---\n";
        assert_eq!(
            url("site/_posts/2021-12-08-x.md", text, Some(&site)).as_deref(),
            Some("/archive/2021/x/")
        );
        // Categories are lowercased, several are joined, folders above `_posts` count too.
        let text = "---\ntitle: t\ndate: 2021-12-08\ncategories: [Markets, 港股]\n---\n";
        assert_eq!(
            url("site/news/_posts/2021-12-08-x.md", text, Some(&site)).as_deref(),
            Some("/markets/港股/news/2021/12/08/x.html")
        );
        // A `slug` in the front matter replaces the file name's; `:title` keeps case.
        let text = "---\ntitle: t\nslug: Big News\n---\n";
        assert_eq!(
            url("site/_posts/2021-12-08-x.md", text, Some(&site)).as_deref(),
            Some("/2021/12/08/Big-News.html")
        );
        // No date in the front matter: the file name's. No categories: no empty segment.
        assert_eq!(
            url(
                "site/_posts/2019-11-08-Network as a Service.md",
                "---\n---\n",
                Some(&site)
            )
            .as_deref(),
            Some("/2019/11/08/Network-as-a-Service.html")
        );
        // Unpublished, undated and draft files have no URL.
        let text = "---\ntitle: t\npublished: false\n---\n";
        assert_eq!(url("site/_posts/2021-12-08-x.md", text, Some(&site)), None);
        assert_eq!(
            url("site/_posts/-202205262391921712.md", POST, Some(&site)),
            None
        );
        assert_eq!(url("site/_drafts/2021-12-08-x.md", POST, Some(&site)), None);
    }

    #[test]
    fn dates_follow_the_site_clock() {
        // 23:30 in UTC is the next day in Shanghai: Jekyll converts to the site's zone.
        let text = "---\ntitle: t\ndate: 2021-12-07 23:30:00 +0000\n---\n";
        let shanghai = site(None, Some("Asia/Shanghai"));
        assert_eq!(
            url("site/_posts/2021-12-07-x.md", text, Some(&shanghai)).as_deref(),
            Some("/2021/12/08/x.html")
        );
        let unknown = site(None, None);
        assert_eq!(
            url("site/_posts/2021-12-07-x.md", text, Some(&unknown)).as_deref(),
            Some("/2021/12/07/x.html")
        );
    }

    #[test]
    fn pages() {
        let page = "---\ntitle: 关于\n---\n";
        let date = site(None, None);
        let pretty = site(Some("pretty"), None);
        let template = site(Some("/:categories/:title/"), None);
        assert_eq!(
            url("site/about.md", page, Some(&date)).as_deref(),
            Some("/about.html")
        );
        assert_eq!(
            url("site/about.md", page, Some(&pretty)).as_deref(),
            Some("/about/")
        );
        assert_eq!(
            url("site/about.md", page, Some(&template)).as_deref(),
            Some("/about/")
        );
        assert_eq!(
            url("site/docs/index.md", page, Some(&date)).as_deref(),
            Some("/docs/")
        );
        assert_eq!(
            url("site/index.html", page, Some(&date)).as_deref(),
            Some("/")
        );
        let text = "---\npermalink: /contact/\n---\n";
        assert_eq!(
            url("site/x/y.md", text, Some(&date)).as_deref(),
            Some("/contact/")
        );
        // Without front matter: HTML is copied as is, Markdown is no page.
        assert_eq!(
            url("site/old/page.html", "<p>x</p>", Some(&date)).as_deref(),
            Some("/old/page.html")
        );
        assert_eq!(url("site/notes.md", "plain", Some(&date)), None);
        assert_eq!(url("site/_layouts/post.html", page, Some(&date)), None);
        // Without a site, only posts have a place.
        assert_eq!(url("about.md", page, None), None);
        assert_eq!(
            url("archive/_posts/2021-12-08-x.md", POST, None).as_deref(),
            Some("/emnews/2021/12/08/x.html")
        );
    }

    #[test]
    fn site_paths() {
        let site = Site::from_config(
            PathBuf::from("site"),
            "site/_config.yml".to_owned(),
            "url: https://news.example.cn\nbaseurl: /blog/\n".to_owned(),
        );
        let page = Some("/emnews/2021/12/08/x.html");
        let path = |url: &str, page: Option<&str>| site_path(url, page, Some(&site));
        assert_eq!(
            path("/blog/emnews/2021/12/07/a.html#top", page).as_deref(),
            Some("/emnews/2021/12/07/a.html")
        );
        assert_eq!(
            path("../07/b.html?x=1", page).as_deref(),
            Some("/emnews/2021/12/07/b.html")
        );
        assert_eq!(
            path("//news.example.cn/blog/%E5%85%B3%E4%BA%8E/", page).as_deref(),
            Some("/关于/")
        );
        assert_eq!(
            path("http://NEWS.example.cn/blog", page).as_deref(),
            Some("/")
        );
        // A root-relative link that forgot `baseurl` is looked up as it is.
        assert_eq!(path("/old/", page).as_deref(), Some("/old/"));
        assert_eq!(path("https://other.example.cn/blog/x.html", page), None);
        assert_eq!(path("mailto:editor@example.cn", page), None);
        assert_eq!(path("#top", page), None);
        assert_eq!(path("", page), None);
        // A document-relative link needs the page's own URL.
        assert_eq!(path("b.html", None), None);
        assert_eq!(path("/blog/b.html", None).as_deref(), Some("/b.html"));
        // Without a site, no host is the site's.
        assert_eq!(
            site_path("https://news.example.cn/x.html", page, None),
            None
        );
        assert_eq!(site_path("/x.html", page, None).as_deref(), Some("/x.html"));
    }

    #[test]
    fn slugs_and_escapes() {
        assert_eq!(
            slugify("Big News: 2021!", Slugify::Default),
            "big-news-2021"
        );
        assert_eq!(
            slugify("Big News: 2021!", Slugify::Pretty),
            "Big-News-2021!"
        );
        assert_eq!(slugify("새 글", Slugify::Pretty), "새-글");
        assert_eq!(percent_decode("/%E6%96%B0/a%20b/%zz"), "/新/a b/%zz");
    }
}
