//! The book planned from the export: every post's chapter, group and volume, and the pages
//! built from that plan (title page, group pages, chapters).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};

use super::body::{absolute_url, is_absolute, Rewriter};
use super::contents::{collapse, renumber, GroupKey, Node};
use super::images::{ImageSource, Resources};
use super::labels::{labels_for, Labels};
use super::reproducible_zip::{rewrite_zip, zip_time, Metadata};
use super::{GENERATOR, IDENTIFIER_NAMESPACE, STYLESHEET};
use crate::export::{Export, ExportOptions, ExportPost, GroupBy};
use crate::jekyll::{self, Place};
use crate::sanitize::xml::{is_xml_char, push_escaped, Escape};
use crate::source::Site;

/// What the book knows about one post of the export.
pub(super) struct PostPlan {
    pub(super) title: String,
    pub(super) language: String,
    /// The post's URL on its site (below `baseurl`), when Jekyll gives it one.
    pub(super) page_url: Option<String>,
    pub(super) site_key: Option<u64>,
    /// Where its local images may come from: the site root, else the folder above `_posts`,
    /// else the post's own folder.
    pub(super) root: Option<PathBuf>,
    /// The headings of its groups, outermost first.
    pub(super) groups: Vec<(GroupKey, String)>,
    /// Its chapter file, and the volume that holds it.
    pub(super) file: String,
    pub(super) volume: usize,
}

/// The book, planned: every post's chapter, group and volume.
pub(super) struct Book<'a> {
    pub(super) export: &'a Export,
    pub(super) options: &'a ExportOptions,
    pub(super) title: String,
    pub(super) language: String,
    pub(super) labels: &'static Labels,
    pub(super) posts: Vec<PostPlan>,
    /// Post indices in book order, cut into volumes.
    pub(super) volumes: Vec<Vec<usize>>,
    /// (site key, file Jekyll writes) → post index, for links between posts.
    pub(super) by_file: HashMap<(u64, String), usize>,
}

impl<'a> Book<'a> {
    pub(super) fn plan(export: &'a Export, options: &'a ExportOptions) -> Book<'a> {
        let site = export.main_site();
        let language = book_language(export, options);
        let labels = labels_for(&language);
        let title = options
            .title
            .as_deref()
            .map(clean_line)
            .filter(|title| !title.is_empty())
            .or_else(|| {
                site.and_then(|site| site.title.as_deref())
                    .map(clean_line)
                    .filter(|title| !title.is_empty())
            })
            .unwrap_or_else(|| archive_name(export));

        let mut posts = Vec::with_capacity(export.posts.len());
        let mut by_file = HashMap::new();
        let mut first_category_label: BTreeMap<String, String> = BTreeMap::new();
        for (index, post) in export.posts.iter().enumerate() {
            let site = post_site(export, post);
            let place = Place::of(&post.post, site);
            let location = place
                .as_ref()
                .and_then(|place| jekyll::location(&post.post, place, site));
            let site_key = place.as_ref().map(Place::site_key);
            if let (Some(site_key), Some(location)) = (site_key, &location) {
                by_file
                    .entry((site_key, location.file.clone()))
                    .or_insert(index);
            }
            let root = site
                .map(|site| site.root.clone())
                .or_else(|| place.as_ref().map(|place| PathBuf::from(&place.root)))
                .or_else(|| Path::new(&post.path).parent().map(Path::to_path_buf));
            let groups = groups_of(post, options.group_by, labels, &mut first_category_label);
            posts.push(PostPlan {
                title: post_title(post, labels),
                language: super::super::language::of_post(
                    post.post
                        .front_matter
                        .lang
                        .as_deref()
                        .and_then(language_tag),
                    post.body.text(),
                    &language,
                ),
                page_url: location.map(|location| location.url),
                site_key,
                root,
                groups,
                file: String::new(),
                volume: 0,
            });
        }

