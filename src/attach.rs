//! Which files are evidence for which criterion: the workbook's file column (names or paths,
//! resolved inside the unit folder only) and folders named by criterion code (`evidence/1.1/…`,
//! `TC 1.1/…`, `1.1 - Kế hoạch/…`).

use crate::vn::text::nfc;
use regex::Regex;
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

/// A workbook listing that points at nothing usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    NotFound(String),
    /// Not among the row's evidence, but a file of that name is evidence for another criterion.
    InOtherCriterion {
        listed: String,
        found: String,
    },
    /// Absolute, or climbing out of the unit folder with `..`: never read.
    Escapes(String),
}

/// Evidence of one row: indices into the unit's file list, and listings that found no file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RowEvidence {
    pub files: BTreeSet<usize>,
    pub unresolved: Vec<Unresolved>,
}

static CRITERION_FOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:tctp|tc|tiêu chí(?: thành phần)?)[\s._-]*)?(\d+(?:\.\d+)*)\.?(?:$|[\s_–—-])").unwrap()
});

/// The criterion a file's folders name (deepest first), if that code is one of `known`.
pub fn criterion_of_folder(rel: &str, known: &dyn Fn(&str) -> bool) -> Option<String> {
    let folders: Vec<&str> = rel.split('/').collect();
    folders[..folders.len().saturating_sub(1)].iter().rev().find_map(|folder| {
        let folder = nfc(folder);
        let caps = CRITERION_FOLDER.captures(&folder)?;
        let code = caps[1].to_string();
        known(&code).then_some(code)
    })
}

/// Index of a unit's files for resolving listings: by exact relative path and by file name,
/// both compared after NFC and lower-casing (names typed on Windows, files made on macOS).
pub struct FileIndex {
    rels: Vec<String>,
    by_path: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

fn key(text: &str) -> String {
    nfc(text).to_lowercase()
}

impl FileIndex {
    pub fn new(rels: &[&str]) -> Self {
        let mut by_path = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, rel) in rels.iter().enumerate() {
            by_path.insert(key(rel), index);
            let name = rel.rsplit('/').next().unwrap_or(rel);
            by_name.entry(key(name)).or_default().push(index);
        }
        FileIndex { rels: rels.iter().map(|r| r.to_string()).collect(), by_path, by_name }
    }

    /// Resolves one listing for the row `code`; `folder_of(index)` is the criterion folder a file
    /// sits in, used to choose between files of the same name.
    pub fn resolve(
        &self,
        listed: &str,
        code: &str,
        folder_of: &dyn Fn(usize) -> Option<String>,
    ) -> Result<usize, Unresolved> {
        let cleaned = listed.trim().trim_matches('"').replace('\\', "/");
        let cleaned = cleaned.trim_start_matches("./");
        if is_escaping(cleaned) {
            return Err(Unresolved::Escapes(listed.trim().to_string()));
        }
        if let Some(&index) = self.by_path.get(&key(cleaned)) {
            return Ok(index);
        }
        let name = cleaned.rsplit('/').next().unwrap_or(cleaned);
        let Some(candidates) = self.by_name.get(&key(name)) else {
            return Err(Unresolved::NotFound(cleaned.to_string()));
        };
        // A path that names folders must match them; a bare name may live anywhere in the unit.
        if cleaned.contains('/') {
            return Err(Unresolved::NotFound(cleaned.to_string()));
        }
        // Own criterion's folder first, then a folder of no criterion (a flat layout); a file
        // that only sits in another criterion's folder was uploaded for that criterion, not this one.
        if let Some(&i) = candidates.iter().find(|&&i| folder_of(i).as_deref() == Some(code)) {
            return Ok(i);
        }
        if let Some(&i) = candidates.iter().find(|&&i| folder_of(i).is_none()) {
            return Ok(i);
        }
        Err(Unresolved::InOtherCriterion { listed: cleaned.to_string(), found: self.rels[candidates[0]].clone() })
    }
}

/// What a unit's files are evidence for: per file, the criterion codes it serves; per workbook
/// row, its files and the listings that found none.
#[derive(Debug, Default)]
pub struct Attachment {
    pub criteria_of_file: Vec<BTreeSet<String>>,
    pub evidence_of_row: Vec<RowEvidence>,
}

