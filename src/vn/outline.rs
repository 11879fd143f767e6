//! The outline of an administrative document: Phần, Mục (I, II… or 1, 2…), Khoản (1, 2…), Điểm
//! (a, b, c, d, đ, e… in Vietnamese letter order) and numbered items (`2.1.`, `2.3.1.`), each with
//! the page it starts on. Read from line starts only: a number inside a sentence is not a heading.

use serde::Serialize;
use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Phan,
    /// Chương of a regulation (Quy chế, Quy định, Nghị định…): Chương > Mục > Điều > Khoản > Điểm.
    Chuong,
    Muc,
    /// Điều of a regulation.
    Dieu,
    Khoan,
    Diem,
    /// A numbered item `2.1`, `2.3.1` (cited as "Mục 2.1" or "tại 2.1").
    Item,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Level::Phan => "Phần",
            Level::Chuong => "Chương",
            Level::Dieu => "Điều",
            Level::Muc => "Mục",
            Level::Khoan => "Khoản",
            Level::Diem => "Điểm",
            Level::Item => "Mục",
        }
    }
}

/// A level and its label: `(Khoản, "2")`.
pub type Place = (Level, String);

/// One heading: where it sits (its ancestors' labels and its own), and its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: Level,
    pub label: String,
    /// Labels of the enclosing Phần / Mục / Khoản, outermost first.
    pub within: Vec<(Level, String)>,
    pub page: u32,
}

/// The headings of a document in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Outline {
    pub headings: Vec<Heading>,
}

/// Vietnamese letter order for Điểm: a b c d đ e g h i k l m n o p q r s t u v x y (no f, j, w, z).
pub const DIEM_LETTERS: &[&str] = &[
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y",
];

/// A marker ends with `.`, `)` or `-` and then a space or the line's end: a heading split over two
/// lines (`I.` / `KẾT QUẢ`) and a numbered cell of a table keep the marker alone on its line.
static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*(?:
            (?i:phần)\s+(?:(?i:thứ)\s+(?P<phan_ordinal>\p{L}+)|(?P<phan>[IVXLC]+|\d{1,2})\b)[.:]?
          | (?i:chương)\s+(?P<chuong>[IVXLC]+|\d{1,2})\b[.:]?
          | (?i:điều)\s+(?P<dieu>\d{1,3})\b[.:]?
          | (?i:mục)\s+(?P<muc_word>[IVXLC]+|\d{1,2})\b[.:]?
          | (?P<roman>[IVXLC]{1,6})(?:[.)]|\s?-)(?:\s|$)
          | (?P<item>\d{1,2}(?:\.\d{1,2}){1,3})(?:\.|\s?-)?(?:\s|$)
          | (?P<khoan>\d{1,2})(?:[.)]|\s?-)(?:\s|$)
          | (?P<diem>[a-zđ])\)(?:\s|$)
        )",
    )
    .unwrap()
});

/// `Phần thứ hai` is Phần II: ordinals as Roman numerals, the form citations mostly use.
pub fn ordinal_as_roman(word: &str) -> Option<&'static str> {
    const ORDINALS: &[(&str, &str)] = &[
        ("nhất", "I"),
        ("hai", "II"),
        ("ba", "III"),
        ("tư", "IV"),
        ("bốn", "IV"),
        ("năm", "V"),
        ("sáu", "VI"),
        ("bảy", "VII"),
        ("tám", "VIII"),
        ("chín", "IX"),
        ("mười", "X"),
    ];
    let word = word.to_lowercase();
    ORDINALS.iter().find(|(ordinal, _)| *ordinal == word).map(|(_, roman)| *roman)
}

/// Lines of a page with a lone `PHẦN` / `MỤC` joined to the label on the next line.
fn logical_lines(text: &str) -> Vec<Cow<'_, str>> {
    let mut lines: Vec<Cow<str>> = Vec::new();
    let mut pending_word: Option<&str> = None;
    for line in text.lines() {
        match pending_word.take() {
            Some(word) => lines.push(Cow::Owned(format!("{word} {}", line.trim()))),
            None if is_lone_division_word(line.trim()) => pending_word = Some(line.trim()),
            None => lines.push(Cow::Borrowed(line)),
        }
    }
    lines.extend(pending_word.map(Cow::Borrowed));
    lines
}

/// `PHẦN` or `MỤC` (any case, NFC or NFD) and nothing else. Compared with diacritics: "mức." ends
/// many a paragraph ("định mức.") and folds to the same letters as "mục".
fn is_lone_division_word(line: &str) -> bool {
    // Normalising costs a pass: only words short enough to be one of the two are looked at.
    line.len() <= 12 && matches!(super::text::nfc(line).to_lowercase().as_str(), "phần" | "mục" | "phan" | "muc")
}

