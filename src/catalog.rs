//! Criteria catalogs (`rules/*.toml`, or the same schema as JSON): codes, maxima, which criteria
//! need evidence or a statistics table, the assessment period and the data cutoff. Catalogs ship
//! embedded in the binary and are also read from a path; a broken one is refused with a message
//! that names the place.

use crate::vn::date::parse_loose;
use jiff::civil::Date;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// Catalogs built into the binary: (id, TOML text).
pub const EMBEDDED: &[(&str, &str)] =
    &[("tinh-2023", include_str!("../rules/tinh-2023.toml")), ("xa-2023", include_str!("../rules/xa-2023.toml"))];

/// The template `template` starts from when no catalog is named.
pub const DEFAULT_ID: &str = "tinh-2023";

/// The id reports show when each unit's workbook was its own catalog (no `--catalog`).
pub const WORKBOOK_ID: &str = "workbook";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Area,
    Group,
    Criterion,
}

impl Kind {
    /// A code with codes below it (`2` above `2.1`) is an area (no dot) or a group; else a criterion.
    pub fn from_nesting<'a>(code: &str, all: impl IntoIterator<Item = &'a str>) -> Kind {
        let prefix = format!("{code}.");
        match (all.into_iter().any(|other| other.starts_with(&prefix)), code.contains('.')) {
            (true, false) => Kind::Area,
            (true, true) => Kind::Group,
            (false, _) => Kind::Criterion,
        }
    }
}

/// Does this folded text say a criterion is scored by a survey (no evidence to attach)?
pub fn names_a_survey(folded: &str) -> bool {
    let padded = format!(" {folded} ");
    ["dieu tra xa hoi hoc", "khao sat", "xhh"].iter().any(|w| padded.contains(&format!(" {w} ")))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub code: String,
    pub title: String,
    pub kind: Kind,
    pub max: f64,
    pub requires_evidence: bool,
    pub requires_table: bool,
    pub cutoff: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub id: String,
    pub name: String,
    pub level: String,
    pub year: i32,
    pub period_start: Date,
    pub cutoff: Date,
    pub basis: Option<String>,
    pub criteria: Vec<Criterion>,
    index: HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    id: String,
    name: String,
    level: String,
    year: i32,
    period_start: String,
    cutoff: String,
    basis: Option<String>,
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    code: String,
    title: String,
    kind: Kind,
    max: f64,
    #[serde(default = "yes")]
    requires_evidence: bool,
    #[serde(default)]
    requires_table: bool,
    cutoff: Option<String>,
}

fn yes() -> bool {
    true
}

const LEVELS: &[&str] = &["tinh", "so", "huyen", "xa", "mixed"];

impl Catalog {
    pub fn get(&self, code: &str) -> Option<&Criterion> {
        self.index.get(code).map(|&i| &self.criteria[i])
    }

    /// The data cutoff for a criterion: its own override, else the catalog's.
    pub fn cutoff_for(&self, code: Option<&str>) -> Date {
        code.and_then(|c| self.get(c)).and_then(|c| c.cutoff).unwrap_or(self.cutoff)
    }

    /// A unit's own criteria when no catalog is given: the workbook's rows are the catalog. A code
    /// with rows below it (`2` above `2.1`) is an area (no dot) or a group; the others are criteria,
    /// with the row's maximum (none written: no maximum to exceed) and evidence required unless the
    /// title says the criterion is scored by a survey. No table requirement can be known.
    pub fn from_rows(rows: &[crate::sheet::Row], year: i32, period_start: Date, cutoff: Date) -> Catalog {
        let mut criteria: Vec<Criterion> = Vec::new();
        let mut index = HashMap::new();
        for row in rows.iter().filter(|r| r.code_is_wellformed) {
            if index.contains_key(&row.code) {
                continue; // the first row of a code is the one the checks read
            }
            let kind = Kind::from_nesting(&row.code, rows.iter().map(|r| r.code.as_str()));
            let surveyed = names_a_survey(&crate::vn::text::fold(&row.title));
            index.insert(row.code.clone(), criteria.len());
            criteria.push(Criterion {
                code: row.code.clone(),
                title: row.title.clone(),
                kind,
                max: row.max.unwrap_or(f64::INFINITY),
                requires_evidence: kind == Kind::Criterion && !surveyed,
                requires_table: false,
                cutoff: None,
            });
        }
        Catalog {
            id: WORKBOOK_ID.to_string(),
            name: "Bảng tự chấm điểm của đơn vị".to_string(),
            level: "mixed".to_string(),
            year,
            period_start,
            cutoff,
            basis: None,
            criteria,
            index,
        }
    }

