//! Streaming pre-scan of the zip parts calamine loads whole when it opens a workbook (after
//! `container` bounded their sizes): the shared-strings table of an xlsx (count, declared count,
//! bytes), the merged regions of its worksheets, and an ods `content.xml`, whose
//! `table:number-columns-repeated` / `table:number-rows-repeated` calamine expands into a dense
//! range of every sheet at open.

use super::read::{over, over_counted, over_limit, WorkbookBudget};
use super::SheetError;
use crate::budget::{BudgetName, Counted};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};

/// Pre-scans the parts of a zip workbook that would be loaded whole.
pub(super) fn zip_parts(bytes: &[u8], budget: &WorkbookBudget) -> Result<(), SheetError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine says what is wrong with it
    };
    let mut merged_regions = 0usize;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index(index) else { continue };
        let name = entry.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if name.ends_with("sharedstrings.xml") || name.ends_with("sharedstrings.bin") {
            if entry.size() > budget.max_shared_strings_bytes {
                return Err(over(BudgetName::SharedStringBytes, entry.size(), budget.max_shared_strings_bytes));
            }
            // The declared size may lie: what is read is counted too.
            let limited = entry.take(budget.max_shared_strings_bytes + 1);
            if name.ends_with(".xml") {
                shared_strings(limited, budget)?;
            } else {
                let read = std::io::copy(&mut { limited }, &mut std::io::sink()).unwrap_or(0);
                if read > budget.max_shared_strings_bytes {
                    return Err(over_limit(BudgetName::SharedStringBytes, budget.max_shared_strings_bytes));
                }
            }
        } else if name.contains("worksheets/") && name.ends_with(".xml") {
            merged_regions += merge_cells(entry)?;
            if merged_regions > budget.max_merged_regions {
                return Err(over_limit(BudgetName::MergedRegions, budget.max_merged_regions));
            }
        } else if name == "content.xml" {
            ods_tables(entry, budget)?;
        }
    }
    Ok(())
}

fn xml<R: Read>(part: R) -> quick_xml::Reader<BufReader<R>> {
    quick_xml::Reader::from_reader(BufReader::new(part))
}

/// A numeric attribute (a count), `default` when absent, `None` when it is not a number.
fn count_attribute(element: &BytesStart, name: &str, default: u64) -> Option<u64> {
    match element.try_get_attribute(name) {
        Ok(None) => Some(default),
        Ok(Some(attribute)) => attribute.value.trim().parse().ok(),
        Err(_) => None,
    }
}

