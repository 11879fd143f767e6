//! PDF load, page text, header facts and every signature check, as `check` runs them on one file.
#![no_main]

use kiemchung::facts::{facts_from_bytes, signature::TrustStore, Budget};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

static TRUST: LazyLock<TrustStore> = LazyLock::new(TrustStore::builtin);

/// The run's budgets, smaller: an input the fuzzer makes is a few kilobytes, and a budget hit is
/// an outcome like any other.
static BUDGET: LazyLock<Budget> = LazyLock::new(|| Budget {
    max_stream_bytes: 4 * 1024 * 1024,
    max_pages: 200,
    max_objects: 100_000,
    deadline: Duration::from_secs(5),
    ..Budget::default()
});

fuzz_target!(|data: &[u8]| {
    let facts = facts_from_bytes(data, "pdf", &BUDGET, &TRUST, Instant::now());
    // Facts are plain data: they must serialise (the JSON report and the cache both do).
    serde_json::to_vec(&facts).expect("facts serialise");
});
