//! Pre-scan of an xls workbook's BIFF stream. calamine reads every sheet at open: it reserves room
//! for the range each sheet's DIMENSIONS record declares, then lays the sheet out densely over the
//! bounding box of its cells. Both are measured here, record by record, the way calamine will walk
//! them (the globals up to their EOF, then each sheet from the offset its BoundSheet8 names, nested
//! substreams skipped), and a workbook that would not fit the budget is refused before it opens.

use super::read::{over, over_counted, over_limit, WorkbookBudget};
use super::SheetError;
use crate::budget::{BudgetName, Counted};
use std::io::{Cursor, Read};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUND_SHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const MERGE_CELLS: u16 = 0x00E5;
const SST: u16 = 0x00FC;
const MUL_RK: u16 = 0x00BD;
/// Records holding one cell, its row and column in their first four bytes.
const CELLS: &[u16] = &[0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];

/// One BIFF record: its type and data (CONTINUE records are not needed for these bounds).
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let header = rest.get(..4)?;
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = u16::from_le_bytes([header[2], header[3]]) as usize;
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u64> {
    data.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as u64)
}

fn u32_at(data: &[u8], at: usize) -> Option<u64> {
    data.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64)
}

pub(super) fn prescan(bytes: &[u8], budget: &WorkbookBudget) -> Result<(), SheetError> {
    // calamine's own compound-file reader follows sector chains without looking for loops (a
    // 1.5 KB file grew a chain past 2 GB) and asserts on odd sector sizes: only a file the `cfb`
    // crate, which validates its chains, opens is handed on.
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| SheetError::Corrupt(format!("xls: not a valid compound file ({e})")))?;
    let stream = file
        .open_stream("/Workbook")
        .or_else(|_| file.open_stream("/Book"))
        .map_err(|_| SheetError::Corrupt("xls: no Workbook stream".into()))?;
    let mut data = Vec::new();
    // A stream is made of the file's own sectors: it cannot be much longer than the file.
    if stream.take(2 * bytes.len() as u64 + 1).read_to_end(&mut data).is_err() || data.len() > 2 * bytes.len() {
        return Err(SheetError::Corrupt("xls: unreadable workbook stream".into()));
    }
    scan_stream(&data, budget)
}

/// The bounds of a BIFF workbook stream (see the module comment).
pub(super) fn scan_stream(stream: &[u8], budget: &WorkbookBudget) -> Result<(), SheetError> {
    let max_shared = budget.max_shared_strings as u64;
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            BOUND_SHEET => {
                let offset = u32_at(data, 0).filter(|_| data.len() >= 6);
                let offset = offset.ok_or_else(|| SheetError::Corrupt("xls: short BoundSheet8 record".into()))?;
                if offset as usize > stream.len() {
                    return Err(SheetError::Corrupt(format!("xls: a sheet at offset {offset}, past the stream's end")));
                }
                sheets.push(offset as usize);
                if sheets.len() > budget.max_sheets {
                    return Err(over_limit(BudgetName::Sheets, budget.max_sheets));
                }
            }
            SST => {
                let unique = u32_at(data, 4).unwrap_or(0);
                if unique > max_shared {
                    return Err(over_counted(BudgetName::SharedStrings, unique, max_shared, Counted::Declared));
                }
            }
            EOF => break,
            _ => {}
        }
    }
    let (mut laid_out, mut merged) = (0u64, 0u64);
    for offset in sheets {
        let sheet = scan_sheet(&stream[offset..], budget)?;
        // calamine reserves the declared range, then builds the dense range: both are held.
        laid_out = laid_out.saturating_add(sheet.declared).saturating_add(sheet.dense());
        if laid_out > budget.max_cells as u64 {
            return Err(over_counted(BudgetName::Cells, laid_out, budget.max_cells, Counted::LaidOut));
        }
        merged = merged.saturating_add(sheet.merged);
        if merged > budget.max_merged_regions as u64 {
            return Err(over(BudgetName::MergedRegions, merged, budget.max_merged_regions));
        }
    }
    Ok(())
}

/// What calamine will hold of one sheet.
#[derive(Debug, Default, PartialEq)]
struct SheetExtent {
    /// Cells reserved for the declared DIMENSIONS.
    declared: u64,
    /// Bounding box of the cells: first and last row, first and last column.
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
    merged: u64,
}

impl SheetExtent {
    fn dense(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        }
    }

    fn cell(&mut self, row: u64, first_col: u64, last_col: u64) {
        let rows = self.rows.get_or_insert((row, row));
        *rows = (rows.0.min(row), rows.1.max(row));
        let cols = self.cols.get_or_insert((first_col, last_col));
        *cols = (cols.0.min(first_col), cols.1.max(last_col));
    }
}

fn scan_sheet(stream: &[u8], budget: &WorkbookBudget) -> Result<SheetExtent, SheetError> {
    let mut extent = SheetExtent::default();
    let (mut seen_bof, mut nested) = (false, 0usize);
    for (typ, data) in records(stream) {
        if nested > 0 {
            match typ {
                BOF => nested += 1,
                EOF => nested -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            BOF if seen_bof => nested += 1,
            BOF => seen_bof = true,
            EOF => break,
            // calamine reserves at every DIMENSIONS record, even at one followed by a record it
            // refuses (a short second DIMENSIONS): the largest reservation is what it holds.
            DIMENSIONS => extent.declared = extent.declared.max(declared_cells(data)),
            MERGE_CELLS => {
                let count = u16_at(data, 0).unwrap_or(0);
                if data.len() < 2 + 8 * count as usize {
                    return Err(SheetError::Corrupt("xls: short MergeCells record".into()));
                }
                extent.merged += count;
            }
            MUL_RK => {
                let (Some(row), Some(first), Some(last)) =
                    (u16_at(data, 0), u16_at(data, 2), data.len().checked_sub(2).and_then(|at| u16_at(data, at)))
                else {
                    continue;
                };
                extent.cell(row, first, last.max(first));
            }
            typ if CELLS.contains(&typ) => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extent.cell(row, col, col);
                }
            }
            _ => {}
        }
        if let Some((_, last_row)) = extent.rows {
            if last_row >= budget.max_rows as u64 {
                return Err(over(BudgetName::Rows, last_row + 1, budget.max_rows));
            }
        }
    }
    Ok(extent)
}

