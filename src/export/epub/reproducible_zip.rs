//! The zip epub-builder wrote, made reproducible: entry times and modes fixed, and the
//! navigation document given the book's language.

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

/// The zip epub-builder wrote, made reproducible: every entry's time set to `time` and its
/// mode to 0644 (its writer stamps the current time). Entries keep their order (`mimetype`
/// first, stored) and their compressed bytes, but for the navigation document, which gets the
/// book's language (epub-builder's template has none, and readers choose fonts by it).
pub(super) fn rewrite_zip(
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
            push_escaped(
                &mut attributes,
                language,
                Escape::AttributeKeepingWhitespace,
            );
            attributes.push_str("\" lang=\"");
            push_escaped(
                &mut attributes,
                language,
                Escape::AttributeKeepingWhitespace,
            );
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
