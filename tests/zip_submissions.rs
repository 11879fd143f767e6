//! Zip submissions (DESIGN.md "Submission layout"): a `.zip` given as PATH, or lying where a unit
//! or province folder would be, is read in place as that folder, with the folder's findings;
//! bombs stop at a named budget, names that leave the zip are findings and never read, names from
//! Windows code pages read as Vietnamese, and nothing is written anywhere.

#[path = "common/zipped.rs"]
mod zipped;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use zipped::{contents, copy_tree, findings, unit_files, zip_entries, zip_folder};

const DEMO_UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/ubnd-xa-demo");
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");
const HEADER: &str = "Mã tiêu chí,Tên tiêu chí,Điểm tối đa,Điểm tự chấm,Giải trình,Tài liệu kiểm chứng\n";

/// Replaces every occurrence of `from` (an ASCII placeholder name) by `to` (same length): names
/// as a zipper that sets no UTF-8 flag writes them, in both the local and the central header.
fn patch_name(zip: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut found = 0;
    for at in 0..zip.len() - from.len() {
        if &zip[at..at + from.len()] == from {
            zip[at..at + from.len()].copy_from_slice(to);
            found += 1;
        }
    }
    assert_eq!(found, 2, "the name is in the local and the central header");
}

struct Checked {
    report: Value,
    stderr: String,
    elapsed: Duration,
}

/// `kiemchung check PATHS --format json` (`--no-cache` unless `extra` names a cache), with a temporary folder of its own that must stay empty
/// (nothing of a zip is extracted anywhere).
fn check(paths: &[&Path], extra: &[&str]) -> Checked {
    let scratch = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--format", "json", "--no-ocr", "--trust", TRUST])
        .args(if extra.contains(&"--cache") { &[][..] } else { &["--no-cache"][..] })
        .args(extra)
        .args(paths)
        .env("TMPDIR", scratch.path())
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(matches!(out.status.code(), Some(0 | 1)), "exit {:?}: {stderr}", out.status.code());
    assert!(fs::read_dir(scratch.path()).unwrap().next().is_none(), "the run wrote into its temporary folder");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    Checked { report, stderr, elapsed }
}

type FindingKey = (String, String, String, String, String);

fn assert_same_as_folder(zip_run: &Checked, folder_run: &Checked, what: &str) {
    assert!(!findings(&folder_run.report).is_empty());
    assert_eq!(findings(&zip_run.report), findings(&folder_run.report), "{what}: findings");
    assert_eq!(unit_files(&zip_run.report), unit_files(&folder_run.report), "{what}: files");
    assert_eq!(zip_run.report["summary"]["units"], folder_run.report["summary"]["units"], "{what}");
}

#[test]
fn a_unit_zip_with_or_without_its_top_folder_gives_the_folders_findings() {
    let input = tempfile::tempdir().unwrap();
    let unit = input.path().join("ubnd-xa-demo");
    copy_tree(Path::new(DEMO_UNIT), &unit);
    // Send to → Compressed folder on the unit folder: one top folder, the zip named anything.
    let with_top = input.path().join("nop-ho-so.zip");
    fs::write(&with_top, zip_folder(&unit, Some("ubnd-xa-demo"))).unwrap();
    // The folder's contents selected and zipped: no top folder, the zip named as the unit.
    let zips = tempfile::tempdir().unwrap();
    let flat = zips.path().join("ubnd-xa-demo.zip");
    fs::write(&flat, zip_folder(&unit, None)).unwrap();
    let before = (contents(input.path()), contents(zips.path()));

    let folder = check(&[&unit], &[]);
    for zip in [&with_top, &flat] {
        let zipped = check(&[zip], &[]);
        assert_same_as_folder(&zipped, &folder, &zip.display().to_string());
        let unit_path = zipped.report["units"][0]["path"].as_str().unwrap().to_string();
        assert!(unit_path.starts_with(&zip.display().to_string()), "shown inside the zip: {unit_path}");
    }
    assert_eq!((contents(input.path()), contents(zips.path())), before, "nothing written in the input");
}

