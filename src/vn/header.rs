//! The header block of page 1: issuing body, number line, national motto, place and date, title.
//! Layouts vary (two columns, one column, a table; extractors interleave the columns), so the
//! header is taken as the lines before the body starts, and each part is searched for in it.

use super::date::{find_date_line, DateLine};
use super::number::{find_number_line, NumberLine};
use super::text::fold;
use serde::Serialize;

/// Lines a header never holds more of; real headers have 6–12.
const MAX_HEADER_LINES: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Header {
    pub number: Option<NumberLine>,
    pub date: DateLine,
    /// The document type printed as the title (`BÁO CÁO`, `KẾ HOẠCH`, …), when recognised.
    pub title: Option<String>,
    /// The issuing body's lines above `Số:`, as printed (`["ỦY BAN NHÂN DÂN", "XÃ PHẤN MỄ"]`).
    pub issuer: Vec<String>,
}

/// Document types printed as a title line, folded, with their abbreviation.
const TITLES: &[(&str, &str)] = &[
    ("nghi quyet", "NQ"),
    ("quyet dinh", "QĐ"),
    ("chi thi", "CT"),
    ("quy che", "QC"),
    ("quy dinh", "QyĐ"),
    ("thong cao", "TC"),
    ("thong bao", "TB"),
    ("huong dan", "HD"),
    ("chuong trinh", "CTr"),
    ("ke hoach", "KH"),
    ("phuong an", "PA"),
    ("de an", "ĐA"),
    ("du an", "DA"),
    ("bao cao", "BC"),
    ("bien ban", "BB"),
    ("to trinh", "TTr"),
    ("hop dong", "HĐ"),
    ("cong dien", "CĐ"),
    ("giay moi", "GM"),
    ("nghi dinh", "NĐ"),
    ("thong tu", "TT"),
];

/// Lines that open the body: the header is over once one of these starts a line.
const BODY_OPENERS: &[&str] = &["can cu", "thuc hien", "kinh gui", "xet de nghi", "theo de nghi", "trich yeu"];

/// Parses the header out of a page's text (normalised to NFC here: macOS tools write NFD).
pub fn parse_header(page_text: &str) -> Header {
    let page = super::text::nfc(page_text);
    let zone = header_zone(&page);
    let mut date = find_date_line(&zone);
    if date == DateLine::Missing {
        date = find_place_date_anywhere(&page);
    }
    Header {
        number: find_number_line(&zone),
        date,
        title: find_title(&zone),
        issuer: super::organization::issuer_lines(&zone),
    }
}

/// When an extractor emits the right column after the body, the place-and-date line is still a
/// line that opens with a place name and `ngày` (`Phấn Mễ, ngày …`); preamble references never do.
fn find_place_date_anywhere(page: &str) -> DateLine {
    static PLACE_DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?m)^[ \t]*\p{Lu}[\p{L}.]*(?:[ \t]+\p{Lu}[\p{L}.]*){0,4},?[ \t]+ngày\b").unwrap()
    });
    match PLACE_DATE.find(page) {
        Some(found) => find_date_line(&page[found.start()..]),
        None => DateLine::Missing,
    }
}

/// The lines before the body opens (at most `MAX_HEADER_LINES`).
pub fn header_zone(page_text: &str) -> String {
    let mut zone = String::new();
    for line in page_text.lines().take(MAX_HEADER_LINES) {
        let folded = fold(line);
        if BODY_OPENERS.iter().any(|opener| folded.starts_with(opener)) {
            break;
        }
        zone.push_str(line);
        zone.push('\n');
    }
    zone
}

fn find_title(zone: &str) -> Option<String> {
    zone.lines().find_map(|line| {
        let trimmed = line.trim();
        // Titles are printed in capitals; "Báo cáo" inside a sentence is not a title.
        if trimmed.is_empty() || trimmed.chars().any(|c| c.is_lowercase()) {
            return None;
        }
        let folded = fold(trimmed);
        TITLES.iter().find(|(title, _)| folded == *title).map(|(_, abbr)| (*abbr).to_string())
    })
}

/// The abbreviation of a document type named in running text (`Báo cáo` → `BC`), folded match.
/// The abbreviation as written in a reference (`BC`, `TTr`, `CV`), as Nghị định 30/2020 spells it;
/// `CV` (công văn) has no type part.
pub fn type_abbreviation_of_symbol(written: &str) -> Option<&'static str> {
    TITLES.iter().map(|(_, abbr)| *abbr).find(|abbr| *abbr == written)
}