/// Can a heading start with this character? Most lines cannot, and skip the regex.
fn may_start_heading(line: &str) -> bool {
    line.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "IVXLCPpMmđĐ".contains(c) || c.is_ascii_lowercase())
}

/// Builds an outline page by page (the facts step reads each page once).
#[derive(Debug, Default)]
pub struct OutlineBuilder {
    outline: Outline,
    /// The open divisions, outermost first: a heading closes every open one at its rank or below.
    open: Vec<(Level, String)>,
}

/// Headings kept per document: a bound for pathological text.
const MAX_HEADINGS: usize = 5_000;

/// Nesting rank: Phần > Chương > Mục > Điều > Khoản = numbered item > Điểm.
fn rank(level: Level) -> u8 {
    match level {
        Level::Phan => 0,
        Level::Chuong => 1,
        Level::Muc => 2,
        Level::Dieu => 3,
        Level::Khoan | Level::Item => 4,
        Level::Diem => 5,
    }
}

impl OutlineBuilder {
    pub fn finish(self) -> Outline {
        self.outline
    }

    pub fn add_page(&mut self, page: u32, text: &str) {
        for line in logical_lines(text) {
            if self.outline.headings.len() >= MAX_HEADINGS {
                return;
            }
            if !may_start_heading(&line) {
                continue;
            }
            let Some(caps) = HEADING.captures(&line) else { continue };
            let named = |name: &str| caps.name(name).map(|m| m.as_str());
            let (level, label) = if let Some(label) = named("phan") {
                (Level::Phan, label)
            } else if let Some(ordinal) = named("phan_ordinal") {
                let Some(roman) = ordinal_as_roman(ordinal) else { continue };
                (Level::Phan, roman)
            } else if let Some(label) = named("chuong") {
                (Level::Chuong, label)
            } else if let Some(label) = named("dieu") {
                (Level::Dieu, label)
            } else if let Some(label) = named("muc_word").or_else(|| named("roman")) {
                (Level::Muc, label)
            } else if let Some(label) = named("item") {
                (Level::Item, label)
            } else if let Some(label) = named("khoan") {
                (Level::Khoan, label)
            } else if let Some(label) = named("diem") {
                (Level::Diem, label)
            } else {
                continue;
            };
            let label = label.trim_start_matches('0').to_string();
            let label = if label.is_empty() { "0".to_string() } else { label };
            // `2.1` under `2.` stays inside that Khoản; under another one it replaces it.
            let parent_khoan = label.split('.').next().filter(|_| level == Level::Item).map(str::to_string);
            self.open.retain(|(open, open_label)| {
                rank(*open) < rank(level) || (*open == Level::Khoan && parent_khoan.as_deref() == Some(open_label))
            });
            let within = self.open.clone();
            self.open.push((level, label.clone()));
            self.outline.headings.push(Heading { level, label, within, page });
        }
    }
}

impl Outline {
    /// Builds the outline from pages of text (`(page number, text)`, in order).
    pub fn from_pages<'a>(pages: impl IntoIterator<Item = (u32, &'a str)>) -> Outline {
        let mut builder = OutlineBuilder::default();
        for (page, text) in pages {
            builder.add_page(page, text);
        }
        builder.finish()
    }

    /// Headings of `level` whose enclosing labels include all of `within` (any that are given).
    pub fn find(&self, level: Level, label: &str, within: &[(Level, String)]) -> Option<&Heading> {
        self.headings.iter().find(|h| {
            (same_level(h.level, level) || loosely_same(h, level))
                && same_label(&h.label, label)
                && within.iter().all(|wanted| encloses(h, wanted))
        })
    }

    /// The labels present at `level` inside `within`, for messages ("Mục I có Khoản 1–7").
    pub fn labels(&self, level: Level, within: &[(Level, String)]) -> Vec<String> {
        let mut labels: Vec<String> = Vec::new();
        for heading in &self.headings {
            let inside = within.iter().all(|wanted| encloses(heading, wanted));
            if same_level(heading.level, level) && inside && !labels.contains(&heading.label) {
                labels.push(heading.label.clone());
            }
        }
        labels
    }

    pub fn is_empty(&self) -> bool {
        self.headings.is_empty()
    }

    /// Compact paths for reports: `I`, `I.2`, `I.2.a`, `2.1`.
    pub fn paths(&self) -> Vec<String> {
        self.headings
            .iter()
            .map(|h| {
                let mut parts: Vec<&str> = h.within.iter().map(|(_, v)| v.as_str()).collect();
                parts.push(&h.label);
                parts.join(".")
            })
            .collect()
    }
}

