//! `kiemchung serve` hosted by a province for all its units: `serve-worker` taking `check`'s
//! options from one definition.

#[path = "common/serve.rs"]
mod serve;

use serve::BIN;
use std::process::Command;

/// A flag's entry in `--help`, its words only (columns and wrapping differ between commands).
fn flag_help(help: &str, flag: &str) -> String {
    let mut lines = help.lines().skip_while(|line| !line.contains(&format!("{flag} ")));
    let first = lines.next().unwrap_or_default();
    let rest = lines.take_while(|line| !line.trim_start().starts_with('-'));
    std::iter::once(first).chain(rest).flat_map(str::split_whitespace).collect::<Vec<_>>().join(" ")
}

#[test]
fn serve_worker_takes_checks_options_from_one_definition_in_checks_order() {
    let help = |args: &[&str]| {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let check = help(&["check", "--help"]);
    let order = [
        "--catalog",
        "--year",
        "--cutoff",
        "--trust",
        "--format",
        "--output",
        "--select",
        "--ignore",
        "--jobs",
        "--fail-on",
        "--cache",
        "--no-cache",
        "--no-ocr",
    ];
    let at: Vec<usize> = order.iter().map(|flag| check.find(&format!("{flag} ")).expect(flag)).collect();
    assert!(at.windows(2).all(|pair| pair[0] < pair[1]), "check --help order changed:\n{check}");
    let worker = help(&["serve-worker", "--help"]);
    for flag in ["--catalog", "--year", "--cutoff", "--trust", "--jobs", "--cache", "--no-cache", "--no-ocr"] {
        let (in_worker, in_check) = (flag_help(&worker, flag), flag_help(&check, flag));
        assert!(in_check.len() > flag.len() + 10, "{flag}: {in_check}");
        assert_eq!(in_worker, in_check, "{flag}");
    }
    for own in ["--format", "--select", "--fail-on"] {
        assert!(!worker.contains(own), "{own} is check's own");
    }
}
