//! One check, in its own process (`kiemchung serve-worker`, hidden): started by the server in the
//! upload's folder, so the report names the unit by the path the clerk uploaded (as `check` run
//! there would) and never the server's own folders; a check that runs out of memory or is killed at
//! its deadline takes no other check and not the server with it. It writes the four reports into
//! `--out` and tells the server on stdout how far it is (`progress DONE TOTAL`) and, at the end, the
//! units it judged (`units [{"id", "claimed", "at_risk"}]`).

use crate::check_args::CheckArgs;
use kiemchung::check_streamed;
use kiemchung::model::Lang;
use kiemchung::report::{Format, RenderOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct WorkerArgs {
    /// The upload, relative to the current folder (a unit folder, a province folder or a .zip)
    path: PathBuf,
    /// Where report.{json,html,xlsx,csv} are written
    #[arg(long)]
    out: PathBuf,
    /// The same options as `check`, with the same meaning (the server passes its own trust, catalog
    /// and cache, never an upload's).
    #[command(flatten)]
    run: CheckArgs,
}

/// The formats a page offers, each the bytes `check --format F` writes.
pub const REPORT_FORMATS: [(&str, Format); 4] =
    [("json", Format::Json), ("html", Format::Html), ("xlsx", Format::Xlsx), ("csv", Format::Csv)];

pub fn run(args: WorkerArgs, lang: Lang) -> Result<u8, String> {
    let builder = args.run.resolve(lang)?.builder(vec![args.path], lang).progress(|progress| {
        // A closed pipe means the server is gone; the run ends on its own soon after.
        let _ = writeln!(std::io::stdout().lock(), "progress {} {}", progress.done, progress.total);
    });
    // As `check` does: files and findings stay in the spill until each report is written.
    let run = check_streamed(&builder.build()).map_err(|error| error.to_string())?;
    for note in &run.notes {
        eprintln!("kiemchung: {note}");
    }
    let options = RenderOptions { lang, color: false };
    for (extension, format) in REPORT_FORMATS {
        let path = args.out.join(format!("report.{extension}"));
        crate::write_atomically(&path, lang, |out| run.write(format, &options, out))?;
    }
    let units: Vec<serde_json::Value> = run
        .head
        .units
        .iter()
        .map(|unit| serde_json::json!({"id": unit.id, "claimed": unit.claimed, "at_risk": unit.at_risk}))
        .collect();
    println!("units {}", serde_json::Value::Array(units));
    if let Some(peak) = peak_rss_kib() {
        println!("peak_rss_kib {peak}");
    }
    Ok(0)
}

/// VmHWM of this process (Linux only): what the check cost in memory.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
