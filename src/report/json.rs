//! `--format json`: the report as DESIGN.md fixes it; keys in declaration order, so equal runs
//! give byte-identical files.

use crate::model::Report;
use std::io::Write;

/// Streams the report (serde writes it straight to `out`, buffered, never whole in memory).
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, report)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
