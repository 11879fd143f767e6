//! Signature rules. KC101 (no signature at all) here; verification (KC102–KC107) comes with the
//! signature facts.

use super::{Code, FileContext};
use crate::facts::pdf::PdfFacts;
use crate::model::Finding;

pub fn check(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    if pdf.signatures.is_empty() {
        out.push(ctx.finding(
            Code::KC101,
            "Tệp PDF không có chữ ký số nào.".into(),
            "The PDF carries no digital signature.".into(),
        ));
    }
}
