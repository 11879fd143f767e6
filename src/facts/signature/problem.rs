//! Why a signature's verdict is not the good one, as data: the checks put it into words, in
//! Vietnamese or English (`checks::signature_words`). Reasons that are ours are typed; the
//! technical detail of a parser a clerk cannot act on (a DER error) is kept as text for English
//! reports only.

use super::crypto::{SignatureFault, Unsupported};
use super::trust::TrustProblem;
use crate::budget::BudgetHit;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", content = "detail", rename_all = "kebab-case")]
pub enum SignatureProblem {
    /// `/ByteRange` cannot be used as it is (missing, odd, negative, overlapping, past the end).
    ByteRange(ByteRangeFault),
    /// `/Contents` is not a CMS SignedData we can read (the parser's detail, English).
    NotCms(String),
    UnsupportedSubfilter(String),
    /// The signer's certificate is not in the signature.
    NoSignerCertificate,
    NoMessageDigest,
    DigestMismatch,
    /// adbe.pkcs7.sha1: the encapsulated digest is not the SHA-1 of the signed bytes.
    EncapsulatedDigestMismatch,
    /// The cryptographic check failed.
    SignatureFailure(SignatureFault),
    /// An algorithm or key this verifier does not support.
    Unsupported(Unsupported),
    /// A signature timestamp token is present but does not verify.
    TimestampInvalid(TimestampFault),
    Untrusted(TrustProblem),
    /// Coverage is not a whole revision.
    PartialCoverage,
    /// A revision could not be read to compare it (the PDF reader's detail, English).
    RevisionUnreadable(String),
    /// More than one signer info: only the first was checked.
    SeveralSignerInfos(usize),
    /// Verification stopped at a per-file budget: the signature is neither valid nor broken, it
    /// could not be verified.
    OverBudget(BudgetHit),
    /// Embedded revocation data (CRL or OCSP, signed by the issuer) revokes the signer's certificate
    /// at or before the signing time.
    Revoked {
        at: Timestamp,
        source: String,
    },
}

/// What is wrong with a `/ByteRange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ByteRangeFault {
    /// Not a non-empty list of (start, length) pairs: it holds this many numbers.
    Count(usize),
    Negative,
    /// A range starts (`start`) before the previous one ends (`previous_end`).
    Overlap {
        start: i64,
        previous_end: i64,
    },
    /// A range runs to byte `end`, past the end of the file (`file_bytes` long); read short.
    PastEnd {
        end: u64,
        file_bytes: u64,
    },
}

/// Why a signature timestamp token does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", content = "detail", rename_all = "kebab-case")]
pub enum TimestampFault {
    /// The token, or its TSTInfo, cannot be read (the parser's detail, English).
    Unreadable(String),
    /// The token holds no TSTInfo.
    NoTstInfo,
    /// Its imprint's digest algorithm is not one we know.
    UnsupportedImprint,
    /// Its imprint is not the digest of this signature's value.
    ImprintMismatch,
    /// The authority's signature over the token does not verify: why.
    TokenNotVerified(Vec<SignatureProblem>),
    NoTime,
    NoAuthorityCertificate,
    /// The authority (its subject) does not reach a trust anchor.
    UntrustedAuthority(String),
}
