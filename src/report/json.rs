//! `--format json`: the report as DESIGN.md fixes it; keys in declaration order, so equal runs
//! give byte-identical files.

use crate::model::Report;

pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("report is plain data");
    text.push('\n');
    text
}
