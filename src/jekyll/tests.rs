//! The model on small sites written here; `tests/jekyll_oracle.rs` checks it against Jekyll.

use std::path::PathBuf;

use super::url::{destination, Slugify};
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
        Some("/news/markets/港股/2021/12/08/x.html")
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

fn model(path: &str, text: &str, config: &str) -> Document {
    let site = Site::from_config(
        PathBuf::from("site"),
        "site/_config.yml".to_owned(),
        config.to_owned(),
    );
    let post = parse::parse(path, decode(text.as_bytes(), None));
    let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    document(&post, Some(&site), now)
}

#[test]
fn unquoted_dates_are_utc_and_shift_the_url() {
    // 20:00 written without zone is 20:00 UTC: the next day in Shanghai.
    let text = "---\ntitle: 晚间\ndate: 2022-03-05 20:00:00\ncategories: 经济\n---\n";
    let document = model(
        "site/local/_posts/2022-03-05-evening.md",
        text,
        "timezone: Asia/Shanghai\n",
    );
    assert_eq!(
        document.date.map(|date| date.to_rfc3339()).as_deref(),
        Some("2022-03-06T04:00:00+08:00")
    );
    assert_eq!(
        document.url.as_deref(),
        Some("/local/%E7%BB%8F%E6%B5%8E/2022/03/06/evening.html")
    );
    assert_eq!(document.categories, ["local", "经济"]);
    // Quoted, it is site time.
    let quoted = text.replace("2022-03-05 20:00:00", "\"2022-03-05 20:00:00\"");
    let document = model(
        "site/local/_posts/2022-03-05-evening.md",
        &quoted,
        "timezone: Asia/Shanghai\n",
    );
    assert_eq!(
        document.url.as_deref(),
        Some("/local/%E7%BB%8F%E6%B5%8E/2022/03/05/evening.html")
    );
}

#[test]
fn statuses() {
    let post = "site/_posts/2021-12-08-x.md";
    let status = |text: &str, config: &str| model(post, text, config).status;
    assert_eq!(status("---\ntitle: t\n---\n", ""), Status::Published);
    assert_eq!(
        status("---\npublished: false\n---\n", ""),
        Status::Unpublished
    );
    assert_eq!(status("---\npublished:\n---\n", ""), Status::Unpublished);
    // Ruby's truth: the string "false" is true.
    assert_eq!(
        status("---\npublished: \"false\"\n---\n", ""),
        Status::Published
    );
    // YAML 1.1, as Psych reads it: a plain `no` is false.
    assert_eq!(status("---\npublished: no\n---\n", ""), Status::Unpublished);
    assert_eq!(status("---\npublished: 'no'\n---\n", ""), Status::Published);
    assert_eq!(
        status("---\npublished: false\n---\n", "unpublished: true\n"),
        Status::Published
    );
    assert_eq!(status("---\ndate: 2999-01-01\n---\n", ""), Status::Future);
    assert_eq!(
        status("---\ndate: 2999-01-01\n---\n", "future: true\n"),
        Status::Published
    );
    let draft = model("site/_drafts/x.md", "---\ndate: 2021-12-08\n---\n", "");
    assert_eq!((draft.kind, draft.status), (Kind::Draft, Status::Draft));
    // A draft's type is `posts`: a `drafts` scope applies to nothing, a `posts` one does.
    let scoped = |kind: &str| {
        let config = format!(
            "defaults:\n  - scope: {{type: {kind}}}\n    values: {{permalink: /d/:title/}}\n"
        );
        model("site/_drafts/x.md", "---\ndate: 2021-12-08\n---\n", &config).url
    };
    assert_eq!(scoped("drafts").as_deref(), Some("/2021/12/08/x.html"));
    assert_eq!(scoped("posts").as_deref(), Some("/d/x/"));
    let ignored = model("site/_posts/x.md", "---\ntitle: t\n---\n", "");
    assert_eq!(
        (ignored.kind, ignored.url, ignored.status),
        (Kind::Ignored, None, Status::Unpublished)
    );
    let page = model("site/about.md", "---\ntitle: t\n---\n", "");
    assert_eq!((page.kind, page.url), (Kind::Page, None));
}

#[test]
fn collection_and_defaults_permalinks() {
    let post = "site/news/_posts/2021-12-08-x.md";
    let text = "---\ntitle: t\ndate: 2021-12-08 09:00:00 +0800\n---\n";
    let url = |config: &str| model(post, text, config).url;
    assert_eq!(
        url("permalink: pretty\ncollections:\n  posts:\n    permalink: /p/:year/:slug/\n")
            .as_deref(),
        Some("/p/2021/x/")
    );
    let defaults = "defaults:\n  - scope: {path: ''}\n    values: {permalink: /all/:title:output_ext}\n  - scope: {path: news, type: posts}\n    values: {permalink: /n/:categories/:i_month/:title/}\n";
    assert_eq!(url(defaults).as_deref(), Some("/n/news/12/x/"));
    // The front matter's own permalink wins over defaults; placeholders are filled.
    let own = "---\ndate: 2021-12-08\npermalink: /新闻/:year/:title\n---\n";
    assert_eq!(
        model(post, own, defaults).url.as_deref(),
        Some("/新闻/2021/x")
    );
    // `slug:` and defaults' categories.
    let slugged = "---\ndate: 2021-12-08\nslug: Big News!\n---\n";
    let config = "defaults:\n  - scope: {type: posts}\n    values: {categories: [市场]}\n";
    assert_eq!(
        model(post, slugged, config).url.as_deref(),
        Some("/news/%E5%B8%82%E5%9C%BA/2021/12/08/Big-News!.html")
    );
}

#[test]
fn escapes_like_addressable() {
    assert_eq!(escape_path("abc/1.html"), "abc/1.html");
    assert_eq!(escape_path("经济"), "%E7%BB%8F%E6%B5%8E");
    assert_eq!(escape_path("a b%c?d#e[f]"), "a%20b%25c?d%23e%5Bf%5D");
    assert_eq!(slugify("Ünïcode ², 2021", Slugify::Default), "ünïcode-2021");
    assert_eq!(
        slugify("피터모빌의 UX 7요소", Slugify::Pretty),
        "피터모빌의-UX-7요소"
    );
    assert_eq!(slugify("Hello, World!", Slugify::Default), "hello-world");
    assert_eq!(slugify("Hello, World!", Slugify::Pretty), "Hello,-World!");
}