pub fn type_abbreviation(words: &str) -> Option<&'static str> {
    let folded = fold(words);
    TITLES.iter().find(|(title, _)| folded == *title).map(|(_, abbr)| *abbr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vn::number::NumberStatus;
    use jiff::civil::date;

    #[test]
    fn two_column_header_as_extracted_line_by_line() {
        let page = "ỦY BAN NHÂN DÂN\nXÃ PHẤN MỄ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\
                    Số: 276/BC-UBND\nPhấn Mễ, ngày 24 tháng 11 năm 2023\nBÁO CÁO\nTình hình thực hiện nhiệm vụ\n\
                    Thực hiện Kế hoạch số 141/KH-UBND ngày 08 tháng 9 năm 2023 của UBND huyện;\n";
        let h = parse_header(page);
        assert_eq!(h.number.as_ref().map(|n| n.value.as_str()), Some("276/BC-UBND"));
        assert_eq!(h.date.date(), Some(date(2023, 11, 24)));
        assert_eq!(h.title.as_deref(), Some("BC"));
    }

    #[test]
    fn columns_joined_on_one_line_and_date_split() {
        let page = "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
                    Số: 2621/QĐ-UBND    Vĩnh Long, ngày\n13 tháng 12 năm 2022\nQUYẾT ĐỊNH\nCăn cứ Luật ...";
        let h = parse_header(page);
        assert_eq!(h.number.as_ref().map(|n| n.number), Some(Some(2621)));
        assert_eq!(h.date.date(), Some(date(2022, 12, 13)));
        assert_eq!(h.title.as_deref(), Some("QĐ"));
    }

    #[test]
    fn dates_in_the_preamble_are_not_the_document_date() {
        let page = "ỦY BAN NHÂN DÂN\nSố: /KH-UBND\nKẾ HOẠCH\nCăn cứ Quyết định ngày 14 tháng 9 năm 2023 của UBND tỉnh";
        let h = parse_header(page);
        assert_eq!(h.number.map(|n| n.status), Some(NumberStatus::Placeholder));
        assert_eq!(h.date, DateLine::Missing);
    }

    #[test]
    fn date_column_emitted_after_the_body_opens() {
        let page =
            "ỦY BAN NHÂN DÂN\nSố: 12/KH-UBND\nKẾ HOẠCH\nCăn cứ Quyết định số 5/QĐ-UBND ngày 14 tháng 9 năm 2022;\n\
                    Nội dung kế hoạch.\nTP. Hồ Chí Minh, ngày 05 tháng 01 năm 2023\n";
        assert_eq!(parse_header(page).date.date(), Some(date(2023, 1, 5)));
        // A reference in the preamble alone is not a document date.
        let page = "Số: 12/KH-UBND\nKẾ HOẠCH\nCăn cứ Quyết định số 5/QĐ-UBND ngày 14 tháng 9 năm 2022;\n";
        assert_eq!(parse_header(page).date, DateLine::Missing);
    }

    #[test]
    fn decomposed_text_reads_like_composed_text() {
        use unicode_normalization::UnicodeNormalization;
        let page: String =
            "ỦY BAN NHÂN DÂN\nSố: 55/BC-UBND\nĐại Từ, ngày 12 tháng 11 năm 2023\nBÁO CÁO\n".nfd().collect();
        let h = parse_header(&page);
        assert_eq!(h.number.map(|n| n.value), Some("55/BC-UBND".to_string()));
        assert_eq!(h.date.date(), Some(date(2023, 11, 12)));
        assert_eq!(h.title.as_deref(), Some("BC"));
    }

    #[test]
    fn table_layout_with_number_after_the_motto() {
        let page = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSỞ NỘI VỤ\n\
                    Hà Nội, ngày 05 tháng 01 năm 2023\nSố: 01/TB-SNV\nTHÔNG BÁO";
        let h = parse_header(page);
        assert_eq!(h.number.map(|n| n.value), Some("01/TB-SNV".to_string()));
        assert_eq!(h.date.date(), Some(date(2023, 1, 5)));
    }

    proptest::proptest! {
        /// Header, number, date and organisation parsers never panic, whatever the text.
        #[test]
        fn parsers_never_panic(text in "\\PC{0,400}") {
            let header = parse_header(&text);
            let _ = crate::vn::number::find_number_line(&text);
            let _ = crate::vn::date::find_date_line(&text);
            let _ = crate::vn::date::parse_loose(&text);
            let _ = crate::vn::organization::names_issuer(&header.issuer, &text);
            let _ = type_abbreviation(&text);
        }

        /// Lines shaped like a header (number and date lines with random parts) parse without panic
        /// and a well-formed number is always recognised.
        #[test]
        fn shaped_headers_parse(number in 1u32..9999, symbol in "[A-ZĐ]{1,4}-[A-ZĐ]{1,5}", day in 0u32..40, month in 0u32..15, noise in "\\PC{0,40}") {
            let text = format!("ỦY BAN NHÂN DÂN\nSố: {number:02}/{symbol}\n{noise}\nHà Nội, ngày {day} tháng {month} năm 2023");
            let header = parse_header(&text);
            let found = header.number.expect("a number line");
            proptest::prop_assert_eq!(found.value, format!("{number:02}/{symbol}"));
        }
    }
}