        // Book order: by group, then as the export sorted them (date, then path).
        let mut order: Vec<usize> = (0..posts.len()).collect();
        order.sort_by(|a, b| {
            let keys = |index: usize| posts[index].groups.iter().map(|(key, _)| key);
            keys(*a).cmp(keys(*b)).then(a.cmp(b))
        });
        let per_volume = options.max_posts_per_volume.max(1);
        let mut volumes: Vec<Vec<usize>> =
            order.chunks(per_volume).map(<[usize]>::to_vec).collect();
        if volumes.is_empty() {
            volumes.push(Vec::new());
        }
        let mut position = 0;
        for (volume, members) in volumes.iter().enumerate() {
            for &index in members {
                position += 1;
                posts[index].file = format!("post-{position:05}.xhtml");
                posts[index].volume = volume;
            }
        }
        Book {
            export,
            options,
            title,
            language,
            labels,
            posts,
            volumes,
            by_file,
        }
    }

    /// The bytes of one volume.
    pub(super) fn build(&self, volume: usize) -> Result<Vec<u8>, String> {
        let members = &self.volumes[volume];
        let volumes = self.volumes.len();
        let title = if volumes > 1 {
            (self.labels.volume)(&self.title, volume + 1, volumes)
        } else {
            self.title.clone()
        };
        let error = |error: epub_builder::Error| error.to_string();

        let zip = ZipLibrary::new().map_err(error)?;
        let mut builder = EpubBuilder::new(zip).map_err(error)?;
        builder.epub_version(EpubVersion::V30);
        builder.set_title(title.clone());
        // Never without a language (EPUBCheck refuses it), and never with an author as well:
        // epub-builder gives both the id `epub-creator-0`.
        builder.add_language(self.language.clone());
        builder.set_generator(GENERATOR);
        builder.set_toc_name(self.labels.contents);
        let uuid = self.identifier(volume);
        builder.set_uuid(uuid);
        builder.set_modified_date(self.options.timestamp.with_timezone(&Utc));
        builder.stylesheet(STYLESHEET.as_bytes()).map_err(error)?;

        let (cover_image, cover_page) = self.cover(&title, volume);
        builder
            .add_cover_image("cover.svg", cover_image.as_bytes(), "image/svg+xml")
            .map_err(error)?;
        builder
            .add_content(
                EpubContent::new("cover.xhtml", cover_page.as_bytes())
                    .reftype(ReferenceType::Cover),
            )
            .map_err(error)?;
        builder
            .add_content(
                EpubContent::new("title.xhtml", self.title_page(&title, volume).as_bytes())
                    .title(self.labels.title_page)
                    .reftype(ReferenceType::TitlePage),
            )
            .map_err(error)?;

        let tree = self.group_tree(members);
        let mut resources = Resources::default();
        let mut pages: Vec<Page> = Vec::new();
        self.pages(&tree, 1, &mut resources, &mut pages);
        let depth = pages.iter().map(|page| page.level).max().unwrap_or(1);
        for (position, page) in pages.into_iter().enumerate() {
            let mut content = EpubContent::new(page.file, page.xhtml.as_bytes())
                .title(page.title)
                .level(page.level);
            if position == 0 {
                // The start of the body: a landmark, which EPUBCheck wants in the nav.
                content = content.reftype(ReferenceType::Text);
            }
            builder.add_content(content).map_err(error)?;
        }
        for image in &resources.images {
            builder
                .add_resource(&image.file, image.bytes.as_slice(), image.media_type)
                .map_err(error)?;
        }

        let mut bytes = Vec::new();
        builder.generate(&mut bytes).map_err(error)?;
        let metadata = self.metadata(volume, &title, uuid, depth);
        rewrite_zip(bytes, zip_time(self.options.timestamp), &metadata)
            .map_err(|error| error.to_string())
    }

    /// What the package and NCX say of a volume beyond what epub-builder writes.
    fn metadata(&self, volume: usize, title: &str, uuid: uuid::Uuid, depth: i32) -> Metadata {
        let site = self.export.main_site();
        let identifier = match (&self.options.identifier, self.volumes.len()) {
            (Some(identifier), 1) => identifier.clone(),
            (Some(identifier), _) => format!("{identifier}-{}", volume + 1),
            (None, _) => format!("urn:uuid:{uuid}"),
        };
        let newest = self.volumes[volume]
            .iter()
            .filter_map(|&index| self.export.posts[index].date)
            .filter(|date| *date <= Utc::now())
            .max();
        let url = site.and_then(|site| site.url.clone());
        Metadata {
            title: title.to_owned(),
            language: self.language.clone(),
            identifier,
            creator: self
                .options
                .author
                .clone()
                .or_else(|| site.and_then(|site| site.author.clone())),
            date: newest.map(|date| {
                date.with_timezone(&Utc)
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string()
            }),
            publisher: url
                .as_deref()
                .and_then(|url| url::Url::parse(url).ok())
                .and_then(|url| url.host_str().map(str::to_owned)),
            source: url,
            description: site.and_then(|site| site.description.clone()),
            depth,
        }
    }

    /// A UUID v5 of the site, the volume and the posts it holds: the same book gets the same
    /// identifier on every run.
    fn identifier(&self, volume: usize) -> uuid::Uuid {
        let namespace =
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, IDENTIFIER_NAMESPACE.as_bytes());
        // The site (its URL, else the book's title) and the volume: not the posts, so an
        // archive that grows is re-exported as the same book, an update in a reader's library.
        let mut name = String::new();
        match self.export.main_site().and_then(|site| site.url.as_deref()) {
            Some(url) => name.push_str(url),
            None => name.push_str(&self.title),
        }
        let _ = write!(name, "\n{}/{}", volume + 1, self.volumes.len());
        uuid::Uuid::new_v5(&namespace, name.as_bytes())
    }

    /// The days a volume's posts span, `2022-03-29 – 2022-05-26`; a post dated in the future
    /// (a placeholder such as 9999-12-31) does not stretch it.
    fn date_range(&self, volume: usize) -> Option<String> {
        let now = Utc::now();
        let dates: Vec<DateTime<FixedOffset>> = self.volumes[volume]
            .iter()
            .filter_map(|&index| self.export.posts[index].date)
            .filter(|date| *date <= now)
            .collect();
        let (first, last) = (dates.iter().min()?, dates.iter().max()?);
        let (first, last) = (
            first.format("%Y-%m-%d").to_string(),
            last.format("%Y-%m-%d").to_string(),
        );
        Some(if first == last {
            first
        } else {
            format!("{first} – {last}")
        })
    }

    /// The cover image of a volume, and the page that shows it.
    fn cover(&self, title: &str, volume: usize) -> (String, String) {
        let volume_line = (self.volumes.len() > 1).then_some(title);
        let dates = self.date_range(volume);
        let count = (self.labels.posts)(self.volumes[volume].len());
        let svg = super::cover::Cover {
            title: &self.title,
            volume: volume_line,
            dates: dates.as_deref(),
            count: &count,
            language: &self.language,
        }
        .svg();
        let mut body = String::from("<div class=\"cover\"><img src=\"cover.svg\" alt=\"");
        push_escaped(&mut body, title, Escape::AttributeKeepingWhitespace);
        body.push_str("\" /></div>");
        (svg, document(title, &self.language, &body))
    }

    fn title_page(&self, title: &str, volume: usize) -> String {
        let members = &self.volumes[volume];
        let mut body = String::new();
        body.push_str("<div class=\"titlepage\">\n<h1 class=\"book-title\">");
        push_escaped(&mut body, &self.title, Escape::Text);
        body.push_str("</h1>\n");
        if self.volumes.len() > 1 {
            body.push_str("<p class=\"volume\">");
            push_escaped(&mut body, title, Escape::Text);
            body.push_str("</p>\n");
        }
        if let Some(dates) = self.date_range(volume) {
            body.push_str("<p class=\"dates\">");
            body.push_str(&dates);
            body.push_str("</p>\n");
        }
        body.push_str("<p class=\"count\">");
        push_escaped(&mut body, &(self.labels.posts)(members.len()), Escape::Text);
        body.push_str("</p>\n</div>");
        document(title, &self.language, &body)
    }

    /// The groups of a volume's posts, nested as the table of contents shows them.
    fn group_tree(&self, members: &[usize]) -> Vec<Node> {
        let mut tree: Vec<Node> = Vec::new();
        let mut groups = 0;
        for &index in members {
            let mut level = &mut tree;
            for (key, heading) in &self.posts[index].groups {
                let found =
                    matches!(level.last(), Some(Node::Group { key: last, .. }) if last == key);
                if !found {
                    groups += 1;
                    level.push(Node::Group {
                        file: format!("part-{groups:03}.xhtml"),
                        key: key.clone(),
                        heading: heading.clone(),
                        children: Vec::new(),
                    });
                }
                level = match level.last_mut() {
                    Some(Node::Group { children, .. }) => children,
                    _ => unreachable!("a group was just pushed"),
                };
            }
            level.push(Node::Post(index));
        }
        // Dates divide a book into many small groups; categories are worth a heading even when
        // small.
        let min_posts = match self.options.group_by {
            GroupBy::Year | GroupBy::Month => self.options.min_group_size,
            GroupBy::Category | GroupBy::None => 1,
        };
        let mut tree = collapse(tree, min_posts);
        let mut number = 0;
        renumber(&mut tree, &mut number);
        tree
    }

    /// The pages of `nodes` in reading order: each group's page before its members.
    fn pages(&self, nodes: &[Node], level: i32, resources: &mut Resources, pages: &mut Vec<Page>) {
        for node in nodes {
            match node {
                Node::Post(index) => {
                    let plan = &self.posts[*index];
                    pages.push(Page {
                        file: plan.file.clone(),
                        title: plan.title.clone(),
                        level,
                        xhtml: self.chapter(*index, resources),
                    });
                }
                Node::Group {
                    file,
                    heading,
                    children,
                    ..
                } => {
                    pages.push(Page {
                        file: file.clone(),
                        title: heading.clone(),
                        level,
                        xhtml: self.group_page(heading, children),
                    });
                    self.pages(children, level + 1, resources, pages);
                }
            }
        }
    }

    /// A group's page: its heading and the list of what it holds.
    fn group_page(&self, heading: &str, children: &[Node]) -> String {
        let mut body = String::new();
        body.push_str("<h1 class=\"part-title\">");
        push_escaped(&mut body, heading, Escape::Text);
        body.push_str("</h1>\n<ol class=\"contents\">\n");
        for child in children {
            let (file, title) = match child {
                Node::Post(index) => (
                    self.posts[*index].file.as_str(),
                    self.posts[*index].title.as_str(),
                ),
                Node::Group { file, heading, .. } => (file.as_str(), heading.as_str()),
            };
            body.push_str("<li><a href=\"");
            push_escaped(&mut body, file, Escape::AttributeKeepingWhitespace);
            body.push_str("\">");
            push_escaped(&mut body, title, Escape::Text);
            body.push_str("</a></li>\n");
        }
        body.push_str("</ol>");
        document(heading, &self.language, &body)
    }

    /// One post as a complete XHTML document.
    fn chapter(&self, index: usize, resources: &mut Resources) -> String {
        let post = &self.export.posts[index];
        let plan = &self.posts[index];
        let mut body = String::new();
        body.push_str("<h1 class=\"post-title\">");
        push_escaped(&mut body, &plan.title, Escape::Text);
        body.push_str("</h1>\n");

        let categories: Vec<String> = post
            .post
            .front_matter
            .categories
            .iter()
            .map(|category| clean_line(category))
            .filter(|category| !category.is_empty())
            .collect();
        if post.date.is_some() || !categories.is_empty() {
            body.push_str("<p class=\"meta\">");
            if let Some(date) = post.date {
                body.push_str("<time datetime=\"");
                body.push_str(&date.format("%Y-%m-%dT%H:%M:%S%:z").to_string());
                body.push_str("\">");
                body.push_str(&display_date(post, date));
                body.push_str("</time>");
            }
            if !categories.is_empty() {
                if post.date.is_some() {
                    body.push_str(self.labels.separator);
                }
                body.push_str("<span class=\"categories\">");
                push_escaped(
                    &mut body,
                    &categories.join(self.labels.separator),
                    Escape::Text,
                );
                body.push_str("</span>");
            }
            body.push_str("</p>\n");
        }

        body.push_str("<div class=\"body\">\n");
        let mut rewriter = Rewriter {
            book: self,
            index,
            resources,
            out: String::new(),
            ids: super::body::ids_of(post.body.xhtml()),
            written_ids: Default::default(),
        };
        if rewriter.write(post.body.xhtml()).is_err() {
            // The sanitizer promises well-formed XML; should it ever fail, the text is kept.
            rewriter.out.clear();
            for line in post
                .body
                .text()
                .lines()
                .filter(|line| !line.trim().is_empty())
            {
                rewriter.out.push_str("<p>");
                push_escaped(&mut rewriter.out, line, Escape::Text);
                rewriter.out.push_str("</p>\n");
            }
        }
        body.push_str(without_repeated_title(rewriter.out.trim(), &plan.title));
        body.push_str("\n</div>\n");

        if let Some(source) = post.body.source().and_then(|link| absolute_url(&link.url)) {
            body.push_str("<p class=\"source\">");
            push_escaped(&mut body, self.labels.source, Escape::Text);
            body.push_str("<a href=\"");
            push_escaped(&mut body, &source, Escape::AttributeKeepingWhitespace);
            body.push_str("\">");
            push_escaped(&mut body, &source, Escape::Text);
            body.push_str("</a></p>\n");
        }
        document(&plan.title, &plan.language, body.trim_end())
    }

    /// Where a link of post `index` goes in the book: a chapter of this volume, an absolute URL,
    /// or nowhere (`None`: the link is unwrapped and its text kept).
    pub(super) fn link_target(&self, index: usize, href: &str) -> Option<String> {
        let href = href.trim();
        // `#part`: the sanitizer keeps no `id`, so no fragment would be found.
        if href.is_empty() || href.starts_with('#') {
            return None;
        }
        let plan = &self.posts[index];
        let site = post_site(self.export, &self.export.posts[index]);
        if let (Some(path), Some(site_key)) = (
            jekyll::site_path(href, plan.page_url.as_deref(), site),
            plan.site_key,
        ) {
            let target = jekyll::files_answering(&path)
                .into_iter()
                .find_map(|file| self.by_file.get(&(site_key, file)).copied());
            if let Some(target) = target {
                if self.posts[target].volume == plan.volume {
                    return Some(self.posts[target].file.clone());
                }
            }
        }
        if is_absolute(href) {
            // `mailto:` and the other schemes the policy allows stay, serialized as the URL
            // standard does (EPUBCheck refuses a URL it cannot parse).
            let absolute = if href.starts_with("//") {
                format!("https:{href}")
            } else {
                href.to_owned()
            };
            return url::Url::parse(&absolute).ok().map(|url| url.to_string());
        }
        self.site_url(index, href)
    }

    /// A relative URL of post `index` made absolute on its site, when the site has a `url`.
    fn site_url(&self, index: usize, href: &str) -> Option<String> {
        let site = post_site(self.export, &self.export.posts[index])?;
        let base = url::Url::parse(site.url.as_deref()?.trim()).ok()?;
        let page = match &self.posts[index].page_url {
            Some(page) => base
                .join(&format!("{}{page}", jekyll::baseurl(Some(site))))
                .ok()?,
            None if href.starts_with('/') => base,
            None => return None,
        };
        let joined = page.join(href).ok()?;
        matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
    }

    /// Where an image of post `index` comes from.
    pub(super) fn image_source(
        &self,
        index: usize,
        src: &str,
        resources: &mut Resources,
    ) -> ImageSource {
        let src = src.trim();
        if src.is_empty() {
            return ImageSource::Missing;
        }
        let post = &self.export.posts[index];
        let plan = &self.posts[index];
        let site = post_site(self.export, post);
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let (Some(path), Some(root)) = (
            jekyll::site_path(src, plan.page_url.as_deref(), site),
            &plan.root,
        ) {
            candidates.push(root.join(path.trim_start_matches('/')));
        }
        if !is_absolute(src) {
            let relative = jekyll::percent_decode(src.split(['?', '#']).next().unwrap_or(src));
            if !relative.starts_with('/') {
                if let Some(folder) = Path::new(&post.path).parent() {
                    candidates.push(folder.join(relative));
                }
            }
        }
        for candidate in candidates {
            if let Some(file) = plan
                .root
                .as_deref()
                .and_then(|root| resources.embed(root, &candidate))
            {
                return ImageSource::Embedded(file);
            }
        }
        if is_absolute(src) {
            return absolute_url(src).map_or(ImageSource::Missing, ImageSource::Linked);
        }
        self.site_url(index, src)
            .map_or(ImageSource::Missing, ImageSource::Linked)
    }
}

