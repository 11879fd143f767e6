//! End-to-end tests of the binary: the demo unit, determinism, and every kind of bad input the
//! spine promises to survive with a clear message and the right exit code.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
const DEMO_EVIDENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/ubnd-xa-demo/evidence");
/// The demo's test PKI root (the evidence is signed under it), given as an extra trust anchor.
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");

fn kiemchung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiemchung")).args(args).output().expect("binary runs")
}

fn json_of(args: &[&str]) -> (Value, Output) {
    let mut all = vec!["check", "--format", "json", "--trust", TRUST];
    all.extend_from_slice(args);
    let out = kiemchung(&all);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (report, out)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn codes_for(report: &Value, file_suffix: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().is_some_and(|p| p.ends_with(file_suffix)))
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn status_of(report: &Value, file_suffix: &str) -> String {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(file_suffix))
        .expect("file listed")["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn count_files(dir: &Path) -> usize {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).map(|p| if p.is_dir() { count_files(&p) } else { 1 }).sum()
}

/// A unit folder in a temp dir with a CSV workbook and evidence copied from the demo.
fn unit_with(csv: &str, evidence: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("don-vi");
    fs::create_dir_all(&unit).unwrap();
    fs::write(unit.join("tu-cham.csv"), csv).unwrap();
    for (from, to) in evidence {
        let target = unit.join(to);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(Path::new(DEMO_EVIDENCE).join(from), target).unwrap();
    }
    dir
}

const HEADER: &str = "Mã tiêu chí,Tên tiêu chí,Điểm tối đa,Điểm tự chấm,Giải trình,Tài liệu kiểm chứng\n";

#[test]
fn demo_unit_reports_every_planted_defect_and_every_file() {
    let (report, out) = json_of(&[DEMO]);
    assert_eq!(out.status.code(), Some(1), "zero findings exit 1");
    let expect = [
        ("ttr-ve-viec-ban-hanh-ke-hoach-cai-cach-hanh-chinh-na.pdf", "KC202"),
        ("bc-ket-qua-kiem-tra-cong-tac-cai-cach-hanh-chinh-na.pdf", "KC201"),
        ("TTR_50_08032023.docx", "KC604"),
        ("KH_397_22052023.pdf", "KC603"),
        ("KH_397_22052023.pdf", "KC101"),
        ("ket-qua-danh-gia-xep-loai-chat-luong-can-bo-cong.pdf", "KC301"),
        ("17-bc-ubnd-cong-tac-bao-dam-an-toan-thong-tin-mang-nam-2023.pdf", "KC302"),
        ("tinh-hinh-thuc-hien-ke-hoach-phat-trien-kinh-te.pdf", "KC101"),
        ("bao-cao-thu-ngan-sach.pdf", "KC601"),
        ("BC_131_05122023.pdf", "KC504"),
        ("../xa-khac/dao-tao.pdf", "KC504"),
        ("theo-doi-tinh-hinh-thi-hanh-phap-luat-nam-2023.pdf", "KC103"),
        ("835-bc-ttr-ket-qua-tiep-nhan-xu-ly-phan-anh-kien-nghi-cua-c.pdf", "KC104"),
        ("239-bc-ubnd-ket-qua-thuc-hien-cong-khai-ngan-sach-nam-2023.pdf", "KC102"),
        ("276-bc-ubnd-ket-qua-ung-dung-cong-nghe-thong-tin-chuyen-doi.pdf", "KC105"),
    ];
    for (file, code) in expect {
        assert!(
            codes_for(&report, file).contains(&code.to_string()),
            "{code} on {file}: {:?}",
            codes_for(&report, file)
        );
    }
    let trusted = |suffix: &str| {
        report["files"].as_array().unwrap().iter().find(|f| f["path"].as_str().unwrap().ends_with(suffix)).unwrap()
            ["signatures"][0]["trusted"]
            .clone()
    };
    assert_eq!(
        trusted("835-bc-ttr-ket-qua-tiep-nhan-xu-ly-phan-anh-kien-nghi-cua-c.pdf"),
        false,
        "not valid when it signed"
    );
    assert_eq!(trusted("BC_271_13112023.pdf"), true);
    // Clean files carry no finding.
    assert!(codes_for(&report, "cai-cach-hanh-chinh-nam-2023.pdf").is_empty());
    assert!(codes_for(&report, "BC_271_13112023.pdf").is_empty());
    let rows: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].is_null())
        .map(|f| (f["criterion"].as_str().unwrap().to_string(), f["code"].as_str().unwrap().to_string()))
        .collect();
    assert!(rows.contains(&("5.4".into(), "KC501".into())), "{rows:?}");
    assert!(rows.contains(&("3.2.1".into(), "KC502".into())), "{rows:?}");
    // Every file on disk is in `files`, with a status.
    let on_disk = count_files(&Path::new(DEMO).join("ubnd-xa-demo"));
    assert_eq!(report["files"].as_array().unwrap().len(), on_disk);
    assert_eq!(status_of(&report, "bao-cao-thu-ngan-sach.pdf"), "unreadable");
    assert_eq!(status_of(&report, "tu-cham-diem.xlsx"), "ok");
    let unit = &report["units"][0];
    assert_eq!(unit["id"], "ubnd-xa-demo");
    assert!(unit["at_risk"].as_f64().unwrap() > 0.0 && unit["at_risk"].as_f64() <= unit["claimed"].as_f64());
}

