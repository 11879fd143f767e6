//! Budget hits as data: which budget stopped the work on a file, a zip or a workbook, with its
//! numbers and where in the file. Every budget is named once, in Vietnamese and in English, in the
//! table below, so a Vietnamese report never shows an English budget name; the English rendering
//! (`Display`) is the `"name: used > limit"` form the reports have always shown.

use crate::rules::Lang;
use serde::{Deserialize, Serialize};

/// How a budget's numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    /// A count: `12 > 10`.
    Count,
    /// Bytes, which the English name does not say: `12 bytes > 10`, `> 10 bytes`.
    Bytes,
    /// Bytes, which the English name already says (`hashed bytes: 12 > 10`).
    NamedBytes,
    /// PDF syntax tokens: `12 tokens > 10`.
    Tokens,
    /// Seconds: `> 10 s`.
    Seconds,
    /// Unpacked to packed size: `1000:1 > 100:1`.
    Ratio,
}

/// The table: each budget's variant, English name, Vietnamese name and measure.
macro_rules! budget_names {
    ($($name:ident => $en:literal, $vi:literal, $measure:ident;)*) => {
        /// Every budget a file, a zip or a workbook can hit.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum BudgetName {
            $($name),*
        }

        impl BudgetName {
            /// Every budget, in the table's order.
            pub const ALL: &'static [BudgetName] = &[$(BudgetName::$name),*];

            /// (English name, Vietnamese name, how its numbers are written).
            fn words(self) -> (&'static str, &'static str, Measure) {
                match self {
                    $(BudgetName::$name => ($en, $vi, Measure::$measure)),*
                }
            }
        }
    };
}

budget_names! {
    // A whole file.
    FileSize => "file size", "dung lượng tệp", Bytes;
    ParsedFileSize => "file size", "dung lượng tệp được đọc nội dung", Bytes;
    Time => "time", "thời gian đọc tệp", Seconds;
    // PDF structure and text.
    Objects => "objects", "số đối tượng trong PDF", Count;
    ObjectDensity => "object density", "số phần tử cú pháp trong PDF", Tokens;
    Pages => "pages", "số trang", Count;
    DecompressedBytes => "decompressed bytes", "dung lượng sau giải nén", NamedBytes;
    FormVisits => "form XObject visits", "số lần vẽ khối nội dung dùng lại", Count;
    FormDepth => "form XObject depth", "số lớp khối nội dung lồng nhau", Count;
    PageTreeDepth => "page tree depth", "số cấp của cây trang", Count;
    PageOperators => "operators", "số lệnh vẽ", Count;
    CmapRanges => "CMap ranges", "số khoảng mã trong bảng mã phông chữ", Count;
    CmapCodes => "CMap codes", "số mã trong bảng mã phông chữ", Count;
    // Signatures.
    Signatures => "signatures", "số chữ ký", Count;
    HashedBytes => "hashed bytes", "dung lượng phải băm để kiểm tra chữ ký", NamedBytes;
    RevocationBytes => "revocation bytes", "dung lượng dữ liệu thu hồi chứng thư", NamedBytes;
    Revisions => "revisions", "số phiên bản phải so sánh", Count;
    Certificates => "certificates", "số chứng thư trong một chữ ký", Count;
    // Zips, and the zip containers of workbooks.
    ZipNesting => "zip nesting", "số lớp tệp nén lồng nhau", Count;
    ZipEntries => "zip entries", "số mục trong tệp nén", Count;
    ZipDirectory => "zip central directory", "dung lượng mục lục của tệp nén", Bytes;
    ZipEntrySize => "zip entry size", "dung lượng một mục sau giải nén", Bytes;
    ZipTotal => "unzipped bytes of the zip", "tổng dung lượng tệp nén sau giải nén", NamedBytes;
    UnzippedBytes => "unzipped bytes", "tổng dung lượng các phần sau giải nén", NamedBytes;
    CompressionRatio => "compression ratio", "tỉ lệ nén", Ratio;
    XmlDepth => "XML depth", "số lớp lồng nhau của XML", Count;
    // Workbooks.
    Sheets => "sheets", "số trang tính", Count;
    Rows => "rows", "số dòng", Count;
    Cells => "cells", "số ô", Count;
    CellText => "cell text", "dung lượng chữ trong một ô", Bytes;
    AllCellText => "text of all cells", "dung lượng chữ trong mọi ô", Bytes;
    MergedRegions => "merged regions", "số vùng gộp ô", Count;
    MergedCells => "merged cells", "số ô trong các vùng gộp", Count;
    CsvLineLength => "csv line length", "độ dài một dòng CSV", Bytes;
    SharedStrings => "shared strings", "số chuỗi dùng chung", Count;
    SharedStringBytes => "shared strings", "dung lượng chuỗi dùng chung", Bytes;
}

