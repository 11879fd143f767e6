//! Score and evidence rules over one workbook row: KC501 above max, KC502 no evidence, KC503 no
//! statistics table, KC504 listed file missing, KC505 unknown criterion.

use super::{points, readable_pdf, Code};
use crate::attach::Unresolved;
use crate::catalog::{Criterion, Kind};
use crate::facts::FileFacts;
use crate::model::{Finding, Lang, NotJudged};
use crate::sheet::Row;

pub struct RowContext<'a> {
    pub unit: &'a str,
    pub row: &'a Row,
    pub criterion: Option<&'a Criterion>,
    /// Facts of the row's evidence files that are present.
    pub evidence: Vec<&'a FileFacts>,
    pub unresolved: &'a [Unresolved],
    /// A catalog was given (`--catalog`); else the workbook is its own catalog and the rules that
    /// compare with one (KC505, KC503) cannot judge.
    pub catalog_given: bool,
    pub lang: Lang,
}

impl RowContext<'_> {
    pub(super) fn finding(&self, code: Code, vi: String, en: String) -> Finding {
        Finding::new(code, self.lang.pick(vi, en)).unit(Some(self.unit)).criterion(Some(&self.row.code))
    }
}

/// A tiny tolerance: scores are decimals typed by people, stored as binary floats.
const EPSILON: f64 = 1e-9;

pub fn check_row(ctx: &RowContext) -> Vec<Finding> {
    let mut out = Vec::new();
    let row = ctx.row;
    let lang = ctx.lang;
    missing_files(ctx, &mut out);
    let Some(criterion) = ctx.criterion else {
        out.push(
            ctx.finding(
                Code::KC505,
                format!("Mã tiêu chí \"{}\" (dòng {}) không có trong bộ tiêu chí.", row.code, row.line),
                format!("Criterion code \"{}\" (row {}) is not in the catalog.", row.code, row.line),
            )
            .excerpt(row.code.clone()),
        );
        return out;
    };
    // Area and group rows are sums of their children; only criteria are judged.
    if criterion.kind != Kind::Criterion {
        return out;
    }
    let Some(score) = row.score else { return out };
    if score > criterion.max + EPSILON {
        out.push(
            ctx.finding(
                Code::KC501,
                format!(
                    "Điểm tự chấm {} cao hơn điểm tối đa {} của tiêu chí.",
                    points(score, lang),
                    points(criterion.max, lang)
                ),
                format!(
                    "Self score {} is above the criterion's maximum {}.",
                    points(score, lang),
                    points(criterion.max, lang)
                ),
            )
            .excerpt(format!("{} > {}", points(score, lang), points(criterion.max, lang))),
        );
    }
    if score <= EPSILON {
        return out;
    }
    if criterion.requires_evidence && ctx.evidence.is_empty() {
        out.push(ctx.finding(
            Code::KC502,
            format!("Tự chấm {} điểm nhưng không có tài liệu kiểm chứng nào.", points(score, lang)),
            format!("{} claimed with no evidence file.", crate::model::points_phrase(score, lang)),
        ));
    }
    statistics_table(ctx, criterion, &mut out);
    if criterion.requires_evidence {
        super::explanation::check(ctx, &mut out);
    }
    out
}

/// What the row rules could not judge: without a catalog, whether the code exists (KC505) and
/// whether a statistics table is required (KC503, for a claimed criterion with evidence).
pub fn not_judged(ctx: &RowContext) -> Vec<NotJudged> {
    if ctx.catalog_given || !ctx.row.code_is_wellformed {
        return Vec::new();
    }
    let entry = |code: Code, vi: &str, en: &str| NotJudged {
        code,
        unit: Some(ctx.unit.to_string()),
        criterion: Some(ctx.row.code.clone()),
        file: None,
        reason: ctx.lang.pick(vi, en).to_string(),
    };
    let mut out = vec![entry(
        Code::KC505,
        "không có bộ tiêu chí để đối chiếu mã tiêu chí (dùng --catalog)",
        "no catalog to compare criterion codes with (use --catalog)",
    )];
    let claimed = ctx.row.score.is_some_and(|s| s > EPSILON);
    let is_criterion = ctx.criterion.is_some_and(|c| c.kind == Kind::Criterion);
    if claimed && is_criterion && !ctx.evidence.is_empty() {
        out.push(entry(
            Code::KC503,
            "bảng tự chấm không cho biết tiêu chí nào cần Bảng thống kê (dùng --catalog có cờ requires_table)",
            "the workbook does not say which criteria need a statistics table (use a --catalog with requires_table)",
        ));
    }
    out
}

fn missing_files(ctx: &RowContext, out: &mut Vec<Finding>) {
    for unresolved in ctx.unresolved {
        let finding = match unresolved {
            Unresolved::NotFound(path) => ctx
                .finding(
                    Code::KC504,
                    format!("Bảng tự chấm liệt kê tệp \"{path}\" nhưng hồ sơ không có tệp này."),
                    format!("The sheet lists \"{path}\" but the submission has no such file."),
                )
                .file(Some(path)),
            Unresolved::InOtherCriterion { listed, found } => ctx
                .finding(
                    Code::KC504,
                    format!("Bảng tự chấm liệt kê tệp \"{listed}\" cho tiêu chí này, nhưng tệp chỉ có trong thư mục của tiêu chí khác ({found})."),
                    format!("The sheet lists \"{listed}\" for this criterion, but the file is only in another criterion's folder ({found})."),
                )
                .file(Some(listed)),
            Unresolved::Escapes(path) => ctx
                .finding(
                    Code::KC504,
                    format!("Đường dẫn \"{path}\" trỏ ra ngoài thư mục đơn vị: không được đọc, coi như thiếu tệp."),
                    format!("The path \"{path}\" leaves the unit folder: never read, counted as missing."),
                )
                .file(Some(path)),
        };
        out.push(finding.excerpt(listed_path(unresolved)));
    }
}

fn listed_path(unresolved: &Unresolved) -> String {
    match unresolved {
        Unresolved::NotFound(p) | Unresolved::Escapes(p) | Unresolved::InOtherCriterion { listed: p, .. } => p.clone(),
    }
}

/// KC503, only when every attachment could be read as text: an attachment we cannot read (a
/// scan, a Word file) may hold the table, and a false zero costs the unit real points.
fn statistics_table(ctx: &RowContext, criterion: &Criterion, out: &mut Vec<Finding>) {
    if !criterion.requires_table || ctx.evidence.is_empty() {
        return;
    }
    let mut all_readable = true;
    for facts in &ctx.evidence {
        match readable_pdf(facts) {
            Some(pdf) if pdf.statistics_table_page.is_some() => return,
            Some(pdf) if pdf.layer_readable() => {}
            _ => all_readable = false,
        }
    }
    if all_readable {
        out.push(ctx.finding(
            Code::KC503,
            format!(
                "Tiêu chí yêu cầu Bảng thống kê nhưng không tài liệu nào trong {} tệp đính kèm có \"BẢNG THỐNG KÊ\" / \"BIỂU THỐNG KÊ\".",
                ctx.evidence.len()
            ),
            format!(
                "The criterion requires a statistics table; none of the {} attached files has a \"BẢNG THỐNG KÊ\" / \"BIỂU THỐNG KÊ\" heading.",
                ctx.evidence.len()
            ),
        ));
    }
}
