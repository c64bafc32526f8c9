//! EPUB 3 export: one chapter per post, a table of contents grouped by category, year or
//! month, images from the archive embedded, links between posts kept inside the book, and
//! volumes when the archive is large. Built with `epub-builder`; every book passes EPUBCheck
//! (4.2 and 5.3) with no error and no warning, which CI checks (`.ci/validate-epub.sh`).
//!
//! What goes in a book (all under `OEBPS/`):
//! - `title.xhtml`, the title page: the book's title (`--title`, else `_config.yml`'s
//!   `title`, else the archive's folder name), the volume, the dates covered, the post count;
//! - one page per group of the table of contents (`part-001.xhtml`, …, in reading order)
//!   listing what it holds: a year, a month (default: year, then month), a category (the
//!   post's first; case does not split a group), or none;
//! - one chapter per post (`post-00001.xhtml`, numbered in book order across volumes): a
//!   complete XHTML document with the title, a line with the date and categories, the
//!   sanitized body and the source link, in the post's language (`xml:lang`: its `lang`, the
//!   site's, else the book's);
//! - `images/<hash>.png|jpg|gif`: images found in the archive (relative to the post's URL or
//!   file, root-relative to the site, or absolute on the site's own host), each once. Any other
//!   image — remote, missing, or not a PNG, JPEG or GIF by its first bytes — becomes a link to
//!   it with its alt text (no link inside a link): a valid EPUB holds no remote resource.
//!
//! Links to a post of the same volume point at its chapter (found as Jekyll makes URLs, with
//! `lint`'s permalink logic); other links into the site are made absolute with its `url`, or
//! unwrapped (their text kept) when it has none; `#part` links are unwrapped (the sanitizer
//! keeps no `id`); links elsewhere stay, serialized as the URL standard does. Attributes the
//! EPUB schema refuses (`width="100%"`, `lang="简体"`, a `time` without a valid date, …) are
//! left out. The body is rewritten in one streaming pass (quick-xml), so depth costs no stack.
//!
//! Same input, same bytes: the identifier is a UUID v5 of the site's URL, the title, the volume
//! and the posts' paths; `dcterms:modified` is `ExportOptions::timestamp`; the zip is written
//! again with every entry's time set to that timestamp (epub-builder's zip writer stamps the
//! current time; zip cannot hold a time before 1980, so the Unix epoch gives 1980-01-01).
//!
//! More posts than `max_posts_per_volume` make volumes: `book.epub` becomes `book-1.epub`,
//! `book-2.epub`, … beside it (one volume keeps the name it was given). Each volume is a whole
//! book: its own title page, table of contents and identifier.
//!
//! epub-builder 0.8.3 makes books EPUBCheck refuses unless: a language is always set (else no
//! `dc:language`); no author is set alongside a language (both get the id `epub-creator-0`);
//! there is a landmark (else an empty `landmarks` nav: the title page and the first page of the
//! body are landmarks); every chapter has a title (an untitled one is no landmark, and has no
//! entry in the table of contents); and every chapter is a complete well-formed XHTML document
//! (content is written as it is). This module does each of those, and gives the navigation
//! document the book's language, which epub-builder's template leaves out. It does not fetch
//! anything, check remote links, or print.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};

use super::{
    Export, ExportContext, ExportError, ExportOptions, ExportPost, Exporter, GroupBy, Part,
    Placement, Written,
};
use crate::lint::rules::links::permalink::{self, Place};
use crate::output::OutputError;
use crate::source::Site;

/// The EPUB 3 exporter.
pub struct EpubExporter;

const FORMAT: &str = "epub";
const GENERATOR: &str = "newsbundle";
/// Book identifiers are UUID v5s in a namespace of their own, the v5 UUID of this name in the
/// URL namespace.
const IDENTIFIER_NAMESPACE: &str = "newsbundle:epub";
/// Images larger than this are linked, not embedded.
const MAX_IMAGE_BYTES: u64 = 16 * 1024 * 1024;

