//! Signature facts, shaped like pyHanko's status model: for every signature dictionary, who signed,
//! when (and by which clock), with what, whether the digest over `/ByteRange` matches (intact),
//! whether the signature over the signed attributes verifies (valid), whether a path reaches a trust
//! anchor with every certificate valid at the signing time (trusted), how much of the file is covered,
//! and what the later revisions changed.

pub mod cert;
pub mod cms;
pub mod constraints;
pub mod crypto;
pub mod der;
pub mod diff;
mod meter;
mod problem;
pub mod revision;
pub mod revocation;
pub mod trust;
mod verify;

use super::Budget;
use crate::budget::{BudgetHit, BudgetName};
use diff::{Change, ModificationLevel};
use jiff::Timestamp;
use lopdf::{Document, Object, ObjectId};
use meter::Meter;
pub use problem::{ByteRangeFault, SignatureProblem, TimestampFault};
use revision::Coverage;
use serde::Serialize;
use std::collections::HashMap;
pub use trust::{TrustProblem, TrustStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    /// A signer's signature (approval or certification).
    Signature,
    /// A document timestamp (`/DocTimeStamp`, ETSI.RFC3161): an LTA update, no signer.
    DocumentTimestamp,
    /// An Adobe usage-rights signature (`/Perms /UR3`): the producer's, not the document's.
    UsageRights,
}

/// Where the signing time comes from (DESIGN.md: `timestamp|signed-attribute|M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum TimeSource {
    #[serde(rename = "timestamp")]
    Timestamp,
    #[serde(rename = "signed-attribute")]
    SignedAttribute,
    #[serde(rename = "M")]
    M,
}

/// One later revision and what it changed.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RevisionChanges {
    /// 1-based revision number in the file.
    pub revision: usize,
    pub level: ModificationLevel,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SignatureFacts {
    pub field: Option<String>,
    pub kind: SignatureKind,
    pub subfilter: Option<String>,
    /// Subject DN of the signer's certificate (UTF-8).
    pub signer: Option<String>,
    /// Its common name, for short messages.
    pub signer_name: Option<String>,
    /// Its organisation (`O=`), compared with the document's issuing body (KC107).
    pub signer_organization: Option<String>,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    pub certificate_not_before: Option<Timestamp>,
    pub certificate_not_after: Option<Timestamp>,
    pub signing_time: Option<Timestamp>,
    pub signing_time_source: Option<TimeSource>,
    pub digest_algorithm: Option<String>,
    pub signature_algorithm: Option<String>,
    pub key_algorithm: Option<String>,
    pub key_bits: Option<u32>,
    pub intact: bool,
    pub valid: bool,
    pub trusted: bool,
    /// Subjects from the signer up to the anchor (or as far as the path went).
    pub trust_path: Vec<String>,
    pub coverage: Coverage,
    pub modification_level: ModificationLevel,
    /// The revision this signature signed (1-based), and how many the file has.
    pub signed_revision: Option<usize>,
    pub revisions: usize,
    pub later_revisions: Vec<RevisionChanges>,
    pub problems: Vec<SignatureProblem>,
}

