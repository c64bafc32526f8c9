//! The EPUB export: the books' file lists, a few chapters and the tables of contents as
//! snapshots (never a whole EPUB), the same bytes on every run, volumes, links and images, and
//! every XHTML file well-formed with its references inside the book. EPUBCheck itself runs in
//! CI on the books of `fixtures/` and `../shared/corpus` (`.ci/validate-epub.sh`).
//!
//! `fixtures/epub` is the archive of the hard cases: links between posts, local, remote,
//! missing and misnamed images, a post in English, an untitled post, markup the EPUB schema
//! refuses. Books are written to temporary directories, never under `fixtures/`.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use newsbundle::config::Config;
use newsbundle::export::epub::EpubExporter;
use newsbundle::export::{self, Export, ExportContext, ExportOptions, Exporter, GroupBy};
use newsbundle::lint;

const ARCHIVE: &str = "fixtures/archive";
const HARD_CASES: &str = "fixtures/epub";

fn prepare(path: &str) -> Export {
    let options = lint::Options {
        now: "2026-01-01T00:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("an instant"),
        ..Default::default()
    };
    export::prepare(&[PathBuf::from(path)], &Config::default(), &options)
}

/// The options of every book here: a fixed timestamp, as `SOURCE_DATE_EPOCH` gives one.
fn options() -> ExportOptions {
    ExportOptions {
        timestamp: DateTime::parse_from_rfc3339("2026-01-02T03:04:05+08:00").expect("a date"),
        ..ExportOptions::default()
    }
}

/// A book read back: its zip entries in order, with their bytes.
struct Book {
    path: PathBuf,
    bytes: Vec<u8>,
    entries: Vec<(String, Vec<u8>)>,
}

impl Book {
    fn read(path: &Path) -> Book {
        let bytes = std::fs::read(path).expect("the book can be read back");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.clone())).expect("a zip file");
        let mut entries = Vec::new();
        for index in 0..archive.len() {
            let mut file = archive.by_index(index).expect("an entry");
            let mut content = Vec::new();
            file.read_to_end(&mut content).expect("an entry's bytes");
            entries.push((file.name().to_owned(), content));
        }
        Book {
            path: path.to_path_buf(),
            bytes,
            entries,
        }
    }

    fn text(&self, name: &str) -> String {
        let (_, bytes) = self
            .entries
            .iter()
            .find(|(entry, _)| entry == name)
            .unwrap_or_else(|| panic!("{} has no {name}", self.path.display()));
        String::from_utf8(bytes.clone()).expect("UTF-8")
    }

    fn names(&self) -> Vec<&str> {
        self.entries.iter().map(|(name, _)| name.as_str()).collect()
    }

    fn chapters(&self) -> Vec<&str> {
        self.names()
            .into_iter()
            .filter(|name| name.starts_with("OEBPS/post-"))
            .collect()
    }
}

/// Export `export` to `book.epub` in a new temporary directory; the books written, read back.
fn build(export: &Export, options: &ExportOptions) -> (tempfile::TempDir, Vec<Book>) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let destination = directory.path().join("book.epub");
    let context = ExportContext {
        export,
        options,
        destination: &destination,
    };
    let written = EpubExporter.export(&context).expect("the book is written");
    let books = written.files.iter().map(|path| Book::read(path)).collect();
    (directory, books)
}

fn one_book(path: &str, options: &ExportOptions) -> Book {
    let (_directory, mut books) = build(&prepare(path), options);
    assert_eq!(books.len(), 1);
    books.remove(0)
}

#[test]
fn file_list() {
    let book = one_book(HARD_CASES, &options());
    let mut archive = zip::ZipArchive::new(Cursor::new(book.bytes.clone())).expect("a zip");
    let mut lines = Vec::new();
    for index in 0..archive.len() {
        let file = archive.by_index_raw(index).expect("an entry");
        lines.push(format!("{} ({:?})", file.name(), file.compression()));
    }
    insta::assert_snapshot!(lines.join("\n"));

    let book = one_book(ARCHIVE, &options());
    insta::assert_snapshot!("file_list_archive", book.names().join("\n"));
}

#[test]
fn chapters() {
    let book = one_book(HARD_CASES, &options());
    // Local images embedded, remote ones linked, links between posts inside the book.
    insta::assert_snapshot!(
        "chapter_links_and_images",
        book.text("OEBPS/post-00001.xhtml")
    );
    // In English, and linking back.
    insta::assert_snapshot!("chapter_english", book.text("OEBPS/post-00002.xhtml"));
    // Attributes the schema refuses, a `time` without a date, an untitled post.
    insta::assert_snapshot!("chapter_odd_markup", book.text("OEBPS/post-00003.xhtml"));
    insta::assert_snapshot!("title_page", book.text("OEBPS/title.xhtml"));
}

