//! The pdf-extract fallback as `check` reaches it: the document loaded, the gate's budgets
//! (streams, decoded bytes, form visits, depth, cycles) applied, then pdf-extract on what the gate
//! lets through. Its panics are contained by the fallback itself; what this hunts is what would
//! still take a run down: a stack overflow, memory without bound, a hang.
#![no_main]

use kiemchung::facts::fallback::{pages_text, FallbackError};
use kiemchung::facts::fallback_gate::{refusal, GateLimits};
use kiemchung::facts::Budget;
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = lopdf::Document::load_mem(data) else { return };
    let pages = doc.get_pages();
    let budget = Budget::default();
    let limits = GateLimits {
        max_stream_bytes: budget.max_stream_bytes,
        max_decoded_bytes: budget.max_decoded_bytes,
        max_form_visits: budget.max_form_visits,
    };
    if refusal(&doc, &pages, &limits).is_none() {
        // A run past the deadline is a finding, not an outcome: the gate let through a document
        // pdf-extract cannot finish, and its thread, abandoned, would go on burning a core (after
        // two of them the fallback switches itself off, and the rest of the run would not test it).
        // libFuzzer's own -timeout cannot be relied on here: its alarm may land on that thread.
        match pages_text(data, Duration::from_secs(5)) {
            Err(FallbackError::TimedOut) => panic!("pdf-extract ran past its deadline: the gate let it through"),
            Err(FallbackError::Disabled) => unreachable!("the fallback switched itself off"),
            _ => {}
        }
    }
});
