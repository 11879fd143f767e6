//! Zip submissions read in place: a `.zip` where a unit or province folder would be is listed from
//! its central directory and its entries are inflated into memory when their facts are needed,
//! never extracted anywhere. The budgets against bombs are judged from the central directory, so
//! they give the same verdicts whatever the thread count: entries per archive, declared bytes per
//! entry and per archive, compression ratio; an entry that inflates past the size it declares is
//! refused while it is read, so what is really inflated never exceeds what was budgeted.

pub mod names;

use crate::budget::{BudgetHit, BudgetName};
use crate::facts::open::{open_listed, FileId, InflatesPastDeclared};
pub use crate::facts::ArchiveBudget;
use crate::facts::{Budget, FileFacts, LoadedFile, Outcome, Problem};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Entries smaller than this may inflate from anything without being a threat (a page of text).
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// What an archive's bytes live in: a listed file on disk (opened again, and checked to be the
/// same file, for every read), or memory (a unit zip inside a province zip).
#[derive(Debug)]
enum Blob {
    File { path: PathBuf, id: FileId, len: u64 },
    Bytes(Vec<u8>),
}

/// A reader over a [`Blob`] with its own position: clones read independently (one per entry read,
/// on any thread). A file is opened on the first read and closed when the reader is dropped, so a
/// province of a thousand unit zips does not hold a thousand descriptors.
#[derive(Debug)]
struct BlobReader {
    blob: Arc<Blob>,
    position: u64,
    file: Option<std::fs::File>,
}

impl Clone for BlobReader {
    fn clone(&self) -> Self {
        BlobReader { blob: self.blob.clone(), position: self.position, file: None }
    }
}

impl BlobReader {
    fn len(&self) -> u64 {
        match &*self.blob {
            Blob::File { len, .. } => *len,
            Blob::Bytes(bytes) => bytes.len() as u64,
        }
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = match &*self.blob {
            Blob::Bytes(bytes) => {
                let start = (self.position as usize).min(bytes.len());
                let n = buf.len().min(bytes.len() - start);
                buf[..n].copy_from_slice(&bytes[start..start + n]);
                n
            }
            Blob::File { path, id, .. } => {
                if self.file.is_none() {
                    self.file = Some(open_listed(path, Some(*id))?);
                }
                let file = self.file.as_ref().expect("opened above");
                read_at(file, buf, self.position)?
            }
        };
        self.position += read as u64;
        Ok(read)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.len().checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        self.position = target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

/// An opened archive: its central directory, parsed once, shared by every entry read.
#[derive(Debug)]
pub struct Archive {
    zip: zip::ZipArchive<BlobReader>,
    /// How deep inside other zips it lies (0: a zip on disk).
    pub nesting: usize,
    /// Entries the directory declares beyond those the zip reader lists: entries under a name
    /// already used, of which the reader keeps one. They cannot be listed, so they are told.
    pub hidden_duplicates: u64,
}

/// Why a zip is not read as a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not a zip the reader understands: it stays an ordinary file (KC601/KC604 as before).
    NotAZip(String),
    /// A budget was hit: which one, with its numbers (the zip is `over-budget`).
    OverBudget(BudgetHit),
}

/// One entry of the central directory, as listing sees it.
#[derive(Debug)]
pub struct Listing {
    pub index: usize,
    pub raw_name: Vec<u8>,
    pub utf8_flag: bool,
    pub is_dir: bool,
    pub is_symlink: bool,
    pub encrypted: bool,
    pub size: u64,
    pub compressed: u64,
}

impl Archive {
    /// Opens a listed zip file on disk.
    pub fn open_file(path: &Path, id: FileId, budget: &ArchiveBudget) -> Result<Arc<Archive>, Refused> {
        let file = open_listed(path, Some(id)).map_err(|e| Refused::NotAZip(e.to_string()))?;
        let len = file.metadata().map_err(|e| Refused::NotAZip(e.to_string()))?.len();
        let blob = Blob::File { path: path.to_path_buf(), id, len };
        let reader = BlobReader { blob: Arc::new(blob), position: 0, file: Some(file) };
        Archive::open(reader, 0, budget)
    }

    /// Opens a zip held in memory (an entry of another zip), `nesting` levels deep.
    pub fn open_bytes(bytes: Vec<u8>, nesting: usize, budget: &ArchiveBudget) -> Result<Arc<Archive>, Refused> {
        Archive::open(BlobReader { blob: Arc::new(Blob::Bytes(bytes)), position: 0, file: None }, nesting, budget)
    }

