//! `catalog import`: a province's criteria annex, as it is published (an xlsx/xls/ods/csv table, or
//! a table in a .docx), into a catalog. The header is found by meaning (STT / Mã, Lĩnh vực / Tiêu
//! chí / Nội dung, Điểm tối đa, Ghi chú / Phương pháp); codes come as dotted Arabic numbers or as
//! Roman numerals for areas with Arabic numbers under them; maxima may use a decimal comma; kinds
//! follow the nesting. What cannot be placed, and areas whose maxima do not add up, are reported.

use crate::catalog::{Catalog, Criterion, Kind};
use crate::sheet::{read_number, text_of, Grid};
use crate::vn::text::fold;
use calamine::Data;
use std::collections::BTreeMap;
use std::path::Path;

/// Rows searched for the header.
const HEADER_SEARCH_ROWS: usize = 30;
/// Larger annexes are refused: a criteria annex is a few hundred rows.
const MAX_ANNEX_BYTES: u64 = 64 * 1024 * 1024;

/// What the caller knows that the annex may not say.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub id: Option<String>,
    pub year: Option<i32>,
    pub level: Option<String>,
}

/// The imported catalog and what the importer wants the user to look at.
#[derive(Debug)]
pub struct Imported {
    pub catalog: Catalog,
    /// Rows with a title or points that could not be placed, as "dòng N: …".
    pub unplaced: Vec<String>,
    /// Areas and groups whose maximum differs from the sum of their children's.
    pub sums: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Code,
    Title,
    Max,
    Note,
}

const ALIASES: &[(Column, &str)] = &[
    (Column::Code, "stt"),
    (Column::Code, "tt"),
    (Column::Code, "so tt"),
    (Column::Code, "ma"),
    (Column::Code, "ma so"),
    (Column::Code, "ma tieu chi"),
    (Column::Title, "linh vuc"),
    (Column::Title, "tieu chi"),
    (Column::Title, "noi dung"),
    (Column::Title, "ten tieu chi"),
    (Column::Title, "linh vuc tieu chi"),
    (Column::Title, "linh vuc tieu chi tieu chi thanh phan"),
    (Column::Max, "diem toi da"),
    (Column::Max, "toi da"),
    (Column::Max, "diem chuan"),
    (Column::Max, "thang diem"),
    (Column::Max, "diem"),
    (Column::Note, "ghi chu"),
    (Column::Note, "phuong phap"),
    (Column::Note, "phuong phap danh gia"),
    (Column::Note, "cach thuc danh gia"),
    (Column::Note, "tai lieu kiem chung"),
];