impl SignatureFacts {
    pub fn new(field: Option<String>, kind: SignatureKind, subfilter: Option<String>) -> Self {
        SignatureFacts {
            field,
            kind,
            subfilter,
            signer: None,
            signer_name: None,
            signer_organization: None,
            issuer: None,
            serial: None,
            certificate_not_before: None,
            certificate_not_after: None,
            signing_time: None,
            signing_time_source: None,
            digest_algorithm: None,
            signature_algorithm: None,
            key_algorithm: None,
            key_bits: None,
            intact: false,
            valid: false,
            trusted: false,
            trust_path: Vec::new(),
            coverage: Coverage::Unclear,
            modification_level: ModificationLevel::Other,
            signed_revision: None,
            revisions: 0,
            later_revisions: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The budget that stopped this signature's verification, if one did.
    pub fn budget_hit(&self) -> Option<&BudgetHit> {
        self.problems.iter().find_map(|p| match p {
            SignatureProblem::OverBudget(which) => Some(which),
            _ => None,
        })
    }

    /// The signer's certificate was valid at the signing time, allowing for the tools that write
    /// Vietnam local time (UTC+7) as if it were UTC (domain notes): the time may be 7 hours late.
    pub fn certificate_valid_at_signing(&self) -> Option<bool> {
        let (from, to, time) = (self.certificate_not_before?, self.certificate_not_after?, self.signing_time?);
        // A timestamp authority's clock is trusted as it is; only a signer's own clock gets the grace.
        let grace = match self.signing_time_source {
            Some(TimeSource::Timestamp) => jiff::SignedDuration::ZERO,
            _ => jiff::SignedDuration::from_hours(7),
        };
        let shifted = time - grace;
        Some((from <= time && time <= to) || (from <= shifted && shifted <= to))
    }
}

/// Every signature dictionary of the document, in signing order (by where its range ends). Each
/// per-file budget (`budget.max_signatures` …) stops the verification of the signature that hits
/// it, which then says so ([`SignatureProblem::OverBudget`]) instead of a verdict.
pub fn extract(doc: &Document, bytes: &[u8], trust: &TrustStore, budget: &Budget) -> Vec<SignatureFacts> {
    let revisions = revision::revisions(bytes);
    let mut prefixes = Prefixes {
        bytes,
        doc,
        revisions: &revisions,
        loaded: HashMap::new(),
        compared: HashMap::new(),
        max_stream_bytes: budget.max_stream_bytes,
    };
    let meter = Meter::new(budget);
    let dss_revocation = revocation::from_dss(doc, budget.max_stream_bytes, &meter);
    let dictionaries = signature_dictionaries(doc);
    let mut found = Vec::new();
    for (position, (id, field, kind)) in dictionaries.iter().cloned().enumerate() {
        let Ok(dict) = doc.get_dictionary(id) else { continue };
        let name =
            |key: &[u8]| dict.get(key).and_then(Object::as_name).ok().map(|n| String::from_utf8_lossy(n).into_owned());
        let mut facts = SignatureFacts::new(field, kind, name(b"SubFilter"));
        facts.revisions = revisions.len();
        let byte_range: Vec<i64> = match dict.get(b"ByteRange").and_then(Object::as_array) {
            Ok(items) => {
                items.iter().map(|n| n.as_i64().or_else(|_| n.as_float().map(|f| f as i64)).unwrap_or(-1)).collect()
            }
            Err(_) => Vec::new(),
        };
        if position >= budget.max_signatures {
            let which = BudgetHit::new(BudgetName::Signatures, dictionaries.len(), budget.max_signatures);
            facts.problems.push(SignatureProblem::OverBudget(which));
            found.push((range_end(&byte_range), facts));
            continue;
        }
        let contents = dict.get(b"Contents").and_then(Object::as_str).unwrap_or(&[]);
        let (coverage, signed_revision) = revision::coverage(bytes, &byte_range, contents.len(), &revisions);
        facts.coverage = coverage;
        facts.signed_revision = signed_revision.map(|i| i + 1);
        if facts.coverage >= Coverage::EntireRevision && defined_after(doc, id, &byte_range) {
            // The dictionary was rewritten after signing (a spoofed /Reason, /M …): its own revision
            // is a later one, so the range no longer ends with it (pyHanko's rule).
            facts.coverage = Coverage::ContiguousBlockFromStart;
        }
        let claimed_time = dict.get(b"M").ok().and_then(pdf_date);
        match (revision::signed_slices(bytes, &byte_range), &dss_revocation) {
            (_, Err(which)) => facts.problems.push(SignatureProblem::OverBudget(which.clone())),
            (Ok((slices, short)), Ok(dss)) => {
                if let Some(why) = short {
                    facts.problems.push(SignatureProblem::ByteRange(why));
                }
                let context = verify::Context {
                    trust,
                    claimed_time,
                    revocation: dss,
                    meter: &meter,
                    validation_time: budget.validation_time,
                };
                verify::signature(&mut facts, &slices, contents, &context)
            }
            (Err(why), _) => facts.problems.push(SignatureProblem::ByteRange(why)),
        }
        if facts.signing_time.is_none() {
            facts.signing_time = claimed_time;
            facts.signing_time_source = claimed_time.map(|_| TimeSource::M);
        }
        if facts.budget_hit().is_none() {
            modifications(&mut facts, signed_revision, &mut prefixes, &meter);
        }
        let end = range_end(&byte_range);
        found.push((end, facts));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.field.cmp(&b.1.field)));
    found.into_iter().map(|(_, facts)| facts).collect()
}

/// The first budget that stopped a signature's verification, if any.
pub fn budget_hit(signatures: &[SignatureFacts]) -> Option<&BudgetHit> {
    signatures.iter().find_map(SignatureFacts::budget_hit)
}

/// One signature's CMS judged against the bytes it claims to sign, without a PDF around it: what
/// [`extract`] does per signature dictionary once the slices are cut (fuzzing reaches the CMS,
/// certificate, timestamp and revocation parsers through here).
pub fn check_contents(
    contents: &[u8],
    signed: &[&[u8]],
    subfilter: Option<&str>,
    trust: &TrustStore,
) -> SignatureFacts {
    let mut facts = SignatureFacts::new(None, SignatureKind::Signature, subfilter.map(str::to_string));
    let meter = Meter::new(&Budget::default());
    let revocation = revocation::RevocationData::default();
    let context =
        verify::Context { trust, claimed_time: None, revocation: &revocation, meter: &meter, validation_time: None };
    verify::signature(&mut facts, signed, contents, &context);
    facts
}

/// Where the signed bytes end (saturating: the numbers come from the file).
fn range_end(byte_range: &[i64]) -> i64 {
    byte_range.chunks(2).map(|p| p.iter().fold(0i64, |a, &b| a.saturating_add(b))).max().unwrap_or(0)
}

/// Changes kept per revision for display; the level is judged over all of them (the list is
/// sorted most severe first). Bounds memory when many signatures share many large revisions.
const MAX_CHANGES_KEPT: usize = 100;

/// Is the signature dictionary, as the file now reads it, written after the bytes it signs?
fn defined_after(doc: &Document, id: ObjectId, byte_range: &[i64]) -> bool {
    let signed_end = range_end(byte_range);
    let offset = |entry: Option<&lopdf::xref::XrefEntry>| match entry {
        Some(lopdf::xref::XrefEntry::Normal { offset, .. }) => Some(*offset as i64),
        _ => None,
    };
    let position = match doc.reference_table.get(id.0) {
        Some(lopdf::xref::XrefEntry::Compressed { container, .. }) => offset(doc.reference_table.get(*container)),
        entry => offset(entry),
    };
    position.is_some_and(|p| p >= signed_end)
}

/// Coverage decides: the whole file → NONE; a whole revision → what the later revisions changed;
/// anything less → OTHER (pyHanko does the same: the uncovered bytes are unexplained).
fn modifications(facts: &mut SignatureFacts, signed_revision: Option<usize>, prefixes: &mut Prefixes, meter: &Meter) {
    match (facts.coverage, signed_revision) {
        (Coverage::EntireFile, _) => facts.modification_level = ModificationLevel::None,
        (Coverage::EntireRevision, Some(index)) => {
            facts.modification_level = ModificationLevel::None;
            for later in index + 1..prefixes.revisions.len() {
                let changes = match prefixes.changes(later, meter) {
                    Ok(Ok(changes)) => changes,
                    Ok(Err(why)) => {
                        facts.problems.push(SignatureProblem::RevisionUnreadable(why));
                        facts.modification_level = ModificationLevel::Other;
                        return;
                    }
                    Err(which) => {
                        // Not compared: no verdict on what the later revisions changed.
                        facts.problems.push(SignatureProblem::OverBudget(which));
                        return;
                    }
                };
                let level = diff::level(&changes);
                facts.modification_level = facts.modification_level.max(level);
                facts.later_revisions.push(RevisionChanges { revision: later + 1, level, changes });
            }
        }
        _ => {
            facts.modification_level = ModificationLevel::Other;
            facts.problems.push(SignatureProblem::PartialCoverage);
        }
    }
}

/// Each revision's prefix loaded once, and each pair of consecutive revisions compared once, for
/// all signatures of the file (the comparison does not depend on the signature).
struct Prefixes<'a> {
    bytes: &'a [u8],
    doc: &'a Document,
    revisions: &'a [revision::Revision],
    loaded: HashMap<usize, Result<Document, String>>,
    /// What revision `i` changed from revision `i - 1`, or why it could not be read.
    compared: HashMap<usize, Result<Vec<Change>, String>>,
    max_stream_bytes: usize,
}

