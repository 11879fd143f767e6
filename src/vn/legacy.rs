//! Pre-Unicode Vietnamese text (KC606). Documents typed with TCVN3/ABC fonts (`.VnTime`,
//! `.VnTimeH`, `.VnArial`…) carry one byte per Vietnamese letter behind a font that claims a Latin
//! encoding, so extraction yields mojibake such as `Sè: 15/Q§-UBND`. The font name says which
//! encoding it is; the bytes are then mapped back (TCVN 5712:1993, VN3 table). VNI fonts
//! (`VNI-Times`) write a base letter followed by a mark byte (`Vieät Nam`): the marks become Unicode
//! combining marks and the pair is composed (NFC).

use std::collections::HashSet;
use std::sync::LazyLock;

/// The legacy encoding a font name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Legacy {
    Tcvn3,
    Vni,
}

impl Legacy {
    /// From a PDF font's `/BaseFont` (a subset prefix `ABCDEF+` is ignored).
    pub fn from_font_name(name: &str) -> Option<(Legacy, bool)> {
        let name = name.rsplit('+').next().unwrap_or(name);
        if let Some(rest) = name.strip_prefix(".Vn").or_else(|| name.strip_prefix("Vn")).filter(|_| name.contains("Vn"))
        {
            // `.VnTimeH`, `.VnArialH`: the capitals fonts (same codes, upper-case glyphs).
            let capitals = rest.split([',', '-']).next().unwrap_or(rest).ends_with('H');
            return Some((Legacy::Tcvn3, capitals));
        }
        if name.to_ascii_uppercase().starts_with("VNI-") || name.to_ascii_uppercase().starts_with("VNI ") {
            return Some((Legacy::Vni, false));
        }
        None
    }
}

/// TCVN3 bytes from 0xA1 up, as Unicode (0 = unused).
const TCVN3_HIGH: [char; 95] = [
    // 0xA1..=0xA7: Ă Â Ê Ô Ơ Ư Đ
    'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', //
    // 0xA8..=0xAE: ă â ê ô ơ ư đ
    'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', //
    // 0xAF..=0xB4: unused
    '\0', '\0', '\0', '\0', '\0', '\0', //
    // 0xB5..=0xB9: à ả ã á ạ
    'à', 'ả', 'ã', 'á', 'ạ', //
    // 0xBA: unused; 0xBB..=0xBE: ằ ẳ ẵ ắ
    '\0', 'ằ', 'ẳ', 'ẵ', 'ắ', //
    // 0xBF..=0xC5: unused
    '\0', '\0', '\0', '\0', '\0', '\0', '\0', //
    // 0xC6: ặ; 0xC7..=0xCB: ầ ẩ ẫ ấ ậ
    'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', //
    // 0xCC..=0xD1: è ẻ ẽ é ẹ; 0xCD unused
    'è', '\0', 'ẻ', 'ẽ', 'é', 'ẹ', //
    // 0xD2..=0xD6: ề ể ễ ế ệ
    'ề', 'ể', 'ễ', 'ế', 'ệ', //
    // 0xD7..=0xDE: ì ỉ (0xD9..=0xDB unused) ĩ í ị
    'ì', 'ỉ', '\0', '\0', '\0', 'ĩ', 'í', 'ị', //
    // 0xDF..=0xE4: ò (0xE0 unused) ỏ õ ó ọ
    'ò', '\0', 'ỏ', 'õ', 'ó', 'ọ', //
    // 0xE5..=0xE9: ồ ổ ỗ ố ộ
    'ồ', 'ổ', 'ỗ', 'ố', 'ộ', //
    // 0xEA..=0xEE: ờ ở ỡ ớ ợ
    'ờ', 'ở', 'ỡ', 'ớ', 'ợ', //
    // 0xEF..=0xF4: ù (0xF0 unused) ủ ũ ú ụ
    'ù', '\0', 'ủ', 'ũ', 'ú', 'ụ', //
    // 0xF5..=0xF9: ừ ử ữ ứ ự
    'ừ', 'ử', 'ữ', 'ứ', 'ự', //
    // 0xFA..=0xFE: ỳ ỷ ỹ ý ỵ; 0xFF unused
    'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', '\0',
];

