//! PDF facts: pages, signature fields, the header of page 1 (or 2), whether the text layer exists,
//! and where a statistics table starts. lopdf with a bound on decompressed bytes; every page's
//! text is read once.

use super::signature::{self, SignatureFacts, TrustStore};
use super::text::PageReader;
use super::{Budget, Outcome, Problem};
use crate::budget::{BudgetHit, BudgetName};
use crate::vn::header::{parse_header, Header};
use crate::vn::legacy::Legacy;
use crate::vn::outline::{Outline, OutlineBuilder};
use crate::vn::text::nfc;
use lopdf::{Document, LoadOptions, ObjectId};
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PdfFacts {
    pub pages: u32,
    /// Every signature dictionary, verified (`facts::signature`).
    pub signatures: Vec<SignatureFacts>,
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
    /// Phần / Mục / Khoản / Điểm / numbered items of every page read.
    pub outline: Outline,
    /// Text in a pre-Unicode Vietnamese font (TCVN3 or VNI), converted to Unicode.
    pub legacy_encoding: Option<Legacy>,
    /// Pages whose fonts lopdf could not decode were read again with pdf-extract.
    pub text_fallback: Option<TextFallback>,
    /// SHA-256 of the text of every page read: two files with the same text are the same document
    /// (signed again, saved again), whatever their bytes (KC701).
    pub text_sha256: Option<String>,
    /// Pages that show text whose characters do not decode to readable text (`vn::garbled`, or
    /// glyphs no reader could map): KC607, and nothing judged from their text.
    pub unreadable_pages: Vec<u32>,
    /// The file's own text layer: readable, absent (a scan) or unreadable.
    pub own_layer: TextLayer,
    /// Where the text the rules read comes from: the layer, OCR of the page images, or nowhere.
    pub text_source: TextSource,
    /// Why OCR was not used or gave nothing, when the layer needed it.
    pub ocr_problem: Option<String>,
}

/// Where a document's text comes from (JSON `files[].text_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextSource {
    TextLayer,
    Ocr,
    None,
}

impl TextSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TextSource::TextLayer => "text-layer",
            TextSource::Ocr => "ocr",
            TextSource::None => "none",
        }
    }
}

/// What the text layer of a PDF can be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextLayer {
    /// Text that reads as text: every text rule judges it.
    Readable,
    /// No text at all: a scan (KC603).
    None,
    /// Text is shown but does not decode (KC607): on the header page or on most pages read.
    Unreadable,
}

impl TextLayer {
    fn of(text_chars: usize, unreadable_pages: &[u32], header_page: u32, pages_read: usize) -> TextLayer {
        if text_chars < MIN_TEXT_CHARS {
            TextLayer::None
        } else if unreadable_pages.contains(&header_page) || unreadable_pages.len() * 2 > pages_read.max(1) {
            TextLayer::Unreadable
        } else {
            TextLayer::Readable
        }
    }
}

impl PdfFacts {
    /// The file's own text layer (before any OCR).
    pub fn text_layer(&self) -> TextLayer {
        self.own_layer
    }

    /// Can rules judge this document from its text (its own layer, or OCR of its pages)?
    pub fn text_readable(&self) -> bool {
        self.own_layer == TextLayer::Readable || self.text_source == TextSource::Ocr
    }

    /// Is its own text layer readable? Rules that would give a zero from what is *absent* in the
    /// text (a cited part, a cited number) need this: an OCR reading can miss what is printed.
    pub fn layer_readable(&self) -> bool {
        self.own_layer == TextLayer::Readable
    }
}

/// The second reading of pages lopdf could not decode.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TextFallback {
    /// Pages whose text now comes from pdf-extract.
    pub pages: Vec<u32>,
    /// Why pdf-extract gave nothing (timed out, panicked, failed, switched off).
    pub problem: Option<super::fallback::FallbackError>,
}

