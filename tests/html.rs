//! The one-file HTML report: nothing external, every finding in the page, and the filter working in
//! headless Chromium (CI installs Debian's `chromium`; without it the browser part is skipped
//! locally and fails in CI). A screenshot is kept in the target folder as an artefact.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");

fn check(target: &Path, trust: &Path, format: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--format", format, "--trust"])
        .arg(trust)
        .arg(target)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CI installs chromium (.ci/run)");
        eprintln!("*** chromium not installed: browser checks skipped ***");
    }
    found.then_some("chromium")
}

/// Headless Chromium with the flags this machine needs (no sandbox as root, no background traffic).
fn browser(profile: &Path, extra: &[&str], url: &str) -> std::process::Output {
    let profile = format!("--user-data-dir={}", profile.display());
    let mut args = vec![
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        profile.as_str(),
    ];
    args.extend_from_slice(extra);
    args.push(url);
    Command::new("chromium").args(&args).output().unwrap()
}

/// Finding rows in the DOM after the script ran, and how many of them are not hidden.
fn rows(dom: &str) -> (usize, usize) {
    let rows: Vec<&str> = dom.split("<tr class=\"finding\"").skip(1).map(|r| r.split('>').next().unwrap()).collect();
    (rows.len(), rows.iter().filter(|r| !r.contains("hidden")).count())
}

#[test]
fn the_page_is_self_contained_and_shows_every_finding_and_filters() {
    let html = String::from_utf8(check(Path::new(DEMO), Path::new(TRUST), "html")).unwrap();
    let report: Value = serde_json::from_slice(&check(Path::new(DEMO), Path::new(TRUST), "json")).unwrap();
    let findings = report["findings"].as_array().unwrap();
    for external in ["http://", "https://", "<link", "src=", "url(", "@import"] {
        assert!(!html.contains(external), "the page must not load anything: found {external}");
    }
    for finding in findings {
        let message = finding["message"].as_str().unwrap().replace('&', "&amp;").replace('"', "&quot;");
        let message = message.replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&#39;");
        assert!(html.contains(&message), "finding missing from the page: {message}");
    }

    let Some(_) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bao-cao.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());
    let profile = dir.path().join("profile");

    let dom = browser(&profile, &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(rows(&dom), (findings.len(), findings.len()), "every finding shown");
    assert!(dom.contains(&format!("<b id=\"shown\">{}</b>", findings.len())));

    let kc101 = findings.iter().filter(|f| f["code"] == "KC101").count();
    assert!(kc101 > 0 && kc101 < findings.len());
    let filtered = browser(&profile, &["--dump-dom"], &format!("{url}#code=KC101"));
    let filtered = String::from_utf8_lossy(&filtered.stdout);
    assert_eq!(rows(&filtered), (findings.len(), kc101), "the code filter hides the other rows");
    assert!(filtered.contains(&format!("<b id=\"shown\">{kc101}</b>")));
    let warnings = findings.iter().filter(|f| f["severity"] == "warning").count();
    let filtered = browser(&profile, &["--dump-dom"], &format!("{url}#severity=warning"));
    assert_eq!(rows(&String::from_utf8_lossy(&filtered.stdout)).1, warnings, "the severity filter");

    let artefacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let screenshot = artefacts.join("html-report.png");
    let _ = std::fs::remove_file(&screenshot);
    let shot = format!("--screenshot={}", screenshot.display());
    browser(&profile, &[shot.as_str(), "--window-size=1280,1400"], &url);
    let png = std::fs::read(&screenshot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real picture of the page");
}
