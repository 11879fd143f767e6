//! The self-assessment workbook (xlsx, xls, ods via calamine; csv). The header row is found by
//! meaning, not position: any of the usual labels, with or without diacritics, in any case, under
//! 0–15 title rows, on one row or two (merged "Điểm" over "Tối đa" / "Tự chấm").

use crate::budget::{BudgetHit, BudgetName};
use crate::sniff::{sniff, Kind};
use crate::vn::text::{fold, nfc};
use calamine::Data;
use regex::Regex;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

mod biff;
mod prescan;
mod read;

pub use read::WorkbookBudget;

/// Larger workbooks are refused: a self-assessment sheet is a few hundred rows.
pub const MAX_WORKBOOK_BYTES: u64 = 64 * 1024 * 1024;
/// Rows searched for the header.
const HEADER_SEARCH_ROWS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Code,
    Ordinal,
    Title,
    Max,
    Score,
    Explanation,
    Files,
}

/// (role, folded label phrase); a column takes the role of its longest matching phrase.
const ALIASES: &[(Role, &str)] = &[
    (Role::Code, "ma tieu chi"),
    (Role::Code, "ma tc"),
    (Role::Code, "ma so"),
    (Role::Code, "ma chi so"),
    (Role::Code, "ma tieu chi thanh phan"),
    (Role::Code, "tt"),
    (Role::Code, "ma"),
    (Role::Ordinal, "stt"),
    (Role::Ordinal, "so tt"),
    (Role::Ordinal, "so thu tu"),
    (Role::Title, "tieu chi"),
    (Role::Title, "ten tieu chi"),
    (Role::Title, "noi dung"),
    (Role::Title, "linh vuc tieu chi"),
    (Role::Max, "diem toi da"),
    (Role::Max, "toi da"),
    (Role::Max, "diem chuan"),
    (Role::Max, "thang diem"),
    (Role::Score, "diem tu cham"),
    (Role::Score, "tu cham"),
    (Role::Score, "diem tdg"),
    (Role::Score, "tdg"),
    (Role::Score, "diem tu danh gia"),
    (Role::Score, "tu danh gia"),
    (Role::Score, "diem td"),
    (Role::Explanation, "giai trinh"),
    (Role::Explanation, "noi dung giai trinh"),
    (Role::Explanation, "thuyet minh"),
    (Role::Files, "tai lieu kiem chung"),
    (Role::Files, "tai lieu kc"),
    (Role::Files, "tlkc"),
    (Role::Files, "minh chung"),
    (Role::Files, "tai lieu dinh kem"),
    (Role::Files, "tep dinh kem"),
    (Role::Files, "file dinh kem"),
];

/// Aliases that must be the whole label, not a phrase inside it ("tt" in "tt ke hoach").
const WHOLE_LABEL_ONLY: &[&str] = &["tt", "ma", "stt", "tdg"];

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Spreadsheet row number as the user sees it (1-based).
    pub line: usize,
    pub code: String,
    pub title: String,
    pub max: Option<f64>,
    pub score: Option<f64>,
    /// The score cell as written, when it is not a number.
    pub score_text: Option<String>,
    pub explanation: String,
    /// File names or paths as listed, split on `;`, new lines, and `,` between names.
    pub files: Vec<String>,
    /// The code cell held something other than a criterion code.
    pub code_is_wellformed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub sheet_name: String,
    pub header_line: usize,
    pub rows: Vec<Row>,
    pub has_files_column: bool,
    /// The assessment year the sheet names: "năm 2026" in its title rows or name, else the year
    /// its cells name most often.
    pub year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SheetError {
    /// Cannot be opened as a workbook at all.
    Corrupt(String),
    /// Opened, but no sheet has a recognisable header.
    NoHeader,
    /// A safety budget was exceeded (size, zip entries, unzipped bytes, ratio, XML depth): which.
    OverBudget(BudgetHit),
}

/// A sheet's cells by row, at the positions the user sees.
pub(crate) type Grid = Vec<Vec<Data>>;

/// Reads the workbook at `path` (kind by content).
pub fn read_workbook(path: &Path) -> Result<Sheet, SheetError> {
    let file = std::fs::File::open(path).map_err(|e| SheetError::Corrupt(e.to_string()))?;
    read_workbook_file(file, path)
}

