//! Discovery: which folders are units (they hold a self-assessment workbook), which are provinces
//! (folders of units, at any depth), and every file under them. The tree is listed once, without
//! recursion (a folder nested thousands deep costs a loop, not a stack), sorted, deterministic;
//! symlinks are never followed out of the root, linked folders are not followed at all (no loops),
//! special files are skipped with a reason. Each file's identity (device, inode) is recorded so
//! that reading it later opens that same file, not what a swapped link points to. A zip where a
//! unit or province folder would be is listed as that folder (`zip`). Nothing is written.

mod reasons;
mod zip;

pub use reasons::{Note, SkipReason};

use crate::archive::{ArchiveBudget, Member};
use crate::budget::BudgetHit;
use crate::facts::open::{open_listed, FileId, IoFailure};
use crate::sheet::{read_workbook_bytes, read_workbook_file, Sheet, SheetError};
use std::fs;
use std::path::{Path, PathBuf};

const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv"];
/// Folders deeper than this below an argument are not entered (a real submission nests a handful).
pub const MAX_DEPTH: usize = 256;

#[derive(Debug)]
pub struct UnitDir {
    pub id: String,
    pub root: PathBuf,
    /// The workbook's path relative to the unit, and what reading it gave.
    pub workbook: Option<(String, Result<Sheet, SheetError>)>,
    /// Other workbooks in the unit folder, not read, each with why (relative to the unit).
    pub workbooks_left: Vec<(String, LeftBecause)>,
    /// Several workbooks were equally likely to be the real one: the first by name was read.
    pub workbook_ambiguous: bool,
    pub files: Vec<Entry>,
}

/// Why a workbook beside the one read was left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftBecause {
    /// Its name says copy, old, draft or backup ("(bản cũ)", "- Copy", "(1)", "nháp").
    LooksLikeACopy,
    /// It cannot be read as a self-assessment workbook.
    Unreadable,
    /// As likely as the one read (the first by name was read).
    SameStanding,
}

/// A discovered file: its path relative to its unit (or to the argument), and where its bytes are.
#[derive(Debug, Clone)]
pub struct Entry {
    pub rel: String,
    pub source: Source,
    /// Why it is not read (a link out of the root, a FIFO…); None for a regular file.
    pub skip: Option<SkipReason>,
}

/// Where a discovered file's bytes are.
#[derive(Debug, Clone)]
pub enum Source {
    /// On disk. `path`: what to open, the file itself or, for a link inside the root, the file it
    /// resolved to; `id`: the file as listed (reading refuses anything else).
    Disk { path: PathBuf, id: Option<FileId> },
    /// An entry of a zip read as a folder, inflated into memory when its facts are needed.
    Zip(Member),
    /// Refused at listing: a zip budget (which one, with its numbers).
    OverBudget(BudgetHit),
    /// Not read (`Entry::skip` says why); `escapes`: a zip entry whose name leaves the zip.
    NotRead { escapes: bool },
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub units: Vec<UnitDir>,
    /// Files given one by one, or under a folder that holds no unit at all: checked on their own.
    pub loose: Vec<Entry>,
    /// Files beside units (a province folder's own files): listed, not evidence.
    pub outside: Vec<Entry>,
    pub notes: Vec<Note>,
}

/// A path to check that cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable {
    /// As given.
    pub path: String,
    pub failure: IoFailure,
}

impl Unreachable {
    fn new(path: &Path, error: &std::io::Error) -> Unreachable {
        Unreachable { path: path.display().to_string(), failure: IoFailure::of(error) }
    }

    pub fn words(&self, lang: crate::model::Lang) -> String {
        let path = &self.path;
        lang.pick(
            format!("không truy cập được '{path}': {}", self.failure.words(lang)),
            format!("cannot reach '{path}': {}", self.failure.words(lang)),
        )
    }
}

/// Discovers every PATH argument. Err only for a path that does not exist or cannot be read.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, Unreachable> {
    discover_within(paths, &ArchiveBudget::default())
}

