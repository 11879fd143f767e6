//! `--format xlsx`: the council's workbook. Four sheets: the summary (units ranked by points at
//! risk), the findings (one row each, with the rule's explanation), the files (every file, its
//! status, number, date and signature verdict) and the criteria (each criterion across units).
//! Headers in the report's language, frozen, with filters; fixed document properties so that equal
//! runs give byte-identical files.

use super::RenderOptions;
use crate::catalog::criterion_key;
use crate::checks::registry::lookup;
use crate::checks::signature_words as words;
use crate::model::{FileRecord, Lang, Report, Severity};
use crate::rules::display_name;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};
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

/// Writes the header row, freezes it, sets widths and wrapping and (for `rows` > 0) a filter
/// over the table, and sets the sheet up to print: A4 landscape, one page wide, the header row
/// repeated on every page, page numbers in the footer.
fn table_header(sheet: &mut Worksheet, columns: &[(&str, f64)], rows: usize, header: &Format) -> Result<(), XlsxError> {
    // Unformatted cells take their column's format: long messages wrap instead of being cut.
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut lines = 1;
    for (col, (title, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, header)?;
        sheet.set_column_width(col as u16, *width)?;
        sheet.set_column_format(col as u16, &wrapped)?;
        // Bold headers are wider than body text.
        lines = lines.max(lines_needed(title, width * 0.9));
    }
    sheet.set_row_height(0, LINE_HEIGHT * lines as f64)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows as u32, (columns.len() - 1) as u16)?;
    sheet.set_landscape();
    sheet.set_paper_size(A4);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_print_gridlines(true);
    sheet.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    sheet.set_footer("&L&A&R&P / &N");
    Ok(())
}

/// The height of one line of text in the default font, in points.
const LINE_HEIGHT: f64 = 15.0;

/// How many lines `text` takes in a wrapped column `width` characters wide (a little generous:
/// a row cut short hides text, a row a little tall does not).
fn lines_needed(text: &str, width: f64) -> usize {
    let per_line = (width * 1.05 - 1.0).max(1.0);
    text.split('\n').map(|part| ((part.chars().count() as f64 / per_line).ceil() as usize).max(1)).sum()
}

/// Writes a row's text cells and makes the row as tall as its longest wrapped cell: spreadsheet
/// programs keep a generated row's default height, so wrapped text would be cut off.
fn write_texts(sheet: &mut Worksheet, row: u32, widths: &[f64], cells: &[(u16, &str)]) -> Result<(), XlsxError> {
    let mut lines = 1;
    for &(col, text) in cells {
        sheet.write_string(row, col, text)?;
        lines = lines.max(lines_needed(text, widths[col as usize]));
    }
    if lines > 1 {
        sheet.set_row_height(row, LINE_HEIGHT * lines as f64)?;
    }
    Ok(())
}

/// Excel's paper size code for A4.
const A4: u8 = 9;

fn summary_sheet(sheet: &mut Worksheet, report: &Report, lang: Lang, header: &Format) -> Result<(), XlsxError> {
    let columns = lang.pick(
        [
            ("Hạng", 7.0),
            ("Đơn vị", 36.0),
            ("Điểm tự chấm", 12.0),
            ("Điểm có nguy cơ mất", 14.0),
            ("Lỗi 0 điểm", 10.0),
            ("Cảnh báo", 10.0),
            ("Thông tin", 10.0),
            ("Số tệp", 9.0),
        ],
        [
            ("Rank", 7.0),
            ("Unit", 36.0),
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
        sheet.write_string(row, 1, display_name(code.code, lang))?;
        sheet.write_string(row, 2, code.severity.label(lang))?;
        sheet.write_number(row, 3, code.findings as f64)?;
        sheet.write_number(row, 4, code.units as f64)?;
        sheet.write_number(row, 5, code.files as f64)?;
    }
    // The frame dates were judged in, then what the rules could not judge.
    // Long lines span the table's width and wrap there, not in the narrow first column.
    let wide = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut row = start + report.summary.codes.len() as u32 + 2;
    let frame = report.frame_line(lang);
    let total: f64 = columns.iter().map(|c| c.1).sum();
    sheet.merge_range(row, 0, row, (columns.len() - 1) as u16, &frame, &wide)?;
    sheet.set_row_height(row, LINE_HEIGHT * lines_needed(&frame, total) as f64)?;
    if !report.summary.not_judged.is_empty() {
        row += 2;
        let titles =
            lang.pick(["Mã", "Chưa đánh giá", "Số trường hợp", "Lý do"], ["Code", "Not judged", "Cases", "Why"]);
        for (col, title) in titles.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, *title, header)?;
        }
        sheet.set_row_height(row, LINE_HEIGHT * 2.0)?;
        for entry in &report.summary.not_judged {
            row += 1;
            sheet.write_string(row, 0, entry.code)?;
            sheet.write_string(row, 1, display_name(entry.code, lang))?;
            sheet.write_number(row, 2, entry.count as f64)?;
            let reasons = entry.reasons.join("; ");
            sheet.merge_range(row, 3, row, (columns.len() - 1) as u16, &reasons, &wide)?;
            let width: f64 = columns[3..].iter().map(|c| c.1).sum();
            sheet.set_row_height(row, LINE_HEIGHT * lines_needed(&reasons, width) as f64)?;
        }
    }
    Ok(())
}

