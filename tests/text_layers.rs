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
