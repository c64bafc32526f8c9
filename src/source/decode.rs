//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, and the legacy encodings
//! Chinese archives are found in (GB18030/GBK, Big5, and what chardetng recognises).
//!
//! Decoding never fails: bytes that decode in no encoding are kept as UTF-8 with U+FFFD and the
//! byte offset of the first bad byte is recorded, so a rule can report it. Line endings are
//! normalised to `\n` (a CRLF file keeps the same lines and columns) and counted.
//!
//! Bytes that are not text in any encoding are told apart from text with a few bad bytes
//! ([`NotText`]): a NUL byte in the first 8,000 bytes (the test git and grep use: no text
//! encoding but UTF-16 has NUL bytes, and UTF-16 is only read with a byte order mark), or more
//! than one character in ten being a control character or an undecodable sequence.
//!
//! GBK and Big5 share most of their byte ranges, so a file in one often decodes without error
//! in the other, as mojibake. The site's language hint orders the candidates; when both decode,
//! the one whose text has the higher rate of common Chinese characters (GB2312 level 1 or Big5
//! frequent characters, asked of encoding_rs) wins if it is clearly higher, and the guess is
//! recorded as doubtful when it is not.
//! This module does not report anything itself.

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_8};

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
    /// The bytes are not text in any encoding (binary data): the file is rejected.
    pub not_text: Option<NotText>,
    /// Another legacy encoding that decodes the bytes about as plausibly as `encoding`: the
    /// guess between the two is doubtful.
    pub rival: Option<&'static Encoding>,
}

/// Why a file is not text, and where the first sign of it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotText {
    pub file_offset: usize,
    /// Where that byte stands in the decoded text.
    pub text_offset: usize,
    pub kind: NotTextKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotTextKind {
    /// A NUL byte in the first [`BINARY_PROBE_BYTES`] bytes.
    NulByte,
    /// Too many control characters and undecodable sequences.
    Garbled { bad: usize, characters: usize },
}

/// How far a NUL byte is looked for (git's `buffer_is_binary` looks as far).
pub const BINARY_PROBE_BYTES: usize = 8000;

/// More bad characters than one in this many: not text.
const GARBLED_ONE_IN: usize = 10;

impl std::fmt::Display for NotText {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            NotTextKind::NulByte => write!(
                formatter,
                "a NUL byte at offset {}, as in binary data",
                self.file_offset
            ),
            NotTextKind::Garbled { bad, characters } => write!(
                formatter,
                "{bad} of {characters} characters are control characters or undecodable bytes, \
                 the first at offset {}",
                self.file_offset
            ),
        }
    }
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
    let first = decode_text(bytes, language);
    let (text, encoding, bom, mut invalid) = (first.text, first.encoding, first.bom, first.invalid);
    let mut not_text = find_not_text(bytes, &text, encoding, bom, invalid);
    // Normalising line endings removes one byte for each CRLF before an offset.
    let crlf_before = |offset: usize| text[..offset].matches("\r\n").count();
    if let Some(invalid) = invalid.as_mut() {
        invalid.text_offset -= crlf_before(invalid.text_offset);
    }
    if let Some(not_text) = not_text.as_mut() {
        not_text.text_offset -= crlf_before(not_text.text_offset);
    }
    let (text, crlf_lines, first_crlf) = normalise_line_endings(text);
    Decoded {
        text,
        encoding,
        bom,
        crlf_lines,
        first_crlf,
        invalid,
        not_text,
        rival: first.rival,
    }
}

/// What [`decode_text`] makes of the bytes, before line endings are normalised.
struct Text {
    text: String,
    encoding: &'static Encoding,
    bom: bool,
    invalid: Option<InvalidBytes>,
    rival: Option<&'static Encoding>,
}