/// Where in the file the budget was hit, when that says more than the budget's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum At {
    /// A PDF stream (object number, generation).
    Stream(u32, u16),
    /// The content stream of a page.
    PageContent(u32),
    /// A page.
    Page(u32),
    /// A font's ToUnicode map.
    ToUnicode,
    /// A Form XObject (a piece of page content drawn from elsewhere).
    FormXObject,
    /// An annotation's appearance.
    Annotation,
    /// A part of a zip container (a workbook's XML part), by name.
    Entry(String),
}

/// How the number used was had, when it was not counted as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Counted {
    #[default]
    AsRead,
    /// As the file declares it (a header's count), before reading.
    Declared,
    /// Once repeats and merged ranges are laid out.
    LaidOut,
}

/// A budget hit: which budget, what was used (when known: reading often stops at the limit), the
/// limit, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetHit {
    pub name: BudgetName,
    pub used: Option<u64>,
    pub limit: u64,
    #[serde(default)]
    pub counted: Counted,
    #[serde(default)]
    pub at: Option<At>,
}

impl BudgetHit {
    /// `used > limit`.
    pub fn new(name: BudgetName, used: impl TryInto<u64>, limit: impl TryInto<u64>) -> BudgetHit {
        BudgetHit { name, used: Some(number(used)), limit: number(limit), counted: Counted::AsRead, at: None }
    }

    /// Over `limit`, the amount used not known (reading stopped there).
    pub fn over(name: BudgetName, limit: impl TryInto<u64>) -> BudgetHit {
        BudgetHit { name, used: None, limit: number(limit), counted: Counted::AsRead, at: None }
    }

    pub fn at(mut self, at: At) -> BudgetHit {
        self.at = Some(at);
        self
    }

    pub fn counted(mut self, counted: Counted) -> BudgetHit {
        self.counted = counted;
        self
    }

    /// The hit in a reader's language.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vietnamese(),
            Lang::En => self.to_string(),
        }
    }

    fn vietnamese(&self) -> String {
        let (_, vi, measure) = self.name.words();
        let at = match &self.at {
            None => String::new(),
            Some(At::Stream(number, generation)) => format!(" (luồng dữ liệu {number} {generation})"),
            Some(At::PageContent(page)) => format!(" (nội dung trang {page})"),
            Some(At::Page(page)) => format!(" trên trang {page}"),
            Some(At::ToUnicode) => " (bảng mã phông chữ)".into(),
            Some(At::FormXObject) => " (khối nội dung dùng lại)".into(),
            Some(At::Annotation) => " (hình hiển thị của một ghi chú)".into(),
            Some(At::Entry(name)) => format!(" (phần {name})"),
        };
        let counted = match self.counted {
            Counted::AsRead => "",
            Counted::Declared => " (theo khai báo trong tệp)",
            Counted::LaidOut => " (tính cả các ô lặp lại)",
        };
        let (ratio, unit) = match measure {
            Measure::Count | Measure::Tokens => ("", ""),
            Measure::Bytes | Measure::NamedBytes => ("", " byte"),
            Measure::Seconds => ("", " giây"),
            Measure::Ratio => (":1", ""),
        };
        let used = self.used.map(|used| format!("{used}{ratio}{counted} ")).unwrap_or_default();
        format!("{vi}{at}: {used}> {}{ratio}{unit}", self.limit)
    }
}