    fn open(mut reader: BlobReader, nesting: usize, budget: &ArchiveBudget) -> Result<Arc<Archive>, Refused> {
        if nesting > budget.max_nesting {
            return Err(Refused::OverBudget(BudgetHit::new(BudgetName::ZipNesting, nesting, budget.max_nesting)));
        }
        // The declared count is read before the central directory is parsed: a directory of
        // millions of entries is refused without being held in memory.
        let declared = declared_directory(&mut reader);
        if let Some(declared) = &declared {
            if declared.entries > budget.max_entries as u64 {
                let hit = BudgetHit::new(BudgetName::ZipEntries, declared.entries, budget.max_entries);
                return Err(Refused::OverBudget(hit));
            }
            // Names, extra fields and comments of every entry are held while the zip is read.
            let max_bytes = budget.max_entries as u64 * DIRECTORY_BYTES_PER_ENTRY;
            if declared.bytes > max_bytes {
                return Err(Refused::OverBudget(BudgetHit::new(BudgetName::ZipDirectory, declared.bytes, max_bytes)));
            }
        }
        let zip = zip::ZipArchive::new(reader).map_err(|e| Refused::NotAZip(e.to_string()))?;
        if zip.len() > budget.max_entries {
            return Err(Refused::OverBudget(BudgetHit::new(BudgetName::ZipEntries, zip.len(), budget.max_entries)));
        }
        let hidden_duplicates = declared.map_or(0, |d| d.entries.saturating_sub(zip.len() as u64));
        // The clone reads lazily: the descriptor used to list is closed here.
        let zip = zip.clone();
        Ok(Arc::new(Archive { zip, nesting, hidden_duplicates }))
    }

    /// Every entry of the central directory, in its order.
    pub fn entries(&self) -> Vec<Listing> {
        (0..self.zip.len())
            .filter_map(|index| {
                let entry = self.zip.by_index_data(index).ok()?;
                Some(Listing {
                    index,
                    raw_name: entry.name_raw().to_vec(),
                    utf8_flag: entry.flags().as_u16() & 0x0800 != 0,
                    is_dir: entry.is_dir(),
                    is_symlink: entry.is_symlink(),
                    encrypted: entry.encrypted(),
                    size: entry.size(),
                    compressed: entry.compressed_size(),
                })
            })
            .collect()
    }
}

/// Central-directory bytes allowed per entry budgeted: a name, an extra field and a comment of an
/// ordinary size (a real entry takes about 150).
const DIRECTORY_BYTES_PER_ENTRY: u64 = 1024;

/// What the end-of-central-directory record declares.
#[derive(Debug, PartialEq, Eq)]
struct Declared {
    entries: u64,
    /// The central directory's size.
    bytes: u64,
}

/// The entry count and directory size the end-of-central-directory record declares (zip64's when
/// it says so), or `None` when it cannot be found (the zip reader will then refuse the file itself).
fn declared_directory(reader: &mut BlobReader) -> Option<Declared> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let len = reader.len();
    let tail_len = len.min(65_535 + 22);
    let mut tail = vec![0u8; tail_len as usize];
    reader.seek(SeekFrom::Start(len - tail_len)).ok()?;
    reader.read_exact(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let record = tail.get(at..at + 22)?;
    let entries = u64::from(u16::from_le_bytes([record[10], record[11]]));
    let bytes = u64::from(u32::from_le_bytes([record[12], record[13], record[14], record[15]]));
    let plain = Declared { entries, bytes };
    if entries != 0xFFFF && bytes != 0xFFFF_FFFF {
        return Some(plain);
    }
    // Zip64: the locator sits just before the record and points at the zip64 record.
    let Some(locator) = tail.get(at.saturating_sub(20)..at).filter(|l| l.len() == 20 && l[..4] == *b"PK\x06\x07")
    else {
        return Some(plain);
    };
    let offset = u64::from_le_bytes(locator[8..16].try_into().ok()?);
    let mut record = [0u8; 56];
    reader.seek(SeekFrom::Start(offset)).ok()?;
    reader.read_exact(&mut record).ok()?;
    let field = |at: usize| u64::from_le_bytes(record[at..at + 8].try_into().unwrap_or_default());
    (record[..4] == *b"PK\x06\x06").then(|| Declared { entries: field(32), bytes: field(40) })
}

/// An entry of an archive, to be read when its facts are needed.
#[derive(Debug, Clone)]
pub struct Member {
    pub archive: Arc<Archive>,
    pub index: usize,
    /// The size the central directory declares: reading stops with an error past it.
    pub size: u64,
    /// The entry's file name extension, lower case, without the dot.
    pub extension: String,
    pub encrypted: bool,
}

impl Member {
    /// The entry's bytes, inflated within the file budget and its declared size, for the facts step.
    pub fn load(&self, budget: &Budget) -> Result<LoadedFile, Box<FileFacts>> {
        let started = Instant::now();
        if self.encrypted {
            return Err(Box::new(FileFacts {
                size: self.size,
                sha256: None,
                kind: crate::sniff::Kind::Unknown,
                outcome: Outcome::Encrypted,
                pdf: None,
            }));
        }
        let mut zip = self.archive.zip.clone();
        let entry = zip.by_index(self.index).map_err(|e| {
            Box::new(FileFacts {
                size: self.size,
                sha256: None,
                kind: crate::sniff::Kind::Unknown,
                outcome: Outcome::Unreadable(Problem::Corrupt(e.to_string())),
                pdf: None,
            })
        })?;
        let capped = Capped { inner: entry, declared: self.size, seen: 0 };
        crate::facts::load_from(capped, self.size, self.extension.clone(), started, budget)
    }

