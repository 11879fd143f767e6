//! Explanation rules over one workbook row: KC401 no explanation, KC402 no cited place, KC403 the
//! cited document is not attached, KC404 the cited place does not exist in it, KC405 the cited
//! document's date or type differs from the attachment's. Looked up in the outline of each
//! attachment read once by the facts step.

use super::sheet::RowContext;
use super::{readable_pdf, Code};
use crate::facts::pdf::PdfFacts;
use crate::model::Finding;
use crate::vn::citation::{self, Citation, DocumentRef};
use crate::vn::number::NumberStatus;
use crate::vn::outline::Level;

pub fn check(ctx: &RowContext, out: &mut Vec<Finding>) {
    let explanation = ctx.row.explanation.trim();
    if explanation.is_empty() {
        out.push(ctx.finding(
            Code::KC401,
            "Có tự chấm điểm nhưng không có nội dung giải trình.".into(),
            "A score is claimed but the explanation is empty.".into(),
        ));
        return;
    }
    let (citations, documents) = citation::parse(explanation);
    let excerpt = crate::vn::text::excerpt(explanation, 160);
    if citations.is_empty() {
        out.push(
            ctx.finding(
                Code::KC402,
                "Giải trình không chỉ rõ số liệu nằm ở Mục, Khoản, Điểm nào của tài liệu kiểm chứng.".into(),
                "The explanation does not say at which Mục, Khoản or Điểm of the evidence the figures are.".into(),
            )
            .excerpt(excerpt),
        );
    }
    let attachments: Vec<&PdfFacts> = ctx.evidence.iter().filter_map(|f| readable_pdf(f)).collect();
    // A cited document may hide in an attachment whose text cannot be read: then say nothing.
    let all_read = attachments.len() == ctx.evidence.len() && attachments.iter().all(|p| p.layer_readable());
    for document in documents.iter().filter(|d| d.number.is_some() && d.as_evidence) {
        match attachment_for(document, &attachments) {
            Some(pdf) => mismatch(ctx, document, pdf, out),
            None if all_read => out.push(not_attached(ctx, document, &attachments)),
            None => {}
        }
    }
    for cited in &citations {
        let target = match &cited.document {
            Some(document) => attachment_for(document, &attachments),
            // No document named: the row's only attachment.
            None if attachments.len() == 1 && all_read => attachments.first().copied(),
            None => None,
        };
        if let Some(pdf) = target {
            missing_place(ctx, cited, pdf, out);
        }
    }
}

/// `271/BC-UBND`, `271/bc-ubnd `, `0271/BC–UBND` and `271/BC-UBNÐ` (an Icelandic Eth for Đ) are the
/// same number; a placeholder matches a placeholder with the same symbol.
fn normalise(number: &str) -> String {
    let text: String = number
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'Ð' | 'ð' => 'Đ',
            '–' | '—' | '‐' | '‑' => '-',
            other => other,
        })
        .flat_map(char::to_uppercase)
        .collect();
    match text.split_once('/') {
        Some((digits, symbol)) if digits.chars().all(|c| c.is_ascii_digit()) && digits.len() > 1 => {
            let trimmed = digits.trim_start_matches('0');
            format!("{}/{symbol}", if trimmed.is_empty() { "0" } else { trimmed })
        }
        _ => text,
    }
}

/// `14/KH-…` or `14/KH-`: the writer cut the issuer short; what is written must begin the number.
fn truncated(number: &str) -> Option<&str> {
    let cut = number.trim_end_matches(['…', '.']);
    (cut.len() < number.len() || cut.ends_with('-')).then_some(cut)
}

fn symbol(number: &str) -> &str {
    number.split_once('/').map_or("", |(_, symbol)| symbol)
}

/// The attachment a reference names: by number; by type and date when it gives no number.
fn attachment_for<'a>(document: &DocumentRef, attachments: &[&'a PdfFacts]) -> Option<&'a PdfFacts> {
    match &document.number {
        Some(number) => {
            let wanted = normalise(number);
            let placeholder = !wanted.split('/').next().unwrap_or("").chars().any(|c| c.is_ascii_digit());
            let prefix = truncated(&wanted).filter(|_| !placeholder);
            attachments.iter().copied().find(|pdf| {
                let Some(line) = &pdf.header.number else { return false };
                let found = normalise(&line.value);
                found == wanted
                    || prefix.is_some_and(|p| found.starts_with(p))
                    || (placeholder && line.status != NumberStatus::Ok && symbol(&found) == symbol(&wanted))
            })
        }
        None => attachments.iter().copied().find(|pdf| {
            document.date.is_some()
                && pdf.header.date.date() == document.date
                && (document.abbreviation.is_none() || pdf.header.title.as_deref() == document.abbreviation)
        }),
    }
}

