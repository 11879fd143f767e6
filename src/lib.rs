//! kiemchung: checks the evidence files of a PAR INDEX self-assessment and flags what an
//! appraisal council would score zero. `check` runs the pipeline: discover → workbook + catalog →
//! facts per file (parallel) → checks (pure) → report.
//!
//! The library's API is what this page shows: [`check`] and [`check_streamed`] with a [`Config`]
//! (built by [`ConfigBuilder`]), typed [`Error`]s, the report types in [`model`], the writers in
//! [`report`], the rule registry in [`rules`] and the facts in [`facts`]. The modules hidden from
//! these docs are public only for the `kiemchung` binary, the fuzz targets and the tests; they may
//! change without notice.

#[doc(hidden)]
pub mod annex;
#[doc(hidden)]
pub mod archive;
#[doc(hidden)]
pub mod assessment;
#[doc(hidden)]
pub mod attach;
pub mod budget;
#[doc(hidden)]
pub mod cache;
pub mod catalog;
#[doc(hidden)]
pub mod checks;
mod config;
#[doc(hidden)]
pub mod container;
#[doc(hidden)]
pub mod discover;
mod error;
#[doc(hidden)]
pub mod explain;
pub mod facts;
mod interned;
pub mod model;
#[doc(hidden)]
pub mod ocr;
#[doc(hidden)]
pub mod panics;
pub mod report;
#[doc(hidden)]
pub mod sheet;
#[doc(hidden)]
pub mod sniff;
#[doc(hidden)]
pub mod template;
#[doc(hidden)]
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
