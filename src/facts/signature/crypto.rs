//! Digests and public-key verification: RSA (PKCS#1 v1.5 and PSS, up to 16384 bits), ECDSA over
//! P-256/P-384/P-521, Ed25519; SHA-1, SHA-2, SHA-3 and SHAKE256. One verifier serves CMS signer
//! infos, timestamp tokens and certificate chains. Pure Rust (RustCrypto).

use super::der::{self, Tlv};
use ecdsa::signature::hazmat::PrehashVerifier;
use rsa::{BigUint, RsaPublicKey};
use serde::Serialize;
use sha2::Digest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DigestAlgorithm {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Shake256,
}

impl DigestAlgorithm {
    pub fn from_oid(oid: &str) -> Option<Self> {
        Some(match oid {
            "1.3.14.3.2.26" => Self::Sha1,
            "2.16.840.1.101.3.4.2.4" => Self::Sha224,
            "2.16.840.1.101.3.4.2.1" => Self::Sha256,
            "2.16.840.1.101.3.4.2.2" => Self::Sha384,
            "2.16.840.1.101.3.4.2.3" => Self::Sha512,
            "2.16.840.1.101.3.4.2.8" => Self::Sha3_256,
            "2.16.840.1.101.3.4.2.9" => Self::Sha3_384,
            "2.16.840.1.101.3.4.2.10" => Self::Sha3_512,
            "2.16.840.1.101.3.4.2.12" => Self::Shake256,
            _ => return None,
        })
    }

    pub fn oid(self) -> &'static str {
        match self {
            Self::Sha1 => "1.3.14.3.2.26",
            Self::Sha224 => "2.16.840.1.101.3.4.2.4",
            Self::Sha256 => "2.16.840.1.101.3.4.2.1",
            Self::Sha384 => "2.16.840.1.101.3.4.2.2",
            Self::Sha512 => "2.16.840.1.101.3.4.2.3",
            Self::Sha3_256 => "2.16.840.1.101.3.4.2.8",
            Self::Sha3_384 => "2.16.840.1.101.3.4.2.9",
            Self::Sha3_512 => "2.16.840.1.101.3.4.2.10",
            Self::Shake256 => "2.16.840.1.101.3.4.2.12",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
            Self::Sha3_256 => "sha3-256",
            Self::Sha3_384 => "sha3-384",
            Self::Sha3_512 => "sha3-512",
            Self::Shake256 => "shake256",
        }
    }

    /// The digest of the concatenation of `parts` (the signed byte ranges, or one buffer).
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            parts.iter().for_each(|part| hasher.update(part));
            hasher.finalize().to_vec()
        }
        match self {
            Self::Sha1 => run::<sha1::Sha1>(parts),
            Self::Sha224 => run::<sha2::Sha224>(parts),
            Self::Sha256 => run::<sha2::Sha256>(parts),
            Self::Sha384 => run::<sha2::Sha384>(parts),
            Self::Sha512 => run::<sha2::Sha512>(parts),
            Self::Sha3_256 => run::<sha3::Sha3_256>(parts),
            Self::Sha3_384 => run::<sha3::Sha3_384>(parts),
            Self::Sha3_512 => run::<sha3::Sha3_512>(parts),
            Self::Shake256 => {
                use sha3::digest::{ExtendableOutput, Update, XofReader};
                let mut hasher = sha3::Shake256::default();
                parts.iter().for_each(|part| hasher.update(part));
                let mut out = vec![0; 64];
                hasher.finalize_xof().read(&mut out);
                out
            }
        }
    }
}

/// An algorithm identifier: OID and the raw encoding of its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Algorithm {
    pub oid: String,
    pub params: Option<Vec<u8>>,
}

impl Algorithm {
    pub fn parse(tlv: &Tlv) -> der::Result<Self> {
        let mut items = tlv.children();
        let oid = der::oid(&items.next().ok_or(der::DerError("empty algorithm identifier"))??)?;
        let params = match items.next() {
            Some(params) => Some(params?.to_der()?.into_owned()),
            None => None,
        };
        Ok(Algorithm { oid, params })
    }

    fn params_tlv(&self) -> Option<Tlv<'_>> {
        self.params.as_deref().and_then(|p| der::read(p).ok()).map(|(tlv, _)| tlv)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

/// A subject public key, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    Ec { curve: Curve, point: Vec<u8> },
    Ed25519(Vec<u8>),
    Unsupported(Unsupported),
}

