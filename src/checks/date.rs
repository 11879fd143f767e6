//! Date rules: KC301 blank, KC302 after the cutoff, KC303 before the period, KC304 invalid.

use super::{Code, FileContext};
use crate::facts::pdf::PdfFacts;
use crate::model::Finding;
use crate::vn::date::DateLine;
use jiff::civil::Date;

fn dmy(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

pub fn check(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    let page = Some(pdf.header_page);
    let excerpt = pdf.header.date.raw().unwrap_or_default().to_string();
    let finding = match &pdf.header.date {
        DateLine::Missing => ctx.finding(
            Code::KC304,
            "Không tìm thấy ngày ban hành (\"…, ngày … tháng … năm …\") ở phần đầu văn bản.".into(),
            "No date of issue (\"…, ngày … tháng … năm …\") in the document header.".into(),
        ),
        DateLine::Blank { raw } => ctx.finding(
            Code::KC301,
            format!("Ngày ban hành để trống (\"{raw}\"): văn bản chưa phát hành."),
            format!("The date of issue is left blank (\"{raw}\"): an unissued draft."),
        ),
        DateLine::Invalid { raw, reason } => {
            let (vi, en) = if *reason == "unreadable" {
                ("không đọc được", "cannot be read")
            } else {
                ("là ngày không tồn tại", "does not exist")
            };
            ctx.finding(Code::KC304, format!("Ngày ban hành \"{raw}\" {vi}."), format!("The date \"{raw}\" {en}."))
        }
        DateLine::Dated { date, .. } if *date > ctx.cutoff => ctx.finding(
            Code::KC302,
            format!("Văn bản ngày {} sau thời điểm chốt số liệu {}.", dmy(*date), dmy(ctx.cutoff)),
            format!("The document is dated {}, after the data cutoff {}.", dmy(*date), dmy(ctx.cutoff)),
        ),
        DateLine::Dated { date, .. } if *date < ctx.period_start => ctx.finding(
            Code::KC303,
            format!("Văn bản ngày {} trước kỳ đánh giá (từ {}).", dmy(*date), dmy(ctx.period_start)),
            format!(
                "The document is dated {}, before the assessment period (from {}).",
                dmy(*date),
                dmy(ctx.period_start)
            ),
        ),
        DateLine::Dated { .. } => return,
    };
    out.push(finding.page(page).excerpt(excerpt));
}