/// Reads an annex file (kind by content: a .docx table, a workbook, or CSV by extension).
pub fn import(path: &Path, options: &ImportOptions) -> Result<Imported, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_ANNEX_BYTES {
        return Err(format!("{}: tệp lớn hơn {MAX_ANNEX_BYTES} byte", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let is_csv = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let grids = match crate::facts::sniff::sniff(&bytes) {
        crate::facts::sniff::Kind::Docx => docx_tables(&bytes)?,
        _ => crate::sheet::read_grids(&bytes, is_csv).map_err(|e| format!("{}: {e:?}", path.display()))?,
    };
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("bo-tieu-chi");
    import_grids(&grids, stem, options)
}

/// The first table with a recognisable header becomes the catalog.
pub fn import_grids(grids: &[(String, Grid)], stem: &str, options: &ImportOptions) -> Result<Imported, String> {
    for (_, grid) in grids {
        if let Some((line, columns)) = find_header(grid) {
            return place(grid, line, &columns, stem, options);
        }
    }
    Err("không tìm thấy bảng tiêu chí: cần một dòng tiêu đề có cột STT (hoặc Mã) và cột Điểm tối đa".into())
}

fn find_header(grid: &Grid) -> Option<(usize, Vec<Option<Column>>)> {
    for (r, row) in grid.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let columns: Vec<Option<Column>> = row.iter().map(|cell| best_alias(&fold(&text_of(Some(cell))))).collect();
        let mut seen: Vec<Column> = Vec::new();
        let columns: Vec<Option<Column>> = columns
            .into_iter()
            .map(|c| match c {
                Some(column) if !seen.contains(&column) => {
                    seen.push(column);
                    Some(column)
                }
                _ => None,
            })
            .collect();
        if seen.contains(&Column::Code) && seen.contains(&Column::Max) {
            return Some((r, columns));
        }
    }
    None
}

fn best_alias(label: &str) -> Option<Column> {
    if label.is_empty() || label.len() > 120 {
        return None;
    }
    let padded = format!(" {label} ");
    ALIASES
        .iter()
        .filter(|(_, alias)| match *alias {
            "tt" | "ma" | "stt" | "diem" => {
                label == *alias || label.starts_with(&format!("{alias} ")) && alias.len() > 2
            }
            _ => padded.contains(&format!(" {alias} ")),
        })
        .max_by_key(|(_, alias)| alias.len())
        .map(|(column, _)| *column)
}

/// A code cell as written: `1.2.`, `II`, `Tiêu chí 1.2`; `None` for blanks and totals.
enum CodeCell {
    Arabic(Vec<u32>),
    Roman(u32),
    Other(String),
}

fn read_code(text: &str) -> Option<CodeCell> {
    let trimmed = text.trim().trim_end_matches(['.', ')', ':']).trim();
    if trimmed.is_empty() {
        return None;
    }
    let folded = fold(trimmed);
    if folded.starts_with("tong") || folded.starts_with("cong") {
        return None;
    }
    let digits = trimmed.trim_start_matches(|c: char| !c.is_ascii_digit() && !"IVXL".contains(c));
    if !digits.is_empty()
        && digits.len() < trimmed.len()
        && !["tieu chi", "tc", "linh vuc"].iter().any(|p| folded.starts_with(p))
    {
        return Some(CodeCell::Other(trimmed.to_string()));
    }
    if let Ok(parts) = digits.split('.').map(|p| p.trim().parse::<u32>()).collect::<Result<Vec<_>, _>>() {
        return Some(CodeCell::Arabic(parts));
    }
    match roman_value(digits) {
        Some(value) => Some(CodeCell::Roman(value)),
        None => Some(CodeCell::Other(trimmed.to_string())),
    }
}

fn roman_value(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 6 || !text.chars().all(|c| "IVXL".contains(c)) {
        return None;
    }
    let value = |c| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        _ => 50,
    };
    let digits: Vec<u32> = text.chars().map(value).collect();
    let mut total = 0;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|next| next > d) {
            total -= *d as i32;
        } else {
            total += *d as i32;
        }
    }
    u32::try_from(total).ok().filter(|v| *v > 0)
}

struct Placed {
    code: String,
    title: String,
    max: f64,
    marks: String,
}

