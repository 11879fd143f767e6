//! Every output format carries the same findings: json, jsonl, csv, html and xlsx (read back with calamine,
//! and opened by LibreOffice when it is installed; CI installs it and requires it).

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");

/// unit, criterion, file, code, message: what a reader of any format must be able to see.
type Row = (String, String, String, String, String);

fn run(target: &Path, trust: &Path, format: &str, lang: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--format", format, "--lang", lang, "--trust"])
        .arg(trust)
        .arg(target)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{format}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn from_json(bytes: &[u8]) -> BTreeSet<Row> {
    let report: Value = serde_json::from_slice(bytes).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (text(&f["unit"]), text(&f["criterion"]), text(&f["file"]), text(&f["code"]), text(&f["message"])))
        .collect()
}

fn from_jsonl(bytes: &[u8]) -> BTreeSet<Row> {
    let lines: Vec<Value> =
        bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    assert_eq!(lines.first().unwrap()["record"], "run");
    assert_eq!(lines.last().unwrap()["record"], "summary");
    lines
        .iter()
        .filter(|l| l["record"] == "finding")
        .map(|f| (text(&f["unit"]), text(&f["criterion"]), text(&f["file"]), text(&f["code"]), text(&f["message"])))
        .collect()
}

fn from_csv(bytes: &[u8]) -> BTreeSet<Row> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM for Excel");
    let mut reader = csv::Reader::from_reader(body);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[2].to_string(), r[4].to_string(), r[7].to_string())
        })
        .collect()
}

fn from_xlsx(bytes: &[u8], findings_sheet: &str) -> BTreeSet<Row> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(workbook.sheet_names().len(), 4);
    let range = workbook.worksheet_range(findings_sheet).unwrap();
    let cell = |row: &[Data], i: usize| row.get(i).map(|d| d.to_string()).unwrap_or_default();
    range.rows().skip(1).map(|r| (cell(r, 0), cell(r, 1), cell(r, 2), cell(r, 4), cell(r, 7))).collect()
}

/// The finding rows of the HTML page: their data attributes and the message cell.
fn from_html(bytes: &[u8]) -> BTreeSet<Row> {
    let html = String::from_utf8(bytes.to_vec()).unwrap();
    let unescape = |text: &str| {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    let attribute = |row: &str, name: &str| {
        let start = row.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        unescape(&row[start..start + row[start..].find('"').unwrap()])
    };
    html.split("<tr class=\"finding\"")
        .skip(1)
        .map(|row| {
            let message = row.split("<td class=\"message\">").nth(1).unwrap().split("</td>").next().unwrap();
            let message = unescape(message);
            (
                attribute(row, "data-unit"),
                attribute(row, "data-criterion"),
                attribute(row, "data-file"),
                attribute(row, "data-code"),
                message,
            )
        })
        .collect()
}

fn same_findings_everywhere(target: &Path, trust: &Path) -> BTreeSet<Row> {
    let json = from_json(&run(target, trust, "json", "vi"));
    assert!(!json.is_empty());
    assert_eq!(from_jsonl(&run(target, trust, "jsonl", "vi")), json, "jsonl");
    assert_eq!(from_csv(&run(target, trust, "csv", "vi")), json, "csv");
    assert_eq!(from_html(&run(target, trust, "html", "vi")), json, "html");
    let xlsx = run(target, trust, "xlsx", "vi");
    assert_eq!(from_xlsx(&xlsx, "Phát hiện"), json, "xlsx");
    assert_eq!(run(target, trust, "xlsx", "vi"), xlsx, "equal runs give byte-identical workbooks");
    let english = run(target, trust, "xlsx", "en");
    assert_eq!(from_xlsx(&english, "Findings"), from_json(&run(target, trust, "json", "en")), "xlsx in English");
    json
}

#[test]
fn the_demo_gives_the_same_findings_in_every_format() {
    same_findings_everywhere(Path::new(DEMO), Path::new(TRUST));
}

#[test]
fn synthetic_mini_gives_the_same_findings_in_every_format() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/synthetic-mini");
    if !corpus.is_dir() {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "../shared is required in CI");
        return;
    }
    let rows = same_findings_everywhere(&corpus, &corpus.join("trust"));
    let units: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(units.len(), 3);
}

/// LibreOffice opens the workbook and exports its first sheet (the ranked summary).
#[test]
fn libreoffice_opens_the_workbook() {
    if Command::new("soffice").arg("--version").output().is_err() {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CI installs LibreOffice (.ci/run)");
        eprintln!("*** soffice not installed: LibreOffice check skipped ***");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("bao-cao.xlsx");
    std::fs::write(&workbook, run(Path::new(DEMO), Path::new(TRUST), "xlsx", "vi")).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("profile").display());
    let out = Command::new("soffice")
        // 44,34,76: comma, double quote, UTF-8.
        .args([profile.as_str(), "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
        .arg(dir.path())
        .arg(&workbook)
        .output()
        .unwrap();
    let exported: PathBuf = dir.path().join("bao-cao.csv");
    assert!(exported.is_file(), "LibreOffice did not convert: {}", String::from_utf8_lossy(&out.stderr));
    let summary = std::fs::read_to_string(exported).unwrap();
    assert!(summary.contains("ubnd-xa-demo"), "{summary}");
    assert!(summary.contains("Điểm có nguy cơ mất"), "{summary}");
}
