//! The errors that end a run before it has a report. Everything about one file or one unit is a
//! status or a finding in the report instead; these are about the run itself. Messages are already
//! in the run's language.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path to check does not exist or cannot be read.
    #[error("{0}")]
    Input(String),
    /// The paths hold no file at all.
    #[error("{0}")]
    NothingToCheck(String),
    /// The assessment frame contradicts itself (a cutoff before the period, a year against the
    /// catalog, a year out of range).
    #[error("{0}")]
    Assessment(String),
    /// The cache would be written inside a folder being checked.
    #[error("{0}")]
    CacheInsideInput(String),
    /// Results set aside in a temporary file could not be written or read back.
    #[error("{0}")]
    Spill(String),
    /// Worker threads could not be started.
    #[error("{0}")]
    Threads(String),
}
