//! `--format xlsx`: the council's workbook. Four sheets: the summary (units ranked by points at
//! risk), the findings (one row each, with the rule's explanation), the files (every file, its
//! status, number, date and signature verdict) and the criteria (each criterion across units).
//! Headers in the report's language, frozen, with filters; fixed document properties so that equal
//! runs give byte-identical files.

use super::RenderOptions;
use crate::catalog::criterion_key;
use crate::checks::registry::lookup;
use crate::model::{FileRecord, Lang, Report, Severity};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::{BTreeMap, BTreeSet};

/// Sheet names (at most 31 characters, no `[]:*?/\`).
pub const SHEETS_VI: [&str; 4] = ["Tổng hợp", "Phát hiện", "Tệp", "Tiêu chí"];
pub const SHEETS_EN: [&str; 4] = ["Summary", "Findings", "Files", "Criteria"];

pub fn render(report: &Report, options: &RenderOptions) -> Result<Vec<u8>, String> {
    build(report, options.lang).map_err(|e| e.to_string())
}

fn build(report: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(report.assessment.year.clamp(1900, 9999) as u16, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created).set_title("kiemchung"));
    let header = Format::new().set_bold().set_background_color("#DDE6F0").set_text_wrap();
    let names = lang.pick(SHEETS_VI, SHEETS_EN);

    let sheet = workbook.add_worksheet().set_name(names[0])?;
    summary_sheet(sheet, report, lang, &header)?;
    let sheet = workbook.add_worksheet().set_name(names[1])?;
    findings_sheet(sheet, report, lang, &header)?;
    let sheet = workbook.add_worksheet().set_name(names[2])?;
    files_sheet(sheet, report, lang, &header)?;
    let sheet = workbook.add_worksheet().set_name(names[3])?;
    criteria_sheet(sheet, report, lang, &header)?;
    workbook.save_to_buffer()
}

/// Writes the header row, freezes it, sets widths and (for `rows` > 0) a filter over the table.
fn table_header(sheet: &mut Worksheet, columns: &[(&str, f64)], rows: usize, header: &Format) -> Result<(), XlsxError> {
    for (col, (title, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows as u32, (columns.len() - 1) as u16)?;
    Ok(())
}

fn summary_sheet(sheet: &mut Worksheet, report: &Report, lang: Lang, header: &Format) -> Result<(), XlsxError> {
    let columns = lang.pick(
        [
            ("Hạng", 7.0),
            ("Đơn vị", 45.0),
            ("Điểm tự chấm", 12.0),
            ("Điểm có nguy cơ mất", 14.0),
            ("Lỗi 0 điểm", 10.0),
            ("Cảnh báo", 10.0),
            ("Thông tin", 10.0),
            ("Số tệp", 9.0),
        ],
        [
            ("Rank", 7.0),
            ("Unit", 45.0),
            ("Points claimed", 12.0),
            ("Points at risk", 14.0),
            ("Zero findings", 10.0),
            ("Warnings", 10.0),
            ("Info", 10.0),
            ("Files", 9.0),
        ],
    );
    let ranked = report.units_by_risk();
    table_header(sheet, &columns, ranked.len(), header)?;
    for (i, unit) in ranked.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &unit.id)?;
        sheet.write_number(row, 2, unit.claimed)?;
        sheet.write_number(row, 3, unit.at_risk)?;
        sheet.write_number(row, 4, unit.findings.zero as f64)?;
        sheet.write_number(row, 5, unit.findings.warning as f64)?;
        sheet.write_number(row, 6, unit.findings.info as f64)?;
        sheet.write_number(row, 7, unit.files as f64)?;
    }
    // Per code, below the units: what touches how many.
    let start = ranked.len() as u32 + 2;
    let titles = lang.pick(
        ["Mã", "Tên quy tắc", "Mức", "Số phát hiện", "Số đơn vị", "Số tệp"],
        ["Code", "Rule", "Severity", "Findings", "Units", "Files"],
    );
    for (col, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(start, col as u16, *title, header)?;
    }
    for (i, code) in report.summary.codes.iter().enumerate() {
        let row = start + 1 + i as u32;
        sheet.write_string(row, 0, code.code)?;
        sheet.write_string(row, 1, code.name)?;
        sheet.write_string(row, 2, code.severity.label(lang))?;
        sheet.write_number(row, 3, code.findings as f64)?;
        sheet.write_number(row, 4, code.units as f64)?;
        sheet.write_number(row, 5, code.files as f64)?;
    }
    // The frame dates were judged in, then what the rules could not judge.
    let mut row = start + report.summary.codes.len() as u32 + 2;
    sheet.write_string(row, 0, report.frame_line(lang))?;
    if !report.summary.not_judged.is_empty() {
        row += 2;
        let titles =
            lang.pick(["Mã", "Chưa đánh giá", "Số trường hợp", "Lý do"], ["Code", "Not judged", "Cases", "Why"]);
        for (col, title) in titles.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, *title, header)?;
        }
        for entry in &report.summary.not_judged {
            row += 1;
            sheet.write_string(row, 0, entry.code)?;
            sheet.write_string(row, 1, entry.name)?;
            sheet.write_number(row, 2, entry.count as f64)?;
            sheet.write_string(row, 3, entry.reasons.join("; "))?;
        }
    }
    Ok(())
}

