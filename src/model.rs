//! The data that flows out of a run: findings, file records, unit records, the report. All of it
//! is plain serde data whose field order is the JSON key order (DESIGN.md), so equal runs give
//! byte-identical output.

use crate::facts::signature::diff::ModificationLevel;
use crate::facts::signature::revision::Coverage;
use crate::facts::signature::{SignatureFacts, SignatureKind, TimeSource};
pub use crate::rules::{Finding, Lang, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What became of a discovered file (DESIGN.md, JSON output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    Ok,
    Unreferenced,
    Unreadable,
    Encrypted,
    OverBudget,
    Skipped,
}

impl FileStatus {
    /// What a person reads in a report.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FileStatus::Ok => lang.pick("đã kiểm tra", "checked"),
            FileStatus::Unreferenced => lang.pick("không gắn với tiêu chí nào", "attached to no criterion"),
            FileStatus::Unreadable => lang.pick("không đọc được", "unreadable"),
            FileStatus::Encrypted => lang.pick("có mật khẩu", "password-protected"),
            FileStatus::OverBudget => {
                lang.pick("quá lớn hoặc quá phức tạp để kiểm tra", "too large or complex to check")
            }
            FileStatus::Skipped => lang.pick("bỏ qua (liên kết hoặc tệp đặc biệt)", "skipped (a link or special file)"),
        }
    }
}

/// Where the text the rules read comes from (`text-layer`, `ocr`, `none`), in words.
pub fn text_source_label(source: &str, lang: Lang) -> &'static str {
    match source {
        "text-layer" => lang.pick("chữ trong tệp PDF", "the PDF's own text"),
        "ocr" => lang.pick("nhận dạng chữ từ ảnh quét (OCR)", "read from the scanned image (OCR)"),
        _ => lang.pick("không có chữ đọc được", "no readable text"),
    }
}

/// A signature as the JSON report shows it (DESIGN.md fields plus coverage and modification level).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureRecord {
    pub field: Option<String>,
    pub kind: SignatureKind,
    pub subfilter: Option<String>,
    pub signer: Option<String>,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    pub signing_time: Option<String>,
    pub signing_time_source: Option<TimeSource>,
    pub digest_algorithm: Option<String>,
    pub signature_algorithm: Option<String>,
    pub key_bits: Option<u32>,
    pub intact: bool,
    pub valid: bool,
    pub trusted: bool,
    pub coverage: Coverage,
    pub modification_level: ModificationLevel,
}

impl From<&SignatureFacts> for SignatureRecord {
    fn from(s: &SignatureFacts) -> Self {
        SignatureRecord {
            field: s.field.clone(),
            kind: s.kind,
            subfilter: s.subfilter.clone(),
            signer: s.signer.clone(),
            issuer: s.issuer.clone(),
            serial: s.serial.clone(),
            signing_time: s.signing_time.map(|t| t.to_string()),
            signing_time_source: s.signing_time_source,
            digest_algorithm: s.digest_algorithm.clone(),
            signature_algorithm: s.signature_algorithm.clone(),
            key_bits: s.key_bits,
            intact: s.intact,
            valid: s.valid,
            trusted: s.trusted,
            coverage: s.coverage,
            modification_level: s.modification_level,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    pub unit: Option<String>,
    pub path: String,
    pub sha256: Option<String>,
    #[serde(deserialize_with = "crate::interned::static_str")]
    pub kind: crate::interned::StaticStr,
    pub status: FileStatus,
    pub number: Option<String>,
    pub date: Option<String>,
    pub signatures: Vec<SignatureRecord>,
    pub size: u64,
    pub pages: Option<u32>,
    /// `text-layer`, `ocr` or `none`: where the text the rules read comes from.
    #[serde(deserialize_with = "crate::interned::static_str_option")]
    pub text_source: Option<crate::interned::StaticStr>,
    /// The document's outline, compact: `I`, `I.2`, `I.2.a`, `2.1` (what citations are checked against).
    pub outline: Vec<String>,
    /// Criteria this file is evidence for.
    pub criteria: Vec<String>,
    /// Why the file is unreadable, over budget or skipped.
    pub problem: Option<String>,
    /// Rules that could not judge this file, and why.
    pub not_judged: Vec<NotJudgedRule>,
}

/// A rule that could not judge a file or a row: it did not guess, and says why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotJudgedRule {
    #[serde(deserialize_with = "crate::interned::static_str")]
    pub code: crate::interned::StaticStr,
    pub reason: String,
}

/// Something a rule did not judge, with where it is (before it is counted in the summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJudged {
    pub code: crate::rules::Code,
    pub unit: Option<String>,
    pub criterion: Option<String>,
    pub file: Option<String>,
    pub reason: String,
}

impl NotJudgedCount {
    /// "KC503 thiếu bảng thống kê: 12 trường hợp chưa đánh giá — lý do".
    pub fn line(&self, lang: Lang) -> String {
        format!(
            "{} {}: {} {} — {}",
            self.code,
            crate::rules::display_name(self.code, lang),
            self.count,
            lang.pick("trường hợp chưa đánh giá", "not judged"),
            self.reasons.join("; ")
        )
    }
}

