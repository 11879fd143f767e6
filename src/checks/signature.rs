//! Signature rules: KC101 unsigned, KC102 invalid, KC103 modified after signing, KC104 certificate
//! not valid at signing, KC105 untrusted issuer, KC106 weak algorithm. Pure functions of the
//! signature facts (`facts::signature`).

use super::signature_words as words;
use super::{Code, FileContext};
use crate::facts::pdf::PdfFacts;
use crate::facts::signature::diff::ModificationLevel;
use crate::facts::signature::{SignatureFacts, SignatureKind, SignatureProblem};
use crate::model::{Finding, Lang};
use crate::vn::organization::names_issuer;

/// Signatures of a signer (not document timestamps, not Adobe usage rights).
pub fn signer_signatures(pdf: &PdfFacts) -> impl Iterator<Item = &SignatureFacts> {
    pdf.signatures.iter().filter(|s| s.kind == SignatureKind::Signature)
}

/// KC103: a later revision changes what was signed. Further signatures, DSS, document timestamps
/// and form filling are normal; page content, pages, annotations and anything unexplained are not.
pub fn modified_after_signing(sig: &SignatureFacts) -> bool {
    sig.modification_level >= ModificationLevel::Annotations
}

/// The document as a whole was changed after one of its signers signed it (KC103's verdict): its
/// text is no longer the issued document's. The one definition every rule uses.
pub fn changed_after_signing(pdf: &PdfFacts) -> bool {
    signer_signatures(pdf).any(modified_after_signing)
}

/// Why a signature could not be verified at all (a budget, an unsupported algorithm or SubFilter,
/// no signer certificate), when nothing proves it broken; `None` for a signature that was verified,
/// well or badly.
pub fn not_verifiable(sig: &SignatureFacts) -> Option<&SignatureProblem> {
    use SignatureProblem as P;
    let broken = sig.problems.iter().any(|p| {
        matches!(p, P::DigestMismatch | P::EncapsulatedDigestMismatch | P::SignatureFailure(_) | P::ByteRange(_))
    });
    if broken {
        return None;
    }
    sig.problems.iter().find(|p| {
        matches!(p, P::OverBudget(_) | P::UnsupportedSubfilter(_) | P::NoSignerCertificate | P::Unsupported(_))
    })
}

pub fn check(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    let lang = ctx.lang;
    if signer_signatures(pdf).next().is_none() {
        let (vi, en) = if pdf.signatures.is_empty() {
            ("Tệp PDF không có chữ ký số nào.".to_string(), "The PDF carries no digital signature.".to_string())
        } else {
            (
                "Tệp PDF không có chữ ký số của người ký (chỉ có dấu thời gian hoặc chữ ký quyền sử dụng).".to_string(),
                "The PDF has no signer's signature (only a timestamp or a usage-rights signature).".to_string(),
            )
        };
        out.push(ctx.finding(Code::KC101, vi, en));
        return;
    }
    for sig in signer_signatures(pdf) {
        let who = format!("'{}' ({})", sig.field.as_deref().unwrap_or("?"), words::signer(sig, lang));
        if let Some(why) = not_verifiable(sig) {
            // Not proven broken: KC102 is only for signatures that verifiably fail.
            let why = words::problem(why, lang);
            out.push(ctx.finding(
                Code::KC108,
                format!("Không kiểm tra được chữ ký {who}: {why}."),
                format!("Signature {who} could not be verified: {why}."),
            ));
            continue;
        }
        if !sig.intact || !sig.valid {
            let why = reasons(sig, lang, |p| {
                !matches!(p, SignatureProblem::Untrusted(_) | SignatureProblem::PartialCoverage)
            });
            out.push(
                ctx.finding(
                    Code::KC102,
                    format!("Chữ ký {who} không hợp lệ: {why}."),
                    format!("Signature {who} is not valid: {why}."),
                )
                .excerpt(words::signer(sig, lang)),
            );
            continue;
        }
        if sig.certificate_valid_at_signing() == Some(false) {
            out.push(expired(ctx, sig, &who));
        }
        if let Some(revoked) = sig.problems.iter().find(|p| matches!(p, SignatureProblem::Revoked { .. })) {
            let why = words::problem(revoked, lang);
            out.push(ctx.finding(
                Code::KC104,
                format!("Chữ ký {who} được ký bằng chứng thư số đã bị thu hồi: {why}."),
                format!("Signature {who} was made with a revoked certificate: {why}."),
            ));
        }
        if !sig.trusted && sig.signer.is_some() {
            let untrusted: Vec<_> =
                sig.problems.iter().filter(|p| matches!(p, SignatureProblem::Untrusted(_))).collect();
            if !untrusted.is_empty() {
                let why = untrusted.iter().map(|p| words::problem(p, lang)).collect::<Vec<_>>().join("; ");
                out.push(
                    ctx.finding(
                        Code::KC105,
                        format!("Chữ ký {who} không dẫn tới chứng thư gốc tin cậy: {why}."),
                        format!("Signature {who} does not chain to a trust anchor: {why}."),
                    )
                    .excerpt(sig.issuer.clone().unwrap_or_default()),
                );
            }
        }
        if let Some(weakness) = weakness(sig) {
            out.push(ctx.finding(
                Code::KC106,
                format!("Chữ ký {who} dùng thuật toán yếu: {}.", weakness.0),
                format!("Signature {who} uses a weak algorithm: {}.", weakness.1),
            ));
        }
    }
    if let Some(sig) = signer_signatures(pdf).filter(|s| modified_after_signing(s)).last() {
        out.push(modified(ctx, sig));
    }
    signer_not_issuer(ctx, pdf, out);
}