impl PublicKey {
    /// From a SubjectPublicKeyInfo's algorithm and key bits.
    pub fn from_spki(algorithm: &Algorithm, key: &[u8]) -> Self {
        match algorithm.oid.as_str() {
            "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => rsa_key(key)
                .map(|(modulus, exponent)| PublicKey::Rsa { modulus, exponent })
                .unwrap_or(PublicKey::Unsupported(Unsupported::MalformedRsaKey)),
            "1.2.840.10045.2.1" => {
                let curve = algorithm.params_tlv().and_then(|p| der::oid(&p).ok());
                match curve.as_deref() {
                    Some("1.2.840.10045.3.1.7") => PublicKey::Ec { curve: Curve::P256, point: key.to_vec() },
                    Some("1.3.132.0.34") => PublicKey::Ec { curve: Curve::P384, point: key.to_vec() },
                    Some("1.3.132.0.35") => PublicKey::Ec { curve: Curve::P521, point: key.to_vec() },
                    other => PublicKey::Unsupported(Unsupported::EcCurve(other.map(str::to_string))),
                }
            }
            "1.3.101.112" => PublicKey::Ed25519(key.to_vec()),
            "1.3.101.113" => PublicKey::Unsupported(Unsupported::KeyAlgorithm("Ed448".into())),
            other => PublicKey::Unsupported(Unsupported::KeyAlgorithm(other.to_string())),
        }
    }

    /// Key size in bits.
    pub fn bits(&self) -> Option<u32> {
        match self {
            PublicKey::Rsa { modulus, .. } => {
                let modulus = der::unsigned(modulus);
                let lead = modulus.first().map(|b| 8 - b.leading_zeros()).unwrap_or(0);
                Some((modulus.len().saturating_sub(1) * 8) as u32 + lead)
            }
            PublicKey::Ec { curve: Curve::P256, .. } | PublicKey::Ed25519(_) => Some(256),
            PublicKey::Ec { curve: Curve::P384, .. } => Some(384),
            PublicKey::Ec { curve: Curve::P521, .. } => Some(521),
            PublicKey::Unsupported(_) => None,
        }
    }

    pub fn name(&self) -> String {
        match self {
            PublicKey::Rsa { .. } => "RSA".into(),
            PublicKey::Ec { curve, .. } => format!("ECDSA {curve:?}").replace("P", "P-"),
            PublicKey::Ed25519(_) => "Ed25519".into(),
            PublicKey::Unsupported(Unsupported::MalformedRsaKey) => "RSA".into(),
            PublicKey::Unsupported(Unsupported::EcCurve(curve)) => format!("ECDSA {}", curve.as_deref().unwrap_or("?")),
            PublicKey::Unsupported(other) => other.name().unwrap_or("?").to_string(),
        }
    }
}

fn rsa_key(key: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (sequence, _) = der::read(key).ok()?;
    let items = sequence.items().ok()?;
    match items.as_slice() {
        [n, e] if n.tag == der::INTEGER && e.tag == der::INTEGER => {
            Some((der::unsigned(n.content).to_vec(), der::unsigned(e.content).to_vec()))
        }
        _ => None,
    }
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The mathematics says no.
    Invalid(SignatureFault),
    /// An algorithm or key we cannot check: not a proof of forgery, but not verified either.
    Unsupported(Unsupported),
}

/// How a signature verifiably fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "fault", content = "algorithm", rename_all = "kebab-case")]
pub enum SignatureFault {
    /// The signature value is not the key holder's over these bytes (`RSA`, `ECDSA`…).
    DoesNotMatch(String),
    /// An RSA signature whose padding is not PKCS#1 v1.5.
    BadPadding,
    /// The signature value cannot be decoded, or lies out of range for its key.
    MalformedSignature(String),
    /// The certificate's public key cannot be used.
    MalformedKey(String),
    /// The algorithm's parameters cannot be read, or are impossible (a salt longer than the key).
    BadParameters(String),
    /// The signature algorithm is not one for the certificate's key.
    KeyMismatch,
}

/// What this verifier cannot check, by kind and name (names and OIDs read the same in any language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Unsupported {
    /// The signer info's digest algorithm (its OID), or none that names one.
    Digest(Option<String>),
    SignatureAlgorithm(String),
    /// The hash RSASSA-PSS is used with.
    PssHash(String),
    /// A public key of this algorithm (a name or an OID).
    KeyAlgorithm(String),
    /// An elliptic-curve key on this curve (its OID), or on none named.
    EcCurve(Option<String>),
    /// An RSA public key that cannot be decoded.
    MalformedRsaKey,
}

