//! A signature's `/Contents`: CMS SignedData, certificates, the signature timestamp, revocation
//! data, trust path, against fixed signed bytes.
#![no_main]

use kiemchung::facts::signature::{check_contents, TrustStore};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static TRUST: LazyLock<TrustStore> = LazyLock::new(TrustStore::builtin);

fuzz_target!(|data: &[u8]| {
    let signed: [&[u8]; 2] = [b"%PDF-1.7 signed bytes", b" and after the hole"];
    for subfilter in [None, Some("adbe.pkcs7.detached"), Some("adbe.pkcs7.sha1"), Some("ETSI.RFC3161")] {
        let _ = check_contents(data, &signed, subfilter, &TRUST);
    }
});