/// Decodes bytes shown with a TCVN3 font; `capitals` for the `…H` fonts.
pub fn decode_tcvn3(bytes: &[u8], capitals: bool) -> String {
    bytes
        .iter()
        .map(|&byte| {
            let c = match byte {
                0xA1..=0xFF => match TCVN3_HIGH[(byte - 0xA1) as usize] {
                    '\0' => char::from(byte),
                    mapped => mapped,
                },
                other => char::from(other),
            };
            if capitals {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// VNI-Windows mark bytes, as the combining marks they stand for (lower- and upper-case forms).
fn vni_marks(byte: u8) -> Option<&'static [char]> {
    const ACUTE: char = '\u{301}';
    const GRAVE: char = '\u{300}';
    const HOOK: char = '\u{309}';
    const TILDE: char = '\u{303}';
    const DOT: char = '\u{323}';
    const HAT: char = '\u{302}';
    const BREVE: char = '\u{306}';
    Some(match byte {
        0xF9 | 0xD9 => &[ACUTE],
        0xF8 | 0xD8 => &[GRAVE],
        0xFB | 0xDB => &[HOOK],
        0xF5 | 0xD5 => &[TILDE],
        0xEF | 0xCF => &[DOT],
        0xE2 | 0xC2 => &[HAT],
        0xE1 | 0xC1 => &[HAT, ACUTE],
        0xE0 | 0xC0 => &[HAT, GRAVE],
        0xE5 | 0xC5 => &[HAT, HOOK],
        0xE3 | 0xC3 => &[HAT, TILDE],
        0xE4 | 0xC4 => &[HAT, DOT],
        0xEA | 0xCA => &[BREVE],
        0xE9 | 0xC9 => &[BREVE, ACUTE],
        0xE8 | 0xC8 => &[BREVE, GRAVE],
        0xFA | 0xDA => &[BREVE, HOOK],
        0xFC | 0xDC => &[BREVE, TILDE],
        0xEB | 0xCB => &[BREVE, DOT],
        _ => return None,
    })
}

/// VNI-Windows letters written with one byte.
fn vni_letter(byte: u8) -> Option<char> {
    Some(match byte {
        0xF1 => 'đ',
        0xD1 => 'Đ',
        0xF4 => 'ơ',
        0xD4 => 'Ơ',
        0xF6 => 'ư',
        0xD6 => 'Ư',
        0xEC => 'ì',
        0xED => 'í',
        0xE6 => 'ỉ',
        0xF3 => 'ĩ',
        0xF2 => 'ị',
        0xCC => 'Ì',
        0xCD => 'Í',
        0xC6 => 'Ỉ',
        0xD3 => 'Ĩ',
        0xD2 => 'Ị',
        _ => return None,
    })
}

/// Decodes bytes shown with a VNI font: a mark byte right after a vowel combines with it.
pub fn decode_vni(bytes: &[u8]) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(bytes.len());
    let mut after_vowel = false;
    for &byte in bytes {
        if after_vowel {
            if let Some(marks) = vni_marks(byte) {
                out.extend(marks);
                after_vowel = false;
                continue;
            }
        }
        let c = vni_letter(byte).unwrap_or(char::from(byte));
        after_vowel = "aeiouyAEIOUYơưƠƯ".contains(c);
        out.push(c);
    }
    out.nfc().collect()
}

/// Common words of Vietnamese administrative text, to tell a right decoding from a wrong one.
const COMMON_WORDS: &[&str] = &[
    "ngày", "tháng", "năm", "của", "và", "các", "được", "số", "việt", "cộng", "hòa", "hoà", "độc", "lập", "hạnh",
    "phúc", "chủ", "nghĩa", "ủy", "uỷ", "nhân", "dân", "báo", "cáo", "kế", "hoạch", "quyết", "định", "thực", "hiện",
    "công", "tác", "đơn", "vị", "trên", "địa", "bàn", "cải", "hành", "chính",
];

/// Letters only Unicode Vietnamese has (ạ…ỹ, ă, đ, ơ, ư): text that has them is not mojibake.
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(c, '\u{1ea0}'..='\u{1ef9}' | 'ă' | 'Ă' | 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư')
}

/// The byte a WinAnsi (cp1252) reader turned into `c`, for the bytes a legacy font really showed.
fn winansi_byte(c: char) -> Option<u8> {
    const CP1252_80_9F: &str = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";
    match c as u32 {
        0..=0x7f | 0xa0..=0xff => Some(c as u8),
        _ => CP1252_80_9F.chars().position(|known| known == c).map(|i| 0x80 + i as u8),
    }
}

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| COMMON_WORDS.iter().copied().collect());

/// How many words of `text` are common Vietnamese words. Runs on every page of text that may be
/// mojibake, so: one hash lookup a word, lower-casing only words that have capitals, and words longer
/// than any common word (16 bytes is twice the longest) never looked up.
fn common_words(text: &str) -> usize {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|word| !word.is_empty() && word.len() <= 16)
        .filter(|word| match word.chars().any(char::is_uppercase) {
            true => COMMON.contains(word.to_lowercase().as_str()),
            false => COMMON.contains(word),
        })
        .count()
}

