//! Is a page's decoded text readable? A layer printed to PDF through PostScript, or drawn with
//! fonts that carry no usable Unicode map, still shows the right glyphs but decodes to replacement
//! characters (every letter with a diacritic lost: `C�NG H�A X�`), private-use or control
//! characters, or UTF-8 read as Latin-1 (`CÃ´ng`, `Viá»‡t`). Such a page cannot be judged from its
//! text (KC607): a missing number there is a reading failure, not a missing number.

/// Letters and digits a page must show before its readability says anything.
const MIN_SIGNS: usize = 40;
/// Share of undecodable characters above which a page is unreadable: Vietnamese puts a diacritic
/// on a quarter to a third of its letters, so a layer that lost them is far above this, while a
/// Word document's symbol-font bullets (private use) stay far below.
const MAX_UNDECODED_SHARE: f64 = 0.08;
/// Mojibake pairs per hundred letters above which a page reads as UTF-8 decoded as Latin-1.
const MAX_MOJIBAKE_PER_100: f64 = 2.0;

/// Why a page's text is not readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Garbled {
    /// Replacement, private-use or control characters where letters should be.
    Undecoded,
    /// UTF-8 bytes shown as Latin-1 characters.
    Mojibake,
}

pub fn garbled(text: &str) -> Option<Garbled> {
    let mut signs = 0usize;
    let mut undecoded = 0usize;
    let mut mojibake = 0usize;
    let mut previous = ' ';
    for c in text.chars() {
        if c.is_alphanumeric() && !is_private_use(c) {
            signs += 1;
        } else if c == '\u{FFFD}' || is_private_use(c) || (c.is_control() && !c.is_whitespace()) {
            undecoded += 1;
        }
        // `Ã` `Â` `Ä` `Æ` `á` followed by a C1 or Latin-1 punctuation character: the second byte
        // of a UTF-8 sequence shown alone (`Ã´` for ô, `á»‡` for ệ, `Ä‘` for đ, `Æ°` for ư).
        if matches!(previous, 'Ã' | 'Â' | 'Ä' | 'Æ' | 'á') && is_continuation_shown(c) {
            mojibake += 1;
        }
        previous = c;
    }
    if signs + undecoded < MIN_SIGNS {
        return None;
    }
    if undecoded as f64 / (signs + undecoded) as f64 > MAX_UNDECODED_SHARE {
        return Some(Garbled::Undecoded);
    }
    if mojibake as f64 * 100.0 / signs.max(1) as f64 > MAX_MOJIBAKE_PER_100 {
        return Some(Garbled::Mojibake);
    }
    None
}

fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// A byte 0x80–0xBF of a UTF-8 sequence, as Latin-1 or Windows-1252 shows it.
fn is_continuation_shown(c: char) -> bool {
    matches!(c as u32, 0x80..=0xBF) || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layer_that_lost_its_diacritics_is_undecoded() {
        let printed = "UBND TH\u{FFFD}NH PH\u{FFFD} C\u{FFFD}N TH\u{FFFD}\nS\u{FFFD} C\u{FFFD}NG TH\u{FFFD}\u{FFFD}NG\n\
                       C\u{FFFD}NG H\u{FFFD}A X\u{FFFD} H\u{FFFD}I CH\u{FFFD} NGH\u{FFFD}A VI\u{FFFD}T NAM\n\
                       S\u{FFFD}: 71/Q\u{FFFD}-SCT C\u{FFFD}n Th\u{FFFD}, ng\u{FFFD}y 30 th\u{FFFD}ng 01 n\u{FFFD}m 2026";
        assert_eq!(garbled(printed), Some(Garbled::Undecoded));
        let private = "\u{E001}\u{E002}\u{E003} \u{E004}\u{E005}".repeat(20);
        assert_eq!(garbled(&private), Some(Garbled::Undecoded));
    }

    #[test]
    fn utf8_read_as_latin1_is_mojibake() {
        let text =
            "Cá»˜NG HÃ’A XÃƒ Há»˜I CHá»¦ NGHÄ¨A VIá»†T NAM\nÄá»™c láº\u{AD}p - Tá»± do - Háº¡nh phÃºc\nSá»‘: 12/KH-UBND";
        assert_eq!(garbled(text), Some(Garbled::Mojibake));
    }

    #[test]
    fn real_text_is_readable() {
        let vietnamese = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 71/QĐ-SCT\n\
                          Cần Thơ, ngày 30 tháng 01 năm 2026\nQUYẾT ĐỊNH Ban hành Kế hoạch cải cách hành chính";
        assert_eq!(garbled(vietnamese), None);
        let english = "This document was signed with an approval signature and then a visible change was made.";
        assert_eq!(garbled(english), None);
        // Symbol-font bullets of a Word document, a few per page.
        let bullets = "\u{F0B7} Ban hành kế hoạch cải cách hành chính năm 2026 đúng thời hạn quy định\n".repeat(6);
        assert_eq!(garbled(&bullets), None);
        assert_eq!(garbled("Trang 1"), None, "too little text to say");
        // Vietnamese capitals with tildes are letters, not mojibake.
        assert_eq!(garbled(&"Ã Â Ă Ê Ô Ơ Ư Đ Ầ Ẫ ghép vần đúng".repeat(4)), None);
    }
}
