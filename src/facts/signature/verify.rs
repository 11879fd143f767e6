//! Integrity, validity and trust of one signature's CMS, filling [`SignatureFacts`].

use super::cert::{self, Certificate};
use super::cms::{self, SignedData, SignerId};
use super::crypto::{self, DigestAlgorithm, Failure, Unsupported};
use super::revocation::{self, RevocationData};
use super::{SignatureFacts, SignatureKind, SignatureProblem, TimeSource, TimestampFault, TrustStore};

/// What checking a signer info against its content gave.
struct SignerCheck {
    certificate: Option<Certificate>,
    intact: bool,
    valid: bool,
}

/// What a signature is judged against besides its own bytes.
pub(super) struct Context<'a> {
    pub trust: &'a TrustStore,
    /// The signature dictionary's `/M`: the signing time when nothing signed says otherwise.
    pub claimed_time: Option<jiff::Timestamp>,
    /// The document's DSS revocation data.
    pub revocation: &'a RevocationData,
    /// The file's budgets, shared by its signatures.
    pub meter: &'a super::meter::Meter,
    /// When a signature names no signing time, its path is validated at this time (the caller's:
    /// `Budget::validation_time`, else the clock).
    pub validation_time: Option<jiff::Timestamp>,
}

pub(super) fn signature(facts: &mut SignatureFacts, slices: &[&[u8]], contents: &[u8], context: &Context) {
    let subfilter = facts.subfilter.clone().unwrap_or_default();
    if subfilter == "adbe.x509.rsa_sha1" {
        facts.problems.push(SignatureProblem::UnsupportedSubfilter(subfilter));
        return;
    }
    let signed_data = match cms::parse(contents) {
        Ok(signed_data) => signed_data,
        Err(error) => {
            facts.problems.push(SignatureProblem::NotCms(error.to_string()));
            return;
        }
    };
    if signed_data.extra_signers > 0 {
        facts.problems.push(SignatureProblem::SeveralSignerInfos(signed_data.extra_signers + 1));
    }
    // Budgets before any work: a verdict reached halfway would be a guess.
    let signed_bytes: u64 = slices.iter().map(|s| s.len() as u64).sum();
    // adbe.pkcs7.sha1 hashes the ranges twice (its own digest, then the encapsulated SHA-1).
    let passes = if subfilter == "adbe.pkcs7.sha1" { 2 } else { 1 };
    let budgets = context
        .meter
        .certificates(signed_data.certificates.len())
        .and_then(|()| context.meter.hash(signed_bytes.saturating_mul(passes)));
    if let Err(which) = budgets {
        facts.problems.push(SignatureProblem::OverBudget(which));
        return;
    }
    let certificates: Vec<Certificate> =
        signed_data.certificates.iter().filter_map(|raw| Certificate::parse(raw)).collect();
    let check = if facts.kind == SignatureKind::DocumentTimestamp {
        document_timestamp(facts, &signed_data, &certificates, slices)
    } else if subfilter == "adbe.pkcs7.sha1" {
        // The SHA-1 of the signed bytes is the encapsulated content; that content is what is signed.
        let Some(encapsulated) = signed_data.encapsulated.as_deref() else {
            facts.problems.push(SignatureProblem::EncapsulatedDigestMismatch);
            return;
        };
        let mut check = check_signer(facts, &signed_data, &certificates, &[encapsulated]);
        if DigestAlgorithm::Sha1.digest(slices) != encapsulated {
            facts.problems.push(SignatureProblem::EncapsulatedDigestMismatch);
            check.intact = false;
        }
        check
    } else {
        let check = check_signer(facts, &signed_data, &certificates, slices);
        if check.valid {
            signature_timestamp(facts, &signed_data, context);
            if facts.budget_hit().is_some() {
                return;
            }
        }
        check
    };
    facts.intact = check.intact;
    facts.valid = check.valid;
    if facts.signing_time.is_none() {
        if let Some(time) =
            signed_data.signer.signed_attribute(cms::ATTR_SIGNING_TIME).and_then(|v| super::der::time(v))
        {
            facts.signing_time = Some(time);
            facts.signing_time_source = Some(TimeSource::SignedAttribute);
        } else if let Some(time) = context.claimed_time {
            facts.signing_time = Some(time);
            facts.signing_time_source = Some(TimeSource::M);
        }
    }
    let Some(signer) = check.certificate else { return };
    facts.signer = Some(signer.subject.clone());
    facts.signer_name = Some(signer.common_name());
    facts.signer_organization = signer.organization();
    facts.issuer = Some(signer.issuer.clone());
    facts.serial = Some(signer.serial_hex());
    facts.certificate_not_before = Some(signer.not_before);
    facts.certificate_not_after = Some(signer.not_after);
    facts.key_algorithm = Some(signer.key.name());
    facts.key_bits = signer.key.bits();
    // Path validation at the signing time (pyHanko validates at "now" unless told otherwise; the
    // council's question is whether the certificate was good when the document was signed).
    let time = facts.signing_time.or(context.validation_time).unwrap_or_else(jiff::Timestamp::now);
    let path = context.trust.validate(&signer, &certificates, time);
    facts.trust_path = path.path;
    let mut own = RevocationData::default();
    revocation::add_from_cms(&mut own, &signed_data);
    if let Err(which) = context.meter.revocation(own.bytes()) {
        facts.problems.push(SignatureProblem::OverBudget(which));
        return;
    }
    let revoked = path.issuer.as_ref().and_then(|issuer| {
        revocation::check(&signer, issuer, context.revocation).or_else(|| revocation::check(&signer, issuer, &own))
    });
    // A clock other than a timestamp token may be 7 hours late (Vietnam time written as UTC).
    let grace = match facts.signing_time_source {
        Some(TimeSource::Timestamp) => jiff::SignedDuration::ZERO,
        _ => jiff::SignedDuration::from_hours(7),
    };
    let revoked = revoked.filter(|r| r.at <= time - grace);
    if let Some(revoked) = &revoked {
        facts.problems.push(SignatureProblem::Revoked { at: revoked.at, source: revoked.source.to_string() });
    }
    match path.problem {
        None => {
            facts.trusted =
                facts.intact && facts.valid && facts.certificate_valid_at_signing() != Some(false) && revoked.is_none()
        }
        Some(problem) => facts.problems.push(SignatureProblem::Untrusted(problem)),
    }
}

