//! The zip epub-builder wrote, made reproducible (entry times and modes fixed) and complete:
//! the metadata, NCX details and navigation attributes its templates cannot write.

use std::io::{Cursor, Read};

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

use crate::sanitize::xml::{push_escaped, Escape};

/// The zip time of `timestamp` (UTC); before 1980 or after 2107, which zip cannot hold,
/// 1980-01-01.
pub(super) fn zip_time(timestamp: DateTime<FixedOffset>) -> zip::DateTime {
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

/// What epub-builder's templates cannot say, added to its OPF, NCX and navigation document.
pub(super) struct Metadata {
    pub(super) title: String,
    pub(super) language: String,
    /// The book's identifier (`urn:uuid:…`, or what `--identifier` gave), written over the
    /// one epub-builder wrote, and as the NCX's `dtb:uid`.
    pub(super) identifier: String,
    pub(super) creator: Option<String>,
    /// W3CDTF: the newest post of the volume.
    pub(super) date: Option<String>,
    pub(super) publisher: Option<String>,
    pub(super) source: Option<String>,
    pub(super) description: Option<String>,
    /// How deep the table of contents nests.
    pub(super) depth: i32,
}

/// The zip epub-builder wrote, made reproducible and complete: every entry's time set to
/// `time` and its mode to 0644 (its writer stamps the current time), and the package, NCX and
/// navigation documents given what `metadata` holds. Entries keep their order (`mimetype`
/// first, stored) and, but for those three, their compressed bytes.
pub(super) fn rewrite_zip(
    bytes: Vec<u8>,
    time: zip::DateTime,
    metadata: &Metadata,
) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let name = archive.name_for_index(index).unwrap_or_default().to_owned();
        let patch: Option<fn(String, &Metadata) -> String> = match name.as_str() {
            NAV_FILE => Some(patch_nav),
            OPF_FILE => Some(patch_opf),
            NCX_FILE => Some(patch_ncx),
            _ => None,
        };
        if let Some(patch) = patch {
            let mut text = String::new();
            archive.by_index(index)?.read_to_string(&mut text)?;
            let text = patch(text, metadata);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(time)
                .unix_permissions(0o644);
            writer.start_file(name, options)?;
            std::io::Write::write_all(&mut writer, text.as_bytes())?;
            continue;
        }
        let file = archive.by_index_raw(index)?;
        writer.raw_copy_file_touch(file, time, Some(0o644))?;
    }
    Ok(writer.finish()?.into_inner())
}

/// The navigation document gets the book's language (readers choose fonts by it), and its
/// landmarks are hidden: they are for reading systems, not a second table of contents.
fn patch_nav(nav: String, metadata: &Metadata) -> String {
    let mut attributes = String::from(" xml:lang=\"");
    push_escaped(
        &mut attributes,
        &metadata.language,
        Escape::AttributeKeepingWhitespace,
    );
    attributes.push_str("\" lang=\"");
    push_escaped(
        &mut attributes,
        &metadata.language,
        Escape::AttributeKeepingWhitespace,
    );
    attributes.push('"');
    nav.replacen(NAV_HTML_TAG, &format!("{NAV_HTML_TAG}{attributes}"), 1)
        .replacen(
            "<nav epub:type = \"landmarks\">",
            "<nav epub:type=\"landmarks\" hidden=\"hidden\">",
            1,
        )
}

/// The package document: the language without the author's id (epub-builder gives both
/// `epub-creator-0`), and creator, date, publisher, source and description.
fn patch_opf(opf: String, metadata: &Metadata) -> String {
    let mut opf = opf.replacen("<dc:language id=\"epub-creator-0\">", "<dc:language>", 1);
    if let (Some(start), Some(end)) = (opf.find(">urn:uuid:"), opf.find("</dc:identifier>")) {
        if start < end {
            let mut text = String::new();
            push_escaped(&mut text, &metadata.identifier, Escape::Text);
            opf.replace_range(start + 1..end, &text);
        }
    }
    let mut added = String::new();
    for (element, value) in [
        ("dc:creator", &metadata.creator),
        ("dc:date", &metadata.date),
        ("dc:publisher", &metadata.publisher),
        ("dc:source", &metadata.source),
        ("dc:description", &metadata.description),
    ] {
        if let Some(value) = value {
            added.push_str("\n    <");
            added.push_str(element);
            added.push('>');
            push_escaped(&mut added, value, Escape::Text);
            added.push_str("</");
            added.push_str(element);
            added.push('>');
        }
    }
    opf.replacen("</dc:title>", &format!("</dc:title>{added}"), 1)
}

/// The NCX: its real depth, the book's identifier as `dtb:uid` (EPUB 2 readers want it), and
/// the book's title rather than the word "contents".
fn patch_ncx(ncx: String, metadata: &Metadata) -> String {
    let mut ncx = ncx.replacen(
        "<meta name=\"dtb:depth\" content=\"1\" />",
        &format!(
            "<meta name=\"dtb:depth\" content=\"{}\" />",
            metadata.depth.max(1)
        ),
        1,
    );
    let mut uid = String::from("<head>\n    <meta name=\"dtb:uid\" content=\"");
    push_escaped(
        &mut uid,
        &metadata.identifier,
        Escape::AttributeKeepingWhitespace,
    );
    uid.push_str("\" />");
    ncx = ncx.replacen("<head>", &uid, 1);
    if let Some(start) = ncx.find("<docTitle>") {
        if let Some(end) = ncx[start..].find("</docTitle>") {
            let mut title = String::from("<docTitle>\n    <text>");
            push_escaped(&mut title, &metadata.title, Escape::Text);
            title.push_str("</text>\n  ");
            ncx.replace_range(start..start + end, &title);
        }
    }
    ncx
}

const NAV_FILE: &str = "OEBPS/nav.xhtml";
const OPF_FILE: &str = "OEBPS/content.opf";
const NCX_FILE: &str = "OEBPS/toc.ncx";
/// How epub-builder 0.8's navigation document opens its root element.
const NAV_HTML_TAG: &str =
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"";

#[cfg(test)]
mod tests {
    use super::*;

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
}
