//! kiemchung: checks the evidence files of a PAR INDEX self-assessment and flags what an
//! appraisal council would score zero. `check` runs the pipeline: discover → workbook + catalog →
//! facts per file (parallel) → checks (pure) → report.

pub mod annex;
pub mod archive;
pub mod assessment;
pub mod attach;
pub mod budget;
pub mod cache;
pub mod catalog;
pub mod checks;
mod config;
pub mod container;
pub mod discover;
mod error;
pub mod explain;
pub mod facts;
mod interned;
pub mod model;
pub mod ocr;
pub mod report;
pub mod sheet;
pub mod sniff;
pub mod template;
pub mod vn;

mod pipeline;
mod records;
pub mod rules;
mod spill;
mod unit;

pub use config::{Config, ConfigBuilder, Progress, ProgressFn};
pub use error::Error;
pub use model::{FileRecord, Finding, Report};
pub use pipeline::{check, check_streamed, Run, Streamed};
