//! Bounded readers for workbooks. Every sheet's cells are collected sparsely first, within a
//! [`WorkbookBudget`], then laid out densely only over what is kept: rows down to the last one
//! holding a value, columns up to `max_columns`. Parsers that lay a sheet out densely themselves
//! (calamine's ods and xls readers, at open) are pre-scanned first (`prescan`, `biff`), so that a
//! declared range, a repeat count or a far-away cell is refused before anything is allocated.

use super::{Grid, SheetError};
use crate::budget::{BudgetHit, BudgetName, Counted};
use crate::sniff::Kind;
use calamine::{Data, DataRef, Reader};
use std::io::Cursor;

/// Limits on one workbook. A self-assessment sheet is a few hundred rows of ~30 columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkbookBudget {
    /// The last row holding a value, per sheet.
    pub max_rows: usize,
    /// Columns kept per row: nothing right of this matters to any reader of the sheet.
    pub max_columns: usize,
    /// Cells holding a value over all sheets, and cells a parser would lay out densely.
    pub max_cells: usize,
    /// Bytes of one cell's text (Excel itself stops at 32,767 characters).
    pub max_cell_text_bytes: usize,
    /// Bytes of cell text kept over all sheets.
    pub max_text_bytes: usize,
    /// Entries of the shared-strings table (declared or present).
    pub max_shared_strings: usize,
    /// Unzipped bytes of the shared-strings table.
    pub max_shared_strings_bytes: u64,
    /// Merged regions over all sheets.
    pub max_merged_regions: usize,
    /// Bytes of one CSV record (one line, or several inside quotes).
    pub max_csv_line_bytes: usize,
    /// Sheets of one workbook.
    pub max_sheets: usize,
}

impl Default for WorkbookBudget {
    fn default() -> Self {
        WorkbookBudget {
            max_rows: 20_000,
            max_columns: 64,
            max_cells: 2_000_000,
            max_cell_text_bytes: 128 * 1024,
            max_text_bytes: 64 * 1024 * 1024,
            max_shared_strings: 1_000_000,
            max_shared_strings_bytes: 32 * 1024 * 1024,
            max_merged_regions: 10_000,
            max_csv_line_bytes: 1024 * 1024,
            max_sheets: 256,
        }
    }
}

/// What has been read so far, over all sheets of one workbook.
pub(super) struct Tally<'b> {
    budget: &'b WorkbookBudget,
    cells: usize,
    text_bytes: usize,
}

impl<'b> Tally<'b> {
    pub(super) fn new(budget: &'b WorkbookBudget) -> Self {
        Tally { budget, cells: 0, text_bytes: 0 }
    }

    /// Counts one cell holding a value (0-based position, its text's length in bytes); `Ok(true)`
    /// when it is kept, `Ok(false)` when it lies right of the kept columns.
    pub(super) fn admit(&mut self, row: usize, col: usize, text_bytes: usize) -> Result<bool, SheetError> {
        let budget = self.budget;
        self.cells += 1;
        if self.cells > budget.max_cells {
            return Err(over_limit(BudgetName::Cells, budget.max_cells));
        }
        if row >= budget.max_rows {
            return Err(over(BudgetName::Rows, row as u64 + 1, budget.max_rows));
        }
        if text_bytes > budget.max_cell_text_bytes {
            return Err(over(BudgetName::CellText, text_bytes, budget.max_cell_text_bytes));
        }
        if col >= budget.max_columns {
            return Ok(false);
        }
        self.text_bytes += text_bytes;
        if self.text_bytes > budget.max_text_bytes {
            return Err(over_limit(BudgetName::AllCellText, budget.max_text_bytes));
        }
        Ok(true)
    }
}

/// Over a budget, with what was used.
pub(super) fn over(name: BudgetName, used: impl TryInto<u64>, limit: impl TryInto<u64>) -> SheetError {
    SheetError::OverBudget(BudgetHit::new(name, used, limit))
}

/// Over a budget, reading stopped at its limit.
pub(super) fn over_limit(name: BudgetName, limit: impl TryInto<u64>) -> SheetError {
    SheetError::OverBudget(BudgetHit::over(name, limit))
}