/// [`discover`], zips read as folders within `budget`.
pub fn discover_within(paths: &[PathBuf], budget: &ArchiveBudget) -> Result<Discovery, Unreachable> {
    let mut found = Discovery::default();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| Unreachable::new(path, &e))?;
        if meta.is_file() {
            // Named by the user: a link is followed, to the file it names now.
            let open = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            let id = FileId::of(&meta);
            let rel = path.display().to_string();
            let source = match crate::archive::is_zip_name(path).then(|| zip::discover_zip(&open, id, path, budget)) {
                Some(Ok(part)) => {
                    found.absorb_argument(part, path);
                    continue;
                }
                Some(Err(crate::archive::Refused::OverBudget(which))) => Source::OverBudget(which),
                _ => Source::Disk { path: open, id: Some(id) },
            };
            found.loose.push(Entry { rel, source, skip: None });
            continue;
        }
        let root = fs::canonicalize(path).map_err(|e| Unreachable::new(path, &e))?;
        let tree = Tree::list(&root, budget);
        found.absorb_argument(tree.units(&root, path), path);
    }
    disambiguate_ids(&mut found.units);
    Ok(found)
}

impl Discovery {
    /// One argument's units and files: with no unit at all, its files are checked one by one.
    fn absorb_argument(&mut self, mut part: Discovery, path: &Path) {
        if part.units.is_empty() {
            if !part.outside.is_empty() {
                part.notes.push(Note::NoWorkbook { path: path.display().to_string() });
            }
            part.loose.append(&mut part.outside);
        }
        self.absorb(part);
    }

    fn absorb(&mut self, mut part: Discovery) {
        self.units.append(&mut part.units);
        self.loose.append(&mut part.loose);
        self.outside.append(&mut part.outside);
        self.notes.append(&mut part.notes);
    }
}

/// A listed file: where it is shown to be (inside a zip: the zip's path joined with the entry's
/// name), and where its bytes are.
struct Listed {
    path: PathBuf,
    source: Source,
}

impl Listed {
    fn on_disk(path: PathBuf, open: PathBuf, id: FileId) -> Listed {
        Listed { path, source: Source::Disk { path: open, id: Some(id) } }
    }
}

/// A file not read, and why.
struct Skipped {
    path: PathBuf,
    reason: SkipReason,
    /// A zip entry whose name leaves the zip: the name as written (shown as it is).
    escapes: Option<String>,
}

impl Skipped {
    fn new(path: PathBuf, reason: SkipReason) -> Skipped {
        Skipped { path, reason, escapes: None }
    }

    fn source(&self) -> Source {
        Source::NotRead { escapes: self.escapes.is_some() }
    }
}

/// One folder of the listed tree.
struct Folder {
    path: PathBuf,
    files: Vec<Listed>,
    /// Indices of sub-folders in the tree, sorted by name.
    dirs: Vec<usize>,
    skipped: Vec<Skipped>,
}

/// Every folder below a root, listed once.
struct Tree {
    root: PathBuf,
    folders: Vec<Folder>,
    /// The unit id of the root folder when its name is not the id (a zip's: its stem).
    root_id: Option<String>,
    budget: ArchiveBudget,
}

impl Tree {
    fn list(root: &Path, budget: &ArchiveBudget) -> Tree {
        let mut tree = Tree { root: root.to_path_buf(), folders: Vec::new(), root_id: None, budget: *budget };
        let mut pending = vec![(root.to_path_buf(), 0usize, None::<usize>)];
        while let Some((path, depth, parent)) = pending.pop() {
            let index = tree.folders.len();
            if let Some(parent) = parent {
                tree.folders[parent].dirs.push(index);
            }
            let (folder, subdirs) = tree.list_one(path, depth);
            tree.folders.push(folder);
            // Reversed so that the stack pops them in name order.
            pending.extend(subdirs.into_iter().rev().map(|sub| (sub, depth + 1, Some(index))));
        }
        tree
    }

