//! Hostile self-assessment workbooks (kiemchung issue 16): far-away cells, repeat bombs, shared
//! strings referenced over and over, huge sheets and CSV files, merged regions over a whole sheet,
//! explanations made to slow the citation reader. Each runs through the binary in a unit folder
//! (the workbook plus a small PDF): the run finishes, the workbook is `over-budget` with the budget
//! named (or read as usual, where nothing needed refusing), and peak memory stays under 512 MiB.

mod common;
#[path = "common/measured.rs"]
mod measured;

use lopdf::dictionary;
use std::io::{Cursor, Read, Write};
use std::time::Duration;

const MAX_RSS_MIB: u64 = 512;

fn small_pdf() -> Vec<u8> {
    let font = |_: &mut lopdf::Document| {
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
    };
    common::one_page_pdf(font, vec![b"So: 1/KH-UBND".to_vec()])
}

/// One test at a time: the child's peak RSS counts the test process's own pages at spawn, so no
/// other test may be building a large input meanwhile.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `check` on a unit folder holding the workbook `make` builds (named `name`) and
/// `evidence/kh.pdf`; returns the workbook's file record, the findings' messages and the peak RSS.
/// The input is written and dropped before the binary starts.
fn check_unit(name: &str, make: impl FnOnce() -> Vec<u8>) -> (serde_json::Value, Vec<String>, u64) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("ubnd-xa-thu");
    std::fs::create_dir_all(unit.join("evidence")).unwrap();
    std::fs::write(unit.join(name), make()).unwrap();
    std::fs::write(unit.join("evidence/kh.pdf"), small_pdf()).unwrap();
    let dir = unit.to_str().unwrap();
    let run = measured::run_kiemchung(
        &["check", dir, "--format", "json", "--no-cache", "--no-ocr", "--jobs", "2", "--lang", "en"],
        Duration::from_secs(120),
    );
    assert!(!run.killed_by_watchdog, "{name}: still running after {:?}", run.elapsed);
    assert!(run.code.is_some(), "{name}: ended by a signal; stderr: {}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{name}: no JSON report ({e}); stderr: {}", run.stderr));
    let record = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("{name} is not among the files: {report:#}"))
        .clone();
    let messages =
        report["findings"].as_array().unwrap().iter().filter_map(|f| f["message"].as_str()).map(String::from).collect();
    (record, messages, run.max_rss_mib)
}

/// The workbook is over budget, `budget` named in its record and in a finding, memory bounded.
fn assert_over_budget(name: &str, make: impl FnOnce() -> Vec<u8>, budget: &str) {
    let (record, messages, rss) = check_unit(name, make);
    assert_eq!(record["status"], "over-budget", "{name}: {record:#}");
    let problem = record["problem"].as_str().unwrap_or("");
    assert!(problem.starts_with(budget), "{name}: the record names {problem:?}, not {budget:?}");
    assert!(messages.iter().any(|m| m.contains(budget)), "{name}: no finding names {budget:?}: {messages:#?}");
    assert!(rss < MAX_RSS_MIB, "{name}: peak RSS {rss} MiB");
}

/// The workbook is read as an ordinary one (its rows judged), memory bounded.
fn assert_read(name: &str, make: impl FnOnce() -> Vec<u8>) {
    let (record, messages, rss) = check_unit(name, make);
    assert_eq!(record["status"], "ok", "{name}: {record:#} {messages:#?}");
    assert!(rss < MAX_RSS_MIB, "{name}: peak RSS {rss} MiB");
}

const HEADER: [&str; 4] = ["Mã tiêu chí", "Điểm tự chấm", "Giải trình", "Tài liệu kiểm chứng"];

/// An ordinary xlsx: the header and two rows, then whatever `more` writes.
fn xlsx(more: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, label) in HEADER.iter().enumerate() {
        sheet.write_string(0, col as u16, *label).unwrap();
    }
    sheet.write_string(1, 0, "1.1").unwrap();
    sheet.write_number(1, 1, 1.0).unwrap();
    sheet.write_string(1, 2, "Tại Mục I Kế hoạch số 1/KH-UBND").unwrap();
    sheet.write_string(1, 3, "kh.pdf").unwrap();
    more(sheet);
    book.save_to_buffer().unwrap()
}