/// Over a budget by a count the file declares or that its repeats lay out.
pub(super) fn over_counted(name: BudgetName, used: u64, limit: impl TryInto<u64>, counted: Counted) -> SheetError {
    SheetError::OverBudget(BudgetHit::new(name, used, limit).counted(counted))
}

/// The text length of a value as calamine hands it over (numbers are short).
fn text_len(value: &DataRef<'_>) -> usize {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        _ => 0,
    }
}

/// Counts a streamed cell and keeps it when it holds a value inside the kept columns; the text of
/// a shared string is copied only then.
fn keep(tally: &mut Tally, kept: &mut Sparse, (row, col): (u32, u32), value: &DataRef<'_>) -> Result<(), SheetError> {
    if matches!(value, DataRef::Empty) {
        return Ok(());
    }
    if tally.admit(row as usize, col as usize, text_len(value))? {
        kept.push((row, col, Data::from(value.clone())));
    }
    Ok(())
}

/// The cells kept of one sheet, at their absolute (0-based) positions.
type Sparse = Vec<(u32, u32, Data)>;

/// Lays the kept cells out as the user sees them: rows above the first value are empty, every row
/// from the first to the last value is as wide as the rightmost kept value.
pub(super) fn dense(cells: Sparse) -> Grid {
    let Some(top) = cells.iter().map(|c| c.0).min() else {
        return Grid::new();
    };
    let bottom = cells.iter().map(|c| c.0).max().unwrap_or(top) as usize;
    let width = cells.iter().map(|c| c.1).max().unwrap_or(0) as usize + 1;
    let mut grid: Grid = vec![Vec::new(); top as usize];
    grid.extend((top as usize..=bottom).map(|_| vec![Data::Empty; width]));
    for (row, col, value) in cells {
        grid[row as usize][col as usize] = value;
    }
    grid
}

/// Every sheet of a workbook that calamine opens (xlsx, xlsm, xlsb, xls, ods), within `budget`.
pub(super) fn calamine_grids(
    bytes: &[u8],
    kind: Kind,
    budget: &WorkbookBudget,
) -> Result<Vec<(String, Grid)>, SheetError> {
    match kind {
        Kind::Ole => super::biff::prescan(bytes, budget)?,
        _ => super::prescan::zip_parts(bytes, budget)?,
    }
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| SheetError::Corrupt(e.to_string()))?;
    let names = book.sheet_names();
    if names.len() > budget.max_sheets {
        return Err(over(BudgetName::Sheets, names.len(), budget.max_sheets));
    }
    let mut tally = Tally::new(budget);
    let mut grids = Vec::new();
    let mut merged_regions = 0usize;
    for name in names {
        let Some(cells) = sheet_cells(&mut book, &name, &mut tally)? else {
            continue;
        };
        let merges = merged_regions_of(&mut book, &name);
        merged_regions += merges.len();
        if merged_regions > budget.max_merged_regions {
            return Err(over(BudgetName::MergedRegions, merged_regions, budget.max_merged_regions));
        }
        let mut grid = dense(cells);
        fill_merged(&mut grid, &merges, budget)?;
        grids.push((name, grid));
    }
    if grids.is_empty() {
        return Err(SheetError::Corrupt("no readable sheet".into()));
    }
    Ok(grids)
}

/// One sheet's kept cells; `None` when the sheet cannot be read (a chart sheet, a broken part).
fn sheet_cells(
    book: &mut calamine::Sheets<Cursor<&[u8]>>,
    name: &str,
    tally: &mut Tally,
) -> Result<Option<Sparse>, SheetError> {
    let mut kept = Sparse::new();
    // Streaming readers for the formats that have one: the declared dimension is never trusted.
    match book {
        calamine::Sheets::Xlsx(xlsx) => {
            let Ok(mut reader) = xlsx.worksheet_cells_reader(name) else { return Ok(None) };
            loop {
                match reader.next_cell() {
                    Ok(Some(cell)) => keep(tally, &mut kept, cell.get_position(), cell.get_value())?,
                    Ok(None) => break,
                    Err(_) => return Ok(None),
                }
            }
        }
        calamine::Sheets::Xlsb(xlsb) => {
            let Ok(mut reader) = xlsb.worksheet_cells_reader(name) else { return Ok(None) };
            loop {
                match reader.next_cell() {
                    Ok(Some(cell)) => keep(tally, &mut kept, cell.get_position(), cell.get_value())?,
                    Ok(None) => break,
                    Err(_) => return Ok(None),
                }
            }
        }
        // Laid out densely at open, after the pre-scan bounded it.
        _ => {
            let Ok(range) = book.worksheet_range(name) else { return Ok(None) };
            let (top, left) = range.start().unwrap_or((0, 0));
            for (row, col, value) in range.used_cells() {
                let (row, col) = (top + row as u32, left + col as u32);
                let len = match value {
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
                    _ => 0,
                };
                if tally.admit(row as usize, col as usize, len)? {
                    kept.push((row, col, value.clone()));
                }
            }
        }
    }
    Ok(Some(kept))
}

