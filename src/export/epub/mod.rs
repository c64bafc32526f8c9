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
//!
//! Files: this one holds the exporter and the volume names; `book.rs` plans the book and builds
//! its pages, `body.rs` rewrites a post body for it, `images.rs` embeds images, `labels.rs` holds
//! the words around the posts, `reproducible_zip.rs` makes the zip the same on every run, and
//! `style.css` is the reading stylesheet.

mod body;
mod book;
mod contents;
mod cover;
mod images;
mod labels;
mod reproducible_zip;

use std::io::Read;
use std::path::{Path, PathBuf};

use book::Book;

use super::{ExportContext, ExportError, Exporter, Part, Placement, Written};
use crate::output::OutputError;

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
                source: error,
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

/// The reading stylesheet: Chinese text first (line height, two-character paragraph indent,
/// CJK fonts that fall back to the reader's serif), and sensible for other languages.
const STYLESHEET: &str = include_str!("style.css");

#[cfg(test)]
mod tests {
    use super::*;

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
}
