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