/// The certificate a SignerIdentifier names. Issuer names are compared byte for byte first, then as
/// text: some signing tools re-encode the issuer (PrintableString ↔ UTF8String) in the SignerInfo.
fn find_signer_certificate<'a>(id: &SignerId, certificates: &'a [Certificate]) -> Option<&'a Certificate> {
    match id {
        SignerId::IssuerSerial { issuer, serial } => {
            let same_serial = || certificates.iter().filter(|cert| cert.serial == *serial);
            same_serial().find(|cert| cert.issuer_raw == *issuer).or_else(|| {
                let issuer_text = cert::name_text(issuer)?;
                same_serial().find(|cert| cert.issuer == issuer_text)
            })
        }
        SignerId::KeyId(id) => certificates.iter().find(|cert| cert.subject_key_id.as_ref() == Some(id)),
    }
}

/// The signer's certificate, and whether the message digest and the signature hold for `content`.
fn check_signer(
    facts: &mut SignatureFacts,
    signed_data: &SignedData,
    certificates: &[Certificate],
    content: &[&[u8]],
) -> SignerCheck {
    let signer = &signed_data.signer;
    let digest = signer.digest();
    facts.digest_algorithm = Some(digest.map_or_else(|| signer.digest_algorithm.oid.clone(), |d| d.name().to_string()));
    facts.signature_algorithm = Some(crypto::algorithm_name(&signer.signature_algorithm.oid));
    let certificate = find_signer_certificate(&signer.id, certificates).cloned();
    let Some(digest) = digest else {
        let unsupported = Unsupported::Digest(Some(signer.digest_algorithm.oid.clone()));
        facts.problems.push(SignatureProblem::Unsupported(unsupported));
        return SignerCheck { certificate, intact: false, valid: false };
    };
    let (intact, message): (bool, Vec<&[u8]>) = match &signer.signed_attributes_der {
        Some(attributes) => {
            let intact = match signer.signed_attribute(cms::ATTR_MESSAGE_DIGEST).map(|v| v.octets()) {
                Some(Ok(expected)) => {
                    let ok = *expected == *digest.digest(content);
                    if !ok {
                        facts.problems.push(SignatureProblem::DigestMismatch);
                    }
                    ok
                }
                _ => {
                    facts.problems.push(SignatureProblem::NoMessageDigest);
                    false
                }
            };
            (intact, vec![attributes.as_slice()])
        }
        // No signed attributes: the signature is over the content itself; intact means it verifies.
        None => (true, content.to_vec()),
    };
    let Some(cert) = &certificate else {
        facts.problems.push(SignatureProblem::NoSignerCertificate);
        return SignerCheck { certificate, intact: intact && signer.signed_attributes_der.is_some(), valid: false };
    };
    let verdict = crypto::verify(&cert.key, &signer.signature_algorithm, Some(digest), &message, &signer.signature);
    let valid = match verdict {
        Ok(()) => true,
        Err(Failure::Invalid(why)) => {
            facts.problems.push(SignatureProblem::SignatureFailure(why));
            false
        }
        Err(Failure::Unsupported(what)) => {
            facts.problems.push(SignatureProblem::Unsupported(what));
            false
        }
    };
    let intact = if signer.signed_attributes_der.is_some() { intact } else { valid };
    SignerCheck { certificate, intact, valid }
}

