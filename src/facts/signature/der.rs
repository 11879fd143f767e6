//! A small BER/DER reader for the parts of CMS and X.509 the verifier walks.
//!
//! Real signing tools emit BER: indefinite lengths (`30 80 … 00 00`) and constructed OCTET STRINGs.
//! RustCrypto's `der` 0.7 (under `cms` 0.2) rejects both, so signatures from such tools would all read
//! as broken. This reader accepts them, never allocates for definite-length input, reads exactly one
//! element from the front of its input (so the zero padding after the CMS in `/Contents` is left
//! alone instead of being trimmed), and bounds nesting depth.

use std::borrow::Cow;

/// Deeper than any CMS or certificate we accept; protects the stack against crafted input.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerError(pub &'static str);

impl std::fmt::Display for DerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ASN.1: {}", self.0)
    }
}

pub type Result<T> = std::result::Result<T, DerError>;

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const OCTET_STRING: u8 = 0x04;
pub const OID: u8 = 0x06;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;

/// One element: its identifier byte, its content (without the end-of-contents marker for an
/// indefinite length) and the whole encoding as it appears in the input.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub raw: &'a [u8],
    pub indefinite: bool,
}

impl<'a> Tlv<'a> {
    pub fn constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// Context-specific `[n]`, primitive or constructed.
    pub fn is_context(&self, n: u8) -> bool {
        self.tag & 0xdf == 0x80 | n
    }

    pub fn children(&self) -> Children<'a> {
        Children { rest: self.content }
    }

    /// The children as a vector, failing on the first malformed one.
    pub fn items(&self) -> Result<Vec<Tlv<'a>>> {
        self.children().collect()
    }

    /// The bytes of a string type; a constructed (BER) string is the concatenation of its parts.
    pub fn octets(&self) -> Result<Cow<'a, [u8]>> {
        self.octets_at(0)
    }

    fn octets_at(&self, depth: usize) -> Result<Cow<'a, [u8]>> {
        if !self.constructed() {
            return Ok(Cow::Borrowed(self.content));
        }
        if depth > MAX_DEPTH {
            return Err(DerError("nesting too deep"));
        }
        let mut joined = Vec::new();
        for part in self.children() {
            joined.extend_from_slice(&part?.octets_at(depth + 1)?);
        }
        Ok(Cow::Owned(joined))
    }

    /// The element re-encoded with definite lengths (DER framing; content order untouched).
    pub fn to_der(&self) -> Result<Cow<'a, [u8]>> {
        self.reencode_at(0)
    }

    fn reencode_at(&self, depth: usize) -> Result<Cow<'a, [u8]>> {
        if !self.indefinite && !self.constructed() {
            return Ok(Cow::Borrowed(self.raw));
        }
        if depth > MAX_DEPTH {
            return Err(DerError("nesting too deep"));
        }
        if !self.indefinite && !self.children().any(|c| c.map(|c| c.indefinite || c.constructed()).unwrap_or(true)) {
            return Ok(Cow::Borrowed(self.raw));
        }
        let mut content = Vec::with_capacity(self.content.len());
        for child in self.children() {
            content.extend_from_slice(&child?.reencode_at(depth + 1)?);
        }
        Ok(Cow::Owned(encode(self.tag, &content)))
    }

    /// The same content under another identifier (signed attributes are signed as a SET, not `[0]`).
    pub fn retagged_der(&self, tag: u8) -> Result<Vec<u8>> {
        let der = self.to_der()?;
        let inner = read(&der)?.0;
        Ok(encode(tag, inner.content))
    }

    pub fn expect(self, tag: u8, what: &'static str) -> Result<Self> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(DerError(what))
        }
    }
}

/// Iterates over the elements of a constructed element's content.
pub struct Children<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Tlv<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match read(self.rest) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(error) => {
                self.rest = &[];
                Some(Err(error))
            }
        }
    }
}

/// Reads one element from the front of `input`; returns it and what follows.
pub fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8])> {
    read_at_depth(input, 0)
}

fn read_at_depth(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8])> {
    if depth > MAX_DEPTH {
        return Err(DerError("nesting too deep"));
    }
    let (&tag, after_tag) = input.split_first().ok_or(DerError("unexpected end"))?;
    if tag & 0x1f == 0x1f {
        return Err(DerError("high tag numbers are not used in CMS"));
    }
    let (&first, mut rest) = after_tag.split_first().ok_or(DerError("missing length"))?;
    if first == 0x80 {
        if tag & 0x20 == 0 {
            return Err(DerError("indefinite length on a primitive element"));
        }
        let start = input.len() - rest.len();
        loop {
            if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                let content_end = input.len() - rest.len();
                let total = content_end + 2;
                let tlv = Tlv { tag, content: &input[start..content_end], raw: &input[..total], indefinite: true };
                return Ok((tlv, &input[total..]));
            }
            let (_, after) = read_at_depth(rest, depth + 1)?;
            rest = after;
        }
    }
    let length = if first < 0x80 {
        first as usize
    } else {
        let count = (first & 0x7f) as usize;
        if count > 4 || rest.len() < count {
            return Err(DerError("length too long"));
        }
        let value = rest[..count].iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
        rest = &rest[count..];
        value
    };
    if rest.len() < length {
        return Err(DerError("element runs past the end"));
    }
    let header = input.len() - rest.len();
    let tlv = Tlv { tag, content: &rest[..length], raw: &input[..header + length], indefinite: false };
    Ok((tlv, &rest[length..]))
}

