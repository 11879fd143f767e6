//! Opening a file that discovery listed: never through a link swapped in since (`O_NOFOLLOW` on
//! the last component), and only if it is still the file that was listed (same device and inode),
//! so a folder or link re-pointed outside the root between listing and reading is refused.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

/// A file's identity on its filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    device: u64,
    inode: u64,
}

impl FileId {
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId { device: meta.dev(), inode: meta.ino() }
    }

    /// Windows exposes no stable file index in std: identity is not checked there.
    #[cfg(not(unix))]
    pub fn of(_meta: &Metadata) -> FileId {
        FileId { device: 0, inode: 0 }
    }
}

/// The file under a listed name is no longer the one listed.
#[derive(Debug)]
struct Replaced;

impl std::fmt::Display for Replaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the file was replaced after it was listed (a link or folder changed): not read")
    }
}

impl std::error::Error for Replaced {}

/// An entry of a zip that inflates to more than the size it declares (its budgets were judged
/// on that size).
#[derive(Debug)]
pub struct InflatesPastDeclared {
    pub declared: u64,
}

impl std::fmt::Display for InflatesPastDeclared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the entry inflates past the {} bytes it declares", self.declared)
    }
}

impl std::error::Error for InflatesPastDeclared {}

/// Why a file's bytes could not be had, as a reader is told it: the kind in words, the system's
/// own message (English) kept for English reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IoFailure {
    pub kind: IoKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IoKind {
    NotFound,
    PermissionDenied,
    /// Swapped since it was listed ([`open_listed`] refused it).
    Replaced,
    /// A zip entry inflating past its declared size.
    InflatesPastDeclared {
        declared: u64,
    },
    Other,
}

impl IoFailure {
    pub fn of(error: &io::Error) -> IoFailure {
        let inner = error.get_ref();
        let kind = if inner.is_some_and(|e| e.is::<Replaced>()) {
            IoKind::Replaced
        } else if let Some(past) = inner.and_then(|e| e.downcast_ref::<InflatesPastDeclared>()) {
            IoKind::InflatesPastDeclared { declared: past.declared }
        } else {
            match error.kind() {
                io::ErrorKind::NotFound => IoKind::NotFound,
                io::ErrorKind::PermissionDenied => IoKind::PermissionDenied,
                _ => IoKind::Other,
            }
        };
        IoFailure { kind, detail: error.to_string() }
    }

    /// What went wrong, in a few words: plain Vietnamese, or the system's own message in English.
    pub fn words(&self, lang: crate::rules::Lang) -> String {
        match (lang, self.kind) {
            (crate::rules::Lang::En, _) => self.detail.clone(),
            (_, IoKind::NotFound) => "không tồn tại".into(),
            (_, IoKind::PermissionDenied) => "không có quyền đọc".into(),
            (_, IoKind::Replaced) => {
                "tệp đã bị thay thế sau khi liệt kê (liên kết hoặc thư mục bị đổi): không đọc".into()
            }
            (_, IoKind::InflatesPastDeclared { declared }) => {
                format!("mục trong tệp nén giải nén ra nhiều hơn {declared} byte nó khai báo")
            }
            (_, IoKind::Other) => "lỗi của hệ thống khi đọc".into(),
        }
    }
}

/// Opens `path` for reading without following a link at its end; with `expected`, refuses a file
/// that is not the one listed.
pub fn open_listed(path: &Path, expected: Option<FileId>) -> io::Result<File> {
    let file = open_no_follow(path)?;
    if let Some(expected) = expected {
        let found = FileId::of(&file.metadata()?);
        if cfg!(unix) && found != expected {
            return Err(io::Error::other(Replaced));
        }
    }
    Ok(file)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: a FIFO swapped in for a file must not block the open.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_link_or_a_swapped_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("a.pdf");
        std::fs::write(&real, b"%PDF").unwrap();
        let id = FileId::of(&std::fs::metadata(&real).unwrap());
        assert!(open_listed(&real, Some(id)).is_ok());
        let link = dir.path().join("l.pdf");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(open_listed(&link, None).is_err(), "a link at the end is not followed");
        let other = dir.path().join("b.pdf");
        std::fs::write(&other, b"%PDF").unwrap();
        std::fs::rename(&other, &real).unwrap();
        assert!(open_listed(&real, Some(id)).is_err(), "another file under the listed name");
    }
}
