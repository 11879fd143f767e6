//! Citations in an explanation: which places (Điểm / Khoản / Mục / Phần / numbered items) of which
//! document (type, `số` number, `ngày` date). Words such as "mục tiêu", "phần mềm", "khoản kinh
//! phí" or "điểm tự chấm" are not places: a place needs a label right after the word.

use super::outline::{ordinal_as_roman, Level, Place};
use jiff::civil::Date;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// A document named in running text: `Báo cáo số 271/BC-UBND ngày 13/11/2023`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRef {
    /// The type words as written (`Báo cáo`), and their abbreviation (`BC`) when known.
    pub kind: String,
    pub abbreviation: Option<&'static str>,
    /// The number and symbol as written (`271/BC-UBND`, `…/TTr-UBND`), if any.
    pub number: Option<String>,
    pub date: Option<Date>,
    /// The whole reference as written, for messages.
    pub text: String,
    /// Offered as evidence (a place is cited in it, or "minh chứng", "kiểm chứng", "tại" introduce
    /// it), not a legal basis mentioned in passing ("Thực hiện Nghị quyết số 04/NQ-CP, …").
    pub as_evidence: bool,
}

/// A cited place: its parts from the smallest to the largest (`Điểm c, Khoản 2, Mục I`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub parts: Vec<(Level, String)>,
    /// The document it points into, when one is named next to it.
    pub document: Option<DocumentRef>,
    /// As written, for messages.
    pub text: String,
}

impl Citation {
    /// The innermost part (what must exist) and its enclosing parts.
    pub fn target(&self) -> Option<(Place, Vec<Place>)> {
        let mut parts = self.parts.clone();
        parts.sort_by_key(|(level, _)| std::cmp::Reverse(*level));
        let (first, rest) = parts.split_first()?;
        Some((first.clone(), rest.to_vec()))
    }
}

static PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<word>(?i:điểm|khoản|mục|phần|chương|điều))\s+
        (?P<label>
            (?i:thứ)\s+\p{L}+                # Phần thứ hai
          | [IVXLC]{1,6}\.\d{1,2}(?:\b|$)   # Mục II.1: Mục II, Khoản 1
          | \d{1,2}(?:\.\d{1,2}){1,3}       # numbered item 2.1, 2.3.1
          | [IVXLC]{1,6}(?:\b|$)            # Roman (upper case only: 'mục tiêu' stays prose)
          | \d{1,3}(?:\b|$)
          | [a-zđ](?:[^\p{L}\p{N}]|$)       # a single letter for Điểm
        )",
    )
    .unwrap()
});

/// A document's type, its number and symbol. The type is a word (`Báo cáo`, any case) or the
/// abbreviation of Nghị định 30/2020 as written (`BC`, `TTr`); the number may follow `số`, or come
/// straight after the type (`Kế hoạch 14/KH-UBND`), or after the document's title words
/// (`Báo cáo kết quả CCHC năm 2023 số 55/BC-UBND`).
static DOCUMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<kind>(?i:kế\s+hoạch|báo\s+cáo|quyết\s+định|tờ\s+trình|thông\s+báo|công\s+văn|nghị\s+quyết|
            chỉ\s+thị|hướng\s+dẫn|chương\s+trình|phương\s+án|đề\s+án|biên\s+bản|giấy\s+mời|thông\s+tư|nghị\s+định|
            quy\s+chế|quy\s+định|văn\s+bản|kết\s+luận|công\s+điện)
          | \b(?:BC|KH|QĐ|TTr|TB|CV|NQ|CT|CTr|HD|KL|BB|GM|PA|ĐA|QC|NĐ|TT|CĐ)\b)
        (?:
            (?:\s+[^\s,;.()]+){0,15}?\s+(?i:số)\s*:?\s*(?P<titled>[\p{L}\d.…]*/[\p{L}\d/&.\-–…]+)
          | (?:\s+(?i:số))?\s*:?\s*(?P<number>[\p{L}\d.…]*/[\p{L}\d/&.\-–…]+)
        )?",
    )
    .unwrap()
});

