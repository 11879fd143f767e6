//! Documents whose text cannot be judged: a PDF whose end is lost (KC601, never "unsigned"), and
//! office documents printed to PDF through PostScript (`gs -sDEVICE=ps2write`, then `ps2pdf`, as
//! many PDF printer drivers do), whose layer keeps its look but decodes to garbage: KC607 and no
//! zero-severity number/date/citation finding the document does not deserve.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const DEMO_EVIDENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/ubnd-xa-demo/evidence");
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");

fn check(paths: &[&Path]) -> Value {
    check_with(paths, &[])
}

fn check_with(paths: &[&Path], extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--no-cache", "--format", "json", "--year", "2023", "--trust", TRUST])
        .args(extra)
        .args(paths)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn codes(report: &Value, file: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().is_some_and(|p| p.ends_with(file)))
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_pdf_whose_end_is_lost_is_unreadable_never_unsigned() {
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(Path::new(DEMO_EVIDENCE).join("1.2/BC_271_13112023.pdf")).unwrap();
    let cut = dir.path().join("bao-cao-cat.pdf");
    std::fs::write(&cut, &whole[..whole.len() * 7 / 10]).unwrap();
    let report = check(&[&cut]);
    assert_eq!(codes(&report, "bao-cao-cat.pdf"), ["KC601"]);
    let file = &report["files"][0];
    assert_eq!(file["status"], "unreadable");
    assert!(file["problem"].as_str().unwrap().contains("bị cắt cụt"), "in the report's language: {file}");
    assert_eq!(file["not_judged"][0]["code"], "KC101");
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("cắt cụt") && message.contains("chữ ký số"), "{message}");
}

fn print_through_postscript(pdf: &Path, out: &Path) -> bool {
    let ps = out.with_extension("ps");
    let to_ps = Command::new("gs")
        .args(["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=ps2write"])
        .arg(format!("-sOutputFile={}", ps.display()))
        .arg(pdf)
        .status();
    to_ps.is_ok_and(|s| s.success()) && Command::new("ps2pdf").arg(&ps).arg(out).status().is_ok_and(|s| s.success())
}

#[test]
fn documents_printed_to_pdf_through_postscript_get_kc607_and_no_false_zero() {
    if !Command::new("gs").arg("--version").output().is_ok_and(|o| o.status.success()) {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("Ghostscript (gs, ps2pdf) is required in CI for this test");
        }
        eprintln!("\n*** NOT RUN: Ghostscript (gs) is not installed ***\n");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Well-formed documents of the demo: printed, they keep their number and date on the page.
    let sources = [
        "1.2/BC_271_13112023.pdf",
        "2.2.2/theo-doi-tinh-hinh-thi-hanh-phap-luat-nam-2023.pdf",
        "6.2/239-bc-ubnd-ket-qua-thuc-hien-cong-khai-ngan-sach-nam-2023.pdf",
        "7.2.2/276-bc-ubnd-ket-qua-ung-dung-cong-nghe-thong-tin-chuyen-doi.pdf",
    ];
    let mut printed = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let out = dir.path().join(format!("in-{i}.pdf"));
        assert!(print_through_postscript(&Path::new(DEMO_EVIDENCE).join(source), &out), "printing {source}");
        printed.push(out);
    }
    let paths: Vec<&Path> = printed.iter().map(|p| p.as_path()).collect();
    let originals: Vec<std::path::PathBuf> = sources.iter().map(|s| Path::new(DEMO_EVIDENCE).join(s)).collect();
    let original_paths: Vec<&Path> = originals.iter().map(|p| p.as_path()).collect();
    let truth = check(&original_paths);
    // Without OCR: KC607, nothing judged from the layer, and it says so.
    let without = check_with(&paths, &["--no-ocr"]);
    for i in 0..sources.len() {
        let found = codes(&without, &format!("in-{i}.pdf"));
        assert!(found.contains(&"KC607".to_string()), "in-{i}.pdf: {found:?}");
        assert_no_text_zero(&without, i);
        let file = file(&without, &format!("in-{i}.pdf"));
        assert!(file["not_judged"].as_array().unwrap().iter().any(|n| n["code"] == "KC201"), "{file}");
        assert_eq!(file["text_source"], "text-layer");
    }
    // With OCR (required in CI): read from the page images, numbers and dates as printed.
    if !Command::new("tesseract").arg("--version").output().is_ok_and(|o| o.status.success()) {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("Tesseract is required in CI for this test");
        }
        return;
    }
    let with = check(&paths);
    let mut right = 0;
    for (i, source) in sources.iter().enumerate() {
        assert!(codes(&with, &format!("in-{i}.pdf")).contains(&"KC607".to_string()));
        assert_no_text_zero(&with, i);
        let printed = file(&with, &format!("in-{i}.pdf"));
        let original = file(&truth, source.rsplit('/').next().unwrap());
        assert_eq!(printed["text_source"], "ocr", "{printed}");
        right +=
            usize::from(printed["number"] == original["number"]) + usize::from(printed["date"] == original["date"]);
    }
    assert!(right * 10 >= sources.len() * 2 * 9, "{right} of {} numbers and dates read right", sources.len() * 2);
}

fn file<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["files"].as_array().unwrap().iter().find(|f| f["path"].as_str().unwrap().ends_with(suffix)).unwrap()
}

/// No zero-severity number, date or citation finding on a printed document.
fn assert_no_text_zero(report: &Value, i: usize) {
    let name = format!("in-{i}.pdf");
    for finding in report["findings"].as_array().unwrap() {
        let text_rule =
            ["KC2", "KC3", "KC4"].iter().any(|family| finding["code"].as_str().unwrap().starts_with(family));
        let here = finding["file"].as_str().is_some_and(|p| p.ends_with(&name));
        assert!(!(here && text_rule && finding["severity"] == "zero"), "{name}: {finding}");
    }
}
