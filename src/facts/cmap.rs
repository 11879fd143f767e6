//! ToUnicode CMaps (PDF 32000-1 §9.10.3), read with the content lexer: `bfchar` and `bfrange`
//! mappings by code length. lopdf's reader also builds a reverse map for every font (text
//! encoding, which we never do) and was a tenth of a whole check; it also refuses a CMap whose
//! PostScript preamble is not the usual one, which this reader does not care about.

use super::content::{Lexer, Operand};
use crate::budget::{BudgetHit, BudgetName};
use std::collections::BTreeMap;

/// Mappings kept per CMap; a real font has at most a few thousand.
pub const MAX_MAPPINGS: usize = 100_000;
/// Codes the ranges of one CMap may span: a reader that expands ranges (pdf-extract) builds an
/// entry per code. An Identity range over two-byte codes is 65,536.
pub const MAX_SPANNED_CODES: u64 = 1 << 20;
/// Strings kept in one range's array target: a range of two-byte codes has at most 65,536.
const MAX_RANGE_ARRAY: usize = 1 << 16;

/// What a range of codes maps to.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// UTF-16 units; within a range the last unit is incremented by the code's offset.
    Units(Vec<u16>),
    /// One UTF-16 string per code of the range.
    Each(Vec<Vec<u16>>),
}

/// Code → Unicode, by code length in bytes.
#[derive(Debug, Default)]
pub struct CodeMap {
    /// `(code length, first code)` → `(last code, target)`.
    ranges: BTreeMap<(u8, u32), (u32, Target)>,
    /// A budget the program went past (mappings, or codes its ranges span): what is kept reads
    /// the codes it maps, but a reader that expands ranges must not be given it.
    pub over_budget: Option<BudgetHit>,
}

impl CodeMap {
    /// The mappings of a CMap program; `None` when it holds none (lopdf's reading is used then).
    pub fn parse(program: &[u8]) -> Option<CodeMap> {
        let mut map = CodeMap::default();
        // A block holds 100 mappings by the specification; producers write more (ReportLab: all).
        let mut lexer = Lexer::new(program).with_max_operands(3 * MAX_MAPPINGS);
        let mut operands = Vec::new();
        let mut spanned: u64 = 0;
        while let Some(operator) = lexer.next_operation(&mut operands) {
            if map.ranges.len() >= MAX_MAPPINGS {
                map.over_budget = Some(BudgetHit::over(BudgetName::CmapRanges, MAX_MAPPINGS));
                break;
            }
            match operator {
                b"endbfchar" => {
                    for pair in operands.chunks_exact(2) {
                        if let (Some((length, code)), Operand::String(target)) = (code(&pair[0]), &pair[1]) {
                            map.ranges.insert((length, code), (code, Target::Units(utf16(target))));
                        }
                    }
                }
                b"endbfrange" => {
                    for triple in operands.chunks_exact(3) {
                        let (Some((length, low)), Some((_, high))) = (code(&triple[0]), code(&triple[1])) else {
                            continue;
                        };
                        if high < low {
                            continue;
                        }
                        spanned += u64::from(high - low) + 1;
                        if spanned > MAX_SPANNED_CODES && map.over_budget.is_none() {
                            map.over_budget = Some(BudgetHit::over(BudgetName::CmapCodes, MAX_SPANNED_CODES));
                        }
                        let target = match &triple[2] {
                            Operand::String(units) => Target::Units(utf16(units)),
                            Operand::Array(items) => Target::Each(
                                items
                                    .iter()
                                    .take(MAX_RANGE_ARRAY)
                                    .map(|item| match item {
                                        Operand::String(units) => utf16(units),
                                        _ => Vec::new(),
                                    })
                                    .collect(),
                            ),
                            _ => continue,
                        };
                        map.ranges.insert((length, low), (high, target));
                    }
                }
                _ => {}
            }
        }
        (!map.ranges.is_empty()).then_some(map)
    }

    /// The UTF-16 units `code` (of `length` bytes) maps to.
    pub fn get(&self, code: u32, length: u8) -> Option<Vec<u16>> {
        let (&(found_length, low), (high, target)) = self.ranges.range(..=(length, code)).next_back()?;
        if found_length != length || code > *high {
            return None;
        }
        let offset = code - low;
        match target {
            Target::Units(units) => {
                let mut units = units.clone();
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add(offset as u16);
                }
                Some(units)
            }
            Target::Each(strings) => strings.get(offset as usize).cloned(),
        }
    }
}

/// A source code: its length in bytes (1 to 4) and value.
fn code(operand: &Operand) -> Option<(u8, u32)> {
    let Operand::String(bytes) = operand else { return None };
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((bytes.len() as u8, bytes.iter().fold(0u32, |value, &byte| value << 8 | u32::from(byte))))
}

fn utf16(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks(2).map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0011> <D835DC00> endbfchar
2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0066 0066 0069> <1EA0>] endbfrange
1 beginbfchar <01> <1EC8> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn chars_ranges_and_arrays_by_code_length() {
        let map = CodeMap::parse(CMAP).expect("mappings");
        let text = |code, length| map.get(code, length).map(|units| String::from_utf16_lossy(&units));
        assert_eq!(text(0x0003, 2).as_deref(), Some(" "));
        assert_eq!(text(0x0011, 2).as_deref(), Some("𝐀"), "a surrogate pair");
        assert_eq!(text(0x0025, 2).as_deref(), Some("B"), "inside a range: the offset added");
        assert_eq!(text(0x0026, 2).as_deref(), Some("C"));
        assert_eq!(text(0x0027, 2), None, "past the range");
        assert_eq!(text(0x0030, 2).as_deref(), Some("ffi"));
        assert_eq!(text(0x0031, 2).as_deref(), Some("Ạ"));
        assert_eq!(text(0x01, 1).as_deref(), Some("Ỉ"));
        assert_eq!(text(0x0001, 2), None, "a one-byte code is not a two-byte one");
    }

    #[test]
    fn a_block_longer_than_the_specification_allows() {
        let entries: String = (0..200u32).map(|c| format!("<{c:02X}> <{:04X}>\n", 0x1EA0 + c)).collect();
        let program = format!("200 beginbfchar\n{entries}endbfchar");
        let map = CodeMap::parse(program.as_bytes()).expect("mappings");
        assert_eq!(map.get(199, 1), Some(vec![0x1EA0 + 199]));
    }

    #[test]
    fn ranges_spanning_millions_of_codes_are_over_budget_but_read() {
        let map = CodeMap::parse(b"1 beginbfrange <00000000> <00FFFFFF> <0041> endbfrange").expect("mappings");
        assert_eq!(map.over_budget.as_ref().map(ToString::to_string).as_deref(), Some("CMap codes: > 1048576"));
        assert_eq!(map.get(1, 4), Some(vec![0x42]));
        assert!(CodeMap::parse(CMAP).unwrap().over_budget.is_none());
    }

    #[test]
    fn no_mappings_is_none_and_junk_does_not_panic() {
        assert!(CodeMap::parse(b"begincmap endcmap").is_none());
        assert!(CodeMap::parse(b"1 beginbfrange <0010> <0001> <0041> endbfrange").is_none(), "a reversed range");
        let _ = CodeMap::parse(b"beginbfchar <01> endbfchar <> <0102030405> [ endbfrange");
    }
}
