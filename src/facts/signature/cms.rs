//! CMS SignedData (RFC 5652) as the PDF signature handlers use it, read with the BER-tolerant
//! reader: certificates, the (first) signer info with its signed attributes kept as signed, and the
//! unsigned attributes that matter (signature timestamp, revocation archive).

use super::crypto::{Algorithm, DigestAlgorithm};
use super::der::{self, DerError, Tlv};

pub const ID_DATA: &str = "1.2.840.113549.1.7.1";
const ID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
pub const ID_TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
pub const ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
pub const ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
pub const ATTR_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
pub const ATTR_TIMESTAMP_TOKEN: &str = "1.2.840.113549.1.9.16.2.14";
pub const ATTR_ADBE_REVOCATION: &str = "1.2.840.113583.1.1.8";

#[derive(Debug, Clone)]
pub struct SignedData<'a> {
    pub encapsulated_type: String,
    /// The encapsulated content, when not detached (adbe.pkcs7.sha1, timestamp tokens).
    pub encapsulated: Option<Vec<u8>>,
    /// Raw certificate encodings, in the order given.
    pub certificates: Vec<&'a [u8]>,
    /// Raw CRL encodings carried in the SignedData.
    pub crls: Vec<&'a [u8]>,
    pub signer: SignerInfo<'a>,
    /// More than one signer info: PDF signatures carry exactly one.
    pub extra_signers: usize,
}

#[derive(Debug, Clone)]
pub enum SignerId<'a> {
    IssuerSerial { issuer: &'a [u8], serial: Vec<u8> },
    KeyId(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Attribute<'a> {
    pub oid: String,
    pub values: Vec<Tlv<'a>>,
}

#[derive(Debug, Clone)]
pub struct SignerInfo<'a> {
    pub id: SignerId<'a>,
    pub digest_algorithm: Algorithm,
    /// The signed attributes as they are signed: the `[0]` content under a SET tag.
    pub signed_attributes_der: Option<Vec<u8>>,
    pub signed: Vec<Attribute<'a>>,
    pub signature_algorithm: Algorithm,
    pub signature: Vec<u8>,
    pub unsigned: Vec<Attribute<'a>>,
}

impl SignerInfo<'_> {
    pub fn digest(&self) -> Option<DigestAlgorithm> {
        DigestAlgorithm::from_oid(&self.digest_algorithm.oid)
    }

    pub fn signed_attribute(&self, oid: &str) -> Option<&Tlv<'_>> {
        self.signed.iter().find(|a| a.oid == oid).and_then(|a| a.values.first())
    }

    pub fn unsigned_attribute(&self, oid: &str) -> Option<&Tlv<'_>> {
        self.unsigned.iter().find(|a| a.oid == oid).and_then(|a| a.values.first())
    }
}

fn missing(what: &'static str) -> DerError {
    DerError(what)
}

/// Parses a ContentInfo holding SignedData from the front of `bytes` (padding after it is ignored).
pub fn parse(bytes: &[u8]) -> der::Result<SignedData<'_>> {
    let (content_info, _) = der::read(bytes)?;
    let content_info = content_info.expect(der::SEQUENCE, "ContentInfo is not a SEQUENCE")?;
    let mut items = content_info.children();
    let content_type = der::oid(&items.next().ok_or(missing("empty ContentInfo"))??)?;
    if content_type != ID_SIGNED_DATA {
        return Err(DerError("ContentInfo does not hold SignedData"));
    }
    let explicit = items.next().ok_or(missing("no content"))??;
    let signed_data = explicit.children().next().ok_or(missing("empty content"))??;
    let signed_data = signed_data.expect(der::SEQUENCE, "SignedData is not a SEQUENCE")?;
    let mut fields = signed_data.children().peekable();
    let _version = fields.next().ok_or(missing("no version"))??;
    let _digest_algorithms = fields.next().ok_or(missing("no digest algorithms"))??;
    let encapsulated_info = fields.next().ok_or(missing("no encapsulated content"))??;
    let mut encapsulated_items = encapsulated_info.children();
    let encapsulated_type = der::oid(&encapsulated_items.next().ok_or(missing("no content type"))??)?;
    let encapsulated = match encapsulated_items.next() {
        Some(explicit) => match explicit?.children().next() {
            Some(octets) => Some(octets?.octets()?.into_owned()),
            None => None,
        },
        None => None,
    };
    let mut certificates = Vec::new();
    let mut crls = Vec::new();
    let mut signer_infos = None;
    for field in fields {
        let field = field?;
        if field.is_context(0) {
            for cert in field.children() {
                let cert = cert?;
                // Only X.509 certificates (a SEQUENCE); attribute and other certificates are skipped.
                if cert.tag == der::SEQUENCE {
                    certificates.push(cert.raw);
                }
            }
        } else if field.is_context(1) {
            for crl in field.children() {
                let crl = crl?;
                if crl.tag == der::SEQUENCE {
                    crls.push(crl.raw);
                }
            }
        } else if field.tag == der::SET {
            signer_infos = Some(field);
        }
    }
    let signer_infos = signer_infos.ok_or(missing("no signer infos"))?.items()?;
    let first = signer_infos.first().ok_or(missing("no signer info"))?;
    Ok(SignedData {
        encapsulated_type,
        encapsulated,
        certificates,
        crls,
        signer: signer_info(first)?,
        extra_signers: signer_infos.len() - 1,
    })
}

