//! Conformance of the text layer: on every PDF of `../shared/corpus` whose text is page content,
//! `kiemchung inspect --text` reads at least 98% of the Vietnamese letters poppler's `pdftotext`
//! reads (`tests/tools/letters_vs_pdftotext.py`). Fonts without ToUnicode (glyph names, the font
//! program's tables), partial ToUnicode maps and annotation appearances are what this holds to.
//! Required under CI=true (poppler-utils is a test dependency).

use std::path::{Path, PathBuf};
use std::process::Command;

fn pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pdfs(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(path);
        }
    }
}

#[test]
fn every_text_layer_of_the_shared_corpus_reads_as_poppler_reads_it() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let ready = corpus.is_dir() && Command::new("pdftotext").arg("-v").output().is_ok_and(|o| o.status.success());
    if !ready {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("text-layer conformance is required in CI: ../shared/corpus or pdftotext (poppler-utils) missing");
        }
        eprintln!("\n*** TEXT-LAYER CONFORMANCE NOT RUN: ../shared/corpus or pdftotext missing ***\n");
        return;
    }
    let mut files = Vec::new();
    for part in ["peer", "vn-real", "synthetic-mini"] {
        pdfs(&corpus.join(part), &mut files);
    }
    files.sort();
    assert!(files.len() > 250, "the shared corpus holds {} PDFs", files.len());
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/letters_vs_pdftotext.py"))
        .arg(env!("CARGO_BIN_EXE_kiemchung"))
        .args(&files)
        .args(["--min", "0.98"])
        .output()
        .expect("python3 runs the comparison");
    let table = String::from_utf8_lossy(&out.stdout);
    let summary = table.lines().last().unwrap_or_default();
    println!("{summary}");
    assert!(
        out.status.success(),
        "below 98% of pdftotext's letters:\n{}\n{summary}",
        table.lines().filter(|l| l.starts_with("BELOW")).collect::<Vec<_>>().join("\n")
    );
    // The real VAT return (fonts without ToUnicode) must be among the PDFs judged.
    let vat = table.lines().find(|l| l.contains("tokhai-gtgt")).expect("the VAT return is compared");
    let share: f64 = vat.split_whitespace().next().unwrap().parse().unwrap();
    assert!(share >= 0.98, "{vat}");
}

/// A bare CFF program (Type1C, `FontFile3`) is read through its charset and encoding: the real VAT
/// return embeds Helvetica that way.
#[test]
fn a_cff_font_program_is_read_through_its_charset() {
    let vat =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/vn-real/tokhai-gtgt-2013-01-sieuviet-ca2.pdf");
    if !vat.is_file() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("../shared/corpus/vn-real is required in CI");
        }
        return;
    }
    let doc = lopdf::Document::load(&vat).unwrap();
    let cff_fonts: Vec<&lopdf::Dictionary> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type1".as_slice()))
        .filter(|d| {
            let descriptor = d.get(b"FontDescriptor").and_then(|r| r.as_reference()).ok();
            descriptor.and_then(|id| doc.get_dictionary(id).ok()).is_some_and(|fd| fd.get(b"FontFile3").is_ok())
        })
        .collect();
    assert!(!cff_fonts.is_empty(), "the VAT return embeds Type1C fonts");
    for font in cff_fonts {
        let program = kiemchung::facts::glyphs::FontProgram::of(&doc, font, 1 << 24).expect("the CFF program parses");
        // Its own (standard) encoding sends each ASCII letter's code to the glyph of that name.
        let letters: Vec<(u8, &str)> =
            (b'A'..=b'z').filter(u8::is_ascii_alphabetic).filter_map(|c| Some((c, program.code(c)?))).collect();
        assert!(!letters.is_empty(), "{:?}: no letter read", font.get(b"BaseFont"));
        for (code, text) in letters {
            assert_eq!(text, (code as char).to_string(), "{:?}", font.get(b"BaseFont"));
        }
    }
}
