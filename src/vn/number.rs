//! The "Số, ký hiệu" line of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP):
//! `Số: 55/BC-UBND`, `Số: 30/2020/NĐ-CP`, `Số: 6203/BNV-CCHC`, and the placeholders of an unissued
//! draft (`Số: /KH-UBND`, `Số: …/QĐ-UBND`, `Số: a/BC-UBND`).

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// Type abbreviations of Nghị định 30/2020 Phụ lục III, compared after folding diacritics.
const TYPE_ABBREVIATIONS: &[&str] = &[
    "NQ", "QD", "CT", "QC", "QYD", "TC", "TB", "HD", "CTR", "KH", "PA", "DA", "BC", "BB", "TTR", "HĐ", "CD", "BGN",
    "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB", "ND", "TT", "TTLT", "L",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberStatus {
    /// A well-formed number and symbol.
    Ok,
    /// The number part is blank, dots, an ellipsis or a placeholder letter: an unissued draft.
    Placeholder,
    /// Present but not of the shape NUMBER/TYPE-ISSUER; the reason is in `NumberLine::problem`.
    Malformed,
}

/// Why a number line is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberProblem {
    NoSlash,
    NumberNotDigits,
    SymbolMissing,
    SymbolShape,
    IssuerMissing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NumberLine {
    /// The line as printed, on one line: `Số: /KH-UBND`.
    pub raw: String,
    /// `55/BC-UBND`, or what stands after the colon.
    pub value: String,
    pub number: Option<u32>,
    pub year: Option<u16>,
    pub doc_type: Option<String>,
    pub issuer: Option<String>,
    pub status: NumberStatus,
    pub problem: Option<NumberProblem>,
}

static NUMBER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    // "Số"/"SỐ" with a capital S (body text says "tổng số:") then a colon; the number part may
    // wrap to the next line.
    Regex::new(r"(?:^|[^\p{L}])(S[ốỐ]|So|SO)[ \t]*[:：][ \t]*(?:\r?\n[ \t]*)?(?P<rest>[^\n]*)").unwrap()
});
static WITH_SLASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<num>[^/\n]{0,14}?)[ \t]*/[ \t]*(?P<sym>[^\s,;]*)").unwrap());
static SYMBOL_SHAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\p{L}\d&]+(?:[-.][\p{L}\d&]+)*$").unwrap());

/// Finds the first "Số: …" line in `header` (already NFC) and reads it.
pub fn find_number_line(header: &str) -> Option<NumberLine> {
    let caps = NUMBER_LINE.captures(header)?;
    let so = caps.get(1)?;
    let rest = caps.name("rest").map_or("", |m| m.as_str());
    Some(read_number(&header[so.start()..so.end()], rest))
}

fn read_number(so: &str, rest: &str) -> NumberLine {
    let Some(parts) = WITH_SLASH.captures(rest) else {
        return read_without_slash(so, rest);
    };
    let num = parts["num"].trim();
    let sym = parts["sym"].trim_end_matches(['.', ',', ';', ':']);
    let value = format!("{num}/{sym}");
    let raw = format!("{so}: {value}");
    let mut line = NumberLine {
        raw,
        value,
        number: None,
        year: None,
        doc_type: None,
        issuer: None,
        status: NumberStatus::Ok,
        problem: None,
    };
    if is_placeholder(num) {
        line.status = NumberStatus::Placeholder;
        return line;
    }
    match num.parse::<u32>() {
        Ok(n) if num.chars().all(|c| c.is_ascii_digit()) => line.number = Some(n),
        _ => {
            line.status = NumberStatus::Malformed;
            line.problem = Some(NumberProblem::NumberNotDigits);
        }
    }
    let (year, symbol) = split_year(sym);
    line.year = year;
    if symbol.is_empty() {
        line.status = NumberStatus::Placeholder;
        line.problem = Some(NumberProblem::SymbolMissing);
        return line;
    }
    if !SYMBOL_SHAPE.is_match(symbol) {
        line.status = NumberStatus::Malformed;
        line.problem.get_or_insert(NumberProblem::SymbolShape);
    }
    let (doc_type, issuer) = split_symbol(symbol);
    line.doc_type = doc_type;
    line.issuer = issuer;
    if line.issuer.is_none() && line.status == NumberStatus::Ok {
        line.status = NumberStatus::Malformed;
        line.problem = Some(NumberProblem::IssuerMissing);
    }
    line
}

fn read_without_slash(so: &str, rest: &str) -> NumberLine {
    // Keep the first token(s) only: the date column may share the line.
    let value: String = rest.split("  ").next().unwrap_or("").trim().to_string();
    let first = value.split_whitespace().next().unwrap_or("");
    let placeholder = is_placeholder(first);
    NumberLine {
        raw: format!("{so}: {value}").trim_end().to_string(),
        value: value.clone(),
        number: None,
        year: None,
        doc_type: None,
        issuer: None,
        status: if placeholder { NumberStatus::Placeholder } else { NumberStatus::Malformed },
        problem: if placeholder { None } else { Some(NumberProblem::NoSlash) },
    }
}