/// "Mục 2.1" names an item; "Mục 2" names a Mục or, in documents numbered 1, 2…, nothing else.
fn same_level(found: Level, wanted: Level) -> bool {
    found == wanted || matches!((found, wanted), (Level::Item, Level::Muc) | (Level::Muc, Level::Item))
}

/// Documents number their top level differently: a citation's "Mục 1" may be a top-level `1.`
/// (read as a Khoản with no Mục above it), and "Mục II" / "Phần II" name the same Roman division.
fn loosely_same(heading: &Heading, wanted: Level) -> bool {
    match (wanted, heading.level) {
        (Level::Muc, Level::Khoan) => heading.within.iter().all(|(l, _)| *l != Level::Muc),
        (Level::Muc, Level::Phan) | (Level::Phan, Level::Muc) => true,
        _ => false,
    }
}

/// Is the heading inside the cited division? Read as a council member reads it: the top-level
/// Roman divisions are called Phần or Mục interchangeably, and "Mục 2" of a document numbered
/// `1.`, `2.` at its top is that top-level number (read as a Khoản with no Mục above it).
fn encloses(heading: &Heading, (level, label): &(Level, String)) -> bool {
    heading.within.iter().enumerate().any(|(depth, (open, open_label))| {
        if !same_label(open_label, label) {
            return false;
        }
        let outer_has_muc = heading.within[..depth].iter().any(|(l, _)| *l == Level::Muc);
        open == level
            || matches!((level, open), (Level::Phan, Level::Muc) | (Level::Muc, Level::Phan))
            || (*level == Level::Muc && *open == Level::Khoan && !outer_has_muc)
            || (*level == Level::Muc && *open == Level::Item)
    })
}

