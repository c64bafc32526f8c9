//! Writing XML: the one escaping of text and attribute values, the test for characters XML
//! 1.0 allows, and the elements written empty. The sanitizer's serializer and the exporters
//! (EPUB chapters, HTML blocks of the Markdown export) all write through it.
//!
//! It does not parse XML, nor decide what may be written: that is the sanitizer's policy.

/// Elements without content, written `<br />`.
pub(crate) const VOID_ELEMENTS: &[&str] = &["br", "hr", "img", "wbr", "col"];

/// A character XML 1.0 allows in a document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Where escaped text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Escape {
    /// Element content: `&`, `<`, `>` escaped.
    Text,
    /// An attribute value in double quotes: `"` escaped too; tabs and line breaks are written
    /// as they are (an XML parser reads them as spaces).
    Attribute,
    /// An attribute value in double quotes whose tabs and line breaks must survive an XML
    /// parser: they are character references (`&#9;`, `&#10;`, `&#13;`).
    AttributeKeepingWhitespace,
}

/// Append `text` to `out` escaped for `place`, dropping the characters XML 1.0 does not allow
/// (control characters other than tab and line breaks, U+FFFE, U+FFFF).
pub(crate) fn push_escaped(out: &mut String, text: &str, place: Escape) {
    let special = match place {
        Escape::Text | Escape::Attribute => &SPECIAL,
        Escape::AttributeKeepingWhitespace => &SPECIAL_WITH_WHITESPACE,
    };
    let quote = place != Escape::Text;
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut index = 0;
    while let Some(offset) = bytes[index..]
        .iter()
        .position(|&byte| special[byte as usize])
    {
        index += offset;
        let byte = bytes[index];
        out.push_str(&text[start..index]);
        let mut skip = 1;
        match byte {
            b'&' => out.push_str("&amp;"),
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'"' if quote => out.push_str("&quot;"),
            b'"' => out.push('"'),
            b'\t' => out.push_str("&#9;"),
            b'\n' => out.push_str("&#10;"),
            b'\r' => out.push_str("&#13;"),
            0xEF => {
                // U+FFFE and U+FFFF are not XML characters; other characters led by EF are.
                if !matches!(bytes.get(index + 1..index + 3), Some([0xBF, 0xBE | 0xBF])) {
                    out.push_str(&text[index..index + 3]);
                }
                skip = 3;
            }
            // Other control characters are dropped.
            _ => {}
        }
        index += skip;
        start = index;
    }
    out.push_str(&text[start..]);
}

/// Bytes that need escaping or dropping in XML: `& < > "`, control characters other than tab
/// and line breaks, and 0xEF (the lead byte of U+FFFE and U+FFFF, checked when met).
static SPECIAL: [bool; 256] = special_bytes(false);
/// [`SPECIAL`], and tab and line breaks.
static SPECIAL_WITH_WHITESPACE: [bool; 256] = special_bytes(true);

const fn special_bytes(whitespace: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = whitespace || !matches!(byte, 0x09 | 0x0A | 0x0D);
        byte += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[0xEF] = true;
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str, place: Escape) -> String {
        let mut out = String::new();
        push_escaped(&mut out, text, place);
        out
    }

    #[test]
    fn text_and_attributes() {
        let text = "a\"<&>\u{0}\u{1}b\tc\nd\re\u{FFFE}\u{FFFF}\u{FFFD}新闻";
        assert_eq!(
            escaped(text, Escape::Text),
            "a\"&lt;&amp;&gt;b\tc\nd\re\u{FFFD}新闻"
        );
        assert_eq!(
            escaped(text, Escape::Attribute),
            "a&quot;&lt;&amp;&gt;b\tc\nd\re\u{FFFD}新闻"
        );
        assert_eq!(
            escaped(text, Escape::AttributeKeepingWhitespace),
            "a&quot;&lt;&amp;&gt;b&#9;c&#10;d&#13;e\u{FFFD}新闻"
        );
    }

    #[test]
    fn every_allowed_character_is_kept() {
        for c in [
            '\u{20}',
            '\u{D7FF}',
            '\u{E000}',
            '\u{EFFF}',
            '\u{FFFD}',
            '\u{10000}',
        ] {
            assert!(is_xml_char(c));
            assert_eq!(escaped(&c.to_string(), Escape::Text), c.to_string());
        }
        for c in ['\u{0}', '\u{8}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'] {
            assert!(!is_xml_char(c));
            assert_eq!(escaped(&c.to_string(), Escape::Text), "");
        }
    }
}
