//! X.509 certificates as owned plain data: names for display (x509-parser, UTF-8 Vietnamese DNs),
//! raw names for matching, validity, key, and the TBS bytes with the issuer's signature so the
//! same RustCrypto verifier checks chains and CMS.

use super::constraints::Extensions;
use super::crypto::{self, Algorithm, PublicKey};
use super::der;
use jiff::Timestamp;
use x509_parser::prelude::{FromDer, ParsedExtension, X509Certificate, X509Name};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub der: Vec<u8>,
    pub subject: String,
    pub issuer: String,
    pub subject_raw: Vec<u8>,
    pub issuer_raw: Vec<u8>,
    pub serial: Vec<u8>,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    pub key: PublicKey,
    tbs: Vec<u8>,
    signature_algorithm: Algorithm,
    signature: Vec<u8>,
    /// basicConstraints: `Some((cA, pathLenConstraint))` when present.
    pub basic_constraints: Option<(bool, Option<u32>)>,
    /// keyUsage absent, or present with keyCertSign.
    pub may_sign_certificates: bool,
    /// extendedKeyUsage carries id-kp-OCSPSigning: the issuer delegated its OCSP answers to this key.
    pub may_sign_ocsp_responses: bool,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// Unknown critical extensions, name constraints and the names they bind (RFC 5280).
    pub extensions: Extensions,
}

impl Certificate {
    pub fn parse(bytes: &[u8]) -> Option<Certificate> {
        let (outer, _) = der::read(bytes).ok()?;
        let outer_der = outer.to_der().ok()?.into_owned();
        let (_, cert) = X509Certificate::from_der(&outer_der).ok()?;
        let (outer, _) = der::read(&outer_der).ok()?;
        let items = outer.items().ok()?;
        let [tbs, algorithm, signature] = items.as_slice() else { return None };
        let signature_algorithm = Algorithm::parse(algorithm).ok()?;
        let signature = signature.content.get(1..)?.to_vec();
        let (spki, _) = der::read(cert.tbs_certificate.subject_pki.raw).ok()?;
        let spki = spki.items().ok()?;
        let key_algorithm = Algorithm::parse(spki.first()?).ok()?;
        let key = PublicKey::from_spki(&key_algorithm, spki.get(1)?.content.get(1..)?);
        let time = |t: i64| Timestamp::from_second(t).ok();
        let tbs_certificate = &cert.tbs_certificate;
        let mut subject_key_id = None;
        let mut authority_key_id = None;
        for extension in cert.extensions() {
            match extension.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(id) => subject_key_id = Some(id.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec())
                }
                _ => {}
            }
        }
        Some(Certificate {
            subject: tbs_certificate.subject.to_string(),
            issuer: tbs_certificate.issuer.to_string(),
            subject_raw: tbs_certificate.subject.as_raw().to_vec(),
            issuer_raw: tbs_certificate.issuer.as_raw().to_vec(),
            serial: der::unsigned(tbs_certificate.raw_serial()).to_vec(),
            not_before: time(tbs_certificate.validity.not_before.timestamp())?,
            not_after: time(tbs_certificate.validity.not_after.timestamp())?,
            key,
            basic_constraints: cert
                .basic_constraints()
                .ok()
                .flatten()
                .map(|bc| (bc.value.ca, bc.value.path_len_constraint)),
            may_sign_certificates: match cert.key_usage() {
                Ok(Some(usage)) => usage.value.key_cert_sign(),
                _ => true,
            },
            may_sign_ocsp_responses: matches!(cert.extended_key_usage(), Ok(Some(usage)) if usage.value.ocsp_signing),
            subject_key_id,
            authority_key_id,
            extensions: Extensions::of(&cert),
            tbs: tbs.raw.to_vec(),
            signature_algorithm,
            signature,
            der: outer_der,
        })
    }

    /// Certificates in a PEM file (any number of blocks), or one DER certificate.
    pub fn parse_file(bytes: &[u8]) -> Vec<Certificate> {
        if bytes.starts_with(&[0x30]) {
            return Certificate::parse(bytes).into_iter().collect();
        }
        x509_parser::pem::Pem::iter_from_buffer(bytes)
            .map_while(Result::ok)
            .filter(|pem| pem.label == "CERTIFICATE" || pem.label == "X509 CERTIFICATE")
            .filter_map(|pem| Certificate::parse(&pem.contents))
            .collect()
    }

    /// The common name, or the whole DN when there is none.
    pub fn common_name(&self) -> String {
        X509Certificate::from_der(&self.der)
            .ok()
            .and_then(|(_, c)| {
                c.tbs_certificate.subject.iter_common_name().next().and_then(|cn| cn.as_str().ok().map(str::to_string))
            })
            .unwrap_or_else(|| self.subject.clone())
    }

    /// The subject's organisation (`O=`), if any.
    pub fn organization(&self) -> Option<String> {
        let (_, cert) = X509Certificate::from_der(&self.der).ok()?;
        let organization = cert.tbs_certificate.subject.iter_organization().next()?.as_str().ok()?.to_string();
        Some(organization)
    }

    pub fn is_self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw
    }

    /// Could `issuer` have issued this certificate, by name (and key identifier when both have one)?
    pub fn names_issuer(&self, issuer: &Certificate) -> bool {
        let names = self.issuer_raw == issuer.subject_raw || self.issuer == issuer.subject;
        match (&self.authority_key_id, &issuer.subject_key_id) {
            (Some(aki), Some(ski)) => names && aki == ski,
            _ => names,
        }
    }

    /// Is this certificate signed by `issuer`'s key?
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<(), crypto::Failure> {
        crypto::verify(&issuer.key, &self.signature_algorithm, None, &[&self.tbs], &self.signature)
    }

    pub fn valid_at(&self, time: Timestamp) -> bool {
        self.not_before <= time && time <= self.not_after
    }

    pub fn serial_hex(&self) -> String {
        crate::facts::hex(&self.serial)
    }

    pub fn signature_algorithm_name(&self) -> String {
        crypto::algorithm_name(&self.signature_algorithm.oid)
    }
}

/// A DER-encoded Name as text, in the form `Certificate::subject` and `issuer` use.
pub fn name_text(raw: &[u8]) -> Option<String> {
    X509Name::from_der(raw).ok().map(|(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_certificate() {
        assert!(Certificate::parse(b"\x30\x03\x02\x01\x01").is_none());
        assert!(Certificate::parse_file(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").is_empty());
    }
}