/// Per code, how many rows or files it could not judge, and why (the reasons, deduplicated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotJudgedCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRecord {
    pub id: String,
    pub path: String,
    pub sheet: Option<String>,
    pub claimed: f64,
    pub at_risk: f64,
    pub rows: usize,
    pub files: usize,
    pub findings: SeverityCounts,
    /// The criteria whose points are at risk, with their self-scores (the html charts sum them by
    /// area); not in JSON, whose unit keys are fixed by the contract.
    #[serde(skip)]
    pub at_risk_criteria: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub zero: usize,
    pub warning: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Zero => self.zero += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogInfo {
    pub id: String,
    pub year: i32,
    pub cutoff: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub units: usize,
    pub files: usize,
    pub findings: SeverityCounts,
    pub by_code: BTreeMap<&'static str, usize>,
    /// Per code: how many findings, units and files it touches (province triage).
    pub codes: Vec<CodeSummary>,
    pub claimed: f64,
    pub at_risk: f64,
    /// What rules could not judge (no catalog flag, unreadable text…): a council must see it.
    pub not_judged: Vec<NotJudgedCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeSummary {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub findings: usize,
    pub units: usize,
    pub files: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub tool: ToolInfo,
    pub catalog: CatalogInfo,
    /// The year, period and cutoff dates were judged in, and where each came from.
    pub assessment: crate::assessment::Assessment,
    pub units: Vec<UnitRecord>,
    pub files: Vec<FileRecord>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl Summary {
    /// "10 đơn vị, 415 tệp; 61 lỗi bị chấm 0 điểm, …; có nguy cơ mất 62,5 / 242 điểm tự chấm".
    pub fn totals(&self, lang: Lang) -> String {
        let (at_risk, claimed) = (points(self.at_risk, lang), points(self.claimed, lang));
        let (units, files, counts) = (self.units, self.files, &self.findings);
        lang.pick(
            format!(
                "{units} đơn vị, {files} tệp; {} lỗi bị chấm 0 điểm, {} cảnh báo, {} thông tin; có nguy cơ mất {at_risk} / {claimed} điểm tự chấm",
                counts.zero, counts.warning, counts.info
            ),
            format!(
                "{}, {}; {}, {}, {} info; {at_risk} of {claimed} claimed {} at risk",
                count(units, "unit", "units"),
                count(files, "file", "files"),
                count(counts.zero, "zero-score finding", "zero-score findings"),
                count(counts.warning, "warning", "warnings"),
                counts.info,
                if round_points(self.claimed) == 1.0 { "point" } else { "points" },
            ),
        )
    }
}

impl Report {
    /// "Bộ tiêu chí: …; năm đánh giá 2026 (theo …); kỳ đánh giá từ …; chốt số liệu …": the frame
    /// every report states before its findings.
    pub fn frame_line(&self, lang: Lang) -> String {
        let catalog = if self.catalog.id == crate::catalog::WORKBOOK_ID {
            lang.pick(
                "bảng tự chấm điểm của từng đơn vị (không có --catalog)",
                "each unit's own workbook (no --catalog)",
            )
            .to_string()
        } else {
            self.catalog.id.clone()
        };
        format!("{} {catalog}; {}", lang.pick("Bộ tiêu chí:", "Criteria:"), self.assessment.describe(lang))
    }

    /// Units by points at risk, most first (the triage order of every report).
    pub fn units_by_risk(&self) -> Vec<&UnitRecord> {
        let mut ranked: Vec<&UnitRecord> = self.units.iter().collect();
        ranked.sort_by(|a, b| b.at_risk.total_cmp(&a.at_risk).then_with(|| a.id.cmp(&b.id)));
        ranked
    }
}

/// Points are shown with at most two decimals; sums of binary floats are rounded so that
/// 0.1 + 0.2 prints as 0.3 and equal inputs print equally.
/// Points as Vietnamese write them: `1,5`.
pub fn points(value: f64, lang: Lang) -> String {
    let text = format!("{}", round_points(value));
    lang.pick(text.replace('.', ","), text)
}

/// Points with their unit: "1,5 điểm", "1 point", "2.5 points".
pub fn points_phrase(value: f64, lang: Lang) -> String {
    let number = points(value, lang);
    match lang {
        Lang::Vi => format!("{number} điểm"),
        Lang::En if round_points(value) == 1.0 => format!("{number} point"),
        Lang::En => format!("{number} points"),
    }
}

/// An English count with its noun in the right number: "1 file", "2 files".
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

pub fn round_points(value: f64) -> f64 {
    let rounded = (value * 10_000.0).round() / 10_000.0;
    // An empty f64 sum is -0.0; nobody claims minus zero points.
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn english_counts_agree_in_number() {
        use super::{count, points_phrase, Lang};
        assert_eq!(points_phrase(1.0, Lang::En), "1 point");
        assert_eq!(points_phrase(1.5, Lang::En), "1.5 points");
        assert_eq!(points_phrase(0.0, Lang::En), "0 points");
        assert_eq!(points_phrase(1.0, Lang::Vi), "1 điểm");
        assert_eq!(count(1, "file", "files"), "1 file");
        assert_eq!(count(2, "file", "files"), "2 files");
    }

    #[test]
    fn points_round_and_never_print_minus_zero() {
        assert_eq!(super::round_points(0.1 + 0.2).to_string(), "0.3");
        let empty: f64 = std::iter::empty::<f64>().sum();
        assert_eq!(super::round_points(empty).to_string(), "0");
    }
}
