//! A content-stream lexer for text extraction: operators with their operands, read in one pass
//! without building lopdf objects. lopdf's `Content::decode` allocates an object per operand and a
//! string per operator, and it was a sixth of a whole check; text extraction needs only numbers,
//! names, strings and arrays, and everything else is stepped over. Lenient like a viewer: a byte
//! that starts nothing is skipped, where lopdf gives up on the whole stream.

use std::borrow::Cow;

/// An operand as text extraction needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'a> {
    Number(f32),
    Name(&'a [u8]),
    /// The string's bytes, escapes and hex decoded.
    String(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    /// A dictionary, boolean, null or anything else text extraction ignores.
    Other,
}

impl Operand<'_> {
    pub fn number(&self) -> Option<f32> {
        match self {
            Operand::Number(value) => Some(*value),
            _ => None,
        }
    }

    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(name) => Some(name),
            _ => None,
        }
    }
}

/// Arrays nested deeper than this are stepped over as one operand (`Other`).
const MAX_ARRAY_DEPTH: usize = 16;
/// Items kept per array (a `TJ` holds a line's worth; a CMap range's array at most 65,536): the
/// rest are read and dropped, so a stream of one huge array costs no more than its bytes.
const MAX_ARRAY_ITEMS: usize = 1 << 16;
/// Operands kept for one operator: content operators take at most six.
const MAX_OPERANDS: usize = 64;

