//! Hostile trees: names that are not UTF-8 or very long, link loops, a 1 GB sparse file, a file
//! nobody may read, a FIFO and a device, a folder of 100,000 tiny files. Each file gets a status,
//! nothing is lost, nothing is written in the input tree.
#![cfg(unix)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

const HEADER: &str = "Mã tiêu chí,Tên tiêu chí,Điểm tối đa,Điểm tự chấm,Giải trình,Tài liệu kiểm chứng\n";

/// Every path below `dir` with its size and modification time: the tree as the run found it.
fn snapshot(dir: &Path) -> BTreeMap<Vec<u8>, (u64, Option<std::time::SystemTime>)> {
    let mut seen = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap().flatten() {
            let meta = fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            }
            seen.insert(entry.path().as_os_str().as_bytes().to_vec(), (meta.len(), meta.modified().ok()));
        }
    }
    seen
}

fn check(dir: &Path) -> (Value, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--no-cache", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code())
}

#[test]
fn every_hostile_entry_gets_a_status_and_the_tree_is_untouched() {
    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("don-vi");
    let evidence = unit.join("evidence/1.1");
    fs::create_dir_all(&evidence).unwrap();
    fs::write(unit.join("tu-cham.csv"), format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,\n")).unwrap();
    // A name that is not UTF-8 (Latin-1 "ké hoạch"), and one of 250 bytes.
    fs::write(evidence.join(OsStr::from_bytes(b"k\xe9-hoach.pdf")), b"%PDF-1.4\n%%EOF\n").unwrap();
    fs::write(evidence.join(format!("{}.pdf", "x".repeat(246))), b"%PDF-1.4\n").unwrap();
    // Link loops: two links naming each other, a link to the folder that holds it.
    std::os::unix::fs::symlink(evidence.join("b.pdf"), evidence.join("a.pdf")).unwrap();
    std::os::unix::fs::symlink(evidence.join("a.pdf"), evidence.join("b.pdf")).unwrap();
    std::os::unix::fs::symlink(&unit, evidence.join("vong-lap")).unwrap();
    // 1 GB that occupies no disk: over the size budget, never read.
    fs::File::create(evidence.join("khong-lo.pdf")).unwrap().set_len(1 << 30).unwrap();
    // No permissions at all (root still reads it; anyone else gets a status, not a crash).
    let locked = evidence.join("khoa.pdf");
    fs::write(&locked, b"%PDF-1.4\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();

    // A device node (mknod needs root; elsewhere this case is left out) and a FIFO.
    let device = evidence.join("thiet-bi.pdf");
    let made_device =
        Command::new("mknod").arg(&device).args(["c", "1", "3"]).status().is_ok_and(|status| status.success());
    assert!(Command::new("mkfifo").arg(evidence.join("ong.pdf")).status().unwrap().success());

    let before = snapshot(root.path());
    let (report, code) = check(root.path());
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}");
    assert_eq!(snapshot(root.path()), before, "nothing written, nothing touched in the input tree");

    let files = report["files"].as_array().unwrap();
    let status = |suffix: &str| -> String {
        let file = files.iter().find(|f| f["path"].as_str().unwrap().ends_with(suffix));
        file.unwrap_or_else(|| panic!("{suffix} is lost: {files:?}"))["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status("khong-lo.pdf"), "over-budget");
    assert_eq!(status("a.pdf"), "skipped");
    assert_eq!(status("b.pdf"), "skipped");
    assert_eq!(status("vong-lap"), "skipped");
    assert_eq!(status("ong.pdf"), "skipped", "a FIFO is never opened (it would block)");
    if made_device {
        assert_eq!(status("thiet-bi.pdf"), "skipped", "a device is never read");
    }
    assert!(!status(&format!("{}.pdf", "x".repeat(246))).is_empty());
    assert!(!status("-hoach.pdf").is_empty(), "the non-UTF-8 name is listed");
    assert!(!status("khoa.pdf").is_empty());
    // Every entry of the tree (files, links) is in the report, the workbook included.
    let entries = before.keys().filter(|path| !fs::symlink_metadata(OsStr::from_bytes(path)).unwrap().is_dir()).count();
    assert_eq!(files.len(), entries, "{files:#?}");
}

#[test]
fn a_folder_of_100_000_tiny_files_is_checked_whole() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("rac");
    fs::create_dir(&folder).unwrap();
    for i in 0..100_000 {
        fs::write(folder.join(format!("{i:06}.txt")), i.to_string()).unwrap();
    }
    let (report, code) = check(root.path());
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}");
    assert_eq!(report["files"].as_array().unwrap().len(), 100_000);
}

/// On Unix a `\` is a character of a file's name, not a separator: the file is listed under its
/// own name (and is not mistaken for `a/b.pdf`).
#[test]
fn a_name_with_a_backslash_is_listed_as_it_is() {
    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("don-vi");
    fs::create_dir_all(unit.join("a")).unwrap();
    fs::write(unit.join("tu-cham.csv"), format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,a\\b.pdf\n")).unwrap();
    fs::write(unit.join("a\\b.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    fs::write(unit.join("a/b.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    let (report, _) = check(root.path());
    let paths: Vec<&str> = report["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a/b.pdf", "a\\b.pdf", "tu-cham.csv"]);
}

/// 1,500 nested folders, each with a workbook that cannot be read: one pass over the tree (not one
/// per level), no recursion to overflow; folders past the depth bound are listed as skipped.
#[test]
fn folders_nested_1500_deep_each_with_an_unreadable_workbook() {
    #[path = "common/measured.rs"]
    mod measured;
    let root = tempfile::tempdir().unwrap();
    let mut dir = root.path().join("d");
    for level in 0..1500 {
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("tu-cham.xlsx"), format!("không phải bảng tính {level}")).unwrap();
        dir = dir.join("d");
    }
    let path = root.path().to_str().unwrap();
    let run = measured::run_kiemchung(
        &["check", path, "--no-cache", "--no-ocr", "--format", "json"],
        std::time::Duration::from_secs(120),
    );
    assert!(matches!(run.code, Some(0 | 1)), "exit {:?}: {}", run.code, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["units"].as_array().unwrap().len(), 1, "the top folder is the unit");
    let files = report["files"].as_array().unwrap();
    let deepest_read = kiemchung::discover::MAX_DEPTH;
    assert_eq!(files.iter().filter(|f| f["path"].as_str().unwrap().ends_with("tu-cham.xlsx")).count(), deepest_read);
    let skipped: Vec<&Value> = files.iter().filter(|f| f["status"] == "skipped").collect();
    assert_eq!(skipped.len(), 1, "the folder past the bound, once");
    assert!(skipped[0]["problem"].as_str().unwrap().contains("lồng quá sâu"), "{:?}", skipped[0]);
}

/// A folder swapped for a link to somewhere else between discovery and reading: the file read
/// is never the outside one.
#[test]
fn a_folder_swapped_for_a_link_after_discovery_is_not_followed() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let unit = root.path().join("don-vi");
    fs::create_dir_all(unit.join("minh-chung")).unwrap();
    fs::write(unit.join("tu-cham.csv"), format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,kh.pdf\n")).unwrap();
    fs::write(unit.join("minh-chung/kh.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    fs::write(outside.path().join("kh.pdf"), b"%PDF-1.4\n% outside secret\n%%EOF\n").unwrap();

    let found = kiemchung::discover::discover(&[root.path().to_path_buf()]).unwrap();
    let entry = found.units[0].files.iter().find(|e| e.rel.ends_with("kh.pdf")).unwrap().clone();
    fs::rename(unit.join("minh-chung"), unit.join("cu")).unwrap();
    std::os::unix::fs::symlink(outside.path(), unit.join("minh-chung")).unwrap();

    let trust = kiemchung::facts::signature::TrustStore::builtin();
    let budget = kiemchung::facts::Budget::default();
    let kiemchung::discover::Source::Disk { path, id } = &entry.source else { panic!("a file on disk") };
    let facts = kiemchung::facts::extract_listed(path, *id, &budget, &trust);
    assert!(
        matches!(facts.outcome, kiemchung::facts::Outcome::Unreadable(kiemchung::facts::Problem::Io(ref why)) if why.kind == kiemchung::facts::open::IoKind::Replaced),
        "{:?}",
        facts.outcome
    );
    assert_eq!(facts.size, 0, "nothing of the outside file was read");
}

/// Two workbooks in a unit: the one whose name says it is old is left, and the run says which it
/// read and which it left; two of equal standing are a KC608 finding besides the note.
#[test]
fn a_unit_with_several_workbooks_reads_the_real_one_and_says_so() {
    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("don-vi");
    fs::create_dir_all(&unit).unwrap();
    fs::write(unit.join("tu-cham.csv"), format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,kh.pdf\n")).unwrap();
    fs::write(unit.join("tu-cham (bản cũ).csv"), format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,cu.pdf\n")).unwrap();
    fs::write(unit.join("kh.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--no-cache", "--no-ocr", "--format", "json"])
        .arg(root.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(report["units"][0]["sheet"], "tu-cham.csv", "{}", report["units"]);
    assert!(stderr.contains("đọc bảng tự chấm 'tu-cham.csv'") && stderr.contains("tu-cham (bản cũ).csv"), "{stderr}");
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(!codes.contains(&"KC504"), "the old workbook's listing is not read: {codes:?}");
    assert!(!codes.contains(&"KC608"), "no ambiguity: {codes:?}");

    fs::rename(unit.join("tu-cham (bản cũ).csv"), unit.join("tu-cham-2.csv")).unwrap();
    let (report, _) = check(root.path());
    let kc608: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "KC608").collect();
    assert_eq!(kc608.len(), 1, "{:#?}", report["findings"]);
    assert!(kc608[0]["message"].as_str().unwrap().contains("tu-cham.csv"), "{kc608:?}");
}