/// A date written after a reference: `ngày 5/3/2023`, `, ngày 05 tháng 3 năm 2023`, `(ngày
/// 05-3-2023)`, `ban hành ngày …`, or after its issuer: `của UBND xã Phấn Mễ ngày 12/11/2023`.
static TRAILING_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^
        [\s,(]*
        (?:(?i:của|do)\s+(?P<issuer>(?:[^\s,;.()]+\s+){1,10}?))?
        (?:(?i:ban\s+hành)\s+)?
        (?i:ngày)\s+
        (?P<date>\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}
          | \d{1,2}\s+(?i:tháng)\s+\d{1,2}\s*,?\s*(?:(?i:năm)\s+|/\s*)\d{4})",
    )
    .unwrap()
});

/// Words that say a date after `của …` is not the document's own ("đến ngày", "về … ngày").
/// Compared with their diacritics: "Sở Tư pháp" is an issuer, "từ ngày" is not.
const NOT_AN_ISSUER: &[&str] =
    &["về", "đến", "tới", "từ", "tính", "trong", "tại", "đạt", "năm", "tháng", "sau", "trước"];

/// The date written right after a reference, and where it ends.
fn trailing_date(rest: &str) -> Option<(Date, usize)> {
    let caps = TRAILING_DATE.captures(rest)?;
    if let Some(issuer) = caps.name("issuer") {
        let lower = issuer.as_str().to_lowercase();
        if lower.split_whitespace().any(|w| NOT_AN_ISSUER.contains(&w)) {
            return None;
        }
    }
    let date = &caps["date"];
    let date = super::date::parse_loose(&date.split_whitespace().collect::<String>())?;
    Some((date, caps.get(0)?.end()))
}

/// Characters of an explanation read for citations: real explanations are a few hundred words; a
/// longer text is read up to here (its citations further on are not seen), so that a crafted one
/// costs bounded time.
pub const MAX_EXPLANATION_CHARS: usize = 8_000;