fn place(
    grid: &Grid,
    header: usize,
    columns: &[Option<Column>],
    stem: &str,
    options: &ImportOptions,
) -> Result<Imported, String> {
    let column = |wanted: Column| columns.iter().position(|c| *c == Some(wanted));
    let (code_col, max_col) = (column(Column::Code).unwrap(), column(Column::Max).unwrap());
    let title_col = column(Column::Title);
    let mut placed: Vec<Placed> = Vec::new();
    let mut unplaced = Vec::new();
    let mut area: Option<u32> = None;
    for (index, row) in grid.iter().enumerate().skip(header + 1) {
        let line = index + 1;
        let cell = |c: Option<usize>| text_of(c.and_then(|c| row.get(c)));
        let title = cell(title_col);
        let (max, max_text) = read_number(row.get(max_col));
        let marks = fold(&row.iter().map(|c| text_of(Some(c))).collect::<Vec<_>>().join(" "));
        let code = match read_code(&cell(Some(code_col))) {
            None if max.is_none() && max_text.is_none() => continue, // blank, a total, a heading
            None => {
                if !fold(&cell(Some(code_col))).starts_with("tong") && !fold(&title).starts_with("tong") {
                    unplaced.push(format!("dòng {line}: có điểm nhưng không có mã ({})", excerpt(&title)));
                }
                continue;
            }
            Some(CodeCell::Roman(value)) => {
                area = Some(value);
                value.to_string()
            }
            Some(CodeCell::Arabic(parts)) => {
                let join = |parts: &[u32]| parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".");
                let absolute = join(&parts);
                let prefixed = area.map(|a| join(&[&[a][..], &parts].concat()));
                match (area, prefixed) {
                    // Under Roman area II, `1` and `1.2` are 2.1 and 2.1.2; `2.1` is already whole,
                    // unless it was placed already (then it was the `1` of area I's `1.1`).
                    (Some(a), Some(prefixed))
                        if parts[0] != a || parts.len() == 1 || placed.iter().any(|p| p.code == absolute) =>
                    {
                        prefixed
                    }
                    _ => absolute,
                }
            }
            Some(CodeCell::Other(text)) => {
                unplaced.push(format!("dòng {line}: mã \"{text}\" không đọc được ({})", excerpt(&title)));
                continue;
            }
        };
        let Some(max) = max else {
            let why = max_text
                .map_or("không có điểm tối đa".to_string(), |t| format!("điểm tối đa \"{t}\" không phải số"));
            unplaced.push(format!("dòng {line}: tiêu chí {code} {why}"));
            continue;
        };
        if placed.iter().any(|p| p.code == code) {
            unplaced.push(format!("dòng {line}: mã {code} lặp lại"));
            continue;
        }
        placed.push(Placed { code, title, max, marks });
    }
    if placed.is_empty() {
        return Err("bảng tiêu chí không có dòng nào có mã và điểm tối đa".into());
    }
    let title_text = grid[..header].iter().flatten().map(|c| text_of(Some(c))).collect::<Vec<_>>().join(" ");
    let year =
        options.year.or_else(|| year_in(&title_text)).or_else(|| year_in(stem)).ok_or_else(|| {
            "phụ lục không ghi năm (\"năm 2026\" ở tiêu đề hoặc tên tệp): thêm --year NĂM".to_string()
        })?;
    let level = options.level.clone().unwrap_or_else(|| level_in(&fold(&format!("{title_text} {stem}"))).into());
    let criteria = kinds_and_flags(&placed);
    let sums = check_sums(&criteria);
    let id = options.id.clone().unwrap_or_else(|| slug(stem));
    let name = if title_text.trim().is_empty() {
        stem.to_string()
    } else {
        title_text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let toml = crate::catalog::to_toml(&id, &name, &level, year, &format!("Nhập từ phụ lục {stem}"), &criteria);
    let catalog = Catalog::from_toml(&toml).map_err(|e| format!("bộ tiêu chí nhập được không hợp lệ: {e}"))?;
    Ok(Imported { catalog, unplaced, sums })
}

/// Kinds from the nesting; survey-scored rows (and the criteria of a survey-scored area) need no
/// evidence; rows that speak of a statistics table need one.
fn kinds_and_flags(placed: &[Placed]) -> Vec<Criterion> {
    let surveyed = crate::catalog::names_a_survey;
    let tabled = |marks: &str| ["bang thong ke", "bieu thong ke"].iter().any(|w| marks.contains(w));
    placed
        .iter()
        .map(|p| {
            let kind = Kind::from_nesting(&p.code, placed.iter().map(|o| o.code.as_str()));
            let ancestors_surveyed =
                placed.iter().any(|o| p.code.starts_with(&format!("{}.", o.code)) && surveyed(&o.marks));
            Criterion {
                code: p.code.clone(),
                title: p.title.clone(),
                kind,
                max: p.max,
                requires_evidence: kind == Kind::Criterion && !surveyed(&p.marks) && !ancestors_surveyed,
                requires_table: kind == Kind::Criterion && tabled(&p.marks),
                cutoff: None,
            }
        })
        .collect()
}

/// "Lĩnh vực 2: điểm tối đa 5, tổng các tiêu chí con 4,5".
fn check_sums(criteria: &[Criterion]) -> Vec<String> {
    let mut children: BTreeMap<&str, f64> = BTreeMap::new();
    for c in criteria {
        if let Some((parent, _)) = c.code.rsplit_once('.') {
            *children.entry(parent).or_default() += c.max;
        }
    }
    criteria
        .iter()
        .filter(|c| c.kind != Kind::Criterion)
        .filter_map(|c| {
            let sum = children.get(c.code.as_str()).copied()?;
            ((sum - c.max).abs() > 1e-6).then(|| {
                let word = if c.kind == Kind::Area { "lĩnh vực" } else { "nhóm" };
                format!(
                    "{word} {}: điểm tối đa {}, tổng các tiêu chí con {}",
                    c.code,
                    decimal_comma(c.max),
                    decimal_comma(sum)
                )
            })
        })
        .collect()
}

