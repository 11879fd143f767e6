//! PDF facts: pages, signature fields, the header of page 1 (or 2), whether the text layer exists,
//! and where a statistics table starts. lopdf with a bound on decompressed bytes; every page's
//! text is read once.

use super::{Budget, Outcome, Problem};
use crate::vn::header::{parse_header, Header};
use crate::vn::text::nfc;
use lopdf::{Document, LoadOptions, Object};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignatureField {
    pub field: Option<String>,
    pub subfilter: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PdfFacts {
    pub pages: u32,
    pub signatures: Vec<SignatureField>,
    /// Letters and digits over all pages: near zero for an image-only scan.
    pub text_chars: usize,
    /// The page the header was read from, and what it says.
    pub header_page: u32,
    pub header: Header,
    /// First page holding a `BẢNG THỐNG KÊ` / `BIỂU THỐNG KÊ` heading.
    pub statistics_table_page: Option<u32>,
    /// The cross-reference data was broken and rebuilt by the reader.
    pub repaired: bool,
    /// A short sample of page 1 for `inspect`.
    pub sample: String,
}

/// Fewer letters than this on a page means "no text": an OCR speck is not a text layer.
pub const MIN_TEXT_CHARS: usize = 16;

static STATISTICS_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:BẢNG|BIỂU)(?:\s+MẪU)?\s+(?:THỐNG\s+KÊ|TỔNG\s+HỢP\s+SỐ\s+LIỆU)").unwrap());

pub fn extract(bytes: &[u8], budget: &Budget, started: Instant) -> Result<PdfFacts, Outcome> {
    let options = LoadOptions { max_decompressed_size: Some(budget.max_stream_bytes), ..Default::default() };
    let doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(error) => return Err(classify_load_error(bytes, &error)),
    };
    let pages = doc.get_pages();
    // An encrypted file whose password we do not have may still "load", with nothing readable.
    if doc.trailer.get(b"Encrypt").is_ok() && (pages.is_empty() || doc.encryption_state.is_none()) {
        return Err(Outcome::Encrypted);
    }
    if pages.is_empty() {
        return Err(Outcome::Unreadable(Problem::Corrupt("no pages".into())));
    }
    if pages.len() > budget.max_pages {
        return Err(Outcome::OverBudget(format!("pages: {} > {}", pages.len(), budget.max_pages)));
    }
    let mut text_chars = 0;
    let mut header_source: Option<(u32, String)> = None;
    let mut statistics_table_page = None;
    for (&number, &page_id) in &pages {
        if started.elapsed() > budget.deadline {
            return Err(Outcome::OverBudget(format!("time: > {} s", budget.deadline.as_secs())));
        }
        let text = nfc(&super::text::page_text(&doc, page_id, budget.max_stream_bytes));
        let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
        text_chars += letters;
        if header_source.is_none() && letters >= MIN_TEXT_CHARS && number <= 2 {
            header_source = Some((number, text.clone()));
        }
        if statistics_table_page.is_none() && STATISTICS_HEADING.is_match(&text) {
            statistics_table_page = Some(number);
        }
    }
    let (header_page, header_text) = header_source.unwrap_or((1, String::new()));
    Ok(PdfFacts {
        pages: pages.len() as u32,
        signatures: signature_fields(&doc),
        text_chars,
        header_page,
        header: parse_header(&header_text),
        statistics_table_page,
        repaired: doc.xref_recovery.is_some(),
        sample: header_text.lines().take(12).collect::<Vec<_>>().join("\n"),
    })
}

fn classify_load_error(bytes: &[u8], error: &lopdf::Error) -> Outcome {
    use lopdf::Error;
    match error {
        Error::InvalidPassword | Error::Decryption(_) => Outcome::Encrypted,
        _ if super::sniff::memfind(tail(bytes), b"/Encrypt").is_some() => Outcome::Encrypted,
        _ if error.to_string().contains("limit") => Outcome::OverBudget(format!("decompressed bytes: {error}")),
        _ => Outcome::Unreadable(Problem::Corrupt(error.to_string())),
    }
}

fn tail(bytes: &[u8]) -> &[u8] {
    &bytes[bytes.len().saturating_sub(4096)..]
}

/// Signature dictionaries (`/Type /Sig`, or a `/ByteRange` with `/Contents`), with the name of the
/// field that holds each. Document timestamps (`/DocTimeStamp`) are not signatures of a signer.
fn signature_fields(doc: &Document) -> Vec<SignatureField> {
    let mut names = std::collections::HashMap::new();
    for object in doc.objects.values() {
        if let Ok(dict) = object.as_dict() {
            if let (Ok(Object::Reference(id)), Ok(name)) = (dict.get(b"V"), dict.get(b"T")) {
                if let Ok(name) = lopdf::decode_text_string(name) {
                    names.insert(*id, name);
                }
            }
        }
    }
    let mut fields = Vec::new();
    for (id, object) in &doc.objects {
        let Ok(dict) = object.as_dict() else { continue };
        let type_name = dict.get(b"Type").and_then(Object::as_name).ok();
        if type_name == Some(b"DocTimeStamp".as_slice()) {
            continue;
        }
        let is_sig = type_name == Some(b"Sig".as_slice()) || (dict.has(b"ByteRange") && dict.has(b"Contents"));
        if !is_sig || !dict.has(b"ByteRange") {
            continue;
        }
        let subfilter =
            dict.get(b"SubFilter").and_then(Object::as_name).ok().map(|n| String::from_utf8_lossy(n).into_owned());
        fields.push(SignatureField { field: names.get(id).cloned(), subfilter });
    }
    fields
}
