//! A province run: checks across units (KC701, KC702) and the triage summary.

#[path = "common/zipped.rs"]
mod zipped;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use zipped::copy_tree;

const DEMO_UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/ubnd-xa-demo");
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");

fn check_json(path: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--format", "json", "--trust", TRUST])
        .arg(path)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_same_evidence_in_two_units_is_kc702_and_never_kc701() {
    let province = tempfile::tempdir().unwrap();
    copy_tree(Path::new(DEMO_UNIT), &province.path().join("xa-a"));
    copy_tree(Path::new(DEMO_UNIT), &province.path().join("xa-b"));
    let report = check_json(province.path());
    let findings = report["findings"].as_array().unwrap();
    let shared: Vec<(&str, &str)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "pdf" && f["status"] == "ok" && !f["criteria"].as_array().unwrap().is_empty())
        .map(|f| (f["unit"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert!(shared.len() >= 10, "the demo attaches readable PDFs: {shared:?}");
    for (unit, path) in &shared {
        let other = if *unit == "xa-a" { "xa-b" } else { "xa-a" };
        let kc702 = findings.iter().find(|f| f["code"] == "KC702" && f["unit"] == *unit && f["file"] == *path);
        let kc702 = kc702.unwrap_or_else(|| panic!("no KC702 for {unit}/{path}"));
        assert!(kc702["message"].as_str().unwrap().contains(other), "{kc702}");
        assert_eq!(kc702["severity"], "info");
    }
    assert!(findings.iter().all(|f| f["code"] != "KC701"), "identical documents do not reuse a number");
    let codes = report["summary"]["codes"].as_array().unwrap();
    let kc702 = codes.iter().find(|c| c["code"] == "KC702").unwrap();
    assert_eq!(kc702["units"], 2);
    assert_eq!(kc702["files"].as_u64().unwrap() as usize, shared.len());
    // The ranking has both units with equal points at risk (the same submission twice).
    let units = report["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0]["at_risk"], units[1]["at_risk"]);
}

#[test]
fn one_unit_alone_has_no_cross_unit_findings() {
    let report = check_json(Path::new(DEMO_UNIT));
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["code"] != "KC702"));
}