impl Unsupported {
    /// The algorithm's name or OID, when it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Unsupported::Digest(name) | Unsupported::EcCurve(name) => name.as_deref(),
            Unsupported::SignatureAlgorithm(name) | Unsupported::PssHash(name) | Unsupported::KeyAlgorithm(name) => {
                Some(name)
            }
            Unsupported::MalformedRsaKey => None,
        }
    }
}

/// The scheme a signature algorithm identifier names; `digest` comes from the signer info when the
/// identifier carries none (`rsaEncryption`, `id-ecPublicKey`).
enum Scheme {
    Pkcs1(DigestAlgorithm),
    Pss { digest: DigestAlgorithm, salt: usize },
    Ecdsa(DigestAlgorithm),
    Ed25519,
}

fn scheme(algorithm: &Algorithm, digest: Option<DigestAlgorithm>) -> Result<Scheme, Failure> {
    use DigestAlgorithm::*;
    let need = |d: Option<DigestAlgorithm>| d.ok_or(Failure::Unsupported(Unsupported::Digest(None)));
    Ok(match algorithm.oid.as_str() {
        "1.2.840.113549.1.1.1" => Scheme::Pkcs1(need(digest)?),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Scheme::Pkcs1(Sha1),
        "1.2.840.113549.1.1.14" => Scheme::Pkcs1(Sha224),
        "1.2.840.113549.1.1.11" => Scheme::Pkcs1(Sha256),
        "1.2.840.113549.1.1.12" => Scheme::Pkcs1(Sha384),
        "1.2.840.113549.1.1.13" => Scheme::Pkcs1(Sha512),
        "2.16.840.1.101.3.4.3.14" => Scheme::Pkcs1(Sha3_256),
        "2.16.840.1.101.3.4.3.15" => Scheme::Pkcs1(Sha3_384),
        "2.16.840.1.101.3.4.3.16" => Scheme::Pkcs1(Sha3_512),
        "1.2.840.113549.1.1.10" => pss_params(algorithm)?,
        "1.2.840.10045.2.1" => Scheme::Ecdsa(need(digest)?),
        "1.2.840.10045.4.1" => Scheme::Ecdsa(Sha1),
        "1.2.840.10045.4.3.1" => Scheme::Ecdsa(Sha224),
        "1.2.840.10045.4.3.2" => Scheme::Ecdsa(Sha256),
        "1.2.840.10045.4.3.3" => Scheme::Ecdsa(Sha384),
        "1.2.840.10045.4.3.4" => Scheme::Ecdsa(Sha512),
        "2.16.840.1.101.3.4.3.10" => Scheme::Ecdsa(Sha3_256),
        "2.16.840.1.101.3.4.3.11" => Scheme::Ecdsa(Sha3_384),
        "2.16.840.1.101.3.4.3.12" => Scheme::Ecdsa(Sha3_512),
        "1.3.101.112" => Scheme::Ed25519,
        other => return Err(Failure::Unsupported(Unsupported::SignatureAlgorithm(algorithm_name(other)))),
    })
}

/// RSASSA-PSS-params: hash `[0]` (default SHA-1), salt length `[2]` (default 20).
fn pss_params(algorithm: &Algorithm) -> Result<Scheme, Failure> {
    let mut digest = DigestAlgorithm::Sha1;
    let mut salt = 20;
    if let Some(params) = algorithm.params_tlv().filter(|p| p.tag == der::SEQUENCE) {
        for item in params.children().flatten() {
            let inner = item.children().next().and_then(|i| i.ok());
            match (item.tag, inner) {
                (0xa0, Some(inner)) => {
                    let hash = Algorithm::parse(&inner)
                        .map_err(|_| Failure::Invalid(SignatureFault::BadParameters("RSASSA-PSS".into())))?;
                    digest = DigestAlgorithm::from_oid(&hash.oid)
                        .ok_or_else(|| Failure::Unsupported(Unsupported::PssHash(hash.oid.clone())))?;
                }
                (0xa2, Some(inner)) if inner.tag == der::INTEGER => {
                    salt = der::unsigned(inner.content)
                        .iter()
                        .fold(0usize, |acc, &b| acc.saturating_mul(256) + b as usize);
                }
                _ => {}
            }
        }
    }
    Ok(Scheme::Pss { digest, salt })
}

