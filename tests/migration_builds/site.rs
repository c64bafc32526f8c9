//! A built site as a static server and a reader see it: which file a URL gives (redirect pages
//! followed), what a post's page says of itself, and its visible text and code languages.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html};

use super::text::{selector, visible_text};

/// A post's fields as the platform's template variables gave them.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    pub title: String,
    /// Seconds since the epoch, as printed.
    pub date: String,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub source_url: String,
}

/// A built site: where its files are, the base URL it says it has, and its posts.
pub struct Built {
    pub root: PathBuf,
    /// As the platform says it, without the trailing slash.
    pub base_url: String,
    /// The path of the base URL, without the trailing slash (`""` at the root).
    pub base_path: String,
    /// Each published post's URL as the platform lists it (below `base_path`), with its fields.
    pub posts: Vec<(String, Fields)>,
}

impl Built {
    /// The posts by the file served for their URL; the URLs that serve nothing.
    pub fn posts_by_file(&self) -> (BTreeMap<PathBuf, Fields>, Vec<String>) {
        let mut by_file = BTreeMap::new();
        let mut unserved = Vec::new();
        for (url, fields) in &self.posts {
            match file_for(&self.root, &path_of(url)) {
                Some(file) => {
                    by_file.insert(file, fields.clone());
                }
                None => unserved.push(url.clone()),
            }
        }
        (by_file, unserved)
    }
}

/// The path of a URL, absolute or from the host's root (a path without a leading slash is
/// taken from the root too).
pub fn path_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => parsed.path().to_owned(),
        Err(_) => {
            let path = url.split(['?', '#']).next().unwrap_or_default();
            if path.starts_with('/') {
                path.to_owned()
            } else {
                format!("/{path}")
            }
        }
    }
}

/// The path of a base URL, without the trailing slash.
pub fn base_path_of(base_url: &str) -> String {
    path_of(base_url).trim_end_matches('/').to_owned()
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The file a static server gives for `path` (below the base path, percent-encoded or not):
/// the file, `index.html` in the folder, or the file with `.html` added (as GitHub Pages and
/// most servers do).
pub fn file_for(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path);
    let relative = decoded.trim_start_matches('/');
    if relative.split('/').any(|part| part == "..") {
        return None;
    }
    let at = root.join(relative);
    if decoded.ends_with('/') || relative.is_empty() {
        let index = at.join("index.html");
        return index.is_file().then_some(index);
    }
    [
        at.clone(),
        at.join("index.html"),
        PathBuf::from(format!("{}.html", at.display())),
    ]
    .into_iter()
    .find(|candidate| candidate.is_file())
}

/// Where a URL led: the file served in the end, and the redirects followed to reach it.
pub struct Landing {
    pub file: PathBuf,
    pub redirects: usize,
}

/// The file `url` leads to, following redirect pages (`<meta http-equiv="refresh">`, which
/// Hugo's aliases are); `below_base` when `url` is written below the base path (as Jekyll's
/// `post.url`), else it is a URL of the host.
pub fn resolve(built: &Built, url: &str, below_base: bool) -> Result<Landing, String> {
    let mut path = path_of(url);
    let mut below_base = below_base;
    let mut redirects = 0;
    loop {
        let below = if below_base {
            path.clone()
        } else {
            match path.strip_prefix(&built.base_path) {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_owned(),
                _ => return Err(format!("{path} is outside the site ({})", built.base_url)),
            }
        };
        let file = file_for(&built.root, &below)
            .ok_or_else(|| format!("nothing is served at {below} (below the base URL)"))?;
        let html = Html::parse_document(&fs::read_to_string(&file).unwrap_or_default());
        match refresh_target(&html) {
            Some(target) if redirects < 5 => {
                redirects += 1;
                path = path_of(&target);
                below_base = false;
            }
            Some(_) => return Err(format!("{path}: too many redirects")),
            None => return Ok(Landing { file, redirects }),
        }
    }
}

/// The URL of a `<meta http-equiv="refresh" content="0; url=…">`.
fn refresh_target(html: &Html) -> Option<String> {
    let content = html
        .select(&selector("meta[http-equiv]"))
        .find(|meta| {
            meta.value()
                .attr("http-equiv")
                .is_some_and(|name| name.eq_ignore_ascii_case("refresh"))
        })?
        .value()
        .attr("content")?;
    let at = content.to_ascii_lowercase().find("url=")?;
    Some(
        content[at + 4..]
            .trim()
            .trim_matches(['\'', '"'])
            .to_owned(),
    )
}

/// What a post's page shows: its visible text (of `#nb-content`, which the test's layouts
/// put around the content, or of the whole page when the post has no layout) and the
/// languages of its code blocks.
pub struct Shown {
    pub text: String,
    pub languages: Vec<String>,
}

pub fn shown(file: &Path) -> Shown {
    let html = Html::parse_document(&fs::read_to_string(file).unwrap_or_default());
    let content = html
        .select(&selector("#nb-content"))
        .next()
        .unwrap_or_else(|| html.root_element());
    Shown {
        text: visible_text(content),
        languages: languages(content),
    }
}

/// `x` of a `class` attribute holding `language-x`. `plaintext` is no language: it is what
/// kramdown (with Rouge, Jekyll's highlighter) labels a block without one.
pub fn language_in(class: Option<&str>) -> Option<String> {
    class?
        .split_whitespace()
        .find_map(|class| class.strip_prefix("language-"))
        .filter(|language| !language.is_empty() && *language != "plaintext")
        .map(str::to_owned)
}

/// The languages of the code blocks that have one, in order: `language-x` or `data-lang` on
/// the `code`, on the `pre` or on an element around it (kramdown's
/// `div.language-x.highlighter-rouge`, Hugo's `div.highlight` keeps it on the `code`).
pub fn languages(content: ElementRef) -> Vec<String> {
    content
        .select(&selector("pre"))
        .filter_map(|pre| {
            let code = pre.select(&selector("code")).next();
            code.and_then(|code| {
                language_in(code.value().attr("class"))
                    .or_else(|| code.value().attr("data-lang").map(str::to_owned))
            })
            .or_else(|| {
                [pre]
                    .into_iter()
                    .chain(
                        pre.ancestors()
                            .filter_map(ElementRef::wrap)
                            .take_while(|ancestor| ancestor.id() != content.id()),
                    )
                    .find_map(|element| language_in(element.value().attr("class")))
            })
        })
        .collect()
}
