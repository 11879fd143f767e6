//! The frame of time a run judges dates in: the assessment year, the period (from 1 January) and
//! the data cutoff ("thời điểm chốt số liệu"), each with where it came from. Units assess the year
//! before the one they submit in, against criteria their province re-issues every year, so nothing
//! here is fixed: the year comes from `--year`, else the catalog, else the submission itself.

use crate::catalog::Catalog;
use crate::rules::Lang;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the assessment year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum YearFrom {
    /// `--year`.
    Option,
    /// The catalog given with `--catalog`.
    Catalog,
    /// The workbook's title or sheet text ("năm 2026").
    Workbook,
    /// The year most evidence is dated in.
    Dates,
    /// Nothing said: the year before today's (the year units assess), with a note.
    Default,
}

/// Where the cutoff came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CutoffFrom {
    Option,
    Catalog,
    /// 10 December of the assessment year.
    Default,
}

/// The frame every date rule uses (JSON `assessment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub year: i32,
    pub year_from: YearFrom,
    pub period_start: Date,
    pub cutoff: Date,
    pub cutoff_from: CutoffFrom,
}

/// What the caller asked for (`--year`, `--cutoff`) and what the catalog says.
#[derive(Debug, Clone, Copy, Default)]
pub struct Requested<'a> {
    pub year: Option<i32>,
    pub cutoff: Option<Date>,
    pub catalog: Option<&'a Catalog>,
}

/// Years the submission speaks of: one per workbook that names one, one per dated document.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub workbook_years: Vec<i32>,
    pub document_years: Vec<i32>,
}

/// Years a PAR INDEX assessment can be about (the index began in 2012).
pub const YEARS: std::ops::RangeInclusive<i32> = 2012..=2100;

/// The year is known without reading any evidence (so contradictions can stop the run early).
pub fn year_without_documents(requested: &Requested) -> bool {
    requested.year.is_some() || requested.catalog.is_some()
}

