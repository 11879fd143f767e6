//! Text normalisation shared by every Vietnamese parser: NFC, whitespace, and an ASCII "fold" for
//! matching labels written with or without diacritics, in any case.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC, with the odd spaces PDFs and spreadsheets carry (NBSP, thin spaces, BOM) made plain.
pub fn nfc(text: &str) -> String {
    // Most text is already NFC with ordinary spaces: skip the normaliser then.
    let plain = |c: char| !matches!(c, '\u{00A0}' | '\u{2000}'..='\u{200B}' | '\u{202F}' | '\u{3000}' | '\u{FEFF}');
    if text.chars().all(plain)
        && unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        return text.to_string();
    }
    text.nfc()
        .map(|c| match c {
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{3000}' => ' ',
            '\u{FEFF}' | '\u{200B}' => '\u{0}',
            other => other,
        })
        .filter(|c| *c != '\u{0}')
        .collect()
}

/// Lower-case ASCII skeleton: diacritics removed, `đ` → `d`, runs of non-alphanumerics → one space.
/// "Điểm  tự chấm" and "diem tu cham" fold to the same string.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            other => other,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Collapse every run of whitespace (including new lines) to one space and trim.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters of `text` on one line, with an ellipsis when cut: for excerpts.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = squeeze(text);
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_diacritics_case_and_punctuation() {
        assert_eq!(fold("Điểm  TỰ chấm"), "diem tu cham");
        assert_eq!(fold("Mã TC:"), "ma tc");
        assert_eq!(fold("Tài liệu KC"), "tai lieu kc");
        // NFD input folds the same as NFC input.
        let nfd: String = "Giải trình".nfd().collect();
        assert_eq!(fold(&nfd), "giai trinh");
    }

    #[test]
    fn nfc_composes_and_plain_spaces() {
        let nfd: String = "Số:\u{00A0}55".nfd().collect();
        assert_eq!(nfc(&nfd), "Số: 55");
        assert_eq!(nfc("\u{FEFF}abc"), "abc");
    }

    #[test]
    fn excerpt_cuts_long_lines() {
        assert_eq!(excerpt("a  b\nc", 10), "a b c");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcde…");
    }
}
