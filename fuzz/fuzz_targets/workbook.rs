//! The self-assessment workbook: xlsx/ods/xls (zip and OLE containers, XML) and CSV.
#![no_main]

use kiemchung::sheet::read_workbook_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_workbook_bytes(data, false);
    let _ = read_workbook_bytes(data, true);
});