impl Exporter for EpubExporter {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Written, ExportError> {
        let book = Book::plan(context.export, context.options);
        let paths = volume_paths(context.destination, book.volumes.len());
        let mut written = Written::default();
        for (volume, path) in paths.into_iter().enumerate() {
            let bytes = book.build(volume).map_err(|reason| ExportError::Format {
                format: FORMAT,
                reason,
            })?;
            crate::output::check_abandoned(&path)?;
            std::fs::write(&path, bytes).map_err(|error| OutputError::Write {
                path: path.display().to_string(),
                reason: crate::source::describe_io(&error),
            })?;
            written
                .placements
                .extend(book.volumes[volume].iter().map(|&post| Placement {
                    post,
                    file: path.clone(),
                    part: Some(Part::Chapter(format!("OEBPS/{}", book.posts[post].file))),
                }));
            written.files.push(path);
        }
        Ok(written)
    }

    /// A file is ours when it is an EPUB whose navigation document names newsbundle as its
    /// generator.
    fn recognises(&self, path: &Path) -> bool {
        let Ok(file) = std::fs::File::open(path) else {
            return false;
        };
        let Ok(mut archive) = zip::ZipArchive::new(file) else {
            return false;
        };
        let mut read = |name: &str| {
            let mut text = String::new();
            archive
                .by_name(name)
                .ok()?
                .take(1 << 20)
                .read_to_string(&mut text)
                .ok()?;
            Some(text)
        };
        read("mimetype").as_deref() == Some("application/epub+zip")
            && read("OEBPS/nav.xhtml").is_some_and(|nav| {
                nav.contains(&format!("<meta name=\"generator\" content=\"{GENERATOR}\""))
            })
    }
}

/// The files written for `volumes` volumes at `destination`: the destination itself for one,
/// else `stem-1.ext`, `stem-2.ext`, … beside it.
pub fn volume_paths(destination: &Path, volumes: usize) -> Vec<PathBuf> {
    if volumes <= 1 {
        return vec![destination.to_path_buf()];
    }
    let stem = destination
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".to_owned());
    let extension = destination
        .extension()
        .map(|extension| extension.to_string_lossy().into_owned())
        .unwrap_or_else(|| FORMAT.to_owned());
    (1..=volumes)
        .map(|volume| destination.with_file_name(format!("{stem}-{volume}.{extension}")))
        .collect()
}

/// The words a book uses around the posts, in its language.
struct Labels {
    contents: &'static str,
    title_page: &'static str,
    undated: &'static str,
    uncategorized: &'static str,
    untitled: &'static str,
    source: &'static str,
    image: &'static str,
    separator: &'static str,
    volume: fn(&str, usize, usize) -> String,
    year: fn(i32) -> String,
    month: fn(i32, u32) -> String,
    posts: fn(usize) -> String,
}

static CHINESE: Labels = Labels {
    contents: "目录",
    title_page: "书名页",
    undated: "无日期",
    uncategorized: "未分类",
    untitled: "无题",
    source: "原文链接：",
    image: "图片",
    separator: " · ",
    volume: |title, volume, volumes| format!("{title}（第{volume}卷，共{volumes}卷）"),
    year: |year| format!("{year}年"),
    month: |year, month| format!("{year}年{month}月"),
    posts: |count| format!("共 {count} 篇"),
};

static ENGLISH: Labels = Labels {
    contents: "Contents",
    title_page: "Title page",
    undated: "Undated",
    uncategorized: "Uncategorized",
    untitled: "Untitled",
    source: "Source: ",
    image: "image",
    separator: " · ",
    volume: |title, volume, volumes| format!("{title} (volume {volume} of {volumes})"),
    year: |year| year.to_string(),
    month: |year, month| {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let name = MONTHS
            .get(month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("?");
        format!("{name} {year}")
    },
    posts: |count| {
        if count == 1 {
            "1 post".to_owned()
        } else {
            format!("{count} posts")
        }
    },
};

fn labels_for(language: &str) -> &'static Labels {
    let primary = language.split('-').next().unwrap_or_default();
    if primary.eq_ignore_ascii_case("zh") {
        &CHINESE
    } else {
        &ENGLISH
    }
}

/// One level of a post's place in the table of contents: how it sorts, and its heading.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    /// 0 for a real group, 1 for "undated" and "uncategorized", which come last.
    rank: u8,
    number: i64,
    text: String,
}

