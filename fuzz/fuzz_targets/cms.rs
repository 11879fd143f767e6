//! A signature's `/Contents`: CMS SignedData, certificates, the signature timestamp, revocation
//! data, trust path, against fixed signed bytes.
#![no_main]

use kiemchung::facts::signature::{check_contents, TrustStore};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static TRUST: LazyLock<TrustStore> = LazyLock::new(TrustStore::builtin);

const SUBFILTERS: [Option<&str>; 4] =
    [None, Some("adbe.pkcs7.detached"), Some("adbe.pkcs7.sha1"), Some("ETSI.RFC3161")];

fuzz_target!(|data: &[u8]| {
    let signed: [&[u8]; 2] = [b"%PDF-1.7 signed bytes", b" and after the hole"];
    // One SubFilter per input, chosen by its length: every input is still a plain CMS blob (the
    // seeds need no prefix), and RSA verification, most of the time, is not paid four times.
    let _ = check_contents(data, &signed, SUBFILTERS[data.len() % SUBFILTERS.len()], &TRUST);
});