/// Tag, definite length, content.
pub fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let length = content.len();
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let bytes = length.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// Dotted form of an OBJECT IDENTIFIER's content.
pub fn oid_string(content: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    for &byte in content {
        value = (value << 7) | (byte & 0x7f) as u128;
        if value > u64::MAX as u128 {
            return "invalid".into();
        }
        if byte & 0x80 == 0 {
            if arcs.is_empty() {
                let first = if value < 80 { value / 40 } else { 2 };
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(".")
}

pub fn oid(tlv: &Tlv) -> Result<String> {
    Ok(oid_string(tlv.expect(OID, "expected an object identifier")?.content))
}

/// An unsigned big-endian INTEGER without its sign byte.
pub fn unsigned(content: &[u8]) -> &[u8] {
    let skip = content.iter().take_while(|&&b| b == 0).count().min(content.len().saturating_sub(1));
    &content[skip..]
}

/// UTCTime or GeneralizedTime, in UTC (fractions dropped).
pub fn time(tlv: &Tlv) -> Option<jiff::Timestamp> {
    let text = std::str::from_utf8(tlv.content).ok().filter(|t| t.is_ascii())?;
    let text = text.strip_suffix('Z')?;
    let digits = text.split('.').next()?;
    let full = match (tlv.tag, digits.len()) {
        (UTC_TIME, 12) | (UTC_TIME, 10) => {
            let year: u32 = digits[..2].parse().ok()?;
            let century = if year < 50 { "20" } else { "19" };
            format!("{century}{digits}")
        }
        (GENERALIZED_TIME, 14) | (GENERALIZED_TIME, 12) => digits.to_string(),
        _ => return None,
    };
    let full = if full.len() == 12 { format!("{full}00") } else { full };
    let field = |range: std::ops::Range<usize>| full.get(range)?.parse::<i16>().ok();
    let date = jiff::civil::Date::new(field(0..4)?, field(4..6)? as i8, field(6..8)? as i8).ok()?;
    let clock = jiff::civil::Time::new(field(8..10)? as i8, field(10..12)? as i8, field(12..14)? as i8, 0).ok()?;
    date.to_datetime(clock).to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_definite_and_leaves_padding() {
        let input = [0x30, 0x03, 0x02, 0x01, 0x05, 0x00, 0x00, 0x00];
        let (tlv, rest) = read(&input).unwrap();
        assert_eq!(tlv.tag, SEQUENCE);
        assert_eq!(tlv.raw.len(), 5);
        assert_eq!(rest, &[0, 0, 0]);
        let items = tlv.items().unwrap();
        assert_eq!(items[0].content, &[5]);
    }

    #[test]
    fn reads_indefinite_and_normalises_it() {
        // SEQUENCE (indefinite) { OCTET STRING constructed (indefinite) { "ab", "c" }, INTEGER 7 }
        let input = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x02, 0x01, 0x07, 0x00, 0x00,
        ];
        let (tlv, rest) = read(&input).unwrap();
        assert!(rest.is_empty());
        assert!(tlv.indefinite);
        let items = tlv.items().unwrap();
        assert_eq!(&*items[0].octets().unwrap(), b"abc");
        assert_eq!(items[1].content, &[7]);
        let der = tlv.to_der().unwrap();
        let (again, _) = read(&der).unwrap();
        assert!(!again.indefinite);
        assert_eq!(&*again.items().unwrap()[0].octets().unwrap(), b"abc");
    }

    #[test]
    fn rejects_truncated_and_deep_input() {
        assert!(read(&[0x30, 0x05, 0x02]).is_err());
        assert!(read(&[0x30, 0x80, 0x02, 0x01]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 200).flatten().collect();
        assert!(read(&deep).is_err());
        assert!(read(&[]).is_err());
        assert!(read(&[0x04, 0x80, 0x00, 0x00]).is_err());
    }

    #[test]
    fn deep_definite_nesting_is_refused_not_overflowed() {
        // 20,000 constructed OCTET STRINGs, each wrapping the next, with definite lengths.
        let mut element = vec![0x04, 0x00];
        for _ in 0..20_000 {
            let mut outer = vec![0x24];
            let length = element.len();
            outer.extend_from_slice(&[0x83, (length >> 16) as u8, (length >> 8) as u8, length as u8]);
            outer.extend_from_slice(&element);
            element = outer;
        }
        let (tlv, _) = read(&element).unwrap();
        assert!(tlv.octets().is_err());
        assert!(tlv.to_der().is_err());
    }

    #[test]
    fn oids_and_times() {
        assert_eq!(oid_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]), "1.2.840.113549.1.7.2");
        let utc = Tlv { tag: UTC_TIME, content: b"230306023000Z", raw: &[], indefinite: false };
        assert_eq!(time(&utc).unwrap().to_string(), "2023-03-06T02:30:00Z");
        let general = Tlv { tag: GENERALIZED_TIME, content: b"20230306023000.123Z", raw: &[], indefinite: false };
        assert_eq!(time(&general).unwrap().to_string(), "2023-03-06T02:30:00Z");
        let bad = Tlv { tag: UTC_TIME, content: b"231306023000Z", raw: &[], indefinite: false };
        assert!(time(&bad).is_none());
        let non_ascii = Tlv { tag: UTC_TIME, content: "€000000000Z".as_bytes(), raw: &[], indefinite: false };
        assert!(time(&non_ascii).is_none());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            if let Ok((tlv, _)) = read(&bytes) {
                let _ = tlv.octets();
                let _ = tlv.to_der();
                let _ = tlv.items();
            }
            let _ = oid_string(&bytes);
        }
    }
}
