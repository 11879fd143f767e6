//! Hostile signature cases, each with a verdict and no panic: byte ranges that lie, bytes after the
//! last `%%EOF`, `/Contents` that is not CMS or is huge. Made from the demo's signed PDF by this
//! test's own byte edits (offsets never move: the `/ByteRange` text is rewritten in place).

use kiemchung::checks::signature::modified_after_signing;
use kiemchung::facts::signature::revision::Coverage;
use kiemchung::facts::signature::{SignatureFacts, SignatureProblem};
use kiemchung::facts::{facts_from_bytes, Budget, Outcome};
use std::time::{Duration, Instant};

#[path = "common/demo_signed.rs"]
mod demo_signed;
use demo_signed::{original, trust};

/// The signatures of `bytes`, and how long reading them took.
fn signatures(bytes: &[u8]) -> (Vec<SignatureFacts>, Duration) {
    let started = Instant::now();
    let facts = facts_from_bytes(bytes, "pdf", &Budget::default(), &trust(), started);
    assert_eq!(facts.outcome, Outcome::Ok, "the file still parses");
    (facts.pdf.unwrap().signatures, started.elapsed())
}

/// Where the `[...]` of the (only) `/ByteRange` is, and its four numbers.
fn byte_range(bytes: &[u8]) -> (usize, usize, Vec<i64>) {
    let key = bytes.windows(10).position(|w| w == b"/ByteRange").unwrap();
    let open = key + bytes[key..].iter().position(|&b| b == b'[').unwrap();
    let close = open + bytes[open..].iter().position(|&b| b == b']').unwrap();
    let numbers =
        String::from_utf8_lossy(&bytes[open + 1..close]).split_whitespace().map(|n| n.parse().unwrap()).collect();
    (open, close, numbers)
}

fn with_byte_range(bytes: &[u8], numbers: &[i64]) -> Vec<u8> {
    let (open, close, _) = byte_range(bytes);
    let text = numbers.iter().map(i64::to_string).collect::<Vec<_>>().join(" ");
    let width = close - open - 1;
    assert!(text.len() <= width, "new /ByteRange fits in place");
    let mut out = bytes.to_vec();
    out[open + 1..close].copy_from_slice(format!("{text:<width$}").as_bytes());
    out
}

fn last_signature(bytes: &[u8]) -> SignatureFacts {
    signatures(bytes).0.pop().expect("a signature")
}

#[test]
fn the_untouched_file_is_intact_valid_trusted_and_whole() {
    let sig = last_signature(&original());
    assert!(sig.intact && sig.valid && sig.trusted, "{:?}", sig.problems);
    assert_eq!(sig.coverage, Coverage::EntireFile);
    assert!(!modified_after_signing(&sig));
}

#[test]
fn a_gap_that_is_not_the_hex_string_is_unclear_and_modified() {
    let bytes = original();
    let (_, _, r) = byte_range(&bytes);
    let sig = last_signature(&with_byte_range(&bytes, &[r[0], r[1], r[2] + 20, r[3] - 20]));
    assert_eq!(sig.coverage, Coverage::Unclear);
    assert!(!sig.intact, "the signed /ByteRange text was rewritten, and 20 signed bytes are skipped");
    assert!(sig.valid, "the signature over the signed attributes still verifies");
    assert!(modified_after_signing(&sig));
}

#[test]
fn overlapping_ranges_do_not_verify() {
    let bytes = original();
    let (_, _, r) = byte_range(&bytes);
    let sig = last_signature(&with_byte_range(&bytes, &[r[0], r[1], r[1] - 100, r[3] + 100 + (r[2] - r[1])]));
    assert_eq!(sig.coverage, Coverage::Unclear);
    assert!(!sig.intact);
    assert!(modified_after_signing(&sig));
}