/// KC107: no signer's organisation names the body printed as the issuer. One matching signature is
/// enough (the leader signs personally, the office seal carries the organisation).
fn signer_not_issuer(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) {
    if !pdf.layer_readable() {
        return; // the issuer printed in the header cannot be read (an OCR reading may misspell it)
    }
    let verdicts: Vec<(bool, &SignatureFacts)> = signer_signatures(pdf)
        .filter(|s| s.intact && s.valid)
        .filter_map(|s| Some((names_issuer(&pdf.header.issuer, s.signer_organization.as_deref()?)?, s)))
        .collect();
    if verdicts.is_empty() || verdicts.iter().any(|(same, _)| *same) {
        return;
    }
    let printed = pdf.header.issuer.join(" / ");
    let organizations: Vec<&str> = verdicts.iter().filter_map(|(_, s)| s.signer_organization.as_deref()).collect();
    let organizations = organizations.join("; ");
    out.push(
        ctx.finding(
            Code::KC107,
            format!("Cơ quan ký số ({organizations}) không phải cơ quan ban hành ghi ở đầu văn bản ({printed})."),
            format!("The signing organisation ({organizations}) is not the issuing body in the header ({printed})."),
        )
        .page(Some(pdf.header_page))
        .excerpt(organizations),
    );
}

fn reasons(sig: &SignatureFacts, lang: Lang, keep: impl Fn(&SignatureProblem) -> bool) -> String {
    let texts: Vec<String> = sig.problems.iter().filter(|p| keep(p)).map(|p| words::problem(p, lang)).collect();
    if texts.is_empty() {
        lang.pick("không xác minh được", "it does not verify").to_string()
    } else {
        texts.join("; ")
    }
}

fn expired(ctx: &FileContext, sig: &SignatureFacts, who: &str) -> Finding {
    let lang = ctx.lang;
    let time = sig.signing_time.map(|t| words::local_time(t, lang)).unwrap_or_default();
    let range = format!(
        "{} → {}",
        sig.certificate_not_before.map(|t| words::local_time(t, lang)).unwrap_or_default(),
        sig.certificate_not_after.map(|t| words::local_time(t, lang)).unwrap_or_default()
    );
    // The excerpt keeps its exact, zone-marked form (scripts read it from the JSON).
    let excerpt = format!(
        "{} → {}",
        sig.certificate_not_before.map(words::vn_time).unwrap_or_default(),
        sig.certificate_not_after.map(words::vn_time).unwrap_or_default()
    );
    let source = words::time_source(sig.signing_time_source, ctx.lang);
    ctx.finding(
        Code::KC104,
        format!("Chứng thư số của chữ ký {who} không còn/chưa có hiệu lực lúc ký {time} (theo {source}); hiệu lực: {range}."),
        format!("The certificate of signature {who} was not valid when it signed at {time} (according to {source}); validity: {range}."),
    )
    .excerpt(excerpt)
}

fn modified(ctx: &FileContext, sig: &SignatureFacts) -> Finding {
    let lang = ctx.lang;
    let who = format!("'{}' ({})", sig.field.as_deref().unwrap_or("?"), words::signer(sig, lang));
    let mut what: Vec<String> = Vec::new();
    for later in sig.later_revisions.iter().filter(|r| r.level >= ModificationLevel::Annotations) {
        let mut kinds: Vec<&str> = Vec::new();
        for change in later.changes.iter().filter(|c| c.level >= ModificationLevel::Annotations) {
            let word = words::change(change.kind, lang);
            if !kinds.contains(&word) {
                kinds.push(word);
            }
        }
        what.push(format!("{} {}: {}", lang.pick("phiên bản", "revision"), later.revision, kinds.join(", ")));
    }
    if what.is_empty() {
        what.push(words::coverage(sig.coverage, lang).to_string());
    }
    let what = what.join("; ");
    ctx.finding(
        Code::KC103,
        format!("Tệp bị sửa sau khi ký (chữ ký {who}): {what}."),
        format!("The file was changed after signature {who}: {what}."),
    )
    .excerpt(what)
}