/// Resolves the frame. Err (a usage error, exit 2) when the inputs contradict each other; the
/// message says what to change. Notes tell the user where a guessed value came from.
pub fn resolve(
    requested: &Requested,
    evidence: &Evidence,
    today: Date,
    lang: Lang,
) -> Result<(Assessment, Vec<String>), String> {
    let mut notes = Vec::new();
    if let Some(year) = requested.year {
        if !YEARS.contains(&year) {
            return Err(lang.pick(
                format!("--year {year}: năm đánh giá phải trong khoảng {}–{}", YEARS.start(), YEARS.end()),
                format!("--year {year}: the assessment year must be within {}–{}", YEARS.start(), YEARS.end()),
            ));
        }
    }
    if let (Some(year), Some(catalog)) = (requested.year, requested.catalog) {
        if catalog.year != year {
            return Err(lang.pick(
                format!(
                    "--year {year} mâu thuẫn với bộ tiêu chí '{}' (năm {}): bỏ --year, hoặc dùng bộ tiêu chí năm {year} (--catalog TỆP; tạo từ phụ lục của tỉnh bằng 'kiemchung catalog import')",
                    catalog.id, catalog.year
                ),
                format!(
                    "--year {year} contradicts catalog '{}' (year {}): drop --year, or use a {year} catalog (--catalog FILE; make one from the province's annex with 'kiemchung catalog import')",
                    catalog.id, catalog.year
                ),
            ));
        }
    }
    let workbook_year = most_common(&evidence.workbook_years);
    let (year, year_from) = if let Some(year) = requested.year {
        (year, YearFrom::Option)
    } else if let Some(catalog) = requested.catalog {
        (catalog.year, YearFrom::Catalog)
    } else if let Some(year) = workbook_year {
        (year, YearFrom::Workbook)
    } else if let Some(year) = most_common(&evidence.document_years) {
        notes.push(lang.pick(
            format!("năm đánh giá {year} lấy theo năm ban hành của phần lớn tài liệu kiểm chứng (bảng tự chấm không ghi năm); dùng --year nếu không đúng"),
            format!("assessment year {year} taken from the year most evidence is dated in (the workbook names no year); use --year if that is wrong"),
        ));
        (year, YearFrom::Dates)
    } else {
        let year = today.year() as i32 - 1;
        notes.push(lang.pick(
            format!("không xác định được năm đánh giá (không có --year, bộ tiêu chí, năm trong bảng tự chấm hay ngày của tài liệu): dùng năm {year}"),
            format!("no assessment year found (no --year, catalog, year in a workbook or dated evidence): using {year}"),
        ));
        (year, YearFrom::Default)
    };
    if let Some(named) = workbook_year.filter(|named| *named != year) {
        notes.push(lang.pick(
            format!("bảng tự chấm ghi năm {named} nhưng năm đánh giá là {year} (theo {})", year_from.word(lang)),
            format!(
                "the workbook names year {named} but the assessment year is {year} (from the {})",
                year_from.word(lang)
            ),
        ));
    }
    let period_start =
        requested.catalog.map(|c| c.period_start).unwrap_or_else(|| jiff::civil::date(year as i16, 1, 1));
    let (cutoff, cutoff_from) = match (requested.cutoff, requested.catalog) {
        (Some(cutoff), _) => (cutoff, CutoffFrom::Option),
        (None, Some(catalog)) => (catalog.cutoff, CutoffFrom::Catalog),
        (None, None) => (jiff::civil::date(year as i16, 12, 10), CutoffFrom::Default),
    };
    if cutoff < period_start {
        return Err(lang.pick(
            format!(
                "thời điểm chốt số liệu {cutoff} ({}) trước ngày bắt đầu kỳ đánh giá {period_start} (năm {year}, theo {}): mọi tài liệu sẽ bị coi là sau thời điểm chốt. Sửa --cutoff (ví dụ --cutoff {year}-12-10) hoặc --year",
                cutoff_from.word(lang),
                year_from.word(lang)
            ),
            format!(
                "the data cutoff {cutoff} (from the {}) is before the assessment period starts, {period_start} (year {year}, from the {}): every document would be after the cutoff. Fix --cutoff (e.g. --cutoff {year}-12-10) or --year",
                cutoff_from.word(lang),
                year_from.word(lang)
            ),
        ));
    }
    if cutoff.year() as i32 > year + 1 {
        notes.push(lang.pick(
            format!("thời điểm chốt số liệu {cutoff} muộn hơn năm đánh giá {year} hơn một năm: kiểm tra lại --cutoff"),
            format!("the data cutoff {cutoff} is over a year after the assessment year {year}: check --cutoff"),
        ));
    }
    Ok((Assessment { year, year_from, period_start, cutoff, cutoff_from }, notes))
}

impl YearFrom {
    pub fn word(self, lang: Lang) -> &'static str {
        match self {
            YearFrom::Option => lang.pick("tùy chọn --year", "--year option"),
            YearFrom::Catalog => lang.pick("bộ tiêu chí", "catalog"),
            YearFrom::Workbook => lang.pick("bảng tự chấm điểm", "workbook"),
            YearFrom::Dates => lang.pick("ngày của tài liệu kiểm chứng", "dates of the evidence"),
            YearFrom::Default => lang.pick("mặc định", "default"),
        }
    }
}

impl CutoffFrom {
    pub fn word(self, lang: Lang) -> &'static str {
        match self {
            CutoffFrom::Option => lang.pick("tùy chọn --cutoff", "--cutoff option"),
            CutoffFrom::Catalog => lang.pick("bộ tiêu chí", "catalog"),
            CutoffFrom::Default => lang.pick("mặc định 10/12 của năm đánh giá", "default: 10 December of the year"),
        }
    }
}

impl Assessment {
    /// "năm 2026 (theo bảng tự chấm điểm); kỳ đánh giá từ 01/01/2026; chốt số liệu 10/12/2026 (…)".
    pub fn describe(&self, lang: Lang) -> String {
        use crate::vn::date::dmy;
        lang.pick(
            format!(
                "năm đánh giá {} (theo {}); kỳ đánh giá từ {}; chốt số liệu {} (theo {})",
                self.year,
                self.year_from.word(lang),
                dmy(self.period_start),
                dmy(self.cutoff),
                self.cutoff_from.word(lang)
            ),
            format!(
                "assessment year {} (from the {}); period from {}; data cutoff {} (from the {})",
                self.year,
                self.year_from.word(lang),
                dmy(self.period_start),
                dmy(self.cutoff),
                self.cutoff_from.word(lang)
            ),
        )
    }
}