/// Reads operations one after the other; `operands` is reused between calls.
pub struct Lexer<'a> {
    input: &'a [u8],
    at: usize,
    max_operands: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Lexer { input, at: 0, max_operands: MAX_OPERANDS }
    }

    /// Keeps up to `max` operands per operator (a CMap's `endbfchar` closes hundreds); the rest
    /// are read and dropped.
    pub fn with_max_operands(mut self, max: usize) -> Self {
        self.max_operands = max;
        self
    }

    /// The next operator and its operands (in `operands`, cleared first), or `None` at the end.
    pub fn next_operation(&mut self, operands: &mut Vec<Operand<'a>>) -> Option<&'a [u8]> {
        operands.clear();
        let max_operands = self.max_operands;
        // Operands past the bound are read (to step over them) but not kept.
        let keep = |operands: &mut Vec<Operand<'a>>, operand| {
            if operands.len() < max_operands {
                operands.push(operand);
            }
        };
        loop {
            self.skip_space();
            let &byte = self.input.get(self.at)?;
            match byte {
                b'/' | b'(' | b'<' | b'[' | b'+' | b'-' | b'.' | b'0'..=b'9' => {
                    if let Some(operand) = self.operand(0) {
                        keep(operands, operand);
                    }
                }
                _ if is_regular(byte) => {
                    let operator = self.word();
                    match operator {
                        b"true" | b"false" | b"null" => keep(operands, Operand::Other),
                        b"BI" => {
                            self.skip_inline_image();
                            operands.clear();
                        }
                        _ => return Some(operator),
                    }
                }
                // `)`, `>`, `]`, `{`, `}` out of place: skipped.
                _ => self.at += 1,
            }
        }
    }

    fn skip_space(&mut self) {
        while let Some(&byte) = self.input.get(self.at) {
            match byte {
                b'%' => {
                    while self.input.get(self.at).is_some_and(|&b| b != b'\n' && b != b'\r') {
                        self.at += 1;
                    }
                }
                _ if is_space(byte) => self.at += 1,
                _ => return,
            }
        }
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.input.get(self.at).is_some_and(|&b| is_regular(b)) {
            self.at += 1;
        }
        &self.input[start..self.at]
    }

    /// One operand starting at the current byte (never at the end of input).
    fn operand(&mut self, depth: usize) -> Option<Operand<'a>> {
        match self.input[self.at] {
            b'/' => {
                self.at += 1;
                Some(Operand::Name(self.word()))
            }
            b'(' => Some(Operand::String(self.literal_string())),
            b'<' if self.input.get(self.at + 1) == Some(&b'<') => {
                self.skip_dictionary();
                Some(Operand::Other)
            }
            b'<' => Some(Operand::String(Cow::Owned(self.hex_string()))),
            b'[' if depth >= MAX_ARRAY_DEPTH => {
                self.skip_array();
                Some(Operand::Other)
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.input.get(self.at) {
                        None => break,
                        Some(b']') => {
                            self.at += 1;
                            break;
                        }
                        Some(b'/' | b'(' | b'<' | b'[' | b'+' | b'-' | b'.' | b'0'..=b'9') => {
                            let item = self.operand(depth + 1);
                            if items.len() < MAX_ARRAY_ITEMS {
                                items.extend(item);
                            }
                        }
                        Some(&byte) if is_regular(byte) => {
                            // `true`, `null`, or an operator where `]` was forgotten: stop here.
                            let word = self.word();
                            if !matches!(word, b"true" | b"false" | b"null") {
                                self.at -= word.len();
                                break;
                            }
                        }
                        Some(_) => self.at += 1,
                    }
                }
                Some(Operand::Array(items))
            }
            _ => {
                // `3.` and `-.5` are numbers; `1-2` and other junk are nothing in particular.
                let word = self.word();
                let number = std::str::from_utf8(word).ok().and_then(|w| w.parse::<f32>().ok());
                Some(number.map_or(Operand::Other, Operand::Number))
            }
        }
    }

    /// `( … )` with balanced parentheses and backslash escapes (PDF 32000-1 §7.3.4.2).
    fn literal_string(&mut self) -> Cow<'a, [u8]> {
        self.at += 1;
        let start = self.at;
        let mut depth = 0usize;
        let mut plain = true;
        while let Some(&byte) = self.input.get(self.at) {
            match byte {
                b'\\' => {
                    plain = false;
                    self.at += 2;
                    continue;
                }
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b'\r' => plain = false,
                _ => {}
            }
            self.at += 1;
        }
        let end = self.at.min(self.input.len());
        self.at = (self.at + 1).min(self.input.len());
        let raw = &self.input[start..end];
        if plain {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(unescape(raw))
        }
    }

    /// `< hex digits >`, whitespace ignored, an odd last digit followed by 0.
    fn hex_string(&mut self) -> Vec<u8> {
        self.at += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&byte) = self.input.get(self.at) {
            self.at += 1;
            if byte == b'>' {
                break;
            }
            let Some(digit) = (byte as char).to_digit(16) else { continue };
            match high.take() {
                Some(h) => out.push(h << 4 | digit as u8),
                None => high = Some(digit as u8),
            }
        }
        out.extend(high.map(|h| h << 4));
        out
    }

    /// `[ … ]` nested too deep to keep: stepped over without recursion, strings inside included.
    fn skip_array(&mut self) {
        let mut depth = 0usize;
        while let Some(&byte) = self.input.get(self.at) {
            match byte {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        return;
                    }
                }
                b'(' => {
                    self.literal_string();
                    continue;
                }
                _ => {}
            }
            self.at += 1;
        }
    }

    /// `<< … >>`, nested dictionaries and strings inside (which may hold `>>`) stepped over.
    fn skip_dictionary(&mut self) {
        let mut depth = 0usize;
        while self.at < self.input.len() {
            match (self.input[self.at], self.input.get(self.at + 1)) {
                (b'<', Some(b'<')) => {
                    depth += 1;
                    self.at += 2;
                }
                (b'>', Some(b'>')) => {
                    self.at += 2;
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                (b'(', _) => {
                    self.literal_string();
                }
                (b'<', _) => {
                    self.hex_string();
                }
                (b'%', _) => self.skip_space(),
                _ => self.at += 1,
            }
        }
    }

    /// `BI … ID <binary> EI`: the image data ends at an `EI` between white space (or the end).
    fn skip_inline_image(&mut self) {
        // `ID` as a word of its own (not inside a name such as `/IDx`), then one white-space byte.
        let mut search = self.at;
        let data = loop {
            let Some(found) = find(&self.input[search..], b"ID") else {
                self.at = self.input.len();
                return;
            };
            let start = search + found;
            let alone_before = start == 0 || !is_regular(self.input[start - 1]) && self.input[start - 1] != b'/';
            let space_after = self.input.get(start + 2).is_none_or(|&b| is_space(b));
            if alone_before && space_after {
                break start + 2;
            }
            search = start + 2;
        };
        let mut at = data;
        while let Some(found) = find(&self.input[at..], b"EI") {
            let start = at + found;
            let before = start == 0 || is_space(self.input[start - 1]);
            let after = self.input.get(start + 2).is_none_or(|&b| !is_regular(b));
            if before && after {
                self.at = start + 2;
                return;
            }
            at = start + 2;
        }
        self.at = self.input.len();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    crate::sniff::memfind(haystack, needle)
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(byte, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(byte: u8) -> bool {
    !is_space(byte) && !is_delimiter(byte)
}

/// The escapes of a literal string: `\n \r \t \b \f \( \) \\`, octal `\ddd`, a backslash before an
/// end of line (a continuation); an unescaped end of line `\r` or `\r\n` reads as `\n`.
fn unescape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let byte = raw[i];
        i += 1;
        match byte {
            b'\\' => {
                let Some(&next) = raw.get(i) else { break };
                i += 1;
                match next {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut value = u32::from(next - b'0');
                        for _ in 0..2 {
                            match raw.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(value as u8);
                    }
                    b'\r' => {
                        if raw.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            b'\r' => {
                if raw.get(i) == Some(&b'\n') {
                    i += 1;
                }
                out.push(b'\n');
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(content: &[u8]) -> Vec<(String, Vec<Operand<'_>>)> {
        let mut lexer = Lexer::new(content);
        let mut operands = Vec::new();
        let mut out = Vec::new();
        while let Some(operator) = lexer.next_operation(&mut operands) {
            out.push((String::from_utf8_lossy(operator).into_owned(), operands.clone()));
        }
        out
    }

    fn string(bytes: &[u8]) -> Operand<'_> {
        Operand::String(Cow::Borrowed(bytes))
    }

    #[test]
    fn operators_and_their_operands() {
        let ops = operations(b"BT /F2+0 12.5 Tf 1 0 0 1 12.37 -8 Tm (S\\001 Y T\\002) Tj T* ET");
        let names: Vec<&str> = ops.iter().map(|(op, _)| op.as_str()).collect();
        assert_eq!(names, ["BT", "Tf", "Tm", "Tj", "T*", "ET"]);
        assert_eq!(ops[1].1, [Operand::Name(b"F2+0"), Operand::Number(12.5)]);
        assert_eq!(ops[2].1[5], Operand::Number(-8.0));
        assert_eq!(ops[3].1, [string(b"S\x01 Y T\x02")]);
    }

    #[test]
    fn strings_arrays_and_escapes() {
        let ops = operations(b"[(A) -250 <0102 3> (b\\(c\\)) (x(y)z) (\\101\\12\\\ncont)] TJ");
        assert_eq!(ops.len(), 1);
        let Operand::Array(items) = &ops[0].1[0] else { panic!("{:?}", ops[0]) };
        assert_eq!(items[0], string(b"A"));
        assert_eq!(items[1], Operand::Number(-250.0));
        assert_eq!(items[2], string(b"\x01\x02\x30"));
        assert_eq!(items[3], string(b"b(c)"));
        assert_eq!(items[4], string(b"x(y)z"), "balanced parentheses need no escape");
        assert_eq!(items[5], string(b"A\ncont"), "octal escapes and a line continuation");
    }

    #[test]
    fn dictionaries_comments_and_inline_images_are_stepped_over() {
        let content = b"/Span <</ActualText (>> Tj) /Nested <<>> >> BDC % (not) Tj\n\
                        BI /W 2 /IDx 8 /Z EI ID (fake) Tj\x00EI\xffTj\x01 EI Q (after) Tj";
        let ops = operations(content);
        let names: Vec<&str> = ops.iter().map(|(op, _)| op.as_str()).collect();
        assert_eq!(names, ["BDC", "Q", "Tj"]);
        assert_eq!(ops[0].1, [Operand::Name(b"Span"), Operand::Other]);
        assert_eq!(ops[2].1, [string(b"after")]);
    }

    #[test]
    fn garbage_is_skipped_not_fatal() {
        let ops = operations(b") ] } 1 2 3 (unterminated");
        assert!(ops.is_empty());
        let ops = operations(b">> (ok) Tj [ (a) Tj");
        assert_eq!(ops.iter().map(|(op, _)| op.as_str()).collect::<Vec<_>>(), ["Tj", "Tj"]);
        let many = "true ".repeat(10_000) + "1 2 Td";
        assert_eq!(operations(many.as_bytes())[0].1.len(), MAX_OPERANDS, "operands are bounded, keywords too");
        let deep = "[".repeat(10_000) + "(x)" + &"]".repeat(10_000) + " TJ";
        assert_eq!(operations(deep.as_bytes()).len(), 1, "deep arrays: one operand, no overflow");
    }
}
