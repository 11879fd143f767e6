//! What discovery tells the reader, as data: why a file was listed but not read, and notes on the
//! submission. Discovery knows no language; the run renders these in its own where the report is
//! written (a file's `problem`, the run's notes).

use super::MAX_DEPTH;
use crate::facts::open::IoFailure;
use crate::model::Lang;

/// Why a listed file is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A folder that cannot be listed.
    FolderUnreadable(IoFailure),
    /// A file whose type and size cannot be read.
    NoMetadata,
    /// A folder nested deeper than [`MAX_DEPTH`] below the argument.
    TooDeep,
    /// A link to somewhere outside the folder being checked.
    LinkOutside,
    /// A link to a folder (never followed: it could loop).
    LinkToFolder,
    /// A link to nothing.
    BrokenLink,
    /// A FIFO, socket or device.
    SpecialFile,
    /// A zip entry whose name leaves the zip (how: `..`, `/`, `\`, `C:`, `NUL`).
    ZipEntryEscapes(&'static str),
    /// A link stored in a zip.
    ZipLink,
}

impl SkipReason {
    pub fn words(&self, lang: Lang) -> String {
        match self {
            SkipReason::FolderUnreadable(failure) => lang.pick(
                format!("không đọc được thư mục: {}", failure.words(Lang::Vi)),
                format!("the folder cannot be read: {}", failure.words(Lang::En)),
            ),
            SkipReason::NoMetadata => {
                lang.pick("không đọc được thông tin tệp", "the file's details cannot be read").into()
            }
            SkipReason::TooDeep => lang.pick(
                format!("thư mục lồng quá sâu (hơn {MAX_DEPTH} cấp): không đọc"),
                format!("folders nested too deep (over {MAX_DEPTH} levels): not read"),
            ),
            SkipReason::LinkOutside => lang
                .pick(
                    "liên kết trỏ ra ngoài thư mục được kiểm tra: không theo",
                    "a link pointing outside the folder being checked: not followed",
                )
                .into(),
            SkipReason::LinkToFolder => lang
                .pick(
                    "liên kết tới thư mục: không theo (tránh vòng lặp)",
                    "a link to a folder: not followed (it could loop)",
                )
                .into(),
            SkipReason::BrokenLink => lang.pick("liên kết hỏng", "a broken link").into(),
            SkipReason::SpecialFile => lang
                .pick(
                    "tệp đặc biệt (FIFO, socket, thiết bị): không đọc",
                    "a special file (FIFO, socket, device): not read",
                )
                .into(),
            SkipReason::ZipEntryEscapes(how) => lang.pick(
                format!("tên trong tệp nén ra ngoài thư mục ({how}): không đọc"),
                format!("a name in the zip that leaves the folder ({how}): not read"),
            ),
            SkipReason::ZipLink => lang
                .pick("liên kết (symlink) trong tệp nén: không theo", "a link (symlink) in the zip: not followed")
                .into(),
        }
    }
}

/// Something the reader should know about the submission that is not a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A folder argument (shown as given) holding no self-assessment workbook: its files are
    /// checked one by one.
    NoWorkbook { path: String },
    /// A zip (shown as given) holding `count` entries under names already used: only one entry per
    /// name could be listed and read.
    DuplicateNames { zip: String, count: u64 },
}

impl Note {
    pub fn words(&self, lang: Lang) -> String {
        match self {
            Note::NoWorkbook { path } => lang.pick(
                format!("không tìm thấy bảng tự chấm điểm (xlsx/xls/ods/csv) trong '{path}': các tệp được kiểm tra riêng lẻ"),
                format!("no self-assessment workbook (xlsx/xls/ods/csv) in '{path}': its files are checked one by one"),
            ),
            Note::DuplicateNames { zip, count } => {
                let entries = if *count == 1 { "1 entry shares".to_string() } else { format!("{count} entries share") };
                lang.pick(
                    format!("tệp nén '{zip}': {count} mục trùng tên với mục khác, chỉ một mục cho mỗi tên được đọc; nén lại thư mục để mỗi tệp có một tên"),
                    format!("zip '{zip}': {entries} a name with another entry, only one entry per name was read; zip the folder again so that each file has its own name"),
                )
            }
        }
    }
}
