//! The demo's signed PDF and the trust store that makes it trusted (the demo's test root added to the
//! built-in Vietnamese anchors): the starting point of the tests that edit a signed file.

use kiemchung::facts::signature::TrustStore;
use std::path::Path;

pub const SIGNED: &str = "fixtures/demo/ubnd-xa-demo/evidence/1.2/BC_271_13112023.pdf";

pub fn original() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(SIGNED)).unwrap()
}

pub fn trust() -> TrustStore {
    let mut store = TrustStore::builtin();
    store.add_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trust")).unwrap();
    store
}