#[test]
fn package_document() {
    let book = one_book(HARD_CASES, &options());
    let opf = book.text("OEBPS/content.opf");
    // `lang: zh_CN.UTF-8` is the language tag zh-CN, without an author's id; the site has no
    // `author`, so no creator; its `url` is the source and names the publisher; the newest
    // post dates the book.
    assert!(opf.contains("<dc:language>zh-CN</dc:language>"), "{opf}");
    assert!(!opf.contains("dc:creator"), "{opf}");
    assert!(opf.contains("<dc:title>快讯电子书示例</dc:title>"), "{opf}");
    assert!(
        opf.contains("<dc:source>https://epub.example.cn</dc:source>"),
        "{opf}"
    );
    assert!(
        opf.contains("<dc:publisher>epub.example.cn</dc:publisher>"),
        "{opf}"
    );
    assert!(
        opf.contains("<dc:date>2024-03-10T00:00:00Z</dc:date>"),
        "{opf}"
    );
    // A generated cover, marked so that library views show it.
    assert!(
        opf.contains(
            "<item media-type=\"image/svg+xml\" properties=\"cover-image\" id=\"cover-image\" href=\"cover.svg\"/>"
        ),
        "{opf}"
    );
    let cover = book.text("OEBPS/cover.svg");
    assert!(cover.contains(">快讯电子书示例</text>"), "{cover}");
    assert!(cover.contains(">共 4 篇</text>"), "{cover}");
    // The timestamp of the options, in UTC.
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2026-01-01T19:04:05Z</meta>"),
        "{opf}"
    );
    let identifier = regex::Regex::new(
        r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    )
    .expect("a pattern");
    assert!(identifier.is_match(&opf), "a UUID v5 identifier: {opf}");
    let redacted = identifier.replace(&opf, "urn:uuid:[identifier]");
    insta::assert_snapshot!(redacted);

    // The navigation document gets the book's language too, and hides its landmarks.
    let nav = book.text("OEBPS/nav.xhtml");
    assert!(nav.contains(" xml:lang=\"zh-CN\" lang=\"zh-CN\">"), "{nav}");
    assert!(
        nav.contains("<nav epub:type=\"landmarks\" hidden=\"hidden\">"),
        "{nav}"
    );

    // The NCX: the book's identifier and title, and how deep it really nests: 2023 holds three
    // posts (a page), its months one or two (no page of their own), 2024 one (no page): year,
    // then post.
    let ncx = book.text("OEBPS/toc.ncx");
    let uid = identifier.find(&opf).expect("an identifier").as_str();
    assert!(
        ncx.contains(&format!("<meta name=\"dtb:uid\" content=\"{uid}\" />")),
        "{ncx}"
    );
    assert!(
        ncx.contains("<meta name=\"dtb:depth\" content=\"2\" />"),
        "{ncx}"
    );
    assert!(ncx.contains("<text>快讯电子书示例</text>"), "{ncx}");
    insta::assert_snapshot!("ncx", identifier.replace(&ncx, "urn:uuid:[identifier]"));
}

#[test]
fn author_and_identifier_from_the_options() {
    let options = ExportOptions {
        author: Some("新闻编辑部".to_owned()),
        identifier: Some("urn:isbn:9787000000000".to_owned()),
        ..options()
    };
    let book = one_book(HARD_CASES, &options);
    let opf = book.text("OEBPS/content.opf");
    assert!(opf.contains("<dc:creator>新闻编辑部</dc:creator>"), "{opf}");
    assert!(
        opf.contains("<dc:identifier id=\"epub-id-1\">urn:isbn:9787000000000</dc:identifier>"),
        "{opf}"
    );
    assert!(book
        .text("OEBPS/toc.ncx")
        .contains("<meta name=\"dtb:uid\" content=\"urn:isbn:9787000000000\" />"));
}

