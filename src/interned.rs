//! Strings the report model holds as `&'static str` (rule codes and names, file kinds, text
//! sources) when they are read back from the spill: each distinct value is kept once for the
//! life of the process. The values come from our own records, so there are a few dozen in all.

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// `&'static str` under another name: serde's derive takes a literal `&'static str` field as
/// borrowed from the input and would only read from `'static` text (serde issue #2665).
pub type StaticStr = &'static str;

static SEEN: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// The one `&'static str` holding `text`.
pub fn intern(text: &str) -> &'static str {
    let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&kept) = seen.get(text) {
        return kept;
    }
    let kept: &'static str = Box::leak(text.to_owned().into_boxed_str());
    seen.insert(kept);
    kept
}

/// `#[serde(deserialize_with)]` for a `&'static str` field.
pub fn static_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<&'static str, D::Error> {
    let text = Cow::<str>::deserialize(deserializer)?;
    Ok(intern(&text))
}

/// `#[serde(deserialize_with)]` for an `Option<&'static str>` field.
pub fn static_str_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'static str>, D::Error> {
    let text = Option::<Cow<str>>::deserialize(deserializer)?;
    Ok(text.map(|text| intern(&text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_text_is_kept_once() {
        let first = intern(&String::from("KC101"));
        let second = intern(&String::from("KC101"));
        assert!(std::ptr::eq(first, second));
        assert_ne!(intern("KC102"), first);
    }
}
