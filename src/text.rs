//! Lines and columns of a decoded text: the one translation between byte offsets (what spans
//! hold) and 1-based lines and columns counted in Unicode scalar values (what people, SARIF and
//! parsers' error messages use). Decoding turns CRLF into LF, so a line ends at `\n`.
//!
//! It does not keep the text: every call takes the text the index was built from.

/// 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    /// Byte offset in the decoded text.
    pub offset: usize,
}

/// Where each line of a text starts, and how many characters come before every 4 KiB.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `characters[i]`: the characters in the text's first `i * CHECKPOINT` bytes. A column is
    /// then counted over at most two stretches of `CHECKPOINT` bytes, however long the line:
    /// counting from the line's start made many diagnostics on one long line (a minified
    /// page) quadratic.
    characters: Vec<usize>,
}

/// Bytes between two character counts of [`LineIndex`].
const CHECKPOINT: usize = 4096;

/// The characters that start in `bytes` (any slice of UTF-8: continuation bytes don't count).
fn characters_starting(bytes: &[u8]) -> usize {
    bytes.iter().filter(|byte| (**byte as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(position, _)| position + 1));
        let mut characters = vec![0];
        let mut count = 0;
        for chunk in text.as_bytes().chunks(CHECKPOINT) {
            count += characters_starting(chunk);
            characters.push(count);
        }
        LineIndex { starts, characters }
    }

    /// The characters before byte `offset` of `text` (a character boundary).
    fn characters_before(&self, text: &str, offset: usize) -> usize {
        let checkpoint = offset / CHECKPOINT;
        let counted = self.characters.get(checkpoint).copied().unwrap_or(0);
        let from = (checkpoint * CHECKPOINT).min(offset);
        counted + characters_starting(&text.as_bytes()[from..offset])
    }

    /// The line and column of a byte offset; an offset past the end or inside a character is
    /// moved back to the nearest character boundary (and is the `offset` returned).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|start| *start <= offset) - 1;
        let column = self.characters_before(text, offset)
            - self.characters_before(text, self.starts[line])
            + 1;
        Position {
            line: line + 1,
            column,
            offset,
        }
    }

    /// The byte offset where a 1-based line ends (its `\n`, or the end of the text).
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        self.starts
            .get(line.max(1))
            .map_or(text.len(), |next_start| next_start - 1)
    }

    /// The byte offset where a 1-based line starts (line 0 is line 1), or `None` past the last.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.saturating_sub(1)).copied()
    }

    /// The byte offset of a 1-based line and column, as a parser's error message gives them;
    /// a column past the end of its line counts on into the next lines, and one past the end of
    /// the text is the text's end. `None` when there is no such line.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> Option<usize> {
        let line_start = self.line_start(line)?;
        let within = text[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len() - line_start, |(position, _)| position);
        Some(line_start + within)
    }
}

/// `index`, or the nearest character boundary before it.
pub fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Lines of a text with their byte offsets; `content` excludes the newline.
#[derive(Clone, Copy)]
pub struct Line<'a> {
    pub start: usize,
    pub end: usize,
    pub content: &'a str,
}

pub struct Lines<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines { text, position: 0 }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        if self.position >= self.text.len() {
            return None;
        }
        let start = self.position;
        let rest = &self.text[start..];
        let (content, end) = match rest.find('\n') {
            Some(newline) => (&rest[..newline], start + newline + 1),
            None => (rest, self.text.len()),
        };
        self.position = end;
        Some(Line {
            start,
            end,
            content,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_column(text: &str, offset: usize) -> (usize, usize) {
        let position = LineIndex::new(text).position(text, offset);
        (position.line, position.column)
    }

    #[test]
    fn positions_are_lines_and_scalar_columns() {
        let text = "ab\n新闻x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
        // Inside a character: its start.
        assert_eq!(line_column(text, 4), (2, 1));
        assert_eq!(line_column(text, 1_000), (3, 1));
        assert_eq!(LineIndex::new(text).position(text, 4).offset, 3);
        assert_eq!(line_column("", 5), (1, 1));
    }

    #[test]
    fn offsets_of_lines_and_columns() {
        let text = "ab\n新闻x\nlast";
        let lines = LineIndex::new(text);
        assert_eq!(lines.offset(text, 1, 1), Some(0));
        assert_eq!(lines.offset(text, 0, 0), Some(0));
        assert_eq!(lines.offset(text, 2, 2), Some(6));
        assert_eq!(lines.offset(text, 2, 5), Some(11));
        assert_eq!(lines.offset(text, 3, 99), Some(text.len()));
        assert_eq!(lines.offset(text, 4, 1), None);
        for offset in [0, 3, 6, 9, 11] {
            let position = lines.position(text, offset);
            assert_eq!(
                lines.offset(text, position.line, position.column),
                Some(offset)
            );
        }
    }

    /// Long lines of mixed widths across many checkpoints: the column is the count of
    /// characters from the line's start, and the line's end is its newline.
    #[test]
    fn columns_on_long_lines_count_every_character() {
        let mut text = String::new();
        for i in 0..6_000 {
            text.push_str(["a", "新", "😀", "é"][i % 4]);
            if i % 2_500 == 2_499 {
                text.push('\n');
            }
        }
        let lines = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(7) {
            let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
            let position = lines.position(&text, offset);
            assert_eq!(
                position.column,
                text[line_start..offset].chars().count() + 1
            );
            assert_eq!(position.line, text[..offset].matches('\n').count() + 1);
            let line_end = text[offset..]
                .find('\n')
                .map_or(text.len(), |at| offset + at);
            assert_eq!(lines.line_end(&text, position.line), line_end);
        }
    }
}