fn merged_regions_of(book: &mut calamine::Sheets<Cursor<&[u8]>>, name: &str) -> Vec<calamine::Dimensions> {
    match book {
        calamine::Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_name(name).unwrap_or_default(),
        calamine::Sheets::Xls(xls) => xls.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Gives every cell of a merged region the region's value, as a reader of the sheet sees it; a
/// region is clipped to the laid-out grid, and the cells filled are counted.
pub(super) fn fill_merged(
    grid: &mut Grid,
    merges: &[calamine::Dimensions],
    budget: &WorkbookBudget,
) -> Result<(), SheetError> {
    let mut filled = 0usize;
    for dims in merges {
        let (r0, c0) = (dims.start.0 as usize, dims.start.1 as usize);
        let Some(value) = super::cell_at(grid, r0, c0).cloned() else {
            continue;
        };
        let last_row = (dims.end.0 as usize).min(grid.len().saturating_sub(1));
        let last_col = (dims.end.1 as usize).min(budget.max_columns.saturating_sub(1));
        for row in grid.iter_mut().take(last_row + 1).skip(r0) {
            let end = (last_col + 1).min(row.len());
            if c0 >= end {
                continue;
            }
            filled += end - c0;
            if filled > budget.max_cells {
                return Err(over_limit(BudgetName::MergedCells, budget.max_cells));
            }
            row[c0..end].iter_mut().for_each(|cell| *cell = value.clone());
        }
    }
    Ok(())
}

/// A CSV file's rows, one per line (blank lines kept as empty rows), read within `budget`: each
/// record's length is measured before the parser buffers it.
pub(super) fn csv_grid(bytes: &[u8], budget: &WorkbookBudget) -> Result<Grid, SheetError> {
    check_csv_records(bytes, budget.max_csv_line_bytes)?;
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{FEFF}');
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter =
        [b';', b'\t', b','].into_iter().max_by_key(|d| first_line.bytes().filter(|b| b == d).count()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let mut tally = Tally::new(budget);
    let mut grid = Grid::new();
    // Lines counted incrementally: up to `counted_to`, there are `lines_before` line breaks.
    let (mut counted_to, mut lines_before) = (0usize, 0usize);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(SheetError::Corrupt(format!("csv: {e}"))),
        }
        // Blank lines are skipped by the reader; keep row numbers equal to line numbers.
        // (A record's position may point at the blank lines before it: skip them.)
        let line = match record.position() {
            None => grid.len() + 1,
            Some(position) => {
                let start = (position.byte() as usize).min(bytes.len());
                let skipped = bytes[start..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
                let at = (start + skipped).min(bytes.len()).max(counted_to);
                lines_before += bytes[counted_to..at].iter().filter(|&&b| b == b'\n').count();
                counted_to = at;
                1 + lines_before
            }
        };
        if line > budget.max_rows {
            return Err(over_limit(BudgetName::Rows, budget.max_rows));
        }
        while grid.len() + 1 < line {
            grid.push(Vec::new());
        }
        let mut row = Vec::with_capacity(record.len().min(budget.max_columns));
        for (col, field) in record.iter().enumerate() {
            if field.is_empty() {
                if col < budget.max_columns {
                    row.push(Data::Empty);
                }
            } else if tally.admit(line - 1, col, field.len())? {
                row.push(Data::String(field.to_string()));
            }
        }
        grid.push(row);
    }
    Ok(grid)
}

/// Refuses a CSV record (up to a line break outside quotes) longer than `max_bytes`.
fn check_csv_records(bytes: &[u8], max_bytes: usize) -> Result<(), SheetError> {
    let (mut quoted, mut start) = (false, 0usize);
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => start = at + 1,
            _ => {}
        }
        if at + 1 - start > max_bytes {
            return Err(over_limit(BudgetName::CsvLineLength, max_bytes));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> WorkbookBudget {
        WorkbookBudget { max_rows: 10, max_columns: 4, max_cells: 20, max_text_bytes: 100, ..Default::default() }
    }

    fn over_budget(result: Result<impl std::fmt::Debug, SheetError>) -> String {
        match result {
            Err(SheetError::OverBudget(why)) => why.to_string(),
            other => panic!("not over budget: {other:?}"),
        }
    }

    #[test]
    fn the_tally_counts_rows_cells_and_text() {
        let budget = small();
        let mut tally = Tally::new(&budget);
        assert_eq!(tally.admit(0, 0, 5), Ok(true));
        assert_eq!(tally.admit(9, 3, 5), Ok(true), "the last row and column kept");
        assert_eq!(tally.admit(9, 4, 500), Ok(false), "right of the kept columns: not counted as text");
        assert_eq!(over_budget(tally.admit(10, 0, 1)), "rows: 11 > 10");
        let mut tally = Tally::new(&budget);
        assert_eq!(over_budget(tally.admit(0, 0, 101)), "text of all cells: > 100 bytes");
        let mut tally = Tally::new(&budget);
        for col in 0..20 {
            assert!(tally.admit(0, col, 0).is_ok());
        }
        assert_eq!(over_budget(tally.admit(0, 0, 0)), "cells: > 20");
    }

    #[test]
    fn cells_right_of_the_kept_columns_are_dropped_not_laid_out() {
        let budget = small();
        let mut tally = Tally::new(&budget);
        assert_eq!(tally.admit(0, 16_383, 3), Ok(false));
        let grid = dense(vec![(2, 1, Data::Int(7)), (3, 0, Data::Int(8))]);
        assert_eq!(grid.len(), 4);
        assert!(grid[0].is_empty() && grid[1].is_empty(), "rows above the first value are empty");
        assert_eq!(grid[2], vec![Data::Empty, Data::Int(7)]);
        assert_eq!(grid[3], vec![Data::Int(8), Data::Empty]);
        assert!(dense(Vec::new()).is_empty());
    }

    #[test]
    fn merged_regions_are_clipped_to_the_grid_and_counted() {
        let budget = small();
        let mut grid = dense(vec![(0, 0, Data::Int(1)), (2, 2, Data::Int(3))]);
        let everything = calamine::Dimensions { start: (0, 0), end: (1_048_575, 16_383) };
        fill_merged(&mut grid, &[everything], &budget).unwrap();
        assert!(grid.iter().flatten().all(|c| *c == Data::Int(1)), "{grid:?}");
        let tight = WorkbookBudget { max_cells: 5, ..budget };
        let mut grid = dense(vec![(0, 0, Data::Int(1)), (2, 2, Data::Int(3))]);
        assert_eq!(over_budget(fill_merged(&mut grid, &[everything], &tight)), "merged cells: > 5");
    }

    #[test]
    fn csv_records_are_measured_before_they_are_parsed() {
        let budget = WorkbookBudget { max_csv_line_bytes: 10, ..small() };
        assert!(check_csv_records(b"a,b\n\"quoted\nline\"\n", 14).is_ok());
        assert_eq!(over_budget(check_csv_records(b"a,b\n\"0123456\n7890\"\n", 10)), "csv line length: > 10 bytes");
        assert_eq!(over_budget(csv_grid(&[b','; 11], &budget)), "csv line length: > 10 bytes");
        assert_eq!(over_budget(csv_grid("x\n".repeat(11).as_bytes(), &budget)), "rows: > 10");
        let grid = csv_grid(b"a,b\n\n,c\n", &budget).unwrap();
        assert_eq!(
            grid,
            vec![
                vec![Data::String("a".into()), Data::String("b".into())],
                vec![],
                vec![Data::Empty, Data::String("c".into())],
            ]
        );
    }
}
