//! `--format json`: the report as DESIGN.md fixes it; keys in declaration order, so equal runs
//! give byte-identical files.

use super::Items;
use crate::assessment::Assessment;
use crate::model::{CatalogInfo, FileRecord, Finding, Report, Summary, ToolInfo, UnitRecord};
use serde::ser::{Error, SerializeSeq};
use serde::{Serialize, Serializer};
use std::cell::RefCell;
use std::io::Write;

/// The report's fields in `Report`'s order, its files and findings taken from their iterators.
#[derive(Serialize)]
struct Whole<'h, Files, Findings> {
    tool: &'h ToolInfo,
    catalog: &'h CatalogInfo,
    assessment: &'h Assessment,
    units: &'h [UnitRecord],
    files: Files,
    findings: Findings,
    summary: &'h Summary,
}

/// A JSON array written item by item as the iterator gives them.
struct Sequence<'i, 'a, T: Clone>(RefCell<Items<'i, 'a, T>>);

impl<T: Serialize + Clone> Serialize for Sequence<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut items = self.0.borrow_mut();
        let mut sequence = serializer.serialize_seq(None)?;
        for item in &mut *items {
            sequence.serialize_element(&*item.map_err(S::Error::custom)?)?;
        }
        sequence.end()
    }
}

/// Streams the report (serde writes it straight to `out`, buffered, never whole in memory).
pub fn write(
    head: &Report,
    files: Items<FileRecord>,
    findings: Items<Finding>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let whole = Whole {
        tool: &head.tool,
        catalog: &head.catalog,
        assessment: &head.assessment,
        units: &head.units,
        files: Sequence(RefCell::new(files)),
        findings: Sequence(RefCell::new(findings)),
        summary: &head.summary,
    };
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, &whole)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