/// Human name of a signature algorithm OID, for messages.
pub fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.2.1" => "ecdsa",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        other => return other.to_string(),
    }
    .to_string()
}

/// Which digest the scheme hashes with (for KC106 and display).
pub fn scheme_digest(algorithm: &Algorithm, digest: Option<DigestAlgorithm>) -> Option<DigestAlgorithm> {
    match scheme(algorithm, digest).ok()? {
        Scheme::Pkcs1(d) | Scheme::Ecdsa(d) | Scheme::Pss { digest: d, .. } => Some(d),
        Scheme::Ed25519 => None,
    }
}

/// Verifies `signature` over the concatenation of `parts` with `key`.
pub fn verify(
    key: &PublicKey,
    algorithm: &Algorithm,
    digest: Option<DigestAlgorithm>,
    parts: &[&[u8]],
    signature: &[u8],
) -> Result<(), Failure> {
    let invalid = Failure::Invalid;
    match (scheme(algorithm, digest)?, key) {
        (Scheme::Pkcs1(digest), PublicKey::Rsa { modulus, exponent }) => {
            pkcs1_v15(modulus, exponent, digest, &digest.digest(parts), signature)
        }
        (Scheme::Pss { digest, salt }, PublicKey::Rsa { modulus, exponent }) => {
            if salt > der::unsigned(modulus).len() {
                return Err(invalid(SignatureFault::BadParameters("RSASSA-PSS".into())));
            }
            let key = rsa_public(modulus, exponent)?;
            let hashed = digest.digest(parts);
            use rsa::pss::Pss;
            let padding = match digest {
                DigestAlgorithm::Sha1 => Pss::new_with_salt::<sha1::Sha1>(salt),
                DigestAlgorithm::Sha224 => Pss::new_with_salt::<sha2::Sha224>(salt),
                DigestAlgorithm::Sha256 => Pss::new_with_salt::<sha2::Sha256>(salt),
                DigestAlgorithm::Sha384 => Pss::new_with_salt::<sha2::Sha384>(salt),
                DigestAlgorithm::Sha512 => Pss::new_with_salt::<sha2::Sha512>(salt),
                other => return Err(Failure::Unsupported(Unsupported::PssHash(other.name().to_string()))),
            };
            key.verify(padding, &hashed, signature)
                .map_err(|_| invalid(SignatureFault::DoesNotMatch("RSASSA-PSS".into())))
        }
        (Scheme::Ecdsa(digest), PublicKey::Ec { curve, point }) => {
            ecdsa_verify(*curve, point, &digest.digest(parts), signature)
        }
        (Scheme::Ed25519, PublicKey::Ed25519(key)) => {
            use ed25519_dalek::Verifier;
            let malformed_key = || invalid(SignatureFault::MalformedKey("Ed25519".into()));
            let key: [u8; 32] = key.as_slice().try_into().map_err(|_| malformed_key())?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| malformed_key())?;
            let signature = ed25519_dalek::Signature::from_slice(signature)
                .map_err(|_| invalid(SignatureFault::MalformedSignature("Ed25519".into())))?;
            key.verify(&parts.concat(), &signature).map_err(|_| invalid(SignatureFault::DoesNotMatch("Ed25519".into())))
        }
        (_, PublicKey::Unsupported(what)) => Err(Failure::Unsupported(what.clone())),
        _ => Err(invalid(SignatureFault::KeyMismatch)),
    }
}

fn rsa_public(modulus: &[u8], exponent: &[u8]) -> Result<RsaPublicKey, Failure> {
    RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(modulus), BigUint::from_bytes_be(exponent), 16384)
        .map_err(|_| Failure::Invalid(SignatureFault::MalformedKey("RSA".into())))
}

