//! LNK008 duplicate-source-url: two posts archived from the same article.

use std::collections::HashMap;

use super::{source_url, SourceUrl};
use crate::diagnostic::{Finding, Severity};
use crate::lint::{ArchiveIndex, Context, PostFacts, Rule, RuleMeta};
use crate::parse::Post;

pub struct DuplicateSourceUrl;

static META: RuleMeta = RuleMeta {
    code: "LNK008",
    name: "duplicate-source-url",
    summary: "Another post has the same source URL",
    explanation: "## What it does
Reports a post whose source line (the last `<http://…>` line of a news post) holds the same URL
as the source line of a post earlier in path order, naming that post. `http` and `https`, the
case of the host, a trailing `/` and a `#fragment` make no difference.

## Why is this bad?
The same article was archived twice, often under two IDs or after a feed re-sent it with a
corrected title: readers see it twice, and an e-book has two chapters of the same text.

## Example
```text
_posts/2021-12-08-202112080000000001.md   <http://finance.example.cn/a/202112081830412208.html>
_posts/2021-12-08-202112080000000002.md   <https://finance.example.cn/a/202112081830412208.html>
```

## How to fix
Keep the better of the two posts and delete the other (or redirect its URL to the one kept).",
    default_severity: Severity::Warning,
};

impl Rule for DuplicateSourceUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn summarize(&self, post: &Post, context: &Context<'_>) -> Option<PostFacts> {
        Some(Box::new(source_url(post, context.body)?))
    }

    fn check_archive(&self, archive: &ArchiveIndex<'_>, out: &mut Vec<(usize, Finding)>) {
        let mut first: HashMap<u64, usize> = HashMap::new();
        for (index, source) in archive.facts::<SourceUrl>() {
            match first.get(&source.key) {
                Some(&earlier) => out.push((
                    index,
                    Finding::new(
                        source.span.clone(),
                        format!("same source URL as {}", archive.paths[earlier]),
                    )
                    .with_help("the article was archived twice: delete one of the two posts"),
                )),
                None => {
                    first.insert(source.key, index);
                }
            }
        }
    }
}

/// `HTTPS://News.Example.cn/a/1/#top` → `news.example.cn/a/1`.
pub(super) fn normalise(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return url.trim().trim_end_matches('/').to_owned();
    };
    let mut key = String::new();
    if !matches!(parsed.scheme(), "http" | "https") {
        key.push_str(parsed.scheme());
        key.push(':');
    }
    key.push_str(parsed.host_str().unwrap_or_default());
    if let Some(port) = parsed.port() {
        key.push_str(&format!(":{port}"));
    }
    key.push_str(parsed.path().trim_end_matches('/'));
    if let Some(query) = parsed.query() {
        key.push('?');
        key.push_str(query);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn scheme_case_slash_and_fragment_do_not_count() {
        let key = normalise("http://news.example.cn/a/1.html");
        assert_eq!(normalise("https://NEWS.example.cn/a/1.html"), key);
        assert_eq!(normalise("http://news.example.cn/a/1.html/"), key);
        assert_eq!(normalise("http://news.example.cn/a/1.html#top"), key);
        assert_ne!(normalise("http://news.example.cn/a/1.html?page=2"), key);
        assert_ne!(normalise("http://news.example.cn:8080/a/1.html"), key);
    }
}
