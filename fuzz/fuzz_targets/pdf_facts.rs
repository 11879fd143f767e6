//! PDF load, page text, header facts and every signature check, as `check` runs them on one file.
#![no_main]

use kiemchung::facts::fallback::FallbackError;
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
    // The pdf-extract fallback past its deadline leaves a thread behind, and after two of them
    // switches itself off for the rest of the process: a finding, and the fallback target's to
    // explain (see fuzz/fuzz_targets/fallback.rs).
    let fallback = facts.pdf.as_ref().and_then(|pdf| pdf.text_fallback.as_ref());
    if let Some(problem) = fallback.and_then(|fallback| fallback.problem.as_ref()) {
        assert!(
            !matches!(problem, FallbackError::TimedOut | FallbackError::Disabled),
            "pdf-extract fallback: {problem:?}"
        );
    }
});
