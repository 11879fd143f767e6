//! Discovery: which folders are units (they hold a self-assessment workbook), which are provinces
//! (folders of units, at any depth), and every file under them. Sorted, deterministic; symlinks
//! are never followed out of the root, linked folders are not followed at all (no loops), special
//! files are skipped with a reason. Nothing is written.

use crate::sheet::{read_workbook, Sheet, SheetError};
use std::fs;
use std::path::{Path, PathBuf};

const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv"];

#[derive(Debug)]
pub struct UnitDir {
    pub id: String,
    pub root: PathBuf,
    /// The workbook's path relative to the unit, and what reading it gave.
    pub workbook: Option<(String, Result<Sheet, SheetError>)>,
    pub files: Vec<Entry>,
}

/// A discovered file: its path relative to its unit (or to the argument), and on disk.
#[derive(Debug, Clone)]
pub struct Entry {
    pub rel: String,
    pub path: PathBuf,
    /// Why it is not read (a link out of the root, a FIFO…); None for a regular file.
    pub skip: Option<String>,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub units: Vec<UnitDir>,
    /// Files given one by one, or under a folder that holds no unit at all: checked on their own.
    pub loose: Vec<Entry>,
    /// Files beside units (a province folder's own files): listed, not evidence.
    pub outside: Vec<Entry>,
    pub notes: Vec<String>,
}

/// Discovers every PATH argument. Err only for a path that does not exist or cannot be read.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, String> {
    let mut found = Discovery::default();
    for path in paths {
        let meta =
            fs::metadata(path).map_err(|e| format!("không truy cập được '{}': {}", path.display(), io_reason(&e)))?;
        if meta.is_file() {
            found.loose.push(Entry { rel: path.display().to_string(), path: path.clone(), skip: None });
            continue;
        }
        let root = fs::canonicalize(path).map_err(|e| format!("'{}': {}", path.display(), io_reason(&e)))?;
        let mut walker = Walker { root: root.clone(), shown_root: path.clone(), found: Discovery::default() };
        walker.visit(&root);
        let mut part = walker.found;
        if part.units.is_empty() {
            if !part.outside.is_empty() {
                part.notes.push(format!(
                    "không tìm thấy bảng tự chấm điểm (xlsx/xls/ods/csv) trong '{}': các tệp được kiểm tra riêng lẻ",
                    path.display()
                ));
            }
            part.loose.append(&mut part.outside);
        }
        found.units.append(&mut part.units);
        found.loose.append(&mut part.loose);
        found.outside.append(&mut part.outside);
        found.notes.append(&mut part.notes);
    }
    disambiguate_ids(&mut found.units);
    Ok(found)
}

pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "không tồn tại".into(),
        std::io::ErrorKind::PermissionDenied => "không có quyền đọc".into(),
        _ => error.to_string(),
    }
}

struct Walker {
    root: PathBuf,
    shown_root: PathBuf,
    found: Discovery,
}

struct Listing {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    skipped: Vec<(PathBuf, String)>,
}

impl Walker {
    fn visit(&mut self, dir: &Path) {
        let listing = self.list(dir);
        let candidates: Vec<&PathBuf> = listing.files.iter().filter(|p| is_workbook_name(p)).collect();
        let mut parsed: Vec<(&PathBuf, Result<Sheet, SheetError>)> =
            candidates.into_iter().map(|p| (p, read_workbook(p))).collect();
        if let Some(index) = parsed.iter().position(|(_, r)| r.is_ok()) {
            let (path, sheet) = parsed.swap_remove(index);
            let path = path.clone();
            self.add_unit(dir, Some((path, sheet)));
            return;
        }
        if !parsed.is_empty() {
            // A workbook we cannot read: this is a unit, unless real units live below it.
            let mut below =
                Walker { root: self.root.clone(), shown_root: self.shown_root.clone(), found: Discovery::default() };
            listing.dirs.iter().for_each(|d| below.visit(d));
            if !below.found.units.iter().any(|u| matches!(u.workbook, Some((_, Ok(_))))) {
                let (path, error) = parsed.swap_remove(0);
                let path = path.clone();
                self.add_unit(dir, Some((path, error)));
                return;
            }
            self.absorb(below.found);
            self.add_outside(&listing.files, &listing.skipped);
            return;
        }
        self.add_outside(&listing.files, &listing.skipped);
        for sub in &listing.dirs {
            self.visit(sub);
        }
    }

    fn absorb(&mut self, other: Discovery) {
        self.found.units.extend(other.units);
        self.found.outside.extend(other.outside);
        self.found.notes.extend(other.notes);
    }

    fn add_outside(&mut self, files: &[PathBuf], skipped: &[(PathBuf, String)]) {
        for path in files {
            self.found.outside.push(Entry { rel: self.shown(path), path: path.clone(), skip: None });
        }
        for (path, reason) in skipped {
            self.found.outside.push(Entry { rel: self.shown(path), path: path.clone(), skip: Some(reason.clone()) });
        }
    }

    /// The path as the user would write it: the argument joined with the part below it.
    fn shown(&self, path: &Path) -> String {
        slash(&self.shown_path(path))
    }

    fn shown_path(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(below) if below.as_os_str().is_empty() => self.shown_root.clone(),
            Ok(below) => self.shown_root.join(below),
            Err(_) => path.to_path_buf(),
        }
    }

    fn add_unit(&mut self, dir: &Path, workbook: Option<(PathBuf, Result<Sheet, SheetError>)>) {
        let mut files = Vec::new();
        self.collect(dir, dir, &mut files);
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        let id = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| slash(dir));
        let workbook = workbook.map(|(path, sheet)| (rel_to(dir, &path), sheet));
        let root = self.shown_path(dir);
        self.found.units.push(UnitDir { id, root, workbook, files });
    }

    fn collect(&self, unit: &Path, dir: &Path, out: &mut Vec<Entry>) {
        let listing = self.list(dir);
        for path in listing.files {
            out.push(Entry { rel: rel_to(unit, &path), path, skip: None });
        }
        for (path, reason) in listing.skipped {
            out.push(Entry { rel: rel_to(unit, &path), path, skip: Some(reason) });
        }
        for sub in listing.dirs {
            self.collect(unit, &sub, out);
        }
    }

    /// One folder's entries, sorted by name; links and special files sorted into `skipped`.
    fn list(&self, dir: &Path) -> Listing {
        let mut listing = Listing { files: Vec::new(), dirs: Vec::new(), skipped: Vec::new() };
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                listing.skipped.push((dir.to_path_buf(), format!("không đọc được thư mục: {}", io_reason(&error))));
                return listing;
            }
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(meta) = fs::symlink_metadata(&path) else {
                listing.skipped.push((path, "không đọc được thông tin tệp".into()));
                continue;
            };
            let kind = meta.file_type();
            if kind.is_dir() {
                listing.dirs.push(path);
            } else if kind.is_file() {
                listing.files.push(path);
            } else if kind.is_symlink() {
                match fs::canonicalize(&path) {
                    Ok(target) if !target.starts_with(&self.root) => {
                        listing.skipped.push((path, "liên kết trỏ ra ngoài thư mục được kiểm tra: không theo".into()))
                    }
                    Ok(target) if target.is_file() => listing.files.push(path),
                    Ok(_) => listing.skipped.push((path, "liên kết tới thư mục: không theo (tránh vòng lặp)".into())),
                    Err(_) => listing.skipped.push((path, "liên kết hỏng".into())),
                }
            } else {
                listing.skipped.push((path, "tệp đặc biệt (FIFO, socket, thiết bị): không đọc".into()));
            }
        }
        listing
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

pub fn slash(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
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