/// A `/DocTimeStamp`: the token's imprint must be the digest of the signed bytes.
fn document_timestamp(
    facts: &mut SignatureFacts,
    signed_data: &SignedData,
    certificates: &[Certificate],
    slices: &[&[u8]],
) -> SignerCheck {
    let Some(encapsulated) = signed_data.encapsulated.as_deref() else {
        facts.problems.push(SignatureProblem::NotCms("timestamp token without TSTInfo".into()));
        return SignerCheck { certificate: None, intact: false, valid: false };
    };
    let mut check = check_signer(facts, signed_data, certificates, &[encapsulated]);
    match cms::tst_info(encapsulated) {
        Ok(info) => {
            let imprint_ok = info.imprint_algorithm.is_some_and(|alg| alg.digest(slices) == info.imprint);
            if !imprint_ok {
                facts.problems.push(SignatureProblem::DigestMismatch);
            }
            check.intact &= imprint_ok;
            if let Some(time) = info.time {
                facts.signing_time = Some(time);
                facts.signing_time_source = Some(TimeSource::Timestamp);
            }
        }
        Err(error) => {
            facts.problems.push(SignatureProblem::NotCms(error.to_string()));
            check.intact = false;
        }
    }
    check
}

/// A signature timestamp token (unsigned attribute): its time becomes the signing time when its
/// imprint matches this signature value and the TSA's signature holds.
fn signature_timestamp(facts: &mut SignatureFacts, signed_data: &SignedData, context: &Context) {
    let Some(token) = signed_data.signer.unsigned_attribute(cms::ATTR_TIMESTAMP_TOKEN) else { return };
    let certificates_in_token = cms::parse(token.raw).map_or(0, |token| token.certificates.len());
    if let Err(which) = context.meter.certificates(certificates_in_token) {
        facts.problems.push(SignatureProblem::OverBudget(which));
        return;
    }
    let verdict = (|| -> Result<jiff::Timestamp, TimestampFault> {
        let unreadable = |error: super::der::DerError| TimestampFault::Unreadable(error.to_string());
        let token = cms::parse(token.raw).map_err(unreadable)?;
        let encapsulated = token.encapsulated.as_deref().ok_or(TimestampFault::NoTstInfo)?;
        let info = cms::tst_info(encapsulated).map_err(unreadable)?;
        let algorithm = info.imprint_algorithm.ok_or(TimestampFault::UnsupportedImprint)?;
        if algorithm.digest(&[&signed_data.signer.signature]) != info.imprint {
            return Err(TimestampFault::ImprintMismatch);
        }
        let certificates: Vec<Certificate> =
            token.certificates.iter().filter_map(|raw| Certificate::parse(raw)).collect();
        let mut scratch = SignatureFacts::new(None, SignatureKind::DocumentTimestamp, None);
        let check = check_signer(&mut scratch, &token, &certificates, &[encapsulated]);
        if !(check.intact && check.valid) {
            return Err(TimestampFault::TokenNotVerified(scratch.problems));
        }
        let time = info.time.ok_or(TimestampFault::NoTime)?;
        // An unsigned attribute can be swapped after signing: only a trusted authority's clock counts.
        let authority = check.certificate.ok_or(TimestampFault::NoAuthorityCertificate)?;
        if context.trust.validate(&authority, &certificates, time).problem.is_some() {
            return Err(TimestampFault::UntrustedAuthority(authority.subject));
        }
        Ok(time)
    })();
    match verdict {
        Ok(time) => {
            facts.signing_time = Some(time);
            facts.signing_time_source = Some(TimeSource::Timestamp);
        }
        Err(why) => facts.problems.push(SignatureProblem::TimestampInvalid(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_ca() -> Certificate {
        let pem = include_bytes!("../../../fixtures/trust/test-government-ca.pem");
        Certificate::parse_file(pem).pop().expect("demo CA certificate")
    }

    #[test]
    fn signer_found_when_the_issuer_name_is_re_encoded() {
        let cert = demo_ca();
        // The same issuer with `O=` re-tagged from UTF8String (0x0c) to PrintableString (0x13).
        let organization = b"Test Government PKI";
        let at = cert.issuer_raw.windows(organization.len()).position(|w| w == organization).unwrap();
        let mut re_encoded = cert.issuer_raw.clone();
        assert_eq!(re_encoded[at - 2], 0x0c);
        re_encoded[at - 2] = 0x13;
        let certificates = [cert.clone()];
        let found = |issuer: &[u8], serial: &[u8]| {
            let id = SignerId::IssuerSerial { issuer, serial: serial.to_vec() };
            find_signer_certificate(&id, &certificates).is_some()
        };
        assert!(found(&cert.issuer_raw, &cert.serial));
        assert!(found(&re_encoded, &cert.serial));
        assert!(!found(&re_encoded, &[0x7f]), "the serial must still match");
        let other_issuer = cert.subject_raw.clone();
        assert!(!found(&other_issuer, &cert.serial), "another issuer's name must not match");
    }
}
