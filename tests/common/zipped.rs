//! Folders zipped as clerks zip them, and the bytes of a folder, for the zip-submission tests.

#![allow(dead_code)] // each test uses what it needs

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Every file below `dir` with its bytes (folders with none): compared before and after a run.
pub fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut seen = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                seen.insert(path.clone(), Vec::new());
                stack.push(path);
            } else {
                seen.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    seen
}

/// A zip of named entries, deflated.
pub fn zip_entries(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        out.start_file(*name, options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Copies a folder tree (the demo unit into a made-up province).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A zip of `dir` as Windows' "Send to → Compressed folder" lays it out: under `top` (a folder
/// entry first, as Windows writes one), or the folder's contents with no top folder.
pub fn zip_folder(dir: &Path, top: Option<&str>) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let prefix = top.map(|t| format!("{t}/")).unwrap_or_default();
    if let Some(top) = top {
        out.add_directory(top, options).unwrap();
    }
    for (path, bytes) in contents(dir) {
        let name = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        if path.is_dir() {
            out.add_directory(format!("{prefix}{name}"), options).unwrap();
        } else {
            out.start_file(format!("{prefix}{name}"), options).unwrap();
            out.write_all(&bytes).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// A run's findings as (code, unit, criterion, file, message), in the report's order.
pub fn findings(report: &serde_json::Value) -> Vec<(String, String, String, String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (text(&f["code"]), text(&f["unit"]), text(&f["criterion"]), text(&f["file"]), text(&f["message"])))
        .collect()
}

/// The files of units as (unit, path inside it, status, hash); files outside units are left out
/// (they show where they lie, in the zip or the folder).
pub fn unit_files(report: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["unit"].is_null())
        .map(|f| (text(&f["unit"]), text(&f["path"]), text(&f["status"]), text(&f["sha256"])))
        .collect()
}