#[test]
fn ranges_out_of_the_file_are_read_short_and_flagged() {
    let bytes = original();
    let (_, _, r) = byte_range(&bytes);
    let sig = last_signature(&with_byte_range(&bytes, &[r[0], r[1], r[2], r[3] + 1000]));
    assert_eq!(sig.coverage, Coverage::ContiguousBlockFromStart);
    assert!(sig.problems.iter().any(|p| matches!(p, SignatureProblem::ByteRange(_))), "{:?}", sig.problems);
    // The /ByteRange text is itself signed: rewriting it after signing breaks the digest.
    assert!(!sig.intact, "{:?}", sig.problems);
    assert!(sig.valid, "the signature over the signed attributes still verifies");
    assert!(modified_after_signing(&sig), "a range claiming missing bytes is not a whole revision");
    let sig = last_signature(&with_byte_range(&bytes, &[r[0], r[1], 99_999_999, 5]));
    assert!(!sig.intact);
    let sig = last_signature(&with_byte_range(&bytes, &[0, -5, r[2], r[3]]));
    assert!(!sig.intact && sig.coverage == Coverage::Unclear, "{:?} {:?}", sig.coverage, sig.problems);
}

#[test]
fn trailing_bytes_after_the_last_eof_are_not_a_change() {
    let mut bytes = original();
    bytes.extend_from_slice(b"\n% trailing garbage that no reader treats as a revision\n\x00\x01\x02");
    let sig = last_signature(&bytes);
    assert_eq!(sig.coverage, Coverage::EntireRevision);
    assert!(sig.intact && sig.valid);
    assert!(sig.later_revisions.is_empty());
    assert!(!modified_after_signing(&sig));
}

#[test]
fn contents_that_are_not_cms_are_invalid() {
    let mut bytes = original();
    let (_, _, r) = byte_range(&bytes);
    let hex_start = r[1] as usize + 1;
    let hex_end = r[2] as usize - 1;
    let text: Vec<u8> = b"this is not a CMS structure".iter().flat_map(|b| format!("{b:02X}").into_bytes()).collect();
    bytes[hex_start..hex_end].fill(b'0');
    bytes[hex_start..hex_start + text.len()].copy_from_slice(&text);
    // The replaced /Contents sits in the gap, so the signed bytes are unchanged.
    let sig = last_signature(&bytes);
    assert!(!sig.intact && !sig.valid);
    assert!(sig.problems.iter().any(|p| matches!(p, SignatureProblem::NotCms(_))), "{:?}", sig.problems);
    assert_eq!(sig.coverage, Coverage::EntireFile);
}

/// A hand-made one-page PDF with a signature dictionary whose `/Contents` is 16 MB of zeros.
#[test]
fn a_16_mb_contents_is_read_within_budget() {
    let contents_len = 16 * 1024 * 1024;
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>".to_string(),
        "<< /FT /Sig /T (Sig1) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /V 5 0 R >>".to_string(),
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    offsets.push(pdf.len());
    pdf.extend_from_slice(
        b"5 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [",
    );
    let range_at = pdf.len();
    pdf.extend_from_slice(&[b' '; 40]);
    pdf.extend_from_slice(b"] /Contents ");
    let gap_start = pdf.len();
    pdf.push(b'<');
    pdf.extend(std::iter::repeat_n(b'0', 2 * contents_len));
    pdf.push(b'>');
    let gap_end = pdf.len();
    pdf.extend_from_slice(b" >>\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for offset in &offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    let range = format!("0 {gap_start} {gap_end} {}", pdf.len() - gap_end);
    pdf[range_at..range_at + range.len()].copy_from_slice(range.as_bytes());

    let (mut sigs, took) = signatures(&pdf);
    let sig = sigs.pop().unwrap();
    assert_eq!(sig.coverage, Coverage::EntireFile);
    assert!(!sig.intact && !sig.valid);
    assert!(sig.problems.iter().any(|p| matches!(p, SignatureProblem::NotCms(_))), "{:?}", sig.problems);
    assert!(took < Budget::default().deadline, "read in {took:?}");
}