/// Reads every citation of an explanation (NFC applied here), up to [`MAX_EXPLANATION_CHARS`].
pub fn parse(explanation: &str) -> (Vec<Citation>, Vec<DocumentRef>) {
    let read = explanation.char_indices().nth(MAX_EXPLANATION_CHARS).map_or(explanation, |(at, _)| &explanation[..at]);
    let text = super::text::nfc(read);
    let mut documents: Vec<(usize, usize, DocumentRef)> = Vec::new();
    for c in DOCUMENT.captures_iter(&text) {
        let whole = c.get(0).unwrap();
        let number = c.name("number").or_else(|| c.name("titled"));
        let dated = trailing_date(&text[whole.end()..]);
        let is_abbreviation = !c["kind"].chars().any(|ch| ch.is_whitespace() || ch.is_lowercase() && ch != 'r');
        // An abbreviation alone says nothing; with a number it is a reference.
        if number.is_none() && (dated.is_none() || is_abbreviation) {
            continue;
        }
        let kind = c["kind"].split_whitespace().collect::<Vec<_>>().join(" ");
        let abbreviation = if is_abbreviation {
            super::header::type_abbreviation_of_symbol(&kind)
        } else {
            super::header::type_abbreviation(&kind)
        };
        let end = whole.end() + dated.map_or(0, |(_, len)| len);
        let document = DocumentRef {
            abbreviation,
            kind,
            number: number.map(|n| n.as_str().trim_end_matches(['.', ',']).to_string()),
            date: dated.map(|(date, _)| date),
            text: text[whole.start()..end].trim_end_matches(['.', ',']).to_string(),
            as_evidence: introduced_as_evidence(&text[..whole.start()]),
        };
        documents.push((whole.start(), end, document));
    }
    // Places next to each other (joined by commas, spaces, "của", "tại") form one citation.
    let mut citations: Vec<(usize, usize, Citation)> = Vec::new();
    for caps in PLACE.captures_iter(&text) {
        let whole = caps.get(0).unwrap();
        let level = match super::text::fold(&caps["word"]).as_str() {
            "diem" => Level::Diem,
            "khoan" => Level::Khoan,
            "muc" => Level::Muc,
            "chuong" => Level::Chuong,
            "dieu" => Level::Dieu,
            _ => Level::Phan,
        };
        let raw_label = caps["label"].trim_end_matches(|c: char| !c.is_alphanumeric());
        // `Mục II.1`: Mục II and, inside it, Khoản 1.
        let (label, inner_khoan) = match raw_label.split_once('.') {
            Some((roman, khoan)) if roman.chars().all(|c| "IVXLC".contains(c)) => {
                (roman.to_string(), Some(khoan.to_string()))
            }
            _ => (raw_label.to_string(), None),
        };
        let label = match label.split_whitespace().collect::<Vec<_>>().as_slice() {
            [ordinal_word, ordinal] if super::text::fold(ordinal_word) == "thu" => {
                match ordinal_as_roman(ordinal).filter(|_| matches!(level, Level::Phan | Level::Muc)) {
                    Some(roman) => roman.to_string(),
                    None => continue, // "phần thứ yếu", "điểm thứ hai" are prose
                }
            }
            _ => label,
        };
        if level == Level::Diem && label.chars().all(|c| c.is_ascii_digit()) {
            continue; // "điểm 1,5" is a score
        }
        if level != Level::Diem && label.chars().count() == 1 && label.chars().all(char::is_lowercase) {
            continue; // "khoản a" is not a Vietnamese place
        }
        // The label as read (its trailing separator dropped) ends the place; any spacing before it.
        // As read: `thứ ba` became `III`, whose length says nothing about the text's.
        let (start, end) = (whole.start(), caps.name("label").unwrap().start() + raw_label.len());
        // Parts join into one citation across commas and "của/tại/thuộc", never across a sentence
        // or list break, and never twice at one level ("Khoản 1, Khoản 2, Mục I" is two places).
        let joined = citations.last().is_some_and(|(_, last_end, last)| {
            let raw_gap = &text[*last_end..start];
            let gap = super::text::fold(raw_gap);
            !raw_gap.contains(['.', ';'])
                && gap.split_whitespace().all(|w| matches!(w, "cua" | "tai" | "thuoc"))
                && last.parts.iter().all(|(l, _)| *l != level)
        });
        let mut parts = vec![(level, label)];
        parts.extend(inner_khoan.filter(|_| matches!(level, Level::Muc | Level::Phan)).map(|k| (Level::Khoan, k)));
        if joined {
            let last = citations.last_mut().unwrap();
            last.2.parts.extend(parts);
            last.1 = end;
            last.2.text = text[last.0..end].to_string();
        } else {
            let citation = Citation { parts, document: None, text: text[start..end].to_string() };
            citations.push((start, end, citation));
        }
    }
    // Each citation points into the document named right after it, else the one just before it,
    // in the same sentence.
    for (start, end, citation) in &mut citations {
        let after = documents.iter().find(|(d_start, _, _)| *d_start >= *end && close(&text[*end..*d_start]));
        let before = documents.iter().rev().find(|(_, d_end, _)| *d_end <= *start && close(&text[*d_end..*start]));
        citation.document = after.or(before).map(|(_, _, d)| d.clone());
    }
    for (_, _, citation) in &citations {
        if let Some(cited) = &citation.document {
            documents.iter_mut().filter(|(_, _, d)| d.text == cited.text).for_each(|(_, _, d)| d.as_evidence = true);
        }
    }
    for (_, _, citation) in &mut citations {
        if let Some(document) = &mut citation.document {
            document.as_evidence = true;
        }
    }
    (citations.into_iter().map(|(_, _, c)| c).collect(), documents.into_iter().map(|(_, _, d)| d).collect())
}

