//! Receiving an upload: the multipart parts named `file` are written under the check's own folder,
//! each at the path its filename gives, after that path is proven to stay inside (no `..`, no
//! absolute path, no drive letter, no backslash); the other fields are kept as text.

use super::deadline::BodyCut;
use super::quota::Reservation;
use axum::extract::multipart::{Field, Multipart};
use kiemchung::model::Lang;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub struct Limits {
    /// Bytes of all files together (the request body is capped at the same number).
    pub max_bytes: u64,
    pub max_files: usize,
}

#[derive(Default)]
pub struct Fields {
    pub catalog: Option<String>,
    pub year: Option<String>,
    pub cutoff: Option<String>,
    pub lang: Option<String>,
    pub unit: Option<String>,
}

pub struct Upload {
    pub fields: Fields,
    /// The path under `upload/` the check runs on: the dropped folder, the .zip, or the unit folder
    /// the loose files were put in.
    pub root: String,
}

#[derive(Debug)]
pub enum UploadError {
    /// 413: over a size or count limit.
    TooLarge(String),
    /// 400: a malformed upload or a name that would leave its folder.
    Bad(String),
    /// 408: the body stalled or took too long (`deadline`).
    TooSlow(String),
    /// 507: past `--data-quota`.
    NoSpace,
    /// 507: the disk holding `--data` is full, whatever the quota says.
    DiskFull,
    /// 500: the server could not write what it received (its own fault, not the upload's).
    Storage(std::io::Error),
}

/// A failed write on the server's side: a full disk is said as such, anything else is the server's.
pub fn storage_error(error: std::io::Error) -> UploadError {
    match error.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => UploadError::DiskFull,
        _ => UploadError::Storage(error),
    }
}

/// Where an upload is received (`staging`, created here) and where it goes once whole (`upload`).
pub struct Folders {
    pub staging: PathBuf,
    pub upload: PathBuf,
}

/// Longest a field's text may be (a catalog id, a year, a date, a unit name).
const MAX_FIELD_BYTES: usize = 256;
const MAX_DEPTH: usize = 64;
const MAX_NAME_BYTES: usize = 1024;
const MAX_COMPONENT_BYTES: usize = 255;

/// The components of a part's filename when it is a plain relative path; else why not.
pub fn safe_relative(name: &str, lang: Lang) -> Result<Vec<String>, String> {
    let refuse = |vi: &str, en: &str| Err(format!("'{}': {}", name.escape_debug(), lang.pick(vi, en)));
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return refuse("tên tệp rỗng hoặc quá dài", "empty or too long a file name");
    }
    if name.chars().any(char::is_control) {
        return refuse("tên tệp có ký tự điều khiển", "control characters in the file name");
    }
    if name.contains('\\') || name.contains(':') {
        return refuse(
            "tên tệp có '\\' hoặc ':' (ổ đĩa, đường dẫn Windows)",
            "'\\' or ':' in the file name (a drive, a Windows path)",
        );
    }
    if name.starts_with('/') {
        return refuse("đường dẫn tuyệt đối", "an absolute path");
    }
    let parts: Vec<&str> = name.split('/').collect();
    if parts.len() > MAX_DEPTH {
        return refuse("thư mục lồng quá sâu", "folders nested too deep");
    }
    for part in &parts {
        if part.is_empty() || *part == "." || *part == ".." {
            return refuse(
                "đường dẫn ra ngoài thư mục tải lên ('..', '.', '//')",
                "a path leaving the upload ('..', '.', '//')",
            );
        }
        if part.len() > MAX_COMPONENT_BYTES {
            return refuse("một phần tên quá dài", "a name part is too long");
        }
    }
    Ok(parts.into_iter().map(str::to_string).collect())
}

