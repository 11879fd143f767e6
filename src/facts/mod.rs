//! Facts per file: plain data extracted once, in parallel, under a budget. A file that cannot be
//! read becomes an outcome, never an abort; a panic in a parser is contained here.

mod annotations;
pub mod cmap;
pub mod content;
pub mod fallback;
pub mod fallback_gate;
pub mod glyphs;
mod limits;
pub mod memory;
pub mod open;
pub mod pdf;
pub mod prescan;
pub mod signature;
/// Kinds by content live in [`crate::sniff`] (a leaf: the workbook reader needs them too).
pub use crate::sniff;
pub mod text;

pub use crate::panics::panic_message;
pub use limits::{ArchiveBudget, Budget, TextScope};

use crate::budget::{BudgetHit, BudgetName};
use sha2::{Digest, Sha256};
use sniff::Kind;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    Empty,
    /// The extension promises one kind, the bytes are another (an HTML error page named .pdf).
    NotWhatExtensionSays {
        extension: String,
        found: Kind,
    },
    /// The parser refused it; its technical detail (English, shown in English reports only).
    Corrupt(String),
    /// A PDF without a page.
    NoPages,
    /// A workbook in which no sheet has the self-assessment's header row.
    NoWorkbookHeader,
    /// The file's end is lost (no final `%%EOF`): what could be read is kept, but nothing is
    /// concluded from what would have been at its end. `detail`: the parser's complaint, when it
    /// could not read the file at all.
    Truncated {
        size: usize,
        detail: Option<String>,
    },
    Io(open::IoFailure),
    /// A parser panicked (its message); contained, reported, the run goes on.
    Panic(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Empty => write!(f, "empty file"),
            Problem::NotWhatExtensionSays { extension, found } => {
                write!(f, "named .{extension} but the content is {}", found.as_str())
            }
            Problem::Corrupt(detail) => write!(f, "corrupt: {detail}"),
            Problem::NoPages => write!(f, "corrupt: no pages"),
            Problem::NoWorkbookHeader => write!(f, "corrupt: {NO_HEADER_EN}"),
            Problem::Truncated { size, detail: None } => write!(f, "truncated ({NO_EOF_EN}; {size} bytes)"),
            Problem::Truncated { size, detail: Some(detail) } => {
                write!(f, "truncated ({NO_EOF_EN}; {detail}; {size} bytes)")
            }
            Problem::Io(failure) => write!(f, "read error: {}", failure.detail),
            Problem::Panic(detail) => write!(f, "parser panic: {detail}"),
        }
    }
}

/// Why a PDF is truncated, in English.
pub const NO_EOF_EN: &str = "no %%EOF at the end of the file";
/// Why a workbook is not a self-assessment, in English.
pub const NO_HEADER_EN: &str =
    "no header row (Mã tiêu chí, Điểm tự chấm, Giải trình, Tài liệu kiểm chứng) on any sheet";

/// What reading the file came to.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    Ok,
    /// Corrupt, truncated, empty, or not what its extension says.
    Unreadable(Problem),
    Encrypted,
    /// A budget was hit: which one.
    OverBudget(BudgetHit),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileFacts {
    pub size: u64,
    pub sha256: Option<String>,
    pub kind: Kind,
    pub outcome: Outcome,
    pub pdf: Option<pdf::PdfFacts>,
}

/// Reads, hashes, sniffs and (for PDFs) parses one file. Never panics, never aborts.
pub fn extract(path: &Path, budget: &Budget, trust: &signature::TrustStore) -> FileFacts {
    extract_listed(path, None, budget, trust)
}

/// [`extract`] of a file discovery listed: opened without following a link, and only if it is
/// still the file listed (`id`), so a link or folder swapped since is never read.
pub fn extract_listed(
    path: &Path,
    id: Option<open::FileId>,
    budget: &Budget,
    trust: &signature::TrustStore,
) -> FileFacts {
    match load(path, id, budget) {
        Ok(loaded) => facts_from_bytes(&loaded.bytes, &loaded.extension, budget, trust, loaded.started),
        Err(facts) => *facts,
    }
}

/// A file's bytes, read within the budget, with the memory they will cost reserved until dropped.
pub struct LoadedFile {
    pub bytes: Vec<u8>,
    /// The file name's extension, lower case, without the dot.
    pub extension: String,
    /// When reading began: the per-file deadline counts from here.
    pub started: Instant,
    _permit: memory::Permit,
}

/// Opens and reads a file for its facts; `Err` holds the facts already known when there is
/// nothing to parse (it cannot be opened, it is too large, it is only hashed).
pub fn load(path: &Path, id: Option<open::FileId>, budget: &Budget) -> Result<LoadedFile, Box<FileFacts>> {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let started = Instant::now();
    let opened = match id {
        Some(id) => open::open_listed(path, Some(id)),
        None => std::fs::File::open(path),
    };
    let file = opened.map_err(|error| Box::new(unreadable_io(&error)))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    load_from(file, size, extension, started, budget)
}