impl Prefixes<'_> {
    /// What revision `later` changed, compared once per file; `Err` names the budget that stopped it.
    fn changes(&mut self, later: usize, meter: &Meter) -> Result<Result<Vec<Change>, String>, BudgetHit> {
        if let Some(known) = self.compared.get(&later) {
            return Ok(known.clone());
        }
        meter.revision()?;
        self.load(later - 1);
        self.load(later);
        let changes = match (self.get(later - 1), self.get(later)) {
            (Ok(old), Ok(new)) => {
                let revision = self.revisions[later];
                let mut changes = diff::compare(old, new, (revision.eof, revision.end));
                changes.truncate(MAX_CHANGES_KEPT);
                Ok(changes)
            }
            (Err(why), _) | (_, Err(why)) => Err(why),
        };
        // Keep at most the newer of the two revisions in memory: the next pair starts with it.
        self.loaded.retain(|&i, _| i == later);
        self.compared.insert(later, changes.clone());
        Ok(changes)
    }

    /// The last revision is the document already loaded (anything after it is not a revision).
    fn is_last(&self, index: usize) -> bool {
        index + 1 == self.revisions.len()
    }

    fn load(&mut self, index: usize) {
        if self.is_last(index) {
            return;
        }
        let (bytes, end, max) = (self.bytes, self.revisions[index].end, self.max_stream_bytes);
        self.loaded.entry(index).or_insert_with(|| {
            let options = lopdf::LoadOptions { max_decompressed_size: Some(max), ..Default::default() };
            Document::load_mem_with_options(&bytes[..end], options).map_err(|e| e.to_string())
        });
    }

    fn get(&self, index: usize) -> Result<&Document, String> {
        if self.is_last(index) {
            return Ok(self.doc);
        }
        match self.loaded.get(&index) {
            Some(loaded) => loaded.as_ref().map_err(Clone::clone),
            None => Err("revision not loaded".into()),
        }
    }
}