/// The most frequent value; ties go to the later year (the one being assessed, not last year's).
fn most_common(years: &[i32]) -> Option<i32> {
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for &year in years.iter().filter(|y| YEARS.contains(y)) {
        *counts.entry(year).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(year, count)| (count, year)).map(|(year, _)| year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 12, 6)
    }

    fn catalog(year: i32) -> Catalog {
        let text = format!(
            "id = \"t\"\nname = \"n\"\nlevel = \"xa\"\nyear = {year}\nperiod_start = {year}-01-01\ncutoff = {year}-11-30\n\
             [[criteria]]\ncode = \"1.1\"\ntitle = \"a\"\nkind = \"criterion\"\nmax = 1\n"
        );
        Catalog::from_toml(&text).unwrap()
    }

    fn years(workbook: &[i32], documents: &[i32]) -> Evidence {
        Evidence { workbook_years: workbook.to_vec(), document_years: documents.to_vec() }
    }

    #[test]
    fn the_year_comes_from_the_first_source_that_names_one() {
        let none = Requested::default();
        let (a, notes) = resolve(&none, &years(&[2026], &[2025, 2026]), today(), Lang::Vi).unwrap();
        assert_eq!((a.year, a.year_from, a.cutoff_from), (2026, YearFrom::Workbook, CutoffFrom::Default));
        assert_eq!((a.period_start.to_string(), a.cutoff.to_string()), ("2026-01-01".into(), "2026-12-10".into()));
        assert!(notes.is_empty());
        let (a, notes) = resolve(&none, &years(&[], &[2025, 2025, 2024]), today(), Lang::Vi).unwrap();
        assert_eq!((a.year, a.year_from), (2025, YearFrom::Dates));
        assert!(notes[0].contains("phần lớn tài liệu"), "{notes:?}");
        let (a, notes) = resolve(&none, &years(&[], &[]), today(), Lang::En).unwrap();
        assert_eq!((a.year, a.year_from), (2025, YearFrom::Default));
        assert_eq!(notes.len(), 1);
        let c = catalog(2024);
        let with_catalog = Requested { catalog: Some(&c), ..Default::default() };
        let (a, notes) = resolve(&with_catalog, &years(&[2026], &[]), today(), Lang::Vi).unwrap();
        assert_eq!((a.year, a.year_from, a.cutoff.to_string()), (2024, YearFrom::Catalog, "2024-11-30".into()));
        assert!(notes[0].contains("2026"), "a workbook that disagrees is told: {notes:?}");
        let option = Requested { year: Some(2023), cutoff: Some(jiff::civil::date(2023, 11, 1)), catalog: None };
        let (a, _) = resolve(&option, &years(&[2023], &[]), today(), Lang::Vi).unwrap();
        assert_eq!(
            (a.year_from, a.cutoff_from, a.cutoff.to_string()),
            (YearFrom::Option, CutoffFrom::Option, "2023-11-01".into())
        );
    }

    #[test]
    fn ties_go_to_the_later_year() {
        assert_eq!(most_common(&[2025, 2026]), Some(2026));
        assert_eq!(most_common(&[2025, 2025, 2026]), Some(2025));
        assert_eq!(most_common(&[1900, 3000]), None);
    }

    #[test]
    fn contradictions_are_errors_that_say_what_to_change() {
        let early = Requested { cutoff: Some(jiff::civil::date(2025, 12, 10)), ..Default::default() };
        let error = resolve(&early, &years(&[2026], &[]), today(), Lang::Vi).unwrap_err();
        assert!(error.contains("2025-12-10") && error.contains("--cutoff"), "{error}");
        let c = catalog(2023);
        let clash = Requested { year: Some(2026), catalog: Some(&c), ..Default::default() };
        let error = resolve(&clash, &Evidence::default(), today(), Lang::En).unwrap_err();
        assert!(error.contains("--year 2026") && error.contains("catalog import"), "{error}");
        let absurd = Requested { year: Some(26), ..Default::default() };
        assert!(resolve(&absurd, &Evidence::default(), today(), Lang::Vi).is_err());
    }
}