/// Fewer letters than this on a page means "no text": an OCR speck is not a text layer.
pub const MIN_TEXT_CHARS: usize = 16;

static STATISTICS_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:BẢNG|BIỂU)(?:\s+MẪU)?\s+(?:THỐNG\s+KÊ|TỔNG\s+HỢP\s+SỐ\s+LIỆU)").unwrap());

/// A statistics table: a `BẢNG/BIỂU THỐNG KÊ` heading, or a `PHỤ LỤC` page holding a table of
/// figures (an `STT` column and many numbers).
pub fn is_statistics_page(text: &str) -> bool {
    if STATISTICS_HEADING.is_match(text) {
        return true;
    }
    // Cheapest test first: most pages are not an annex.
    let annex = text.contains("PHỤ LỤC") && text.lines().any(|line| line.trim_start().starts_with("PHỤ LỤC"));
    annex && text.split_whitespace().any(|word| word == "STT" || word == "TT") && {
        let figure = |w: &str| {
            w.chars().any(|c| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || ".,%/".contains(c))
        };
        text.split_whitespace().filter(|w| figure(w)).nth(7).is_some()
    }
}

pub fn extract(bytes: &[u8], budget: &Budget, trust: &TrustStore, started: Instant) -> Result<PdfFacts, Outcome> {
    let doc = load(bytes, budget)?;
    if doc.objects.len() > budget.max_objects {
        return Err(Outcome::OverBudget(BudgetHit::new(BudgetName::Objects, doc.objects.len(), budget.max_objects)));
    }
    let pages = doc.get_pages();
    // An encrypted file whose password we do not have may still "load", with nothing readable.
    if doc.trailer.get(b"Encrypt").is_ok() && (pages.is_empty() || doc.encryption_state.is_none()) {
        return Err(Outcome::Encrypted);
    }
    if pages.is_empty() {
        return Err(Outcome::Unreadable(Problem::NoPages));
    }
    if pages.len() > budget.max_pages {
        return Err(Outcome::OverBudget(BudgetHit::new(BudgetName::Pages, pages.len(), budget.max_pages)));
    }
    let reading = read_pages(&doc, &pages, bytes, budget, started, false)?;
    let PageReading { mut analysis, text_fallback, legacy } = reading;
    let header_page = analysis.header_source.as_ref().map_or(1, |(page, _)| *page);
    let own_layer = TextLayer::of(analysis.text_chars, &analysis.unreadable_pages, header_page, analysis.pages_read);
    let mut text_source = if own_layer == TextLayer::None { TextSource::None } else { TextSource::TextLayer };
    let mut ocr_problem = None;
    let layer_unreadable_pages = analysis.unreadable_pages.clone();
    if own_layer != TextLayer::Readable && budget.text != super::TextScope::None {
        match ocr_pages(bytes, pages.len() as u32, budget) {
            Ok(Some(read)) => {
                analysis = read;
                text_source = TextSource::Ocr;
            }
            Ok(None) => {}
            Err(problem) => ocr_problem = Some(problem),
        }
    }
    let (header_page, header_text) = analysis.header_source.unwrap_or((1, String::new()));
    Ok(PdfFacts {
        pages: pages.len() as u32,
        signatures: signature::extract(&doc, bytes, trust, budget),
        text_chars: analysis.text_chars,
        header_page,
        header: parse_header(&header_text),
        statistics_table_page: analysis.statistics_table_page,
        repaired: doc.xref_recovery.is_some(),
        sample: header_text.lines().take(12).collect::<Vec<_>>().join("\n"),
        outline: analysis.outline.finish(),
        legacy_encoding: legacy,
        text_fallback,
        text_sha256: (budget.text == super::TextScope::All).then(|| super::hex(&analysis.text_digest.finalize())),
        unreadable_pages: layer_unreadable_pages,
        own_layer,
        text_source,
        ocr_problem,
    })
}