#[test]
fn a_growing_archive_stays_the_same_book() {
    // The same site with one more post: a reader's library sees an update, not a new book.
    let temp = tempfile::tempdir().unwrap();
    let copy = temp.path().join("archive");
    copy_tree(Path::new(HARD_CASES), &copy);
    let before = one_book(copy.to_str().unwrap(), &options());
    std::fs::write(
        copy.join("_posts/2024-04-01-more.md"),
        "---\ntitle: 又一篇\ndate: 2024-04-01 08:00:00 +0800\n---\n\n新增的稿件。\n",
    )
    .unwrap();
    let after = one_book(copy.to_str().unwrap(), &options());
    let identifier = |book: &Book| {
        let opf = book.text("OEBPS/content.opf");
        let start = opf.find("urn:uuid:").expect("an identifier");
        opf[start..start + 45].to_owned()
    };
    assert_ne!(before.bytes, after.bytes);
    assert_eq!(identifier(&before), identifier(&after));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn same_input_same_bytes() {
    let export = prepare(HARD_CASES);
    let (_first_directory, first) = build(&export, &options());
    let (_second_directory, second) = build(&prepare(HARD_CASES), &options());
    assert_eq!(first.len(), 1);
    assert!(
        first[0].bytes == second[0].bytes,
        "two books of the same archive differ"
    );

    // Every entry carries the timestamp (zip times have two-second steps), not the clock.
    let mut archive = zip::ZipArchive::new(Cursor::new(first[0].bytes.clone())).expect("a zip");
    for index in 0..archive.len() {
        let file = archive.by_index_raw(index).expect("an entry");
        let time = file.last_modified().expect("a time");
        assert_eq!(
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute(),
                time.second()
            ),
            (2026, 1, 1, 19, 4, 4),
            "{}",
            file.name()
        );
    }
    // `mimetype` first and stored, as EPUB requires.
    let mimetype = archive.by_index_raw(0).expect("an entry");
    assert_eq!(mimetype.name(), "mimetype");
    assert_eq!(mimetype.compression(), zip::CompressionMethod::Stored);

    // Another timestamp changes the dates, not the identifier.
    let later = ExportOptions {
        timestamp: DateTime::parse_from_rfc3339("2027-06-01T00:00:00Z").expect("a date"),
        ..ExportOptions::default()
    };
    let (_third_directory, third) = build(&export, &later);
    let identifier = |book: &Book| {
        let opf = book.text("OEBPS/content.opf");
        let start = opf.find("urn:uuid:").expect("an identifier");
        opf[start..start + 45].to_owned()
    };
    assert_ne!(first[0].bytes, third[0].bytes);
    assert_eq!(identifier(&first[0]), identifier(&third[0]));
}