/// Rewrites the parts of a zip that `edit` changes (by name), keeping the others.
fn patch_zip(bytes: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = String::new();
        entry.read_to_string(&mut content).unwrap();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(edit(&name, content).as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Inserts `cells` (sheet XML rows) at the end of the first sheet's data, `tail` after it.
fn with_sheet_xml(bytes: &[u8], rows: &str, tail: &str) -> Vec<u8> {
    patch_zip(bytes, |name, content| {
        if name != "xl/worksheets/sheet1.xml" {
            return content;
        }
        content.replacen("</sheetData>", &format!("{rows}</sheetData>{tail}"), 1)
    })
}

#[test]
fn a_value_in_the_last_cell_of_an_xlsx_sheet() {
    let book = || {
        xlsx(|sheet| {
            sheet.write_string(1_048_575, 16_383, "x").unwrap();
        })
    };
    assert_over_budget("tu-cham.xlsx", book, "rows: 1048576 > 20000");
}

#[test]
fn a_declared_dimension_over_the_whole_sheet_is_not_trusted() {
    let book = || {
        patch_zip(&xlsx(|_| {}), |name, content| {
            if name != "xl/worksheets/sheet1.xml" {
                return content;
            }
            let start = content.find("<dimension").unwrap();
            let end = start + content[start..].find("/>").unwrap() + 2;
            format!("{}<dimension ref=\"A1:XFD1048576\"/>{}", &content[..start], &content[end..])
        })
    };
    assert_read("tu-cham.xlsx", book);
}

#[test]
fn a_merged_region_over_the_whole_sheet_is_clipped() {
    let book = || {
        let book = xlsx(|sheet| {
            sheet.write_string(2, 0, "Ghi chú").unwrap();
        });
        // The same region fifty times: each one was walked cell by cell over the whole sheet.
        let merges = "<mergeCell ref=\"A3:XFD1048576\"/>".repeat(50);
        with_sheet_xml(&book, "", &format!("<mergeCells count=\"50\">{merges}</mergeCells>"))
    };
    assert_read("tu-cham.xlsx", book);
}

#[test]
fn too_many_merged_regions() {
    let book = || {
        let merges: String = (0..10_001).map(|i| format!("<mergeCell ref=\"E{}:F{}\"/>", i + 1, i + 1)).collect();
        with_sheet_xml(&xlsx(|_| {}), "", &format!("<mergeCells count=\"10001\">{merges}</mergeCells>"))
    };
    assert_over_budget("tu-cham.xlsx", book, "merged regions");
}

#[test]
fn a_fat_shared_string_referenced_over_and_over() {
    // One 38 KB string (30,000 characters: Excel's limit is 32,767), added to the shared strings
    // once and referenced from 20,000 rows: 750 MB once every cell holds a copy.
    let book = || {
        let fat = "giải trình ".repeat(2_700);
        let index = std::cell::Cell::new(0);
        let book = patch_zip(&xlsx(|_| {}), |name, content| {
            if name != "xl/sharedStrings.xml" {
                return content;
            }
            index.set(content.matches("<si>").count());
            content.replacen("</sst>", &format!("<si><t>{fat}</t></si></sst>"), 1)
        });
        let rows: String = (3..20_000)
            .map(|r| format!("<row r=\"{r}\"><c r=\"C{r}\" t=\"s\"><v>{}</v></c></row>", index.get()))
            .collect();
        with_sheet_xml(&book, &rows, "")
    };
    assert_over_budget("tu-cham.xlsx", book, "text of all cells");
}

#[test]
fn a_shared_strings_table_over_its_budget() {
    // 1,200 different strings of 30,000 letters from a small generator (text deflate cannot squeeze
    // past the ratio budget): 36 MB.
    let book = || {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut letter = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (b'a' + (state % 26) as u8) as char
        };
        xlsx(|sheet| {
            for row in 3..1_203 {
                let noise: String = (0..30_000).map(|_| letter()).collect();
                sheet.write_string(row, 2, &noise).unwrap();
            }
        })
    };
    assert_over_budget("tu-cham.xlsx", book, "shared strings");
}

#[test]
fn a_million_row_xlsx_sheet() {
    let book = || {
        let rows: String = (3..1_000_000).map(|r| format!("<row r=\"{r}\"><c r=\"B{r}\"><v>1</v></c></row>")).collect();
        with_sheet_xml(&xlsx(|_| {}), &rows, "")
    };
    assert_over_budget("tu-cham.xlsx", book, "rows: 20001 > 20000");
}

/// An ods with the header and `rows` (content.xml table rows) after it.
fn ods(rows: &str) -> Vec<u8> {
    let header: String = HEADER
        .iter()
        .map(|l| format!("<table:table-cell office:value-type=\"string\"><text:p>{l}</text:p></table:table-cell>"))
        .collect();
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Sheet1\">\
         <table:table-row>{header}</table:table-row>{rows}</table:table></office:spreadsheet></office:body>\
         </office:document-content>"
    );
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    out.start_file("mimetype", stored).unwrap();
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    out.start_file("content.xml", deflated).unwrap();
    out.write_all(content.as_bytes()).unwrap();
    out.start_file("META-INF/manifest.xml", deflated).unwrap();
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
          xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
          <manifest:file-entry manifest:full-path=\"/\" \
          manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
          <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
          </manifest:manifest>",
    )
    .unwrap();
    out.finish().unwrap().into_inner()
}