    /// An embedded catalog by id, or a TOML/JSON file by path.
    pub fn resolve(id_or_path: &str) -> Result<Catalog, String> {
        if let Some((id, text)) = EMBEDDED.iter().find(|(id, _)| *id == id_or_path) {
            return Catalog::from_toml(text).map_err(|e| format!("bộ tiêu chí nhúng '{id}': {e}"));
        }
        let path = Path::new(id_or_path);
        if !path.exists() {
            let ids: Vec<&str> = EMBEDDED.iter().map(|(id, _)| *id).collect();
            return Err(format!(
                "không có bộ tiêu chí '{id_or_path}': không phải mã bộ tiêu chí nhúng ({}) và không có tệp ở đường dẫn này",
                ids.join(", ")
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("không đọc được tệp bộ tiêu chí {}: {e}", path.display()))?;
        let parsed = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("json") => Catalog::from_json(&text),
            _ => Catalog::from_toml(&text),
        };
        parsed.map_err(|e| format!("bộ tiêu chí {} không hợp lệ: {e}", path.display()))
    }

    pub fn from_toml(text: &str) -> Result<Catalog, String> {
        // TOML dates become strings so that TOML and JSON share one schema and one error path.
        let value: toml::Value = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        let json = serde_json::to_value(stringify_dates(value)).map_err(|e| e.to_string())?;
        Catalog::from_value(json)
    }

    pub fn from_json(text: &str) -> Result<Catalog, String> {
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("JSON sai cú pháp tại dòng {}, cột {}: {e}", e.line(), e.column()))?;
        Catalog::from_value(json)
    }

    fn from_value(json: serde_json::Value) -> Result<Catalog, String> {
        let raw: RawCatalog =
            serde_path_to_error::deserialize(json).map_err(|e| format!("tại '{}': {}", e.path(), e.inner()))?;
        validate(raw)
    }
}

/// A catalog as TOML in the embedded catalogs' layout (one `[[criteria]]` table per row), for
/// `catalog import` and `catalog export`. Strings are quoted by the toml crate.
pub fn to_toml(id: &str, name: &str, level: &str, year: i32, basis: &str, criteria: &[Criterion]) -> String {
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    let mut out = format!(
        "id = {}\nname = {}\nlevel = {}\nyear = {year}\nperiod_start = {year}-01-01\ncutoff = {year}-12-10\nbasis = {}\n",
        quote(id),
        quote(name),
        quote(level),
        quote(basis)
    );
    for c in criteria {
        let kind = match c.kind {
            Kind::Area => "area",
            Kind::Group => "group",
            Kind::Criterion => "criterion",
        };
        out.push_str(&format!(
            "\n[[criteria]]\ncode = {}\ntitle = {}\nkind = \"{kind}\"\nmax = {}\nrequires_evidence = {}\nrequires_table = {}\n",
            quote(&c.code),
            quote(&c.title),
            toml::Value::Float(c.max),
            c.requires_evidence,
            c.requires_table
        ));
        if let Some(cutoff) = c.cutoff {
            out.push_str(&format!("cutoff = {cutoff}\n"));
        }
    }
    out
}

impl Catalog {
    /// This catalog as TOML (its own period and cutoff kept).
    pub fn to_toml(&self) -> String {
        let basis = self.basis.as_deref().unwrap_or("");
        let text = to_toml(&self.id, &self.name, &self.level, self.year, basis, &self.criteria);
        text.replacen(
            &format!("period_start = {}-01-01", self.year),
            &format!("period_start = {}", self.period_start),
            1,
        )
        .replacen(&format!("cutoff = {}-12-10", self.year), &format!("cutoff = {}", self.cutoff), 1)
    }

    /// The text `catalog export` writes: an embedded catalog as shipped (its comments say it is a
    /// template), a file's catalog re-written.
    pub fn export_text(id_or_path: &str) -> Result<String, String> {
        match EMBEDDED.iter().find(|(id, _)| *id == id_or_path) {
            Some((_, text)) => Ok(text.to_string()),
            None => Catalog::resolve(id_or_path).map(|c| c.to_toml()),
        }
    }
}

fn stringify_dates(value: toml::Value) -> toml::Value {
    match value {
        toml::Value::Datetime(d) => toml::Value::String(d.to_string()),
        toml::Value::Array(items) => toml::Value::Array(items.into_iter().map(stringify_dates).collect()),
        toml::Value::Table(table) => {
            toml::Value::Table(table.into_iter().map(|(k, v)| (k, stringify_dates(v))).collect())
        }
        other => other,
    }
}

fn date_at(text: &str, place: &str) -> Result<Date, String> {
    parse_loose(text).ok_or_else(|| format!("tại '{place}': '{text}' không phải ngày hợp lệ (YYYY-MM-DD)"))
}