fn signer_info<'a>(tlv: &Tlv<'a>) -> der::Result<SignerInfo<'a>> {
    let mut fields = tlv.expect(der::SEQUENCE, "SignerInfo is not a SEQUENCE")?.children();
    let _version = fields.next().ok_or(missing("no signer version"))??;
    let id = fields.next().ok_or(missing("no signer identifier"))??;
    let id = if id.tag == der::SEQUENCE {
        let parts = id.items()?;
        match parts.as_slice() {
            [issuer, serial] => {
                SignerId::IssuerSerial { issuer: issuer.raw, serial: der::unsigned(serial.content).to_vec() }
            }
            _ => return Err(DerError("malformed issuerAndSerialNumber")),
        }
    } else {
        SignerId::KeyId(id.octets()?.into_owned())
    };
    let digest_algorithm = Algorithm::parse(&fields.next().ok_or(missing("no digest algorithm"))??)?;
    let mut next = fields.next().ok_or(missing("no signature algorithm"))??;
    let (signed_attributes_der, signed) = if next.is_context(0) {
        let der = next.retagged_der(der::SET)?;
        let attributes = attributes(&next)?;
        next = fields.next().ok_or(missing("no signature algorithm"))??;
        (Some(der), attributes)
    } else {
        (None, Vec::new())
    };
    let signature_algorithm = Algorithm::parse(&next)?;
    let signature = fields.next().ok_or(missing("no signature value"))??.octets()?.into_owned();
    let unsigned = match fields.next() {
        Some(field) => {
            let field = field?;
            if field.is_context(1) {
                attributes(&field)?
            } else {
                Vec::new()
            }
        }
        None => Vec::new(),
    };
    Ok(SignerInfo { id, digest_algorithm, signed_attributes_der, signed, signature_algorithm, signature, unsigned })
}

fn attributes<'a>(set: &Tlv<'a>) -> der::Result<Vec<Attribute<'a>>> {
    let mut found = Vec::new();
    for attribute in set.children() {
        let attribute = attribute?;
        let mut parts = attribute.children();
        let oid = der::oid(&parts.next().ok_or(missing("empty attribute"))??)?;
        let values = match parts.next() {
            Some(values) => values?.items()?,
            None => Vec::new(),
        };
        found.push(Attribute { oid, values });
    }
    Ok(found)
}

/// The fields of an RFC 3161 TSTInfo that matter: the imprint and the time.
#[derive(Debug, Clone)]
pub struct TstInfo {
    pub imprint_algorithm: Option<DigestAlgorithm>,
    pub imprint: Vec<u8>,
    pub time: Option<jiff::Timestamp>,
}

pub fn tst_info(bytes: &[u8]) -> der::Result<TstInfo> {
    let (info, _) = der::read(bytes)?;
    let items = info.items()?;
    let [_version, _policy, imprint, _serial, time, ..] = items.as_slice() else {
        return Err(DerError("malformed TSTInfo"));
    };
    let imprint = imprint.items()?;
    let [algorithm, value] = imprint.as_slice() else { return Err(DerError("malformed message imprint")) };
    Ok(TstInfo {
        imprint_algorithm: DigestAlgorithm::from_oid(&Algorithm::parse(algorithm)?.oid),
        imprint: value.octets()?.into_owned(),
        time: der::time(time),
    })
}
