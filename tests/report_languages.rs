//! One language per report (issue 17): checked in Vietnamese over inputs that give every kind of
//! problem — the peer corpus of malformed and signed PDFs, signed PDFs whose byte range or CMS is
//! broken, truncated, empty and mislabelled files, a broken link, a link out of the tree, a FIFO,
//! folders nested too deep, a zip with an escaping name, a name used twice, a link and an entry
//! over budget, and every budget hit on purpose — no finding message, file `problem`, note or
//! not-judged reason holds a common English word; with `--lang en` none holds a Vietnamese letter.
//! What is data is left out first: quoted names, paths, certificate names, the workbook's column
//! names. Required in CI (`CI=true`): a missing `../shared/corpus/peer` fails there.

#[path = "common/demo_signed.rs"]
mod demo_signed;
#[path = "common/zipped.rs"]
mod zipped;

use demo_signed::{original, trust};
use kiemchung::archive::ArchiveBudget;
use kiemchung::facts::Budget;
use kiemchung::model::Lang;
use kiemchung::sheet::WorkbookBudget;
use kiemchung::{check, Config, Run};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use zipped::zip_entries;

const HEADER: &str = "Mã tiêu chí,Tên tiêu chí,Điểm tối đa,Điểm tự chấm,Giải trình,Tài liệu kiểm chứng\n";

/// Common English words, as whole words: none may be left in a Vietnamese report's own words. (Not
/// "an", "in", "to": Vietnamese words too, as in "an toàn", "bản in".)
const ENGLISH: &str = "\
    the of has have not is are was be bytes range ranges numbers past end error invalid failed failure \
    unsupported element cannot could does no and or with without from into on at for by which its it \
    this that file files page pages signature signatures read unreadable corrupt truncated missing \
    expected found unknown reader parser stream object objects entry entries size depth limit budget \
    over declared decompressed verify verified valid trusted revision digest certificate key token \
    timestamp offset length malformed mismatch panic permission denied directory such too deep link \
    broken outside special folder zip unzipped ratio rows cells sheet time couldn parse parsing input \
    cross reference table trailer header encrypted";

/// Vietnamese letters (with their tones), which an English report's own words never hold.
const VIETNAMESE: &str = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";

/// Vietnamese terms an English report names as they are: the workbook's column names (a reader
/// types them as they are) and the parts of a document its citations name (as printed).
const VIETNAMESE_TERMS: &[&str] =
    &["Mã tiêu chí", "Điểm tự chấm", "Giải trình", "Tài liệu kiểm chứng", "Mục", "Khoản", "Điểm", "Phần"];

fn peer_corpus() -> Option<PathBuf> {
    let peer = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/peer");
    if peer.join("malformed").is_dir() && peer.join("signed").is_dir() {
        return Some(peer);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the peer corpus is required in CI: {} is missing", peer.display());
    }
    eprintln!("\n*** REPORT LANGUAGES OVER THE PEER CORPUS NOT RUN: {} is missing ***\n", peer.display());
    None
}

/// The demo's signed PDF with its `/ByteRange` numbers rewritten in place (offsets never move).
fn with_byte_range(numbers: impl FnOnce(&[i64]) -> Vec<i64>) -> Vec<u8> {
    let bytes = original();
    let key = bytes.windows(10).position(|w| w == b"/ByteRange").unwrap();
    let open = key + bytes[key..].iter().position(|&b| b == b'[').unwrap();
    let close = open + bytes[open..].iter().position(|&b| b == b']').unwrap();
    let old: Vec<i64> =
        String::from_utf8_lossy(&bytes[open + 1..close]).split_whitespace().map(|n| n.parse().unwrap()).collect();
    let text = numbers(&old).iter().map(i64::to_string).collect::<Vec<_>>().join(" ");
    let width = close - open - 1;
    assert!(text.len() <= width, "the new /ByteRange fits in place");
    let mut out = bytes.clone();
    out[open + 1..close].copy_from_slice(format!("{text:<width$}").as_bytes());
    out
}

/// The demo's signed PDF with its `/Contents` (the CMS) zeroed: not a signature at all.
fn not_cms() -> Vec<u8> {
    let mut bytes = original();
    let key = bytes.windows(9).position(|w| w == b"/Contents").unwrap();
    let open = key + bytes[key..].iter().position(|&b| b == b'<').unwrap();
    let close = open + bytes[open..].iter().position(|&b| b == b'>').unwrap();
    bytes[open + 1..close].fill(b'0');
    bytes
}