#[test]
fn a_province_zip_and_unit_zips_in_a_province_folder_give_the_folders_findings() {
    let input = tempfile::tempdir().unwrap();
    let province = input.path().join("tinh");
    for unit in ["xa-a", "xa-b"] {
        copy_tree(Path::new(DEMO_UNIT), &province.join(unit));
    }
    // The second unit is changed, so that its findings differ from the first's.
    fs::remove_file(province.join("xa-b/evidence/1.2/BC_271_13112023.pdf")).unwrap();
    let folder = check(&[&province], &[]);
    assert_eq!(folder.report["summary"]["units"], 2);

    let zips = tempfile::tempdir().unwrap();
    // A zip of unit folders, and one holding the province folder.
    let province_zip = zips.path().join("tinh.zip");
    fs::write(&province_zip, zip_folder(&province, None)).unwrap();
    let province_top = zips.path().join("ho-so-tinh.zip");
    fs::write(&province_top, zip_folder(&province, Some("tinh"))).unwrap();
    // A province folder holding each unit as a zip (one with, one without a top folder).
    let of_zips = zips.path().join("tinh-zips");
    fs::create_dir_all(&of_zips).unwrap();
    fs::write(of_zips.join("xa-a.zip"), zip_folder(&province.join("xa-a"), None)).unwrap();
    fs::write(of_zips.join("nop.zip"), zip_folder(&province.join("xa-b"), Some("xa-b"))).unwrap();
    // A province zip of unit zips: one level of nesting.
    let nested = zips.path().join("tinh-nested.zip");
    fs::write(&nested, zip_folder(&of_zips, None)).unwrap();
    let before = (contents(input.path()), contents(zips.path()));

    for zip in [&province_zip, &province_top, &of_zips, &nested] {
        assert_same_as_folder(&check(&[zip], &[]), &folder, &zip.display().to_string());
    }
    assert_eq!((contents(input.path()), contents(zips.path())), before, "nothing written in the input");
}

/// A unit zip with a readable workbook and one hostile entry.
fn unit_with(hostile: &[(&str, &[u8])]) -> Vec<u8> {
    let sheet = format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,kh.pdf\n");
    let mut entries: Vec<(&str, &[u8])> = vec![("tu-cham.csv", sheet.as_bytes()), ("1.1/kh.pdf", b"%PDF-1.4\n%%EOF\n")];
    entries.extend_from_slice(hostile);
    zip_entries(&entries)
}

fn file<'a>(report: &'a Value, path: &str) -> &'a Value {
    let files = report["files"].as_array().unwrap();
    files.iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("{path} not listed: {files:#?}"))
}

