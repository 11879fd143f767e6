//! `--data-quota`: the bytes the data folder may hold, across every check (uploads, reports, notes)
//! and the facts cache. An upload takes its bytes as they arrive and is refused (507) at the first
//! chunk past the quota; a check's reports are added when it ends; what the retention sweep deletes
//! is given back. Per-upload limits alone let many uploads fill the disk.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Quota {
    limit: u64,
    /// Bytes of `checks/` as counted: measured at start, then kept up to date.
    checks: AtomicU64,
    /// Bytes of the facts cache, measured at start and after each check (it grows by itself).
    cache: AtomicU64,
}

impl Quota {
    pub fn new(limit: u64, checks: u64, cache: u64) -> Quota {
        Quota { limit, checks: AtomicU64::new(checks), cache: AtomicU64::new(cache) }
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn used(&self) -> u64 {
        self.checks.load(Ordering::SeqCst).saturating_add(self.cache.load(Ordering::SeqCst))
    }

    /// Whether `bytes` more would still fit (an upload's declared length, before it is read).
    pub fn fits(&self, bytes: u64) -> bool {
        self.used().saturating_add(bytes) <= self.limit
    }

    /// Takes `bytes` if they fit; concurrent uploads never take more than the quota together.
    fn take(&self, bytes: u64) -> bool {
        let cache = self.cache.load(Ordering::SeqCst);
        self.checks
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |checks| {
                let after = checks.checked_add(bytes)?;
                (after.saturating_add(cache) <= self.limit).then_some(after)
            })
            .is_ok()
    }

    /// Bytes written whatever the quota (a finished check's reports).
    pub fn add(&self, bytes: u64) {
        self.checks.fetch_add(bytes, Ordering::SeqCst);
    }

    /// Bytes deleted (a swept check, a refused upload).
    pub fn give_back(&self, bytes: u64) {
        let _ = self.checks.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| Some(n.saturating_sub(bytes)));
    }

    pub fn set_cache(&self, bytes: u64) {
        self.cache.store(bytes, Ordering::SeqCst);
    }

    /// A reservation for one upload: given back when dropped unless kept.
    pub fn reserve(&self) -> Reservation<'_> {
        Reservation { quota: self, bytes: 0 }
    }
}

pub struct Reservation<'a> {
    quota: &'a Quota,
    bytes: u64,
}

impl Reservation<'_> {
    /// Takes `bytes` more for this upload; false when they would pass the quota.
    pub fn take(&mut self, bytes: u64) -> bool {
        let taken = self.quota.take(bytes);
        if taken {
            self.bytes += bytes;
        }
        taken
    }

    /// The upload is stored: its bytes stay counted. Returns how many.
    pub fn keep(mut self) -> u64 {
        std::mem::take(&mut self.bytes)
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.quota.give_back(self.bytes);
    }
}

/// Room kept free on the disk beyond an upload: its reports, the facts cache, the system's own.
const DISK_MARGIN: u64 = 256 << 20;

/// Whether the disk holding `path` has room for `bytes` more and the margin. `--data-quota` may be
/// larger than the disk, or the disk shared: a quota that fits on a full disk would only turn into
/// uploads failing halfway. When the free space cannot be read the answer is yes (the write then
/// says whether it fits).
pub fn disk_has_room(path: &Path, bytes: u64) -> bool {
    fs4::available_space(path).map_or(true, |free| bytes.saturating_add(DISK_MARGIN) <= free)
}

/// A size as people read it: `8 KiB`, `512 MiB`, `1,5 GiB` (a decimal comma in Vietnamese).
pub fn size_text(bytes: u64, lang: kiemchung::model::Lang) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let tenths = (value * 10.0).round() / 10.0;
    let text = if tenths.fract() == 0.0 || tenths >= 100.0 { format!("{tenths:.0}") } else { format!("{tenths:.1}") };
    let text = lang.pick(text.replace('.', ","), text);
    format!("{text} {}", UNITS[unit])
}

/// Bytes of the regular files under `path` (links are not followed, not counted).
pub fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return 0 };
    if meta.is_file() {
        return meta.len();
    }
    if !meta.is_dir() {
        return 0;
    }
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let Ok(file_type) = entry.file_type() else { continue };
            if file_type.is_dir() {
                stack.push(entry.path());
            } else if file_type.is_file() {
                total += entry.metadata().map_or(0, |m| m.len());
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_together_never_pass_the_quota_and_a_refused_one_gives_its_bytes_back() {
        let quota = Quota::new(100, 10, 20);
        let mut first = quota.reserve();
        assert!(first.take(50));
        let mut second = quota.reserve();
        assert!(!second.take(30), "10 + 20 + 50 + 30 is over 100");
        assert!(second.take(20));
        assert_eq!(quota.used(), 100);
        drop(second);
        assert_eq!(quota.used(), 80);
        assert_eq!(first.keep(), 50);
        assert_eq!(quota.used(), 80, "a kept upload stays counted");
        quota.give_back(50);
        quota.set_cache(0);
        assert_eq!(quota.used(), 10);
        assert!(quota.fits(90) && !quota.fits(91));
    }

    #[test]
    fn size_of_counts_files_below_and_not_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/one"), [0u8; 100]).unwrap();
        std::fs::write(dir.path().join("a/b/two"), [0u8; 23]).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("a/link")).unwrap();
        assert_eq!(size_of(dir.path()), 123);
        assert_eq!(size_of(&dir.path().join("a/one")), 100);
        assert_eq!(size_of(&dir.path().join("absent")), 0);
    }

    #[test]
    fn the_disk_has_room_for_little_and_not_for_more_than_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        assert!(disk_has_room(dir.path(), 1));
        assert!(!disk_has_room(dir.path(), u64::MAX - 1));
        // A path whose free space cannot be read leaves the decision to the write itself.
        assert!(disk_has_room(&dir.path().join("absent/deeper"), u64::MAX));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        use kiemchung::model::Lang;
        assert_eq!(size_text(8 * 1024, Lang::Vi), "8 KiB");
        assert_eq!(size_text(3 << 29, Lang::Vi), "1,5 GiB");
        assert_eq!(size_text(3 << 29, Lang::En), "1.5 GiB");
        assert_eq!(size_text(50 << 30, Lang::En), "50 GiB");
        assert_eq!(size_text(100, Lang::En), "100 B");
    }
}
