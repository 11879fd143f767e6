//! Zip uploads: stored as one file in the check's own folder and read in place by the library,
//! never extracted; the report is `check UNIT.zip`'s, and entry names that climb out are KC609
//! findings with nothing written anywhere.

#[path = "common/serve.rs"]
mod serve;

use serve::{check_report, files_under, fixtures, Part, Server};

/// The demo unit's files under its folder name, as Windows' "Send to → Compressed folder" does.
fn demo_zip() -> Vec<u8> {
    let unit = fixtures().join("demo").join("ubnd-xa-demo");
    let entries: Vec<(String, Vec<u8>)> = serve::files_under(&unit)
        .into_iter()
        .map(|rel| (format!("ubnd-xa-demo/{}", rel.replace('\\', "/")), std::fs::read(unit.join(&rel)).unwrap()))
        .collect();
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    zipped::zip_entries(&borrowed)
}

#[test]
fn an_uploaded_zip_gives_the_report_of_check_on_that_zip() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let bytes = demo_zip();
    let response = server.upload(&[Part::File("ubnd-xa-demo.zip".into(), bytes.clone())], None);
    assert_eq!(response.status, 202, "{}", response.text());
    let id = response.json()["id"].as_str().unwrap().to_string();
    assert_eq!(server.wait(&id, None)["state"], "done");
    // Stored as the zip itself, never extracted.
    let stored = files_under(&data.path().join("checks").join(&id).join("upload"));
    assert_eq!(stored, vec!["ubnd-xa-demo.zip".to_string()]);
    let beside = tempfile::tempdir().unwrap();
    std::fs::write(beside.path().join("ubnd-xa-demo.zip"), &bytes).unwrap();
    for format in ["json", "csv"] {
        let expected = check_report(beside.path(), "ubnd-xa-demo.zip", format, &[]);
        let served = server.get(&format!("/api/check/{id}/report.{format}"), None);
        assert!(served.body == expected, "report.{format} differs from `check ubnd-xa-demo.zip`");
    }
    let report = server.get(&format!("/api/check/{id}/report.json"), None).json();
    assert!(report["findings"].as_array().unwrap().iter().any(|f| f["code"] == "KC202"));
}

#[test]
fn a_zip_slip_is_a_finding_and_nothing_is_written() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let server = Server::start(&data, &[]);
    let bytes = zipped::zip_entries(&[
        ("don-vi/a.pdf", &b"%PDF-1.4\n%%EOF\n"[..]),
        ("don-vi/../../../evil.pdf", &b"evil"[..]),
        ("../evil2.pdf", &b"evil"[..]),
        ("/tmp/evil3.pdf", &b"evil"[..]),
    ]);
    let response = server.upload(&[Part::File("don-vi.zip".into(), bytes)], None);
    assert_eq!(response.status, 202, "{}", response.text());
    let id = response.json()["id"].as_str().unwrap().to_string();
    assert_eq!(server.wait(&id, None)["state"], "done");
    let report = server.get(&format!("/api/check/{id}/report.json"), None).json();
    let slips = report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "KC609").count();
    assert!(slips >= 1, "{}", report["findings"]);
    assert!(files_under(root.path()).iter().all(|f| !f.contains("evil")), "{:?}", files_under(root.path()));
    assert!(!std::path::Path::new("/tmp/evil3.pdf").exists());
}

#[path = "common/zipped.rs"]
mod zipped;

/// `../shared/corpus/synthetic-mini`, or a loud NOT RUN (a failure under CI=true).
fn synthetic_mini() -> Option<std::path::PathBuf> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/synthetic-mini");
    if corpus.join("labels.json").is_file() {
        return Some(corpus);
    }
    let why = format!("{} is missing", corpus.display());
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the serve conformance test is required in CI: {why}");
    }
    eprintln!("\n*** SERVE CONFORMANCE NOT RUN: {why} (it is required under CI=true) ***\n");
    None
}

/// Each labelled unit, zipped as Windows zips a folder and uploaded, gives the findings `check`
/// gives on the folder, with the server's catalog and trust anchors.
#[test]
fn each_synthetic_mini_unit_uploaded_as_a_zip_gives_the_folders_findings() {
    let Some(corpus) = synthetic_mini() else { return };
    let (catalog, trust) = (corpus.join("catalog.toml"), corpus.join("trust"));
    let data = tempfile::tempdir().unwrap();
    let server_args = ["--catalog", catalog.to_str().unwrap(), "--trust", trust.to_str().unwrap()];
    let server = Server::start(data.path(), &server_args);
    let units: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir() && e.file_name() != "trust")
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(units.len(), 3, "{units:?}");
    for unit in units {
        let bytes = zipped::zip_folder(&corpus.join(&unit), Some(&unit));
        let response = server.upload(&[Part::File(format!("{unit}.zip"), bytes)], None);
        assert_eq!(response.status, 202, "{}", response.text());
        let id = response.json()["id"].as_str().unwrap().to_string();
        assert_eq!(server.wait(&id, None)["state"], "done", "{unit}");
        let served = server.get(&format!("/api/check/{id}/report.json"), None).json();
        let folder: serde_json::Value =
            serde_json::from_slice(&check_report(&corpus, &unit, "json", &server_args)).unwrap();
        assert!(!zipped::findings(&folder).is_empty(), "{unit}: the corpus plants defects");
        assert_eq!(zipped::findings(&served), zipped::findings(&folder), "{unit}: findings");
        assert_eq!(zipped::unit_files(&served), zipped::unit_files(&folder), "{unit}: files");
    }
}