/// What the book knows about one post of the export.
struct PostPlan {
    title: String,
    language: String,
    /// The post's URL on its site (below `baseurl`), when Jekyll gives it one.
    page_url: Option<String>,
    site_key: Option<u64>,
    /// Where its local images may come from: the site root, else the folder above `_posts`,
    /// else the post's own folder.
    root: Option<PathBuf>,
    /// The headings of its groups, outermost first.
    groups: Vec<(GroupKey, String)>,
    /// Its chapter file, and the volume that holds it.
    file: String,
    volume: usize,
    /// Its path below its site (or the folder above `_posts`), whatever path was given on the
    /// command line: what the book's identifier is made of.
    identity: String,
}

/// The book, planned: every post's chapter, group and volume.
struct Book<'a> {
    export: &'a Export,
    options: &'a ExportOptions,
    title: String,
    language: String,
    labels: &'static Labels,
    posts: Vec<PostPlan>,
    /// Post indices in book order, cut into volumes.
    volumes: Vec<Vec<usize>>,
    /// (site key, file Jekyll writes) → post index, for links between posts.
    by_file: HashMap<(u64, String), usize>,
}

impl<'a> Book<'a> {
    fn plan(export: &'a Export, options: &'a ExportOptions) -> Book<'a> {
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
                .and_then(|place| permalink::location(&post.post, place, site));
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
                language: post
                    .language
                    .as_deref()
                    .and_then(language_tag)
                    .unwrap_or_else(|| language.clone()),
                page_url: location.map(|location| location.url),
                site_key,
                root,
                groups,
                file: String::new(),
                volume: 0,
                identity: place
                    .map(|place| place.relative_path)
                    .unwrap_or_else(|| post.relative_path.clone()),
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
    fn build(&self, volume: usize) -> Result<Vec<u8>, String> {
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
        builder.set_uuid(self.identifier(volume));
        builder.set_modified_date(self.options.timestamp.with_timezone(&Utc));
        builder.stylesheet(STYLESHEET.as_bytes()).map_err(error)?;

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
        rewrite_zip(bytes, zip_time(self.options.timestamp), &self.language)
            .map_err(|error| error.to_string())
    }