pub(super) struct Page {
    file: String,
    title: String,
    level: i32,
    xhtml: String,
}

/// A complete XHTML document around `body`.
fn document(title: &str, language: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 400);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    out.push_str("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"");
    push_escaped(&mut out, language, Escape::AttributeKeepingWhitespace);
    out.push_str("\" lang=\"");
    push_escaped(&mut out, language, Escape::AttributeKeepingWhitespace);
    out.push_str("\">\n<head>\n<meta charset=\"UTF-8\" />\n<title>");
    push_escaped(&mut out, title, Escape::Text);
    out.push_str("</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\" />\n</head>\n<body>\n");
    out.push_str(body);
    out.push_str("\n</body>\n</html>\n");
    out
}

/// The site a post belongs to.
fn post_site<'e>(export: &'e Export, post: &ExportPost) -> Option<&'e Site> {
    post.site.and_then(|site| export.sites.get(site))
}

/// The post's title on one line, or its file name, or "untitled".
fn post_title(post: &ExportPost, labels: &Labels) -> String {
    [post.title.as_str(), post.post.file_name.stem.as_str()]
        .into_iter()
        .map(clean_line)
        .find(|title| !title.is_empty())
        .unwrap_or_else(|| labels.untitled.to_owned())
}

/// The chapter body without its first heading when that heading only repeats the title the
/// chapter already opens with (a post that starts with `# Its title`).
fn without_repeated_title<'b>(body: &'b str, title: &str) -> &'b str {
    static HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^<h([1-3])(?:\s[^>]*)?>(.*?)</h([1-3])>").expect("a valid pattern")
    });
    static TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"<[^>]*>").expect("a valid pattern"));
    let Some(heading) = HEADING.captures(body) else {
        return body;
    };
    if heading[1] != heading[3] {
        return body;
    }
    let mut escaped = String::new();
    push_escaped(&mut escaped, title, Escape::Text);
    let text = TAG.replace_all(&heading[2], "");
    let normalise = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    if normalise(&text) == normalise(&escaped) {
        body[heading[0].len()..].trim_start()
    } else {
        body
    }
}

