//! The run: discovery, facts in parallel (deterministic order whatever the thread count),
//! attachment of files to criteria, checks, and the report with its totals.

use crate::assessment::{self, year_without_documents, Assessment, Evidence, Requested};
use crate::attach::{criterion_of_folder, FileIndex, RowEvidence};
use crate::catalog::Catalog;
use crate::checks::registry::Code;
use crate::checks::sheet::{check_row, RowContext};
use crate::checks::{check_file, FileContext};
use crate::discover::{discover, Entry, UnitDir};
use crate::facts::signature::TrustStore;
use crate::facts::{self, Budget, FileFacts, Outcome, Problem};
use crate::model::*;
use crate::records;
use crate::sheet::{Row, SheetError};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

pub struct Config {
    pub paths: Vec<PathBuf>,
    /// The criteria to judge against; `None`: each unit's workbook is its own catalog.
    pub catalog: Option<Catalog>,
    /// The assessment year (`--year`); else the catalog's, else the submission's.
    pub year: Option<i32>,
    /// Replaces the catalog's cutoff (per-criterion overrides still apply).
    pub cutoff: Option<Date>,
    pub lang: Lang,
    pub jobs: usize,
    /// Rule codes or prefixes (`KC1`, `KC202`); empty = all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub budget: Budget,
    /// Trust anchors for signature verification (built-in roots plus `--trust`).
    pub trust: TrustStore,
    /// Where facts are cached by content hash; `None` = no cache.
    pub cache_dir: Option<PathBuf>,
    /// Draw a progress bar on stderr (the caller decides: a terminal, a human-facing report).
    pub progress: bool,
}

/// Fewer files than this finish before a bar would be worth drawing.
pub const PROGRESS_MIN_FILES: usize = 200;

pub struct Run {
    pub report: Report,
    /// Things the user should know that are not findings (a folder with no workbook…).
    pub notes: Vec<String>,
}

/// Where a discovered file sits.
#[derive(Clone, Copy)]
enum Place {
    Unit,
    Loose,
    Outside,
}

