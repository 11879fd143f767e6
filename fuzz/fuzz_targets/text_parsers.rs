//! The Vietnamese text parsers: explanation citations, the outline of a document, the header
//! (number, date, issuer), legacy-font recognition, the unreadable-layer test and the file-list cell.
#![no_main]

use kiemchung::sheet::split_file_list;
use kiemchung::vn::{citation, garbled, header, legacy, outline::OutlineBuilder, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let page = text::nfc(raw);
    let _ = citation::parse(&page);
    let _ = header::parse_header(&page);
    let _ = legacy::recognise(&page);
    let _ = garbled::garbled(&page);
    let _ = split_file_list(&page);
    let _ = text::fold(&page);
    let mut outline = OutlineBuilder::default();
    // Split at form feeds: several pages of one document.
    for (number, text) in page.split('\u{c}').enumerate() {
        outline.add_page(number as u32 + 1, text);
    }
    let _ = outline.finish();
});
