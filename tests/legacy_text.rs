//! A PDF typed with a TCVN3 font (`.VnTime`), made here with lopdf: its text is converted to Unicode
//! before the header is read, and the file is flagged KC606.

use kiemchung::facts::signature::TrustStore;
use kiemchung::facts::{facts_from_bytes, Budget, Outcome};
use kiemchung::vn::legacy::Legacy;
mod common;

use lopdf::dictionary;

/// A one-page PDF whose lines are shown, as raw bytes, with `font` (a WinAnsi Type1 font).
fn pdf_with_lines(font: &str, lines: &[Vec<u8>]) -> Vec<u8> {
    let font = |_: &mut lopdf::Document| {
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => font, "Encoding" => "WinAnsiEncoding" }
    };
    common::one_page_pdf(font, lines.to_vec())
}

#[test]
fn a_tcvn3_document_is_converted_and_flagged() {
    // TCVN3 bytes (TCVN 5712:1993): è = ố, § = Đ, µ = à, é = ộ, ¸ = á, ¨ = ă, ¢ = Â.
    let lines = vec![
        b"UBND X\xa2 A".to_vec(),
        b"S\xe8: 15/Q\xa7-UBND".to_vec(),
        b"H\xb5 N\xe9i, ng\xb5y 05 th\xb8ng 3 n\xa8m 2023".to_vec(),
    ];
    let bytes = pdf_with_lines("ABCDEF+.VnTime", &lines);
    let facts = facts_from_bytes(&bytes, "pdf", &Budget::default(), &TrustStore::empty(), std::time::Instant::now());
    assert_eq!(facts.outcome, Outcome::Ok);
    let pdf = facts.pdf.unwrap();
    assert_eq!(pdf.legacy_encoding, Some(Legacy::Tcvn3));
    assert_eq!(pdf.header.number.as_ref().map(|n| n.value.as_str()), Some("15/QĐ-UBND"));
    assert_eq!(pdf.header.date.date(), Some(jiff::civil::date(2023, 3, 5)));
    assert!(pdf.sample.contains("Hà Nội, ngày 05 tháng 3 năm 2023"), "{}", pdf.sample);
}

#[test]
fn a_unicode_document_is_not_flagged() {
    let bytes = pdf_with_lines("Helvetica", &[b"So: 15/QD-UBND".to_vec()]);
    let facts = facts_from_bytes(&bytes, "pdf", &Budget::default(), &TrustStore::empty(), std::time::Instant::now());
    assert_eq!(facts.pdf.unwrap().legacy_encoding, None);
}

#[test]
fn a_vni_document_is_converted_and_flagged() {
    let latin1 = |text: &str| -> Vec<u8> { text.chars().map(|c| c as u8).collect() };
    let lines = vec![latin1("UBND XAÕ A"), latin1("Soá: 16/KH-UBND"), latin1("Haø Noäi, ngaøy 12 thaùng 11 naêm 2023")];
    let bytes = pdf_with_lines("VNI-Times", &lines);
    let facts = facts_from_bytes(&bytes, "pdf", &Budget::default(), &TrustStore::empty(), std::time::Instant::now());
    let pdf = facts.pdf.unwrap();
    assert_eq!(pdf.legacy_encoding, Some(Legacy::Vni));
    assert_eq!(pdf.header.number.as_ref().map(|n| n.value.as_str()), Some("16/KH-UBND"));
    assert_eq!(pdf.header.date.date(), Some(jiff::civil::date(2023, 11, 12)));
}

#[test]
fn a_tcvn3_font_with_an_uninformative_name_is_recognised_by_its_bytes() {
    // A printer driver renamed the font (`TT1`): only the bytes say it is TCVN3.
    let lines = vec![
        b"UBND X\xa2 A".to_vec(),
        b"S\xe8: 15/Q\xa7-UBND".to_vec(),
        b"H\xb5 N\xe9i, ng\xb5y 05 th\xb8ng 3 n\xa8m 2023".to_vec(),
    ];
    let bytes = pdf_with_lines("ABCDEF+TT1", &lines);
    let facts = facts_from_bytes(&bytes, "pdf", &Budget::default(), &TrustStore::empty(), std::time::Instant::now());
    let pdf = facts.pdf.unwrap();
    assert_eq!(pdf.legacy_encoding, Some(Legacy::Tcvn3));
    assert_eq!(pdf.header.number.as_ref().map(|n| n.value.as_str()), Some("15/QĐ-UBND"));
    assert_eq!(pdf.header.date.date(), Some(jiff::civil::date(2023, 3, 5)));
}
