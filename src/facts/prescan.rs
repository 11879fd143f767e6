//! A cheap lexical pass over a PDF's bytes before any parser sees them. lopdf holds every object of
//! a file in memory, tens of bytes each, so a file of millions of tiny objects (or one array of
//! millions of numbers) costs gigabytes once parsed: counting its tokens first lets such a file be
//! refused for what it would cost. The same pass measures how deeply arrays and dictionaries nest,
//! which a recursive reader (pdf-extract's lopdf) must be protected from. Stream bodies are stepped
//! over (their bytes are data, not syntax); strings and comments too.

use super::sniff::memfind;

/// What the bytes hold, as far as a lexer can tell without parsing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Prescan {
    /// Numbers, names, strings, keywords and brackets outside streams: each a parsed object or
    /// part of one.
    pub tokens: usize,
    /// `obj` keywords: indirect objects written in the open (not inside object streams).
    pub objects: usize,
    /// The deepest nesting of `[` and `<<` seen.
    pub max_depth: usize,
}

pub fn prescan(bytes: &[u8]) -> Prescan {
    let mut scan = Prescan::default();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'%' => {
                while bytes.get(at).is_some_and(|&b| b != b'\n' && b != b'\r') {
                    at += 1;
                }
                continue;
            }
            b'(' => {
                scan.tokens += 1;
                at = skip_literal_string(bytes, at);
                continue;
            }
            b'<' if bytes.get(at + 1) == Some(&b'<') => {
                scan.tokens += 1;
                depth += 1;
                scan.max_depth = scan.max_depth.max(depth);
                at += 2;
                continue;
            }
            b'>' if bytes.get(at + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                at += 2;
                continue;
            }
            b'<' => {
                scan.tokens += 1;
                at += bytes[at..].iter().position(|&b| b == b'>').map_or(bytes.len() - at, |end| end + 1);
                continue;
            }
            b'[' => {
                scan.tokens += 1;
                depth += 1;
                scan.max_depth = scan.max_depth.max(depth);
            }
            b']' => depth = depth.saturating_sub(1),
            _ if is_regular(byte) => {
                let start = at;
                while bytes.get(at).is_some_and(|&b| is_regular(b)) {
                    at += 1;
                }
                scan.tokens += 1;
                match &bytes[start..at] {
                    b"obj" => scan.objects += 1,
                    // Object syntax resumes after `endstream`; a stream without one runs to the end.
                    b"stream" => at += memfind(&bytes[at..], b"endstream").unwrap_or(bytes.len() - at),
                    _ => {}
                }
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    scan
}

/// Past the `)` that closes the string opening at `at` (balanced parentheses, backslash escapes).
fn skip_literal_string(bytes: &[u8], mut at: usize) -> usize {
    let mut depth = 0usize;
    at += 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => return at + 1,
            b')' => depth -= 1,
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

fn is_regular(byte: u8) -> bool {
    !matches!(
        byte,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b'\x0c'
            | b'\0'
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'/'
            | b'%'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_objects_and_depth_outside_streams() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /A [1 [2 (x]]) ] /L 7 >>\nstream\n[[[[[[ obj obj\nendstream\nendobj\n";
        let scan = prescan(pdf);
        assert_eq!(scan.objects, 1, "`obj` inside the stream is data");
        assert_eq!(scan.max_depth, 3, "<< [ [ : brackets in a string or a stream do not count");
        assert_eq!(scan.tokens, 15);
    }

    #[test]
    fn deep_and_dense_inputs_are_measured_without_recursion() {
        let deep = "[".repeat(1_000_000);
        assert_eq!(prescan(deep.as_bytes()).max_depth, 1_000_000);
        assert_eq!(prescan("0 ".repeat(1000).as_bytes()).tokens, 1000);
        assert_eq!(prescan(b"(unterminated \\) [").tokens, 1);
    }
}
