//! Checks: pure functions from facts, sheet rows and catalog to findings. A check never opens a
//! file. One file per rule family; the registry of every rule is `registry`.

pub mod cross_unit;
pub mod date;
pub mod explanation;
pub mod file;
pub mod number;
/// The registry lives in [`crate::rules`] (a leaf module); this path is kept for callers.
pub use crate::rules as registry;
pub mod sheet;
pub mod signature;
pub mod signature_words;

use crate::facts::pdf::PdfFacts;
use crate::facts::FileFacts;
use crate::model::{Finding, Lang};
use jiff::civil::Date;
use registry::Code;

/// Everything a file check may look at.
pub struct FileContext<'a> {
    pub unit: Option<&'a str>,
    pub criterion: Option<&'a str>,
    pub rel: &'a str,
    pub facts: &'a FileFacts,
    pub period_start: Date,
    pub cutoff: Date,
    pub lang: Lang,
}

impl FileContext<'_> {
    pub fn finding(&self, code: Code, vi: String, en: String) -> Finding {
        Finding::new(code, self.lang.pick(vi, en)).unit(self.unit).criterion(self.criterion).file(Some(self.rel))
    }
}

/// All file rules for one file as evidence of one criterion (or on its own).
pub fn check_file(ctx: &FileContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(pdf) = file::check(ctx, &mut findings) {
        signature::check(ctx, pdf, &mut findings);
        if file::has_text_layer(ctx, pdf, &mut findings) {
            let from = findings.len();
            number::check(ctx, pdf, &mut findings);
            date::check(ctx, pdf, &mut findings);
            if pdf.text_source == crate::facts::pdf::TextSource::Ocr {
                findings[from..].iter_mut().for_each(|f| from_ocr(f, ctx.lang));
            }
        }
    }
    findings
}

/// A finding read from OCR text says so; what OCR may simply have failed to see (no number line,
/// an odd symbol, a date it could not read) is a warning for a human, never a zero. A clear
/// placeholder, a blank date or a date outside the period keep their weight.
fn from_ocr(finding: &mut Finding, lang: Lang) {
    finding.source = Some("ocr");
    if matches!(finding.code, "KC201" | "KC203" | "KC304" | "KC305") {
        finding.severity = crate::model::Severity::Warning;
        finding.message.push_str(lang.pick(
            " (đọc bằng OCR từ ảnh trang: cần người xem lại, không tính là lỗi 0 điểm)",
            " (read by OCR from the page image: needs a human look, not counted as a zero)",
        ));
    } else {
        finding.message.push_str(lang.pick(" (đọc bằng OCR từ ảnh trang)", " (read by OCR from the page image)"));
    }
}

/// A readable PDF's facts, for the checks that need one.
pub fn readable_pdf(facts: &FileFacts) -> Option<&PdfFacts> {
    match facts.outcome {
        crate::facts::Outcome::Ok => facts.pdf.as_ref(),
        _ => None,
    }
}

pub use crate::model::points;

/// Builds the facts of a one-page PDF from its header text and signatures, and runs one check.
#[cfg(test)]
pub mod test_support {
    use super::*;
    use crate::facts::signature::SignatureFacts;
    use crate::facts::sniff::Kind;
    use crate::facts::Outcome;
    use crate::vn::header::parse_header;

    /// A readable one-page PDF's facts: its header text and signatures.
    pub fn pdf_facts(header: &str, signatures: Vec<SignatureFacts>) -> PdfFacts {
        PdfFacts {
            pages: 1,
            signatures,
            text_chars: 500,
            header_page: 1,
            header: parse_header(header),
            statistics_table_page: None,
            repaired: false,
            sample: String::new(),
            outline: Default::default(),
            legacy_encoding: None,
            text_fallback: None,
            text_sha256: None,
            unreadable_pages: Vec::new(),
            own_layer: crate::facts::pdf::TextLayer::Readable,
            text_source: crate::facts::pdf::TextSource::TextLayer,
            ocr_problem: None,
        }
    }

    pub fn codes_of(
        check: fn(&FileContext, &PdfFacts, &mut Vec<Finding>),
        header: &str,
        signatures: Vec<SignatureFacts>,
    ) -> Vec<&'static str> {
        let pdf = pdf_facts(header, signatures);
        let facts = FileFacts { size: 1, sha256: None, kind: Kind::Pdf, outcome: Outcome::Ok, pdf: Some(pdf.clone()) };
        let ctx = FileContext {
            unit: None,
            criterion: None,
            rel: "a.pdf",
            facts: &facts,
            period_start: jiff::civil::date(2023, 1, 1),
            cutoff: jiff::civil::date(2023, 12, 10),
            lang: Lang::Vi,
        };
        let mut out = Vec::new();
        check(&ctx, &pdf, &mut out);
        out.iter().map(|f| f.code).collect()
    }
}