fn decode_text(bytes: &[u8], language: Option<&str>) -> Text {
    let plain = |text: String, encoding, bom, invalid| Text {
        text,
        encoding,
        bom,
        invalid,
        rival: None,
    };
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let rest = &bytes[bom_length..];
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(rest) {
            return plain(text.into_owned(), encoding, true, None);
        }
        let (text, invalid) = lossy_utf8_or_with(encoding, rest, bom_length);
        return plain(text, encoding, true, Some(invalid));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return plain(text.to_owned(), UTF_8, false, None);
    }
    if mostly_utf8(bytes) {
        let (text, invalid) = lossy_utf8_or_with(UTF_8, bytes, 0);
        return plain(text, UTF_8, false, Some(invalid));
    }
    for encoding in legacy_candidates(bytes, language) {
        if let Some(text) = decode_cleanly(encoding, bytes) {
            return second_opinion(encoding, text, bytes);
        }
    }
    let (text, invalid) = lossy_utf8_or_with(UTF_8, bytes, 0);
    plain(text, UTF_8, false, Some(invalid))
}

/// The text in `encoding`, when the bytes are valid in it and hold no stray control character.
fn decode_cleanly(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    (!has_stray_controls(&text)).then(|| text.into_owned())
}

/// How much higher a rival's rate of common characters must be to override the first guess,
/// and how close the two must be for the guess to count as doubtful.
const CLEARLY_BETTER: f64 = 0.1;

/// GBK and Big5 bytes often decode without error in the other encoding. The first guess (the
/// language hint's) stands unless the other decoding reads clearly more like Chinese.
fn second_opinion(first: &'static Encoding, text: String, bytes: &[u8]) -> Text {
    let other = match first.name() {
        "GBK" | "gb18030" => Some(BIG5),
        "Big5" => Some(GB18030),
        _ => None,
    };
    let rival = other.and_then(|other| Some((other, decode_cleanly(other, bytes)?)));
    let (text, encoding, rival) = match rival {
        None => (text, first, None),
        Some((other, other_text)) => {
            let (first_rate, other_rate) =
                (common_chinese_rate(&text), common_chinese_rate(&other_text));
            if other_rate > first_rate + CLEARLY_BETTER {
                (other_text, other, None)
            } else if first_rate > other_rate + CLEARLY_BETTER {
                (text, first, None)
            } else {
                (text, first, Some(other))
            }
        }
    };
    Text {
        text,
        encoding,
        bom: false,
        invalid: None,
        rival,
    }
}

/// How many characters are looked at to rate a decoding.
const RATED_CHARACTERS: usize = 4000;

/// The share of non-ASCII characters that are common Chinese characters: GB2312 level 1 (the
/// 3,755 most used simplified characters) or Big5's 5,401 frequent characters. A right
/// decoding scores near 1; GBK read as Big5 or the reverse scores about half of that.
fn common_chinese_rate(text: &str) -> f64 {
    let mut rated = 0usize;
    let mut common = 0usize;
    for character in text
        .chars()
        .filter(|character| !character.is_ascii())
        .take(RATED_CHARACTERS)
    {
        rated += 1;
        if is_common_chinese(character) {
            common += 1;
        }
    }
    if rated == 0 {
        return 0.0;
    }
    common as f64 / rated as f64
}

fn is_common_chinese(character: char) -> bool {
    let mut buffer = [0u8; 4];
    let text = character.encode_utf8(&mut buffer);
    let two_bytes = |encoding: &'static Encoding| -> Option<u16> {
        let (bytes, _, unmappable) = encoding.encode(text);
        match (unmappable, bytes.as_ref()) {
            (false, [lead, trail]) => Some(u16::from_be_bytes([*lead, *trail])),
            _ => None,
        }
    };
    let gb2312_level_1 =
        two_bytes(GBK).is_some_and(|code| (0xB0A1..=0xD7F9).contains(&code) && code & 0xFF >= 0xA1);
    gb2312_level_1 || two_bytes(BIG5).is_some_and(|code| (0xA440..=0xC67E).contains(&code))
}