/// Files of the hostile unit and zip that are not read, each with its problem: skipped (links, a
/// FIFO, folders too deep, a name leaving the zip, a link in it), unreadable, over budget.
const UNREAD: &[&str] = &[
    "lien-ket-hong.pdf",
    "ra-ngoai.pdf",
    "vong-lap",
    "ong.pdf",
    "/d/d",
    "../evil.pdf",
    "link.pdf",
    "lon.pdf",
    "cat-cut.pdf",
    "rong.pdf",
    "trang-web.pdf",
    "hong.pdf",
];

/// Signed files of the hostile unit whose signature is broken or cannot be verified.
const BROKEN_SIGNATURES: &[&str] = &["ky-chong.pdf", "ky-le.pdf", "ky-am.pdf", "ky-qua.pdf", "khong-cms.pdf"];

/// A unit whose files give every file problem and skip reason discovery and reading know.
fn hostile_unit(root: &Path, outside: &Path) -> PathBuf {
    let unit = root.join("don-vi");
    let evidence = unit.join("1.1");
    fs::create_dir_all(&evidence).unwrap();
    fs::write(unit.join("tu-cham.csv"), format!("{HEADER}1.1,Ke hoach,1,1,Tai Muc I,\n")).unwrap();
    let signed = original();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("ky-chong.pdf", with_byte_range(|r| vec![r[0], r[1], r[1] - 100, r[3] + 100 + (r[2] - r[1])])),
        ("ky-le.pdf", with_byte_range(|r| vec![r[0], r[1], r[2]])),
        ("ky-am.pdf", with_byte_range(|r| vec![0, -5, r[2], r[3]])),
        ("ky-qua.pdf", with_byte_range(|r| vec![r[0], r[1], r[2], r[3] + 1000])),
        ("khong-cms.pdf", not_cms()),
        ("cat-cut.pdf", signed[..signed.len() / 2].to_vec()),
        ("rong.pdf", Vec::new()),
        ("trang-web.pdf", b"<!DOCTYPE html><html><body>404</body></html>".to_vec()),
        ("hong.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()),
        ("bang.xlsx", b"PK\x03\x04 not a workbook at all".to_vec()),
    ];
    for (name, bytes) in files {
        fs::write(evidence.join(name), bytes).unwrap();
    }
    fs::write(outside.join("bi-mat.pdf"), &signed).unwrap();
    std::os::unix::fs::symlink(evidence.join("khong-co.pdf"), evidence.join("lien-ket-hong.pdf")).unwrap();
    std::os::unix::fs::symlink(outside.join("bi-mat.pdf"), evidence.join("ra-ngoai.pdf")).unwrap();
    std::os::unix::fs::symlink(&unit, evidence.join("vong-lap")).unwrap();
    assert!(Command::new("mkfifo").arg(evidence.join("ong.pdf")).status().unwrap().success());
    let deep: PathBuf = std::iter::repeat_n("d", kiemchung::discover::MAX_DEPTH + 2).collect();
    fs::create_dir_all(unit.join(&deep)).unwrap();
    unit
}