/// The last few words before a reference say it is the evidence ("Minh chứng:", "Tài liệu kiểm
/// chứng:", "được nêu tại", "thể hiện tại").
fn introduced_as_evidence(before: &str) -> bool {
    // Only the last words matter: fold a short tail, not the whole text before (once per document).
    const TAIL_BYTES: usize = 400;
    let mut cut = before.len().saturating_sub(TAIL_BYTES);
    while !before.is_char_boundary(cut) {
        cut += 1;
    }
    let mut before = &before[cut..];
    if cut > 0 {
        // Drop the word the cut went through.
        before = before.find(char::is_whitespace).map_or("", |at| &before[at..]);
    }
    let folded = super::text::fold(before);
    let words: Vec<&str> = folded.split_whitespace().collect();
    let tail = words[words.len().saturating_sub(4)..].join(" ");
    // "theo quy định tại Nghị định …", "căn cứ …": the norm the work follows, not its evidence.
    if ["quy dinh tai", "theo", "can cu", "thuc hien"].iter().any(|w| tail.contains(w)) {
        return false;
    }
    ["minh chung", "kiem chung", "tai", "chung minh", "dinh kem", "kem theo"]
        .iter()
        .any(|w| tail.ends_with(w) || tail.contains(&format!("{w} ")))
}

