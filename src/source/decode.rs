//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, and the legacy encodings
//! Chinese archives are found in (GB18030/GBK, Big5, and what chardetng recognises).
//!
//! Decoding never fails: bytes that decode in no encoding are kept as UTF-8 with U+FFFD and the
//! byte offset of the first bad byte is recorded, so a rule can report it. Line endings are
//! normalised to `\n` (a CRLF file keeps the same lines and columns) and counted.
//! This module does not report anything itself.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_8};

/// The text of a file and how it was obtained from its bytes.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The decoded text, with CRLF turned into LF.
    pub text: String,
    pub encoding: &'static Encoding,
    /// The file started with a byte order mark.
    pub bom: bool,
    /// How many lines ended in CRLF.
    pub crlf_lines: usize,
    /// Byte offset (in `text`) of the end of the first line that ended in CRLF.
    pub first_crlf: Option<usize>,
    /// Bytes that decode in no supported encoding: the offset of the first bad byte in the
    /// file, and where the replacement character stands in `text`.
    pub invalid: Option<InvalidBytes>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidBytes {
    pub file_offset: usize,
    pub text_offset: usize,
    /// How many malformed sequences there are in all.
    pub count: usize,
}

impl Decoded {
    /// True when the file was not UTF-8 but was decoded from a legacy encoding.
    pub fn is_legacy(&self) -> bool {
        self.invalid.is_none()
            && self.encoding != UTF_8
            && !self.encoding.name().starts_with("UTF-16")
    }
}

/// Decode `bytes`. `language` is the site's `lang` (`zh-CN`, `zh-TW`, ...), used as a hint for
/// short texts whose encoding is ambiguous.
pub fn decode(bytes: &[u8], language: Option<&str>) -> Decoded {
    let (text, encoding, bom, mut invalid) = decode_text(bytes, language);
    if let Some(invalid) = invalid.as_mut() {
        // Normalising line endings removes one byte for each CRLF before the bad bytes.
        invalid.text_offset -= text[..invalid.text_offset].matches("\r\n").count();
    }
    let (text, crlf_lines, first_crlf) = normalise_line_endings(text);
    Decoded {
        text,
        encoding,
        bom,
        crlf_lines,
        first_crlf,
        invalid,
    }
}

fn decode_text(
    bytes: &[u8],
    language: Option<&str>,
) -> (String, &'static Encoding, bool, Option<InvalidBytes>) {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let rest = &bytes[bom_length..];
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(rest) {
            return (text.into_owned(), encoding, true, None);
        }
        let (text, invalid) = lossy_utf8_or_with(encoding, rest, bom_length);
        return (text, encoding, true, Some(invalid));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), UTF_8, false, None);
    }
    if mostly_utf8(bytes) {
        let (text, invalid) = lossy_utf8_or_with(UTF_8, bytes, 0);
        return (text, UTF_8, false, Some(invalid));
    }
    for encoding in legacy_candidates(bytes, language) {
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
            if !has_stray_controls(&text) {
                return (text.into_owned(), encoding, false, None);
            }
        }
    }
    let (text, invalid) = lossy_utf8_or_with(UTF_8, bytes, 0);
    (text, UTF_8, false, Some(invalid))
}

/// A UTF-8 file with a few corrupt bytes must be reported as such, not decoded as GBK mojibake:
/// it is UTF-8 when its valid multi-byte characters outnumber its malformed sequences.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multibyte > invalid * 4
}

fn legacy_candidates(bytes: &[u8], language: Option<&str>) -> Vec<&'static Encoding> {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let tld = top_level_domain_hint(language);
    let (guess, confident) = detector.guess_assess(tld, false);
    let mut candidates = Vec::with_capacity(3);
    // A single-byte encoding decodes any bytes at all, so it is only believed when chardetng
    // is sure; the CJK encodings reject malformed input and can be tried outright.
    if confident || is_multibyte(guess) {
        candidates.push(guess);
    }
    let preferred = if tld == Some(b"tw".as_slice()) || tld == Some(b"hk".as_slice()) {
        [BIG5, GB18030]
    } else {
        [GB18030, BIG5]
    };
    for encoding in preferred {
        if !candidates.contains(&encoding) {
            candidates.push(encoding);
        }
    }
    candidates
}

fn is_multibyte(encoding: &'static Encoding) -> bool {
    matches!(
        encoding.name(),
        "GBK" | "gb18030" | "Big5" | "Shift_JIS" | "EUC-JP" | "EUC-KR" | "ISO-2022-JP"
    )
}

fn top_level_domain_hint(language: Option<&str>) -> Option<&'static [u8]> {
    let language = language?.to_ascii_lowercase();
    let tld: &'static [u8] = if language.starts_with("zh-tw")
        || language.starts_with("zh-hant")
        || language.starts_with("zh-hk")
    {
        b"tw"
    } else if language.starts_with("zh") {
        b"cn"
    } else if language.starts_with("ja") {
        b"jp"
    } else if language.starts_with("ko") {
        b"kr"
    } else {
        return None;
    };
    Some(tld)
}

