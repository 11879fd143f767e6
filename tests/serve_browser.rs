//! The page in a real browser: Debian's Chromium, driven by playwright-core (tests/browser/),
//! chooses the demo folder in the folder picker, presses "Kiểm tra" and reads the findings of the
//! report on the page; then drops the unit zipped (as Windows zips a folder) on the drop zone and
//! reads the same findings.
//! Outside CI a missing chromium, node or `npm ci --prefix tests/browser`
//! prints NOT RUN; under CI=true it fails.

#[path = "common/serve.rs"]
mod serve;
#[path = "common/zipped.rs"]
mod zipped;

use serve::{fixtures, Server};
use std::path::Path;
use std::process::Command;

fn missing(what: &str) -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("serve_browser: {what} is missing (CI=true: required)");
    }
    eprintln!("\n=== NOT RUN: serve_browser: {what} is missing ===\n");
    true
}

#[test]
fn a_clerk_uploads_the_demo_folder_and_reads_its_findings() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() && missing("chromium (apt-get install chromium)") {
        return;
    }
    if Command::new("node").arg("--version").output().is_err() && missing("node") {
        return;
    }
    if !browser_dir.join("node_modules/playwright-core").is_dir() && missing("npm ci --prefix tests/browser") {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let trust = fixtures().join("trust");
    let server = Server::start(data.path(), &["--trust", trust.to_str().unwrap()]);
    // The unit as Windows' "Send to → Compressed folder" makes it, for the drop test.
    let zips = tempfile::tempdir().unwrap();
    let zip = zips.path().join("ubnd-xa-demo.zip");
    std::fs::write(&zip, zipped::zip_folder(&fixtures().join("demo").join("ubnd-xa-demo"), Some("ubnd-xa-demo")))
        .unwrap();
    let output = Command::new("node")
        .current_dir(&browser_dir)
        .env("CHROMIUM", &chromium)
        .arg("upload.mjs")
        .arg(format!("http://{}", server.address))
        .arg(fixtures().join("demo"))
        .arg(&zip)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "node: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    let seen: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap();
    assert_eq!(seen["start_button"], "2. Kiểm tra", "{seen}");
    assert!(seen["chosen"].as_str().unwrap().contains("15 tệp"), "{seen}");
    // The codes the page shows are the report's codes, the placeholder number among them.
    let id = seen["id"].as_str().unwrap();
    let report = server.get(&format!("/api/check/{id}/report.json"), None).json();
    let mut codes: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    codes.sort();
    codes.dedup();
    let shown: Vec<&str> = seen["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(shown, codes);
    assert!(shown.contains(&"KC202") && seen["report_text_has_kc202"] == true, "{seen}");
    for format in ["xlsx", "csv", "json"] {
        assert_eq!(seen["downloads"][format]["status"], 200, "{seen}");
        assert!(seen["downloads"][format]["bytes"].as_u64().unwrap() > 100);
    }
    assert_eq!(seen["history_rows"], 1);
    assert_eq!((seen["english_start_button"].as_str(), seen["english_lang"].as_str()), (Some("2. Check"), Some("en")));
    assert_eq!(seen["external_requests"], serde_json::json!([]), "the page loaded something from elsewhere");
    // The zip dropped on the page is read in place and gives the folder's findings.
    assert!(seen["dropped_chosen"].as_str().unwrap().contains("1 tệp"), "{seen}");
    let dropped: Vec<&str> = seen["dropped_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(dropped, codes, "{seen}");
    let dropped_id = seen["dropped_id"].as_str().unwrap();
    let dropped_report = server.get(&format!("/api/check/{dropped_id}/report.json"), None).json();
    assert_eq!(dropped_report["findings"].as_array().unwrap().len(), report["findings"].as_array().unwrap().len());
}