fn not_attached(ctx: &RowContext, document: &DocumentRef, attachments: &[&PdfFacts]) -> Finding {
    let numbers: Vec<String> =
        attachments.iter().filter_map(|p| p.header.number.as_ref().map(|n| n.value.clone())).collect();
    let listed = if numbers.is_empty() { "-".to_string() } else { numbers.join(", ") };
    ctx.finding(
        Code::KC403,
        format!(
            "Giải trình dẫn \"{}\" nhưng văn bản này không có trong tài liệu kiểm chứng của tiêu chí (có: {listed}).",
            document.text
        ),
        format!(
            "The explanation cites \"{}\", which is not among the criterion's evidence (attached: {listed}).",
            document.text
        ),
    )
    .excerpt(document.text.clone())
}

fn mismatch(ctx: &RowContext, document: &DocumentRef, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    let printed_date = pdf.header.date.date();
    let dmy = |d: jiff::civil::Date| format!("{:02}/{:02}/{}", d.day(), d.month(), d.year());
    if let (Some(cited), Some(printed)) = (document.date, printed_date) {
        if cited != printed {
            out.push(
                ctx.finding(
                    Code::KC405,
                    format!("Giải trình ghi \"{}\" nhưng văn bản đính kèm đề ngày {}.", document.text, dmy(printed)),
                    format!(
                        "The explanation cites \"{}\" but the attached document is dated {}.",
                        document.text,
                        dmy(printed)
                    ),
                )
                .excerpt(document.text.clone()),
            );
            return;
        }
    }
    if let (Some(cited), Some(printed)) = (document.abbreviation, pdf.header.title.as_deref()) {
        if cited != printed {
            out.push(
                ctx.finding(
                    Code::KC405,
                    format!(
                        "Giải trình gọi văn bản là \"{}\" nhưng văn bản đính kèm là loại {printed}.",
                        document.kind
                    ),
                    format!(
                        "The explanation calls it a \"{}\" but the attached document is a {printed}.",
                        document.kind
                    ),
                )
                .excerpt(document.text.clone()),
            );
        }
    }
}

/// KC404 with what the document does have: "Mục I có Khoản 1–7, không có Khoản 9".
fn missing_place(ctx: &RowContext, cited: &Citation, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    if pdf.outline.is_empty() || !pdf.layer_readable() {
        return; // no structure could be read: nothing to compare with
    }
    let Some(((level, label), within)) = cited.target() else { return };
    // Every enclosing part must exist too: check from the outside in.
    let mut path: Vec<(Level, String)> = Vec::new();
    for (part_level, part_label) in within.iter().rev().chain(std::iter::once(&(level, label.clone()))) {
        if pdf.outline.find(*part_level, part_label, &path).is_none() {
            let have = pdf.outline.labels(*part_level, &path);
            let place = path.iter().rev().map(|(l, v)| format!("{} {v}", l.word())).collect::<Vec<_>>().join(", ");
            let (where_vi, where_en) = if place.is_empty() {
                ("Văn bản".to_string(), "The document".to_string())
            } else {
                (place.clone(), place)
            };
            let have = if have.is_empty() { "-".to_string() } else { have.join(", ") };
            let word = part_level.word();
            out.push(
                ctx.finding(
                    Code::KC404,
                    format!(
                        "Giải trình dẫn \"{}\" nhưng {where_vi} có {word} {have}, không có {word} {part_label}.",
                        cited.text
                    ),
                    format!(
                        "The explanation cites \"{}\" but {where_en} has {word} {have}, no {word} {part_label}.",
                        cited.text
                    ),
                )
                .excerpt(cited.text.clone()),
            );
            return;
        }
        path.push((*part_level, part_label.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_a_council_member_reads_them() {
        assert_eq!(normalise("0271/bc–ubnd "), normalise("271/BC-UBND"));
        assert_eq!(normalise("55/BC-UBNÐ"), normalise("55/BC-UBNĐ"));
        assert_ne!(normalise("27/BC-UBND"), normalise("271/BC-UBND"));
        assert_eq!(truncated(&normalise("14/KH-…")), Some("14/KH-"));
        assert_eq!(truncated("14/KH-"), Some("14/KH-"));
        assert_eq!(truncated("14/KH-UBND"), None);
    }
}
