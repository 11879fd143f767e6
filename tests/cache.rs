//! The facts cache: a cached run prints exactly what an uncached one does; a corrupt store is
//! rebuilt; a cache never answers for other trust anchors; it never lives in the input tree.

use kiemchung::cache::FactsCache;
use std::path::Path;
use std::process::{Command, Output};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
const TRUST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trust");

fn check(extra: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", DEMO, "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Entries in the store at `dir` (the fingerprint does not matter for counting).
fn stored_facts(dir: &Path) -> u64 {
    FactsCache::open(dir, String::new()).unwrap().stored_count().unwrap()
}

fn files_under(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| if path.is_dir() { files_under(&path) } else { 1 })
        .sum()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_cached_run_gives_the_same_bytes_as_an_uncached_one() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().to_str().unwrap();
    let uncached = check(&["--trust", TRUST, "--no-cache"]);
    let filling = check(&["--trust", TRUST, "--cache", cache]);
    let filled = stored_facts(dir.path());
    let cached = check(&["--trust", TRUST, "--cache", cache]);
    assert_eq!(filling.stdout, uncached.stdout);
    assert_eq!(cached.stdout, uncached.stdout);
    // Not the store's size: redb also writes its allocator state when it closes, so the file may
    // grow by a page even when no facts were added.
    assert_eq!(filled, files_under(Path::new(DEMO)), "every file's facts were stored");
    assert_eq!(stored_facts(dir.path()), filled, "a fully cached run adds nothing");
    assert!(stderr(&cached).is_empty(), "{}", stderr(&cached));
}

#[test]
fn a_corrupt_store_is_rebuilt_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("facts.redb");
    std::fs::write(&store, b"this is not a redb file, and certainly not facts").unwrap();
    let cache = dir.path().to_str().unwrap();
    let uncached = check(&["--trust", TRUST, "--no-cache"]);
    assert_eq!(check(&["--trust", TRUST, "--cache", cache]).stdout, uncached.stdout);
    assert!(!std::fs::read(&store).unwrap().starts_with(b"this is not"), "rebuilt");
    assert_eq!(check(&["--trust", TRUST, "--cache", cache]).stdout, uncached.stdout);
}

#[test]
fn facts_cached_under_one_trust_store_are_not_reused_under_another() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().to_str().unwrap();
    check(&["--trust", TRUST, "--cache", cache]);
    let without_root = check(&["--cache", cache]);
    assert_eq!(without_root.stdout, check(&["--no-cache"]).stdout);
    let report: serde_json::Value = serde_json::from_slice(&without_root.stdout).unwrap();
    assert!(report["findings"].as_array().unwrap().iter().any(|f| f["code"] == "KC105"), "untrusted without the root");
}

#[test]
fn the_cache_never_lives_in_the_input_tree() {
    let input = tempfile::tempdir().unwrap();
    let unit = input.path().join("don-vi");
    std::fs::create_dir(&unit).unwrap();
    std::fs::copy(Path::new(DEMO).join("ubnd-xa-demo/tu-cham-diem.xlsx"), unit.join("tu-cham-diem.xlsx")).unwrap();
    let inside = input.path().join(".cache");
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", input.path().to_str().unwrap(), "--cache", inside.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--cache"), "{}", stderr(&out));
    assert!(!inside.exists(), "nothing written in the input tree");

    // Relative, not yet created, through `..`: still inside the folder being checked.
    let out = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .current_dir(input.path())
        .args(["check", ".", "--cache", "don-vi/../don-vi/bo-dem"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--cache"), "{}", stderr(&out));
    assert!(!unit.join("bo-dem").exists(), "nothing written in the input tree");
}

/// A cache that cannot be opened costs only speed, and the note says so in the run's language:
/// no English error of the store or the system in a Vietnamese run.
#[test]
fn a_cache_that_cannot_be_opened_is_told_in_the_runs_language() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("bo-nho-dem");
    std::fs::write(&not_a_folder, b"a file, not a folder").unwrap();
    let cache = not_a_folder.to_str().unwrap();
    let vietnamese = stderr(&check(&["--trust", TRUST, "--cache", cache]));
    assert!(vietnamese.contains("không dùng được bộ nhớ đệm"), "{vietnamese}");
    let note = vietnamese.lines().find(|l| l.contains("bộ nhớ đệm")).unwrap();
    for english in ["error", "directory", "exists", "Not a", "os "] {
        assert!(!note.contains(english), "English in a Vietnamese note: {note}");
    }
    let english = stderr(&check(&["--trust", TRUST, "--cache", cache, "--lang", "en"]));
    assert!(english.contains("cache unavailable"), "{english}");
}