/// [`read_workbook`] from a file already opened (discovery opens the file it listed); `path`
/// names it (a `.csv` is read as CSV).
pub fn read_workbook_file(file: std::fs::File, path: &Path) -> Result<Sheet, SheetError> {
    let mut bytes = Vec::new();
    file.take(MAX_WORKBOOK_BYTES + 1).read_to_end(&mut bytes).map_err(|e| SheetError::Corrupt(e.to_string()))?;
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(SheetError::OverBudget(BudgetHit::over(BudgetName::FileSize, MAX_WORKBOOK_BYTES)));
    }
    let is_csv = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    read_workbook_bytes(&bytes, is_csv)
}

pub fn read_workbook_bytes(bytes: &[u8], is_csv: bool) -> Result<Sheet, SheetError> {
    let grids = read_grids(bytes, is_csv)?;
    grids.into_iter().find_map(|(name, grid)| read_grid(&name, &grid)).ok_or(SheetError::NoHeader)
}

/// The budget a workbook's bytes exceed, named with its numbers (the same readers as
/// [`read_workbook`]), or `None`: the facts step marks such a file over budget.
pub fn over_budget(bytes: &[u8], is_csv: bool, budget: &WorkbookBudget) -> Option<BudgetHit> {
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Some(BudgetHit::new(BudgetName::FileSize, bytes.len(), MAX_WORKBOOK_BYTES));
    }
    match read_grids_within(bytes, is_csv, budget) {
        Err(SheetError::OverBudget(which)) => Some(which),
        _ => None,
    }
}

/// Every sheet of a workbook (or the one of a CSV file), within the container budgets.
pub(crate) fn read_grids(bytes: &[u8], is_csv: bool) -> Result<Vec<(String, Grid)>, SheetError> {
    read_grids_within(bytes, is_csv, &WorkbookBudget::default())
}

/// [`read_grids`] within `budget`.
pub fn read_grids_within(
    bytes: &[u8],
    is_csv: bool,
    budget: &WorkbookBudget,
) -> Result<Vec<(String, Grid)>, SheetError> {
    Ok(match sniff(bytes) {
        Kind::Text if is_csv => vec![("csv".to_string(), read::csv_grid(bytes, budget)?)],
        kind @ (Kind::Xlsx | Kind::Ods | Kind::Zip) => {
            check_unzipped_size(bytes)?;
            contained(|| read::calamine_grids(bytes, kind, budget))?
        }
        Kind::Ole => contained(|| read::calamine_grids(bytes, Kind::Ole, budget))?,
        Kind::Empty => return Err(SheetError::Corrupt("empty file".into())),
        other => return Err(SheetError::Corrupt(format!("not a workbook (content is {})", other.as_str()))),
    })
}

/// calamine asserts on some malformed containers (a compound file whose sector size is not a
/// power of two panics in its CFB reader): a workbook that makes the reader panic is corrupt, and
/// discovery, which reads workbooks outside any per-file containment, goes on.
fn contained(
    read: impl FnOnce() -> Result<Vec<(String, Grid)>, SheetError>,
) -> Result<Vec<(String, Grid)>, SheetError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        Err(SheetError::Corrupt(format!("the workbook reader failed: {}", crate::panics::panic_message(&panic))))
    })
}

/// Zip and XML bombs stop here, before calamine inflates anything (`container`).
pub(crate) fn check_unzipped_size(bytes: &[u8]) -> Result<(), SheetError> {
    use crate::container::{check, ContainerBudget, ContainerError};
    check(bytes, &ContainerBudget::default()).map_err(|error| match error {
        ContainerError::Corrupt(detail) => SheetError::Corrupt(detail),
        ContainerError::OverBudget(detail) => SheetError::OverBudget(detail),
    })
}

fn cell_at(grid: &Grid, row: usize, col: usize) -> Option<&Data> {
    grid.get(row).and_then(|r| r.get(col)).filter(|d| !matches!(d, Data::Empty))
}