    /// One folder's entries, sorted by name; links and special files sorted into `skipped`.
    fn list_one(&self, dir: PathBuf, depth: usize) -> (Folder, Vec<PathBuf>) {
        let mut folder = Folder { path: dir, files: Vec::new(), dirs: Vec::new(), skipped: Vec::new() };
        let mut subdirs = Vec::new();
        let entries = match fs::read_dir(&folder.path) {
            Ok(entries) => entries,
            Err(error) => {
                let reason = SkipReason::FolderUnreadable(IoFailure::of(&error));
                folder.skipped.push(Skipped::new(folder.path.clone(), reason));
                return (folder, subdirs);
            }
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(meta) = fs::symlink_metadata(&path) else {
                folder.skipped.push(Skipped::new(path, SkipReason::NoMetadata));
                continue;
            };
            let kind = meta.file_type();
            if kind.is_dir() {
                if depth + 1 > MAX_DEPTH {
                    folder.skipped.push(Skipped::new(path, SkipReason::TooDeep));
                } else {
                    subdirs.push(path);
                }
            } else if kind.is_file() {
                folder.files.push(Listed::on_disk(path.clone(), path, FileId::of(&meta)));
            } else if kind.is_symlink() {
                match fs::canonicalize(&path) {
                    Ok(target) if !target.starts_with(&self.root) => {
                        folder.skipped.push(Skipped::new(path, SkipReason::LinkOutside))
                    }
                    Ok(target) => match fs::metadata(&target) {
                        Ok(meta) if meta.is_file() => {
                            folder.files.push(Listed::on_disk(path, target, FileId::of(&meta)))
                        }
                        Ok(_) => folder.skipped.push(Skipped::new(path, SkipReason::LinkToFolder)),
                        Err(_) => folder.skipped.push(Skipped::new(path, SkipReason::BrokenLink)),
                    },
                    Err(_) => folder.skipped.push(Skipped::new(path, SkipReason::BrokenLink)),
                }
            } else {
                folder.skipped.push(Skipped::new(path, SkipReason::SpecialFile));
            }
        }
        (folder, subdirs)
    }

    /// Units, top down: a folder with a readable workbook is a unit; one with only unreadable
    /// workbooks is a unit too, unless a readable one lies below it (then it is a province folder
    /// with a stray file); any other folder's files lie outside units.
    fn units(&self, root: &Path, shown_root: &Path) -> Discovery {
        let shown = Shown { root: root.to_path_buf(), shown_root: shown_root.to_path_buf() };
        let mut found = Discovery::default();
        let mut workbooks: Vec<Option<Option<Workbook>>> = (0..self.folders.len()).map(|_| None).collect();
        let mut pending = vec![0usize];
        while let Some(index) = pending.pop() {
            let folder = &self.folders[index];
            let is_unit = match self.workbook_of(index, &mut workbooks) {
                Some(workbook) if workbook.sheet.is_ok() => true,
                Some(_) => !self.readable_below(index, &mut workbooks),
                None => false,
            };
            if is_unit {
                let workbook = workbooks[index].take().flatten();
                found.units.push(self.unit(index, workbook, &shown));
                continue;
            }
            for file in &folder.files {
                let rel = shown.of(&file.path);
                // A zip beside units, or where a unit would be, is read as a folder when it holds units.
                let source = match crate::archive::is_zip_name(&file.path).then(|| self.zip_units(file, &shown)) {
                    Some(Ok(Some(part))) => {
                        found.absorb(part);
                        continue;
                    }
                    Some(Err(crate::archive::Refused::OverBudget(which))) => Source::OverBudget(which),
                    _ => file.source.clone(),
                };
                found.outside.push(Entry { rel, source, skip: None });
            }
            for skipped in &folder.skipped {
                let rel = match &skipped.escapes {
                    Some(name) => format!("{}/{name}", shown.of(&skipped.path)),
                    None => shown.of(&skipped.path),
                };
                found.outside.push(Entry { rel, source: skipped.source(), skip: Some(skipped.reason.clone()) });
            }
            pending.extend(folder.dirs.iter().rev());
        }
        found
    }