/// The English form, as every earlier report wrote it: `objects: 12 > 10`,
/// `decompressed bytes: content of page 3 > 1048576`, `time: > 10 s`.
impl std::fmt::Display for BudgetHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (en, _, measure) = self.name.words();
        match (self.name, &self.at) {
            (BudgetName::PageOperators, Some(At::Page(page))) => write!(f, "{en} on page {page}: ")?,
            (BudgetName::CompressionRatio | BudgetName::XmlDepth, Some(At::Entry(name))) => {
                write!(f, "{en} of {name}: ")?
            }
            _ => write!(f, "{en}: ")?,
        }
        match &self.at {
            Some(At::Stream(number, generation)) => write!(f, "stream {number} {generation} ")?,
            Some(At::PageContent(page)) => write!(f, "content of page {page} ")?,
            Some(At::ToUnicode) => write!(f, "ToUnicode stream ")?,
            Some(At::FormXObject) => write!(f, "form XObject ")?,
            Some(At::Annotation) => write!(f, "annotation stream ")?,
            Some(At::Page(_) | At::Entry(_)) | None => {}
        }
        if let Some(used) = self.used {
            let unit = match measure {
                Measure::Bytes => " bytes",
                Measure::Tokens => " tokens",
                Measure::Ratio => ":1",
                Measure::Count | Measure::NamedBytes | Measure::Seconds => "",
            };
            let counted = match self.counted {
                Counted::AsRead => "",
                Counted::Declared => " declared",
                Counted::LaidOut => " laid out",
            };
            write!(f, "{used}{unit}{counted} ")?;
        }
        let unit = match measure {
            Measure::Bytes if self.used.is_none() => " bytes",
            Measure::Ratio => ":1",
            Measure::Seconds => " s",
            _ => "",
        };
        write!(f, "> {}{unit}", self.limit)?;
        match (self.name, &self.at) {
            (BudgetName::ParsedFileSize, _) => write!(f, " (parsed)"),
            (BudgetName::UnzippedBytes, Some(At::Entry(name))) => write!(f, " (at {name})"),
            _ => Ok(()),
        }
    }
}