/// Blank, dots, ellipsis, underscores, a letter or two (`a`, `b`, `x`, `ab`), or zero: never an
/// issued number (numbers restart at 01 each year).
pub fn is_placeholder(num: &str) -> bool {
    let num = num.trim();
    if num.chars().all(|c| matches!(c, '.' | '…' | '_' | '-' | ' ' | '\t' | '·' | '*' | '?' | ',')) {
        return true;
    }
    let letters = num.chars().filter(|c| c.is_alphabetic()).count();
    if letters == num.chars().filter(|c| !c.is_whitespace() && *c != ',').count() && letters <= 2 {
        return true;
    }
    num.chars().all(|c| c == '0')
}

fn split_year(sym: &str) -> (Option<u16>, &str) {
    let bytes = sym.as_bytes();
    if bytes.len() > 5 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'/' {
        return (sym[..4].parse().ok(), &sym[5..]);
    }
    (None, sym)
}

fn split_symbol(symbol: &str) -> (Option<String>, Option<String>) {
    let (first, rest) = match symbol.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (symbol, None),
    };
    let folded = crate::vn::text::fold(first).to_uppercase();
    let is_type = TYPE_ABBREVIATIONS.iter().any(|t| crate::vn::text::fold(t).to_uppercase() == folded);
    match (is_type, rest) {
        (true, Some(issuer)) if !issuer.is_empty() => (Some(first.to_string()), Some(issuer.to_string())),
        (true, _) => (Some(first.to_string()), None),
        // An official letter (công văn): no type part, the whole symbol names the issuer.
        (false, _) => (None, Some(symbol.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> NumberLine {
        find_number_line(text).unwrap_or_else(|| panic!("no number line in {text:?}"))
    }

    #[test]
    fn well_formed_numbers_and_their_parts() {
        let n = read("ỦY BAN NHÂN DÂN\nSố: 55/BC-UBND\n");
        assert_eq!((n.status.clone(), n.number), (NumberStatus::Ok, Some(55)));
        assert_eq!(n.doc_type.as_deref(), Some("BC"));
        assert_eq!(n.issuer.as_deref(), Some("UBND"));
        assert_eq!(n.raw, "Số: 55/BC-UBND");
        let n = read("Số:55/BC-UBND");
        assert_eq!(n.value, "55/BC-UBND");
        let n = read("Số: 55 /BC-UBND");
        assert_eq!(n.value, "55/BC-UBND");
        let n = read("Số: 2621/QĐ-UBND  Vĩnh Long, ngày 13 tháng 12 năm 2022");
        assert_eq!((n.number, n.doc_type.as_deref()), (Some(2621), Some("QĐ")));
        let n = read("Số: 30/2020/NĐ-CP");
        assert_eq!(
            (n.number, n.year, n.doc_type.as_deref(), n.issuer.as_deref()),
            (Some(30), Some(2020), Some("NĐ"), Some("CP"))
        );
        let n = read("Số: 274/SNV-CCHC&VTLT");
        assert_eq!((n.status, n.doc_type, n.issuer.as_deref()), (NumberStatus::Ok, None, Some("SNV-CCHC&VTLT")));
        let n = read("SỐ: 04/NQ-CP");
        assert_eq!(n.status, NumberStatus::Ok);
        let n = read("Số: 789/TTr-SNV");
        assert_eq!(n.doc_type.as_deref(), Some("TTr"));
    }

    #[test]
    fn placeholders_of_unissued_drafts() {
        for text in [
            "Số: /KH-UBND",
            "Số:     /KH-VPUB",
            "Số: …/QĐ-UBND",
            "Số: a/BC-UBND",
            "Số: b/TB-UBND",
            "Số: x/KH-UBND",
            "Số: ..../TB-SNV",
            "Số: .../TTr-SNV",
            "Số:",
            "Số: ……",
            "Số: 00/BC-UBND",
        ] {
            assert_eq!(read(text).status, NumberStatus::Placeholder, "{text}");
        }
    }

    #[test]
    fn malformed_symbols() {
        assert_eq!(read("Số: 55-BC-UBND").status, NumberStatus::Malformed);
        assert_eq!(read("Số: 12a/QĐ-UBND").status, NumberStatus::Malformed);
        assert_eq!(read("Số: 12/BC--UBND").status, NumberStatus::Malformed);
    }

    #[test]
    fn words_that_merely_start_with_so_are_not_number_lines() {
        assert!(find_number_line("Số liệu tổng hợp: 12/15 đơn vị").is_none());
        assert!(find_number_line("Tổng số: 45 hồ sơ").is_none());
    }

    #[test]
    fn number_wrapped_to_next_line() {
        let n = read("Số:\n123/KH-UBND");
        assert_eq!(n.number, Some(123));
    }
}