    /// The folder's workbook, chosen once among its candidates: readable before unreadable, an
    /// ordinary name before one that says copy/old/draft, then the first by name.
    fn workbook_of<'m>(&self, index: usize, memo: &'m mut [Option<Option<Workbook>>]) -> Option<&'m Workbook> {
        if memo[index].is_none() {
            let candidates = self.folders[index].files.iter().filter(|f| is_workbook_name(&f.path));
            let mut read: Vec<(Workbook, bool)> = candidates
                .map(|f| {
                    let copy = looks_like_a_copy(&f.path);
                    (
                        Workbook {
                            path: f.path.clone(),
                            sheet: read_listed_workbook(f),
                            left: Vec::new(),
                            ambiguous: false,
                        },
                        copy,
                    )
                })
                .collect();
            // Stable: candidates are in name order, so ties keep it.
            read.sort_by_key(|(w, copy)| (w.sheet.is_err(), *copy));
            let mut chosen = None;
            if !read.is_empty() {
                let (mut first, first_copy) = read.remove(0);
                for (other, copy) in read {
                    let because = if other.sheet.is_err() {
                        LeftBecause::Unreadable
                    } else if copy && !first_copy {
                        LeftBecause::LooksLikeACopy
                    } else {
                        first.ambiguous = true;
                        LeftBecause::SameStanding
                    };
                    first.left.push((other.path, because));
                }
                chosen = Some(first);
            }
            memo[index] = Some(chosen);
        }
        memo[index].as_ref().and_then(Option::as_ref)
    }

    /// Does a folder below `index` hold a readable workbook? (Iterative: no recursion.)
    fn readable_below(&self, index: usize, memo: &mut [Option<Option<Workbook>>]) -> bool {
        let mut pending: Vec<usize> = self.folders[index].dirs.clone();
        while let Some(below) = pending.pop() {
            if self.workbook_of(below, memo).is_some_and(|w| w.sheet.is_ok()) {
                return true;
            }
            pending.extend(&self.folders[below].dirs);
        }
        false
    }

    fn unit(&self, index: usize, workbook: Option<Workbook>, shown: &Shown) -> UnitDir {
        let dir = &self.folders[index].path;
        let mut files = Vec::new();
        let mut pending = vec![index];
        while let Some(below) = pending.pop() {
            let folder = &self.folders[below];
            for file in &folder.files {
                files.push(Entry { rel: rel_to(dir, &file.path), source: file.source.clone(), skip: None });
            }
            for skipped in &folder.skipped {
                let rel = match &skipped.escapes {
                    Some(name) => name.clone(),
                    None => rel_to(dir, &skipped.path),
                };
                files.push(Entry { rel, source: skipped.source(), skip: Some(skipped.reason.clone()) });
            }
            pending.extend(&folder.dirs);
        }
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        let id = match (&self.root_id, index) {
            (Some(root_id), 0) => root_id.clone(),
            _ => dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| slash(dir)),
        };
        let (workbooks_left, workbook_ambiguous) = match &workbook {
            Some(w) => (w.left.iter().map(|(path, why)| (rel_to(dir, path), *why)).collect(), w.ambiguous),
            None => (Vec::new(), false),
        };
        let workbook = workbook.map(|w| (rel_to(dir, &w.path), w.sheet));
        UnitDir { id, root: shown.path(dir), workbook, workbooks_left, workbook_ambiguous, files }
    }
}

struct Workbook {
    path: PathBuf,
    sheet: Result<Sheet, SheetError>,
    /// The folder's other workbooks, not read.
    left: Vec<(PathBuf, LeftBecause)>,
    ambiguous: bool,
}

/// A workbook's name says it is a copy, an old version, a draft or a backup: "(bản cũ)",
/// "- Copy", "(1)" (a second download), "bản sao", "nháp", "backup".
fn looks_like_a_copy(path: &Path) -> bool {
    const MARKS: &[&str] = &["cu", "copy", "old", "draft", "nhap", "backup", "bak", "tmp", "temp"];
    let stem = path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    let folded = crate::vn::text::fold(&stem);
    let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let numbered_copy = stem.trim_end().ends_with(')')
        && stem.rsplit_once('(').is_some_and(|(_, n)| n.trim_end().trim_end_matches(')').trim().parse::<u32>().is_ok());
    numbered_copy
        || words.iter().any(|w| MARKS.contains(w))
        || words.windows(2).any(|pair| pair == ["ban", "sao"] || pair == ["sao", "chep"])
}