/// Runs the whole check. Err only for what makes a run meaningless (a path that does not exist,
/// nothing to check, a thread pool that cannot start).
pub fn check(config: &Config) -> Result<Run, String> {
    let discovery = discover(&config.paths)?;
    let requested = Requested { year: config.year, cutoff: config.cutoff, catalog: config.catalog.as_ref() };
    let mut years = Evidence {
        workbook_years: discovery
            .units
            .iter()
            .filter_map(|u| match &u.workbook {
                Some((_, Ok(sheet))) => sheet.year,
                _ => None,
            })
            .collect(),
        document_years: Vec::new(),
    };
    let today = jiff::Zoned::now().date();
    // Known before any evidence is read: contradictions stop the run before its long part.
    let early = (year_without_documents(&requested) || !years.workbook_years.is_empty())
        .then(|| assessment::resolve(&requested, &years, today, config.lang))
        .transpose()?;
    let mut entries: Vec<(Place, &Entry)> = Vec::new();
    for unit in &discovery.units {
        entries.extend(unit.files.iter().map(|e| (Place::Unit, e)));
    }
    entries.extend(discovery.loose.iter().map(|e| (Place::Loose, e)));
    entries.extend(discovery.outside.iter().map(|e| (Place::Outside, e)));
    if entries.is_empty() && discovery.units.is_empty() {
        return Err(config.lang.pick(
            "không có tệp nào để kiểm tra (thư mục rỗng?)".to_string(),
            "nothing to check (empty folder?)".to_string(),
        ));
    }

    let mut budget = config.budget.clone();
    if !needs_text(&config.select, &config.ignore) {
        // KC107 compares the signer with the issuing body printed on the header page.
        let header = selected("KC107", &config.select, &config.ignore);
        budget.text = if header { facts::TextScope::Header } else { facts::TextScope::None };
    }
    let mut notes = discovery.notes.clone();
    let cache = open_cache(config, &budget, &mut notes)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(config.jobs.max(1)).build().map_err(|e| e.to_string())?;
    let bar = progress_bar(config, entries.len());
    let all_facts: Vec<Option<FileFacts>> = pool.install(|| {
        entries
            .par_iter()
            .map(|(_, e)| {
                let facts =
                    e.skip.is_none().then(|| facts::extract_cached(&e.path, &budget, &config.trust, cache.as_ref()));
                bar.inc(1);
                facts
            })
            .collect()
    });
    bar.finish_and_clear();
    if let Some(Err(why)) = cache.map(crate::cache::FactsCache::flush) {
        notes.push(config.lang.pick(format!("không ghi được bộ nhớ đệm: {why}"), format!("cache not written: {why}")));
    }

    let (frame, frame_notes) = match early {
        Some(resolved) => resolved,
        None => {
            years.document_years = all_facts
                .iter()
                .flatten()
                .filter_map(|f| crate::checks::readable_pdf(f).and_then(|p| p.header.date.date()))
                .map(|d| i32::from(d.year()))
                .collect();
            assessment::resolve(&requested, &years, today, config.lang)?
        }
    };
    notes.extend(frame_notes);
    let mut findings = Vec::new();
    let mut not_judged = Vec::new();
    let mut records = Vec::new();
    let mut offset = 0;
    let mut unit_rows: Vec<&[Row]> = Vec::new();
    let mut documents = Vec::new();
    for unit in &discovery.units {
        let facts = &all_facts[offset..offset + unit.files.len()];
        offset += unit.files.len();
        let (unit_findings, unit_records, unit_not_judged) = check_unit(unit, facts, config, &frame);
        findings.extend(unit_findings);
        not_judged.extend(unit_not_judged);
        documents.extend(attached_documents(facts, &unit_records));
        records.extend(unit_records);
        unit_rows.push(match &unit.workbook {
            Some((_, Ok(sheet))) => &sheet.rows,
            _ => &[],
        });
    }
    for (index, (place, entry)) in entries.iter().enumerate().skip(offset) {
        let facts = all_facts[index].as_ref();
        let checked = matches!(place, Place::Loose);
        if let (true, Some(facts)) = (checked, facts) {
            let ctx = FileContext {
                unit: None,
                criterion: None,
                rel: &entry.rel,
                facts,
                period_start: frame.period_start,
                cutoff: frame.cutoff,
                lang: config.lang,
            };
            findings.extend(contained(|| check_file(&ctx)));
        }
        records.push(records::file_record(None, entry, facts, Vec::new(), checked, config.lang));
    }

    // Across units, once every file's facts are in.
    findings.extend(contained(|| crate::checks::cross_unit::check(&documents, config.lang)));
    findings.retain(|f| selected(f.code, &config.select, &config.ignore));
    sort_findings(&mut findings);
    records.sort_by(|a, b| (&a.unit, &a.path).cmp(&(&b.unit, &b.path)));
    not_judged.retain(|n| selected(n.code.rule().code, &config.select, &config.ignore));
    let units = records::unit_records(&discovery.units, &unit_rows, &records, &findings, config.catalog.as_ref());
    let summary = records::summarise(&units, &records, &findings, &not_judged);
    let catalog_id = config.catalog.as_ref().map_or(crate::catalog::WORKBOOK_ID, |c| c.id.as_str());
    let report = Report {
        tool: ToolInfo { name: "kiemchung", version: env!("CARGO_PKG_VERSION") },
        catalog: CatalogInfo { id: catalog_id.to_string(), year: frame.year, cutoff: frame.cutoff.to_string() },
        assessment: frame,
        units,
        files: records,
        findings,
        summary,
    };
    Ok(Run { report, notes })
}