/// The first sign that `bytes` are not text at all, if there is one.
fn find_not_text(
    bytes: &[u8],
    text: &str,
    encoding: &'static Encoding,
    bom: bool,
    invalid: Option<InvalidBytes>,
) -> Option<NotText> {
    if encoding == UTF_8 {
        let start = if bom { 3 } else { 0 };
        let content = bytes.get(start..).unwrap_or_default();
        let probe = &content[..content.len().min(BINARY_PROBE_BYTES)];
        if let Some(position) = probe.iter().position(|byte| *byte == 0) {
            return Some(NotText {
                file_offset: start + position,
                text_offset: String::from_utf8_lossy(&content[..position]).len(),
                kind: NotTextKind::NulByte,
            });
        }
    }
    let is_bad = |character: char| {
        character.is_control() && !matches!(character, '\t' | '\n' | '\r' | '\u{c}')
    };
    let controls = text.chars().filter(|character| is_bad(*character)).count();
    let bad = controls + invalid.map_or(0, |invalid| invalid.count);
    let characters = text.chars().count();
    if bad == 0 || bad * GARBLED_ONE_IN <= characters {
        return None;
    }
    let first_control = text
        .char_indices()
        .find(|(_, character)| is_bad(*character))
        .map(|(offset, _)| offset);
    let (file_offset, text_offset) = match (first_control, invalid) {
        (Some(control), Some(invalid)) if invalid.text_offset < control => {
            (invalid.file_offset, invalid.text_offset)
        }
        (Some(control), _) => {
            let before = &text[..control];
            let before = if encoding.name().starts_with("UTF-16") {
                before.encode_utf16().count() * 2
            } else {
                encoding.encode(before).0.len()
            };
            let bom_length = Encoding::for_bom(bytes).map_or(0, |(_, length)| length);
            (before + if bom { bom_length } else { 0 }, control)
        }
        (None, Some(invalid)) => (invalid.file_offset, invalid.text_offset),
        (None, None) => (0, 0),
    };
    Some(NotText {
        file_offset,
        text_offset,
        kind: NotTextKind::Garbled { bad, characters },
    })
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
    fn big5_text_wins_over_a_simplified_chinese_hint() {
        let (bytes, _, _) = BIG5
            .encode("---\ntitle: 臺灣新聞報導\n---\n這是一篇測試文章的內容，說明圖書館開放時間。");
        let decoded = decode(&bytes, Some("zh-CN"));
        assert_eq!(decoded.encoding, BIG5);
        assert_eq!(decoded.rival, None);
        assert!(decoded.text.contains("圖書館開放時間"));
    }

    #[test]
    fn common_characters_are_rated() {
        assert_eq!(common_chinese_rate("图书馆開放"), 1.0);
        assert_eq!(common_chinese_rate("abc"), 0.0);
        // Rare characters and kana are not common Chinese.
        assert_eq!(common_chinese_rate("龘ぁ"), 0.0);
    }

    #[test]
    fn binary_data_is_not_text() {
        let decoded = decode(b"\x7fELF\x02\x01\x01\x00\xff\xfe", None);
        let not_text = decoded.not_text.expect("an ELF header is not text");
        assert_eq!(not_text.kind, NotTextKind::NulByte);
        assert_eq!(not_text.file_offset, 7);
        assert_eq!(
            &decoded.text[not_text.text_offset..not_text.text_offset + 1],
            "\0"
        );
        // A NUL past the probe is not looked for.
        let mut late = "新闻".repeat(BINARY_PROBE_BYTES).into_bytes();
        late.push(0);
        assert_eq!(decode(&late, None).not_text, None);
        // UTF-16 with a byte order mark has NUL bytes and is text.
        let decoded = decode(b"\xff\xfea\x00b\x00", None);
        assert_eq!(decoded.text, "ab");
        assert_eq!(decoded.not_text, None);
    }

    #[test]
    fn a_few_control_characters_are_text_many_are_not() {
        let few = "line\u{1b}[0m one\nline two\nline three\n";
        assert_eq!(decode(few.as_bytes(), None).not_text, None);
        let many = "a\u{1}\r\nb\u{2}".repeat(3);
        let not_text = decode(many.as_bytes(), None).not_text.expect("garbled");
        assert_eq!(
            not_text.kind,
            NotTextKind::Garbled {
                bad: 6,
                characters: 18
            }
        );
        assert_eq!(not_text.file_offset, 1);
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