#[test]
fn zip_bombs_stop_at_a_named_budget_quickly_and_nothing_is_written() {
    // The budgets as English reports name them (`report_languages` covers the Vietnamese words).
    const ENGLISH: &[&str] = &["--lang", "en"];
    let input = tempfile::tempdir().unwrap();
    // 64 MiB of zeros deflate to ~64 KiB: a ratio of ~1000:1.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let ratio = input.path().join("xa-ratio.zip");
    fs::write(&ratio, unit_with(&[("1.1/bomb.pdf", &zeros)])).unwrap();
    // An entry that declares 10 bytes and inflates to 1 MiB: refused while it is read.
    let mut liar = unit_with(&[("1.1/liar.pdf", &vec![b'x'; 1024 * 1024])]);
    patch_declared_size(&mut liar, b"1.1/liar.pdf", 10);
    let lying = input.path().join("xa-liar.zip");
    fs::write(&lying, liar).unwrap();
    // 100,000 tiny entries: refused before the central directory is parsed.
    let many = input.path().join("xa-many.zip");
    {
        let mut out = zip::ZipWriter::new(fs::File::create(&many).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..100_000 {
            out.start_file(format!("{i}.pdf"), options).unwrap();
        }
        out.finish().unwrap();
    }
    // A zip inside a unit zip inside a province zip: two levels of nesting.
    let inner = zip_entries(&[("xa-c.zip", &unit_with(&[]))]);
    let deep = input.path().join("tinh-deep.zip");
    fs::write(&deep, zip_entries(&[("huyen.zip", &inner)])).unwrap();
    let before = contents(input.path());

    let run = check(&[&ratio], ENGLISH);
    let bomb = file(&run.report, "1.1/bomb.pdf");
    assert_eq!(bomb["status"], "over-budget");
    assert!(bomb["problem"].as_str().unwrap().starts_with("compression ratio"), "{bomb}");
    assert_eq!(bomb["sha256"], Value::Null, "not inflated");
    assert_eq!(file(&run.report, "1.1/kh.pdf")["unit"], "xa-ratio", "the rest of the unit is read");

    let run = check(&[&lying], ENGLISH);
    let liar = file(&run.report, "1.1/liar.pdf");
    assert_eq!(liar["status"], "unreadable");
    assert!(liar["problem"].as_str().unwrap().contains("declared"), "{liar}");

    let run = check(&[&many], ENGLISH);
    let refused = file(&run.report, &many.display().to_string());
    assert_eq!(refused["status"], "over-budget");
    assert!(refused["problem"].as_str().unwrap().starts_with("zip entries: 100000 > "), "{refused}");
    let kc601 = findings(&run.report);
    assert!(kc601.iter().any(|f| f.0 == "KC601" && f.4.contains("zip entries")), "{kc601:?}");
    assert!(run.elapsed < Duration::from_secs(10), "refused quickly: {:?}", run.elapsed);

    let run = check(&[&deep], ENGLISH);
    let nested = file(&run.report, &format!("{}/huyen.zip/xa-c.zip", deep.display()));
    assert_eq!(nested["status"], "over-budget", "{nested}");
    assert!(nested["problem"].as_str().unwrap().starts_with("zip nesting: 2 > 1"), "{nested}");
    assert!(run.stderr.is_empty() || !run.stderr.contains("panic"), "{}", run.stderr);

    assert_eq!(contents(input.path()), before, "nothing written in the input");
}

/// Sets the uncompressed size an entry declares, in its local and its central header.
fn patch_declared_size(zip: &mut [u8], name: &[u8], size: u32) {
    let mut patched = 0;
    for at in 0..zip.len() - 4 {
        let (local, central) = (&zip[at..at + 4] == b"PK\x03\x04", &zip[at..at + 4] == b"PK\x01\x02");
        let (size_at, name_len_at, name_at) = match (local, central) {
            (true, _) => (at + 22, at + 26, at + 30),
            (_, true) => (at + 24, at + 28, at + 46),
            _ => continue,
        };
        let name_len = u16::from_le_bytes([zip[name_len_at], zip[name_len_at + 1]]) as usize;
        if zip.get(name_at..name_at + name_len) == Some(name) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
}

#[test]
fn names_that_leave_the_zip_are_findings_and_never_read() {
    let input = tempfile::tempdir().unwrap();
    let evil: &[u8] = b"%PDF-1.4\n% outside\n%%EOF\n";
    let zip = input.path().join("xa-evil.zip");
    let hostile: Vec<(&str, &[u8])> =
        ["../evil.pdf", "/abs.pdf", "C:\\x.pdf", "1.1/../../up.pdf"].iter().map(|n| (*n, evil)).collect();
    let mut bytes = unit_with(&hostile);
    // A symlink entry (Info-ZIP keeps links so), pointing out of the folder.
    {
        let mut out = zip::ZipWriter::new_append(std::io::Cursor::new(&mut bytes)).unwrap();
        out.add_symlink("1.1/link.pdf", "/etc/passwd", zip::write::SimpleFileOptions::default()).unwrap();
        out.finish().unwrap();
    }
    fs::write(&zip, bytes).unwrap();
    let before = contents(input.path());

    let run = check(&[&zip], &[]);
    let kc609: Vec<FindingKey> = findings(&run.report).into_iter().filter(|f| f.0 == "KC609").collect();
    for name in ["../evil.pdf", "/abs.pdf", "C:\\x.pdf", "1.1/../../up.pdf"] {
        let record = file(&run.report, name);
        assert_eq!(record["status"], "skipped", "{record}");
        assert_eq!(record["sha256"], Value::Null, "never read: {record}");
        assert!(record["problem"].as_str().unwrap().contains("ra ngoài"), "{record}");
        assert!(kc609.iter().any(|f| f.1 == "xa-evil" && f.3 == name), "{name}: {kc609:?}");
    }
    assert_eq!(kc609.len(), 4);
    let link = file(&run.report, "1.1/link.pdf");
    assert_eq!((&link["status"], &link["sha256"]), (&Value::from("skipped"), &Value::Null), "{link}");
    assert!(link["problem"].as_str().unwrap().contains("liên kết"), "{link}");
    assert!(file(&run.report, "1.1/kh.pdf")["sha256"].is_string(), "the rest of the unit is read");
    assert_eq!(contents(input.path()), before, "nothing written, inside or beside the zip");
    assert!(!input.path().parent().unwrap().join("evil.pdf").exists());
}

#[test]
fn names_in_a_windows_code_page_read_as_vietnamese_in_nfc() {
    let input = tempfile::tempdir().unwrap();
    let sheet = format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,Kế hoạch.pdf\n1.2,Báo cáo,1,1,Tại Mục I,Báo cáo.pdf\n");
    let pdf: &[u8] = b"%PDF-1.4\n%%EOF\n";
    // Placeholders as long as the names' bytes, replaced by them once written (no UTF-8 flag).
    let mut zip =
        zip_entries(&[("tu-cham.csv", sheet.as_bytes()), ("1.1/KXX hoXXch.pdf", pdf), ("1.2/BXo cXo.pdf", pdf)]);
    // "Kế hoạch" on Vietnamese Windows (1258): ê then the acute as its own byte; a then the dot below.
    patch_name(&mut zip, b"1.1/KXX hoXXch.pdf", b"1.1/K\xea\xec hoa\xf2ch.pdf");
    // "Báo cáo" from a US Windows (cp437): á is 0xA0.
    patch_name(&mut zip, b"1.2/BXo cXo.pdf", b"1.2/B\xa0o c\xa0o.pdf");
    let path = input.path().join("xa-ten.zip");
    fs::write(&path, zip).unwrap();

    let run = check(&[&path], &[]);
    for (name, criterion) in [("1.1/Kế hoạch.pdf", "1.1"), ("1.2/Báo cáo.pdf", "1.2")] {
        let record = file(&run.report, name);
        assert_eq!(record["criteria"][0], criterion, "attached by its Vietnamese name: {record}");
        assert!(record["sha256"].is_string(), "read: {record}");
    }
    let missing: Vec<FindingKey> = findings(&run.report).into_iter().filter(|f| f.0 == "KC504").collect();
    assert!(missing.is_empty(), "{missing:?}");
}

/// Entries are cached by content like files: a second run over the zip answers from the cache
/// and prints what an uncached run prints.
#[test]
fn a_zip_read_through_the_cache_gives_the_same_report() {
    let zips = tempfile::tempdir().unwrap();
    let zip = zips.path().join("ubnd-xa-demo.zip");
    fs::write(&zip, zip_folder(Path::new(DEMO_UNIT), None)).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let uncached = check(&[&zip], &[]);
    let cache_arg = cache.path().to_str().unwrap();
    let first = check(&[&zip], &["--cache", cache_arg]);
    let stored = fs::metadata(cache.path().join("facts.redb")).unwrap().len();
    let second = check(&[&zip], &["--cache", cache_arg]);
    assert!(stored > 0);
    for run in [&first, &second] {
        assert_eq!(run.report["findings"], uncached.report["findings"]);
        assert_eq!(run.report["files"], uncached.report["files"]);
    }
}

/// A zip attached as evidence inside a unit folder stays evidence (KC604), not a folder.
#[test]
fn a_zip_inside_a_unit_stays_evidence() {
    let input = tempfile::tempdir().unwrap();
    let unit = input.path().join("xa-a");
    fs::create_dir_all(unit.join("1.1")).unwrap();
    fs::write(unit.join("tu-cham.csv"), format!("{HEADER}1.1,Kế hoạch,1,1,Tại Mục I,kh.zip\n")).unwrap();
    fs::write(unit.join("1.1/kh.zip"), unit_with(&[])).unwrap();
    let run = check(&[&unit], &[]);
    assert_eq!(run.report["summary"]["units"], 1);
    assert_eq!(file(&run.report, "1.1/kh.zip")["status"], "ok");
    assert!(findings(&run.report).iter().any(|f| f.0 == "KC604" && f.3 == "1.1/kh.zip"));
}

/// Two entries under one name: the zip reader keeps one, so the other can be neither listed nor
/// read; the run says so instead of losing it in silence.
#[test]
fn entries_under_a_name_used_twice_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip_entries(&[("don-vi/a.txt", b"first"), ("don-vi/b.txt", b"second")]);
    // Renamed in place, in the local header and the central directory (same length).
    for at in 0..bytes.len() - 12 {
        if &bytes[at..at + 12] == b"don-vi/b.txt" {
            bytes[at + 7] = b'a';
        }
    }
    let zip = dir.path().join("don-vi.zip");
    fs::write(&zip, &bytes).unwrap();
    let run = check(&[&zip], &[]);
    assert!(run.stderr.contains("1 mục trùng tên"), "{}", run.stderr);
    let files = run.report["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    // A zip without duplicates says nothing of the kind.
    let plain = dir.path().join("khac.zip");
    fs::write(&plain, zip_entries(&[("khac/a.txt", b"first"), ("khac/b.txt", b"second")])).unwrap();
    assert!(!check(&[&plain], &[]).stderr.contains("trùng tên"));
}