/// A bar on stderr for long runs; hidden (and free) otherwise.
fn progress_bar(config: &Config, files: usize) -> indicatif::ProgressBar {
    if !config.progress || files < PROGRESS_MIN_FILES {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(files as u64), indicatif::ProgressDrawTarget::stderr());
    let template = config.lang.pick(
        "{bar:40.cyan/blue} {pos}/{len} tệp · {elapsed_precise} · còn {eta}",
        "{bar:40.cyan/blue} {pos}/{len} files · {elapsed_precise} · {eta} left",
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// The facts cache, unless it is off. It must not lie inside a folder being checked (the input tree
/// is never written to); a store that cannot be opened only costs speed, with a note.
fn open_cache(
    config: &Config,
    budget: &Budget,
    notes: &mut Vec<String>,
) -> Result<Option<crate::cache::FactsCache>, String> {
    let Some(dir) = &config.cache_dir else { return Ok(None) };
    let resolved = dir.canonicalize().unwrap_or_else(|_| dir.clone());
    for input in &config.paths {
        if input.is_dir() && input.canonicalize().is_ok_and(|input| resolved.starts_with(input)) {
            return Err(config.lang.pick(
                format!("--cache '{}' nằm trong thư mục đang kiểm tra: chọn thư mục khác", dir.display()),
                format!("--cache '{}' is inside a folder being checked: choose another", dir.display()),
            ));
        }
    }
    let fingerprint = crate::cache::fingerprint(budget, &config.trust.fingerprint());
    match crate::cache::FactsCache::open(dir, fingerprint) {
        Ok(cache) => Ok(Some(cache)),
        Err(why) => {
            notes.push(config.lang.pick(
                format!("không dùng được bộ nhớ đệm ({why}); chạy không có bộ nhớ đệm"),
                format!("cache unavailable ({why}); running without it"),
            ));
            Ok(None)
        }
    }
}

fn check_unit(
    unit: &UnitDir,
    facts: &[Option<FileFacts>],
    config: &Config,
    frame: &Assessment,
) -> (Vec<Finding>, Vec<FileRecord>, Vec<NotJudged>) {
    let lang = config.lang;
    let mut findings = Vec::new();
    let mut not_judged = Vec::new();
    let rows: &[Row] = match &unit.workbook {
        Some((_, Ok(sheet))) => &sheet.rows,
        _ => &[],
    };
    let own_catalog;
    let catalog = match &config.catalog {
        Some(catalog) => catalog,
        None => {
            own_catalog = Catalog::from_rows(rows, frame);
            &own_catalog
        }
    };
    // Without a catalog, a folder names a criterion when its code has the criteria's shape (`5.3`,
    // `2.1.1`; a bare `2023` is a year, not a code).
    let catalog_given = config.catalog.is_some();
    let known = |code: &str| {
        catalog.get(code).is_some()
            || rows.iter().any(|r| r.code == code)
            || (!catalog_given && code.contains('.') && code.split('.').all(|part| part.len() <= 2))
    };
    let rels: Vec<&str> = unit.files.iter().map(|e| e.rel.as_str()).collect();
    let folders: Vec<Option<String>> = rels.iter().map(|rel| criterion_of_folder(rel, &known)).collect();
    let index = FileIndex::new(&rels);
    let workbook_rel = unit.workbook.as_ref().map(|(rel, _)| rel.as_str());

    // Criterion codes each file is evidence for.
    let mut attached: Vec<BTreeSet<String>> = vec![BTreeSet::new(); unit.files.len()];
    let mut evidence_of_row: Vec<RowEvidence> = Vec::with_capacity(rows.len());
    for row in rows {
        let mut evidence = RowEvidence::default();
        for listed in &row.files {
            match index.resolve(listed, &row.code, &|i| folders[i].clone()) {
                Ok(i) if Some(rels[i]) != workbook_rel => {
                    evidence.files.insert(i);
                }
                Ok(_) => {}
                Err(unresolved) => evidence.unresolved.push(unresolved),
            }
        }
        for (i, folder) in folders.iter().enumerate() {
            if folder.as_deref() == Some(row.code.as_str()) {
                evidence.files.insert(i);
            }
        }
        for &i in &evidence.files {
            attached[i].insert(row.code.clone());
        }
        evidence_of_row.push(evidence);
    }
    // A folder named after a criterion the sheet does not list still holds evidence for it.
    for (i, folder) in folders.iter().enumerate() {
        if let Some(code) = folder {
            attached[i].insert(code.clone());
        }
    }

    for (row, evidence) in rows.iter().zip(&evidence_of_row) {
        let present: Vec<&FileFacts> = evidence.files.iter().filter_map(|&i| facts[i].as_ref()).collect();
        let ctx = RowContext {
            unit: &unit.id,
            row,
            criterion: row.code_is_wellformed.then(|| catalog.get(&row.code)).flatten(),
            evidence: present,
            unresolved: &evidence.unresolved,
            catalog_given,
            lang,
        };
        findings.extend(contained(|| check_row(&ctx)));
        not_judged.extend(crate::checks::sheet::not_judged(&ctx));
    }
    for (i, codes) in attached.iter().enumerate() {
        let Some(file_facts) = facts[i].as_ref() else {
            continue;
        };
        for code in codes {
            let ctx = FileContext {
                unit: Some(&unit.id),
                criterion: Some(code),
                rel: rels[i],
                facts: file_facts,
                period_start: frame.period_start,
                cutoff: catalog.get(code).and_then(|c| c.cutoff).unwrap_or(frame.cutoff),
                lang,
            };
            findings.extend(contained(|| check_file(&ctx)));
        }
    }

    let mut records = Vec::with_capacity(unit.files.len());
    for (i, entry) in unit.files.iter().enumerate() {
        let is_workbook = Some(entry.rel.as_str()) == workbook_rel;
        let mut file_facts = facts[i].clone();
        if is_workbook {
            if let (Some((_, Err(error))), Some(f)) = (&unit.workbook, file_facts.as_mut()) {
                findings.push(workbook_finding(&unit.id, &entry.rel, error, lang));
                if f.outcome == Outcome::Ok {
                    f.outcome = Outcome::Unreadable(Problem::Corrupt(sheet_error_text(error, Lang::En)));
                }
            }
        }
        let codes: Vec<String> = attached[i].iter().cloned().collect();
        let referenced = is_workbook || !codes.is_empty();
        records.push(records::file_record(Some(&unit.id), entry, file_facts.as_ref(), codes, referenced, lang));
    }
    (findings, records, not_judged)
}

/// The readable PDFs a unit attaches to some criterion, as the cross-unit checks see them.
fn attached_documents(facts: &[Option<FileFacts>], records: &[FileRecord]) -> Vec<crate::checks::cross_unit::Document> {
    use crate::vn::number::NumberStatus;
    let mut documents = Vec::new();
    for (facts, record) in facts.iter().zip(records) {
        let (Some(pdf), Some(unit), Some(sha256)) =
            (facts.as_ref().and_then(crate::checks::readable_pdf), &record.unit, &record.sha256)
        else {
            continue;
        };
        if record.criteria.is_empty() {
            continue;
        }
        // Changed after signing (KC103): its text is no longer the issued document's, so it would
        // make the untouched copies look like a reused number.
        let changed_after_signing = pdf
            .signatures
            .iter()
            .any(|s| s.modification_level == crate::facts::signature::diff::ModificationLevel::Other);
        let header = &pdf.header;
        // An OCR reading may misread a digit: only numbers printed in a readable layer are compared.
        let number = header.number.as_ref().filter(|n| n.status == NumberStatus::Ok && pdf.layer_readable());
        documents.push(crate::checks::cross_unit::Document {
            unit: unit.clone(),
            path: record.path.clone(),
            criterion: record.criteria.first().cloned(),
            sha256: sha256.clone(),
            text_sha256: pdf.text_sha256.clone(),
            number: number.filter(|_| !changed_after_signing).map(|n| n.value.clone()),
            issuer: crate::vn::text::fold(&header.issuer.join(" ")),
            year: header.date.date().map(|d| d.year()).or_else(|| number.and_then(|n| n.year).map(|y| y as i16)),
        });
    }
    documents
}

fn sheet_error_text(error: &SheetError, lang: Lang) -> String {
    match error {
        SheetError::NoHeader => lang.pick(
            "không tìm thấy dòng tiêu đề (Mã tiêu chí, Điểm tự chấm, Giải trình, Tài liệu kiểm chứng) trong trang tính nào".into(),
            "no header row (Mã tiêu chí, Điểm tự chấm, Giải trình, Tài liệu kiểm chứng) on any sheet".into(),
        ),
        SheetError::Corrupt(detail) => lang.pick(format!("tệp hỏng, không mở được ({detail})"), format!("corrupt, cannot be opened ({detail})")),
        SheetError::OverBudget(detail) => lang.pick(format!("vượt giới hạn an toàn ({detail})"), format!("over a safety budget ({detail})")),
    }
}

fn workbook_finding(unit: &str, rel: &str, error: &SheetError, lang: Lang) -> Finding {
    let reason = sheet_error_text(error, lang);
    let message = lang.pick(
        format!("Không đọc được bảng tự chấm điểm: {reason}. Điểm tự chấm và giải trình không được kiểm tra."),
        format!("The self-assessment workbook cannot be read: {reason}. Scores and explanations were not checked."),
    );
    Finding::new(Code::KC601, message).unit(Some(unit)).file(Some(rel))
}

/// Runs one check so that a bug in it costs its findings, not the run (the panic message is printed
/// to stderr by the default hook; the other files and rows are still checked).
fn contained(check: impl FnOnce() -> Vec<crate::model::Finding>) -> Vec<crate::model::Finding> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or_default()
}

/// Does any selected rule look at the text of a document beyond its header (number, date, citations,
/// tables, scans)?
fn needs_text(select: &[String], ignore: &[String]) -> bool {
    const TEXT_RULES: &[&str] = &["KC2", "KC3", "KC4", "KC503", "KC603", "KC605", "KC606", "KC7"];
    crate::checks::registry::RULES
        .iter()
        .any(|rule| TEXT_RULES.iter().any(|p| rule.code.starts_with(p)) && selected(rule.code, select, ignore))
}

fn selected(code: &str, select: &[String], ignore: &[String]) -> bool {
    let matches = |list: &[String]| list.iter().any(|p| code.starts_with(&p.to_ascii_uppercase()));
    (select.is_empty() || matches(select)) && !matches(ignore)
}

/// Criterion codes in their natural order: 1.2 < 1.10 < 2.
pub fn criterion_key(code: &str) -> Vec<(u64, String)> {
    code.split('.').map(|part| (part.parse().unwrap_or(u64::MAX), part.to_string())).collect()
}

fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key =
            |f: &Finding| (f.unit.clone(), f.criterion.as_deref().map(criterion_key), f.file.clone(), f.page, f.code);
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
}