/// Signature dictionaries with the field(s) naming them: `(object, field name, kind)`. A dictionary
/// named by two fields is listed twice (as pyHanko does); one named by none is listed once.
fn signature_dictionaries(doc: &Document) -> Vec<(ObjectId, Option<String>, SignatureKind)> {
    let mut names: HashMap<ObjectId, Vec<String>> = HashMap::new();
    for object in doc.objects.values() {
        if let Ok(dict) = object.as_dict() {
            if let (Ok(Object::Reference(id)), Ok(name)) = (dict.get(b"V"), dict.get(b"T")) {
                if let Ok(name) = lopdf::decode_text_string(name) {
                    names.entry(*id).or_default().push(name);
                }
            }
        }
    }
    let usage_rights: Vec<ObjectId> = catalog_dictionary(doc, b"Perms")
        .map(|perms| {
            [b"UR".as_slice(), b"UR3"]
                .iter()
                .filter_map(|key| perms.get(key).and_then(Object::as_reference).ok())
                .collect()
        })
        .unwrap_or_default();
    let mut found = Vec::new();
    for (&id, object) in &doc.objects {
        let Object::Dictionary(dict) = object else { continue };
        if !dict.has(b"ByteRange") || !dict.has(b"Contents") {
            continue;
        }
        let type_name = dict.get(b"Type").and_then(Object::as_name).ok();
        let subfilter = dict.get(b"SubFilter").and_then(Object::as_name).ok();
        let kind = if type_name == Some(b"DocTimeStamp".as_slice()) || subfilter == Some(b"ETSI.RFC3161".as_slice()) {
            SignatureKind::DocumentTimestamp
        } else if type_name.is_some_and(|t| t != b"Sig") {
            continue;
        } else if usage_rights.contains(&id) && !names.contains_key(&id) {
            SignatureKind::UsageRights
        } else {
            SignatureKind::Signature
        };
        match names.get(&id) {
            Some(fields) => fields.iter().for_each(|f| found.push((id, Some(f.clone()), kind))),
            None => found.push((id, None, kind)),
        }
    }
    found
}

