//! `kiemchung template`: a blank self-assessment workbook for a catalog, laid out as units fill it
//! in (title, "Đơn vị:" line, header row, one row per area, group and criterion), which `check`
//! reads back. Codes are written as text so that 1.10 stays 1.10.

use crate::catalog::{Catalog, Kind};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// The header row, as the sheet reader recognises it.
pub const HEADER: [&str; 6] =
    ["Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Giải trình", "Tài liệu kiểm chứng"];
const HEADER_ROW: u32 = 3;

pub fn workbook(catalog: &Catalog) -> Result<Vec<u8>, String> {
    build(catalog).map_err(|e| e.to_string())
}

fn build(catalog: &Catalog) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(catalog.year.clamp(1900, 9999) as u16, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created).set_title(&catalog.name));
    let sheet = workbook.add_worksheet().set_name("Tự chấm điểm")?;
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("#DDE6F0")
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    sheet.write_string_with_format(
        0,
        0,
        format!("BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {}", catalog.year),
        &bold,
    )?;
    sheet.write_string(1, 0, "Đơn vị: ")?;
    for (col, (title, width)) in HEADER.iter().zip([12.0, 60.0, 10.0, 10.0, 60.0, 45.0]).enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col as u16, *title, &header)?;
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 2)?;
    for (i, criterion) in catalog.criteria.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        let format = if criterion.kind == Kind::Criterion { &wrap } else { &bold };
        sheet.write_string_with_format(row, 0, &criterion.code, format)?;
        sheet.write_string_with_format(row, 1, &criterion.title, format)?;
        sheet.write_number_with_format(row, 2, criterion.max, format)?;
    }
    let total = HEADER_ROW + 1 + catalog.criteria.len() as u32;
    sheet.write_string_with_format(total, 1, "TỔNG ĐIỂM", &bold)?;
    workbook.save_to_buffer()
}