fn findings_sheet(sheet: &mut Worksheet, report: &Report, lang: Lang, header: &Format) -> Result<(), XlsxError> {
    let columns = lang.pick(
        [
            ("Đơn vị", 28.0),
            ("Tiêu chí", 9.0),
            ("Tệp", 40.0),
            ("Trang", 6.0),
            ("Mã", 8.0),
            ("Tên quy tắc", 24.0),
            ("Mức", 10.0),
            ("Nội dung", 70.0),
            ("Trích dẫn", 40.0),
            ("Vì sao bị chấm 0 / cách sửa", 70.0),
        ],
        [
            ("Unit", 28.0),
            ("Criterion", 9.0),
            ("File", 40.0),
            ("Page", 6.0),
            ("Code", 8.0),
            ("Rule", 24.0),
            ("Severity", 10.0),
            ("Message", 70.0),
            ("Excerpt", 40.0),
            ("Why it matters / how to fix", 70.0),
        ],
    );
    table_header(sheet, &columns, report.findings.len(), header)?;
    for (i, finding) in report.findings.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, finding.unit.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 1, finding.criterion.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 2, finding.file.as_deref().unwrap_or_default())?;
        if let Some(page) = finding.page {
            sheet.write_number(row, 3, page as f64)?;
        }
        sheet.write_string(row, 4, finding.code)?;
        sheet.write_string(row, 5, finding.name)?;
        sheet.write_string(row, 6, finding.severity.label(lang))?;
        sheet.write_string(row, 7, &finding.message)?;
        sheet.write_string(row, 8, finding.excerpt.as_deref().unwrap_or_default())?;
        if let Some(rule) = lookup(finding.code) {
            let explanation = rule.explanation(lang);
            sheet.write_string(row, 9, format!("{} {}", explanation.why, explanation.fix))?;
        }
    }
    Ok(())
}

