//! `--format csv`: one row per finding, for a spreadsheet or a script. UTF-8 with a byte-order mark,
//! which Excel needs to show Vietnamese; headers in the report's language.

use super::RenderOptions;
use crate::model::Report;

pub fn render(report: &Report, options: &RenderOptions) -> Vec<u8> {
    let lang = options.lang;
    let mut writer = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = lang.pick(
        ["Đơn vị", "Tiêu chí", "Tệp", "Trang", "Mã", "Tên quy tắc", "Mức", "Nội dung", "Trích dẫn"],
        ["Unit", "Criterion", "File", "Page", "Code", "Rule", "Severity", "Message", "Excerpt"],
    );
    writer.write_record(header).expect("writing to memory");
    for finding in &report.findings {
        let page = finding.page.map(|p| p.to_string()).unwrap_or_default();
        writer
            .write_record([
                finding.unit.as_deref().unwrap_or_default(),
                finding.criterion.as_deref().unwrap_or_default(),
                finding.file.as_deref().unwrap_or_default(),
                &page,
                finding.code,
                finding.name,
                finding.severity.as_str(),
                &finding.message,
                finding.excerpt.as_deref().unwrap_or_default(),
            ])
            .expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}
