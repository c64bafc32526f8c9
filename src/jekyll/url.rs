//! Jekyll's URLs: templates and their placeholders, permalink styles, slugs, the escaping of
//! placeholder values, where a URL is written (`/x/` → `/x/index.html`), and the reverse: which
//! site path a link in a post asks for.
//!
//! This follows Jekyll 4 (`Jekyll::URL`, `Drops::UrlDrop`, `Utils.slugify`,
//! `Utils.add_permalink_suffix`, `Document#destination`). It knows nothing of dates or of
//! which files are posts: [`super`] decides that and fills the placeholders.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use regex::Regex;

use crate::parse::Post;
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

/// The template of a permalink style name (`date`, `pretty`, `ordinal`, `weekdate`, `none`),
/// or the setting itself when it is a template. No setting is the `date` style.
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

/// `.md` and friends (any case) become `.html`; other extensions stay as written (Jekyll's
/// identity converter).
pub fn output_extension(extension: &str) -> String {
    match extension.to_ascii_lowercase().as_str() {
        "md" | "markdown" | "mkd" | "mkdn" | "mkdown" => ".html".to_owned(),
        "" => String::new(),
        _ => format!(".{extension}"),
    }
}

/// Jekyll's `Utils.add_permalink_suffix`: how a page's URL ends under the site's style.
pub(super) fn add_permalink_suffix(template: &str, setting: Option<&str>) -> String {
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
pub(super) fn interpolate(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Option<String> {
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
pub(super) fn destination(url: &str, output_ext: &str) -> String {
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

/// The modes of Jekyll's `Utils.slugify` that URLs use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slugify {
    /// Letters, marks and decimal digits kept; every other run becomes one `-`; lowercased
    /// (`:slug`, `:name`).
    Default,
    /// Also keeps `._~!$&'()+,;=@`; case kept (`:title`).
    Pretty,
}

static SLUGIFY_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\p{M}\p{L}\p{Nd}]+").expect("a valid regular expression"));
static SLUGIFY_PRETTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+").expect("a valid regular expression")
});

/// Jekyll's `Utils.slugify(text, mode:)`: runs of other characters become `-`, one `-` is
/// removed at each end.
pub fn slugify(text: &str, mode: Slugify) -> String {
    let pattern = match mode {
        Slugify::Default => &*SLUGIFY_DEFAULT,
        Slugify::Pretty => &*SLUGIFY_PRETTY,
    };
    let slug = pattern.replace_all(text, "-");
    let slug = slug.strip_prefix('-').unwrap_or(&slug);
    let slug = slug.strip_suffix('-').unwrap_or(slug);
    match mode {
        Slugify::Default => slug.to_lowercase(),
        Slugify::Pretty => slug.to_owned(),
    }
}

/// Jekyll's `URL.escape_path`, applied to each placeholder's value (never to the template's
/// own text): Addressable's encoding of a path, so letters, digits, `-._~`, `!$&'()*+,;=`,
/// `:@/?` stay and every other byte of the UTF-8 becomes `%XX`; `#` becomes `%23`.
pub fn escape_path(value: &str) -> String {
    let keep = |byte: u8| byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&byte);
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if keep(byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