#[test]
fn output_is_identical_for_every_job_count() {
    let one = kiemchung(&["check", DEMO, "--no-cache", "--format", "json", "--jobs", "1"]);
    let two = kiemchung(&["check", DEMO, "--no-cache", "--format", "json", "--jobs", "2"]);
    let eight = kiemchung(&["check", DEMO, "--no-cache", "--format", "json", "--jobs", "8"]);
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, eight.stdout);
}

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let out = kiemchung(&["check", "/khong/co/thu-muc-nay"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("không tồn tại"), "{}", stderr(&out));
}

#[test]
fn an_empty_folder_is_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let out = kiemchung(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("không có tệp nào"), "{}", stderr(&out));
}

#[test]
fn a_folder_without_workbook_checks_its_files_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        Path::new(DEMO_EVIDENCE).join("1.1/ttr-ve-viec-ban-hanh-ke-hoach-cai-cach-hanh-chinh-na.pdf"),
        dir.path().join("a.pdf"),
    )
    .unwrap();
    fs::copy(Path::new(DEMO_EVIDENCE).join("1.2/BC_271_13112023.pdf"), dir.path().join("b.pdf")).unwrap();
    let (report, out) = json_of(&[dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("không tìm thấy bảng tự chấm điểm"), "{}", stderr(&out));
    assert_eq!(codes_for(&report, "a.pdf"), vec!["KC202"]);
    assert!(codes_for(&report, "b.pdf").is_empty());
    assert_eq!(report["files"].as_array().unwrap().len(), 2);
}

#[test]
fn a_workbook_without_header_is_reported_and_the_evidence_still_checked() {
    let dir =
        unit_with("a,b,c\n1,2,3\n", &[("5.3/ket-qua-danh-gia-xep-loai-chat-luong-can-bo-cong.pdf", "TC 5.3/bc.pdf")]);
    let (report, out) = json_of(&[dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let workbook = codes_for(&report, "tu-cham.csv");
    assert_eq!(workbook, vec!["KC601"]);
    let message = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "KC601").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("dòng tiêu đề"), "{message}");
    // The folder named after criterion 5.3 still attaches its file.
    let blank = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "KC301").expect("evidence checked");
    assert_eq!(blank["criterion"], "5.3");
}