/// The cells calamine reserves for a DIMENSIONS record: its arithmetic, wrapping included.
fn declared_cells(data: &[u8]) -> u64 {
    let (first_row, last_row, first_col, last_col) = match data.len() {
        10 => (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4), u16_at(data, 6)),
        14 | 16 => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 8), u16_at(data, 10)),
        _ => return 0, // calamine refuses the workbook
    };
    let (Some(first_row), Some(last_row), Some(first_col), Some(last_col)) = (first_row, last_row, first_col, last_col)
    else {
        return 0;
    };
    let first_col = if first_col > 0xFF || last_col < first_col { 0 } else { first_col };
    if last_row < 1 || last_col < 1 {
        return 1;
    }
    let rows = ((last_row - 1) as u32).wrapping_sub(first_row as u32).wrapping_add(1) as u64;
    let cols = ((last_col - 1) as u32).wrapping_sub(first_col as u32).wrapping_add(1) as u64;
    rows.saturating_mul(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn cell(row: u16, col: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend([0u8; 10]);
        record(0x0203, &data)
    }

    /// Globals naming one sheet right after them, then the sheet's records.
    fn workbook(sheet: &[Vec<u8>]) -> Vec<u8> {
        let mut bound = Vec::new();
        let globals_len = 4 + (4 + 8) + 4;
        bound.extend((globals_len as u32).to_le_bytes());
        bound.extend([0, 0, 1, b'A']);
        let mut out = record(BOF, &[0; 0]);
        out.extend(record(BOUND_SHEET, &bound));
        out.extend(record(EOF, &[]));
        assert_eq!(out.len(), globals_len);
        out.extend(record(BOF, &[]));
        sheet.iter().for_each(|r| out.extend(r));
        out.extend(record(EOF, &[]));
        out
    }

    fn refused(stream: &[u8], budget: &WorkbookBudget) -> String {
        match scan_stream(stream, budget) {
            Err(SheetError::OverBudget(why)) => why.to_string(),
            other => panic!("accepted: {other:?}"),
        }
    }

    #[test]
    fn a_small_sheet_passes() {
        let stream = workbook(&[cell(0, 0), cell(300, 20)]);
        assert_eq!(scan_stream(&stream, &WorkbookBudget::default()), Ok(()));
    }

    #[test]
    fn the_last_cell_of_a_sheet_is_refused_by_rows() {
        let stream = workbook(&[cell(0, 0), cell(65_535, 255)]);
        assert_eq!(refused(&stream, &WorkbookBudget::default()), "rows: 65536 > 20000");
    }

    #[test]
    fn a_wide_bounding_box_is_refused_by_cells() {
        let budget = WorkbookBudget { max_cells: 1_000, ..WorkbookBudget::default() };
        let stream = workbook(&[cell(0, 0), cell(10, 255)]);
        assert_eq!(refused(&stream, &budget), "cells: 2816 laid out > 1000");
    }

    #[test]
    fn a_declared_range_is_refused() {
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(65_536u32.to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        dims.extend(256u16.to_le_bytes());
        dims.extend([0, 0]);
        let stream = workbook(&[record(DIMENSIONS, &dims), cell(0, 0)]);
        assert_eq!(refused(&stream, &WorkbookBudget::default()), "cells: 16777217 laid out > 2000000");
        assert_eq!(declared_cells(&dims), 65_536 * 256);
    }

    #[test]
    fn a_later_dimensions_record_does_not_hide_an_earlier_declared_range() {
        // Found by the workbook fuzz target: calamine reserved the first range (about 10^14 cells)
        // and aborted the process; the scan had kept only the last, short record (0 cells).
        let mut dims = 0x6c69_6620u32.to_le_bytes().to_vec();
        dims.extend(0x6964_2065u32.to_le_bytes());
        dims.extend(0x686eu16.to_le_bytes());
        dims.extend(0x6b20u16.to_le_bytes());
        dims.extend([0x65, 0x6d]);
        let stream = workbook(&[record(DIMENSIONS, &dims), record(DIMENSIONS, &[])]);
        let declared = declared_cells(&dims);
        assert!(declared > 100_000_000_000_000, "{declared}");
        assert_eq!(refused(&stream, &WorkbookBudget::default()), format!("cells: {declared} laid out > 2000000"));
        let reversed = workbook(&[record(DIMENSIONS, &[]), record(DIMENSIONS, &dims)]);
        assert_eq!(refused(&reversed, &WorkbookBudget::default()), format!("cells: {declared} laid out > 2000000"));
    }

    #[test]
    fn merged_regions_are_counted_and_a_short_record_is_corrupt() {
        let budget = WorkbookBudget { max_merged_regions: 1, ..WorkbookBudget::default() };
        let mut two = 2u16.to_le_bytes().to_vec();
        two.extend([0u8; 16]);
        assert_eq!(refused(&workbook(&[record(MERGE_CELLS, &two)]), &budget), "merged regions: 2 > 1");
        let short = workbook(&[record(MERGE_CELLS, &[5, 0, 1])]);
        assert!(matches!(scan_stream(&short, &budget), Err(SheetError::Corrupt(_))));
    }
}