fn decimal_comma(value: f64) -> String {
    crate::checks::points(value, crate::model::Lang::Vi)
}

fn excerpt(text: &str) -> String {
    crate::vn::text::excerpt(text, 60)
}

fn year_in(text: &str) -> Option<i32> {
    crate::sheet::years_in(text).into_iter().next().filter(|y| crate::assessment::YEARS.contains(y))
}

fn level_in(folded: &str) -> &'static str {
    if folded.contains("cap xa") || folded.contains("xa phuong") {
        "xa"
    } else if folded.contains("cap huyen") {
        "huyen"
    } else if folded.contains("so ban nganh") || folded.contains("cap so") || folded.contains("cac so") {
        "so"
    } else if folded.contains("cap tinh") {
        "tinh"
    } else {
        "mixed"
    }
}

fn slug(text: &str) -> String {
    let folded = fold(text);
    let slug = folded.split_whitespace().collect::<Vec<_>>().join("-");
    if slug.is_empty() {
        "bo-tieu-chi".into()
    } else {
        slug
    }
}

/// Every top-level table of a .docx (`word/document.xml`) as a grid of text cells; a cell's
/// paragraphs are joined by new lines. Zip and XML bombs stop at the container budgets first.
pub fn docx_tables(bytes: &[u8]) -> Result<Vec<(String, Grid)>, String> {
    use quick_xml::events::Event;
    crate::sheet::check_unzipped_size(bytes).map_err(|e| format!("docx: {e:?}"))?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("docx: {e}"))?;
    let mut xml = String::new();
    {
        use std::io::Read;
        let mut entry = archive.by_name("word/document.xml").map_err(|e| format!("docx: word/document.xml: {e}"))?;
        entry.read_to_string(&mut xml).map_err(|e| format!("docx: {e}"))?;
    }
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut tables: Vec<(String, Grid)> = Vec::new();
    let (mut depth, mut in_text) = (0usize, false);
    // Paragraphs above a table (its title, "năm 2026") become its first rows.
    let mut preamble: Vec<String> = vec![String::new()];
    loop {
        match reader.read_event().map_err(|e| format!("docx: XML: {e}"))? {
            Event::Eof => break,
            Event::Start(tag) => match tag.local_name().into_inner() {
                "tbl" => {
                    depth += 1;
                    if depth == 1 {
                        let written: Vec<&String> = preamble.iter().filter(|p| !p.trim().is_empty()).collect();
                        let title_rows = &written[written.len().saturating_sub(5)..];
                        let grid = title_rows.iter().map(|p| vec![Data::String(p.trim().to_string())]).collect();
                        tables.push((format!("bảng {}", tables.len() + 1), grid));
                        preamble = vec![String::new()];
                    }
                }
                "tr" if depth == 1 => tables.last_mut().unwrap().1.push(Vec::new()),
                "tc" if depth == 1 => {
                    if let Some(row) = tables.last_mut().and_then(|t| t.1.last_mut()) {
                        row.push(Data::String(String::new()));
                    }
                }
                "t" => in_text = true,
                _ => {}
            },
            Event::End(tag) => match tag.local_name().into_inner() {
                "tbl" => depth = depth.saturating_sub(1),
                "t" => in_text = false,
                "p" if depth == 0 => preamble.push(String::new()),
                "p" => push_cell_text(&mut tables, "\n"),
                _ => {}
            },
            Event::Text(text) if in_text && depth == 0 => preamble.last_mut().unwrap().push_str(&text.html_content()),
            Event::Text(text) if in_text => push_cell_text(&mut tables, &text.html_content()),
            Event::GeneralRef(reference) if in_text => {
                let name = reference.into_inner();
                let resolved = match name.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    other => other
                        .strip_prefix("#x")
                        .map(|hex| u32::from_str_radix(hex, 16))
                        .or_else(|| other.strip_prefix('#').map(str::parse::<u32>))
                        .and_then(Result::ok)
                        .and_then(char::from_u32),
                };
                match resolved {
                    Some(c) if depth == 0 => preamble.last_mut().unwrap().push(c),
                    Some(c) => push_cell_text(&mut tables, c.encode_utf8(&mut [0; 4])),
                    None => {}
                }
            }
            _ => {}
        }
    }
    for (_, grid) in &mut tables {
        for cell in grid.iter_mut().flatten() {
            if let Data::String(text) = cell {
                *text = text.trim().to_string();
            }
        }
    }
    Ok(tables)
}