/// The document, unless what its bytes would cost as parsed objects is over budget.
fn load(bytes: &[u8], budget: &Budget) -> Result<Document, Outcome> {
    let scan = super::prescan::prescan(bytes);
    if scan.objects > budget.max_objects {
        return Err(Outcome::OverBudget(BudgetHit::new(BudgetName::Objects, scan.objects, budget.max_objects)));
    }
    if scan.tokens > budget.max_tokens {
        return Err(Outcome::OverBudget(BudgetHit::new(BudgetName::ObjectDensity, scan.tokens, budget.max_tokens)));
    }
    let options = LoadOptions { max_decompressed_size: Some(budget.max_stream_bytes), ..Default::default() };
    Document::load_mem_with_options(bytes, options)
        .map_err(|error| classify_load_error(bytes, &error, budget.max_stream_bytes))
}

/// The pages OCR reads (header first: the first pages), as an analysis of their text; `None`
/// when OCR is off or read too little; Err: why it could not run.
fn ocr_pages(bytes: &[u8], page_count: u32, budget: &Budget) -> Result<Option<PageAnalysis>, String> {
    let Some(ocr) = &budget.ocr else { return Ok(None) };
    let last = match budget.text {
        super::TextScope::Header => page_count.min(2),
        _ => page_count.min(crate::ocr::MAX_PAGES),
    };
    let wanted: Vec<u32> = (1..=last).collect();
    let read = ocr.read_pages(bytes, &wanted).map_err(|e| e.to_string())?;
    let mut analysis = PageAnalysis::default();
    for (number, text) in read {
        analysis.add_page(number, text, false);
    }
    Ok((analysis.text_chars >= MIN_TEXT_CHARS).then_some(analysis))
}

/// What reading the pages gave.
struct PageReading {
    analysis: PageAnalysis,
    text_fallback: Option<TextFallback>,
    legacy: Option<Legacy>,
}

/// Reads the pages the text scope needs (all of them with `keep_text`, which also keeps each
/// page's text), through our reader, then pdf-extract for pages whose fonts it could not decode.
fn read_pages(
    doc: &Document,
    pages: &std::collections::BTreeMap<u32, ObjectId>,
    bytes: &[u8],
    budget: &Budget,
    started: Instant,
    keep_text: bool,
) -> Result<PageReading, Outcome> {
    let deadline = started + budget.deadline;
    let over_time = || Outcome::OverBudget(BudgetHit::over(BudgetName::Time, budget.deadline.as_secs()));
    let limits = super::text::ReadLimits::of(budget);
    let mut reader = PageReader::new(doc, budget.max_stream_bytes).with_deadline(deadline).with_limits(limits);
    let mut analysis = PageAnalysis { keep_pages: keep_text, ..Default::default() };
    let mut unread_pages = Vec::new();
    let mut recognised_legacy = None;
    for (&number, &page_id) in pages {
        if analysis.enough(budget.text, number) {
            break;
        }
        if started.elapsed() > budget.deadline {
            return Err(over_time());
        }
        let (text, unread) = read_page(&mut reader, number, page_id, &mut recognised_legacy);
        if reader.timed_out {
            return Err(over_time());
        }
        if let Some(budget_hit) = reader.over_budget.take() {
            return Err(Outcome::OverBudget(budget_hit));
        }
        if unread {
            unread_pages.push(number);
        }
        analysis.add_page(number, text, unread);
    }
    let mut text_fallback = None;
    if !unread_pages.is_empty() {
        let remaining = budget.deadline.saturating_sub(started.elapsed());
        let gate_limits = super::fallback_gate::GateLimits {
            max_stream_bytes: budget.max_stream_bytes,
            max_decoded_bytes: budget.max_decoded_bytes,
            max_form_visits: budget.max_form_visits,
        };
        // Pages left unread because pdf-extract could not safely be given them: a budget was hit.
        if let Some(budget_hit) = super::fallback_gate::refusal(doc, pages, &gate_limits) {
            return Err(Outcome::OverBudget(budget_hit));
        }
        let fallback = super::fallback::pages_text(bytes, remaining);
        text_fallback = Some(match fallback {
            Ok(fallback_pages) => {
                // Read again, each unread page from pdf-extract when it finds more letters there.
                let mut reader =
                    PageReader::new(doc, budget.max_stream_bytes).with_deadline(deadline).with_limits(limits);
                let mut redone = PageAnalysis { keep_pages: keep_text, ..Default::default() };
                let mut replaced = Vec::new();
                for (&number, &page_id) in pages {
                    if redone.enough(budget.text, number) {
                        break;
                    }
                    let (ours, _) = read_page(&mut reader, number, page_id, &mut recognised_legacy);
                    if reader.timed_out {
                        return Err(over_time());
                    }
                    if let Some(budget_hit) = reader.over_budget.take() {
                        return Err(Outcome::OverBudget(budget_hit));
                    }
                    let theirs = fallback_pages.get(number as usize - 1).map(|text| nfc(text));
                    let (text, still_unread) = match theirs {
                        Some(theirs) if unread_pages.contains(&number) && letters(&theirs) > letters(&ours) => {
                            replaced.push(number);
                            (theirs, false)
                        }
                        _ => (ours, unread_pages.contains(&number)),
                    };
                    redone.add_page(number, text, still_unread);
                }
                analysis = redone;
                TextFallback { pages: replaced, problem: None }
            }
            Err(problem) => TextFallback { pages: Vec::new(), problem: Some(problem) },
        });
    }
    Ok(PageReading { analysis, text_fallback, legacy: reader.legacy.or(recognised_legacy) })
}