    /// The entry's bytes (a workbook read at discovery, a unit zip inside a province zip), at most
    /// `max` of them.
    pub fn read_bytes(&self, max: u64) -> Result<Vec<u8>, EntryError> {
        if self.size > max {
            return Err(EntryError::OverBudget(BudgetHit::new(BudgetName::FileSize, self.size, max)));
        }
        if self.encrypted {
            return Err(EntryError::Unreadable("encrypted".into()));
        }
        let mut zip = self.archive.zip.clone();
        let entry = zip.by_index(self.index).map_err(|e| EntryError::Unreadable(e.to_string()))?;
        let mut bytes = Vec::with_capacity(self.size as usize);
        Capped { inner: entry, declared: self.size, seen: 0 }
            .read_to_end(&mut bytes)
            .map_err(|e| EntryError::Unreadable(e.to_string()))?;
        Ok(bytes)
    }
}

/// Why an entry's bytes were not had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryError {
    OverBudget(BudgetHit),
    Unreadable(String),
}

/// Refuses to inflate past the size an entry declares (the budgets were judged on it).
struct Capped<R> {
    inner: R,
    declared: u64,
    seen: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.seen += read as u64;
        if self.seen > self.declared {
            return Err(io::Error::other(InflatesPastDeclared { declared: self.declared }));
        }
        Ok(read)
    }
}

/// Is this file name a zip archive's?
pub fn is_zip_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(count: usize) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for i in 0..count {
            out.start_file(format!("{i}.pdf"), options).unwrap();
            out.write_all(b"%PDF").unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn reader(bytes: Vec<u8>) -> BlobReader {
        BlobReader { blob: Arc::new(Blob::Bytes(bytes)), position: 0, file: None }
    }

    #[test]
    fn the_end_record_declares_the_count_and_the_directory_size() {
        let declared = declared_directory(&mut reader(zip_of(3))).unwrap();
        assert_eq!(declared.entries, 3);
        assert!(declared.bytes > 3 * 46 && declared.bytes < 3 * 100, "{declared:?}");
        assert_eq!(declared_directory(&mut reader(b"not a zip".to_vec())), None);
    }

    #[test]
    fn budgets_refuse_before_the_directory_is_read() {
        let few = ArchiveBudget { max_entries: 2, ..ArchiveBudget::default() };
        let refused = Archive::open_bytes(zip_of(3), 0, &few).unwrap_err();
        assert_eq!(refused, Refused::OverBudget(BudgetHit::new(BudgetName::ZipEntries, 3, 2)));
        let opened = Archive::open_bytes(zip_of(2), 0, &few).unwrap();
        assert_eq!(opened.entries().len(), 2);
        let deep = Archive::open_bytes(zip_of(1), 2, &ArchiveBudget::default()).unwrap_err();
        assert_eq!(deep, Refused::OverBudget(BudgetHit::new(BudgetName::ZipNesting, 2, 1)));
        assert!(matches!(Archive::open_bytes(b"PK\x05\x06".to_vec(), 0, &few), Err(Refused::NotAZip(_))));
    }

    #[test]
    fn a_member_is_read_within_its_declared_size() {
        let archive = Archive::open_bytes(zip_of(1), 0, &ArchiveBudget::default()).unwrap();
        let member = Member { archive, index: 0, size: 4, extension: "pdf".into(), encrypted: false };
        assert_eq!(member.read_bytes(4).unwrap(), b"%PDF");
        assert!(matches!(member.read_bytes(3), Err(EntryError::OverBudget(_))));
        let understated = Member { size: 2, ..member };
        assert!(matches!(understated.read_bytes(100), Err(EntryError::Unreadable(_))));
    }
}
