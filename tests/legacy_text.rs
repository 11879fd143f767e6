//! A PDF typed with a TCVN3 font (`.VnTime`), made here with lopdf: its text is converted to Unicode
//! before the header is read, and the file is flagged KC606.

use kiemchung::facts::signature::TrustStore;
use kiemchung::facts::{facts_from_bytes, Budget, Outcome};
use kiemchung::vn::legacy::Legacy;
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

/// A one-page PDF whose lines are shown, as raw bytes, with `font`.
fn pdf_with_lines(font: &str, lines: &[Vec<u8>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => font, "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut operations = vec![Operation::new("BT", vec![]), Operation::new("Tf", vec!["F1".into(), 12.into()])];
    for (i, line) in lines.iter().enumerate() {
        operations.push(Operation::new(
            "Tm",
            vec![1.into(), 0.into(), 0.into(), 1.into(), 50.into(), (800 - 20 * i as i64).into()],
        ));
        operations.push(Operation::new("Tj", vec![Object::String(line.clone(), lopdf::StringFormat::Literal)]));
    }
    operations.push(Operation::new("ET", vec![]));
    let content_id = doc.add_object(Stream::new(dictionary! {}, Content { operations }.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
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