/// Control characters other than tab, newline, carriage return and form feed mean the bytes
/// were not text in that encoding.
fn has_stray_controls(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') && (c as u32) < 0x20)
}

/// Decode with replacement, remembering where the first malformed sequence was.
fn lossy_utf8_or_with(
    encoding: &'static Encoding,
    bytes: &[u8],
    file_base: usize,
) -> (String, InvalidBytes) {
    if encoding == UTF_8 {
        let mut text = String::with_capacity(bytes.len());
        let mut first: Option<(usize, usize)> = None;
        let mut count = 0;
        let mut consumed = 0;
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            consumed += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                first.get_or_insert((file_base + consumed, text.len()));
                count += 1;
                text.push('\u{FFFD}');
                consumed += chunk.invalid().len();
            }
        }
        let (file_offset, text_offset) = first.unwrap_or((file_base, 0));
        return (
            text,
            InvalidBytes {
                file_offset,
                text_offset,
                count,
            },
        );
    }
    // UTF-16 with a BOM but malformed: decode with replacement and find the first U+FFFD.
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let text = text.into_owned();
    let text_offset = text.find('\u{FFFD}').unwrap_or(0);
    let count = text.matches('\u{FFFD}').count().max(1);
    let units_before = text[..text_offset].encode_utf16().count();
    (
        text,
        InvalidBytes {
            file_offset: file_base + units_before * 2,
            text_offset,
            count,
        },
    )
}

fn normalise_line_endings(text: String) -> (String, usize, Option<usize>) {
    if !text.contains("\r\n") {
        return (text, 0, None);
    }
    let mut normalised = String::with_capacity(text.len());
    let mut crlf_lines = 0;
    let mut first_crlf = None;
    let mut rest = text.as_str();
    while let Some(position) = rest.find("\r\n") {
        normalised.push_str(&rest[..position]);
        first_crlf.get_or_insert(normalised.len());
        normalised.push('\n');
        crlf_lines += 1;
        rest = &rest[position + 2..];
    }
    normalised.push_str(rest);
    (normalised, crlf_lines, first_crlf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_is_stripped_and_noted() {
        let decoded = decode("\u{FEFF}---\ntitle: 新闻\n".as_bytes(), None);
        assert_eq!(decoded.text, "---\ntitle: 新闻\n");
        assert!(decoded.bom);
        assert_eq!(decoded.encoding, UTF_8);
    }

    #[test]
    fn gbk_text_is_detected() {
        let (bytes, _, _) =
            GB18030.encode("---\ntitle: 本市推出社区图书馆夜间开放试点服务\n---\n正文内容");
        let decoded = decode(&bytes, Some("zh-CN"));
        assert!(decoded.is_legacy());
        assert!(decoded.text.contains("图书馆夜间"));
    }

    #[test]
    fn big5_text_is_detected_with_a_taiwan_hint() {
        let (bytes, _, _) = BIG5.encode("---\ntitle: 臺灣新聞報導\n---\n這是一篇測試文章的內容。");
        let decoded = decode(&bytes, Some("zh-TW"));
        assert_eq!(decoded.encoding, BIG5);
        assert!(decoded.text.contains("臺灣新聞"));
    }

    #[test]
    fn a_stray_byte_in_utf8_is_reported_at_its_offset() {
        let mut bytes = "标题：新闻内容很多很多".as_bytes().to_vec();
        bytes.insert(6, 0xFF);
        let decoded = decode(&bytes, None);
        let invalid = decoded.invalid.expect("invalid bytes reported");
        assert_eq!(invalid.file_offset, 6);
        assert_eq!(decoded.encoding, UTF_8);
    }

    #[test]
    fn a_stray_byte_after_crlf_lines_is_placed_in_the_normalised_text() {
        let mut bytes = "---\r\ntitle: 新闻新闻新闻\r\ntags".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xff: x\r\n");
        let decoded = decode(&bytes, None);
        let invalid = decoded.invalid.expect("invalid bytes reported");
        assert_eq!(invalid.file_offset, 36);
        assert_eq!(decoded.text, "---\ntitle: 新闻新闻新闻\ntags\u{FFFD}: x\n");
        assert_eq!(
            &decoded.text[invalid.text_offset..invalid.text_offset + 3],
            "\u{FFFD}"
        );
    }

    #[test]
    fn crlf_is_normalised_and_counted() {
        let decoded = decode(b"a\r\nb\r\nc", None);
        assert_eq!(decoded.text, "a\nb\nc");
        assert_eq!(decoded.crlf_lines, 2);
        assert_eq!(decoded.first_crlf, Some(1));
    }
}
