//! The progress bar: drawn on a terminal for a long run whose report is for people (text, or a file
//! written with --output); never mixed into JSON on the terminal, never down a pipe. Run under
//! `script` (util-linux) to get a terminal; skipped where it is missing.

use std::process::Command;
use std::sync::{Arc, Mutex};

/// Well above the number of files below which the command line draws no bar.
const FILES: usize = 500;

fn under_a_terminal(args: &str) -> Option<String> {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_kiemchung"));
    let out = Command::new("script").args(["-qec", &command, "/dev/null"]).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_bar_on_a_terminal_for_people_and_never_in_machine_output() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..FILES {
        std::fs::write(dir.path().join(format!("tep-{i}.txt")), format!("{i}")).unwrap();
    }
    let folder = dir.path().display();
    let report = dir.path().join("bao-cao.json");
    let Some(with_file) = under_a_terminal(&format!("check {folder} --no-cache --format json -o {}", report.display()))
    else {
        eprintln!("*** `script` not available: progress test skipped ***");
        return;
    };
    assert!(with_file.contains(&format!("/{} tệp", FILES)), "{with_file}");
    let json_on_terminal = under_a_terminal(&format!("check {folder} --no-cache --format json")).unwrap();
    assert!(!json_on_terminal.contains(" tệp ·"), "no bar inside JSON: {json_on_terminal:.300}");
    // Down a pipe (this test's own stderr is not a terminal): nothing but the note.
    let piped = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", &folder.to_string(), "--no-cache", "-o", report.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains(" tệp ·"));
}

/// The library draws nothing: it tells a callback, from its worker threads, how far it is; every
/// file is counted once and the last call says all are done.
#[test]
fn the_library_reports_progress_through_a_callback() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..37 {
        std::fs::write(dir.path().join(format!("tep-{i}.txt")), format!("{i}")).unwrap();
    }
    let seen: Arc<Mutex<Vec<kiemchung::Progress>>> = Arc::default();
    let sink = seen.clone();
    let config =
        kiemchung::Config::builder([dir.path()]).jobs(2).progress(move |p| sink.lock().unwrap().push(p)).build();
    let run = kiemchung::check(&config).unwrap();
    assert_eq!(run.report.files.len(), 37);
    let mut seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 37, "one call per file");
    assert!(seen.iter().all(|p| p.total == 37));
    seen.sort_by_key(|p| p.done);
    assert_eq!(seen.iter().map(|p| p.done).collect::<Vec<_>>(), (1..=37).collect::<Vec<_>>());
}
