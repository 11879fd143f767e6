//! pdf-extract as a second reader for pages whose fonts lopdf cannot decode (a ToUnicode CMap its
//! parser rejects, a font program's built-in encoding). pdf-extract panics on odd input and can
//! run long, so it runs on a thread of its own under a deadline, its panics caught; a thread that
//! misses its deadline is abandoned, and after a few of those the fallback is switched off for
//! the rest of the run rather than pile up stuck threads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Once;
use std::time::Duration;

/// Threads left running past their deadline before the fallback is switched off.
const MAX_ABANDONED: usize = 2;
/// The fallback's own time limit, within the file's remaining budget.
pub const MAX_FALLBACK_TIME: Duration = Duration::from_secs(10);
const THREAD_NAME: &str = "kiemchung-text-fallback";

static ABANDONED: AtomicUsize = AtomicUsize::new(0);
static QUIET_PANICS: Once = Once::new();

/// Why the fallback gave no text. Kept in a file's facts (and so in the cache and JSON report).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum FallbackError {
    /// Switched off for the rest of the run after too many threads ran past their deadline.
    Disabled,
    TimedOut,
    Panicked,
    /// pdf-extract's own error (English, from the library).
    Failed(String),
}

impl FallbackError {
    /// What went wrong, for a reader of `lang`; pdf-extract's own detail only in English.
    pub fn words(&self, lang: crate::rules::Lang) -> String {
        let (vi, en) = match self {
            FallbackError::Disabled => ("đã tắt trong lượt kiểm tra này", "switched off for this run"),
            FallbackError::TimedOut => ("quá thời gian cho phép", "ran out of time"),
            FallbackError::Panicked => ("gặp lỗi nội bộ", "crashed"),
            FallbackError::Failed(detail) => {
                return lang.pick("không đọc được tệp".to_string(), format!("could not read the file: {detail}"))
            }
        };
        lang.pick(vi, en).to_string()
    }
}

/// The text of every page pdf-extract can read (page 1 first), within `deadline`. Only for a
/// document `fallback_gate::refusal` lets through: pdf-extract has no bounds of its own.
pub fn pages_text(bytes: &[u8], deadline: Duration) -> Result<Vec<String>, FallbackError> {
    if ABANDONED.load(Ordering::Relaxed) >= MAX_ABANDONED {
        return Err(FallbackError::Disabled);
    }
    silence_fallback_panics();
    let owned = bytes.to_vec();
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .stack_size(super::fallback_gate::FALLBACK_STACK_BYTES)
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| pdf_extract::extract_text_from_mem_by_pages(&owned)));
            let _ = sender.send(result);
        });
    if let Err(error) = spawned {
        return Err(FallbackError::Failed(error.to_string()));
    }
    match receiver.recv_timeout(deadline.min(MAX_FALLBACK_TIME)) {
        Ok(Ok(Ok(pages))) => Ok(pages),
        Ok(Ok(Err(error))) => Err(FallbackError::Failed(error.to_string())),
        Ok(Err(_)) => Err(FallbackError::Panicked),
        Err(_) => {
            ABANDONED.fetch_add(1, Ordering::Relaxed);
            Err(FallbackError::TimedOut)
        }
    }
}

/// pdf-extract's panics are expected and reported as a status; keep them off stderr. Panics on
/// every other thread still reach the previous hook.
fn silence_fallback_panics() {
    QUIET_PANICS.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(THREAD_NAME) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::FallbackError;
    use crate::rules::Lang;

    #[test]
    fn a_problem_is_kept_as_a_kind_with_its_detail() {
        let failed = FallbackError::Failed("invalid file header".into());
        let json = serde_json::to_string(&failed).unwrap();
        assert_eq!(json, r#"{"kind":"failed","detail":"invalid file header"}"#);
        assert_eq!(serde_json::from_str::<FallbackError>(&json).unwrap(), failed);
        let timed_out = serde_json::to_string(&FallbackError::TimedOut).unwrap();
        assert_eq!(timed_out, r#"{"kind":"timed-out"}"#);
    }

    #[test]
    fn the_library_english_detail_reaches_english_readers_only() {
        let failed = FallbackError::Failed("invalid file header".into());
        assert!(!failed.words(Lang::Vi).contains("invalid"), "{}", failed.words(Lang::Vi));
        assert!(failed.words(Lang::En).contains("invalid file header"));
        for problem in [FallbackError::Disabled, FallbackError::TimedOut, FallbackError::Panicked] {
            assert_ne!(problem.words(Lang::Vi), problem.words(Lang::En));
        }
    }
}