#[test]
fn volumes() {
    let export = prepare(ARCHIVE);
    let options = ExportOptions {
        max_posts_per_volume: 4,
        ..options()
    };
    let (_directory, books) = build(&export, &options);
    let names: Vec<String> = books
        .iter()
        .map(|book| {
            book.path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["book-1.epub", "book-2.epub", "book-3.epub"]);
    let chapters: Vec<Vec<&str>> = books.iter().map(Book::chapters).collect();
    assert_eq!(
        chapters,
        [
            vec![
                "OEBPS/post-00001.xhtml",
                "OEBPS/post-00002.xhtml",
                "OEBPS/post-00003.xhtml",
                "OEBPS/post-00004.xhtml",
            ],
            vec![
                "OEBPS/post-00005.xhtml",
                "OEBPS/post-00006.xhtml",
                "OEBPS/post-00007.xhtml",
                "OEBPS/post-00008.xhtml",
            ],
            vec!["OEBPS/post-00009.xhtml", "OEBPS/post-00010.xhtml"],
        ]
    );
    let opf = books[1].text("OEBPS/content.opf");
    assert!(
        opf.contains("<dc:title>财经快讯示例站（第2卷，共3卷）</dc:title>"),
        "{opf}"
    );
    let identifiers: BTreeSet<String> = books
        .iter()
        .map(|book| {
            let opf = book.text("OEBPS/content.opf");
            let start = opf.find("urn:uuid:").expect("an identifier");
            opf[start..start + 45].to_owned()
        })
        .collect();
    assert_eq!(identifiers.len(), 3, "each volume has its own identifier");
    insta::assert_snapshot!("volume_2_nav", nav_list(&books[1]));

    // A link to a post of another volume leaves the book for the site.
    let options = ExportOptions {
        max_posts_per_volume: 1,
        ..self::options()
    };
    let (_directory, books) = build(&prepare(HARD_CASES), &options);
    assert_eq!(books.len(), 4);
    let first = books[0].text("OEBPS/post-00001.xhtml");
    assert!(
        first.contains(
            "<a href=\"https://epub.example.cn/news/world/markets/2023/01/20/second.html\">第二篇</a>"
        ),
        "{first}"
    );
    let together = one_book(HARD_CASES, &self::options());
    assert!(together
        .text("OEBPS/post-00001.xhtml")
        .contains("<a href=\"post-00002.xhtml\">第二篇</a>"));
}

/// The `toc` list of the navigation document.
fn nav_list(book: &Book) -> String {
    let nav = book.text("OEBPS/nav.xhtml");
    let start = nav.find("<nav epub:type = \"toc\"").expect("a toc nav");
    let end = nav[start..].find("</nav>").expect("its end") + start + "</nav>".len();
    nav[start..end].to_owned()
}

#[test]
fn grouping() {
    let export = prepare(ARCHIVE);
    for (group_by, name) in [
        (GroupBy::Month, "month"),
        (GroupBy::Year, "year"),
        (GroupBy::Category, "category"),
        (GroupBy::None, "none"),
    ] {
        let options = ExportOptions {
            group_by,
            ..options()
        };
        let (_directory, books) = build(&export, &options);
        insta::assert_snapshot!(format!("nav_by_{name}"), nav_list(&books[0]));
    }
    // Categories are grouped whatever their case, under the spelling met first.
    let options = ExportOptions {
        group_by: GroupBy::Category,
        ..options()
    };
    let book = one_book(HARD_CASES, &options);
    insta::assert_snapshot!("nav_by_category_hard_cases", nav_list(&book));
}

/// Every XHTML, OPF and NCX file parses as XML; every chapter says its language and has a
/// title; every reference inside the book finds its file; no image is remote.
#[test]
fn every_file_well_formed_and_every_reference_inside() {
    let mut books = Vec::new();
    let mut directories = Vec::new();
    for path in [ARCHIVE, HARD_CASES] {
        let export = prepare(path);
        for group_by in [
            GroupBy::Month,
            GroupBy::Year,
            GroupBy::Category,
            GroupBy::None,
        ] {
            for max_posts_per_volume in [2_000, 3] {
                let options = ExportOptions {
                    group_by,
                    max_posts_per_volume,
                    ..options()
                };
                let (directory, written) = build(&export, &options);
                directories.push(directory);
                books.extend(written);
            }
        }
    }
    let xhtml = "http://www.w3.org/1999/xhtml";
    let xml = "http://www.w3.org/XML/1998/namespace";
    for book in &books {
        let names: BTreeSet<&str> = book.names().into_iter().collect();
        for (name, bytes) in &book.entries {
            if !(name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx")) {
                continue;
            }
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            let document = parse_xml(text)
                .unwrap_or_else(|error| panic!("{name} is not XML: {error}\n{text}"));
            if !name.ends_with(".xhtml") {
                continue;
            }
            let root = document.root_element();
            assert!(
                root.attribute((xml, "lang"))
                    .is_some_and(|lang| !lang.is_empty()),
                "{name} has no xml:lang"
            );
            let title = root
                .descendants()
                .find(|node| node.has_tag_name((xhtml, "title")))
                .and_then(|node| node.text())
                .unwrap_or_default();
            assert!(!title.trim().is_empty(), "{name} has no title");
            for node in root.descendants().filter(|node| node.is_element()) {
                for attribute in ["href", "src"] {
                    let Some(target) = node.attribute(attribute) else {
                        continue;
                    };
                    if node.has_tag_name((xhtml, "img")) {
                        assert!(!target.contains(':'), "{name}: remote image {target}");
                    }
                    if target.contains(':') {
                        assert!(
                            ["http://", "https://", "mailto:"]
                                .iter()
                                .any(|scheme| target.starts_with(scheme)),
                            "{name}: {target}"
                        );
                        continue;
                    }
                    let file = format!("OEBPS/{}", target.split('#').next().unwrap_or_default());
                    assert!(
                        names.contains(file.as_str()),
                        "{name}: {target} is not in the book"
                    );
                }
            }
        }
    }
}

/// XHTML documents start with `<!DOCTYPE html>`, which roxmltree refuses unless asked.
fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

#[test]
fn title_and_language_from_the_options() {
    let options = ExportOptions {
        title: Some("  自选\n书名 ".to_owned()),
        language: Some("en_US.UTF-8".to_owned()),
        ..options()
    };
    let book = one_book(ARCHIVE, &options);
    let opf = book.text("OEBPS/content.opf");
    assert!(opf.contains("<dc:title>自选 书名</dc:title>"), "{opf}");
    assert!(opf.contains(">en-US</dc:language>"), "{opf}");
    // The words around the posts follow the book's language.
    assert!(book
        .text("OEBPS/nav.xhtml")
        .contains("<title>Contents</title>"));

    // The locale `C` is no language: the site's is used.
    let options = ExportOptions {
        language: Some("C".to_owned()),
        ..self::options()
    };
    let book = one_book(ARCHIVE, &options);
    assert!(book
        .text("OEBPS/content.opf")
        .contains(">zh-CN</dc:language>"));
}

#[test]
fn an_archive_without_posts_is_still_a_book() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let empty = directory.path().join("empty-archive");
    std::fs::create_dir(&empty).expect("a directory");
    let export = export::prepare(
        std::slice::from_ref(&empty),
        &Config::default(),
        &lint::Options::default(),
    );
    let (_books_directory, books) = build(&export, &options());
    assert_eq!(books.len(), 1);
    let book = &books[0];
    assert!(book.chapters().is_empty());
    let opf = book.text("OEBPS/content.opf");
    // No `_config.yml`, no post: the language is `und`.
    assert!(opf.contains(">und</dc:language>"), "{opf}");
    parse_xml(&book.text("OEBPS/nav.xhtml")).expect("XML");
}