fn shared_strings<R: Read>(part: R, budget: &WorkbookBudget) -> Result<(), SheetError> {
    let max = budget.max_shared_strings as u64;
    let mut reader = xml(part);
    let mut buffer = Vec::new();
    let mut count = 0u64;
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                // calamine reserves room for the declared count before reading a string.
                "sst" => {
                    let declared = count_attribute(&e, "uniqueCount", 0).unwrap_or(0);
                    if declared > max {
                        return Err(over_counted(BudgetName::SharedStrings, declared, max, Counted::Declared));
                    }
                }
                "si" => {
                    count += 1;
                    if count > max {
                        return Err(over_limit(BudgetName::SharedStrings, max));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
    if reader.buffer_position() > budget.max_shared_strings_bytes {
        return Err(over_limit(BudgetName::SharedStringBytes, budget.max_shared_strings_bytes));
    }
    Ok(())
}

fn merge_cells<R: Read>(part: R) -> Result<usize, SheetError> {
    let mut reader = xml(part);
    let mut buffer = Vec::new();
    let mut count = 0usize;
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "mergeCell" => count += 1,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
    Ok(count)
}

/// What calamine's ods reader will hold of one table, followed as content.xml streams by.
#[derive(Default)]
struct Table {
    /// Rows so far, repeats included.
    rows: u64,
    /// First and last (exclusive) row holding a value.
    first_row: Option<u64>,
    end_row: u64,
    /// Rightmost column (exclusive) holding a value.
    end_col: u64,
    /// Cells calamine pushes while reading, before trimming: up to each row's last value.
    pushed: u64,
}

impl Table {
    /// Cells calamine holds for this table: the dense range of its values and what it pushed.
    fn laid_out(&self) -> u64 {
        self.first_row
            .map_or(0, |first| (self.end_row - first).saturating_mul(self.end_col).saturating_add(self.pushed))
    }
}

/// The current row: repeats, columns so far, the end of its last value, its text bytes.
#[derive(Default)]
struct TableRow {
    repeats: u64,
    cols: u64,
    end_col: u64,
    text_bytes: u64,
}

fn ods_tables<R: Read>(part: R, budget: &WorkbookBudget) -> Result<(), SheetError> {
    let mut reader = xml(part);
    let mut buffer = Vec::new();
    let (mut table, mut row) = (Table::default(), TableRow::default());
    // The current cell: its column repeats, whether it holds a value, its text bytes.
    let mut cell: Option<(u64, bool, u64)> = None;
    let (mut dense_cells, mut text_bytes) = (0u64, 0u64);
    loop {
        let event = match reader.read_event_into(&mut buffer) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => table = Table::default(),
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                let repeats = count_attribute(&e, "table:number-rows-repeated", 1).unwrap_or(1);
                row = TableRow { repeats, ..TableRow::default() };
                if is_empty {
                    end_row(&mut table, &row, budget, dense_cells, &mut text_bytes)?;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                end_row(&mut table, &row, budget, dense_cells, &mut text_bytes)?
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") =>
            {
                let repeats = count_attribute(&e, "table:number-columns-repeated", 1).unwrap_or(1);
                let valued = e
                    .attributes()
                    .flatten()
                    .any(|a| matches!(a.key.as_ref(), "office:value-type" | "table:formula" | "calcext:value-type"));
                let value_bytes: u64 = e
                    .attributes()
                    .flatten()
                    .filter(|a| a.key.as_ref().ends_with("value"))
                    .map(|a| a.value.len() as u64)
                    .sum();
                cell = Some((repeats, valued, value_bytes));
                if is_empty {
                    end_cell(&mut row, cell.take(), budget)?;
                }
            }
            Event::Text(t) => {
                if let Some((_, valued, bytes)) = cell.as_mut() {
                    *valued = true;
                    *bytes += t.len() as u64;
                }
            }
            Event::End(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                end_cell(&mut row, cell.take(), budget)?
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                dense_cells = dense_cells.saturating_add(table.laid_out());
            }
            _ => {}
        }
        buffer.clear();
    }
    Ok(())
}

fn end_cell(row: &mut TableRow, cell: Option<(u64, bool, u64)>, budget: &WorkbookBudget) -> Result<(), SheetError> {
    let Some((repeats, valued, bytes)) = cell else { return Ok(()) };
    if bytes > budget.max_cell_text_bytes as u64 {
        return Err(over(BudgetName::CellText, bytes, budget.max_cell_text_bytes));
    }
    row.cols = row.cols.saturating_add(repeats);
    if valued {
        row.end_col = row.cols;
        row.text_bytes = row.text_bytes.saturating_add(bytes.saturating_mul(repeats));
    }
    Ok(())
}

/// Closes a row; `before`: the cells laid out for the tables before this one.
fn end_row(
    table: &mut Table,
    row: &TableRow,
    budget: &WorkbookBudget,
    before: u64,
    text_bytes: &mut u64,
) -> Result<(), SheetError> {
    let start = table.rows;
    table.rows = table.rows.saturating_add(row.repeats);
    if row.end_col == 0 {
        return Ok(());
    }
    if table.rows > budget.max_rows as u64 {
        return Err(over(BudgetName::Rows, table.rows, budget.max_rows));
    }
    table.first_row.get_or_insert(start);
    table.end_row = table.rows;
    table.end_col = table.end_col.max(row.end_col);
    table.pushed = table.pushed.saturating_add(row.end_col);
    let laid_out = before.saturating_add(table.laid_out());
    if laid_out > budget.max_cells as u64 {
        return Err(over_counted(BudgetName::Cells, laid_out, budget.max_cells, Counted::LaidOut));
    }
    *text_bytes = text_bytes.saturating_add(row.text_bytes.saturating_mul(row.repeats));
    if *text_bytes > budget.max_text_bytes as u64 {
        return Err(over_limit(BudgetName::AllCellText, budget.max_text_bytes));
    }
    Ok(())
}
