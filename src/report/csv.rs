//! `--format csv`: one row per finding, for a spreadsheet or a script. UTF-8 with a byte-order mark,
//! which Excel needs to show Vietnamese; headers in the report's language.

use super::Items;
use super::RenderOptions;
use crate::model::Finding;

/// Streams the rows to `out`.
pub fn write(findings: Items<Finding>, options: &RenderOptions, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let lang = options.lang;
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut writer = csv::WriterBuilder::new().from_writer(out);
    let header = lang.pick(
        ["Đơn vị", "Tiêu chí", "Tệp", "Trang", "Mã", "Tên quy tắc", "Mức", "Nội dung", "Trích dẫn"],
        ["Unit", "Criterion", "File", "Page", "Code", "Rule", "Severity", "Message", "Excerpt"],
    );
    writer.write_record(header)?;
    for finding in findings {
        let finding = finding?;
        let page = finding.page.map(|p| p.to_string()).unwrap_or_default();
        writer.write_record([
            finding.unit.as_deref().unwrap_or_default(),
            finding.criterion.as_deref().unwrap_or_default(),
            finding.file.as_deref().unwrap_or_default(),
            &page,
            finding.code,
            finding.name,
            finding.severity.as_str(),
            &finding.message,
            finding.excerpt.as_deref().unwrap_or_default(),
        ])?;
    }
    writer.flush()
}