/// A unit zip with a name that leaves it, a name used twice, a link, and an entry over the entry
/// budget the runs use.
fn hostile_zip(root: &Path) -> PathBuf {
    let sheet = format!("{HEADER}1.1,Ke hoach,1,1,Tai Muc I,kh.pdf\n");
    let signed = original();
    let large = vec![7u8; 600_000];
    let entries: Vec<(&str, &[u8])> = vec![
        ("xa-nen/tu-cham.csv", sheet.as_bytes()),
        ("xa-nen/1.1/kh.pdf", &signed),
        ("xa-nen/1.1/a.txt", b"first"),
        ("xa-nen/1.1/b.txt", b"second"),
        ("../evil.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("xa-nen/1.1/lon.pdf", &large),
    ];
    let mut bytes = zip_entries(&entries);
    {
        let mut out = zip::ZipWriter::new_append(std::io::Cursor::new(&mut bytes)).unwrap();
        out.add_symlink("xa-nen/1.1/link.pdf", "/etc/passwd", zip::write::SimpleFileOptions::default()).unwrap();
        out.finish().unwrap();
    }
    // `b.txt` renamed `a.txt` in place, in the local header and in the central directory (last:
    // appending rewrites the directory, keeping one entry per name).
    for at in 0..bytes.len() - 5 {
        if &bytes[at..at + 5] == b"b.txt" {
            bytes[at] = b'a';
        }
    }
    let zip = root.join("xa-nen.zip");
    fs::write(&zip, bytes).unwrap();
    zip
}

fn run(paths: &[PathBuf], budget: Budget, lang: Lang) -> Run {
    let config = Config::builder(paths.iter().cloned())
        .lang(lang)
        .jobs(2)
        .budget(budget)
        .trust(trust())
        .today(jiff::civil::date(2026, 12, 7))
        .build();
    check(&config).expect("the run has a report")
}

/// Every piece of a run's own words, with what it is: finding messages, file problems, notes,
/// not-judged reasons.
fn pieces(run: &Run) -> Vec<(String, String)> {
    let report = &run.report;
    let mut out = Vec::new();
    for finding in &report.findings {
        out.push((format!("{} message", finding.code), finding.message.clone()));
    }
    for file in &report.files {
        if let Some(problem) = &file.problem {
            out.push((format!("problem of {}", file.path), problem.clone()));
        }
        for rule in &file.not_judged {
            out.push((format!("{} not judged for {}", rule.code, file.path), rule.reason.clone()));
        }
    }
    for note in &run.notes {
        out.push(("note".into(), note.clone()));
    }
    out
}

/// What a run names that is data, not its own words: paths, units, certificate names (whole and
/// each `CN=`/`O=`… value), Vietnamese terms; longest first.
fn data(run: &Run) -> Vec<String> {
    let report = &run.report;
    let mut data: Vec<String> = VIETNAMESE_TERMS.iter().map(|c| c.to_string()).collect();
    for file in &report.files {
        data.push(file.path.clone());
        data.extend(file.path.rsplit('/').next().map(str::to_string));
        for signature in &file.signatures {
            for name in [&signature.signer, &signature.issuer].into_iter().flatten() {
                data.push(name.clone());
                data.extend(name.split(',').filter_map(|rdn| rdn.split_once('=')).map(|(_, v)| v.trim().to_string()));
            }
        }
    }
    data.extend(report.units.iter().flat_map(|u| [u.id.clone(), u.path.clone()]));
    data.retain(|d| d.chars().count() > 2);
    data.sort_by_key(|d| std::cmp::Reverse(d.len()));
    data.dedup();
    data
}

/// `text` without what is quoted ('…', "…") and without the run's data.
fn own_words(text: &str, data: &[String]) -> String {
    let mut out = text.to_string();
    for value in data {
        out = out.replace(value.as_str(), " ");
    }
    let quoted = regex::Regex::new(r#"'[^']*'|"[^"]*"|“[^”]*”"#).unwrap();
    quoted.replace_all(&out, " ").into_owned()
}

fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| ENGLISH.split_whitespace().any(|e| e.eq_ignore_ascii_case(word)))
        .map(str::to_string)
        .collect()
}

fn vietnamese_letters(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.to_lowercase().any(|l| VIETNAMESE.contains(l))).collect()
}

/// What in `run` is in the wrong language, one line per piece.
fn wrong_language(run: &Run, lang: Lang) -> Vec<String> {
    let data = data(run);
    let mut wrong = Vec::new();
    for (what, text) in pieces(run) {
        let own = own_words(&text, &data);
        match lang {
            Lang::Vi => {
                let english = english_words(&own);
                if !english.is_empty() {
                    wrong.push(format!("{what}: {english:?} in {text:?}"));
                }
            }
            Lang::En => {
                let letters = vietnamese_letters(&own);
                if !letters.is_empty() {
                    wrong.push(format!("{what}: {letters:?} in {text:?}"));
                }
            }
        }
    }
    wrong
}

#[test]
fn the_checkers_detectors_catch_what_they_look_for() {
    assert_eq!(english_words("tệp hỏng (corrupt: no pages)"), ["corrupt", "no", "pages"]);
    assert!(english_words("vùng ký có số âm; RSA, SHA-1, 1.2.840.113549, PDF, byte").is_empty());
    assert_eq!(vietnamese_letters("The file (không đọc được)").len(), 6);
    assert!(vietnamese_letters("The file is empty (0 bytes).").is_empty());
    let data = vec!["CN=Test Signer".to_string(), "Test Signer".to_string()];
    assert_eq!(own_words("Chữ ký 'Sig1' (Test Signer) của 'the file'", &data).trim(), "Chữ ký   ( ) của");
}

