//! Pure parsers for Vietnamese administrative text. Nothing here opens a file.

pub mod date;
pub mod header;
pub mod number;
pub mod text;
