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
    /// `QĐUBND`: a type and an issuing body run together.
    HyphenMissing,
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
    // wrap to the next line. Without the colon (`Số 2696/QĐ-UBND`, a party's `Số 221-KL/TW`) the
    // number must follow at once: digits and a slash, so that "Số liệu" and "Số 12 hộ" stay prose.
    Regex::new(
        r"(?:^|[^\p{L}])(?:(S[ốỐ]|So|SO)[ \t]*[:：][ \t]*(?:\r?\n[ \t]*)?(?P<rest>[^\n]*)|(S[ốỐ]|SO)[ \t]+(?P<bare>\d{1,6}(?:-\p{L}{1,6})?[ \t]*/[^\n]*))",
    )
    .unwrap()
});
/// A symbol cut after its hyphen continues on the next line: `3783/QĐ-` / `UBND`.
static SYMBOL_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*\r?\n[ \t]*(?P<tail>[\p{Lu}\d&][\p{Lu}\d&.\-]*)(?:[ \t]|\r?\n|$)").unwrap());
/// A party document's number: `221-KL/TW` (number, hyphen, type, slash, issuing body).
static PARTY_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<digits>\d{1,6})-(?P<kind>\p{Lu}[\p{L}]{0,5})$").unwrap());
static WITH_SLASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<num>[^/\n]{0,14}?)[ \t]*/[ \t]*(?P<sym>[^\s,;]*)").unwrap());
static SYMBOL_SHAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\p{L}\d&]+(?:[-.][\p{L}\d&]+)*$").unwrap());

/// Finds the first "Số: …" line in `header` (already NFC) and reads it.
pub fn find_number_line(header: &str) -> Option<NumberLine> {
    let caps = NUMBER_LINE.captures(header)?;
    let so = caps.get(1).or_else(|| caps.get(3))?;
    let rest = caps.name("rest").or_else(|| caps.name("bare"))?;
    let mut text = rest.as_str().to_string();
    let first_token_end = text.find(char::is_whitespace).unwrap_or(text.len());
    if text[..first_token_end].ends_with('-') && first_token_end == text.trim_end().len() {
        if let Some(tail) = SYMBOL_TAIL.captures(&header[rest.end()..]) {
            text = format!("{}{}", text.trim_end(), &tail["tail"]);
        }
    }
    Some(read_number(&header[so.start()..so.end()], &text))
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
    if let Some(party) = PARTY_NUMBER.captures(num).filter(|_| SYMBOL_SHAPE.is_match(sym)) {
        line.number = party["digits"].parse().ok();
        line.doc_type = Some(party["kind"].to_string());
        line.issuer = Some(sym.to_string());
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
    if lost_hyphen(symbol) {
        line.status = NumberStatus::Malformed;
        line.problem = Some(NumberProblem::HyphenMissing);
    }
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

/// `QĐUBND`, `KHSNV`: a document type run into an issuing body that names itself the usual way (a
/// people's committee or council, a ministry, a department). An official letter's symbol has no
/// type and is left alone: `SYT`, `TTYT-KHTC`, `UBND-VX`.
fn lost_hyphen(symbol: &str) -> bool {
    const TYPES: &[&str] = &["QĐ", "KH", "BC", "TTr", "TB", "NQ", "CT", "HD", "KL", "CTr"];
    const BODIES: &[&str] = &["UBND", "HĐND", "VPUB", "BNV", "SNV", "BTC", "BYT"];
    let head = symbol.split('-').next().unwrap_or(symbol);
    TYPES.iter().any(|t| {
        head.strip_prefix(t).is_some_and(|body| {
            BODIES.iter().any(|b| body.starts_with(b))
                || (body.starts_with('S') && body.chars().count() >= 3 && body.chars().all(|c| c.is_uppercase()))
        })
    })
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
    fn headers_as_real_offices_write_them() {
        // No colon; a party's number under ĐẢNG CỘNG SẢN VIỆT NAM.
        let n = read("ỦY BAN NHÂN DÂN\nSố 2696/QĐ-UBND Quảng Trị, ngày 18 tháng 11 năm 2025");
        assert_eq!((n.status.clone(), n.value.as_str()), (NumberStatus::Ok, "2696/QĐ-UBND"));
        let n = read("ĐẢNG CỘNG SẢN VIỆT NAM\nSố 221-KL/TW");
        assert_eq!((n.status.clone(), n.number, n.doc_type.as_deref()), (NumberStatus::Ok, Some(221), Some("KL")));
        assert_eq!((n.value.as_str(), n.issuer.as_deref()), ("221-KL/TW", Some("TW")));
        // The symbol cut after its hyphen, with the date column beside the number or not.
        assert_eq!(read("Số: 3783/QĐ-\nUBND\nNghệ An, ngày 20").value, "3783/QĐ-UBND");
        assert_eq!(read("Số:\n3783/QĐ-\nUBND").value, "3783/QĐ-UBND");
        assert_eq!(read("Số: 3783/QĐ-   Nghệ An, ngày 20\nUBND").value, "3783/QĐ-");
        // A lost hyphen is read and told (KC203), not passed.
        let n = read("Số: 1961/QĐUBND");
        assert_eq!((n.status, n.problem), (NumberStatus::Malformed, Some(NumberProblem::HyphenMissing)));
        for fine in ["Số: 12/SYT", "Số: 45/TTYT-KHTC", "Số: 77/UBND-VX", "Số: 8/CTS-TCCB", "Số: 5/KHĐT-TH"] {
            assert_eq!(read(fine).status, NumberStatus::Ok, "{fine}");
        }
        // Still prose.
        assert!(find_number_line("Số liệu: 12/15 đơn vị").is_none());
        assert!(find_number_line("Số 12 hộ gia đình được hỗ trợ").is_none());
    }

    #[test]
    fn number_wrapped_to_next_line() {
        let n = read("Số:\n123/KH-UBND");
        assert_eq!(n.number, Some(123));
    }
}