/// Reads the whole multipart body into the staging folder and moves it to the upload folder; its
/// bytes are taken from the quota as they arrive.
pub async fn receive(
    mut multipart: Multipart,
    folders: &Folders,
    limits: &Limits,
    reservation: &mut Reservation<'_>,
    lang: Lang,
) -> Result<Upload, UploadError> {
    let (staging, upload_dir) = (folders.staging.as_path(), folders.upload.as_path());
    tokio::fs::create_dir_all(staging).await.map_err(storage_error)?;
    let mut fields = Fields::default();
    let mut names: Vec<Vec<String>> = Vec::new();
    let mut bytes: u64 = 0;
    while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(e, lang))? {
        match field.name().unwrap_or("") {
            "file" => {
                if names.len() >= limits.max_files {
                    return Err(UploadError::TooLarge(lang.pick(
                        format!("quá nhiều tệp: tối đa {} tệp một lần tải", limits.max_files),
                        format!("too many files: at most {} per upload", limits.max_files),
                    )));
                }
                let name = field.file_name().unwrap_or("").to_string();
                let parts = safe_relative(&name, lang).map_err(UploadError::Bad)?;
                let budget = Budget { bytes, limits, reservation: &mut *reservation };
                bytes = write_part(field, staging, &parts, budget, lang).await?;
                names.push(parts);
            }
            "catalog" => fields.catalog = Some(text_field(field, lang).await?),
            "year" => fields.year = Some(text_field(field, lang).await?),
            "cutoff" => fields.cutoff = Some(text_field(field, lang).await?),
            "lang" => fields.lang = Some(text_field(field, lang).await?),
            "unit" => fields.unit = Some(text_field(field, lang).await?),
            _ => {
                // Unknown parts are read and dropped, within the same byte budget.
                text_field(field, lang).await?;
            }
        }
    }
    if names.is_empty() {
        return Err(UploadError::Bad(lang.pick(
            "không có tệp nào (phần 'file' của biểu mẫu)".into(),
            "no file in the upload (the form's 'file' parts)".into(),
        )));
    }
    let layout = Layout::of(&names, fields.unit.as_deref(), lang).map_err(UploadError::Bad)?;
    let moved = async {
        tokio::fs::create_dir_all(upload_dir).await?;
        match &layout {
            Layout::Top(top) => {
                tokio::fs::rename(staging.join(top), upload_dir.join(top)).await?;
                tokio::fs::remove_dir(staging).await
            }
            Layout::Loose(unit) => tokio::fs::rename(staging, upload_dir.join(unit)).await,
        }
    };
    moved.await.map_err(storage_error)?;
    // A single .zip stays one file: the library reads it in place, never extracted.
    let root = match layout {
        Layout::Top(top) | Layout::Loose(top) => top,
    };
    Ok(Upload { fields, root })
}

/// Where the check starts: a single top entry (the dropped folder, or one .zip) is the upload;
/// files named relative to the unit go into a folder named after the unit.
enum Layout {
    Top(String),
    Loose(String),
}

impl Layout {
    fn of(names: &[Vec<String>], unit: Option<&str>, lang: Lang) -> Result<Layout, String> {
        let first = &names[0][0];
        let single_top = names.iter().all(|n| &n[0] == first);
        let one_zip = names.len() == 1 && names[0].len() == 1 && first.to_lowercase().ends_with(".zip");
        if single_top && (names.iter().all(|n| n.len() >= 2) || one_zip) {
            return Ok(Layout::Top(first.clone()));
        }
        let unit = unit.filter(|u| !u.trim().is_empty()).unwrap_or("don-vi");
        match safe_relative(unit, lang)?.as_slice() {
            [one] => Ok(Layout::Loose(one.clone())),
            _ => Err(format!("unit '{unit}': {}", lang.pick("cần một tên thư mục", "must be one folder name"))),
        }
    }
}

/// What an upload may still write: bytes so far against its limit, and the quota's reservation.
struct Budget<'r, 'q> {
    bytes: u64,
    limits: &'r Limits,
    reservation: &'r mut Reservation<'q>,
}

