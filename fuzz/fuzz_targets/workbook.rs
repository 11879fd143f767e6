//! The self-assessment workbook: xlsx/ods/xls (zip and OLE containers, XML) and CSV.
#![no_main]

use kiemchung::sheet::read_workbook_bytes;
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys's hook aborts on every panic, even one the reader contains (calamine asserts
    // on malformed compound files; the reader turns that into "corrupt"). A panic that escapes
    // the reader still ends the input with an abort, through libfuzzer-sys's own catch.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = read_workbook_bytes(data, false);
    let _ = read_workbook_bytes(data, true);
});