fn same_label(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "BÁO CÁO\nKết quả năm 2023\nI. KẾT QUẢ ĐẠT ĐƯỢC\n1. Công tác chỉ đạo\na) Ban hành kế hoạch\nb) Kiểm tra\nđ) Tuyên truyền\n2. Cải cách thể chế\nTrong năm 2023 có 12 văn bản.\nII. TỒN TẠI\n1. Hạn chế\n2.1. Nguyên nhân\nIII. PHƯƠNG HƯỚNG";

    #[test]
    fn headings_nest_under_their_mục_and_khoản() {
        let outline = Outline::from_pages([(1, REPORT)]);
        assert_eq!(outline.paths(), ["I", "I.1", "I.1.a", "I.1.b", "I.1.đ", "I.2", "II", "II.1", "II.2.1", "III"]);
        let within = [(Level::Muc, "I".to_string()), (Level::Khoan, "1".to_string())];
        assert!(outline.find(Level::Diem, "đ", &within).is_some());
        assert!(outline.find(Level::Diem, "c", &within).is_none());
        assert_eq!(outline.labels(Level::Khoan, &[(Level::Muc, "I".into())]), ["1", "2"]);
        assert!(outline.find(Level::Muc, "2.1", &[]).is_some(), "Mục 2.1 names an item");
        let arabic = Outline::from_pages([(1, "1. MỤC ĐÍCH\na) Một\n2. YÊU CẦU")]);
        assert!(arabic.find(Level::Muc, "2", &[]).is_some(), "a top-level 2. is what \"Mục 2\" cites");
        assert!(outline.find(Level::Phan, "II", &[]).is_some(), "Phần II of a document divided in Mục");
    }

    #[test]
    fn numbers_inside_sentences_are_not_headings() {
        let text = "Năm 2023 đạt 3.368/3.392 văn bản.\n12/12 dự thảo được thẩm định.\nngày 13/11/2023 của UBND";
        assert!(Outline::from_pages([(1, text)]).is_empty());
    }

    #[test]
    fn pages_and_parts_are_kept() {
        let outline = Outline::from_pages([(1, "PHẦN I\nI. Mục một"), (2, "1. Khoản một\nPhần II\nI. Khác")]);
        assert_eq!(outline.paths(), ["I", "I.I", "I.I.1", "II", "II.I"]);
        assert_eq!(outline.headings[2].page, 2);
    }

    #[test]
    fn real_layout_variants() {
        // A heading split over two lines, dashes for dots, a lone "PHẦN" above its label, an
        // ordinal Phần, and numbered cells of a table (the marker alone on its line).
        let page =
            "PHẦN THỨ NHẤT\nI.\nKẾT QUẢ\n1 - Chỉ đạo\na)\nBan hành\nII- TỒN TẠI\nPHẦN\nII\n2.1\nSố liệu\n2.2\t12";
        let outline = Outline::from_pages([(1, page)]);
        assert_eq!(outline.paths(), ["I", "I.I", "I.I.1", "I.I.1.a", "I.II", "II", "II.2.1", "II.2.2"]);
        assert!(outline.find(Level::Phan, "II", &[]).is_some());
        assert!(outline.find(Level::Muc, "2.2", &[]).is_some());
        // Still not headings: a figure, a date, a year, a range inside a sentence.
        let prose = "3.368\n12/12\n2023.\nĐạt 1 - 2 lần\n1,5";
        assert!(Outline::from_pages([(1, prose)]).is_empty(), "{:?}", Outline::from_pages([(1, prose)]).paths());
    }

    #[test]
    fn divisions_are_read_as_a_council_member_reads_them() {
        let report = Outline::from_pages([(1, "I. KẾT QUẢ\n1. Chỉ đạo\n2. Kiểm tra\na) Nội dung\nII. TỒN TẠI")]);
        let phan_i = [(Level::Phan, "I".to_string())];
        assert!(report.find(Level::Khoan, "2", &phan_i).is_some(), "Khoản 2, Phần I of a document divided in I., II.");
        assert!(report.find(Level::Diem, "a", &[(Level::Khoan, "2".into()), (Level::Phan, "I".into())]).is_some());
        assert!(report.find(Level::Khoan, "3", &phan_i).is_none());
        let parts = Outline::from_pages([(1, "PHẦN I\nI. Mục một\n1. Khoản\nPHẦN II\nI. Khác")]);
        assert!(parts.find(Level::Muc, "I", &[(Level::Phan, "II".into())]).is_some(), "a Mục inside a Phần");
        assert!(parts.find(Level::Khoan, "1", &[(Level::Muc, "I".into()), (Level::Phan, "I".into())]).is_some());
        let arabic = Outline::from_pages([(1, "1. MỤC ĐÍCH\na) Một\n2. YÊU CẦU")]);
        assert!(arabic.find(Level::Diem, "a", &[(Level::Muc, "1".into())]).is_some(), "Điểm a, Mục 1");
        let items = Outline::from_pages([(1, "I. KẾT QUẢ\n2. Cải cách thể chế\n2.1. Xây dựng\na) Ban hành")]);
        let within = [(Level::Khoan, "2".to_string()), (Level::Muc, "I".to_string())];
        assert!(items.find(Level::Diem, "a", &within).is_some(), "an item 2.1 stays inside Khoản 2");
    }

    #[test]
    fn regulations_in_chuong_and_dieu() {
        let rule = "QUY CHẾ\nChương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\n1. Quy chế này\nĐiều 2. Đối tượng\n\
                    Chương II\nĐiều 5. Trách nhiệm\n1. Chủ tịch\n2. Công chức\na) Tiếp nhận\nb) Trả kết quả";
        let outline = Outline::from_pages([(1, rule)]);
        assert!(outline.find(Level::Khoan, "2", &[(Level::Dieu, "5".into())]).is_some());
        assert!(outline.find(Level::Diem, "b", &[(Level::Khoan, "2".into()), (Level::Dieu, "5".into())]).is_some());
        assert!(outline.find(Level::Dieu, "5", &[(Level::Chuong, "II".into())]).is_some());
        assert!(outline.find(Level::Dieu, "5", &[(Level::Chuong, "I".into())]).is_none());
        assert_eq!(outline.labels(Level::Khoan, &[(Level::Dieu, "2".into())]), Vec::<String>::new());
    }

    #[test]
    fn a_paragraph_ending_in_muc_like_words_is_not_a_lone_division_word() {
        let page = "II. KẾT QUẢ\n5. Tài chính\nđúng tiêu chuẩn, định\nmức.\n6. Chính quyền số\na) Hộp thư\nPhần\nIII";
        let outline = Outline::from_pages([(1, page)]);
        assert_eq!(outline.paths(), ["II", "II.5", "II.6", "II.6.a", "III"]);
    }

    #[test]
    fn ordinals_read_as_roman_numerals() {
        assert_eq!(ordinal_as_roman("Hai"), Some("II"));
        assert_eq!(ordinal_as_roman("tư"), Some("IV"));
        assert_eq!(ordinal_as_roman("nhiều"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,400}") {
            let outline = Outline::from_pages([(1, text.as_str())]);
            let _ = outline.paths();
        }
    }
}