#[test]
fn a_corrupt_xlsx_is_an_unreadable_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("so-noi-vu");
    fs::create_dir_all(&unit).unwrap();
    fs::write(unit.join("tu-cham-diem.xlsx"), b"PK\x03\x04 this is not a zip archive at all").unwrap();
    let (report, out) = json_of(&[dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(codes_for(&report, "tu-cham-diem.xlsx"), vec!["KC601"]);
    assert_eq!(status_of(&report, "tu-cham-diem.xlsx"), "unreadable");
    assert_eq!(report["units"][0]["id"], "so-noi-vu");
}

#[test]
fn broken_evidence_files_get_a_verdict_and_the_run_goes_on() {
    let csv = format!(
        "{HEADER}1.1,Kế hoạch,1.5,1.5,Tại Mục I,rong.pdf; html.pdf; cut.pdf; cai-cach-hanh-chinh-nam-2023.pdf\n"
    );
    let dir = unit_with(&csv, &[("1.1/cai-cach-hanh-chinh-nam-2023.pdf", "evidence/cai-cach-hanh-chinh-nam-2023.pdf")]);
    let evidence = dir.path().join("don-vi/evidence");
    fs::write(evidence.join("rong.pdf"), b"").unwrap();
    fs::write(evidence.join("html.pdf"), b"<!DOCTYPE html><html><body>Loi 500</body></html>").unwrap();
    let whole = fs::read(Path::new(DEMO_EVIDENCE).join("1.2/BC_271_13112023.pdf")).unwrap();
    fs::write(evidence.join("cut.pdf"), &whole[..whole.len() / 3]).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/hostname", evidence.join("ra-ngoai.pdf")).unwrap();
        let fifo = evidence.join("ong.pdf");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    }
    let (report, out) = json_of(&[dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    for file in ["rong.pdf", "html.pdf", "cut.pdf"] {
        assert_eq!(codes_for(&report, file), vec!["KC601"], "{file}");
        assert_eq!(status_of(&report, file), "unreadable", "{file}");
    }
    assert!(codes_for(&report, "cai-cach-hanh-chinh-nam-2023.pdf").is_empty(), "the good file is unharmed");
    #[cfg(unix)]
    {
        assert_eq!(status_of(&report, "ra-ngoai.pdf"), "skipped");
        assert_eq!(status_of(&report, "ong.pdf"), "skipped");
    }
    let messages: Vec<&str> =
        report["findings"].as_array().unwrap().iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("rỗng")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("HTML")), "{messages:?}");
}

#[test]
fn the_input_tree_is_never_written() {
    let dir = unit_with(
        &format!("{HEADER}1.1,Kế hoạch,1.5,2,x,kh.pdf\n"),
        &[("1.1/cai-cach-hanh-chinh-nam-2023.pdf", "kh.pdf")],
    );
    let snapshot = |p: &Path| -> Vec<(PathBuf, u64, std::time::SystemTime)> {
        let mut all = Vec::new();
        for entry in fs::read_dir(p.join("don-vi")).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            all.push((entry.path(), meta.len(), meta.modified().unwrap()));
        }
        all.sort();
        all
    };
    let before = snapshot(dir.path());
    let out = kiemchung(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(before, snapshot(dir.path()));
}

