//! A run's files and findings are set aside as units are judged and written from there: the report
//! written from the spill, in memory or on disk, is the report made whole, byte for byte, in every
//! format, and whatever the number of threads.

use kiemchung::model::Lang;
use kiemchung::report::{self, Format, RenderOptions};
use kiemchung::{check, check_streamed, Config};
use std::path::Path;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");

/// A province of three copies of the demo unit, one of them with a workbook but no evidence.
fn province(root: &Path) {
    for unit in ["so-a", "so-b", "so-c"] {
        let target = root.join(unit);
        std::fs::create_dir_all(&target).unwrap();
        for entry in walk(Path::new(DEMO)) {
            let rel = entry.strip_prefix(DEMO).unwrap();
            if unit == "so-c" && rel.extension().is_some_and(|e| e == "pdf") {
                continue;
            }
            let to = target.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &to).unwrap();
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn config(root: &Path, jobs: usize, spill_after: usize) -> Config {
    let mut trust = kiemchung::facts::signature::TrustStore::builtin();
    trust.add_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust"))).unwrap();
    Config::builder([root])
        .jobs(jobs)
        .trust(trust)
        .today(jiff::civil::date(2026, 12, 7))
        .spill_after(spill_after)
        .build()
}

#[test]
fn the_report_from_the_spill_is_the_report_made_whole() {
    let dir = tempfile::tempdir().unwrap();
    province(dir.path());
    let options = RenderOptions { lang: Lang::Vi, color: false };
    let whole = check(&config(dir.path(), 2, 16 << 20)).unwrap().report;
    assert_eq!(whole.units.len(), 3);
    assert!(whole.findings.len() > 10, "the demo has planted defects");
    // KC702 (the same file in several units) comes from after every unit: it is merged in too.
    assert!(whole.findings.iter().any(|f| f.code == "KC702"));
    for format in [Format::Json, Format::Jsonl, Format::Csv, Format::Text, Format::Html] {
        let expected = report::render(&whole, format, &options).unwrap();
        // Held in memory, then on disk from the first byte; one thread and two.
        for (jobs, spill_after) in [(1, 16 << 20), (2, 0), (1, 0)] {
            let streamed = check_streamed(&config(dir.path(), jobs, spill_after)).unwrap();
            let mut written = Vec::new();
            streamed.write(format, &options, &mut written).unwrap();
            assert!(
                written == expected,
                "{format:?}, --jobs {jobs}, spill after {spill_after} bytes: differs from the whole report"
            );
        }
    }
}
