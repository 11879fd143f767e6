//! Parser budgets: a PDF over a limit gets an over-budget outcome naming the limit, and the run goes on.

mod common;

use kiemchung::facts::signature::TrustStore;
use kiemchung::facts::{facts_from_bytes, Budget, Outcome};
use lopdf::{dictionary, Object};

fn pdf_with_objects(extra: usize) -> Vec<u8> {
    let font = |doc: &mut lopdf::Document| {
        for i in 0..extra {
            doc.add_object(Object::Integer(i as i64));
        }
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
    };
    common::one_page_pdf(font, vec![b"So: 1/KH-UBND".to_vec()])
}

fn outcome(bytes: &[u8], budget: &Budget) -> Outcome {
    facts_from_bytes(bytes, "pdf", budget, &TrustStore::empty(), std::time::Instant::now()).outcome
}

#[test]
fn too_many_objects_is_over_budget_and_says_so() {
    let bytes = pdf_with_objects(2_000);
    let tight = Budget { max_objects: 1_000, ..Budget::default() };
    match outcome(&bytes, &tight) {
        Outcome::OverBudget(which) => assert!(which.to_string().starts_with("objects:"), "{which}"),
        other => panic!("expected over budget, got {other:?}"),
    }
    assert_eq!(outcome(&bytes, &Budget::default()), Outcome::Ok, "within the default budget");
}

#[test]
fn too_many_pages_is_over_budget() {
    let bytes = pdf_with_objects(0);
    let no_pages = Budget { max_pages: 0, ..Budget::default() };
    assert!(
        matches!(outcome(&bytes, &no_pages), Outcome::OverBudget(which) if which.to_string().starts_with("pages:"))
    );
}

#[test]
fn deeply_nested_objects_do_not_overflow_the_stack() {
    // Nested arrays, 200 deep where the font refers to them and 200,000 deep in an object the broken
    // cross-reference table makes the reader find by scanning: a recursive reader without a bound
    // would exhaust the stack and abort the whole run (not catchable as a panic).
    let deep = |doc: &mut lopdf::Document| {
        let mut object = Object::Integer(1);
        for _ in 0..200 {
            object = Object::Array(vec![object]);
        }
        let nested = doc.add_object(object);
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Widths" => nested }
    };
    let mut bytes = common::one_page_pdf(deep, vec![b"So: 1/KH-UBND".to_vec()]);
    // The same nesting, far deeper, spliced in as raw bytes (lopdf would not write it).
    let tail = format!("\n99 0 obj\n{}1{}\nendobj\n", "[".repeat(200_000), "]".repeat(200_000));
    let at = bytes.windows(4).rposition(|w| w == b"xref").unwrap();
    bytes.splice(at..at, tail.into_bytes());
    let outcome = outcome(&bytes, &Budget::default());
    assert!(matches!(outcome, Outcome::Ok | Outcome::Unreadable(_)), "a verdict, whatever it is: {outcome:?}");
}

#[test]
fn a_workbook_bomb_is_a_finding_naming_the_budget_and_the_run_goes_on() {
    use std::io::Write;
    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("ubnd-xa-bom");
    std::fs::create_dir_all(unit.join("evidence")).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("xl/workbook.xml", options).unwrap();
    zip.write_all(("<a>".repeat(100_000) + &"</a>".repeat(100_000)).as_bytes()).unwrap();
    std::fs::write(unit.join("tu-cham-diem.xlsx"), zip.finish().unwrap().into_inner()).unwrap();
    std::fs::write(unit.join("evidence/kh.pdf"), pdf_with_objects(0)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--no-cache", "--format", "json", "--lang", "en"])
        .arg(&unit)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> =
        report["findings"].as_array().unwrap().iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("over a safety budget") && m.contains("XML depth of xl/workbook.xml")),
        "{messages:#?}"
    );
    let files: Vec<&str> = report["files"].as_array().unwrap().iter().filter_map(|f| f["path"].as_str()).collect();
    assert!(files.iter().any(|p| p.ends_with("evidence/kh.pdf")), "the evidence is still listed: {files:?}");
}