/// Text shown with a legacy font whose name says nothing (`F1`, `TT2`, a renamed subset): no letter
/// of Unicode Vietnamese, Latin-1 letters instead, and a decoding (TCVN3, then VNI) that turns up
/// common Vietnamese words the text lacked. Returns the encoding and the decoded text.
pub fn recognise(text: &str) -> Option<(Legacy, String)> {
    if text.chars().any(is_unicode_vietnamese) || text.chars().filter(|c| ('\u{a0}'..='\u{ff}').contains(c)).count() < 4
    {
        return None;
    }
    let as_read = common_words(text);
    let candidates = [
        (Legacy::Tcvn3, decode_runs(text, |bytes| decode_tcvn3(bytes, false))),
        (Legacy::Vni, decode_runs(text, decode_vni)),
    ];
    candidates
        .into_iter()
        .map(|(legacy, decoded)| (common_words(&decoded), legacy, decoded))
        .filter(|(found, _, _)| *found >= as_read + 3)
        .max_by_key(|(found, _, _)| *found)
        .map(|(_, legacy, decoded)| (legacy, decoded))
}

/// Decodes the runs of characters that stand for bytes; anything else is kept as it is.
fn decode_runs(text: &str, decode: impl Fn(&[u8]) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = Vec::new();
    for c in text.chars() {
        match winansi_byte(c) {
            Some(byte) => run.push(byte),
            None => {
                out.push_str(&decode(&run));
                run.clear();
                out.push(c);
            }
        }
    }
    out.push_str(&decode(&run));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes with the same table, for round trips (the tests make their own samples).
    fn encode_tcvn3(text: &str) -> Vec<u8> {
        text.chars()
            .map(|c| match TCVN3_HIGH.iter().position(|&m| m == c) {
                Some(i) => 0xA1 + i as u8,
                None => c as u8,
            })
            .collect()
    }

    #[test]
    fn the_mojibake_of_the_domain_notes_reads_back() {
        // `Sè: 15/Q§-UBND` as extracted with a Latin-1 reading of a .VnTime font.
        let latin1: Vec<u8> = "Sè: 15/Q§-UBND".chars().map(|c| c as u8).collect();
        assert_eq!(decode_tcvn3(&latin1, false), "Số: 15/QĐ-UBND");
    }

    #[test]
    fn every_vietnamese_letter_round_trips() {
        let letters = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵĂÂÊÔƠƯĐ";
        assert_eq!(decode_tcvn3(&encode_tcvn3(letters), false), letters);
        let sentence = "Ủy ban nhân dân xã Phấn Mễ báo cáo kết quả";
        // Capitals other than Ă Â Ê Ô Ơ Ư Đ live in the …H fonts: lower-case codes, upper-case glyphs.
        let lower = encode_tcvn3(&sentence.to_lowercase());
        assert_eq!(decode_tcvn3(&lower, true), sentence.to_uppercase());
    }

    #[test]
    fn vni_words_read_back() {
        let latin1 = |text: &str| -> Vec<u8> { text.chars().map(|c| c as u8).collect() };
        for (vni, unicode) in [
            ("Vieät Nam", "Việt Nam"),
            ("Ñaø Naüng", "Đà Nẵng"),
            ("Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
            ("Soá: 15/QÑ-UBND", "Số: 15/QĐ-UBND"),
            ("ngaøy 05 thaùng 3 naêm 2023", "ngày 05 tháng 3 năm 2023"),
            ("Ñieåm a, Khoaûn 2, Muïc I", "Điểm a, Khoản 2, Mục I"),
            ("Ngöôøi kyù", "Người ký"),
        ] {
            assert_eq!(decode_vni(&latin1(vni)), unicode, "{vni}");
        }
    }

    #[test]
    fn fonts_announce_their_encoding() {
        assert_eq!(Legacy::from_font_name("ABCDEF+.VnTime"), Some((Legacy::Tcvn3, false)));
        assert_eq!(Legacy::from_font_name(".VnTimeH"), Some((Legacy::Tcvn3, true)));
        assert_eq!(Legacy::from_font_name(".VnArial,Bold"), Some((Legacy::Tcvn3, false)));
        assert_eq!(Legacy::from_font_name("VNI-Times"), Some((Legacy::Vni, false)));
        assert_eq!(Legacy::from_font_name("TimesNewRomanPSMT"), None);
        assert_eq!(Legacy::from_font_name("DejaVuSerif"), None);
    }

    #[test]
    fn byte_patterns_reveal_a_legacy_font_whose_name_does_not() {
        let as_winansi = |bytes: Vec<u8>| -> String { bytes.into_iter().map(char::from).collect() };
        let page =
            "Ủy ban nhân dân xã Phấn Mễ\nSố: 15/QĐ-UBND\nPhấn Mễ, ngày 05 tháng 3 năm 2023\nBáo cáo kết quả công tác";
        let tcvn3 = as_winansi(encode_tcvn3(page));
        // Capital Ủ is not in TCVN3's one-byte table; the rest reads back.
        let (legacy, decoded) = recognise(&tcvn3).expect("TCVN3 mojibake");
        assert_eq!(legacy, Legacy::Tcvn3);
        assert!(decoded.contains("Số: 15/QĐ-UBND") && decoded.contains("ngày 05 tháng 3 năm 2023"), "{decoded}");
        let vni = "UÛy ban nhaân daân xaõ Phaán Meã\nSoá: 15/QÑ-UBND\nngaøy 05 thaùng 3 naêm 2023 cuûa UBND";
        let (legacy, decoded) = recognise(vni).expect("VNI mojibake");
        assert_eq!(legacy, Legacy::Vni);
        assert!(decoded.contains("ngày 05 tháng 3 năm 2023 của UBND"), "{decoded}");
        // Unicode Vietnamese, Spanish, and plain ASCII are left alone.
        for text in
            [page, "Boletín Oficial del Estado, núm. 279, sección única, página", "So: 15/QD-UBND ngay 05 thang 3"]
        {
            assert_eq!(recognise(text), None, "{text}");
        }
        // NFD input (macOS) has no precomposed Vietnamese letters but is not mojibake either.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd(page).collect();
        assert_eq!(recognise(&nfd), None);
    }
}