/// One line a person reads: "2 chữ ký: toàn vẹn, hợp lệ, tin cậy; …".
fn signature_verdict(file: &FileRecord, lang: Lang) -> String {
    if file.signatures.is_empty() {
        return if file.kind == "pdf" {
            lang.pick("không có chữ ký", "unsigned").to_string()
        } else {
            String::new()
        };
    }
    let yes_no = |value: bool, yes: &str, no: &str| if value { yes.to_string() } else { no.to_string() };
    file.signatures
        .iter()
        .map(|s| {
            let signer = s.signer.clone().unwrap_or_else(|| "?".into());
            let verdict = [
                yes_no(s.intact, lang.pick("toàn vẹn", "intact"), lang.pick("BỊ SỬA", "ALTERED")),
                yes_no(s.valid, lang.pick("hợp lệ", "valid"), lang.pick("KHÔNG HỢP LỆ", "INVALID")),
                yes_no(s.trusted, lang.pick("tin cậy", "trusted"), lang.pick("KHÔNG TIN CẬY", "UNTRUSTED")),
            ]
            .join(", ");
            format!("{signer}: {verdict}; {}", s.modification_level.as_str())
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn files_sheet(sheet: &mut Worksheet, report: &Report, lang: Lang, header: &Format) -> Result<(), XlsxError> {
    let columns = lang.pick(
        [
            ("Đơn vị", 28.0),
            ("Tệp", 50.0),
            ("Loại", 7.0),
            ("Trạng thái", 13.0),
            ("Số, ký hiệu", 18.0),
            ("Ngày", 11.0),
            ("Chữ ký số", 60.0),
            ("Tiêu chí", 14.0),
            ("Vấn đề", 30.0),
            ("SHA-256", 20.0),
        ],
        [
            ("Unit", 28.0),
            ("File", 50.0),
            ("Kind", 7.0),
            ("Status", 13.0),
            ("Number", 18.0),
            ("Date", 11.0),
            ("Signatures", 60.0),
            ("Criteria", 14.0),
            ("Problem", 30.0),
            ("SHA-256", 20.0),
        ],
    );
    table_header(sheet, &columns, report.files.len(), header)?;
    for (i, file) in report.files.iter().enumerate() {
        let row = i as u32 + 1;
        let status = serde_json::to_value(file.status).ok().and_then(|v| v.as_str().map(str::to_string));
        sheet.write_string(row, 0, file.unit.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 1, &file.path)?;
        sheet.write_string(row, 2, file.kind)?;
        sheet.write_string(row, 3, status.unwrap_or_default())?;
        sheet.write_string(row, 4, file.number.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 5, file.date.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 6, signature_verdict(file, lang))?;
        sheet.write_string(row, 7, file.criteria.join(", "))?;
        sheet.write_string(row, 8, file.problem.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 9, file.sha256.as_deref().unwrap_or_default())?;
    }
    Ok(())
}

fn criteria_sheet(sheet: &mut Worksheet, report: &Report, lang: Lang, header: &Format) -> Result<(), XlsxError> {
    #[derive(Default)]
    struct Across<'a> {
        units_zero: BTreeSet<&'a str>,
        units_any: BTreeSet<&'a str>,
        findings: usize,
        codes: BTreeMap<&'a str, usize>,
    }
    let mut criteria: BTreeMap<Vec<(u64, String)>, (&str, Across)> = BTreeMap::new();
    for finding in &report.findings {
        let Some(criterion) = finding.criterion.as_deref() else { continue };
        let (_, across) = criteria.entry(criterion_key(criterion)).or_insert_with(|| (criterion, Across::default()));
        let unit = finding.unit.as_deref().unwrap_or_default();
        across.units_any.insert(unit);
        if finding.severity == Severity::Zero {
            across.units_zero.insert(unit);
        }
        across.findings += 1;
        *across.codes.entry(finding.code).or_default() += 1;
    }
    let columns = lang.pick(
        [
            ("Tiêu chí", 9.0),
            ("Số đơn vị có lỗi 0 điểm", 14.0),
            ("Số đơn vị có phát hiện", 14.0),
            ("Số phát hiện", 11.0),
            ("Theo mã", 60.0),
        ],
        [
            ("Criterion", 9.0),
            ("Units with a zero", 14.0),
            ("Units with findings", 14.0),
            ("Findings", 11.0),
            ("By code", 60.0),
        ],
    );
    table_header(sheet, &columns, criteria.len(), header)?;
    for (i, (criterion, across)) in criteria.values().enumerate() {
        let row = i as u32 + 1;
        let codes: Vec<String> = across.codes.iter().map(|(code, n)| format!("{code}×{n}")).collect();
        sheet.write_string(row, 0, *criterion)?;
        sheet.write_number(row, 1, across.units_zero.len() as f64)?;
        sheet.write_number(row, 2, across.units_any.len() as f64)?;
        sheet.write_number(row, 3, across.findings as f64)?;
        sheet.write_string(row, 4, codes.join(", "))?;
    }
    Ok(())
}
