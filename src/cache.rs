//! The facts cache: each file's facts stored by its content hash in an embedded store (redb)
//! outside the input tree, so that re-checking a folder that barely changed only parses what
//! changed. A key also names everything else the facts depend on (tool build, trust anchors,
//! budgets, how much text is read); a value that does not decode is a miss, never an answer; a
//! store that cannot be opened is rebuilt or, when another process holds it, left alone.

use crate::facts::open::FileId;
use crate::facts::signature::TrustStore;
use crate::facts::{Budget, FileFacts, Outcome};
use redb::{Database, DatabaseError, ReadableDatabase, ReadableTableMetadata, TableDefinition};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const TABLE: TableDefinition<&str, &[u8]> = TableDefinition::new("file-facts");
const FILE_NAME: &str = "facts.redb";

pub struct FactsCache {
    db: Database,
    /// Everything besides the file's bytes that its facts depend on.
    fingerprint: String,
    /// Facts computed in this run and not yet written: written every `BATCH` files (one
    /// transaction each) so a national run never holds them all.
    pending: Mutex<Vec<(String, Vec<u8>)>>,
    /// The first write that failed (the run goes on; the user is told at the end).
    write_error: Mutex<Option<String>>,
}

/// Facts written per transaction.
const BATCH: usize = 256;

/// The folder among `inputs` that would hold `dir` (the cache must never be written into a folder
/// being checked). `dir` need not exist yet: its nearest existing ancestor is resolved, so a
/// relative, linked or not-yet-created cache folder is caught too.
pub fn input_holding<'a>(dir: &Path, inputs: &'a [PathBuf]) -> Option<&'a PathBuf> {
    let resolved = resolve_existing_prefix(dir)?;
    inputs
        .iter()
        .find(|input| input.is_dir() && std::fs::canonicalize(input).is_ok_and(|input| resolved.starts_with(input)))
}

/// `path` with its longest existing prefix canonicalised and the rest appended.
fn resolve_existing_prefix(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return Some(missing.iter().rev().fold(real, |acc: PathBuf, part| acc.join(part)));
        }
        missing.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
}

/// A listed file's facts ([`crate::facts::extract_listed`]), answered from `cache` when the same
/// bytes were read before under the same conditions, and remembered there otherwise.
pub fn extract_listed(
    path: &Path,
    id: Option<FileId>,
    budget: &Budget,
    trust: &TrustStore,
    cache: Option<&FactsCache>,
) -> FileFacts {
    match cache {
        None => crate::facts::extract_listed(path, id, budget, trust),
        Some(cache) => extract_loaded(crate::facts::load(path, id, budget), budget, trust, Some(cache)),
    }
}

/// Facts of bytes already read (a listed file, or an entry of a zip: the key is the content's
/// hash and the name's extension, wherever the bytes came from), through `cache`.
pub fn extract_loaded(
    loaded: Result<crate::facts::LoadedFile, Box<FileFacts>>,
    budget: &Budget,
    trust: &TrustStore,
    cache: Option<&FactsCache>,
) -> FileFacts {
    use sha2::{Digest, Sha256};
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(facts) => return *facts,
    };
    let sha256 = crate::facts::hex(&Sha256::digest(&loaded.bytes));
    let Some(cache) = cache else {
        return crate::facts::facts_from_hashed_bytes(
            &loaded.bytes,
            sha256,
            &loaded.extension,
            budget,
            trust,
            loaded.started,
        );
    };
    let key = cache.key(&sha256, &loaded.extension);
    if let Some(facts) = cache.get(&key) {
        return facts;
    }
    let facts =
        crate::facts::facts_from_hashed_bytes(&loaded.bytes, sha256, &loaded.extension, budget, trust, loaded.started);
    cache.put(key, &facts);
    facts
}

/// `$XDG_CACHE_HOME/kiemchung`, else `~/.cache/kiemchung` (`%LOCALAPPDATA%\kiemchung` on Windows).
pub fn default_dir() -> Option<PathBuf> {
    let from = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from);
    from("XDG_CACHE_HOME")
        .or_else(|| from("HOME").map(|home| home.join(".cache")))
        .or_else(|| from("LOCALAPPDATA"))
        .map(|base| base.join("kiemchung"))
}

/// The build of this binary: its version, and its size and modification time (a rebuild during
/// development changes facts without changing the version).
fn build_id() -> String {
    let exe = std::env::current_exe().ok().and_then(|path| std::fs::metadata(path).ok());
    let stamp = exe
        .map(|m| {
            let modified = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!("{}-{}", m.len(), modified.map_or(0, |d| d.as_nanos()))
        })
        .unwrap_or_default();
    format!("{}+{stamp}", env!("CARGO_PKG_VERSION"))
}

