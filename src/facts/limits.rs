//! The limits every parser runs under, in one place: the PDF readers', the signature checks', the
//! workbook readers' (kept beside their reader) and the zip reader's. What a hit says: [`crate::budget`].

use super::memory;
use std::time::Duration;

/// Limits every parser runs under.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Files larger than this are not read at all.
    pub max_file_bytes: u64,
    /// Files larger than this are hashed but not parsed: a parse holds a few copies of the bytes.
    pub max_parse_bytes: u64,
    /// Per stream, when decompressing.
    pub max_stream_bytes: usize,
    pub max_pages: usize,
    /// Indirect objects per PDF: beyond this, revisions and text are not worth walking.
    pub max_objects: usize,
    /// Checked between pages; a file still being read then is marked over budget.
    pub deadline: Duration,
    /// Stream bytes decoded per file, all filters, a stream drawn by many pages counted each time.
    pub max_decoded_bytes: usize,
    /// Content operators interpreted on one page, its forms included.
    pub max_page_operations: usize,
    /// Form XObjects drawn per page, counted every time one is drawn (fan-out, not only depth).
    pub max_form_visits: usize,
    /// Tokens outside streams, counted before parsing: lopdf keeps each as an object of tens of bytes.
    pub max_tokens: usize,
    /// How much page text to read: all of it, or only the header page when the selected rules need
    /// no more (`--select KC1`: a signature audit, several times faster).
    pub text: TextScope,
    /// OCR for scans and unreadable layers (`None`: off or not installed).
    pub ocr: Option<std::sync::Arc<crate::ocr::Ocr>>,
    /// Signature dictionaries verified per PDF.
    pub max_signatures: usize,
    /// Certificates in one CMS (signature or timestamp token) that a path is built over.
    pub max_certificates: usize,
    /// CRL and OCSP bytes per PDF: the DSS and every signature's own, together.
    pub max_revocation_bytes: usize,
    /// Bytes hashed over `/ByteRange` per PDF, every signature together.
    pub max_hashed_bytes: u64,
    /// Later revisions compared per PDF (each is a whole PDF to load).
    pub max_revisions: usize,
    /// Rows, cells, text, shared strings and merged regions of a workbook (xlsx, xls, ods, csv).
    pub workbook: crate::sheet::WorkbookBudget,
    /// Zips read as unit or province folders: entries, inflated bytes, ratio, nesting.
    pub archive: ArchiveBudget,
    /// The time a signature that names no signing time is validated at (`None`: the clock). Facts
    /// that depend on it are never cached: they would be tomorrow's answer to today's question.
    pub validation_time: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextScope {
    /// No page text (a pure signature audit).
    None,
    /// Page 1 (or 2, when 1 is a cover): the issuing body for KC107.
    Header,
    All,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_file_bytes: 256 * 1024 * 1024,
            max_parse_bytes: memory::POOL_BYTES / 3,
            max_stream_bytes: 32 * 1024 * 1024,
            max_pages: 2_000,
            max_objects: 1_000_000,
            deadline: Duration::from_secs(30),
            max_decoded_bytes: 256 * 1024 * 1024,
            max_page_operations: 5_000_000,
            max_form_visits: 10_000,
            max_tokens: 750_000,
            text: TextScope::All,
            ocr: None,
            max_signatures: 50,
            max_certificates: 500,
            max_revocation_bytes: 16 * 1024 * 1024,
            max_hashed_bytes: 2 * 1024 * 1024 * 1024,
            max_revisions: 64,
            workbook: crate::sheet::WorkbookBudget::default(),
            archive: ArchiveBudget::default(),
            validation_time: None,
        }
    }
}

/// Limits on one zip submission (a unit or a province given as a zip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveBudget {
    /// Entries in the central directory (a province of 300 units holds about 20,000 files).
    pub max_entries: usize,
    /// Bytes one entry declares, inflated (a file on disk has the same limit, `Budget::max_file_bytes`).
    pub max_entry_bytes: u64,
    /// Bytes all entries declare together, inflated.
    pub max_total_bytes: u64,
    /// Inflated : compressed, for entries above `RATIO_FLOOR`.
    pub max_ratio: u64,
    /// Zips opened inside a zip where a unit would be (a province zip of unit zips is one level).
    pub max_nesting: usize,
}

impl Default for ArchiveBudget {
    fn default() -> Self {
        ArchiveBudget {
            max_entries: 50_000,
            max_entry_bytes: 256 * 1024 * 1024,
            max_total_bytes: 16 * 1024 * 1024 * 1024,
            max_ratio: 200,
            max_nesting: 1,
        }
    }
}