/// SHA-1 anywhere in the signature, RSA under 2048 bits, or an elliptic curve under 256 bits.
fn weakness(sig: &SignatureFacts) -> Option<(String, String)> {
    let sha1 = sig.digest_algorithm.as_deref() == Some("sha1")
        || sig.signature_algorithm.as_deref().is_some_and(|a| a.to_ascii_lowercase().contains("sha1"));
    let short_rsa = sig.key_algorithm.as_deref() == Some("RSA") && sig.key_bits.is_some_and(|b| b < 2048);
    let mut vi = Vec::new();
    let mut en = Vec::new();
    if sha1 {
        vi.push("băm SHA-1".to_string());
        en.push("SHA-1 digest".to_string());
    }
    if short_rsa {
        let bits = sig.key_bits.unwrap_or_default();
        vi.push(format!("khóa RSA {bits} bit (< 2048)"));
        en.push(format!("RSA {bits}-bit key (< 2048)"));
    }
    (!vi.is_empty()).then(|| (vi.join(", "), en.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(organization: &str, level: ModificationLevel) -> SignatureFacts {
        let mut sig = SignatureFacts::new(Some("ChuKy".into()), SignatureKind::Signature, None);
        (sig.intact, sig.valid, sig.trusted) = (true, true, true);
        sig.signer_organization = Some(organization.into());
        sig.modification_level = level;
        sig
    }

    fn codes(header: &str, signatures: Vec<SignatureFacts>) -> Vec<&'static str> {
        crate::checks::test_support::codes_of(check, header, signatures)
    }

    #[test]
    fn a_signature_that_cannot_be_verified_is_kc108_never_kc102() {
        let mut unsupported = signature("UBND xã Phấn Mễ", ModificationLevel::None);
        (unsupported.intact, unsupported.valid) = (false, false);
        unsupported.problems.push(SignatureProblem::Unsupported(
            crate::facts::signature::crypto::Unsupported::KeyAlgorithm("GOST R 34.10".into()),
        ));
        assert_eq!(codes(HEADER, vec![unsupported.clone()]), ["KC108"]);
        let mut broken = unsupported;
        broken.problems.push(SignatureProblem::DigestMismatch);
        assert_eq!(codes(HEADER, vec![broken]), ["KC102"], "a digest that fails proves it broken");
    }

    const HEADER: &str = "ỦY BAN NHÂN DÂN\nXÃ PHẤN MỄ\nSố: 12/KH-UBND\nPhấn Mễ, ngày 05 tháng 3 năm 2023";

    #[test]
    fn another_organisation_signing_is_kc107_unless_one_signature_matches() {
        assert_eq!(codes(HEADER, vec![signature("Ủy ban nhân dân xã Đồng Tâm", ModificationLevel::None)]), ["KC107"]);
        assert!(codes(HEADER, vec![signature("Ủy ban nhân dân xã Phấn Mễ", ModificationLevel::None)]).is_empty());
        let leader_then_seal = vec![
            signature("Văn phòng HĐND và UBND", ModificationLevel::FormFilling),
            signature("UBND xã Phấn Mễ", ModificationLevel::None),
        ];
        assert!(codes(HEADER, leader_then_seal).is_empty());
    }

    #[test]
    fn later_revisions_flag_kc103_only_beyond_form_filling() {
        for (level, flagged) in [
            (ModificationLevel::LtaUpdates, false),
            (ModificationLevel::FormFilling, false),
            (ModificationLevel::Annotations, true),
            (ModificationLevel::Other, true),
        ] {
            let found = codes(HEADER, vec![signature("UBND xã Phấn Mễ", level)]);
            assert_eq!(found.contains(&"KC103"), flagged, "{level:?}");
        }
    }

    #[test]
    fn a_document_timestamp_alone_is_unsigned() {
        let mut stamp = signature("TSA", ModificationLevel::None);
        stamp.kind = SignatureKind::DocumentTimestamp;
        assert_eq!(codes(HEADER, vec![stamp]), ["KC101"]);
    }
}