    /// A UUID v5 of the site, the volume and the posts it holds: the same book gets the same
    /// identifier on every run.
    fn identifier(&self, volume: usize) -> uuid::Uuid {
        let namespace =
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, IDENTIFIER_NAMESPACE.as_bytes());
        let mut name = String::new();
        if let Some(url) = self.export.main_site().and_then(|site| site.url.as_deref()) {
            name.push_str(url);
        }
        let _ = write!(
            name,
            "\n{}\n{}/{}",
            self.title,
            volume + 1,
            self.volumes.len()
        );
        for &index in &self.volumes[volume] {
            name.push('\n');
            name.push_str(&self.posts[index].identity);
        }
        uuid::Uuid::new_v5(&namespace, name.as_bytes())
    }

    fn title_page(&self, title: &str, volume: usize) -> String {
        let members = &self.volumes[volume];
        let mut body = String::new();
        body.push_str("<div class=\"titlepage\">\n<h1 class=\"book-title\">");
        escape_text(&self.title, &mut body);
        body.push_str("</h1>\n");
        if self.volumes.len() > 1 {
            body.push_str("<p class=\"volume\">");
            escape_text(title, &mut body);
            body.push_str("</p>\n");
        }
        let dates: Vec<DateTime<FixedOffset>> = members
            .iter()
            .filter_map(|&index| self.export.posts[index].date)
            .collect();
        if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
            let (first, last) = (
                first.format("%Y-%m-%d").to_string(),
                last.format("%Y-%m-%d").to_string(),
            );
            body.push_str("<p class=\"dates\">");
            body.push_str(&first);
            if last != first {
                body.push_str(" – ");
                body.push_str(&last);
            }
            body.push_str("</p>\n");
        }
        body.push_str("<p class=\"count\">");
        escape_text(&(self.labels.posts)(members.len()), &mut body);
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
        escape_text(heading, &mut body);
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
            escape_attribute(file, &mut body);
            body.push_str("\">");
            escape_text(title, &mut body);
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
        escape_text(&plan.title, &mut body);
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
                escape_text(&categories.join(self.labels.separator), &mut body);
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
                escape_text(line, &mut rewriter.out);
                rewriter.out.push_str("</p>\n");
            }
        }
        body.push_str(rewriter.out.trim());
        body.push_str("\n</div>\n");

        if let Some(source) = post.body.source().and_then(|link| absolute_url(&link.url)) {
            body.push_str("<p class=\"source\">");
            escape_text(self.labels.source, &mut body);
            body.push_str("<a href=\"");
            escape_attribute(&source, &mut body);
            body.push_str("\">");
            escape_text(&source, &mut body);
            body.push_str("</a></p>\n");
        }
        document(&plan.title, &plan.language, body.trim_end())
    }

    /// Where a link of post `index` goes in the book: a chapter of this volume, an absolute URL,
    /// or nowhere (`None`: the link is unwrapped and its text kept).
    fn link_target(&self, index: usize, href: &str) -> Option<String> {
        let href = href.trim();
        // `#part`: the sanitizer keeps no `id`, so no fragment would be found.
        if href.is_empty() || href.starts_with('#') {
            return None;
        }
        let plan = &self.posts[index];
        let site = post_site(self.export, &self.export.posts[index]);
        if let (Some(path), Some(site_key)) = (
            permalink::site_path(href, plan.page_url.as_deref(), site),
            plan.site_key,
        ) {
            let target = permalink::files_answering(&path)
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
                .join(&format!("{}{page}", permalink::baseurl(Some(site))))
                .ok()?,
            None if href.starts_with('/') => base,
            None => return None,
        };
        let joined = page.join(href).ok()?;
        matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
    }

    /// Where an image of post `index` comes from.
    fn image_source(&self, index: usize, src: &str, resources: &mut Resources) -> ImageSource {
        let src = src.trim();
        if src.is_empty() {
            return ImageSource::Missing;
        }
        let post = &self.export.posts[index];
        let plan = &self.posts[index];
        let site = post_site(self.export, post);
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let (Some(path), Some(root)) = (
            permalink::site_path(src, plan.page_url.as_deref(), site),
            &plan.root,
        ) {
            candidates.push(root.join(path.trim_start_matches('/')));
        }
        if !is_absolute(src) {
            let relative = permalink::percent_decode(src.split(['?', '#']).next().unwrap_or(src));
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

enum Node {
    Group {
        /// Its page, `part-001.xhtml`, numbered in reading order within the volume.
        file: String,
        key: GroupKey,
        heading: String,
        children: Vec<Node>,
    },
    Post(usize),
}

struct Page {
    file: String,
    title: String,
    level: i32,
    xhtml: String,
}

enum ImageSource {
    /// The file name inside the book.
    Embedded(String),
    /// An absolute URL to link to.
    Linked(String),
    Missing,
}

/// The images of a volume, each once, in the order first used.
#[derive(Default)]
struct Resources {
    images: Vec<Image>,
    /// Canonical path → index into `images`; content hash → index.
    by_path: HashMap<PathBuf, Option<usize>>,
    by_hash: HashMap<String, usize>,
}

struct Image {
    file: String,
    media_type: &'static str,
    bytes: Vec<u8>,
}

impl Resources {
    /// The book file for the image at `candidate`, when it is a PNG, JPEG or GIF file inside
    /// `root`.
    fn embed(&mut self, root: &Path, candidate: &Path) -> Option<String> {
        let path = candidate.canonicalize().ok()?;
        if let Some(known) = self.by_path.get(&path) {
            return known.map(|index| self.images[index].file.clone());
        }
        let root = root.canonicalize().ok()?;
        let found = path.starts_with(&root).then(|| read_image(&path)).flatten();
        let index = found.map(|(bytes, media_type, extension)| {
            let hash = super::sha256_hex(&bytes);
            *self.by_hash.entry(hash.clone()).or_insert_with(|| {
                self.images.push(Image {
                    file: format!("images/{}.{extension}", &hash[..16]),
                    media_type,
                    bytes,
                });
                self.images.len() - 1
            })
        });
        self.by_path.insert(path, index);
        index.map(|index| self.images[index].file.clone())
    }
}

/// The bytes of an image file, its media type and extension, when it is a PNG, JPEG or GIF
/// (known by its first bytes, not its name: EPUBCheck compares them with the media type).
fn read_image(path: &Path) -> Option<(Vec<u8>, &'static str, &'static str)> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_IMAGE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let (media_type, extension) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("image/png", "png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ("image/jpeg", "jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        ("image/gif", "gif")
    } else {
        return None;
    };
    Some((bytes, media_type, extension))
}

/// Writes a post body again as XHTML for the book: links and images rewritten, attributes the
/// EPUB schema refuses left out. A streaming pass over quick-xml's events, so nesting depth
/// costs heap, not stack (the sanitizer lets 10,000 nested elements through).
struct Rewriter<'a, 'b> {
    book: &'a Book<'b>,
    index: usize,
    resources: &'a mut Resources,
    out: String,
}

/// An element being written: what closes it, and whether its content is inside a link.
struct Open {
    end: String,
    in_link: bool,
}

impl Rewriter<'_, '_> {
    /// Write the XHTML fragment `xhtml`; `Err` when it is not well-formed XML.
    fn write(&mut self, xhtml: &str) -> Result<(), quick_xml::Error> {
        use quick_xml::events::Event;
        let wrapped = format!("<div>{xhtml}</div>");
        let mut reader = quick_xml::Reader::from_str(&wrapped);
        reader.config_mut().check_end_names = true;
        // The wrapping `div` is not written: it is the bottom of the stack.
        let mut open: Vec<Open> = Vec::new();
        let mut depth = 0usize;
        loop {
            match reader.read_event()? {
                Event::Start(element) => {
                    depth += 1;
                    if depth == 1 {
                        continue;
                    }
                    let in_link = open.last().is_some_and(|open| open.in_link);
                    let opened = self.open(&element, in_link, false);
                    open.push(opened);
                }
                Event::Empty(element) => {
                    let in_link = open.last().is_some_and(|open| open.in_link);
                    let opened = self.open(&element, in_link, true);
                    self.out.push_str(&opened.end);
                }
                Event::End(_) => {
                    depth = depth.saturating_sub(1);
                    if let Some(closed) = open.pop() {
                        self.out.push_str(&closed.end);
                    }
                }
                // Text and references are copied as they are: escaped already, and the
                // sanitizer writes no entity XML does not predefine.
                Event::Text(text) => self.out.push_str(&String::from_utf8_lossy(&text)),
                Event::GeneralRef(reference) => {
                    self.out.push('&');
                    self.out.push_str(&String::from_utf8_lossy(&reference));
                    self.out.push(';');
                }
                Event::CData(text) => escape_text(&String::from_utf8_lossy(&text), &mut self.out),
                Event::Eof => return Ok(()),
                // Comments, processing instructions and declarations are not content.
                _ => {}
            }
        }
    }

    /// Write the start of `element` (all of it, when it is `empty` or void); what closes it.
    fn open(
        &mut self,
        element: &quick_xml::events::BytesStart<'_>,
        in_link: bool,
        empty: bool,
    ) -> Open {
        let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
        let attributes = attributes_of(element);
        let attribute = |wanted: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.as_str())
        };
        let unwrapped = Open {
            end: String::new(),
            in_link,
        };
        match name.as_str() {
            "a" => {
                let target =
                    attribute("href").and_then(|href| self.book.link_target(self.index, href));
                match target {
                    Some(href) if !in_link => {
                        self.out.push_str("<a href=\"");
                        escape_attribute(&href, &mut self.out);
                        self.out.push('"');
                        self.attributes(&attributes, &["href"]);
                        self.out.push('>');
                        if empty {
                            self.out.push_str("</a>");
                        }
                        Open {
                            end: if empty {
                                String::new()
                            } else {
                                "</a>".to_owned()
                            },
                            in_link: true,
                        }
                    }
                    // Nowhere to go: the text stays, the link goes.
                    _ => unwrapped,
                }
            }
            "img" => {
                self.image(&attributes, in_link);
                unwrapped
            }
            // A `time` without a valid `datetime` must hold one as its text: a `span` is safe.
            "time" if !attribute("datetime").is_some_and(is_datetime) => {
                self.out.push_str("<span");
                self.attributes(&attributes, &["datetime"]);
                self.out.push('>');
                let end = "</span>".to_owned();
                if empty {
                    self.out.push_str(&end);
                    return unwrapped;
                }
                Open { end, in_link }
            }
            _ => {
                self.out.push('<');
                self.out.push_str(&name);
                self.attributes(&attributes, &[]);
                if VOID_ELEMENTS.contains(&name.as_str()) {
                    self.out.push_str(" />");
                    return unwrapped;
                }
                self.out.push('>');
                let end = format!("</{name}>");
                if empty {
                    self.out.push_str(&end);
                    return unwrapped;
                }
                Open { end, in_link }
            }
        }
    }

    /// The attributes the EPUB schema accepts, but those in `skip`.
    fn attributes(&mut self, attributes: &[(String, String)], skip: &[&str]) {
        for (name, value) in attributes {
            if skip.contains(&name.as_str()) || name.contains(':') {
                continue;
            }
            let Some(value) = attribute_value(name, value) else {
                continue;
            };
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            escape_attribute(&value, &mut self.out);
            self.out.push('"');
        }
    }

    fn image(&mut self, attributes: &[(String, String)], in_link: bool) {
        let attribute = |wanted: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.as_str())
        };
        let alt = attribute("alt").map(clean_line).unwrap_or_default();
        let source = self.book.image_source(
            self.index,
            attribute("src").unwrap_or_default(),
            self.resources,
        );
        let label = if alt.is_empty() {
            format!("[{}]", self.book.labels.image)
        } else {
            alt.clone()
        };
        match source {
            ImageSource::Embedded(file) => {
                self.out.push_str("<img src=\"");
                escape_attribute(&file, &mut self.out);
                self.out.push_str("\" alt=\"");
                escape_attribute(&alt, &mut self.out);
                self.out.push('"');
                self.attributes(attributes, &["src", "alt"]);
                self.out.push_str(" />");
            }
            ImageSource::Linked(url) if !in_link => {
                self.out.push_str("<a class=\"image-link\" href=\"");
                escape_attribute(&url, &mut self.out);
                self.out.push_str("\">");
                escape_text(&label, &mut self.out);
                self.out.push_str("</a>");
            }
            ImageSource::Linked(_) => escape_text(&label, &mut self.out),
            ImageSource::Missing => escape_text(&alt, &mut self.out),
        }
    }
}

