//! Pure parsers for Vietnamese administrative text. Nothing here opens a file.

pub mod citation;
pub mod date;
pub mod garbled;
pub mod header;
pub mod legacy;
pub mod number;
pub mod organization;
pub mod outline;
pub mod text;
