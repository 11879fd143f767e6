//! The frame dates are judged in (assessment year, period, cutoff) and the workbook as its own
//! catalog, through the binary: where each value comes from, every report stating it, and the
//! contradictions that must stop a run with a message saying what to change.

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
const DEMO_EVIDENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/ubnd-xa-demo/evidence");
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");

fn kiemchung(args: &[&str]) -> Output {
    let mut all = vec!["check", "--no-cache", "--no-ocr", "--trust", TRUST];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_kiemchung")).args(&all).output().expect("binary runs")
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = kiemchung(&all);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn codes(report: &Value) -> Vec<&str> {
    report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect()
}

#[test]
fn without_a_catalog_the_workbook_names_the_year_and_is_the_catalog() {
    let report = json(&[DEMO]);
    let frame = &report["assessment"];
    assert_eq!(frame["year"], 2023);
    assert_eq!(frame["year_from"], "workbook");
    assert_eq!(frame["period_start"], "2023-01-01");
    assert_eq!((&frame["cutoff"], &frame["cutoff_from"]), (&Value::from("2023-12-10"), &Value::from("default")));
    assert_eq!(report["catalog"]["id"], "workbook");
    // Rules that need a catalog say they did not judge, and never fire.
    let not_judged: Vec<&str> =
        report["summary"]["not_judged"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap()).collect();
    assert!(not_judged.contains(&"KC503") && not_judged.contains(&"KC505"), "{not_judged:?}");
    assert!(!codes(&report).contains(&"KC505") && !codes(&report).contains(&"KC503"));
    // With a catalog, the catalog's frame and no "not judged".
    let report = json(&[DEMO, "--catalog", "tinh-2023"]);
    assert_eq!(report["assessment"]["year_from"], "catalog");
    assert_eq!(report["assessment"]["cutoff_from"], "catalog");
    let codes_not_judged: Vec<&str> =
        report["summary"]["not_judged"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap()).collect();
    assert!(!codes_not_judged.contains(&"KC503") && !codes_not_judged.contains(&"KC505"), "{codes_not_judged:?}");
    // The demo's scan is not judged by the text rules, and says so on the file.
    let scan = report["files"].as_array().unwrap().iter().find(|f| !f["not_judged"].as_array().unwrap().is_empty());
    assert!(scan.is_some_and(|f| f["not_judged"][0]["reason"].as_str().unwrap().contains("ảnh quét")));
}

#[test]
fn every_report_states_the_frame() {
    let text = String::from_utf8(kiemchung(&[DEMO, "--cutoff", "2023-11-30"]).stdout).unwrap();
    assert!(text.contains("năm đánh giá 2023 (theo bảng tự chấm điểm)"), "{text}");
    assert!(text.contains("chốt số liệu 30/11/2023 (theo tùy chọn --cutoff)"), "{text}");
    assert!(text.contains("Chưa đánh giá"), "{text}");
    let english = String::from_utf8(kiemchung(&["--lang", "en", DEMO]).stdout).unwrap();
    assert!(english.contains("assessment year 2023 (from the workbook)"), "{english}");
    let html = String::from_utf8(kiemchung(&[DEMO, "--format", "html"]).stdout).unwrap();
    assert!(html.contains("id=\"frame\"") && html.contains("kỳ đánh giá từ 01/01/2023"));
    assert!(html.contains("id=\"not-judged\""));
}

#[test]
fn the_year_option_moves_the_whole_period() {
    // The demo's documents are of 2023: judged as a 2024 assessment, every dated one is too early.
    let report = json(&[DEMO, "--year", "2024"]);
    assert_eq!(report["assessment"]["year_from"], "option");
    assert_eq!(report["assessment"]["period_start"], "2024-01-01");
    assert!(codes(&report).iter().filter(|c| **c == "KC303").count() >= 5, "{:?}", codes(&report));
    assert!(!codes(&report).contains(&"KC302"));
}

#[test]
fn contradictions_stop_the_run_and_say_what_to_change() {
    let out = kiemchung(&[DEMO, "--cutoff", "2022-12-10"]);
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("2022-12-10") && message.contains("--cutoff 2023-12-10"), "{message}");
    assert!(out.stdout.is_empty(), "no report from a meaningless frame");
    let out = kiemchung(&[DEMO, "--year", "2026", "--catalog", "tinh-2023"]);
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("--year 2026") && message.contains("tinh-2023"), "{message}");
    let out = kiemchung(&[DEMO, "--year", "26"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_workbook_that_names_no_year_takes_the_year_of_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("don-vi");
    fs::create_dir_all(unit.join("1.2")).unwrap();
    fs::write(unit.join("tu-cham.csv"), "Mã tiêu chí,Điểm tối đa,Điểm tự chấm,Giải trình\n1.2,2,2,Tại Khoản 1\n")
        .unwrap();
    fs::copy(Path::new(DEMO_EVIDENCE).join("1.2/BC_271_13112023.pdf"), unit.join("1.2/bc.pdf")).unwrap();
    let out = kiemchung(&["--format", "json", dir.path().to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["assessment"]["year"], 2023);
    assert_eq!(report["assessment"]["year_from"], "dates");
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(note.contains("năm đánh giá 2023 lấy theo năm ban hành"), "{note}");
}