/// Attaches a unit's files (`rels`, relative to the unit) to the workbook's rows: by the row's
/// listings and by criterion folders. `known` says whether a folder's code is a criterion;
/// `workbook` (the workbook's own rel) is never evidence.
pub fn attach(
    rels: &[&str],
    rows: &[crate::sheet::Row],
    known: &dyn Fn(&str) -> bool,
    workbook: Option<&str>,
) -> Attachment {
    let folders: Vec<Option<String>> = rels.iter().map(|rel| criterion_of_folder(rel, known)).collect();
    let index = FileIndex::new(rels);
    let mut criteria_of_file: Vec<BTreeSet<String>> = vec![BTreeSet::new(); rels.len()];
    let mut evidence_of_row = Vec::with_capacity(rows.len());
    for row in rows {
        let mut evidence = RowEvidence::default();
        for listed in &row.files {
            match index.resolve(listed, &row.code, &|i| folders[i].clone()) {
                Ok(i) if Some(rels[i]) != workbook => {
                    evidence.files.insert(i);
                }
                Ok(_) => {}
                Err(unresolved) => evidence.unresolved.push(unresolved),
            }
        }
        for (i, folder) in folders.iter().enumerate() {
            if folder.as_deref() == Some(row.code.as_str()) {
                evidence.files.insert(i);
            }
        }
        for &i in &evidence.files {
            criteria_of_file[i].insert(row.code.clone());
        }
        evidence_of_row.push(evidence);
    }
    // A folder named after a criterion the sheet does not list still holds evidence for it.
    for (i, folder) in folders.iter().enumerate() {
        if let Some(code) = folder {
            criteria_of_file[i].insert(code.clone());
        }
    }
    Attachment { criteria_of_file, evidence_of_row }
}

fn is_escaping(path: &str) -> bool {
    let bytes = path.as_bytes();
    let windows_drive = bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic();
    if path.starts_with('/') || windows_drive || path.contains("://") {
        return true;
    }
    let mut depth: i32 = 0;
    for part in path.split('/') {
        match part {
            ".." => depth -= 1,
            "" | "." => {}
            _ => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(code: &str) -> bool {
        ["1.1", "1.2", "2.1.3", "1"].contains(&code)
    }

    #[test]
    fn criterion_folders_in_their_usual_names() {
        assert_eq!(criterion_of_folder("evidence/1.1/kh.pdf", &known).as_deref(), Some("1.1"));
        assert_eq!(criterion_of_folder("TC 1.2/bc.pdf", &known).as_deref(), Some("1.2"));
        assert_eq!(criterion_of_folder("1.1 - Kế hoạch/kh.pdf", &known).as_deref(), Some("1.1"));
        assert_eq!(criterion_of_folder("Tiêu chí 2.1.3/a/x.pdf", &known).as_deref(), Some("2.1.3"));
        assert_eq!(criterion_of_folder("2023/x.pdf", &known), None);
        assert_eq!(criterion_of_folder("kh.pdf", &known), None);
        // The deepest named folder wins.
        assert_eq!(criterion_of_folder("1/1.2/x.pdf", &known).as_deref(), Some("1.2"));
    }

    #[test]
    fn listings_resolve_inside_the_unit_only() {
        let rels =
            ["evidence/1.1/BC.pdf", "evidence/1.2/BC.pdf", "tu-cham.xlsx", "chung/KH.pdf", "evidence/1.1/TB.pdf"];
        let index = FileIndex::new(&rels);
        let folder = |i: usize| criterion_of_folder(rels[i], &known);
        assert_eq!(index.resolve("bc.pdf", "1.2", &folder), Ok(1));
        assert_eq!(index.resolve("KH.pdf", "1.2", &folder), Ok(3), "a flat folder serves every row");
        assert_eq!(
            index.resolve("TB.pdf", "1.2", &folder),
            Err(Unresolved::InOtherCriterion { listed: "TB.pdf".into(), found: "evidence/1.1/TB.pdf".into() })
        );
        assert_eq!(index.resolve("evidence\\1.1\\BC.pdf", "1.2", &folder), Ok(0));
        assert_eq!(index.resolve("x.pdf", "1.1", &folder), Err(Unresolved::NotFound("x.pdf".into())));
        for escaping in ["../other-unit/BC.pdf", "/etc/passwd", "C:\\Users\\a.pdf", "evidence/../../x.pdf"] {
            assert!(matches!(index.resolve(escaping, "1.1", &folder), Err(Unresolved::Escapes(_))), "{escaping}");
        }
    }
}