const ODS_ROW: &str = "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>1.1</text:p>\
    </table:table-cell><table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p>\
    </table:table-cell><table:table-cell office:value-type=\"string\"><text:p>Tại Mục I</text:p>\
    </table:table-cell><table:table-cell office:value-type=\"string\"><text:p>kh.pdf</text:p></table:table-cell>\
    <table:table-cell table:number-columns-repeated=\"16380\"/></table:table-row>\
    <table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell table:number-columns-repeated=\"16384\"/>\
    </table:table-row>";

#[test]
fn an_ordinary_ods_with_the_usual_trailing_repeats_is_read() {
    assert_read("tu-cham.ods", || ods(ODS_ROW));
}

#[test]
fn an_ods_repeat_bomb() {
    // One value repeated over 16,384 columns and 6,000 rows: 98 million cells laid out.
    let bomb = "<table:table-row table:number-rows-repeated=\"6000\">\
        <table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"string\">\
        <text:p>x</text:p></table:table-cell></table:table-row>";
    assert_over_budget("tu-cham.ods", || ods(bomb), "cells: ");
}

#[test]
fn a_csv_line_of_commas() {
    let csv = || {
        let mut csv = HEADER.join(",").into_bytes();
        csv.extend(b"\n1.1,1,x,kh.pdf\n");
        csv.extend(vec![b','; 20 * 1024 * 1024]);
        csv
    };
    assert_over_budget("tu-cham.csv", csv, "csv line length: > 1048576 bytes");
}

#[test]
fn a_million_csv_rows() {
    let csv = || (HEADER.join(",") + "\n" + &"1.1,1,x,kh.pdf\n".repeat(1_000_000)).into_bytes();
    assert_over_budget("tu-cham.csv", csv, "rows: > 20000");
}

#[test]
fn explanations_made_to_slow_the_citation_reader() {
    // Documents, then places each farther from them: every place looked back at every document,
    // folding all the text between them (cubic in the explanation's length), on every row.
    let csv = || {
        let documents = "Báo cáo số 1/BC-UBND ngày 1/1/2023 và ".repeat(100);
        let places = "Mục I ở đây có nhiều chữ ".repeat(160);
        let mut csv = HEADER.join(";") + "\n";
        for row in 0..1_000 {
            csv.push_str(&format!("1.{row};1;{documents}{places};kh.pdf\n"));
        }
        csv.into_bytes()
    };
    assert_read("tu-cham.csv", csv);
}

/// An xls sheet whose first DIMENSIONS record declares about 10^14 cells and whose second is too
/// short (found by the workbook fuzz target): calamine reserves room for the first before it
/// refuses the second, and the allocation's failure aborted the whole run. The pre-scan counts the
/// largest declared range, so the workbook is over budget and the run goes on.
#[test]
fn an_xls_declaring_a_huge_range_before_a_broken_record_is_over_budget() {
    let bytes =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/calamine-xls-dimensions-reserve.xls")).unwrap();
    let result = kiemchung::sheet::read_workbook_bytes(&bytes, false);
    assert!(matches!(result, Err(kiemchung::sheet::SheetError::OverBudget(_))), "{result:?}");
    assert_over_budget("tu-cham.xls", || bytes, "cells: ");
}

/// Compound files that make calamine's CFB reader panic or loop (found by the workbook fuzz target):
/// the workbook is corrupt, and the run that discovers it goes on with every file in the report.
#[test]
fn a_workbook_that_makes_the_reader_panic_is_corrupt_and_the_run_goes_on() {
    // A sector chain that loops (calamine followed it past 2 GB): refused before calamine sees it.
    let looping =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/calamine-cfb-chain-loop.xls")).unwrap();
    let result = kiemchung::sheet::read_workbook_bytes(&looping, false);
    assert!(matches!(result, Err(kiemchung::sheet::SheetError::Corrupt(_))), "{result:?}");
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/calamine-cfb-panic.xls")).unwrap();
    let result = std::panic::catch_unwind(|| kiemchung::sheet::read_workbook_bytes(&bytes, false));
    assert!(matches!(result, Ok(Err(kiemchung::sheet::SheetError::Corrupt(_)))), "{result:?}");

    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("don-vi");
    std::fs::create_dir_all(&unit).unwrap();
    std::fs::write(unit.join("tu-cham.xls"), &bytes).unwrap();
    std::fs::write(unit.join("kh.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--no-cache", "--no-ocr", "--format", "json"])
        .arg(root.path())
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 2);
}
