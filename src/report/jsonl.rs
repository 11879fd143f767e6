//! `--format jsonl`: one JSON object per line, tagged by `"record"`: the run (tool and catalog),
//! each unit, each file, each finding, then the summary. Lines from several runs can be
//! concatenated and filtered with line tools; every object carries its unit.

use crate::model::{CatalogInfo, FileRecord, Finding, Report, Summary, ToolInfo, UnitRecord};
use serde::Serialize;

#[derive(Serialize)]
#[serde(tag = "record", rename_all = "lowercase")]
enum Line<'a> {
    Run { tool: &'a ToolInfo, catalog: &'a CatalogInfo },
    Unit(&'a UnitRecord),
    File(&'a FileRecord),
    Finding(&'a Finding),
    Summary(&'a Summary),
}

pub fn render(report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    let mut line = |record: Line| {
        serde_json::to_writer(&mut out, &record).expect("report is plain data");
        out.push(b'\n');
    };
    line(Line::Run { tool: &report.tool, catalog: &report.catalog });
    report.units.iter().for_each(|unit| line(Line::Unit(unit)));
    report.files.iter().for_each(|file| line(Line::File(file)));
    report.findings.iter().for_each(|finding| line(Line::Finding(finding)));
    line(Line::Summary(&report.summary));
    out
}
