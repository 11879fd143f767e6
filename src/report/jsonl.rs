//! `--format jsonl`: one JSON object per line, tagged by `"record"`: the run (tool and catalog),
//! each unit, each file, each finding, then the summary. Lines from several runs can be
//! concatenated and filtered with line tools; every object carries its unit.

use super::Items;
use crate::model::{CatalogInfo, FileRecord, Finding, Report, Summary, ToolInfo, UnitRecord};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
#[serde(tag = "record", rename_all = "lowercase")]
enum Line<'a> {
    Run { tool: &'a ToolInfo, catalog: &'a CatalogInfo },
    Unit(&'a UnitRecord),
    File(&'a FileRecord),
    Finding(&'a Finding),
    Summary(&'a Summary),
}

/// Streams the lines to `out`.
pub fn write(
    report: &Report,
    files: Items<FileRecord>,
    findings: Items<Finding>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut line = |record: Line| -> std::io::Result<()> {
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")
    };
    line(Line::Run { tool: &report.tool, catalog: &report.catalog })?;
    for unit in &report.units {
        line(Line::Unit(unit))?;
    }
    for file in files {
        line(Line::File(&*file?))?;
    }
    for finding in findings {
        line(Line::Finding(&*finding?))?;
    }
    line(Line::Summary(&report.summary))?;
    out.flush()
}