fn push_cell_text(tables: &mut [(String, Grid)], text: &str) {
    if let Some(Data::String(cell)) = tables.last_mut().and_then(|t| t.1.last_mut()).and_then(|r| r.last_mut()) {
        cell.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        rows.iter().map(|r| r.iter().map(|c| Data::String(c.to_string())).collect()).collect()
    }

    #[test]
    fn roman_areas_arabic_criteria_decimal_commas_and_marks() {
        let annex = grid(&[
            &["BỘ TIÊU CHÍ ĐÁNH GIÁ CHỈ SỐ CCHC CẤP XÃ NĂM 2026", "", "", ""],
            &["STT", "Lĩnh vực/Tiêu chí", "Điểm tối đa", "Ghi chú"],
            &["I", "Công tác chỉ đạo", "3,5", ""],
            &["1", "Kế hoạch CCHC", "1,5", ""],
            &["2", "Báo cáo CCHC", "2", "Kèm Bảng thống kê"],
            &["II", "Tác động của CCHC", "4", "Điều tra xã hội học"],
            &["2.1", "Sự hài lòng", "2", ""],
            &["2.2", "Tiếp cận thông tin", "1", ""],
            &["", "Ghi chú: điểm thưởng", "0,5", ""],
            &["x", "Tiêu chí lạ", "1", ""],
            &["", "TỔNG CỘNG", "7,5", ""],
        ]);
        let imported = import_grids(&[("s".into(), annex)], "phu-luc", &ImportOptions::default()).unwrap();
        let c = &imported.catalog;
        let codes: Vec<(&str, Kind, f64)> = c.criteria.iter().map(|c| (c.code.as_str(), c.kind, c.max)).collect();
        assert_eq!(
            codes,
            [
                ("1", Kind::Area, 3.5),
                ("1.1", Kind::Criterion, 1.5),
                ("1.2", Kind::Criterion, 2.0),
                ("2", Kind::Area, 4.0),
                ("2.1", Kind::Criterion, 2.0),
                ("2.2", Kind::Criterion, 1.0)
            ]
        );
        assert_eq!((c.year, c.level.as_str()), (2026, "xa"));
        assert!(c.get("1.2").unwrap().requires_table && !c.get("1.1").unwrap().requires_table);
        assert!(!c.get("2.1").unwrap().requires_evidence, "criteria of a survey-scored area need no evidence");
        assert!(c.get("1.1").unwrap().requires_evidence);
        assert_eq!(imported.sums, ["lĩnh vực 2: điểm tối đa 4, tổng các tiêu chí con 3"]);
        assert_eq!(imported.unplaced.len(), 2, "{:?}", imported.unplaced);
        assert!(imported.unplaced[1].contains("\"x\""), "{:?}", imported.unplaced);
    }

    #[test]
    fn refusals_say_what_is_missing() {
        let no_header = grid(&[&["a", "b"], &["1", "2"]]);
        assert!(import_grids(&[("s".into(), no_header)], "x", &ImportOptions::default()).unwrap_err().contains("STT"));
        let no_year = grid(&[&["TT", "Nội dung", "Điểm"], &["1", "A", "1"]]);
        let error = import_grids(&[("s".into(), no_year.clone())], "phu-luc", &ImportOptions::default()).unwrap_err();
        assert!(error.contains("--year"), "{error}");
        let options = ImportOptions { year: Some(2026), ..Default::default() };
        assert_eq!(import_grids(&[("s".into(), no_year)], "phu-luc", &options).unwrap().catalog.year, 2026);
    }

    #[test]
    fn roman_numerals() {
        assert_eq!(["I", "IV", "VIII", "IX", "XII"].map(roman_value), [Some(1), Some(4), Some(8), Some(9), Some(12)]);
        assert_eq!(roman_value("A"), None);
    }
}