fn validate(raw: RawCatalog) -> Result<Catalog, String> {
    if raw.id.trim().is_empty() {
        return Err("tại 'id': mã bộ tiêu chí để trống".into());
    }
    if !LEVELS.contains(&raw.level.as_str()) {
        return Err(format!("tại 'level': '{}' không thuộc {}", raw.level, LEVELS.join(" | ")));
    }
    let period_start = date_at(&raw.period_start, "period_start")?;
    let cutoff = date_at(&raw.cutoff, "cutoff")?;
    if cutoff < period_start {
        return Err(format!(
            "tại 'cutoff': thời điểm chốt số liệu {cutoff} trước ngày bắt đầu kỳ đánh giá {period_start}"
        ));
    }
    let code_shape = regex::Regex::new(r"^\d+(\.\d+)*$").unwrap();
    let mut criteria = Vec::with_capacity(raw.criteria.len());
    let mut index = HashMap::new();
    for (i, c) in raw.criteria.into_iter().enumerate() {
        let place = format!("criteria[{i}] (code '{}')", c.code);
        if !code_shape.is_match(&c.code) {
            return Err(format!("tại '{place}': mã tiêu chí phải có dạng 1, 1.2 hoặc 1.2.3"));
        }
        if !(c.max.is_finite() && c.max >= 0.0) {
            return Err(format!("tại '{place}.max': điểm tối đa phải là số không âm"));
        }
        if index.insert(c.code.clone(), i).is_some() {
            return Err(format!("tại '{place}': mã tiêu chí bị trùng"));
        }
        let own_cutoff = c.cutoff.as_deref().map(|t| date_at(t, &format!("{place}.cutoff"))).transpose()?;
        criteria.push(Criterion {
            code: c.code,
            title: c.title,
            kind: c.kind,
            max: c.max,
            requires_evidence: c.requires_evidence,
            requires_table: c.requires_table,
            cutoff: own_cutoff,
        });
    }
    Ok(Catalog {
        id: raw.id,
        name: raw.name,
        level: raw.level,
        year: raw.year,
        period_start,
        cutoff,
        basis: raw.basis,
        criteria,
        index,
    })
}

/// Criterion codes in their natural order: 1.2 < 1.10 < 2.
pub fn criterion_key(code: &str) -> Vec<(u64, String)> {
    code.split('.').map(|part| (part.parse().unwrap_or(u64::MAX), part.to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
id = "t"
name = "thử"
level = "xa"
year = 2023
period_start = 2023-01-01
cutoff = 2023-12-10
[[criteria]]
code = "1.1"
title = "Kế hoạch"
kind = "criterion"
max = 1.5
cutoff = 2023-11-30
"#;

    #[test]
    fn toml_round_trip() {
        for (id, _) in EMBEDDED {
            let catalog = Catalog::resolve(id).unwrap();
            let again = Catalog::from_toml(&catalog.to_toml()).unwrap();
            assert_eq!(again.criteria, catalog.criteria);
            assert_eq!(
                (again.year, again.cutoff, again.period_start),
                (catalog.year, catalog.cutoff, catalog.period_start)
            );
        }
        let odd = Catalog::from_toml(&SMALL.replace("\"Kế hoạch\"", "\"Kế \\\"hoạch\\\" năm\"")).unwrap();
        assert_eq!(Catalog::from_toml(&odd.to_toml()).unwrap().criteria, odd.criteria);
    }

    #[test]
    fn embedded_catalogs_load() {
        for (id, _) in EMBEDDED {
            let catalog = Catalog::resolve(id).unwrap();
            assert_eq!(&catalog.id, id);
            assert!(catalog.criteria.len() > 20);
        }
    }

    #[test]
    fn toml_with_defaults_and_overrides() {
        let c = Catalog::from_toml(SMALL).unwrap();
        let crit = c.get("1.1").unwrap();
        assert!(crit.requires_evidence && !crit.requires_table);
        assert_eq!(c.cutoff_for(Some("1.1")).to_string(), "2023-11-30");
        assert_eq!(c.cutoff_for(Some("9.9")).to_string(), "2023-12-10");
    }

    #[test]
    fn json_schema_is_the_same() {
        let json = r#"{"id":"j","name":"n","level":"so","year":2023,"period_start":"2023-01-01",
            "cutoff":"2023-12-10","criteria":[{"code":"2","title":"a","kind":"area","max":3}]}"#;
        assert_eq!(Catalog::from_json(json).unwrap().criteria[0].kind, Kind::Area);
    }

    #[test]
    fn broken_catalogs_name_the_place() {
        let typo = SMALL.replace("max = 1.5", "max = 1.5\nrequires_tabel = true");
        assert!(Catalog::from_toml(&typo).unwrap_err().contains("criteria[0]"));
        let bad_kind = SMALL.replace("\"criterion\"", "\"tieu-chi\"");
        assert!(Catalog::from_toml(&bad_kind).unwrap_err().contains("criteria[0].kind"));
        let bad_code = SMALL.replace("\"1.1\"", "\"1.a\"");
        assert!(Catalog::from_toml(&bad_code).unwrap_err().contains("1.a"));
        let syntax = SMALL.replace("year = 2023", "year = ");
        assert!(Catalog::from_toml(&syntax).unwrap_err().contains("line"));
        let order = SMALL.replace("cutoff = 2023-12-10", "cutoff = 2022-12-10");
        assert!(Catalog::from_toml(&order).unwrap_err().contains("cutoff"));
        assert!(Catalog::resolve("khong-co").unwrap_err().contains("tinh-2023"));
    }
}