/// Every page's text as the checks read it (`inspect --text`), in page order.
pub fn page_texts(bytes: &[u8], budget: &Budget) -> Result<Vec<(u32, String)>, Outcome> {
    let doc = load(bytes, budget)?;
    let pages = doc.get_pages();
    let all = Budget { text: super::TextScope::All, ..budget.clone() };
    Ok(read_pages(&doc, &pages, bytes, &all, Instant::now(), true)?.analysis.pages)
}

/// A page's text in NFC, TCVN3/VNI mojibake from a font with an uninformative name decoded (the
/// encoding noted in `legacy`), and whether lopdf failed to decode most of its glyphs.
fn read_page(reader: &mut PageReader, number: u32, page_id: ObjectId, legacy: &mut Option<Legacy>) -> (String, bool) {
    let page = reader.page_text(number, page_id);
    let text = nfc(&page.text);
    match crate::vn::legacy::recognise(&text) {
        Some((found, decoded)) => {
            legacy.get_or_insert(found);
            (decoded, page.unread)
        }
        None => (text, page.unread),
    }
}

/// What the pages say, built page by page.
#[derive(Default)]
struct PageAnalysis {
    text_chars: usize,
    header_source: Option<(u32, String)>,
    statistics_table_page: Option<u32>,
    outline: OutlineBuilder,
    text_digest: Sha256,
    /// Keep every page's text (for `inspect --text`).
    keep_pages: bool,
    pages: Vec<(u32, String)>,
    unreadable_pages: Vec<u32>,
    pages_read: usize,
}

impl PageAnalysis {
    /// Has enough been read for the rules selected?
    fn enough(&self, scope: super::TextScope, next_page: u32) -> bool {
        match scope {
            super::TextScope::None => true,
            super::TextScope::Header => self.header_source.is_some() || next_page > 2,
            super::TextScope::All => false,
        }
    }