#[test]
fn recognises_its_own_books_only() {
    let (_directory, books) = build(&prepare(ARCHIVE), &options());
    assert!(EpubExporter.recognises(&books[0].path));

    let directory = tempfile::tempdir().expect("a temporary directory");
    let text = directory.path().join("notes.epub");
    std::fs::write(&text, "not a zip").expect("written");
    assert!(!EpubExporter.recognises(&text));
    assert!(!EpubExporter.recognises(&directory.path().join("missing.epub")));

    // Another tool's EPUB.
    let other = directory.path().join("other.epub");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&other).expect("created"));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer.start_file("mimetype", stored).expect("an entry");
    std::io::Write::write_all(&mut writer, b"application/epub+zip").expect("written");
    writer
        .start_file("OEBPS/nav.xhtml", stored)
        .expect("an entry");
    std::io::Write::write_all(
        &mut writer,
        b"<meta name=\"generator\" content=\"calibre\"/>",
    )
    .expect("written");
    writer.finish().expect("finished");
    assert!(!EpubExporter.recognises(&other));
}

#[test]
fn the_timestamp_is_not_the_clock() {
    // The default timestamp (the Unix epoch) is before zip time began: 1980-01-01 is written.
    let book = one_book(ARCHIVE, &ExportOptions::default());
    let mut archive = zip::ZipArchive::new(Cursor::new(book.bytes.clone())).expect("a zip");
    let file = archive.by_index_raw(1).expect("an entry");
    let time = file.last_modified().expect("a time");
    assert_eq!((time.year(), time.month(), time.day()), (1980, 1, 1));
    assert!(book
        .text("OEBPS/content.opf")
        .contains("<meta property=\"dcterms:modified\">1970-01-01T00:00:00Z</meta>"));
}

#[test]
fn deeply_nested_markup_does_not_overflow_the_stack() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let posts = directory.path().join("deep").join("_posts");
    std::fs::create_dir_all(&posts).expect("a directory");
    let body = format!(
        "{}深处的文字{}",
        "<span>".repeat(10_000),
        "</span>".repeat(10_000)
    );
    std::fs::write(
        posts.join("2023-01-01-deep.md"),
        format!("---\ntitle: 深\n---\n\n{body}\n"),
    )
    .expect("written");
    let export = export::prepare(
        &[directory.path().join("deep")],
        &Config::default(),
        &lint::Options::default(),
    );
    let (_books_directory, books) = build(&export, &options());
    let chapter = books[0].text("OEBPS/post-00001.xhtml");
    assert!(chapter.contains("深处的文字"));
    assert_eq!(
        chapter.matches("<span>").count(),
        chapter.matches("</span>").count()
    );
}