/// Reads a listed workbook from the file that was listed (never through a swapped link), or from
/// its zip entry.
fn read_listed_workbook(file: &Listed) -> Result<Sheet, SheetError> {
    match &file.source {
        Source::Disk { path, id } => {
            let handle = open_listed(path, *id).map_err(|e| SheetError::Corrupt(e.to_string()))?;
            read_workbook_file(handle, &file.path)
        }
        Source::Zip(member) => {
            use crate::archive::EntryError;
            let bytes = member.read_bytes(crate::sheet::MAX_WORKBOOK_BYTES).map_err(|e| match e {
                EntryError::OverBudget(which) => SheetError::OverBudget(which),
                EntryError::Unreadable(why) => SheetError::Corrupt(why),
            })?;
            read_workbook_bytes(&bytes, member.extension == "csv")
        }
        Source::OverBudget(which) => Err(SheetError::OverBudget(which.clone())),
        Source::NotRead { .. } => Err(SheetError::Corrupt("not read".into())),
    }
}

/// Paths as the user would write them: the argument joined with the part below it.
struct Shown {
    root: PathBuf,
    shown_root: PathBuf,
}

impl Shown {
    fn of(&self, path: &Path) -> String {
        slash(&self.path(path))
    }

    fn path(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(below) if below.as_os_str().is_empty() => self.shown_root.clone(),
            Ok(below) => self.shown_root.join(below),
            Err(_) => path.to_path_buf(),
        }
    }
}

fn is_workbook_name(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    // "~$x.xlsx" is Excel's lock file, not a workbook.
    !name.starts_with("~$")
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn rel_to(base: &Path, path: &Path) -> String {
    slash(path.strip_prefix(base).unwrap_or(path))
}

/// A path with `/` between its parts whatever the platform. Only the platform's separators split
/// it: on Unix a `\` is part of a file's name and stays.
pub fn slash(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        use std::path::Component;
        let part = component.as_os_str().to_string_lossy();
        match component {
            Component::RootDir => out.push('/'),
            Component::Prefix(_) => out.push_str(&part),
            _ => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&part);
            }
        }
    }
    out
}

/// Two unit folders with the same name (in two districts) are told apart by their path.
fn disambiguate_ids(units: &mut [UnitDir]) {
    let mut counts = std::collections::HashMap::new();
    for unit in units.iter() {
        *counts.entry(unit.id.clone()).or_insert(0) += 1;
    }
    for unit in units.iter_mut() {
        if counts[&unit.id] > 1 {
            unit.id = slash(&unit.root);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_say_copy_old_or_draft() {
        for copy in [
            "tu-cham-diem (bản cũ).xlsx",
            "tu-cham-diem - Copy.xlsx",
            "tu-cham-diem (1).xlsx",
            "Bản sao tự chấm.xlsx",
            "tu_cham_nhap.xls",
            "TuCham_old.ods",
            "tu-cham-diem.backup.csv",
        ] {
            assert!(looks_like_a_copy(Path::new(copy)), "{copy}");
        }
        for real in ["tu-cham-diem.xlsx", "Tự chấm điểm CCHC 2025.xlsx", "bang-tu-cham-cuoi.xlsx", "TCTP 1.xlsx"]
        {
            assert!(!looks_like_a_copy(Path::new(real)), "{real}");
        }
    }

    #[test]
    fn slash_joins_parts_and_keeps_a_backslash_inside_a_unix_name() {
        assert_eq!(slash(Path::new("don-vi/1.1/kh.pdf")), "don-vi/1.1/kh.pdf");
        assert_eq!(slash(Path::new("/tmp/x/")), "/tmp/x");
        assert_eq!(slash(Path::new("./a/b")), "./a/b");
        #[cfg(unix)]
        assert_eq!(slash(Path::new("don-vi/a\\b.pdf")), "don-vi/a\\b.pdf");
        #[cfg(windows)]
        assert_eq!(slash(Path::new("don-vi\\a\\b.pdf")), "don-vi/a/b.pdf");
    }
}