    /// `unread`: most glyphs of the page decoded to nothing.
    fn add_page(&mut self, number: u32, text: String, unread: bool) {
        self.pages_read += 1;
        if unread || crate::vn::garbled::garbled(&text).is_some() {
            self.unreadable_pages.push(number);
        }
        // Letters only: spacing and line breaks differ between readers of the same document.
        let letters_only: String = text.chars().filter(|c| c.is_alphanumeric()).collect();
        self.text_digest.update(letters_only.as_bytes());
        let letters = letters_only.chars().count();
        self.text_chars += letters;
        self.outline.add_page(number, &text);
        if self.statistics_table_page.is_none() && is_statistics_page(&text) {
            self.statistics_table_page = Some(number);
        }
        if self.keep_pages {
            self.pages.push((number, text.clone()));
        }
        if self.header_source.is_none() && letters >= MIN_TEXT_CHARS && number <= 2 {
            self.header_source = Some((number, text));
        }
    }
}

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

fn classify_load_error(bytes: &[u8], error: &lopdf::Error, max_stream_bytes: usize) -> Outcome {
    use lopdf::Error;
    if is_truncated(bytes) {
        return Outcome::Unreadable(Problem::Truncated { size: bytes.len(), detail: Some(error.to_string()) });
    }
    match error {
        Error::InvalidPassword | Error::Decryption(_) => Outcome::Encrypted,
        _ if super::sniff::memfind(tail(bytes), b"/Encrypt").is_some() => Outcome::Encrypted,
        _ if error.to_string().contains("limit") => {
            Outcome::OverBudget(BudgetHit::over(BudgetName::DecompressedBytes, max_stream_bytes))
        }
        _ => Outcome::Unreadable(Problem::Corrupt(error.to_string())),
    }
}

/// Is the file's end lost? A complete PDF ends with `%%EOF` (readers accept it within the last
/// 1,024 bytes; trailing blanks and NULs aside). A broken `startxref` before a present `%%EOF` is a
/// damaged cross-reference table (rebuilt, KC605), not a lost end.
pub fn is_truncated(bytes: &[u8]) -> bool {
    let end = bytes.iter().rposition(|b| !matches!(b, b' ' | b'\r' | b'\n' | b'\t' | 0)).map_or(0, |i| i + 1);
    let last = &bytes[end.saturating_sub(1024)..end];
    super::sniff::memfind(last, b"%%EOF").is_none()
}

fn tail(bytes: &[u8]) -> &[u8] {
    &bytes[bytes.len().saturating_sub(4096)..]
}

#[cfg(test)]
mod tests {
    use super::{is_statistics_page, is_truncated};

    #[test]
    fn a_lost_end_is_told_from_trailing_blanks() {
        let whole = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n";
        assert!(!is_truncated(whole));
        let padded = [&whole[..], &[0u8; 3000][..], b"\r\n  "].concat();
        assert!(!is_truncated(&padded), "NULs and blanks after %%EOF are not a loss");
        assert!(is_truncated(&whole[..whole.len() - 12]), "cut before %%EOF");
        let far = String::from_utf8_lossy(whole).replace("startxref\n9", "startxref\n99999");
        assert!(!is_truncated(far.as_bytes()), "a broken offset is repaired (KC605), not a lost end");
    }

    #[test]
    fn statistics_tables_by_heading_or_annex_of_figures() {
        assert!(is_statistics_page("PHỤ LỤC\nBẢNG THỐNG KÊ KẾT QUẢ\nSTT Nội dung Kết quả"));
        assert!(is_statistics_page("BIỂU  THỐNG KÊ số liệu"));
        let annex = "PHỤ LỤC I\nKẾT QUẢ THỰC HIỆN NHIỆM VỤ\nSTT Nhiệm vụ Số lượng Tỷ lệ\n1 Ban hành 12 100%\n2 Kiểm tra 11 100%\n3 Tuyên truyền 66 98,5%\n4 Sáng kiến 4 100%";
        assert!(is_statistics_page(annex));
        assert!(!is_statistics_page("PHỤ LỤC\nDanh sách đơn vị tham dự"), "an annex without figures");
        assert!(!is_statistics_page("Bảng thống kê sẽ được gửi sau"), "prose, not a heading");
    }
}