pub(crate) fn text_of(cell: Option<&Data>) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => nfc(s).trim().to_string(),
        Some(Data::Float(f)) => format_number(*f),
        Some(Data::Int(i)) => i.to_string(),
        Some(other) => other.to_string(),
    }
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Finds the header in a grid and reads the rows under it.
fn read_grid(name: &str, grid: &Grid) -> Option<Sheet> {
    let mut best: Option<(usize, usize, Vec<Option<Role>>)> = None; // (matched roles, rows used, columns)
    let mut best_line = 0;
    for r in 0..grid.len().min(HEADER_SEARCH_ROWS) {
        for depth in [1usize, 2] {
            let labels: Vec<String> = (0..grid[r].len().max(grid.get(r + 1).map_or(0, Vec::len)))
                .map(|c| {
                    let mut label = fold(&text_of(grid[r].get(c)));
                    if depth == 2 {
                        let below = fold(&text_of(grid.get(r + 1).and_then(|row| row.get(c))));
                        if !below.is_empty() && below != label {
                            label = format!("{label} {below}");
                        }
                    }
                    label
                })
                .collect();
            let roles = assign_roles(&labels);
            let has = |role| roles.contains(&Some(role));
            let key_columns = (has(Role::Code) || has(Role::Ordinal)) && has(Role::Score);
            let count = roles.iter().flatten().count();
            if key_columns && best.as_ref().is_none_or(|(n, _, _)| count > *n) {
                best = Some((count, depth, roles));
                best_line = r;
            }
        }
    }
    let (_, depth, mut roles) = best?;
    if !roles.contains(&Some(Role::Code)) {
        // Only an ordinal column: it is the code column (some sheets number criteria under "STT").
        roles.iter_mut().filter(|r| **r == Some(Role::Ordinal)).take(1).for_each(|r| *r = Some(Role::Code));
    }
    let column = |role: Role| roles.iter().position(|r| *r == Some(role));
    let (code_col, score_col) = (column(Role::Code)?, column(Role::Score)?);
    let (title_col, max_col, expl_col, files_col) =
        (column(Role::Title), column(Role::Max), column(Role::Explanation), column(Role::Files));
    let mut rows = Vec::new();
    for (index, row) in grid.iter().enumerate().skip(best_line + depth) {
        let get = |col: Option<usize>| text_of(col.and_then(|c| row.get(c)));
        if is_column_numbering(row) {
            continue;
        }
        let raw_code = get(Some(code_col));
        let title = get(title_col);
        let score_cell = row.get(score_col);
        let (score, score_text) = read_number(score_cell);
        let explanation = get(expl_col);
        let files = split_file_list(&get(files_col));
        let Some((code, wellformed)) = read_code(&raw_code) else {
            continue; // total, heading or blank row
        };
        if !wellformed && score.is_none() && files.is_empty() {
            continue; // a note or a heading written in the code column
        }
        rows.push(Row {
            line: index + 1,
            code,
            title,
            max: read_number(max_col.and_then(|c| row.get(c))).0,
            score,
            score_text,
            explanation,
            files,
            code_is_wellformed: wellformed,
        });
    }
    Some(Sheet {
        sheet_name: name.to_string(),
        header_line: best_line + 1,
        rows,
        has_files_column: files_col.is_some(),
        year: named_year(name, &grid[..best_line], grid),
    })
}

/// "năm 2026" (any case, with or without diacritics) in the title rows or the sheet's name; else
/// the year the cells name most often (explanations say "năm 2026" of the year they assess, and
/// sometimes "năm 2025" of last year's index).
fn named_year(name: &str, title_rows: &[Vec<Data>], grid: &Grid) -> Option<i32> {
    let titled: Vec<i32> = title_rows
        .iter()
        .flat_map(|row| row.iter().flat_map(|cell| years_in(&text_of(Some(cell)))))
        .chain(years_in(name))
        .collect();
    if let Some(year) = titled.first() {
        return Some(*year);
    }
    let mut counts: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for cell in grid.iter().take(MAX_YEAR_SCAN_ROWS).flatten() {
        if let Data::String(text) = cell {
            for year in years_in(text) {
                *counts.entry(year).or_default() += 1;
            }
        }
    }
    counts.into_iter().max_by_key(|&(year, count)| (count, year)).map(|(year, _)| year)
}

/// The years a text names as "năm 2026" (any case, with or without diacritics), in order.
pub(crate) fn years_in(text: &str) -> Vec<i32> {
    static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bnam\s*((?:19|20)\d\d)\b").unwrap());
    YEAR.captures_iter(&fold(text)).filter_map(|c| c[1].parse().ok()).collect()
}

/// Rows looked at for the year a sheet names (a self-assessment sheet has a few hundred).
const MAX_YEAR_SCAN_ROWS: usize = 2_000;