/// EMSA-PKCS1-v1_5 by hand: the public operation, then the padding and the DigestInfo. Accepts a
/// DigestInfo whose algorithm has absent parameters as well as NULL (RFC 4055 §2.1 allows both).
fn pkcs1_v15(
    modulus: &[u8],
    exponent: &[u8],
    digest: DigestAlgorithm,
    hashed: &[u8],
    signature: &[u8],
) -> Result<(), Failure> {
    let invalid = |fault: SignatureFault| Err(Failure::Invalid(fault));
    let key = rsa_public(modulus, exponent)?;
    let size = der::unsigned(modulus).len();
    let value = BigUint::from_bytes_be(signature);
    if signature.len() > size || value >= BigUint::from_bytes_be(modulus) {
        return invalid(SignatureFault::MalformedSignature("RSA".into()));
    }
    let encoded = rsa::hazmat::rsa_encrypt(&key, &value)
        .map_err(|_| Failure::Invalid(SignatureFault::MalformedSignature("RSA".into())))?;
    // The block must be exactly 01 FF…FF 00 DigestInfo (the leading 00 is dropped by the integer):
    // comparing whole bytes leaves no room for the lenient parsing that forgeries exploit.
    let encoded = encoded.to_bytes_be();
    if encoded.len() + 1 != size {
        return invalid(SignatureFault::BadPadding);
    }
    let accepted = [true, false].iter().any(|&with_null| {
        let info = digest_info(digest, hashed, with_null);
        let padding = size.saturating_sub(3 + info.len());
        let mut expected = Vec::with_capacity(size - 1);
        expected.push(1);
        expected.extend(std::iter::repeat_n(0xff, padding));
        expected.push(0);
        expected.extend_from_slice(&info);
        padding >= 8 && expected == encoded
    });
    if accepted {
        Ok(())
    } else {
        invalid(SignatureFault::DoesNotMatch("RSA".into()))
    }
}

/// DigestInfo for `digest` over `hashed`, its algorithm parameters NULL or absent (RFC 4055 §2.1).
fn digest_info(digest: DigestAlgorithm, hashed: &[u8], with_null: bool) -> Vec<u8> {
    let mut algorithm = oid_der(digest.oid());
    if with_null {
        algorithm.extend_from_slice(&[0x05, 0x00]);
    }
    let mut content = der::encode(der::SEQUENCE, &algorithm);
    content.extend_from_slice(&der::encode(der::OCTET_STRING, hashed));
    der::encode(der::SEQUENCE, &content)
}

/// The DER encoding of a dotted object identifier.
fn oid_der(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut body = Vec::new();
    let mut push = |mut value: u64| {
        let mut bytes = vec![(value & 0x7f) as u8];
        value >>= 7;
        while value > 0 {
            bytes.push(0x80 | (value & 0x7f) as u8);
            value >>= 7;
        }
        body.extend(bytes.iter().rev());
    };
    if let [first, second, rest @ ..] = arcs.as_slice() {
        push(first * 40 + second);
        rest.iter().for_each(|&arc| push(arc));
    }
    der::encode(der::OID, &body)
}

fn ecdsa_verify(curve: Curve, point: &[u8], hashed: &[u8], signature: &[u8]) -> Result<(), Failure> {
    let invalid = Failure::Invalid;
    // A digest shorter than the field is the same integer left-padded (SEC 1 §4.1.4).
    let padded = |size: usize| {
        let mut out = vec![0u8; size.saturating_sub(hashed.len())];
        out.extend_from_slice(hashed);
        out
    };
    macro_rules! check {
        ($module:ident, $size:expr) => {{
            let key = $module::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| invalid(SignatureFault::MalformedKey("EC".into())))?;
            let signature = $module::ecdsa::Signature::from_der(signature)
                .map_err(|_| invalid(SignatureFault::MalformedSignature("ECDSA".into())))?;
            key.verify_prehash(&padded($size), &signature)
                .map_err(|_| invalid(SignatureFault::DoesNotMatch("ECDSA".into())))
        }};
    }
    match curve {
        Curve::P256 => check!(p256, 32),
        Curve::P384 => check!(p384, 48),
        Curve::P521 => check!(p521, 66),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_oids_encode_and_read_back() {
        for digest in
            [DigestAlgorithm::Sha1, DigestAlgorithm::Sha256, DigestAlgorithm::Sha512, DigestAlgorithm::Sha3_256]
        {
            let encoded = oid_der(digest.oid());
            let (tlv, _) = der::read(&encoded).unwrap();
            assert_eq!(DigestAlgorithm::from_oid(&der::oid(&tlv).unwrap()), Some(digest));
        }
        // SHA-256 DigestInfo with NULL parameters, as RFC 8017 §9.2 lists it.
        let prefix = [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
            0x20,
        ];
        assert_eq!(digest_info(DigestAlgorithm::Sha256, &[0; 32], true)[..prefix.len()], prefix);
    }
}