/// [`load`] from any reader of `size` bytes (an entry of a zip): hashed only above the parse
/// budget, refused above the file budget, read whole otherwise.
pub fn load_from(
    mut reader: impl Read,
    size: u64,
    extension: String,
    started: Instant,
    budget: &Budget,
) -> Result<LoadedFile, Box<FileFacts>> {
    if size > budget.max_parse_bytes && size <= budget.max_file_bytes {
        return Err(Box::new(hashed_not_parsed(&mut reader, size, budget)));
    }
    // Held until the facts are made: the bytes and every parse of them.
    let permit = memory::reserve(size);
    match read_bounded(reader, size, budget.max_file_bytes) {
        Ok(Loaded::Whole(bytes)) => Ok(LoadedFile { bytes, extension, started, _permit: permit }),
        Ok(Loaded::TooLarge(size)) => Err(Box::new(over_file_budget(size, budget))),
        Err(error) => Err(Box::new(unreadable_io(&error))),
    }
}

/// A file (or zip entry) larger than the file budget: not read.
pub fn over_file_budget(size: u64, budget: &Budget) -> FileFacts {
    FileFacts {
        size,
        sha256: None,
        kind: Kind::Unknown,
        outcome: Outcome::OverBudget(BudgetHit::new(BudgetName::FileSize, size, budget.max_file_bytes)),
        pdf: None,
    }
}

/// The same as [`extract`] over bytes already in memory.
/// `extension` is the file name's, lower case, without the dot.
pub fn facts_from_bytes(
    bytes: &[u8],
    extension: &str,
    budget: &Budget,
    trust: &signature::TrustStore,
    started: Instant,
) -> FileFacts {
    facts_from_hashed_bytes(bytes, hex(&Sha256::digest(bytes)), extension, budget, trust, started)
}

/// [`facts_from_bytes`] when the content hash is already known (the cache key needed it first).
pub fn facts_from_hashed_bytes(
    bytes: &[u8],
    sha256: String,
    extension: &str,
    budget: &Budget,
    trust: &signature::TrustStore,
    started: Instant,
) -> FileFacts {
    let sha256 = Some(sha256);
    let kind = sniff::sniff(bytes);
    let mut facts = FileFacts { size: bytes.len() as u64, sha256, kind, outcome: Outcome::Ok, pdf: None };
    if kind == Kind::Empty {
        facts.outcome = Outcome::Unreadable(Problem::Empty);
        return facts;
    }
    if let Some(expected) = Kind::expected_for_extension(extension) {
        if !expected.contains(&kind) {
            facts.outcome =
                Outcome::Unreadable(Problem::NotWhatExtensionSays { extension: extension.to_string(), found: kind });
            return facts;
        }
    }
    if matches!(extension, "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" | "csv") {
        // Over a workbook budget is the file's outcome, not merely a sheet that was not read.
        let bounded =
            catch_unwind(AssertUnwindSafe(|| crate::sheet::over_budget(bytes, extension == "csv", &budget.workbook)));
        if let Ok(Some(which)) = bounded {
            facts.outcome = Outcome::OverBudget(which);
            return facts;
        }
    }
    if kind == Kind::Pdf {
        match catch_unwind(AssertUnwindSafe(|| pdf::extract(bytes, budget, trust, started))) {
            Ok(Ok(pdf)) => {
                // What could be read is kept; the file is still unreadable as evidence.
                if pdf::is_truncated(bytes) {
                    facts.outcome = Outcome::Unreadable(Problem::Truncated { size: bytes.len(), detail: None });
                }
                // A signature a budget stopped is neither valid nor broken: the file needs a human.
                if let (Outcome::Ok, Some(which)) = (&facts.outcome, signature::budget_hit(&pdf.signatures)) {
                    facts.outcome = Outcome::OverBudget(which.clone());
                }
                facts.pdf = Some(pdf);
            }
            Ok(Err(outcome)) => facts.outcome = outcome,
            Err(panic) => facts.outcome = Outcome::Unreadable(Problem::Panic(panic_message(&panic))),
        }
    }
    facts
}

/// A file too large to parse within the memory budget: its hash (read in chunks) and the budget.
fn hashed_not_parsed(file: &mut impl Read, size: u64, budget: &Budget) -> FileFacts {
    let over = Outcome::OverBudget(BudgetHit::new(BudgetName::ParsedFileSize, size, budget.max_parse_bytes));
    let mut start = Vec::new();
    let hashed = file.take(8192).read_to_end(&mut start).and_then(|_| {
        let mut hasher = Sha256::new();
        hasher.update(&start);
        std::io::copy(file, &mut hasher).map(|_| (hex(&hasher.finalize()), sniff::sniff(&start)))
    });
    match hashed {
        Ok((sha256, kind)) => FileFacts { size, sha256: Some(sha256), kind, outcome: over, pdf: None },
        Err(error) => FileFacts {
            size,
            sha256: None,
            kind: Kind::Unknown,
            outcome: Outcome::Unreadable(Problem::Io(open::IoFailure::of(&error))),
            pdf: None,
        },
    }
}

/// A file that could not be opened or read at all.
fn unreadable_io(error: &std::io::Error) -> FileFacts {
    FileFacts {
        size: 0,
        sha256: None,
        kind: Kind::Unknown,
        outcome: Outcome::Unreadable(Problem::Io(open::IoFailure::of(error))),
        pdf: None,
    }
}

enum Loaded {
    Whole(Vec<u8>),
    TooLarge(u64),
}

fn read_bounded(file: impl Read, size: u64, max: u64) -> std::io::Result<Loaded> {
    if size > max {
        return Ok(Loaded::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // take(): a file that grows while being read still cannot exceed the budget.
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(Loaded::TooLarge(bytes.len() as u64));
    }
    Ok(Loaded::Whole(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