fn assign_roles(labels: &[String]) -> Vec<Option<Role>> {
    let mut best_per_column: Vec<Option<(Role, usize)>> = labels.iter().map(|label| best_alias(label)).collect();
    // Each role goes to the column that matches it best (first on ties).
    let mut taken: Vec<Role> = Vec::new();
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(best_per_column[c].map_or(0, |(_, len)| len)));
    let mut roles = vec![None; labels.len()];
    for c in order {
        if let Some((role, _)) = best_per_column[c].take() {
            if !taken.contains(&role) {
                taken.push(role);
                roles[c] = Some(role);
            }
        }
    }
    roles
}

fn best_alias(label: &str) -> Option<(Role, usize)> {
    if label.is_empty() || label.len() > 80 {
        return None;
    }
    let padded = format!(" {label} ");
    ALIASES
        .iter()
        .filter(
            |(_, alias)| {
                if WHOLE_LABEL_ONLY.contains(alias) {
                    label == *alias
                } else {
                    padded.contains(&format!(" {alias} "))
                }
            },
        )
        .max_by_key(|(_, alias)| alias.len())
        .map(|(role, alias)| (*role, alias.len()))
}

static CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+(?:\.\d+)*$").unwrap());
static ROMAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?i)[IVXL]+$").unwrap());

/// `Some((code, true))` for a criterion code (`1.1`, `TC 1.1`, `1.1.`), `Some((text, false))` for
/// other text, `None` for blank, Roman-numbered headings and total rows.
fn read_code(raw: &str) -> Option<(String, bool)> {
    let mut code = raw.trim().trim_end_matches('.').trim().to_string();
    let folded = fold(&code);
    for prefix in ["tieu chi thanh phan", "tieu chi", "tctp", "tc"] {
        if folded.starts_with(prefix) && folded.len() > prefix.len() {
            let rest: String = code.chars().skip_while(|c| !c.is_ascii_digit()).collect();
            code = rest.trim_end_matches('.').to_string();
            break;
        }
    }
    if code.is_empty() || ROMAN.is_match(&code) || folded.starts_with("tong") || folded.starts_with("cong") {
        return None;
    }
    let wellformed = CODE.is_match(&code);
    Some((code, wellformed))
}

fn is_column_numbering(row: &[Data]) -> bool {
    static NUMBERING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\(?\d{1,2}\)?$").unwrap());
    let cells: Vec<String> = row.iter().map(|c| text_of(Some(c))).filter(|t| !t.is_empty()).collect();
    cells.len() >= 3 && cells.iter().all(|c| NUMBERING.is_match(c)) && cells.iter().any(|c| c.starts_with('('))
}

/// A number cell, or text with a decimal comma (`1,5`) or point; blank and dashes are no score.
pub(crate) fn read_number(cell: Option<&Data>) -> (Option<f64>, Option<String>) {
    match cell {
        Some(Data::Float(f)) => (Some(*f), None),
        Some(Data::Int(i)) => (Some(*i as f64), None),
        Some(Data::String(s)) => {
            let t = s.trim();
            if t.is_empty() || t.chars().all(|c| matches!(c, '-' | '–' | '—' | '/')) {
                return (None, None);
            }
            // A unit typed after the number: `2 điểm`, `1,5đ`, `1.5 đ`.
            let number = t.trim_end_matches(|c: char| c.is_alphabetic() || c == '.' || c.is_whitespace());
            let number = if number.is_empty() || !matches!(fold(&t[number.len()..]).as_str(), "diem" | "d" | "") {
                t
            } else {
                number
            };
            match number.replace(',', ".").parse::<f64>() {
                Ok(v) if v.is_finite() => (Some(v), None),
                _ => (None, Some(t.to_string())),
            }
        }
        _ => (None, None),
    }
}