/// The attributes of an element, names and unescaped values, in order; any that cannot be
/// read is left out.
fn attributes_of(element: &quick_xml::events::BytesStart<'_>) -> Vec<(String, String)> {
    element
        .attributes()
        .filter_map(Result::ok)
        .filter_map(|attribute| {
            let name = std::str::from_utf8(attribute.key.as_ref()).ok()?.to_owned();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?
                .into_owned();
            Some((name, value))
        })
        .collect()
}

/// Elements written `<x />`.
const VOID_ELEMENTS: &[&str] = &["br", "hr", "img", "wbr", "col"];

/// An attribute's value as the EPUB (HTML5) schema accepts it, or `None` to leave it out.
fn attribute_value(name: &str, value: &str) -> Option<String> {
    let value = value.trim();
    let digits = |value: &str| !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    let valid = match name {
        "lang" => return language_tag(value),
        "dir" => matches!(value, "ltr" | "rtl" | "auto"),
        "width" | "height" => digits(value),
        "colspan" | "rowspan" | "span" => digits(value) && value.bytes().any(|b| b != b'0'),
        "start" | "value" => digits(value.strip_prefix('-').unwrap_or(value)),
        "reversed" => return Some("reversed".to_owned()),
        "scope" => matches!(value, "row" | "col" | "rowgroup" | "colgroup"),
        "datetime" => is_datetime(value),
        "cite" => return absolute_url(value),
        "title" => true,
        // `href` and `src` are handled with their elements; anything else is unexpected.
        _ => false,
    };
    valid.then(|| value.to_owned())
}

