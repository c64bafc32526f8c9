//! LNK005 insecure-link: a plain `http:` URL.
//!
//! Content links and images are reported one by one. Source lines are metadata, and in a news
//! archive nearly all of them are `http:`: they are reported once for the whole archive, on the
//! first post that has one, with the count.

use super::{quoted, source_url, targets, Kind};
use crate::diagnostic::{Finding, Severity};
use crate::lint::{ArchiveIndex, Context, PostFacts, Rule, RuleMeta};
use crate::parse::Post;

pub struct InsecureLink;

static META: RuleMeta = RuleMeta {
    code: "LNK005",
    name: "insecure-link",
    summary: "A URL uses plain http",
    explanation: "## What it does
Reports each link and image of the content whose URL starts with `http:`. Source lines (the
last `<http://…>` line of a news post) are reported once for the whole archive, on the first
post whose source URL uses `http:`, with the number of others.

## Why is this bad?
A page fetched over plain http can be read and changed on the way; browsers block http images
on https pages and mark http links as not secure. Many news sites now answer on https too.

## Example
```markdown
据[交易所公告](http://www.szse.example.cn/disclosure/notice/)，该股明日复牌。

<http://finance.example.cn/a/202112080000000001.html>
```

## How to fix
Change `http:` to `https:` where the other site answers on https. Where it does not, keep the
link: this is information, not an error. A source URL records where the article was found:
change it only when the same address answers on https.",
    default_severity: Severity::Info,
};

/// The span of a source URL that uses plain http.
struct InsecureSource(std::ops::Range<usize>);

impl Rule for InsecureLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        for target in targets(post, context.body) {
            if target.kind == Kind::Source || target.problem.is_some() || !is_http(target.url) {
                continue;
            }
            out.push(
                Finding::new(
                    target.span,
                    format!(
                        "{} {} uses plain http",
                        target.kind.noun(),
                        quoted(target.url)
                    ),
                )
                .with_help("use https if the site answers on it"),
            );
        }
    }

    /// The span of the post's source URL, when it uses plain http.
    fn summarize(&self, post: &Post, context: &Context<'_>) -> Option<PostFacts> {
        let source = source_url(post, context.body).filter(|source| source.insecure)?;
        Some(Box::new(InsecureSource(source.span)))
    }

    fn check_archive(&self, archive: &ArchiveIndex<'_>, out: &mut Vec<(usize, Finding)>) {
        let mut insecure = archive
            .facts::<InsecureSource>()
            .map(|(index, source)| (index, source.0.clone()));
        let Some((first, span)) = insecure.next() else {
            return;
        };
        let others = insecure.count();
        let message = match others {
            0 => "source URL uses plain http".to_owned(),
            1 => "this and 1 other source URL use plain http".to_owned(),
            _ => format!("this and {others} other source URLs use plain http"),
        };
        out.push((
            first,
            Finding::new(span, message).with_help(
                "a source URL records where the article was found: change it to https only where that address answers on https (reported once for the archive)",
            ),
        ));
    }
}

pub(super) fn is_http(url: &str) -> bool {
    url.get(..5)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http:"))
}
