//! LNK007 broken-internal-link: a link to the site itself that no post or page of the archive
//! answers.
//!
//! Each post's summary keeps the file Jekyll writes for it and its links into the site
//! ([`site_links`]); the archive check looks every link up among the files of its site.

use std::collections::HashSet;

use super::{quoted, targets, Kind};
use crate::diagnostic::{Finding, Severity};
use crate::jekyll::{self, Place};
use crate::lint::{ArchiveIndex, Context, PostFacts, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::{CleanBody, LinkProblem};
use crate::source::Site;

pub struct BrokenInternalLink;

static META: RuleMeta = RuleMeta {
    code: "LNK007",
    name: "broken-internal-link",
    summary: "A link to the site matches no post or page of the archive",
    explanation: "## What it does
Reports a link of the content that points into the site itself and that no post or page of
the archive answers. A link is internal when it is relative (`/emnews/x.html`, `../x/`) or
when its host is the host of `url` in `_config.yml` (`https://`, `http://` or `//`). It is
resolved against the post's own URL and `baseurl`, and looked up among the URLs of every post
and page, which are worked out as Jekyll does: `permalink` in `_config.yml` (`date`, the
default, `pretty`, `ordinal`, `weekdate`, `none`, or a template with `:categories`, `:year`,
`:month`, `:day`, `:title`, `:slug`, `:output_ext`, …), a post's own `permalink`, pages at
their path. `/x` finds `x.html`, `x/` finds `x/index.html`.

Not checked: the navigation line at the end of a news post (it points at category pages that
themes make), the home page `/`, links to images, styles, PDFs and other files with an
extension other than `.html`, links to the same page (`#part`), and URLs made by a Liquid tag
newsbundle does not run (`{% post_url %}`, `{{ page.url }}`). Without a `_config.yml` only
relative links are internal. Documents of other collections are not read: a link under
`/NAME/` of a collection that `_config.yml` writes out (`collections: NAME: output: true`) is
not checked. Pages that plugins make are not known, and neither are parts of the site that are
not being linted: a link to them is reported, so lint the whole site.

## Why is this bad?
The reader follows the link and gets a 404: the post was renamed, its date or category
changed the URL, or it never existed. In an e-book the link goes nowhere.

## Example
```markdown
此前报道见[《央行开展逆回购操作》](/emnews/2021/12/07/202112070000000001.html)。
```
while the post `_posts/2021-12-07-202112070000000001.md` has `categories: finance`, so its URL
is `/finance/2021/12/07/202112070000000001.html`.

## How to fix
Correct the URL (date, categories and file name make it, or the post's `permalink`), restore
the missing post, or remove the link and keep its text.",
    default_severity: Severity::Warning,
};

impl Rule for BrokenInternalLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn summarize(&self, post: &Post, context: &Context<'_>) -> Option<PostFacts> {
        Some(Box::new(site_links(post, context.site, context.body)))
    }

    fn check_archive(&self, archive: &ArchiveIndex<'_>, out: &mut Vec<(usize, Finding)>) {
        let files: HashSet<u64> = archive
            .facts::<SiteLinks>()
            .filter_map(|(_, links)| links.page_key)
            .collect();
        for (index, links) in archive.facts::<SiteLinks>() {
            let site_key = links.site_key;
            for link in links.internal.iter() {
                let answered = jekyll::files_answering(&link.path)
                    .iter()
                    .any(|file| files.contains(&jekyll::file_key(site_key, file)));
                if answered {
                    continue;
                }
                out.push((
                    index,
                    Finding::new(
                        link.span.clone(),
                        format!(
                            "link {} matches no post or page of the archive",
                            quoted(&link.written)
                        ),
                    )
                    .with_help(help(link)),
                ));
            }
        }
    }
}

fn help(link: &InternalLink) -> String {
    const FIX: &str = "correct the URL, restore the post, or remove the link and keep its text";
    let written = link.written.split(['#', '?']).next().unwrap_or_default();
    if jekyll::percent_decode(written) == *link.path {
        FIX.to_owned()
    } else {
        format!(
            "it resolves to {} within the site; {FIX}",
            quoted(&link.path)
        )
    }
}

/// What the rule keeps of a post: only internal links are kept as text, as they are few.
#[derive(Debug, Clone, Default)]
pub struct SiteLinks {
    /// The site the post belongs to (a hash of its root folder).
    pub site_key: u64,
    /// The file Jekyll writes for the post, hashed with `site_key`; `None` when it writes none.
    pub page_key: Option<u64>,
    /// The content links that point into the site.
    pub internal: Box<[InternalLink]>,
}

/// A link from a post to its own site.
#[derive(Debug, Clone)]
pub struct InternalLink {
    /// The URL as written.
    pub written: Box<str>,
    /// What it asks the site for, below `baseurl` and percent-decoded: `/emnews/x.html`.
    pub path: Box<str>,
    /// The URL in the file.
    pub span: std::ops::Range<usize>,
}

/// Where `post` is on its site, and its content links into the site.
pub fn site_links(post: &Post, site: Option<&Site>, body: &CleanBody) -> SiteLinks {
    let Some(place) = Place::of(post, site) else {
        return SiteLinks::default();
    };
    let site_key = place.site_key();
    let location = jekyll::location(post, &place, site);
    let page = location.as_ref().map(|location| location.url.as_str());

    let mut internal = Vec::new();
    for target in targets(post, body) {
        if target.kind != Kind::Link
            || target.templated
            || target.url.is_empty()
            || !matches!(target.problem, None | Some(LinkProblem::ProtocolRelative))
        {
            continue;
        }
        let Some(path) = jekyll::site_path(target.url, page, site) else {
            continue;
        };
        if path == "/" || !is_page_path(&path) || in_output_collection(&path, site) {
            continue;
        }
        internal.push(InternalLink {
            written: target.raw.trim().into(),
            path: path.into(),
            span: target.span,
        });
    }
    SiteLinks {
        site_key,
        page_key: location.map(|location| jekyll::file_key(site_key, &location.file)),
        internal: internal.into_boxed_slice(),
    }
}

/// A path under `/NAME/` of a collection the site writes out (`/docs/configuration/`): its
/// documents are not read, so nothing says whether the link is broken.
fn in_output_collection(path: &str, site: Option<&Site>) -> bool {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    site.is_some_and(|site| site.output_collections.iter().any(|name| name == first))
}

/// A path a post or page could answer: no extension, or `.html` / `.htm`. `v1.2` has no
/// extension (an extension has a letter).
fn is_page_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((_, extension)) = name.rsplit_once('.') else {
        return true;
    };
    let is_extension = !extension.is_empty()
        && extension.len() <= 10
        && extension.bytes().all(|b| b.is_ascii_alphanumeric())
        && extension.bytes().any(|b| b.is_ascii_alphabetic());
    !is_extension || matches!(extension.to_ascii_lowercase().as_str(), "html" | "htm")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::parse;
    use crate::sanitize::{sanitize, Policy};
    use crate::source::decode;

    fn internal_paths(site: Option<&Site>, path: &str, body: &str) -> Vec<String> {
        let text = format!(
            "---\ntitle: t\ndate: 2021-12-08 10:00:00 +0800\ncategories: emnews\n---\n{body}"
        );
        let post = parse::parse(path, decode(text.as_bytes(), None));
        let clean = sanitize(&post, site, &Policy::default());
        let links = site_links(&post, site, &clean);
        assert!(links.page_key.is_some(), "{path} has a URL");
        links
            .internal
            .iter()
            .map(|link| link.path.to_string())
            .collect()
    }

    #[test]
    fn which_links_are_internal() {
        let site = Site::from_config(
            PathBuf::from("site"),
            "site/_config.yml".to_owned(),
            "url: https://news.example.cn\nbaseurl: /blog/\n".to_owned(),
        );
        let body = "[a](/blog/emnews/2021/12/07/a.html) [b](../07/b.html) [c](//news.example.cn/blog/about/) \
            [d](http://news.example.cn/blog/%E5%85%B3%E4%BA%8E.html#top) [e]({{ site.baseurl }}/x/) [f](/old/) \
            [out](https://other.example.cn/x.html) [asset](/blog/assets/a.png) [here](#top) [home](/blog/) \
            [mail](mailto:editor@example.cn) [other site](https://news.example.cn/elsewhere/x.html)";
        assert_eq!(
            internal_paths(Some(&site), "site/_posts/2021-12-08-x.md", body),
            [
                "/emnews/2021/12/07/a.html",
                "/emnews/2021/12/07/b.html",
                "/about/",
                "/关于.html",
                "/x/",
                "/old/",
                "/elsewhere/x.html",
            ]
        );
        // Without a site, only relative links are internal, and there is no `baseurl`; a URL
        // made by a Liquid tag is not judged.
        assert_eq!(
            internal_paths(None, "archive/_posts/2021-12-08-x.md", body),
            [
                "/blog/emnews/2021/12/07/a.html",
                "/emnews/2021/12/07/b.html",
                "/old/",
                "/blog/",
            ]
        );
    }

    #[test]
    fn page_paths() {
        assert!(is_page_path("/emnews/2021/12/08/x.html"));
        assert!(is_page_path("/about/"));
        assert!(is_page_path("/about"));
        assert!(is_page_path("/news/v1.2"));
        assert!(!is_page_path("/assets/images/chart.png"));
        assert!(!is_page_path("/files/report.PDF"));
        assert!(!is_page_path("/feed.xml"));
    }
}
