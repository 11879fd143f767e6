//! A zip where a unit or province folder would be, listed as that folder: its entry names make the
//! same tree of folders a folder on disk makes (rooted at the zip's own path, so paths show inside
//! the zip), and the same units are found in it. Windows' "Send to → Compressed folder" on a unit
//! folder puts every entry under one top folder (`so-khcn/…`): that folder is the unit, named as
//! on disk; a zip of a folder's contents has no top folder, and the unit is named by the zip's
//! stem. Budgets are judged per entry from the central directory; names that leave the zip are
//! listed, never read.

use super::{Discovery, Folder, Listed, Note, Shown, SkipReason, Skipped, Source, Tree, MAX_DEPTH};
use crate::archive::names::{self, Placed};
use crate::archive::{Archive, ArchiveBudget, EntryError, Member, Refused, RATIO_FLOOR};
use crate::budget::{BudgetHit, BudgetName};
use crate::facts::open::FileId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A zip given as an argument: its units and files, or why it is not read as a folder.
pub(super) fn discover_zip(
    open: &Path,
    id: FileId,
    shown: &Path,
    budget: &ArchiveBudget,
) -> Result<Discovery, Refused> {
    let archive = Archive::open_file(open, id, budget)?;
    let tree = Tree::of_archive(&archive, open, stem(open), budget);
    let mut found = tree.units(open, shown);
    found.notes.extend(duplicates_note(&archive, shown));
    Ok(found)
}

/// What a reader of the report must know of entries the zip holds under a name used twice: only
/// one of them could be listed and read.
fn duplicates_note(archive: &Archive, shown: &Path) -> Option<Note> {
    (archive.hidden_duplicates > 0)
        .then(|| Note::DuplicateNames { zip: shown.display().to_string(), count: archive.hidden_duplicates })
}

impl Tree {
    /// A zip lying where a unit would be: its units (`None` when it holds none: it stays a file),
    /// or why it was refused.
    pub(super) fn zip_units(&self, file: &Listed, shown: &Shown) -> Result<Option<Discovery>, Refused> {
        let archive = match &file.source {
            Source::Disk { path, id: Some(id) } => Archive::open_file(path, *id, &self.budget)?,
            Source::Zip(member) => {
                let nesting = member.archive.nesting + 1;
                if nesting > self.budget.max_nesting {
                    let hit = BudgetHit::new(BudgetName::ZipNesting, nesting, self.budget.max_nesting);
                    return Err(Refused::OverBudget(hit));
                }
                let bytes = member.read_bytes(self.budget.max_entry_bytes).map_err(|e| match e {
                    EntryError::OverBudget(which) => Refused::OverBudget(which),
                    EntryError::Unreadable(why) => Refused::NotAZip(why),
                })?;
                Archive::open_bytes(bytes, nesting, &self.budget)?
            }
            _ => return Err(Refused::NotAZip("not a listed file".into())),
        };
        let tree = Tree::of_archive(&archive, &file.path, stem(&file.path), &self.budget);
        let mut part = tree.units(&file.path, &shown.path(&file.path));
        part.notes.extend(duplicates_note(&archive, &shown.path(&file.path)));
        // A zip of zips too deep to open is still a container of submissions: it is listed so that
        // the refusal (with its budget) is seen.
        let refused_zip = |entry: &super::Entry| {
            matches!(entry.source, Source::OverBudget(_)) && crate::archive::is_zip_name(Path::new(&entry.rel))
        };
        Ok((!part.units.is_empty() || part.outside.iter().any(refused_zip)).then_some(part))
    }

    /// The folders a zip's entry names make, under `root` (the zip's path).
    fn of_archive(archive: &Arc<Archive>, root: &Path, root_id: String, budget: &ArchiveBudget) -> Tree {
        let mut tree = Tree {
            root: root.to_path_buf(),
            folders: vec![empty_folder(root.to_path_buf())],
            root_id: Some(root_id),
            budget: *budget,
        };
        let mut folder_at: HashMap<Vec<String>, usize> = HashMap::from([(Vec::new(), 0)]);
        let mut declared_total: u64 = 0;
        for entry in archive.entries() {
            let name = names::decode(&entry.raw_name, entry.utf8_flag);
            let parts = match names::place(&name) {
                Placed::Inside(parts) => parts,
                Placed::Escapes(how) => {
                    let reason = SkipReason::ZipEntryEscapes(how);
                    tree.folders[0].skipped.push(Skipped { path: root.to_path_buf(), reason, escapes: Some(name) });
                    continue;
                }
            };
            let Some((file_name, dirs)) = parts.split_last() else { continue };
            let dirs = if entry.is_dir { parts.as_slice() } else { dirs };
            if dirs.len() > MAX_DEPTH {
                tree.folders[0].skipped.push(Skipped::new(root.join(parts.join("/")), SkipReason::TooDeep));
                continue;
            }
            let folder = tree.folder(dirs, &mut folder_at);
            if entry.is_dir {
                continue;
            }
            let path = tree.folders[folder].path.join(file_name);
            if entry.is_symlink {
                tree.folders[folder].skipped.push(Skipped::new(path, SkipReason::ZipLink));
                continue;
            }
            let ratio = entry.size / entry.compressed.max(1);
            declared_total = declared_total.saturating_add(entry.size);
            let source = if entry.size > budget.max_entry_bytes {
                Source::OverBudget(BudgetHit::new(BudgetName::ZipEntrySize, entry.size, budget.max_entry_bytes))
            } else if entry.size > RATIO_FLOOR && ratio > budget.max_ratio {
                Source::OverBudget(BudgetHit::new(BudgetName::CompressionRatio, ratio, budget.max_ratio))
            } else if declared_total > budget.max_total_bytes {
                Source::OverBudget(BudgetHit::over(BudgetName::ZipTotal, budget.max_total_bytes))
            } else {
                let extension =
                    Path::new(file_name).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
                Source::Zip(Member {
                    archive: archive.clone(),
                    index: entry.index,
                    size: entry.size,
                    extension,
                    encrypted: entry.encrypted,
                })
            };
            tree.folders[folder].files.push(Listed { path, source });
        }
        for folder in &mut tree.folders {
            folder.files.sort_by(|a, b| a.path.cmp(&b.path));
            folder.skipped.sort_by(|a, b| (&a.path, &a.escapes).cmp(&(&b.path, &b.escapes)));
        }
        let paths: Vec<PathBuf> = tree.folders.iter().map(|f| f.path.clone()).collect();
        for folder in &mut tree.folders {
            folder.dirs.sort_by(|&a, &b| paths[a].cmp(&paths[b]));
        }
        tree
    }

    /// The folder at `parts` below the root, made (with its parents) when first named.
    fn folder(&mut self, parts: &[String], folder_at: &mut HashMap<Vec<String>, usize>) -> usize {
        let mut index = 0;
        for depth in 1..=parts.len() {
            let key = parts[..depth].to_vec();
            index = match folder_at.get(&key) {
                Some(&known) => known,
                None => {
                    let made = self.folders.len();
                    let path = self.folders[index].path.join(&parts[depth - 1]);
                    self.folders.push(empty_folder(path));
                    self.folders[index].dirs.push(made);
                    folder_at.insert(key, made);
                    made
                }
            };
        }
        index
    }
}

fn empty_folder(path: PathBuf) -> Folder {
    Folder { path, files: Vec::new(), dirs: Vec::new(), skipped: Vec::new() }
}

/// A zip's name without `.zip`: the unit's id when its entries have no top folder.
fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| super::slash(path))
}