/// The date as shown under the title: with the time when the front matter gave one.
fn display_date(post: &ExportPost, date: DateTime<FixedOffset>) -> String {
    let has_time = post
        .post
        .front_matter
        .date
        .as_ref()
        .and_then(|date| date.parsed.as_ref().ok())
        .is_some_and(|value| value.has_time);
    if has_time && (date.hour(), date.minute(), date.second()) != (0, 0, 0) {
        date.format("%Y-%m-%d %H:%M").to_string()
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

/// Where a post sits in the table of contents.
fn groups_of(
    post: &ExportPost,
    group_by: GroupBy,
    labels: &Labels,
    category_labels: &mut BTreeMap<String, String>,
) -> Vec<(GroupKey, String)> {
    let undated = || {
        vec![(
            GroupKey {
                rank: 1,
                number: 0,
                text: String::new(),
            },
            labels.undated.to_owned(),
        )]
    };
    let year = |date: &DateTime<FixedOffset>| {
        (
            GroupKey {
                rank: 0,
                number: i64::from(date.year()),
                text: String::new(),
            },
            (labels.year)(date.year()),
        )
    };
    match group_by {
        GroupBy::None => Vec::new(),
        GroupBy::Year => post
            .date
            .as_ref()
            .map_or_else(undated, |date| vec![year(date)]),
        GroupBy::Month => post.date.as_ref().map_or_else(undated, |date| {
            vec![
                year(date),
                (
                    GroupKey {
                        rank: 0,
                        number: i64::from(date.month()),
                        text: String::new(),
                    },
                    (labels.month)(date.year(), date.month()),
                ),
            ]
        }),
        GroupBy::Category => {
            let category = post
                .post
                .front_matter
                .categories
                .iter()
                .map(|category| clean_line(category))
                .find(|category| !category.is_empty());
            match category {
                Some(category) => {
                    let key = category.to_lowercase();
                    let heading = category_labels
                        .entry(key.clone())
                        .or_insert(category)
                        .clone();
                    vec![(
                        GroupKey {
                            rank: 0,
                            number: 0,
                            text: key,
                        },
                        heading,
                    )]
                }
                None => vec![(
                    GroupKey {
                        rank: 1,
                        number: 0,
                        text: String::new(),
                    },
                    labels.uncategorized.to_owned(),
                )],
            }
        }
    }
}

/// The book's language: the flag, the site's `lang`, the most common post `lang`, else `und`;
/// each read as a language tag (`zh_CN.UTF-8` is `zh-CN`; the locale `C` is no language).
fn book_language(export: &Export, options: &ExportOptions) -> String {
    if let Some(language) = options.language.as_deref().and_then(language_tag) {
        return language;
    }
    if let Some(language) = export
        .main_site()
        .and_then(|site| site.lang.as_deref())
        .and_then(language_tag)
    {
        return language;
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for post in &export.posts {
        if let Some(language) = post.language.as_deref().and_then(language_tag) {
            *counts.entry(language).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|(a, x), (b, y)| x.cmp(y).then(b.cmp(a)))
        .map_or_else(|| "und".to_owned(), |(language, _)| language)
}

/// `raw` as a well-formed BCP 47 language tag, or `None`. A POSIX locale name is read as one
/// (`zh_CN.UTF-8` → `zh-CN`); `C` and `POSIX` are not languages.
pub fn language_tag(raw: &str) -> Option<String> {
    let tag = raw.trim();
    let tag = tag
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .replace('_', "-");
    if tag.eq_ignore_ascii_case("c") || tag.eq_ignore_ascii_case("posix") {
        return None;
    }
    let subtags: Vec<&str> = tag.split('-').collect();
    let first = subtags.first()?;
    let first_ok =
        (first.len() >= 2 && first.len() <= 8 && first.bytes().all(|b| b.is_ascii_alphabetic()))
            || (first.eq_ignore_ascii_case("x") && subtags.len() > 1);
    let rest_ok = subtags
        .iter()
        .enumerate()
        .skip(1)
        .all(|(position, subtag)| {
            !subtag.is_empty()
            && subtag.len() <= 8
            && subtag.bytes().all(|b| b.is_ascii_alphanumeric())
            // A singleton (`x`, `u`, …) introduces at least one more subtag.
            && (subtag.len() > 1 || position + 1 < subtags.len())
        });
    (first_ok && rest_ok).then_some(tag)
}

/// The archive's name: the folder of the main site, else the folder above `_posts`.
fn archive_name(export: &Export) -> String {
    let folder = export
        .main_site()
        .map(|site| site.root.clone())
        .or_else(|| {
            let post = export.posts.first()?;
            let path = Path::new(&post.path);
            let parent = path.parent()?;
            Some(if parent.file_name().is_some_and(|name| name == "_posts") {
                parent.parent()?.to_path_buf()
            } else {
                parent.to_path_buf()
            })
        });
    folder
        .and_then(|folder| {
            let folder = if folder.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                folder
            };
            folder
                .canonicalize()
                .unwrap_or(folder)
                .file_name()
                .map(|name| clean_line(&name.to_string_lossy()))
        })
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| GENERATOR.to_owned())
}

/// `text` on one line: whitespace runs made one space, characters XML refuses dropped.
pub(super) fn clean_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.chars().filter(|c| is_xml_char(*c)).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_first_heading_that_repeats_the_title_is_dropped() {
        assert_eq!(
            super::without_repeated_title(
                "<h1 id=\"x\">Markets &amp; <em>rates</em></h1>\n<p>Text</p>",
                "Markets & rates"
            ),
            "<p>Text</p>"
        );
        let other = "<h2>Background</h2>\n<p>Text</p>";
        assert_eq!(super::without_repeated_title(other, "Markets"), other);
        let paragraph = "<p>Markets</p>";
        assert_eq!(
            super::without_repeated_title(paragraph, "Markets"),
            paragraph
        );
    }

    use super::*;

    #[test]
    fn language_tags() {
        assert_eq!(language_tag("zh-CN").as_deref(), Some("zh-CN"));
        assert_eq!(language_tag(" zh_CN.UTF-8 ").as_deref(), Some("zh-CN"));
        assert_eq!(language_tag("de_DE@euro").as_deref(), Some("de-DE"));
        assert_eq!(language_tag("zh-Hant-TW").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(language_tag("x-klingon").as_deref(), Some("x-klingon"));
        assert_eq!(language_tag("C"), None);
        assert_eq!(language_tag("C.UTF-8"), None);
        assert_eq!(language_tag("POSIX"), None);
        assert_eq!(language_tag(""), None);
        assert_eq!(language_tag("中文"), None);
        assert_eq!(language_tag("en-"), None);
        assert_eq!(language_tag("en-x"), None);
        assert_eq!(language_tag("e"), None);
    }

    #[test]
    fn lines_are_cleaned() {
        assert_eq!(clean_line("  a \n\t b\u{1}c  "), "a bc");
        let mut out = String::new();
        push_escaped(&mut out, "a\"<&\u{0}", Escape::AttributeKeepingWhitespace);
        assert_eq!(out, "a&quot;&lt;&amp;");
    }
}
