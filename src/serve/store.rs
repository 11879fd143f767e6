//! The server's data folder: one folder per check (`checks/ID/`: `meta.json`, the upload under
//! `upload/`, the reports), the facts cache, and the old checks a sweep deletes.

use super::quota::{self, Quota};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Queued,
    Running,
    Done,
    Failed,
}

/// What the province summary shows of each unit a check judged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitSummary {
    pub id: String,
    pub claimed: f64,
    pub at_risk: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    /// The unit an account uploaded for; `None` on a server without accounts or from a council.
    pub owner: Option<String>,
    pub uploaded_by: Option<String>,
    /// The folder or .zip name the clerk uploaded.
    pub name: String,
    /// Seconds since 1970, for the sweep and the lists.
    pub created: u64,
    pub state: State,
    pub done: usize,
    pub total: usize,
    pub error: Option<String>,
    pub units: Vec<UnitSummary>,
    /// The check process's peak resident memory (Linux), for the load test.
    #[serde(default)]
    pub peak_rss_kib: Option<u64>,
    /// Bytes of its folder counted against `--data-quota` (the upload, then the reports too).
    #[serde(default)]
    pub stored_bytes: u64,
}

pub fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Ids are 32 lowercase hex digits: anything else never becomes part of a path.
pub fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A per-user folder, never the binary's: `$XDG_DATA_HOME/kiemchung`, `~/.local/share/kiemchung`,
/// `%LOCALAPPDATA%\kiemchung` on Windows.
pub fn default_data_dir() -> Option<PathBuf> {
    let from = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return from("LOCALAPPDATA").map(|dir| dir.join("kiemchung"));
    }
    from("XDG_DATA_HOME")
        .filter(|dir| dir.is_absolute())
        .or_else(|| from("HOME").map(|home| home.join(".local").join("share")))
        .map(|dir| dir.join("kiemchung"))
}

pub struct Store {
    root: PathBuf,
    checks: Mutex<HashMap<String, Check>>,
    pub quota: Quota,
}

impl Store {
    /// Opens `root` (created if needed) and the checks kept there; a check that was queued or
    /// running when the server stopped is failed, not silently lost. What the folder holds
    /// already counts against `quota_limit`.
    pub fn open(root: &Path, quota_limit: u64) -> std::io::Result<Store> {
        std::fs::create_dir_all(root.join("checks"))?;
        let root = root.canonicalize()?;
        let mut checks = HashMap::new();
        for entry in std::fs::read_dir(root.join("checks"))?.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path().join("meta.json")) else { continue };
            let Ok(mut check) = serde_json::from_str::<Check>(&text) else { continue };
            if !valid_id(&check.id) || entry.file_name() != check.id.as_str() {
                continue;
            }
            if matches!(check.state, State::Queued | State::Running) {
                check.state = State::Failed;
                check.error = Some("máy chủ đã dừng khi đang kiểm tra / the server stopped during the check".into());
            }
            checks.insert(check.id.clone(), check);
        }
        let quota = Quota::new(quota_limit, quota::size_of(&root.join("checks")), quota::size_of(&root.join("cache")));
        Ok(Store { root, checks: Mutex::new(checks), quota })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn dir(&self, id: &str) -> PathBuf {
        self.root.join("checks").join(id)
    }

    pub fn get(&self, id: &str) -> Option<Check> {
        self.lock().get(id).cloned()
    }

    pub fn list(&self) -> Vec<Check> {
        let mut all: Vec<Check> = self.lock().values().cloned().collect();
        all.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        all
    }

    pub fn count_waiting(&self) -> usize {
        self.lock().values().filter(|c| matches!(c.state, State::Queued | State::Running)).count()
    }

    /// Adds or replaces a check and writes its meta.json.
    pub fn put(&self, check: Check) {
        self.save(&check);
        self.lock().insert(check.id.clone(), check);
    }

    /// Changes a check in memory; `persist` also writes meta.json (state changes, not every file).
    pub fn update(&self, id: &str, persist: bool, change: impl FnOnce(&mut Check)) {
        let changed = {
            let mut checks = self.lock();
            let Some(check) = checks.get_mut(id) else { return };
            change(check);
            check.clone()
        };
        if persist {
            self.save(&changed);
        }
    }

    /// After a check ends: its folder (upload, reports, notes) and the facts cache counted as they
    /// are on disk now.
    pub fn recount(&self, id: &str) {
        let size = quota::size_of(&self.dir(id));
        let mut before = None;
        self.update(id, true, |check| {
            before = Some(check.stored_bytes);
            check.stored_bytes = size;
        });
        match before {
            Some(before) if size >= before => self.quota.add(size - before),
            Some(before) => self.quota.give_back(before - size),
            None => {}
        }
        self.quota.set_cache(quota::size_of(&self.root.join("cache")));
    }

    /// Deletes a check's folder and gives its bytes back to the quota.
    fn remove_dir(&self, dir: &Path) -> bool {
        let size = quota::size_of(dir);
        let removed = std::fs::remove_dir_all(dir).is_ok();
        if removed {
            self.quota.give_back(size);
        }
        removed
    }

    fn save(&self, check: &Check) {
        let dir = self.dir(&check.id);
        let temp = dir.join("meta.json.tmp");
        let written = serde_json::to_vec_pretty(check)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&temp, bytes))
            .and_then(|()| std::fs::rename(&temp, dir.join("meta.json")));
        if let Err(why) = written {
            eprintln!("kiemchung serve: meta.json {}: {why}", check.id);
        }
    }

    /// Deletes finished checks older than `keep`, and folders under `checks/` that no check owns
    /// (a crash mid-upload) once they are as old. Returns how many folders went.
    pub fn sweep(&self, keep: Duration) -> usize {
        let limit = now_seconds().saturating_sub(keep.as_secs());
        let old: Vec<String> = {
            let mut checks = self.lock();
            let old: Vec<String> = checks
                .values()
                .filter(|c| c.created < limit && matches!(c.state, State::Done | State::Failed))
                .map(|c| c.id.clone())
                .collect();
            old.iter().for_each(|id| {
                checks.remove(id);
            });
            old
        };
        let mut removed = 0;
        for id in &old {
            removed += usize::from(self.remove_dir(&self.dir(id)));
        }
        // An upload in progress is in no list yet: a folder without a check waits a day at least.
        let orphan_limit = limit.min(now_seconds().saturating_sub(24 * 3600));
        let Ok(entries) = std::fs::read_dir(self.root.join("checks")) else { return removed };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let modified = entry.metadata().and_then(|m| m.modified()).ok();
            let age_ok =
                modified.and_then(|m| m.duration_since(UNIX_EPOCH).ok()).is_some_and(|m| m.as_secs() < orphan_limit);
            if age_ok && !self.lock().contains_key(&name) {
                removed += usize::from(self.remove_dir(&entry.path()));
            }
        }
        removed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Check>> {
        self.checks.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
