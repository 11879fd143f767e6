//! Revocation from the data a signature carries: CRLs and OCSP responses in the CMS (`crls`, the
//! `adbe-revocationInfoArchival` signed attribute) and in the document's DSS. Nothing is fetched.
//! A CRL or response counts only when its issuer's signature over it verifies.

use super::cert::Certificate;
use super::cms::{self, SignedData};
use super::crypto::{self, Algorithm, DigestAlgorithm};
use super::der::{self, Tlv};
use super::meter::Meter;
use crate::budget::{BudgetHit, BudgetName};
use jiff::Timestamp;
use lopdf::{Document, Object};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

/// Responder certificates read from one OCSP response (a real one carries one).
const MAX_RESPONDERS: usize = 4;

/// Revocation data found for one signature (raw encodings).
#[derive(Debug, Clone, Default)]
pub struct RevocationData {
    pub crls: Vec<Vec<u8>>,
    pub ocsp_responses: Vec<Vec<u8>>,
}

impl RevocationData {
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty() && self.ocsp_responses.is_empty()
    }

    /// Bytes held, CRLs and OCSP responses together.
    pub fn bytes(&self) -> usize {
        self.crls.iter().chain(&self.ocsp_responses).map(Vec::len).sum()
    }
}

/// What the embedded data says about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    pub at: Timestamp,
    /// `CRL` or `OCSP`.
    pub source: &'static str,
}

/// The document's DSS `/CRLs` and `/OCSPs` streams, decompressed within what is left of the
/// file's revocation budget; `Err` names that budget when the DSS holds more.
pub(super) fn from_dss(doc: &Document, max_stream_bytes: usize, meter: &Meter) -> Result<RevocationData, BudgetHit> {
    let mut data = RevocationData::default();
    let Some(dss) = super::catalog_dictionary(doc, b"DSS") else { return Ok(data) };
    let streams = |key: &[u8]| -> Result<Vec<Vec<u8>>, BudgetHit> {
        let Ok(items) = dss.get(key).and_then(|v| match v {
            Object::Reference(id) => doc.get_object(*id).and_then(Object::as_array),
            other => other.as_array(),
        }) else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for stream in items.iter().filter_map(|item| doc.get_object(item.as_reference().ok()?).ok()?.as_stream().ok()) {
            // One byte over what is left tells "over budget" from "fits exactly".
            let limit = max_stream_bytes.min(meter.revocation_left().saturating_add(1));
            let bytes = match stream.decompressed_content_with_limit(limit) {
                Ok(bytes) => bytes,
                Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
                // Over the limit, or not decompressible: what the DSS claims cannot be read in full.
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }))
                    if limit < max_stream_bytes =>
                {
                    return Err(BudgetHit::over(BudgetName::RevocationBytes, meter.max_revocation_bytes));
                }
                Err(_) => continue,
            };
            meter.revocation(bytes.len())?;
            found.push(bytes);
        }
        Ok(found)
    };
    data.crls = streams(b"CRLs")?;
    data.ocsp_responses = streams(b"OCSPs")?;
    Ok(data)
}

/// Adds what the CMS itself carries.
pub fn add_from_cms(data: &mut RevocationData, signed_data: &SignedData) {
    data.crls.extend(signed_data.crls.iter().map(|c| c.to_vec()));
    let Some(archive) = signed_data.signer.signed_attribute(cms::ATTR_ADBE_REVOCATION) else { return };
    for part in archive.children().flatten() {
        let Some(Ok(list)) = part.children().next() else { continue };
        let target = if part.is_context(0) {
            &mut data.crls
        } else if part.is_context(1) {
            &mut data.ocsp_responses
        } else {
            continue;
        };
        target.extend(list.children().flatten().map(|item| item.raw.to_vec()));
    }
}

/// Was `cert` (issued by `issuer`) revoked, according to any CRL or OCSP response signed by its issuer
/// (or by a responder the issuer certified)?
pub fn check(cert: &Certificate, issuer: &Certificate, data: &RevocationData) -> Option<Revoked> {
    let by_crl = data.crls.iter().find_map(|crl| crl_revocation(cert, issuer, crl));
    by_crl.or_else(|| data.ocsp_responses.iter().find_map(|response| ocsp_revocation(cert, issuer, response)))
}

