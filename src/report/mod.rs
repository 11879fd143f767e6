//! Renderers: one file per format, each a function of the finished report.

pub mod json;
pub mod text;

use crate::model::{Lang, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

pub struct RenderOptions {
    pub lang: Lang,
    /// ANSI colours: only when writing to a terminal.
    pub color: bool,
}

pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Text => text::render(report, options),
        Format::Json => json::render(report),
    }
}
