//! Date rules: KC301 blank, KC302 after the cutoff, KC303 before the period, KC304 invalid,
//! KC305 signed before the date it bears.

use super::{Code, FileContext};
use crate::facts::pdf::PdfFacts;
use crate::model::Finding;
use crate::vn::date::{dmy, DateLine};

pub fn check(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    signed_before_dated(ctx, pdf, out);
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
            let (vi, en) = if *reason == crate::vn::date::InvalidDate::Unreadable {
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

/// KC305: the first signature is earlier than the document's own date. Compared as calendar days in
/// Vietnam's time zone, with 7 hours of grace for tools that write UTC as if it were local time.
fn signed_before_dated(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    let DateLine::Dated { date, raw } = &pdf.header.date else { return };
    let first =
        super::signature::signer_signatures(pdf).filter_map(|s| s.signing_time.map(|t| (t, s))).min_by_key(|(t, _)| *t);
    let Some((time, sig)) = first else { return };
    let vietnam = jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(7));
    let latest_reading = (time + jiff::SignedDuration::from_hours(7)).to_zoned(vietnam).date();
    if latest_reading >= *date {
        return;
    }
    let when = super::signature_words::local_time(time, ctx.lang);
    let source = super::signature_words::time_source(sig.signing_time_source, ctx.lang);
    out.push(
        ctx.finding(
            Code::KC305,
            format!("Văn bản ngày {} nhưng được ký số lúc {when} (theo {source}), trước ngày ban hành.", dmy(*date)),
            format!(
                "The document is dated {} but was signed at {when} (according to {source}), before that date.",
                dmy(*date)
            ),
        )
        .page(Some(pdf.header_page))
        .excerpt(raw.clone()),
    );
}

#[cfg(test)]
mod tests {
    use crate::facts::signature::{SignatureFacts, SignatureKind, TimeSource};

    fn signed_at(time: &str, source: TimeSource) -> SignatureFacts {
        let mut sig = SignatureFacts::new(None, SignatureKind::Signature, None);
        sig.signing_time = Some(time.parse().unwrap());
        sig.signing_time_source = Some(source);
        sig
    }

    fn codes(time: &str) -> Vec<&'static str> {
        let header = "ỦY BAN NHÂN DÂN\nXÃ PHẤN MỄ\nSố: 12/KH-UBND\nPhấn Mễ, ngày 05 tháng 3 năm 2023";
        crate::checks::test_support::codes_of(super::check, header, vec![signed_at(time, TimeSource::M)])
    }

    #[test]
    fn signed_before_the_date_it_bears_is_kc305() {
        assert_eq!(codes("2023-03-03T02:00:00Z"), ["KC305"]);
        // 5 March, 06:30 in Vietnam is 4 March 23:30 UTC: the same day for the council.
        assert!(codes("2023-03-04T23:30:00Z").is_empty());
        // A UTC time 7 hours off (Vietnam time written as UTC) is tolerated.
        assert!(codes("2023-03-04T12:00:00Z").is_empty());
        assert!(codes("2023-03-08T02:00:00Z").is_empty());
    }
}