/// A dictionary the catalog holds under `key`, inline or by reference.
pub fn catalog_dictionary<'a>(doc: &'a Document, key: &[u8]) -> Option<&'a lopdf::Dictionary> {
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).ok()?;
    match doc.get_dictionary(root).ok()?.get(key).ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        other => other.as_dict().ok(),
    }
}

/// A PDF date `D:YYYYMMDDHHmmSS+07'00'` (everything after the year optional).
pub fn pdf_date(object: &Object) -> Option<Timestamp> {
    let text = String::from_utf8_lossy(object.as_str().ok()?).into_owned();
    let text = text.trim().trim_start_matches("D:");
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let field = |range: std::ops::Range<usize>, default: i16| -> Option<i16> {
        match digits.get(range) {
            Some(part) => part.parse().ok(),
            None => Some(default),
        }
    };
    if digits.len() < 4 {
        return None;
    }
    let date = jiff::civil::Date::new(field(0..4, 1)?, field(4..6, 1)? as i8, field(6..8, 1)? as i8).ok()?;
    let clock =
        jiff::civil::Time::new(field(8..10, 0)? as i8, field(10..12, 0)? as i8, field(12..14, 0)? as i8, 0).ok()?;
    let rest = &text[digits.len()..];
    let offset_seconds = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let numbers: Vec<i32> = rest[1..]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect();
            let hours = numbers.first().copied().unwrap_or(0).clamp(0, 23);
            let minutes = numbers.get(1).copied().unwrap_or(0).clamp(0, 59);
            let seconds = hours * 3600 + minutes * 60;
            if sign == '-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => 0,
    };
    let offset = jiff::tz::Offset::from_seconds(offset_seconds).ok()?;
    date.to_datetime(clock).to_zoned(jiff::tz::TimeZone::fixed(offset)).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let date = |s: &str| pdf_date(&Object::string_literal(s)).map(|t| t.to_string());
        assert_eq!(date("D:20231112093000+07'00'").as_deref(), Some("2023-11-12T02:30:00Z"));
        assert_eq!(date("D:20231112093000Z").as_deref(), Some("2023-11-12T09:30:00Z"));
        assert_eq!(date("D:2023").as_deref(), Some("2023-01-01T00:00:00Z"));
        assert_eq!(date("D:20231332"), None);
        assert_eq!(date("garbage"), None);
    }

    #[test]
    fn seven_hour_tolerance_on_certificate_validity() {
        let mut facts = SignatureFacts::new(None, SignatureKind::Signature, None);
        facts.certificate_not_before = Some("2023-01-01T00:00:00Z".parse().unwrap());
        facts.certificate_not_after = Some("2023-12-31T00:00:00Z".parse().unwrap());
        facts.signing_time = Some("2023-12-31T05:00:00Z".parse().unwrap());
        assert_eq!(facts.certificate_valid_at_signing(), Some(true));
        facts.signing_time = Some("2023-12-31T08:00:00Z".parse().unwrap());
        assert_eq!(facts.certificate_valid_at_signing(), Some(false));
        facts.signing_time = None;
        assert_eq!(facts.certificate_valid_at_signing(), None);
    }
}