/// `SEQUENCE { tbs, algorithm, BIT STRING signature }`, verified with `key`: the outer shape shared by
/// certificates, CRLs and OCSP basic responses.
fn signed_by(tbs: &Tlv, algorithm: &Tlv, signature: &Tlv, issuer: &Certificate) -> bool {
    let (Ok(algorithm), Some(signature)) = (Algorithm::parse(algorithm), signature.content.get(1..)) else {
        return false;
    };
    crypto::verify(&issuer.key, &algorithm, None, &[tbs.raw], signature).is_ok()
}

fn crl_revocation(cert: &Certificate, issuer: &Certificate, bytes: &[u8]) -> Option<Revoked> {
    let (_, crl) = CertificateRevocationList::from_der(bytes).ok()?;
    if crl.issuer().as_raw() != cert.issuer_raw.as_slice() {
        return None;
    }
    let (outer, _) = der::read(bytes).ok()?;
    let parts = outer.items().ok()?;
    let [tbs, algorithm, signature] = parts.as_slice() else { return None };
    if !signed_by(tbs, algorithm, signature, issuer) {
        return None;
    }
    let entry = crl.iter_revoked_certificates().find(|r| der::unsigned(r.raw_serial()) == cert.serial.as_slice())?;
    Some(Revoked { at: Timestamp::from_second(entry.revocation_date.timestamp()).ok()?, source: "CRL" })
}

/// An OCSPResponse holding a BasicOCSPResponse (RFC 6960).
fn ocsp_revocation(cert: &Certificate, issuer: &Certificate, bytes: &[u8]) -> Option<Revoked> {
    let (response, _) = der::read(bytes).ok()?;
    let response_parts = response.items().ok()?;
    // A bare BasicOCSPResponse is accepted too (some tools archive that).
    let basic = match response_parts.as_slice() {
        [_status, bytes_tagged] if bytes_tagged.is_context(0) => {
            let response_bytes = bytes_tagged.children().next()?.ok()?;
            let octets = response_bytes.items().ok()?.get(1)?.octets().ok()?.into_owned();
            return basic_revocation(cert, issuer, &octets);
        }
        _ => bytes,
    };
    basic_revocation(cert, issuer, basic)
}

fn basic_revocation(cert: &Certificate, issuer: &Certificate, bytes: &[u8]) -> Option<Revoked> {
    let (basic, _) = der::read(bytes).ok()?;
    let parts = basic.items().ok()?;
    let (tbs, algorithm, signature) = (parts.first()?, parts.get(1)?, parts.get(2)?);
    let responders: Vec<Certificate> = parts
        .get(3)
        .and_then(|certs| certs.children().next()?.ok())
        .map(|list| list.children().flatten().take(MAX_RESPONDERS).filter_map(|c| Certificate::parse(c.raw)).collect())
        .unwrap_or_default();
    let trusted_signature = signed_by(tbs, algorithm, signature, issuer)
        || responders.iter().any(|responder| {
            // RFC 6960 §4.2.2.2: a delegated responder must carry id-kp-OCSPSigning, otherwise any
            // certificate of the same CA could declare its neighbours revoked.
            responder.may_sign_ocsp_responses
                && responder.verify_signed_by(issuer).is_ok()
                && signed_by(tbs, algorithm, signature, responder)
        });
    if !trusted_signature {
        return None;
    }
    let data = tbs.items().ok()?;
    // ResponseData: [0] version?, responderID, producedAt, responses, [1] extensions?
    let responses = data.iter().find(|item| {
        item.tag == der::SEQUENCE && item.children().next().is_some_and(|c| c.is_ok_and(|c| c.tag == der::SEQUENCE))
    })?;
    for single in responses.children().flatten() {
        let fields = single.items().ok()?;
        let (Some(id), Some(status)) = (fields.first(), fields.get(1)) else { continue };
        if !names_certificate(id, cert) || !status.is_context(1) {
            continue;
        }
        let time = status.children().next()?.ok()?;
        return Some(Revoked { at: der::time(&time)?, source: "OCSP" });
    }
    None
}

/// CertID: `SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }`.
fn names_certificate(id: &Tlv, cert: &Certificate) -> bool {
    let Ok(parts) = id.items() else { return false };
    let [algorithm, name_hash, _key_hash, serial] = parts.as_slice() else { return false };
    let digest = Algorithm::parse(algorithm).ok().and_then(|a| DigestAlgorithm::from_oid(&a.oid));
    digest.is_some_and(|d| d.digest(&[&cert.issuer_raw]) == name_hash.content)
        && der::unsigned(serial.content) == cert.serial.as_slice()
}