async fn write_part(
    mut field: Field<'_>,
    staging: &Path,
    parts: &[String],
    budget: Budget<'_, '_>,
    lang: Lang,
) -> Result<u64, UploadError> {
    let Budget { mut bytes, limits, reservation } = budget;
    // A name this system cannot hold (on Windows `con`, `a.`, `a?`) is the upload's; the rest the server's.
    let cannot_make = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::InvalidFilename | std::io::ErrorKind::InvalidInput => UploadError::Bad(format!(
            "'{}': {}",
            parts.join("/"),
            lang.pick("tên tệp không dùng được trên máy chủ", "a file name the server's system cannot hold")
        )),
        _ => storage_error(error),
    };
    let mut path: PathBuf = staging.to_path_buf();
    for folder in &parts[..parts.len() - 1] {
        path.push(folder);
        match tokio::fs::create_dir(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // Only a folder this upload made itself: never a link, never a file.
                let meta = tokio::fs::symlink_metadata(&path).await.map_err(storage_error)?;
                if !meta.is_dir() {
                    return Err(duplicate(parts, lang));
                }
            }
            Err(e) => return Err(cannot_make(e)),
        }
    }
    path.push(&parts[parts.len() - 1]);
    let mut file = match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(duplicate(parts, lang)),
        Err(e) => return Err(cannot_make(e)),
    };
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, lang))? {
        bytes += chunk.len() as u64;
        if bytes > limits.max_bytes {
            return Err(too_big(limits.max_bytes, lang));
        }
        if !reservation.take(chunk.len() as u64) {
            return Err(UploadError::NoSpace);
        }
        file.write_all(&chunk).await.map_err(storage_error)?;
    }
    file.flush().await.map_err(storage_error)?;
    Ok(bytes)
}

fn duplicate(parts: &[String], lang: Lang) -> UploadError {
    UploadError::Bad(format!("'{}': {}", parts.join("/"), lang.pick("tên tệp trùng", "the same name twice")))
}

pub fn too_big(max: u64, lang: Lang) -> UploadError {
    let mib = max / (1024 * 1024);
    UploadError::TooLarge(
        lang.pick(format!("tải lên quá lớn: tối đa {mib} MiB"), format!("upload too large: at most {mib} MiB")),
    )
}

async fn text_field(mut field: Field<'_>, lang: Lang) -> Result<String, UploadError> {
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, lang))? {
        text.extend_from_slice(&chunk);
        if text.len() > MAX_FIELD_BYTES {
            return Err(UploadError::Bad(lang.pick("một trường quá dài".into(), "a field is too long".into())));
        }
    }
    String::from_utf8(text)
        .map(|t| t.trim().to_string())
        .map_err(|_| UploadError::Bad(lang.pick("trường không phải UTF-8".into(), "a field is not UTF-8".into())))
}

fn multipart_error(error: axum::extract::multipart::MultipartError, lang: Lang) -> UploadError {
    if let Some(cut) = BodyCut::find(&error) {
        UploadError::TooSlow(cut.message(lang))
    } else if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::TooLarge(lang.pick("tải lên quá lớn".into(), "upload too large".into()))
    } else {
        UploadError::Bad(format!("{}: {}", lang.pick("biểu mẫu tải lên hỏng", "malformed upload"), error.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::{storage_error, UploadError};
    use std::io::{Error, ErrorKind};

    #[test]
    fn a_full_disk_is_said_as_such_and_other_write_failures_are_the_servers() {
        assert!(matches!(storage_error(Error::from(ErrorKind::StorageFull)), UploadError::DiskFull));
        assert!(matches!(storage_error(Error::from(ErrorKind::QuotaExceeded)), UploadError::DiskFull));
        #[cfg(unix)]
        assert!(matches!(storage_error(Error::from_raw_os_error(libc::ENOSPC)), UploadError::DiskFull));
        assert!(matches!(storage_error(Error::from(ErrorKind::PermissionDenied)), UploadError::Storage(_)));
    }
}
