//! Renderers: one file per format, each a function of the finished report.

pub mod csv;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod text;
pub mod xlsx;

use crate::model::{FileRecord, Finding, Lang, Report};
use std::borrow::Cow;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
    Xlsx,
    Html,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "html" => Some(Format::Html),
            _ => None,
        }
    }

    /// The format an output file's extension asks for (`ketqua.xlsx`); text for any other name.
    pub fn for_output(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("htm") => Format::Html,
            Some(extension) => Format::parse(extension).unwrap_or(Format::Text),
            None => Format::Text,
        }
    }
}

pub struct RenderOptions {
    pub lang: Lang,
    /// ANSI colours: only when writing to a terminal.
    pub color: bool,
}

/// The names `--format` accepts, for messages.
pub const FORMAT_NAMES: &str = "text, json, jsonl, csv, xlsx, html";

impl Format {
    /// Bytes a terminal cannot show.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
}

/// The report in `format`, in memory (tests, the server's downloads).
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    write(report, format, options, &mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Render(String),
}

/// A report's files or findings as they come: borrowed from a report in memory, or read back
/// from the spill one at a time (an error: the spill could not be read).
pub type Items<'i, 'a, T> = &'i mut dyn Iterator<Item = std::io::Result<Cow<'a, T>>>;

/// Writes the report in `format` to `out`.
pub fn write(report: &Report, format: Format, options: &RenderOptions, out: &mut dyn Write) -> Result<(), WriteError> {
    let mut files = report.files.iter().map(|file| Ok(Cow::Borrowed(file)));
    let mut findings = report.findings.iter().map(|finding| Ok(Cow::Borrowed(finding)));
    write_parts(report, &mut files, &mut findings, format, options, out)
}

/// Writes a report whose files and findings come one by one (`head`'s own lists are not read).
/// JSON, JSONL and CSV go out record by record, never whole in memory (a national report is
/// hundreds of megabytes); text, html and xlsx are made whole first: they are meant for one unit
/// or one province, and hold the whole report while they are drawn.
pub fn write_parts(
    head: &Report,
    files: Items<FileRecord>,
    findings: Items<Finding>,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    match format {
        Format::Json => json::write(head, files, findings, out)?,
        Format::Jsonl => jsonl::write(head, files, findings, out)?,
        Format::Csv => csv::write(findings, options, out)?,
        Format::Text | Format::Xlsx | Format::Html => {
            let whole = Report {
                files: files.map(|item| item.map(Cow::into_owned)).collect::<Result<_, _>>()?,
                findings: findings.map(|item| item.map(Cow::into_owned)).collect::<Result<_, _>>()?,
                ..head.clone()
            };
            match format {
                Format::Xlsx => out.write_all(&xlsx::render(&whole, options).map_err(WriteError::Render)?)?,
                Format::Html => out.write_all(html::render(&whole, options).as_bytes())?,
                _ => out.write_all(text::render(&whole, options).as_bytes())?,
            }
        }
    }
    Ok(out.flush()?)
}