/// A size or count as a number of the report (a value past `u64` reads as its largest).
fn number(value: impl TryInto<u64>) -> u64 {
    value.try_into().unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every place and way of counting a hit can carry, on every budget.
    fn every_hit() -> Vec<BudgetHit> {
        let places = [
            None,
            Some(At::Stream(12, 0)),
            Some(At::PageContent(3)),
            Some(At::Page(3)),
            Some(At::ToUnicode),
            Some(At::FormXObject),
            Some(At::Annotation),
            Some(At::Entry("xl/sharedStrings.xml".into())),
        ];
        let mut hits = Vec::new();
        for &name in BudgetName::ALL {
            for at in &places {
                for counted in [Counted::AsRead, Counted::Declared, Counted::LaidOut] {
                    for used in [None, Some(12)] {
                        hits.push(BudgetHit { name, used, limit: 10, counted, at: at.clone() });
                    }
                }
            }
        }
        hits
    }

    #[test]
    fn the_english_form_is_the_one_reports_have_always_shown() {
        use BudgetName::*;
        let cases = [
            (BudgetHit::new(Objects, 12, 10), "objects: 12 > 10"),
            (BudgetHit::new(ObjectDensity, 12, 10), "object density: 12 tokens > 10"),
            (BudgetHit::over(Time, 10), "time: > 10 s"),
            (BudgetHit::new(FileSize, 12, 10), "file size: 12 bytes > 10"),
            (BudgetHit::over(FileSize, 10), "file size: > 10 bytes"),
            (BudgetHit::new(ParsedFileSize, 12, 10), "file size: 12 bytes > 10 (parsed)"),
            (BudgetHit::over(DecompressedBytes, 10).at(At::Stream(4, 0)), "decompressed bytes: stream 4 0 > 10"),
            (
                BudgetHit::over(DecompressedBytes, 10).at(At::PageContent(2)),
                "decompressed bytes: content of page 2 > 10",
            ),
            (BudgetHit::over(DecompressedBytes, 10).at(At::ToUnicode), "decompressed bytes: ToUnicode stream > 10"),
            (BudgetHit::over(DecompressedBytes, 10).at(At::FormXObject), "decompressed bytes: form XObject > 10"),
            (BudgetHit::over(DecompressedBytes, 10).at(At::Annotation), "decompressed bytes: annotation stream > 10"),
            (BudgetHit::over(PageOperators, 10).at(At::Page(1)), "operators on page 1: > 10"),
            (BudgetHit::new(HashedBytes, 12, 10), "hashed bytes: 12 > 10"),
            (BudgetHit::new(SharedStrings, 12, 10).counted(Counted::Declared), "shared strings: 12 declared > 10"),
            (BudgetHit::new(Cells, 12, 10).counted(Counted::LaidOut), "cells: 12 laid out > 10"),
            (BudgetHit::new(CompressionRatio, 12, 10), "compression ratio: 12:1 > 10:1"),
            (BudgetHit::over(CompressionRatio, 10).at(At::Entry("a.xml".into())), "compression ratio of a.xml: > 10:1"),
            (BudgetHit::over(XmlDepth, 10).at(At::Entry("a.xml".into())), "XML depth of a.xml: > 10"),
            (BudgetHit::over(UnzippedBytes, 10).at(At::Entry("a.xml".into())), "unzipped bytes: > 10 (at a.xml)"),
            (BudgetHit::over(ZipTotal, 10), "unzipped bytes of the zip: > 10"),
            (BudgetHit::new(ZipDirectory, 12, 10), "zip central directory: 12 bytes > 10"),
        ];
        for (hit, english) in cases {
            assert_eq!(hit.to_string(), english);
            assert_eq!(hit.words(Lang::En), english);
        }
    }

    #[test]
    fn every_budget_has_a_vietnamese_name_and_reads_in_vietnamese() {
        // Words an English rendering uses; none may be left in a Vietnamese one.
        const ENGLISH: &[&str] = &[
            "bytes",
            "of",
            "on",
            "page",
            "stream",
            "content",
            "declared",
            "laid",
            "out",
            "tokens",
            "at",
            "parsed",
            "file",
            "size",
            "time",
            "objects",
            "object",
            "pages",
            "decompressed",
            "visits",
            "depth",
            "operators",
            "ranges",
            "codes",
            "signatures",
            "hashed",
            "revocation",
            "revisions",
            "certificates",
            "zip",
            "nesting",
            "entries",
            "entry",
            "central",
            "directory",
            "unzipped",
            "compression",
            "ratio",
            "sheets",
            "rows",
            "cells",
            "cell",
            "text",
            "all",
            "merged",
            "regions",
            "line",
            "length",
            "shared",
            "strings",
            "annotation",
            "the",
            "s",
            "form",
            "XObject",
            "CMap",
            "ToUnicode",
            "density",
        ];
        for hit in every_hit() {
            let (en, vi, _) = hit.name.words();
            assert!(!vi.is_ascii(), "{:?} needs a Vietnamese name, not {vi:?}", hit.name);
            assert_ne!(vi, en);
            let vietnamese = hit.words(Lang::Vi);
            let english: Vec<&str> = vietnamese
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| ENGLISH.iter().any(|e| e.eq_ignore_ascii_case(word)))
                .collect();
            assert!(english.is_empty(), "{english:?} in {vietnamese:?}");
            assert!(vietnamese.contains("> 10"), "{vietnamese}");
        }
        // Two budgets never share a Vietnamese name (the reader must tell them apart).
        let mut names: Vec<&str> = BudgetName::ALL.iter().map(|n| n.words().1).collect();
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a Vietnamese name is used twice");
    }

    #[test]
    fn a_hit_is_stored_and_read_back_whole() {
        for hit in every_hit() {
            let stored = serde_json::to_string(&hit).unwrap();
            assert_eq!(serde_json::from_str::<BudgetHit>(&stored).unwrap(), hit, "{stored}");
        }
    }
}
