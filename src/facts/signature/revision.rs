//! The revision table (lopdf has none) and a signature's coverage, as pyHanko defines it.
//!
//! A revision ends at `startxref N %%EOF` (plus one end-of-line). `startxref 0` is the first-page
//! trailer of a linearised file, not a revision. Each revision prefix of the file is itself a
//! complete PDF, which is how the revisions are later compared.

use super::ByteRangeFault;
use regex::bytes::Regex;
use serde::Serialize;
use std::sync::LazyLock;

static END_OF_REVISION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"startxref[\x00\t\n\x0c\r ]+\+?(\d{1,15})[\x00\t\n\x0c\r ]+%%EOF").unwrap());

/// Where one revision ends: the offset just after its `%%EOF` and end-of-line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    /// Offset of the `%%EOF` marker.
    pub eof: usize,
    /// Offset just after `%%EOF` and its end-of-line, if any.
    pub end: usize,
}

pub fn revisions(bytes: &[u8]) -> Vec<Revision> {
    let mut found: Vec<Revision> = Vec::new();
    for capture in END_OF_REVISION.captures_iter(bytes) {
        let whole = capture.get(0).unwrap();
        let xref = std::str::from_utf8(&capture[1]).ok().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
        if xref == 0 || xref >= whole.start() {
            continue;
        }
        let eof = whole.end() - 5;
        let mut end = whole.end();
        if bytes.get(end) == Some(&b'\r') {
            end += 1;
        }
        if bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        found.push(Revision { eof, end });
    }
    // Objects appended after the last `%%EOF` (no trailer of their own, or one this scan cannot
    // read) are still read by a recovering reader: they form one more revision, to be compared.
    let tail_start = found.last().map_or(0, |r| r.end);
    let tail = &bytes[tail_start..];
    let has_objects = [&b"endobj"[..], b"startxref"].iter().any(|word| crate::sniff::memfind(tail, word).is_some());
    if tail_start > 0 && has_objects {
        found.push(Revision { eof: bytes.len(), end: bytes.len() });
    }
    found
}

/// How much of the file a signature's byte range covers (pyHanko's `SignatureCoverageLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Coverage {
    Unclear,
    ContiguousBlockFromStart,
    EntireRevision,
    EntireFile,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Unclear => "UNCLEAR",
            Coverage::ContiguousBlockFromStart => "CONTIGUOUS_BLOCK_FROM_START",
            Coverage::EntireRevision => "ENTIRE_REVISION",
            Coverage::EntireFile => "ENTIRE_FILE",
        }
    }
}

/// The signed byte ranges as slices of the file, or why they cannot be taken. A range running past
/// the end of the file is read short, as pyHanko reads it (the digest then decides); the second
/// value says so.
pub fn signed_slices<'a>(
    bytes: &'a [u8],
    byte_range: &[i64],
) -> Result<(Vec<&'a [u8]>, Option<ByteRangeFault>), ByteRangeFault> {
    if byte_range.is_empty() || !byte_range.len().is_multiple_of(2) {
        return Err(ByteRangeFault::Count(byte_range.len()));
    }
    let mut slices = Vec::with_capacity(byte_range.len() / 2);
    let mut short = None;
    let mut previous_end = 0i64;
    for (index, pair) in byte_range.chunks(2).enumerate() {
        let (start, length) = (pair[0], pair[1]);
        if start < 0 || length < 0 {
            return Err(ByteRangeFault::Negative);
        }
        // ISO 32000: the ranges are in ascending order and do not overlap; otherwise the same bytes
        // could be hashed again and again.
        if index > 0 && start < previous_end {
            return Err(ByteRangeFault::Overlap { start, previous_end });
        }
        previous_end = start.saturating_add(length);
        let end = (start as u128) + (length as u128);
        if end > bytes.len() as u128 {
            short = Some(ByteRangeFault::PastEnd { end: end as u64, file_bytes: bytes.len() as u64 });
        }
        let end = end.min(bytes.len() as u128) as usize;
        slices.push(&bytes[(start as usize).min(end)..end]);
    }
    Ok((slices, short))
}

