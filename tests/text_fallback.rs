//! Fonts with their own character codes (1, 2, 3…) and an `/Encoding` whose `/Differences` name
//! the glyphs `g1`, `g2`… (names no glyph list knows, as Type 3 fonts of the peer corpus do). With a
//! ToUnicode CMap our reader decodes them directly (the PDF's order: ToUnicode before the
//! encoding); without one nobody can, and the page is read again with pdf-extract, which cannot
//! either: no number or date comes out of it.

use kiemchung::facts::pdf::PdfFacts;
use kiemchung::facts::signature::TrustStore;
use kiemchung::facts::{facts_from_bytes, Budget, Outcome};
mod common;

use common::one_page_pdf;
use lopdf::{dictionary, Document, Stream};

/// Each distinct character gets the next code; only the ToUnicode CMap says which character it is.
fn subset_font_pdf(lines: &[&str]) -> Vec<u8> {
    subset_font(lines, true)
}

/// The subset font, with or without the `/Differences` that hide the ToUnicode map from lopdf.
fn subset_font(lines: &[&str], glyph_names: bool) -> Vec<u8> {
    let mut alphabet: Vec<char> = Vec::new();
    let encoded: Vec<Vec<u8>> = lines
        .iter()
        .map(|line| {
            line.chars()
                .map(|c| {
                    let code = alphabet.iter().position(|&known| known == c).unwrap_or_else(|| {
                        alphabet.push(c);
                        alphabet.len() - 1
                    });
                    (code + 1) as u8
                })
                .collect()
        })
        .collect();
    assert!(alphabet.len() < 255, "one-byte codes only");
    let mut cmap = String::from(
        "/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo<<\n/Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n",
    );
    cmap.push_str(&format!("{} beginbfchar\n", alphabet.len()));
    for (i, c) in alphabet.iter().enumerate() {
        cmap.push_str(&format!("<{:02X}> <{:04X}>\n", i + 1, *c as u32));
    }
    cmap.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap define resource pop\nend\nend\n");
    let font = |doc: &mut Document| {
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
        let mut differences: Vec<lopdf::Object> = vec![1.into()];
        differences.extend((1..=alphabet.len()).map(|code| lopdf::Object::Name(format!("g{code}").into_bytes())));
        let encoding = dictionary! { "Type" => "Encoding", "Differences" => differences };
        let mut font = dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "ToUnicode" => to_unicode,
        };
        if glyph_names {
            font.set("Encoding", encoding);
        }
        font
    };
    one_page_pdf(font, encoded)
}

fn winansi_pdf(lines: &[&str]) -> Vec<u8> {
    let font = |_: &mut Document| {
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
    };
    one_page_pdf(font, lines.iter().map(|line| line.as_bytes().to_vec()).collect())
}

fn pdf_facts(bytes: &[u8]) -> PdfFacts {
    let facts = facts_from_bytes(bytes, "pdf", &Budget::default(), &TrustStore::empty(), std::time::Instant::now());
    assert_eq!(facts.outcome, Outcome::Ok);
    facts.pdf.unwrap()
}

#[test]
fn unknown_glyph_names_are_read_through_the_to_unicode_map() {
    let pdf = pdf_facts(&subset_font_pdf(&[
        "ỦY BAN NHÂN DÂN XÃ PHẤN MỄ",
        "Số: 271/BC-UBND",
        "Phấn Mễ, ngày 13 tháng 11 năm 2023",
        "BÁO CÁO",
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Công tác chỉ đạo",
    ]));
    assert_eq!(pdf.text_fallback, None, "read directly, no second reader");
    assert_eq!(pdf.header.number.as_ref().map(|n| n.value.as_str()), Some("271/BC-UBND"));
    assert_eq!(pdf.header.date.date(), Some(jiff::civil::date(2023, 11, 13)));
    assert_eq!(pdf.outline.paths(), ["I", "I.1"]);
}

#[test]
fn a_font_nobody_can_decode_calls_the_fallback_and_stays_unread() {
    let lines = ["UY BAN NHAN DAN XA A", "So: 271/BC-UBND", "A, ngay 13 thang 11 nam 2023"];
    let pdf = pdf_facts(&winansi_pdf(&lines));
    assert_eq!(pdf.text_fallback, None);
    assert_eq!(pdf.header.number.as_ref().map(|n| n.value.as_str()), Some("271/BC-UBND"));
    // The same lines in the subset font without its ToUnicode map: no reader knows `g1`, `g2`.
    let unread = pdf_facts(&subset_font_without_map(&lines));
    assert!(unread.text_fallback.is_some(), "the second reader was tried");
    assert!(unread.header.number.is_none(), "nothing real is read from it: {:?}", unread.header.number);
}

/// The subset font with `/Differences` glyph names and no ToUnicode map at all.
fn subset_font_without_map(lines: &[&str]) -> Vec<u8> {
    let bytes = subset_font(lines, true);
    let mut doc = Document::load_mem(&bytes).unwrap();
    for object in doc.objects.values_mut() {
        if let Ok(dict) = object.as_dict_mut() {
            dict.remove(b"ToUnicode");
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_compact_cmap_lopdf_would_reject_is_read_directly() {
    // `/CIDInit/ProcSet` without a space and `define resource`: lopdf's CMap parser refuses the
    // whole map (as it does in files of the peer corpus); ours reads the mappings.
    let pdf = pdf_facts(&subset_font(&["Số: 271/BC-UBND", "Phấn Mễ, ngày 13 tháng 11 năm 2023"], false));
    assert_eq!(pdf.text_fallback, None);
    assert_eq!(pdf.header.number.as_ref().map(|n| n.value.as_str()), Some("271/BC-UBND"));
    assert_eq!(pdf.header.date.date(), Some(jiff::civil::date(2023, 11, 13)));
}