/// Every file problem, skip reason, signature problem and note, in both languages.
#[test]
fn hostile_inputs_are_reported_in_one_language() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let unit = hostile_unit(root.path(), outside.path());
    let zip = hostile_zip(root.path());
    let loose = root.path().join("khong-bang");
    fs::create_dir_all(&loose).unwrap();
    fs::write(loose.join("le.pdf"), b"%PDF-1.4\n").unwrap();
    let mut paths = vec![unit, zip, loose];
    if let Some(peer) = peer_corpus() {
        paths.extend([peer.join("malformed"), peer.join("signed")]);
    }
    let budget =
        Budget { archive: ArchiveBudget { max_entry_bytes: 500_000, ..ArchiveBudget::default() }, ..Budget::default() };
    let mut wrong = Vec::new();
    for lang in [Lang::Vi, Lang::En] {
        let run = run(&paths, budget.clone(), lang);
        // Every hostile input made above gave what it was made for.
        let record = |name: &str| run.report.files.iter().find(|f| f.path.ends_with(name));
        for name in UNREAD {
            let problem = record(name).and_then(|f| f.problem.as_ref());
            assert!(problem.is_some(), "{lang:?}: {name} has no problem: {:?}", record(name));
        }
        for name in BROKEN_SIGNATURES {
            let told = run.report.findings.iter().any(|f| {
                f.file.as_deref().is_some_and(|file| file.ends_with(name)) && matches!(f.code, "KC102" | "KC108")
            });
            assert!(told, "{lang:?}: no KC102/KC108 for {name}");
        }
        for said in ["khong-bang", "xa-nen.zip"] {
            assert!(run.notes.iter().any(|note| note.contains(said)), "{lang:?}: no note on {said}: {:?}", run.notes);
        }
        wrong.extend(wrong_language(&run, lang).into_iter().map(|w| format!("{lang:?} {w}")));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Each budget hit on purpose, one run each, over the demo's signed PDF, a workbook and a zip of
/// units: the budget is named in the reader's language in the finding and in the file's problem.
#[test]
fn every_budget_hit_is_named_in_the_readers_language() {
    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("don-vi");
    fs::create_dir_all(unit.join("1.1")).unwrap();
    fs::write(unit.join("tu-cham.csv"), format!("{HEADER}1.1,Ke hoach,1,1,Tai Muc I,ky.pdf\n1.2,Bao cao,1,1,,\n"))
        .unwrap();
    fs::write(unit.join("1.1/ky.pdf"), original()).unwrap();
    let sheet = format!("{HEADER}1.1,Ke hoach,1,1,Tai Muc I,kh.pdf\n");
    let nested = zip_entries(&[("xa-b.zip", &zip_entries(&[("xa-b/tu-cham.csv", sheet.as_bytes())]))]);
    let zip = root.path().join("tinh.zip");
    fs::write(&zip, zip_entries(&[("xa-a/tu-cham.csv", sheet.as_bytes()), ("huyen.zip", &nested)])).unwrap();
    let paths = vec![unit, zip];

    let default = Budget::default();
    let tight: Vec<(&str, Budget)> = vec![
        ("objects", Budget { max_objects: 3, ..default.clone() }),
        ("tokens", Budget { max_tokens: 10, ..default.clone() }),
        ("pages", Budget { max_pages: 0, ..default.clone() }),
        ("signatures", Budget { max_signatures: 0, ..default.clone() }),
        ("hashed bytes", Budget { max_hashed_bytes: 100, ..default.clone() }),
        ("certificates", Budget { max_certificates: 0, ..default.clone() }),
        ("file size", Budget { max_file_bytes: 1_000, max_parse_bytes: 500, ..default.clone() }),
        ("parsed size", Budget { max_parse_bytes: 500, ..default.clone() }),
        ("operators", Budget { max_page_operations: 2, ..default.clone() }),
        ("decoded bytes", Budget { max_decoded_bytes: 10, ..default.clone() }),
        ("rows", Budget { workbook: WorkbookBudget { max_rows: 1, ..WorkbookBudget::default() }, ..default.clone() }),
        (
            "zip entries",
            Budget { archive: ArchiveBudget { max_entries: 1, ..ArchiveBudget::default() }, ..default.clone() },
        ),
        ("zip nesting", default.clone()),
    ];
    let mut wrong = Vec::new();
    for (what, budget) in tight {
        for lang in [Lang::Vi, Lang::En] {
            let run = run(&paths, budget.clone(), lang);
            let over =
                run.report.files.iter().filter(|f| serde_json::to_string(&f.status).unwrap() == "\"over-budget\"");
            let over: Vec<&str> = over.filter_map(|f| f.problem.as_deref()).collect();
            let named = lang.pick("vượt giới hạn", "limit");
            let in_findings = run.report.findings.iter().any(|f| f.message.contains(named));
            assert!(!over.is_empty() || in_findings, "{what} {lang:?}: no budget hit: {:#?}", pieces(&run));
            wrong.extend(wrong_language(&run, lang).into_iter().map(|w| format!("{what} {lang:?} {w}")));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
