//! An open document: its text, a line index, and the conversions between LSP positions
//! (UTF-16 code units, the protocol's default) and byte offsets. Every conversion
//! clamps: a position past the end of a line or of the file, or inside a surrogate
//! pair, maps to the nearest character boundary before it, never to a panic.

use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Converts between byte offsets and UTF-16 positions in one text.
#[derive(Debug)]
pub struct LineMap {
    index: LineIndex,
    len: usize,
}

impl LineMap {
    /// The map of `text`.
    pub fn new(text: &str) -> LineMap {
        LineMap { index: LineIndex::new(text), len: text.len() }
    }

    /// The byte offset of `pos` in `text` (the text this map was built from), clamped
    /// to the end of its line (before `\r\n` or `\n`) and to a character boundary.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(line) = self.index.line(pos.line) else {
            return self.len;
        };
        let start = usize::from(line.start()).min(self.len);
        let end = usize::from(line.end()).min(self.len);
        // The line's content, without its line break.
        let content = text.get(start..end).unwrap_or("");
        let content_len = content.trim_end_matches('\n').trim_end_matches('\r').len();
        let col = self
            .index
            .to_utf8(WideEncoding::Utf16, WideLineCol { line: pos.line, col: pos.character })
            .map(|lc| lc.col as usize)
            .unwrap_or(content_len)
            .min(content_len);
        floor_boundary(text, start + col)
    }

    /// The UTF-16 position of byte `offset` (clamped to the text and floored to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset.min(self.len));
        let size = TextSize::try_from(offset).unwrap_or_default();
        let lc = self.index.try_line_col(size).unwrap_or(LineCol { line: 0, col: 0 });
        let wide =
            self.index.to_wide(WideEncoding::Utf16, lc).unwrap_or(WideLineCol { line: lc.line, col: lc.col });
        Position::new(wide.line, wide.col)
    }

    /// The UTF-16 range of the byte range `start..end`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end.max(start)))
    }
}

/// The largest character boundary of `text` at or before `offset`.
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    text: String,
    map: LineMap,
    /// The version the client gave with the last change.
    pub version: i32,
}

impl Document {
    /// A document with this text and version.
    pub fn new(text: String, version: i32) -> Document {
        let map = LineMap::new(&text);
        Document { text, map, version }
    }

    /// Its current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte offset of a position (clamped).
    pub fn offset(&self, pos: Position) -> usize {
        self.map.offset(&self.text, pos)
    }

    /// The position of a byte offset (clamped).
    pub fn position(&self, offset: usize) -> Position {
        self.map.position(&self.text, offset)
    }

    /// Applies one change: a ranged edit (incremental sync) or, without a range, the
    /// whole new text. Ranges are clamped; a reversed range is taken in order.
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent) {
        match change.range {
            None => self.text = change.text.clone(),
            Some(range) => {
                let a = self.offset(range.start);
                let b = self.offset(range.end);
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                self.text.replace_range(a..b, &change.text);
            }
        }
        self.map = LineMap::new(&self.text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, sl: u32, sc: u32, el: u32, ec: u32, new: &str) -> String {
        let mut d = Document::new(text.to_string(), 0);
        d.apply(&TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: new.to_string(),
        });
        d.text().to_string()
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        // "é" is 2 bytes, 1 UTF-16 unit; "𝔸" is 4 bytes, 2 units.
        let text = "aé𝔸b\nxyz";
        let d = Document::new(text.into(), 0);
        assert_eq!(d.offset(Position::new(0, 1)), 1);
        assert_eq!(d.offset(Position::new(0, 2)), 3);
        assert_eq!(d.offset(Position::new(0, 4)), 7);
        // Inside the surrogate pair: floored to the character's start.
        assert_eq!(d.offset(Position::new(0, 3)), 3);
        assert_eq!(d.position(7), Position::new(0, 4));
        assert_eq!(d.position(9), Position::new(1, 0));
        // Past the end of a line or of the file.
        assert_eq!(d.offset(Position::new(0, 99)), 8);
        assert_eq!(d.offset(Position::new(7, 0)), text.len());
    }

    #[test]
    fn ranged_edits_with_multibyte_characters() {
        assert_eq!(edit("aé𝔸b", 0, 2, 0, 4, "Z"), "aéZb");
        assert_eq!(edit("ab\ncd", 0, 1, 1, 1, "é\n"), "aé\nd");
        assert_eq!(edit("ab\r\ncd", 0, 5, 0, 5, "!"), "ab!\r\ncd");
        assert_eq!(edit("ab", 3, 0, 3, 0, "end"), "abend");
    }
}