/// Splits a file cell on `;` and new lines, then on `,` where every piece is a file name.
pub fn split_file_list(cell: &str) -> Vec<String> {
    static HAS_EXTENSION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\.[A-Za-z0-9]{2,5}$").unwrap());
    let mut out = Vec::new();
    for part in cell.split([';', '\n', '\r']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let pieces: Vec<&str> = part.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
        if pieces.len() > 1 && pieces.iter().all(|p| HAS_EXTENSION.is_match(p)) {
            out.extend(pieces.into_iter().map(str::to_string));
        } else {
            out.push(part.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Sheet {
        read_workbook_bytes(text.as_bytes(), true).expect("sheet")
    }

    #[test]
    fn header_by_meaning_under_title_rows() {
        let s = csv("BẢNG TỰ CHẤM ĐIỂM\nĐơn vị: UBND xã\n\nSTT,Mã TC,Nội dung,Điểm tối đa,Điểm TĐG,Nội dung giải trình,Tài liệu KC\n\
                     1,1.1,Kế hoạch,\"1,5\",\"1,5\",Tại Mục I,kh.pdf; bc.pdf\n2,TỔNG ĐIỂM,,,10,,\n");
        assert_eq!(s.header_line, 4);
        assert_eq!(s.rows.len(), 1, "{:?}", s.rows);
        let r = &s.rows[0];
        assert_eq!((r.code.as_str(), r.max, r.score), ("1.1", Some(1.5), Some(1.5)));
        assert_eq!(r.explanation, "Tại Mục I");
        assert_eq!(r.files, vec!["kh.pdf", "bc.pdf"]);
        assert_eq!(r.line, 5);
    }

    #[test]
    fn labels_without_diacritics_and_semicolon_csv() {
        let s =
            csv("ma tieu chi;diem toi da;DIEM TU CHAM;giai trinh;tai lieu kiem chung\nTC 2.1.;1;0.5;x;a.pdf, b.pdf\n");
        assert_eq!(s.rows[0].code, "2.1");
        assert_eq!(s.rows[0].files, vec!["a.pdf", "b.pdf"]);
    }

    #[test]
    fn two_row_header() {
        let s = csv("Mã tiêu chí,Điểm,,Giải trình\n,Tối đa,Tự chấm,\n1.1,2,1.5,ok\n");
        assert_eq!(s.rows[0].max, Some(2.0));
        assert_eq!(s.rows[0].score, Some(1.5));
    }

    #[test]
    fn no_header_is_an_error() {
        assert_eq!(read_workbook_bytes(b"a,b,c\n1,2,3\n", true), Err(SheetError::NoHeader));
        assert!(matches!(read_workbook_bytes(b"PK\x03\x04garbage", false), Err(SheetError::Corrupt(_))));
        assert!(matches!(read_workbook_bytes(b"", false), Err(SheetError::Corrupt(_))));
    }

    #[test]
    fn the_year_a_sheet_names() {
        let titled = csv(
            "BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2026\nMã TC,Điểm TĐG,Giải trình\n1.1,1,Kế hoạch năm 2025 và năm 2025\n",
        );
        assert_eq!(titled.year, Some(2026));
        let folded = csv("Bang tu cham diem nam  2025\nMã TC,Điểm TĐG\n1.1,1\n");
        assert_eq!(folded.year, Some(2025));
        let cells = csv("Mã TC,Điểm TĐG,Giải trình\n1.1,1,Năm 2026 đạt\n1.2,1,kế hoạch năm 2026; năm 2025 chưa\n");
        assert_eq!(cells.year, Some(2026));
        assert_eq!(csv("Mã TC,Điểm TĐG\n1.1,1\n").year, None);
        // A figure is not a year: "năm 20261" and "2026" alone say nothing.
        assert_eq!(csv("Số liệu 2026\nMã TC,Điểm TĐG,Giải trình\n1.1,1,năm 20261\n").year, None);
    }

    #[test]
    fn scores_typed_with_their_unit() {
        let cell = |t: &str| read_number(Some(&Data::String(t.to_string())));
        assert_eq!(cell("2 điểm"), (Some(2.0), None));
        assert_eq!(cell("1,5đ"), (Some(1.5), None));
        assert_eq!(cell("1.5 Điểm"), (Some(1.5), None));
        assert_eq!(cell("0,75"), (Some(0.75), None));
        assert_eq!(cell("hai điểm"), (None, Some("hai điểm".into())));
        assert_eq!(cell("2 lần"), (None, Some("2 lần".into())), "another unit is not a score");
    }

    #[test]
    fn file_lists() {
        assert_eq!(split_file_list("a.pdf;b.pdf\nc.pdf"), vec!["a.pdf", "b.pdf", "c.pdf"]);
        assert_eq!(split_file_list("Báo cáo số 12, ngày 5.pdf"), vec!["Báo cáo số 12, ngày 5.pdf"]);
    }
}
