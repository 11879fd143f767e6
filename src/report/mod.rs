//! Renderers: one file per format, each a function of the finished report.

pub mod csv;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod text;
pub mod xlsx;

use crate::model::{Lang, Report};

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

pub fn render(report: &Report, format: Format, options: &RenderOptions) -> Result<Vec<u8>, String> {
    Ok(match format {
        Format::Text => text::render(report, options).into_bytes(),
        Format::Json => json::render(report).into_bytes(),
        Format::Jsonl => jsonl::render(report),
        Format::Csv => csv::render(report, options),
        Format::Xlsx => xlsx::render(report, options)?,
        Format::Html => html::render(report, options).into_bytes(),
    })
}
