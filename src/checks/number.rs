//! Number rules: KC201 missing, KC202 placeholder, KC203 malformed.

use super::{Code, FileContext};
use crate::facts::pdf::PdfFacts;
use crate::model::{Finding, Lang};
use crate::vn::number::{NumberProblem, NumberStatus};

pub fn check(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    let page = Some(pdf.header_page);
    let Some(number) = &pdf.header.number else {
        out.push(
            ctx.finding(
                Code::KC201,
                format!("Không tìm thấy dòng \"Số: …\" ở phần đầu văn bản (trang {}).", pdf.header_page),
                format!("No \"Số: …\" line in the document header (page {}).", pdf.header_page),
            )
            .page(page),
        );
        return;
    };
    let finding = match number.status {
        NumberStatus::Ok => return,
        NumberStatus::Placeholder => ctx.finding(
            Code::KC202,
            format!("Số văn bản chưa được cấp (\"{}\"): văn bản chưa phát hành.", number.raw),
            format!("The document number is a placeholder (\"{}\"): an unissued draft.", number.raw),
        ),
        NumberStatus::Malformed => {
            let (vi, en) = (problem_words(number.problem, Lang::Vi), problem_words(number.problem, Lang::En));
            ctx.finding(
                Code::KC203,
                format!("Số, ký hiệu \"{}\" không đúng dạng SỐ/LOẠI-CƠ QUAN: {vi}.", number.value),
                format!("Number \"{}\" is not of the shape NUMBER/TYPE-ISSUER: {en}.", number.value),
            )
        }
    };
    out.push(finding.page(page).excerpt(number.raw.clone()));
}

/// Why a number is malformed, in words (KC203's message and `inspect`).
pub fn problem_words(problem: Option<NumberProblem>, lang: Lang) -> &'static str {
    let (vi, en) = match problem {
        Some(NumberProblem::NoSlash) => ("thiếu dấu \"/\" giữa số và ký hiệu", "no \"/\" between number and symbol"),
        Some(NumberProblem::NumberNotDigits) => ("phần số không phải chữ số", "the number part is not digits"),
        Some(NumberProblem::IssuerMissing) => {
            ("thiếu tên viết tắt cơ quan ban hành", "the issuer abbreviation is missing")
        }
        Some(NumberProblem::HyphenMissing) => (
            "thiếu dấu gạch nối giữa tên loại văn bản và tên cơ quan ban hành (ví dụ QĐ-UBND)",
            "no hyphen between the document type and the issuing body (e.g. QĐ-UBND)",
        ),
        _ => ("ký hiệu sai thể thức", "the symbol is malformed"),
    };
    lang.pick(vi, en)
}