/// Text conservation: the visible text of each chapter's body is the sanitized body's visible
/// text, for the example archive and every corpus archive. The only text an EPUB adds is the alt
/// text of images it could not embed (they become links showing their alt text).
#[test]
fn every_chapter_keeps_the_text_of_its_post() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut archives = vec![PathBuf::from(ARCHIVE), PathBuf::from(HARD_CASES)];
    let mut corpus_archives: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("../shared/corpus is beside the repository")
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| path.is_dir())
        .collect();
    corpus_archives.sort();
    assert!(
        !corpus_archives.is_empty(),
        "no archive in {}",
        corpus.display()
    );
    archives.extend(corpus_archives);
    let significant = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect()
    };
    let mut checked = 0;
    for archive in archives {
        let export = prepare(&archive.to_string_lossy());
        let (_directory, books) = build(&export, &options());
        assert_eq!(books.len(), 1, "{}: one volume", archive.display());
        let book = &books[0];
        let chapters = book.chapters();
        assert_eq!(
            chapters.len(),
            export.posts.len(),
            "{}: a chapter per post",
            archive.display()
        );
        for (post, chapter) in export.posts.iter().zip(chapters) {
            let xhtml = book.text(chapter);
            let document = parse_xml(&xhtml).expect("a well-formed chapter");
            let body = document
                .descendants()
                .find(|node| node.has_tag_name("div") && node.attribute("class") == Some("body"))
                .unwrap_or_else(|| panic!("{chapter} has a div.body"));
            // Text nodes of the body, leaving out images turned into links (`a.image-link`).
            let mut text: String = body
                .descendants()
                .filter(|node| node.is_text())
                .filter(|node| {
                    !node
                        .ancestors()
                        .any(|ancestor| ancestor.attribute("class") == Some("image-link"))
                })
                .filter_map(|node| node.text())
                .map(significant)
                .collect();
            // An image that could not be embedded and stands inside a link, or is missing, is
            // written as its alt text (or a placeholder): take those out where the texts part.
            let mut expected = significant(post.body.text());
            // A first heading that only repeats the chapter's title is not written twice.
            let title: String = document
                .descendants()
                .find(|node| {
                    node.has_tag_name("h1") && node.attribute("class") == Some("post-title")
                })
                .map(|title| {
                    title
                        .descendants()
                        .filter(|node| node.is_text())
                        .filter_map(|node| node.text())
                        .map(significant)
                        .collect()
                })
                .unwrap_or_default();
            if !title.is_empty() && expected.starts_with(&title) && !text.starts_with(&title) {
                expected.replace_range(..title.len(), "");
            }
            let labels: Vec<String> = post
                .body
                .images()
                .iter()
                .map(|image| significant(image.alt.as_deref().unwrap_or("")))
                .chain(["[图片]".to_owned(), "[image]".to_owned()])
                .filter(|label| !label.is_empty())
                .collect();
            while text != expected {
                let at = text
                    .char_indices()
                    .zip(expected.chars().chain(std::iter::repeat('\0')))
                    .find(|((_, a), b)| a != b)
                    .map_or(text.len(), |((at, _), _)| at);
                let Some(label) = labels
                    .iter()
                    .find(|label| text[at..].starts_with(label.as_str()))
                else {
                    break;
                };
                text.replace_range(at..at + label.len(), "");
            }
            assert_eq!(
                text,
                expected,
                "{}: {chapter} ({})",
                archive.display(),
                post.path
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} posts checked");
}

#[test]
fn heading_ids_and_their_links_are_kept_where_the_schema_allows() {
    // `* TOC` / `{:toc}`: links to every heading, which keep their kramdown ids.
    let book = one_book("fixtures/kramdown/headings-toc.md", &options());
    let chapter = book.text(book.chapters()[0]);
    for id in ["installation", "from-source", "usage", "usage-1"] {
        assert!(
            chapter.contains(&format!(" id=\"{id}\"")),
            "{id}: {chapter}"
        );
        assert!(
            chapter.contains(&format!("href=\"#{id}\"")),
            "{id}: {chapter}"
        );
    }
    // Chinese headings: the contents links (percent-encoded by the sanitizer) still find
    // their headings.
    let book = one_book("fixtures/kramdown/headings-toc-zh.md", &options());
    let chapter = book.text(book.chapters()[0]);
    for id in ["国内生产总值", "分产业看", "工业生产"] {
        assert!(
            chapter.contains(&format!(" id=\"{id}\"")),
            "{id}: {chapter}"
        );
        assert!(
            chapter.contains(&format!("href=\"#{id}\"")),
            "{id}: {chapter}"
        );
    }
    assert!(!chapter.contains("href=\"#目录\""), "{chapter}");
    // `100% done!` gets `100-done`, which is no XML name: left out in the book.
    let book = one_book("fixtures/kramdown/headings-auto-ids.md", &options());
    let chapter = book.text(book.chapters()[0]);
    assert!(chapter.contains("<h2 id=\"overview-1\">"), "{chapter}");
    assert!(!chapter.contains("100-done"), "{chapter}");
    assert!(chapter.contains("<h3>100% done!</h3>"), "{chapter}");
}