/// The stored form of facts: bumped whenever it changes, so that a store written by another form
/// is never misread (2: budget hits, file and signature problems as typed reasons, not text).
const FACTS_FORMAT: u32 = 2;

pub fn fingerprint(budget: &Budget, trust_fingerprint: &str) -> String {
    use sha2::{Digest, Sha256};
    let parts = format!(
        "{FACTS_FORMAT}|{}|{trust_fingerprint}|{}|{}|{}|{}|{:?}|{}",
        build_id(),
        budget.max_file_bytes,
        budget.max_stream_bytes,
        budget.max_pages,
        budget.max_objects,
        budget.text,
        // Facts read with OCR differ from facts read without it (and from another Tesseract's).
        budget.ocr.as_ref().map_or("no-ocr", |ocr| ocr.version.as_str())
    );
    crate::facts::hex(&Sha256::digest(parts.as_bytes())[..16])
}

impl FactsCache {
    /// Opens (or creates) the store in `dir`. Err: a message for the user; the run goes on uncached.
    pub fn open(dir: &Path, fingerprint: String) -> Result<FactsCache, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("'{}': {e}", dir.display()))?;
        let path = dir.join(FILE_NAME);
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch) => {
                return Err(format!("'{}' is in use by another run", path.display()))
            }
            // Corrupt, truncated, or not a redb file at all: it is only a cache, start again.
            Err(_) => {
                std::fs::remove_file(&path).map_err(|e| format!("'{}': {e}", path.display()))?;
                Database::create(&path).map_err(|e| format!("'{}': {e}", path.display()))?
            }
        };
        Ok(FactsCache { db, fingerprint, pending: Mutex::new(Vec::new()), write_error: Mutex::new(None) })
    }

    pub fn key(&self, sha256: &str, extension: &str) -> String {
        format!("{}/{extension}/{sha256}", self.fingerprint)
    }

    pub fn get(&self, key: &str) -> Option<FileFacts> {
        let read = self.db.begin_read().ok()?;
        let table = read.open_table(TABLE).ok()?;
        let value = table.get(key).ok()??;
        serde_json::from_slice(value.value()).ok()
    }

    /// Keeps facts for the end of the run, unless they depend on this run's circumstances (a file
    /// over its time budget, a fallback reader that timed out, a signature validated at the run's
    /// time because it names no signing time, a scan whose OCR read nothing).
    pub fn put(&self, key: String, facts: &FileFacts) {
        let circumstantial = matches!(facts.outcome, Outcome::OverBudget(_))
            || facts.pdf.as_ref().and_then(|pdf| pdf.text_fallback.as_ref()).is_some_and(|f| f.problem.is_some())
            // Validated at the run's time, not at a signing time the file names.
            || facts.pdf.as_ref().is_some_and(|pdf| pdf.signatures.iter().any(|s| s.signing_time.is_none()))
            // A page layer that could not be read and OCR that read nothing (or failed, or was off):
            // a busy machine's OCR can time out or come back empty, and the next run may read it.
            || facts.pdf.as_ref().is_some_and(|pdf| pdf.ocr_problem.is_some() || !pdf.text_readable());
        if circumstantial {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(facts) else { return };
        let batch = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.push((key, bytes));
            if pending.len() < BATCH {
                return;
            }
            std::mem::take(&mut *pending)
        };
        if let Err(why) = self.write(&batch) {
            self.write_error.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(why);
        }
    }

    /// How many files' facts the store holds (every fingerprint).
    pub fn stored_count(&self) -> Result<u64, String> {
        let read = self.db.begin_read().map_err(|e| e.to_string())?;
        match read.open_table(TABLE) {
            Ok(table) => table.len().map_err(|e| e.to_string()),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Writes what this run computed and has not written yet; the first write error of the run.
    pub fn flush(self) -> Result<(), String> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        let earlier = self.write_error.lock().unwrap_or_else(|e| e.into_inner()).take();
        if !pending.is_empty() {
            self.write(&pending)?;
        }
        earlier.map_or(Ok(()), Err)
    }

    fn write(&self, pending: &[(String, Vec<u8>)]) -> Result<(), String> {
        if pending.is_empty() {
            return Ok(());
        }
        let write = self.db.begin_write().map_err(|e| e.to_string())?;
        {
            let mut table = write.open_table(TABLE).map_err(|e| e.to_string())?;
            for (key, bytes) in pending {
                table.insert(key.as_str(), bytes.as_slice()).map_err(|e| e.to_string())?;
            }
        }
        write.commit().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_does_not_decode_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FactsCache::open(dir.path(), "test".into()).unwrap();
        let key = cache.key("00ff", "pdf");
        let write = cache.db.begin_write().unwrap();
        write.open_table(TABLE).unwrap().insert(key.as_str(), b"{\"size\": \"not facts\"}".as_slice()).unwrap();
        write.commit().unwrap();
        assert!(cache.get(&key).is_none());
        assert!(cache.get(&cache.key("other", "pdf")).is_none());
    }

    /// A signature that names no signing time is validated at the run's time: tomorrow the answer
    /// may differ (a certificate expires), so such facts are not kept.
    #[test]
    fn facts_validated_at_the_run_time_are_not_kept() {
        use crate::facts::signature::{SignatureFacts, SignatureKind};
        let dir = tempfile::tempdir().unwrap();
        let with_signature = |signing_time: Option<jiff::Timestamp>| {
            let mut sig = SignatureFacts::new(Some("ChuKy".into()), SignatureKind::Signature, None);
            sig.signing_time = signing_time;
            let pdf = crate::checks::test_support::pdf_facts("Số: 1/KH-UBND", vec![sig]);
            FileFacts { size: 1, sha256: None, kind: crate::sniff::Kind::Pdf, outcome: Outcome::Ok, pdf: Some(pdf) }
        };
        let cache = FactsCache::open(dir.path(), "t".into()).unwrap();
        let (dated, undated) = (cache.key("01", "pdf"), cache.key("02", "pdf"));
        cache.put(dated.clone(), &with_signature(Some("2023-11-15T03:58:07Z".parse().unwrap())));
        cache.put(undated.clone(), &with_signature(None));
        cache.flush().unwrap();
        let cache = FactsCache::open(dir.path(), "t".into()).unwrap();
        assert!(cache.get(&dated).is_some());
        assert!(cache.get(&undated).is_none());
    }

    /// OCR under load can time out or come back empty; a scan it read nothing from is read again
    /// next time rather than remembered as having no text (seen with 20 uploads at once in serve).
    #[test]
    fn a_scan_ocr_read_nothing_from_is_not_kept() {
        use crate::facts::pdf::{TextLayer, TextSource};
        let dir = tempfile::tempdir().unwrap();
        let scan = |own_layer: TextLayer, text_source: TextSource, ocr_problem: Option<&str>| {
            let mut pdf = crate::checks::test_support::pdf_facts("Số: 1/KH-UBND", Vec::new());
            (pdf.own_layer, pdf.text_source, pdf.ocr_problem) = (own_layer, text_source, ocr_problem.map(Into::into));
            FileFacts { size: 1, sha256: None, kind: crate::sniff::Kind::Pdf, outcome: Outcome::Ok, pdf: Some(pdf) }
        };
        let cache = FactsCache::open(dir.path(), "t".into()).unwrap();
        let cases = [
            (scan(TextLayer::Readable, TextSource::TextLayer, None), true),
            (scan(TextLayer::None, TextSource::Ocr, None), true),
            (scan(TextLayer::None, TextSource::None, None), false),
            (scan(TextLayer::None, TextSource::None, Some("tesseract: timed out")), false),
        ];
        for (index, (facts, _)) in cases.iter().enumerate() {
            cache.put(cache.key(&format!("{index:02}"), "pdf"), facts);
        }
        cache.flush().unwrap();
        let cache = FactsCache::open(dir.path(), "t".into()).unwrap();
        for (index, (_, kept)) in cases.iter().enumerate() {
            assert_eq!(cache.get(&cache.key(&format!("{index:02}"), "pdf")).is_some(), *kept, "case {index}");
        }
    }

    #[test]
    fn keys_differ_by_fingerprint_extension_and_content() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FactsCache::open(dir.path(), "a".into()).unwrap();
        let keys = [cache.key("00", "pdf"), cache.key("00", "docx"), cache.key("01", "pdf")];
        assert_eq!(keys.iter().collect::<std::collections::BTreeSet<_>>().len(), 3);
        let budget = Budget::default();
        let other_scope = Budget { text: crate::facts::TextScope::Header, ..Budget::default() };
        assert_ne!(fingerprint(&budget, "t"), fingerprint(&other_scope, "t"));
        assert_ne!(fingerprint(&budget, "t"), fingerprint(&budget, "u"));
    }
}
