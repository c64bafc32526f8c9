//! The trailer of a news post: a last bare autolink line (`<http://…>`) is the post's source
//! URL; trailing lines made only of links to the site (`[返回首页](//host/)｜[返回…](../x/)`) are
//! navigation. Both are metadata, not content: they are cut from the body before rendering,
//! and kept (with their spans) for the model, the diagnostics and the exports.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A link found in the trailer, with its span in the (preprocessed) body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailerLink {
    pub text: String,
    pub url: String,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trailer {
    /// Where the content ends (the trailer and the blank lines before it are cut).
    pub content_end: usize,
    pub source: Option<TrailerLink>,
    /// In document order.
    pub navigation: Vec<TrailerLink>,
}

static MARKDOWN_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+"[^"]*")?\s*\)"#).expect("valid regex")
});
static AUTOLINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<((?:https?|ftp)://[^<>\s]+)?>$").expect("valid regex"));
/// What may stand between navigation links on one line.
const SEPARATORS: &[char] = &[
    '｜', '|', '·', '•', '/', '／', '、', ' ', '\t', '\u{3000}', '-', '>', '»',
];

/// Find the trailer of `text`. `site_host` (from `_config.yml`'s `url`) makes links to the
/// site count as navigation whatever their text; `navigation` are the link texts (prefixes)
/// that do too.
pub fn split(text: &str, site_host: Option<&str>, navigation: &[String]) -> Trailer {
    let mut trailer = Trailer {
        content_end: text.len(),
        ..Trailer::default()
    };
    let mut end = text.len();
    let mut navigation_lines: Vec<Vec<TrailerLink>> = Vec::new();
    loop {
        let trimmed_end = text[..end].trim_end().len();
        if trimmed_end == 0 {
            end = 0;
            break;
        }
        let line_start = text[..trimmed_end].rfind('\n').map_or(0, |p| p + 1);
        let line = &text[line_start..trimmed_end];
        let content = line.trim();
        let offset = line_start + (line.len() - line.trim_start().len());
        if let Some(links) = navigation_line(content, offset, site_host, navigation) {
            navigation_lines.push(links);
        } else if trailer.source.is_none() {
            let Some(captures) = AUTOLINK.captures(content) else {
                break;
            };
            // `<>` is what a feed mirror writes when the article had no URL: still the source line.
            trailer.source = Some(TrailerLink {
                text: String::new(),
                url: captures
                    .get(1)
                    .map_or(String::new(), |url| url.as_str().to_owned()),
                span: offset..offset + content.len(),
            });
        } else {
            break;
        }
        end = line_start;
    }
    if trailer.source.is_none() && navigation_lines.is_empty() {
        return trailer;
    }
    trailer.content_end = text[..end].trim_end().len();
    navigation_lines.reverse();
    trailer.navigation = navigation_lines.into_iter().flatten().collect();
    trailer
}

/// Could [`split`] take the last line of `text` for a source line or navigation, on some site:
/// is it a bare autolink, or made only of links? (The Markdown export ends such a body with a
/// comment, so that reading it back keeps the line.)
pub fn ends_like_a_trailer(text: &str) -> bool {
    let Some(last) = text.lines().rev().find(|line| !line.trim().is_empty()) else {
        return false;
    };
    let last = last.trim();
    AUTOLINK.is_match(last) || links_line(last, 0).is_some()
}

/// The links of a line made only of navigation links, or `None`.
fn navigation_line(
    content: &str,
    offset: usize,
    site_host: Option<&str>,
    navigation: &[String],
) -> Option<Vec<TrailerLink>> {
    let links = links_line(content, offset)?;
    let is_navigation = |link: &TrailerLink| {
        let text = link.text.trim();
        navigation
            .iter()
            .any(|pattern| text.starts_with(pattern.as_str()))
            || is_site_link(&link.url, site_host)
    };
    links.iter().all(is_navigation).then_some(links)
}

/// The links of a line made only of Markdown links and separators, or `None`.
fn links_line(content: &str, offset: usize) -> Option<Vec<TrailerLink>> {
    let mut links = Vec::new();
    let mut covered = 0;
    for captures in MARKDOWN_LINK.captures_iter(content) {
        let whole = captures.get(0)?;
        if !content[covered..whole.start()]
            .chars()
            .all(|c| SEPARATORS.contains(&c))
        {
            return None;
        }
        covered = whole.end();
        links.push(TrailerLink {
            text: captures[1].to_owned(),
            url: captures[2].to_owned(),
            span: offset + whole.start()..offset + whole.end(),
        });
    }
    if links.is_empty() || !content[covered..].chars().all(|c| SEPARATORS.contains(&c)) {
        return None;
    }
    Some(links)
}

/// Relative links, and absolute or protocol-relative links to the site's own host.
fn is_site_link(url: &str, site_host: Option<&str>) -> bool {
    if url.starts_with("//") || url.contains("://") {
        let host = super::url::host_of(&if url.starts_with("//") {
            format!("https:{url}")
        } else {
            url.to_owned()
        });
        return match (host, site_host) {
            (Some(host), Some(site)) => host == site,
            _ => false,
        };
    }
    !url.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Vec<String> {
        vec!["返回".into(), "首页".into()]
    }

    #[test]
    fn trailer_like_endings() {
        assert!(ends_like_a_trailer("正文\n\n<https://example.com/a>"));
        assert!(ends_like_a_trailer("正文\n\n<>\n\n"));
        assert!(ends_like_a_trailer("正文\n\n- [返回](/x)"));
        assert!(ends_like_a_trailer(
            "Text\n\n[Home](https://other.example/) | [Next](/b)"
        ));
        assert!(!ends_like_a_trailer("详见[公告](http://x.example/)全文。"));
        assert!(!ends_like_a_trailer("See <https://example.com/a> for more"));
        assert!(!ends_like_a_trailer(""));
    }

    #[test]
    fn source_then_navigation() {
        let text = "<p>正文。</p>\n\n<http://news.example.cn/a/1.html>\n\n[返回财经](//news.example.cn/caijing/)｜[返回首页](//news.example.cn/)";
        let trailer = split(text, Some("news.example.cn"), &defaults());
        assert_eq!(&text[..trailer.content_end], "<p>正文。</p>");
        assert_eq!(
            trailer.source.unwrap().url,
            "http://news.example.cn/a/1.html"
        );
        let urls: Vec<_> = trailer
            .navigation
            .iter()
            .map(|link| link.url.as_str())
            .collect();
        assert_eq!(urls, ["//news.example.cn/caijing/", "//news.example.cn/"]);
    }

    #[test]
    fn navigation_on_separate_lines_and_relative() {
        let text = "正文。\n\n<http://x.example/1>\n\n[返回新闻](../news/)\n\n[返回首页](../)\n";
        let trailer = split(text, None, &defaults());
        assert_eq!(&text[..trailer.content_end], "正文。");
        assert_eq!(trailer.navigation.len(), 2);
    }

    #[test]
    fn a_paragraph_with_a_link_is_content() {
        let text = "正文。\n\n详见[公告](http://other.example/notice)全文。";
        let trailer = split(text, None, &defaults());
        assert_eq!(trailer.content_end, text.len());
        assert!(trailer.navigation.is_empty());
        let text = "正文。\n\n[公告原文](http://other.example/notice)";
        assert_eq!(split(text, None, &defaults()).content_end, text.len());
    }
}