fn findings_sheet(sheet: &mut Worksheet, report: &Report, lang: Lang, header: &Format) -> Result<(), XlsxError> {
    let columns = lang.pick(
        [
            ("Đơn vị", 16.0),
            ("Tiêu chí", 8.0),
            ("Tệp", 24.0),
            ("Trang", 6.0),
            ("Mã", 7.5),
            ("Tên quy tắc", 18.0),
            ("Mức", 9.0),
            ("Nội dung", 48.0),
            ("Trích dẫn", 24.0),
            ("Cách sửa", 36.0),
            ("Vì sao", 30.0),
        ],
        [
            ("Unit", 16.0),
            ("Criterion", 8.0),
            ("File", 24.0),
            ("Page", 6.0),
            ("Code", 7.5),
            ("Rule", 18.0),
            ("Severity", 9.0),
            ("Message", 48.0),
            ("Excerpt", 24.0),
            ("How to fix", 36.0),
            ("Why it matters", 30.0),
        ],
    );
    table_header(sheet, &columns, report.findings.len(), header)?;
    let widths: Vec<f64> = columns.iter().map(|c| c.1).collect();
    for (i, finding) in report.findings.iter().enumerate() {
        let row = i as u32 + 1;
        if let Some(page) = finding.page {
            sheet.write_number(row, 3, page as f64)?;
        }
        let explanation = lookup(finding.code).map(|rule| rule.explanation(lang));
        let texts = [
            (0, finding.unit.as_deref().unwrap_or_default()),
            (1, finding.criterion.as_deref().unwrap_or_default()),
            (2, finding.file.as_deref().unwrap_or_default()),
            (4, finding.code),
            (5, display_name(finding.code, lang)),
            (6, finding.severity.label(lang)),
            (7, &finding.message),
            (8, finding.excerpt.as_deref().unwrap_or_default()),
            (9, explanation.map(|e| e.fix).unwrap_or_default()),
            (10, explanation.map(|e| e.why).unwrap_or_default()),
        ];
        write_texts(sheet, row, &widths, &texts)?;
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
            format!("{signer}: {verdict}; {}", words::level(s.modification_level, lang))
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `2023-01-12` as a Vietnamese reader writes it (`12/01/2023`); unchanged in English.
fn local_date(iso: &str, lang: Lang) -> String {
    match (lang, iso.parse::<jiff::civil::Date>()) {
        (Lang::Vi, Ok(date)) => date.strftime("%d/%m/%Y").to_string(),
        _ => iso.to_string(),
    }
}

fn files_sheet(sheet: &mut Worksheet, report: &Report, lang: Lang, header: &Format) -> Result<(), XlsxError> {
    let columns = lang.pick(
        [
            ("Đơn vị", 16.0),
            ("Tệp", 30.0),
            ("Loại", 6.0),
            ("Trạng thái", 16.0),
            ("Số, ký hiệu", 16.0),
            ("Ngày", 11.0),
            ("Chữ ký số", 44.0),
            ("Chữ đọc từ", 14.0),
            ("Tiêu chí", 10.0),
            ("Vấn đề", 24.0),
            ("SHA-256", 18.0),
        ],
        [
            ("Unit", 16.0),
            ("File", 30.0),
            ("Kind", 6.0),
            ("Status", 16.0),
            ("Number", 16.0),
            ("Date", 11.0),
            ("Signatures", 44.0),
            ("Text read from", 14.0),
            ("Criteria", 10.0),
            ("Problem", 24.0),
            ("SHA-256", 18.0),
        ],
    );
    table_header(sheet, &columns, report.files.len(), header)?;
    let widths: Vec<f64> = columns.iter().map(|c| c.1).collect();
    // Why a file could not be read, in the report's language: its KC601/KC602 finding says it
    // (the record's own `problem` is the parser's English, kept as is for JSON).
    let mut unreadable: BTreeMap<(Option<&str>, &str), &str> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| matches!(f.code, "KC601" | "KC602")) {
        if let Some(file) = finding.file.as_deref() {
            unreadable.entry((finding.unit.as_deref(), file)).or_insert(&finding.message);
        }
    }
    for (i, file) in report.files.iter().enumerate() {
        let row = i as u32 + 1;
        let date = file.date.as_deref().map(|d| local_date(d, lang)).unwrap_or_default();
        let source = file.text_source.map(|s| crate::model::text_source_label(s, lang)).unwrap_or_default();
        let (verdict, criteria) = (signature_verdict(file, lang), file.criteria.join(", "));
        let texts = [
            (0, file.unit.as_deref().unwrap_or_default()),
            (1, file.path.as_str()),
            (2, file.kind),
            (3, file.status.label(lang)),
            (4, file.number.as_deref().unwrap_or_default()),
            (5, date.as_str()),
            (6, verdict.as_str()),
            (7, source),
            (8, criteria.as_str()),
            (
                9,
                unreadable
                    .get(&(file.unit.as_deref(), file.path.as_str()))
                    .copied()
                    .or(file.problem.as_deref())
                    .unwrap_or_default(),
            ),
            (10, file.sha256.as_deref().unwrap_or_default()),
        ];
        write_texts(sheet, row, &widths, &texts)?;
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
            ("Theo mã", 50.0),
        ],
        [
            ("Criterion", 9.0),
            ("Units with a zero", 14.0),
            ("Units with findings", 14.0),
            ("Findings", 11.0),
            ("By code", 50.0),
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