/// A date, a time, or both, as HTML's `datetime` accepts them (a common subset).
fn is_datetime(value: &str) -> bool {
    static PATTERN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$",
        )
        .expect("valid pattern")
    });
    PATTERN.is_match(value.trim())
}

/// An `http(s)` URL, serialized as the URL standard does (percent-encoded), or `None`.
fn absolute_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some())
        .then(|| parsed.to_string())
}

/// A URL with a scheme (`https:`, `mailto:`), or protocol-relative.
fn is_absolute(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A complete XHTML document around `body`.
fn document(title: &str, language: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 400);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    out.push_str("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"");
    escape_attribute(language, &mut out);
    out.push_str("\" lang=\"");
    escape_attribute(language, &mut out);
    out.push_str("\">\n<head>\n<meta charset=\"UTF-8\" />\n<title>");
    escape_text(title, &mut out);
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
fn clean_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.chars().filter(|c| is_xml_char(*c)).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

fn escape_attribute(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// The zip time of `timestamp` (UTC); before 1980 or after 2107, which zip cannot hold,
/// 1980-01-01.
fn zip_time(timestamp: DateTime<FixedOffset>) -> zip::DateTime {
    let utc = timestamp.with_timezone(&Utc);
    u16::try_from(utc.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                utc.month() as u8,
                utc.day() as u8,
                utc.hour() as u8,
                utc.minute() as u8,
                utc.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

/// The zip epub-builder wrote, made reproducible: every entry's time set to `time` and its
/// mode to 0644 (its writer stamps the current time). Entries keep their order (`mimetype`
/// first, stored) and their compressed bytes, but for the navigation document, which gets the
/// book's language (epub-builder's template has none, and readers choose fonts by it).
fn rewrite_zip(
    bytes: Vec<u8>,
    time: zip::DateTime,
    language: &str,
) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        if archive.name_for_index(index) == Some(NAV_FILE) {
            let mut nav = String::new();
            archive.by_index(index)?.read_to_string(&mut nav)?;
            let mut attributes = String::from(" xml:lang=\"");
            escape_attribute(language, &mut attributes);
            attributes.push_str("\" lang=\"");
            escape_attribute(language, &mut attributes);
            attributes.push('"');
            let nav = nav.replacen(NAV_HTML_TAG, &format!("{NAV_HTML_TAG}{attributes}"), 1);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(time)
                .unix_permissions(0o644);
            writer.start_file(NAV_FILE, options)?;
            std::io::Write::write_all(&mut writer, nav.as_bytes())?;
            continue;
        }
        let file = archive.by_index_raw(index)?;
        writer.raw_copy_file_touch(file, time, Some(0o644))?;
    }
    Ok(writer.finish()?.into_inner())
}

const NAV_FILE: &str = "OEBPS/nav.xhtml";
/// How epub-builder 0.8's navigation document opens its root element.
const NAV_HTML_TAG: &str =
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"";

/// The reading stylesheet: Chinese text first (line height, two-character paragraph indent,
/// CJK fonts that fall back to the reader's serif), and sensible for other languages.
const STYLESHEET: &str = r#"/* newsbundle: a reading stylesheet for news posts, Chinese text first. */
body {
  margin: 0 0.5em;
  line-height: 1.75;
  text-align: justify;
  font-family: Georgia, "Times New Roman", "Noto Serif", serif;
  orphans: 2;
  widows: 2;
}
:lang(zh), :lang(zh-CN), :lang(zh-Hans) {
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", STSong, SimSun, serif;
}
:lang(zh-TW), :lang(zh-HK), :lang(zh-Hant) {
  font-family: "Noto Serif CJK TC", "Source Han Serif TC", "Songti TC", PMingLiU, MingLiU, serif;
}
:lang(ja) {
  font-family: "Noto Serif CJK JP", "Source Han Serif", "Hiragino Mincho ProN", "Yu Mincho", serif;
}
:lang(ko) {
  font-family: "Noto Serif CJK KR", "Source Han Serif K", "AppleMyungjo", Batang, serif;
}
h1, h2, h3, h4, h5, h6 {
  line-height: 1.4;
  text-align: left;
  text-indent: 0;
  margin: 1em 0 0.5em;
}
h1 { font-size: 1.4em; }
h2 { font-size: 1.25em; }
h3 { font-size: 1.1em; }
h4, h5, h6 { font-size: 1em; }
p { margin: 0 0 0.5em; }
.body > p { text-indent: 2em; }
em:lang(zh), em:lang(ja), i:lang(zh), i:lang(ja) { font-style: normal; font-weight: bold; }
.meta, .source, .dates, .count, .volume {
  text-indent: 0;
  font-size: 0.85em;
  color: #555;
}
.meta { margin: 0 0 1.2em; }
.source { margin-top: 1.5em; }
.source a, .image-link { overflow-wrap: break-word; word-break: break-all; }
a { color: inherit; text-decoration: underline; }
img { max-width: 100%; height: auto; }
figure { margin: 0.8em 0; text-align: center; }
figcaption { font-size: 0.9em; text-indent: 0; }
blockquote { margin: 0.8em 1.5em; }
ul, ol { margin: 0.5em 0; padding-left: 2em; }
pre, code, kbd, samp {
  font-family: "Noto Sans Mono CJK SC", "Source Code Pro", Menlo, Consolas, monospace;
  font-size: 0.9em;
}
pre { white-space: pre-wrap; overflow-wrap: break-word; text-align: left; margin: 0.8em 0; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #999; padding: 0.2em 0.4em; text-align: left; }
.titlepage { text-align: center; margin-top: 20%; }
.titlepage p { text-indent: 0; }
.book-title { font-size: 1.8em; text-align: center; }
.contents { list-style-type: none; padding-left: 0; }
.contents li { margin: 0.3em 0; }
"#;

#[cfg(test)]
mod tests {
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
    fn volume_file_names() {
        let one = volume_paths(Path::new("out/book.epub"), 1);
        assert_eq!(one, [PathBuf::from("out/book.epub")]);
        let three = volume_paths(Path::new("out/book.epub"), 3);
        assert_eq!(
            three,
            [
                PathBuf::from("out/book-1.epub"),
                PathBuf::from("out/book-2.epub"),
                PathBuf::from("out/book-3.epub"),
            ]
        );
    }

    #[test]
    fn attributes_the_schema_refuses() {
        assert_eq!(attribute_value("width", "100%"), None);
        assert_eq!(attribute_value("width", "640").as_deref(), Some("640"));
        assert_eq!(attribute_value("colspan", "0"), None);
        assert_eq!(attribute_value("start", "-2").as_deref(), Some("-2"));
        assert_eq!(attribute_value("lang", "cn_zh").as_deref(), Some("cn-zh"));
        assert_eq!(attribute_value("lang", "简体"), None);
        assert_eq!(attribute_value("dir", "left"), None);
        assert_eq!(attribute_value("onclick", "x()"), None);
        assert_eq!(
            attribute_value("cite", "https://例子.cn/a b").as_deref(),
            Some("https://xn--fsqu00a.cn/a%20b")
        );
        assert_eq!(attribute_value("cite", "/relative"), None);
        assert!(is_datetime("2022-03-31T17:05:00+08:00"));
        assert!(is_datetime("2022-03"));
        assert!(!is_datetime("March 2022"));
    }

    #[test]
    fn zip_times_stay_in_range() {
        let epoch = DateTime::UNIX_EPOCH.fixed_offset();
        assert_eq!(zip_time(epoch), zip::DateTime::default());
        let time = DateTime::parse_from_rfc3339("2022-03-31T17:05:02+08:00").unwrap();
        let zipped = zip_time(time);
        assert_eq!(
            (zipped.year(), zipped.month(), zipped.day(), zipped.hour()),
            (2022, 3, 31, 9)
        );
    }

    #[test]
    fn lines_are_cleaned() {
        assert_eq!(clean_line("  a \n\t b\u{1}c  "), "a bc");
        let mut out = String::new();
        escape_attribute("a\"<&\u{0}", &mut out);
        assert_eq!(out, "a&quot;&lt;&amp;");
    }
}