#[test]
fn output_file_is_written_whole_and_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("ket-qua.json");
    let written = kiemchung(&["check", DEMO, "--format", "json", "--output", target.to_str().unwrap()]);
    assert_eq!(written.status.code(), Some(1));
    assert!(written.stdout.is_empty());
    let stdout = kiemchung(&["check", DEMO, "--format", "json"]);
    assert_eq!(fs::read(&target).unwrap(), stdout.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "a report others can read, not the temp file's 0600");
    }
    let missing = kiemchung(&["check", DEMO, "--output", dir.path().join("khong/co/x.json").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("không tồn tại"), "{}", stderr(&missing));
    // A folder given as the file, and a read-only file: refused before the run, file untouched.
    let folder = kiemchung(&["check", DEMO, "--output", dir.path().to_str().unwrap()]);
    assert_eq!(folder.status.code(), Some(2));
    assert!(stderr(&folder).contains("thư mục"), "{}", stderr(&folder));
    let protected = dir.path().join("chi-doc.xlsx");
    fs::write(&protected, b"keep").unwrap();
    let mut permissions = fs::metadata(&protected).unwrap().permissions();
    permissions.set_readonly(true);
    fs::set_permissions(&protected, permissions).unwrap();
    let out = kiemchung(&["check", DEMO, "--format", "xlsx", "--output", protected.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("chỉ đọc"), "{}", stderr(&out));
    assert_eq!(fs::read(&protected).unwrap(), b"keep");
}

#[test]
fn unknown_format_and_bad_cutoff_are_usage_errors() {
    let out = kiemchung(&["check", DEMO, "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pdf") && stderr(&out).contains("xlsx"), "the message lists the formats");
    let out = kiemchung(&["check", DEMO, "--cutoff", "31/13/2023"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn english_messages_with_lang_en() {
    let (report, _) = json_of(&[DEMO, "--lang", "en"]);
    let message = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "KC101").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(message, "The PDF carries no digital signature.");
    let text = kiemchung(&["check", DEMO, "--lang", "en"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("points claimed"));
}

#[test]
fn select_ignore_and_fail_on() {
    let (report, out) = json_of(&[DEMO, "--select", "KC5"]);
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(!codes.is_empty() && codes.iter().all(|c| c.starts_with("KC5")), "{codes:?}");
    assert_eq!(out.status.code(), Some(1));
    let (report, out) = json_of(&[DEMO, "--select", "KC603"]);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(out.status.code(), Some(0), "a warning alone passes --fail-on zero");
    let out = kiemchung(&["check", DEMO, "--select", "KC603", "--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(1));
    let (report, _) = json_of(&[DEMO, "--ignore", "KC1,KC6"]);
    assert!(report["findings"].as_array().unwrap().iter().all(|f| !f["code"].as_str().unwrap().starts_with("KC1")));
}

#[test]
fn rule_and_catalog_commands() {
    let out = kiemchung(&["rule", "KC202"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("placeholder-number") && text.contains("Vì sao"), "{text}");
    let out = kiemchung(&["--lang", "en", "rule", "kc202"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("How to fix"));
    assert_eq!(kiemchung(&["rule", "KC999"]).status.code(), Some(2));
    let list = kiemchung(&["rule"]);
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), kiemchung::checks::registry::RULES.len());
    let catalogs = String::from_utf8_lossy(&kiemchung(&["catalog"]).stdout).into_owned();
    assert!(catalogs.contains("tinh-2023") && catalogs.contains("xa-2023"));
    let shown = kiemchung(&["catalog", "tinh-2023"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("1.2"));
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("bo.toml");
    fs::write(&broken, "id = \"x\"\nname = \"y\"\nlevel = \"xa\"\nyear = 2023\nperiod_start = 2023-01-01\ncutoff = 2023-12-10\n[[criteria]]\ncode = \"1.1\"\ntitle = \"a\"\nkind = \"criterion\"\nmax = -1\n").unwrap();
    let out = kiemchung(&["check", DEMO, "--catalog", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("criteria[0]"), "{}", stderr(&out));
}

#[test]
fn inspect_shows_the_header_facts() {
    let file = format!("{DEMO_EVIDENCE}/1.1/ttr-ve-viec-ban-hanh-ke-hoach-cai-cach-hanh-chinh-na.pdf");
    let out = kiemchung(&["inspect", &file]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("…/TTr-UBND") && text.contains("ngày: 10/01/2023"), "{text}");
    assert_eq!(kiemchung(&["inspect", "/khong/co.pdf"]).status.code(), Some(2));
}

#[test]
fn without_the_test_root_signatures_are_untrusted_but_still_intact() {
    let out = kiemchung(&["check", "--format", "json", DEMO]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The Vietnamese roots are built in; the demo's test PKI is not among them.
    assert_eq!(codes_for(&report, "BC_271_13112023.pdf"), vec!["KC105"]);
    let file = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("BC_271_13112023.pdf"))
        .unwrap();
    let signature = &file["signatures"][0];
    assert_eq!(signature["intact"], true);
    assert_eq!(signature["valid"], true);
    assert_eq!(signature["trusted"], false);
    assert_eq!(signature["coverage"], "ENTIRE_FILE");
    assert_eq!(signature["modification_level"], "NONE");
    assert_eq!(signature["signing_time_source"], "M");
}

#[test]
fn a_trust_folder_without_certificates_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    let out = kiemchung(&["check", "--trust", empty.path().to_str().unwrap(), DEMO]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("không có chứng thư"), "{}", stderr(&out));
}

#[test]
fn a_signature_only_run_skips_the_text_and_finds_the_same_signature_problems() {
    let (full, _) = json_of(&[DEMO]);
    let (signatures_only, out) = json_of(&["--select", "KC1", DEMO]);
    assert_eq!(out.status.code(), Some(1));
    let kc1 = |report: &Value| -> Vec<Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"].as_str().unwrap().starts_with("KC1"))
            .cloned()
            .collect()
    };
    assert_eq!(kc1(&full), kc1(&signatures_only));
    assert!(!kc1(&full).is_empty());
    // The header page is still read (KC107 compares the issuing body with the signer).
    let number = |report: &Value| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with("BC_271_13112023.pdf"))
            .unwrap()["number"]
            .clone()
    };
    assert_eq!(number(&full), "271/BC-UBND");
    assert_eq!(number(&signatures_only), "271/BC-UBND");
    // Without KC107 no rule needs any text: no page is read at all.
    let (no_text, _) = json_of(&["--select", "KC1", "--ignore", "KC107", DEMO]);
    assert_eq!(kc1(&no_text), kc1(&full));
    assert!(number(&no_text).is_null());
}

#[test]
fn a_pdf_whose_cross_reference_table_had_to_be_rebuilt_gets_kc605() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes =
        fs::read(Path::new(DEMO_EVIDENCE).join("8.3/tinh-hinh-thuc-hien-ke-hoach-phat-trien-kinh-te.pdf")).unwrap();
    let at = bytes.windows(9).rposition(|w| w == b"startxref").unwrap() + 10;
    let digits = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    bytes[at..at + digits].fill(b'9');
    fs::write(dir.path().join("hong-xref.pdf"), &bytes).unwrap();
    let (report, _) = json_of(&["--select", "KC6", dir.path().to_str().unwrap()]);
    assert_eq!(codes_for(&report, "hong-xref.pdf"), vec!["KC605"]);
    assert_eq!(status_of(&report, "hong-xref.pdf"), "ok", "still read, and checked");
}

/// `--output /dev/null`, a FIFO and a symbolic link are written into, never replaced by a rename (as
/// root, a rename over /dev/null turned it into a plain file that every other program then read).
#[cfg(unix)]
#[test]
fn special_outputs_are_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let expected = kiemchung(&["check", DEMO, "--format", "json"]).stdout;

    let out = kiemchung(&["check", DEMO, "--format", "json", "--output", "/dev/null"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(fs::metadata("/dev/null").unwrap().file_type().is_char_device(), "/dev/null is still a device");

    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("that.json");
    fs::write(&real, b"old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    kiemchung(&["check", DEMO, "--format", "json", "--output", link.to_str().unwrap()]);
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(fs::read(&real).unwrap(), expected);

    let fifo = dir.path().join("pipe");
    if Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        let reader = Command::new("cat").arg(&fifo).stdout(std::process::Stdio::piped()).spawn().unwrap();
        kiemchung(&["check", DEMO, "--format", "json", "--output", fifo.to_str().unwrap()]);
        assert_eq!(reader.wait_with_output().unwrap().stdout, expected);
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO stays a FIFO");
    }
}

#[test]
fn codes_and_formats_as_a_clerk_types_them() {
    // A typo in --select is an error naming the close code, never a clean empty run.
    let out = kiemchung(&["check", "--no-cache", "--no-ocr", "--select", "KC1O1", DEMO]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("KC101"), "{}", stderr(&out));
    // Spaces after commas are fine: both codes are kept.
    let (report, _) = json_of(&["--no-cache", "--no-ocr", "--select", "KC101, KC202", DEMO]);
    let codes: std::collections::BTreeSet<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), ["KC101", "KC202"]);
    // --format follows --output's extension.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("ketqua.xlsx");
    let out = kiemchung(&["check", "--no-cache", "--no-ocr", "--trust", TRUST, "-o", xlsx.to_str().unwrap(), DEMO]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(&fs::read(&xlsx).unwrap()[..2], b"PK", "an xlsx workbook, not text");
    let json = dir.path().join("ketqua.json");
    kiemchung(&["check", "--no-cache", "--no-ocr", "--trust", TRUST, "-o", json.to_str().unwrap(), DEMO]);
    assert!(serde_json::from_slice::<Value>(&fs::read(&json).unwrap()).is_ok());
}