/// Nothing but separators between a place and its document (no sentence end, no other clause).
/// Words are counted as `fold` separates them (runs of letters and digits), and the scan stops at
/// the first break or the fourth word: a far document costs no more than a near one.
fn close(gap: &str) -> bool {
    let (mut words, mut in_word) = (0, false);
    for c in gap.chars() {
        if matches!(c, '.' | ';') {
            return false;
        }
        if c.is_alphanumeric() {
            if !in_word {
                words += 1;
                if words > 3 {
                    return false;
                }
            }
            in_word = true;
        } else if !unicode_normalization::char::is_combining_mark(c) {
            in_word = false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str) -> Vec<Vec<(Level, String)>> {
        parse(text).0.into_iter().map(|c| c.parts).collect()
    }

    #[test]
    fn the_model_explanation_and_its_variants() {
        let (citations, _) = parse(
            "Kết quả thể hiện tại Khoản 11, Mục I, Báo cáo số 55/UBND-BC ngày 12/11/2023 của UBND huyện; danh mục kèm theo.",
        );
        assert_eq!(citations.len(), 1);
        assert_eq!(citations[0].parts, [(Level::Khoan, "11".into()), (Level::Muc, "I".into())]);
        let document = citations[0].document.as_ref().unwrap();
        assert_eq!(document.number.as_deref(), Some("55/UBND-BC"));
        assert_eq!(document.date, Some(jiff::civil::date(2023, 11, 12)));
        assert_eq!(document.abbreviation, Some("BC"));
        assert_eq!(places("tại Điểm a, Khoản 2, Mục II")[0].len(), 3);
        assert_eq!(places("mục I khoản 11")[0], [(Level::Muc, "I".into()), (Level::Khoan, "11".into())]);
        assert_eq!(places("(Khoản 3, Phần II)")[0], [(Level::Khoan, "3".into()), (Level::Phan, "II".into())]);
        assert_eq!(places("tại Mục 2.1 Kế hoạch")[0], [(Level::Muc, "2.1".into())]);
        assert_eq!(places("Điểm đ Khoản 3 Mục I")[0][0], (Level::Diem, "đ".into()));
        assert_eq!(places("tại Khoản 2, Phần thứ hai")[0], [(Level::Khoan, "2".into()), (Level::Phan, "II".into())]);
        assert!(places("một phần thứ yếu của công việc; điểm thứ hai là").is_empty());
    }

    #[test]
    fn an_ordinal_label_keeps_the_text_as_written() {
        // Found by fuzzing (text_parsers): the citation's end was taken from "III", not "thứ bA",
        // and cut the text inside a letter.
        let (citations, _) = parse("Phần thứ bA>");
        assert_eq!(citations[0].parts, [(Level::Phan, "III".into())]);
        assert_eq!(citations[0].text, "Phần thứ bA");
        let (citations, _) = parse("tại Phần thứ hai, Khoản 3 của Báo cáo");
        assert_eq!(citations[0].text, "Phần thứ hai, Khoản 3");
    }

    #[test]
    fn odd_spacing_and_lists_of_places() {
        assert_eq!(places("Điểm  đ\u{a0}khoản 2")[0], [(Level::Diem, "đ".into()), (Level::Khoan, "2".into())]);
        let list = places("tại Khoản 1, Khoản 2, Mục I; Điểm a. Mục II");
        assert_eq!(list.len(), 4, "{list:?}");
        assert_eq!(list[1], [(Level::Khoan, "2".into()), (Level::Muc, "I".into())]);
    }

    #[test]
    fn prose_words_are_not_places() {
        for text in [
            "Đạt mục tiêu đề ra, phần mềm một cửa vận hành tốt, khoản kinh phí được bố trí đủ.",
            "Điểm tự chấm 1,5 điểm. Phần lớn nhiệm vụ hoàn thành.",
            "Báo cáo số 271/BC-UBND ngày 13/11/2023 của UBND xã Phấn Mễ.",
        ] {
            assert!(places(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn documents_with_every_date_form() {
        let (_, documents) = parse(
            "Kế hoạch số 320/KH-UBND ngày 16/10/2023; Quyết định 1492/QĐ-UBND ngày 5/3/2023; Tờ trình số …/TTr-UBND; Báo cáo ngày 06 tháng 10 năm 2023",
        );
        let numbers: Vec<_> = documents.iter().map(|d| d.number.as_deref()).collect();
        assert_eq!(numbers, [Some("320/KH-UBND"), Some("1492/QĐ-UBND"), Some("…/TTr-UBND"), None]);
        assert_eq!(documents[1].date, Some(jiff::civil::date(2023, 3, 5)));
        assert_eq!(documents[3].date, Some(jiff::civil::date(2023, 10, 6)));
    }

    #[test]
    fn the_reference_shapes_of_the_domain_notes() {
        let (_, documents) = parse(
            "Quyết định số 1492/QĐ-UBND ngày 14/9/2023 của UBND tỉnh Bình Phước, Tờ trình 1212/TTr-PNV ngày 25/10/2023, Công văn số 7156/BNV-CCHC ngày 06/12/2023, Kế hoạch số 320/KH-UBND ngày 16/10/2023, Quyết định số 876/QĐ-BNV ngày 10/11/2022",
        );
        let found: Vec<(&str, Option<&str>, String)> = documents
            .iter()
            .map(|d| (d.kind.as_str(), d.number.as_deref(), d.date.map(|x| x.to_string()).unwrap_or_default()))
            .collect();
        assert_eq!(
            found,
            [
                ("Quyết định", Some("1492/QĐ-UBND"), "2023-09-14".to_string()),
                ("Tờ trình", Some("1212/TTr-PNV"), "2023-10-25".to_string()),
                ("Công văn", Some("7156/BNV-CCHC"), "2023-12-06".to_string()),
                ("Kế hoạch", Some("320/KH-UBND"), "2023-10-16".to_string()),
                ("Quyết định", Some("876/QĐ-BNV"), "2022-11-10".to_string()),
            ]
        );
        assert_eq!(documents[2].abbreviation, None, "công văn has no type part");
        assert_eq!(documents[0].abbreviation, Some("QĐ"));
    }

    #[test]
    fn a_legal_basis_is_not_offered_as_evidence() {
        let (_, documents) = parse(
            "Thực hiện Nghị quyết số 04/NQ-CP, đã kiểm tra 4 đơn vị. Tài liệu kiểm chứng: Báo cáo số 245/BC-UBND ngày 06/11/2023. Số liệu tại Khoản 1, Mục III, Kế hoạch số 166/KH-TTr.",
        );
        let evidence: Vec<bool> = documents.iter().map(|d| d.as_evidence).collect();
        assert_eq!(evidence, [false, true, true]);
        let (_, documents) =
            parse("Thực hiện theo quy định tại Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ.");
        assert!(!documents[0].as_evidence);
    }

    /// (kind as written, number, ISO date, type abbreviation) of each reference.
    type Read = (String, Option<String>, Option<String>, Option<&'static str>);

    fn refs(text: &str) -> Vec<Read> {
        parse(text).1.into_iter().map(|d| (d.kind, d.number, d.date.map(|x| x.to_string()), d.abbreviation)).collect()
    }

    #[test]
    fn references_with_a_type_abbreviation_or_title_words() {
        let found = refs("Minh chứng: BC số 55/BC-UBND ngày 12/11/2023; TTr số 12/TTr-UBND; Kế hoạch 14/KH-UBND.");
        assert_eq!(found[0], ("BC".into(), Some("55/BC-UBND".into()), Some("2023-11-12".into()), Some("BC")));
        assert_eq!(found[1], ("TTr".into(), Some("12/TTr-UBND".into()), None, Some("TTr")));
        assert_eq!(found[2], ("Kế hoạch".into(), Some("14/KH-UBND".into()), None, Some("KH")));
        let titled = refs("Báo cáo kết quả công tác CCHC năm 2023 số 271/BC-UBND ngày 13/11/2023 của UBND xã.");
        assert_eq!(titled[0].1.as_deref(), Some("271/BC-UBND"));
        assert_eq!(titled[0].2.as_deref(), Some("2023-11-13"));
        // An abbreviation with nothing after it, and "số liệu" after a title, are not references.
        assert!(refs("Đã gửi BC đúng hạn. Báo cáo tình hình số liệu 12/12 đơn vị.").iter().all(|r| r.1.is_none()));
        assert!(refs("UBND-BC, KH và QĐ").is_empty());
    }

    #[test]
    fn dates_in_every_written_form_and_after_the_issuer() {
        for (text, date) in [
            ("Báo cáo số 55/BC-UBND ngày 5/3/2023", "2023-03-05"),
            ("Báo cáo số 55/BC-UBND ngày 05 tháng 3 năm 2023", "2023-03-05"),
            ("Báo cáo số 55/BC-UBND, ngày 05-03-2023", "2023-03-05"),
            ("Báo cáo số 55/BC-UBND (ngày 05.3.2023)", "2023-03-05"),
            ("Báo cáo số 55/BC-UBND ngày 05 tháng 03/2023", "2023-03-05"),
            ("Kế hoạch số 14/KH-UBND ban hành ngày 5/3/2023", "2023-03-05"),
            ("Báo cáo số 55/BC-UBND của Ủy ban nhân dân xã Phấn Mễ ngày 5/3/2023", "2023-03-05"),
            ("Báo cáo số 55/BC-UBND do UBND xã ban hành ngày 5/3/2023", "2023-03-05"),
            ("Báo cáo số 55/BC-STP của Sở Tư pháp ngày 5/3/2023", "2023-03-05"),
        ] {
            assert_eq!(refs(text)[0].2.as_deref(), Some(date), "{text}");
        }
        // A date about the figures, not the document's own.
        let figures = refs("Báo cáo số 55/BC-UBND của UBND xã về kết quả tính đến ngày 30/11/2023");
        assert_eq!(figures[0].2, None);
    }

    #[test]
    fn divisions_of_reports_and_regulations() {
        assert_eq!(places("tại mục II.1 Báo cáo")[0], [(Level::Muc, "II".into()), (Level::Khoan, "1".into())]);
        assert_eq!(
            places("theo Khoản 2 Điều 5 Quy chế số 01/QC-UBND")[0],
            [(Level::Khoan, "2".into()), (Level::Dieu, "5".into())]
        );
        assert_eq!(places("Chương II, Điều 12")[0], [(Level::Chuong, "II".into()), (Level::Dieu, "12".into())]);
        assert_eq!(places("điểm a khoản 2 mục I")[0].len(), 3);
        let (citations, _) = parse("Số liệu tại Khoản 2, Phần I, BC số 55/BC-UBND.");
        assert_eq!(citations[0].document.as_ref().and_then(|d| d.number.as_deref()), Some("55/BC-UBND"));
        assert!(places("Điều chỉnh kế hoạch; điều kiện; chương trình").is_empty());
    }

    #[test]
    fn nfd_input_reads_the_same() {
        let nfd: String =
            unicode_normalization::UnicodeNormalization::nfd("tại Điểm đ, Khoản 3, Mục I Báo cáo số 1/BC-UBND")
                .collect();
        assert_eq!(places(&nfd)[0].len(), 3);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text);
        }
    }
}
