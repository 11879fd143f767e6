//! The place-and-date line (`Phấn Mễ, ngày 24 tháng 11 năm 2023`) and dates written in references
//! (`ngày 5/3/2023`, `ngày 05 tháng 3 năm 2023`).

use jiff::civil::Date;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// What a document's date line says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum DateLine {
    /// A real calendar date.
    Dated { date: Date, raw: String },
    /// "ngày   tháng   năm 2023": day or month (or year) left blank.
    Blank { raw: String },
    /// Written but impossible (31/02, 15/13) or unreadable (letters for digits).
    Invalid { raw: String, reason: InvalidDate },
    /// No date line at all.
    Missing,
}

/// Why a written date is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvalidDate {
    /// Letters where digits should be (`1O`).
    Unreadable,
    /// 31/02, 15/13, 00/07.
    NoSuchDay,
}

impl DateLine {
    pub fn date(&self) -> Option<Date> {
        match self {
            DateLine::Dated { date, .. } => Some(*date),
            _ => None,
        }
    }
    pub fn raw(&self) -> Option<&str> {
        match self {
            DateLine::Dated { raw, .. } | DateLine::Blank { raw } | DateLine::Invalid { raw, .. } => Some(raw),
            DateLine::Missing => None,
        }
    }
}

// Gaps may be spaces, dots, an ellipsis or underscores; the line may wrap anywhere between words.
static WORDED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)ngày[ \t\r\n]*(?P<d>[^\s]{0,10}?)[ \t\r\n]*tháng[ \t\r\n]*(?P<m>[^\s]{0,10}?)[ \t\r\n]*năm(?:[ \t\r\n]*(?P<y>[0-9OoIl]{4}))?",
    )
    .unwrap()
});
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ngày[ \t]*(?P<d>\d{1,2})[ \t]*[/.\-][ \t]*(?P<m>\d{1,2})[ \t]*[/.\-][ \t]*(?P<y>\d{4})").unwrap()
});

/// A date as Vietnamese documents write it: `05/03/2023`.
pub fn dmy(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// The first date line in `header` (NFC). Worded dates are preferred; `, ngày 05/3/2023` is also
/// read because some bodies print the header date that way.
pub fn find_date_line(header: &str) -> DateLine {
    if let Some(c) = WORDED_DATE.captures(header) {
        let raw = crate::vn::text::squeeze(&c[0]);
        return judge(raw, &c["d"], &c["m"], c.name("y").map_or("", |m| m.as_str()));
    }
    if let Some(c) = NUMERIC_DATE.captures(header) {
        let raw = crate::vn::text::squeeze(&c[0]);
        return judge(raw, &c["d"], &c["m"], &c["y"]);
    }
    DateLine::Missing
}

fn is_gap(part: &str) -> bool {
    part.chars().all(|c| matches!(c, '.' | '…' | '_' | '-' | '/' | ',' | '·' | '*'))
}

fn judge(raw: String, day: &str, month: &str, year: &str) -> DateLine {
    if is_gap(day) || is_gap(month) || year.is_empty() {
        return DateLine::Blank { raw };
    }
    let (Some(d), Some(m), Some(y)) = (digits(day), digits(month), digits(year)) else {
        return DateLine::Invalid { raw, reason: InvalidDate::Unreadable };
    };
    match to_date(y, m, d) {
        Some(date) => DateLine::Dated { date, raw },
        None => DateLine::Invalid { raw, reason: InvalidDate::NoSuchDay },
    }
}

fn digits(part: &str) -> Option<u32> {
    let part = part.trim_matches(|c: char| matches!(c, ',' | '.'));
    if part.is_empty() || part.len() > 4 || !part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// A calendar date, or None when it does not exist (31/02, 00/07, 15/13).
pub fn to_date(year: u32, month: u32, day: u32) -> Option<Date> {
    let year = i16::try_from(year).ok()?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    Date::new(year, month, day).ok()
}

/// Reads a date as written in an explanation or a reference: `12/11/2023`, `5/3/2023`,
/// `05 tháng 3 năm 2023`, `12-11-2023`, `2023-11-12`.
pub fn parse_loose(text: &str) -> Option<Date> {
    static DMY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(\d{1,2})\s*(?:[/.\-]|tháng)\s*(\d{1,2})\s*(?:[/.\-]|năm)\s*(\d{4})").unwrap()
    });
    static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})-(\d{2})-(\d{2})").unwrap());
    if let Some(c) = ISO.captures(text) {
        return to_date(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    }
    let c = DMY.captures(text)?;
    to_date(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn reads_dated_lines_in_their_real_variants() {
        let cases = [
            ("Phấn Mễ, ngày 24 tháng 11 năm 2023", date(2023, 11, 24)),
            ("Vĩnh Long, ngày\n13 tháng 12 năm 2022", date(2022, 12, 13)),
            ("Vĩnh Long ngày 05 tháng 01 năm 2023", date(2023, 1, 5)),
            ("Hà Nội, ngày 5 tháng 3\nnăm 2023", date(2023, 3, 5)),
            ("Hà Nội, Ngày 05 tháng 3 năm 2023", date(2023, 3, 5)),
            ("Hà Nội, ngày 05/3/2023", date(2023, 3, 5)),
        ];
        for (text, want) in cases {
            assert_eq!(find_date_line(text).date(), Some(want), "{text}");
        }
    }

    #[test]
    fn blank_dates() {
        for text in [
            "Hớn Quản, ngày   tháng   năm 2023",
            "ngày … tháng … năm 2022",
            "ngày .... tháng .... năm 2023",
            "ngày ___ tháng ___ năm 2023",
            "ngày      tháng 11 năm 2023",
            "ngày   tháng   năm",
        ] {
            assert!(matches!(find_date_line(text), DateLine::Blank { .. }), "{text}");
        }
    }

    #[test]
    fn impossible_and_unreadable_dates() {
        for text in [
            "ngày 31 tháng 02 năm 2023",
            "ngày 29 tháng 02 năm 2023",
            "ngày 32 tháng 10 năm 2023",
            "ngày 15 tháng 13 năm 2023",
            "ngày 00 tháng 07 năm 2023",
            "ngày 31 tháng 04 năm 2023",
        ] {
            assert!(matches!(find_date_line(text), DateLine::Invalid { reason: InvalidDate::NoSuchDay, .. }), "{text}");
        }
        assert!(matches!(
            find_date_line("ngày 1O tháng 11 năm 2023"),
            DateLine::Invalid { reason: InvalidDate::Unreadable, .. }
        ));
        // 29/02 exists in a leap year.
        assert_eq!(find_date_line("ngày 29 tháng 02 năm 2024").date(), Some(date(2024, 2, 29)));
    }

    #[test]
    fn missing_when_no_date_line() {
        assert_eq!(find_date_line("BÁO CÁO\nKết quả"), DateLine::Missing);
    }

    #[test]
    fn loose_reference_dates() {
        assert_eq!(parse_loose("ngày 12/11/2023"), Some(date(2023, 11, 12)));
        assert_eq!(parse_loose("5/3/2023"), Some(date(2023, 3, 5)));
        assert_eq!(parse_loose("05 tháng 3 năm 2023"), Some(date(2023, 3, 5)));
        assert_eq!(parse_loose("2023-12-10"), Some(date(2023, 12, 10)));
        assert_eq!(parse_loose("31/02/2023"), None);
    }
}