/// pyHanko's rules: four numbers starting at 0; the gap exactly the hex `/Contents` string
/// (`contents_len` decoded bytes); ENTIRE_FILE when the range reaches the end of the file,
/// ENTIRE_REVISION when it ends at a revision's `%%EOF`, otherwise a block from the start.
/// Returns the coverage and, for ENTIRE_REVISION/ENTIRE_FILE, the index of the signed revision.
pub fn coverage(
    bytes: &[u8],
    byte_range: &[i64],
    contents_len: usize,
    revisions: &[Revision],
) -> (Coverage, Option<usize>) {
    let &[start, first_length, second_start, second_length] = byte_range else { return (Coverage::Unclear, None) };
    if start != 0 || first_length < 0 || second_start < 0 || second_length < 0 {
        return (Coverage::Unclear, None);
    }
    let (first_length, second_start) = (first_length as usize, second_start as usize);
    let gap_is_hex_string = second_start == first_length + 2 * contents_len + 2
        && bytes.get(first_length) == Some(&b'<')
        && second_start >= 1
        && bytes.get(second_start - 1) == Some(&b'>');
    if !gap_is_hex_string {
        return (Coverage::Unclear, None);
    }
    let end = second_start as u128 + second_length as u128;
    if end > bytes.len() as u128 {
        // Claims bytes the file does not have: whatever was signed, this file is not all of it.
        return (Coverage::ContiguousBlockFromStart, None);
    }
    let end = end as usize;
    let revision = revisions.iter().position(|r| end >= r.eof + 5 && end <= r.end);
    if end == bytes.len() {
        // A file ending without `startxref … %%EOF` has no table entry; it is still all covered.
        return (Coverage::EntireFile, revision.or(revisions.len().checked_sub(1)));
    }
    match revision {
        Some(index) => (Coverage::EntireRevision, Some(index)),
        None => (Coverage::ContiguousBlockFromStart, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with_signature() -> (Vec<u8>, Vec<i64>) {
        let head = b"%PDF-1.7\n1 0 obj <</Contents ".to_vec();
        let hex = b"<0a0b0000>";
        let tail = b" >> endobj\nxref\n0 1\ntrailer <<>>\nstartxref\n10\n%%EOF\n";
        let mut file = head.clone();
        file.extend_from_slice(hex);
        file.extend_from_slice(tail);
        let range = vec![0, head.len() as i64, (head.len() + hex.len()) as i64, tail.len() as i64];
        (file, range)
    }

    #[test]
    fn whole_file_and_revision() {
        let (mut file, range) = file_with_signature();
        let table = revisions(&file);
        assert_eq!(table.len(), 1);
        assert_eq!(table[0].end, file.len());
        assert_eq!(coverage(&file, &range, 4, &table), (Coverage::EntireFile, Some(0)));
        file.extend_from_slice(b"1 0 obj <<>> endobj\nxref\nstartxref\n70\n%%EOF\n");
        let table = revisions(&file);
        assert_eq!(table.len(), 2);
        assert_eq!(coverage(&file, &range, 4, &table), (Coverage::EntireRevision, Some(0)));
    }

    #[test]
    fn anomalies_are_unclear_or_partial() {
        let (file, range) = file_with_signature();
        let table = revisions(&file);
        let mut gap = range.clone();
        gap[2] += 2;
        gap[3] -= 2;
        assert_eq!(coverage(&file, &gap, 4, &table).0, Coverage::Unclear);
        assert_eq!(coverage(&file, &range[..2], 4, &table).0, Coverage::Unclear);
        let mut short = range.clone();
        short[3] -= 10;
        assert_eq!(coverage(&file, &short, 4, &table).0, Coverage::ContiguousBlockFromStart);
        let mut past = range.clone();
        past[3] += 1000;
        assert_eq!(coverage(&file, &past, 4, &table).0, Coverage::ContiguousBlockFromStart);
        let (slices, short) = signed_slices(&file, &past).unwrap();
        let end = (past[2] + past[3]) as u64;
        assert_eq!(short, Some(ByteRangeFault::PastEnd { end, file_bytes: file.len() as u64 }));
        assert_eq!(slices[1].len() as i64, range[3]);
        assert_eq!(signed_slices(&file, &[0, -1]).unwrap_err(), ByteRangeFault::Negative);
        assert_eq!(signed_slices(&file, &[0, 1, 2]).unwrap_err(), ByteRangeFault::Count(3));
        let overlap = signed_slices(&file, &[0, 10, 5, 10]).unwrap_err();
        assert_eq!(overlap, ByteRangeFault::Overlap { start: 5, previous_end: 10 });
    }

    #[test]
    fn objects_appended_after_the_last_eof_are_a_revision() {
        let (mut file, range) = file_with_signature();
        file.extend_from_slice(b"3 0 obj << /Evil true >> endobj\n");
        let table = revisions(&file);
        assert_eq!(table.len(), 2);
        assert_eq!(coverage(&file, &range, 4, &table), (Coverage::EntireRevision, Some(0)));
        let (mut plain, _) = file_with_signature();
        plain.extend_from_slice(b"\n\n% just a comment\n");
        assert_eq!(revisions(&plain).len(), 1, "trailing whitespace and comments are not a revision");
    }

    #[test]
    fn linearisation_trailer_is_not_a_revision() {
        let file = b"%PDF-1.4\ntrailer<<>>\nstartxref\n0\n%%EOF\nxref\ntrailer\nstartxref\n40\n%%EOF";
        assert_eq!(revisions(file).len(), 1);
    }
}
