//! The run: discovery, then each unit read and judged in parallel and its facts dropped (only what
//! crosses units is kept), the checks across units, and the report with its totals. The order of
//! everything in the report is fixed whatever the thread count.

use crate::assessment::{self, year_without_documents, Assessment, Evidence, Requested};
use crate::catalog::criterion_key;
use crate::checks::{check_file, FileContext};
use crate::config::{Config, Progress};
use crate::discover::{discover_within, Discovery, Entry, Source, UnitDir};
use crate::error::Error;
use crate::facts::{self, Budget, FileFacts};
use crate::model::*;
use crate::records::{self, Tally, UnitLedger};
use crate::report::{Format, RenderOptions};
use crate::spill::{Encoded, Spill};
use crate::unit::{check_unit, contained, Judged};
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Run {
    pub report: Report,
    /// Things the user should know that are not findings (a folder with no workbook…).
    pub notes: Vec<String>,
}

/// A finished run whose files and findings wait in the spill, to be written out in order without
/// ever being all in memory (a national run: hundreds of thousands of files).
pub struct Streamed {
    /// The report without its files and findings: units, totals, the assessment frame.
    pub head: Report,
    pub notes: Vec<String>,
    files: Spill<FileRecord>,
    findings: Spill<Finding>,
    lang: Lang,
}

impl Streamed {
    /// The file records in report order (an error: the temporary store could not be read back).
    pub fn files(&self) -> impl Iterator<Item = std::io::Result<FileRecord>> + '_ {
        self.files.merged()
    }

    /// The findings in report order.
    pub fn findings(&self) -> impl Iterator<Item = std::io::Result<Finding>> + '_ {
        self.findings.merged()
    }

    /// Writes the report in `format`; JSON, JSONL and CSV go straight from the spill.
    pub fn write(
        &self,
        format: Format,
        options: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> Result<(), crate::report::WriteError> {
        let mut files = self.files().map(|item| item.map(Cow::Owned));
        let mut findings = self.findings().map(|item| item.map(Cow::Owned));
        crate::report::write_parts(&self.head, &mut files, &mut findings, format, options, out)
    }

    /// The whole report in memory.
    pub fn into_run(self) -> Result<Run, Error> {
        let lang = self.lang;
        let files = self.files().collect::<Result<Vec<_>, _>>().map_err(|e| spill_error(e, lang))?;
        let findings = self.findings().collect::<Result<Vec<_>, _>>().map_err(|e| spill_error(e, lang))?;
        let report = Report { files, findings, ..self.head };
        Ok(Run { report, notes: self.notes })
    }
}

/// Files outside units are read in batches of this many (a unit is always one batch).
const LOOSE_BATCH: usize = 64;
/// Findings across units are set aside this many at a time.
const LATE_SLICE: usize = 4096;

/// One piece of work: a unit, or a batch of files given on their own or lying beside units. A job
/// owns what discovery found for it, so its workbook and file list go when it has been judged.
enum Job {
    Unit(UnitDir),
    /// Checked on their own (no unit, no criterion).
    Loose(Vec<Entry>),
    /// A province folder's own files: listed, not evidence.
    Outside(Vec<Entry>),
}

impl Job {
    fn entries(&self) -> &[Entry] {
        match self {
            Job::Unit(unit) => &unit.files,
            Job::Loose(entries) | Job::Outside(entries) => entries,
        }
    }
}

fn batches(entries: Vec<Entry>, job: fn(Vec<Entry>) -> Job) -> Vec<Job> {
    let mut batches = Vec::new();
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        batches.push(job(entries.by_ref().take(LOOSE_BATCH).collect()));
    }
    batches
}

fn jobs(discovery: Discovery) -> Vec<Job> {
    let mut jobs: Vec<Job> = discovery.units.into_iter().map(Job::Unit).collect();
    jobs.extend(batches(discovery.loose, Job::Loose));
    jobs.extend(batches(discovery.outside, Job::Outside));
    jobs
}

/// Runs the whole check. Err only for what makes a run meaningless (a path that does not exist,
/// nothing to check, a contradictory assessment frame, a thread pool that cannot start).
pub fn check(config: &Config) -> Result<Run, Error> {
    check_streamed(config)?.into_run()
}

/// Runs the whole check, keeping files and findings in the spill until they are written.
pub fn check_streamed(config: &Config) -> Result<Streamed, Error> {
    let lang = config.lang;
    let discovery = discover_within(&config.paths, &config.budget.archive)
        .map_err(|unreachable| Error::Input(unreachable.words(lang)))?;
    let total: usize = discovery.units.iter().map(|unit| unit.files.len()).sum::<usize>()
        + discovery.loose.len()
        + discovery.outside.len();
    if total == 0 && discovery.units.is_empty() {
        return Err(Error::NothingToCheck(lang.pick(
            "không có tệp nào để kiểm tra (thư mục rỗng?)".to_string(),
            "nothing to check (empty folder?)".to_string(),
        )));
    }
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
    let today = config.today.unwrap_or_else(|| jiff::Zoned::now().date());
    // Known before any evidence is read: contradictions stop the run before its long part.
    let early = (year_without_documents(&requested) || !years.workbook_years.is_empty())
        .then(|| assessment::resolve(&requested, &years, today, lang))
        .transpose()
        .map_err(Error::Assessment)?;

    let mut notes: Vec<String> = discovery.notes.iter().map(|note| note.words(lang)).collect();
    notes.extend(discovery.units.iter().filter_map(|unit| workbook_choice_note(unit, lang)));
    // What the unit records need of each unit, kept light: its workbook goes with its job.
    let ledgers: Vec<UnitLedger> =
        discovery.units.iter().map(|unit| UnitLedger::of(unit, config.catalog.as_ref())).collect();
    let jobs = jobs(discovery);
    let job_count = jobs.len();
    let reader = Reader::new(config, total, &mut notes)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs.max(1))
        .build()
        .map_err(|e| Error::Threads(e.to_string()))?;
    let (frame, frame_notes, mut prefetched) = match early {
        Some((frame, notes)) => (frame, notes, None),
        None => {
            // The year comes from the documents themselves: every file is read (and its facts
            // held) before any is judged. Rare: a workbook, a catalog or --year names the year.
            let all: Vec<Vec<Option<FileFacts>>> =
                pool.install(|| jobs.par_iter().map(|job| reader.read(job.entries())).collect());
            years.document_years = all
                .iter()
                .flatten()
                .flatten()
                .filter_map(|f| crate::checks::readable_pdf(f).and_then(|p| p.header.date.date()))
                .map(|d| i32::from(d.year()))
                .collect();
            let (frame, notes) = assessment::resolve(&requested, &years, today, lang).map_err(Error::Assessment)?;
            (frame, notes, Some(all))
        }
    };
    notes.extend(frame_notes);
    let prefetched: Option<Vec<std::sync::Mutex<Vec<Option<FileFacts>>>>> =
        prefetched.take().map(|all| all.into_iter().map(std::sync::Mutex::new).collect());

    // Each job's facts live only while it is judged; its records and findings go to the spill.
    let sink = std::sync::Mutex::new(Sink::new(config.spill_after));
    pool.install(|| {
        jobs.into_par_iter().enumerate().for_each(|(index, job)| {
            let facts = match &prefetched {
                Some(all) => std::mem::take(&mut *all[index].lock().unwrap_or_else(|e| e.into_inner())),
                None => reader.read(job.entries()),
            };
            let judged = judge(&job, &facts, config, &frame);
            drop((facts, job));
            let set_aside = set_aside(judged, config);
            sink.lock().unwrap_or_else(|e| e.into_inner()).take(index, set_aside);
        })
    });
    if let Some(why) = reader.finish() {
        // The store's own error is English: a Vietnamese note says what to look at instead.
        notes.push(
            lang.pick(
                "không ghi được bộ nhớ đệm (hãy kiểm tra chỗ trống trên ổ đĩa và quyền ghi thư mục bộ nhớ đệm); \
             lần chạy sau sẽ đọc lại các tệp"
                    .to_string(),
                format!("cache not written: {why}"),
            ),
        );
    }
    let Sink { files, findings, mut tally, documents, failed } = sink.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(why) = failed {
        return Err(spill_error(why, lang));
    }
    for why in [&files.kept_in_memory, &findings.kept_in_memory].into_iter().flatten().take(1) {
        notes.push(lang.pick(
            "không tạo được tệp tạm trong thư mục tạm của hệ thống: kết quả được giữ trong bộ nhớ".to_string(),
            format!("no temporary file ({why}): results kept in memory"),
        ));
    }

    // Across units, once every unit is judged.
    // Their findings go last among equals, as if from one more job after every unit.
    // In slices, so that their encoding is never a second copy of all of them.
    let mut late = contained(|| crate::checks::cross_unit::check(&documents, lang));
    drop(documents);
    late.retain(|f| selected(f.code, &config.select, &config.ignore));
    late.iter().for_each(|finding| tally.finding(finding));
    late.sort_by(finding_order);
    let mut findings = findings;
    for slice in late.chunks_mut(LATE_SLICE) {
        Spill::encode(slice, finding_order)
            .and_then(|encoded| findings.push(job_count, encoded))
            .map_err(|why| spill_error(why, lang))?;
    }
    drop(late);
    let units = tally.unit_records(&ledgers);
    let summary = tally.summary(&units);
    let catalog_id = config.catalog.as_ref().map_or(crate::catalog::WORKBOOK_ID, |c| c.id.as_str());
    let head = Report {
        tool: ToolInfo { name: "kiemchung", version: env!("CARGO_PKG_VERSION") },
        catalog: CatalogInfo { id: catalog_id.to_string(), year: frame.year, cutoff: frame.cutoff.to_string() },
        assessment: frame,
        units,
        files: Vec::new(),
        findings: Vec::new(),
        summary,
    };
    Ok(Streamed { head, notes, files, findings, lang })
}

/// What the jobs leave: records and findings set aside, the totals, what crosses units.
struct Sink {
    files: Spill<FileRecord>,
    findings: Spill<Finding>,
    tally: Tally,
    documents: Vec<crate::checks::cross_unit::Document>,
    failed: Option<std::io::Error>,
}

/// One job's output, encoded for the spill (the costly part, done by the job's thread).
struct SetAside {
    files: std::io::Result<Encoded>,
    findings: std::io::Result<Encoded>,
    records: Vec<FileRecord>,
    kept: Vec<Finding>,
    not_judged: Vec<NotJudged>,
    documents: Vec<crate::checks::cross_unit::Document>,
}

fn set_aside(judged: Judged, config: &Config) -> SetAside {
    let Judged { mut findings, mut records, mut not_judged, documents } = judged;
    findings.retain(|f| selected(f.code, &config.select, &config.ignore));
    not_judged.retain(|n| selected(n.code.rule().code, &config.select, &config.ignore));
    SetAside {
        files: Spill::encode(&mut records, file_order),
        findings: Spill::encode(&mut findings, finding_order),
        records,
        kept: findings,
        not_judged,
        documents,
    }
}

impl Sink {
    fn new(in_memory: usize) -> Self {
        Sink {
            files: Spill::new(file_order, in_memory / 2),
            findings: Spill::new(finding_order, in_memory / 2),
            tally: Tally::default(),
            documents: Vec::new(),
            failed: None,
        }
    }

    fn take(&mut self, job: usize, part: SetAside) {
        part.records.iter().for_each(|record| self.tally.file(record));
        part.kept.iter().for_each(|finding| self.tally.finding(finding));
        part.not_judged.iter().for_each(|entry| self.tally.not_judged(entry));
        self.documents.extend(part.documents);
        let pushed = part
            .files
            .and_then(|encoded| self.files.push(job, encoded))
            .and_then(|()| part.findings.and_then(|encoded| self.findings.push(job, encoded)));
        if let Err(why) = pushed {
            self.failed.get_or_insert(why);
        }
    }
}

fn spill_error(why: std::io::Error, lang: Lang) -> Error {
    Error::Spill(
        lang.pick(
            "không ghi/đọc lại được kết quả tạm trong thư mục tạm của hệ thống (hãy kiểm tra chỗ trống trên ổ đĩa)"
                .to_string(),
            format!("results set aside in a temporary file could not be written or read back: {why}"),
        ),
    )
}

/// Which workbook a unit with several was read for, and which were left and why.
fn workbook_choice_note(unit: &UnitDir, lang: Lang) -> Option<String> {
    use crate::discover::LeftBecause;
    let (read, _) = unit.workbook.as_ref()?;
    if unit.workbooks_left.is_empty() {
        return None;
    }
    let left: Vec<String> = unit
        .workbooks_left
        .iter()
        .map(|(rel, why)| {
            let why = match why {
                LeftBecause::LooksLikeACopy => {
                    lang.pick("tên cho thấy là bản sao/bản cũ/bản nháp", "its name says copy/old/draft")
                }
                LeftBecause::Unreadable => lang.pick("không đọc được", "cannot be read"),
                LeftBecause::SameStanding => lang.pick("ngang hàng với bảng đã đọc", "as likely as the one read"),
            };
            format!("'{rel}' ({why})")
        })
        .collect();
    Some(lang.pick(
        format!("đơn vị {}: đọc bảng tự chấm '{read}'; không đọc {}", unit.id, left.join(", ")),
        format!("unit {}: read the workbook '{read}'; left {}", unit.id, left.join(", ")),
    ))
}

/// Judges one job over its facts.
fn judge(job: &Job, facts: &[Option<FileFacts>], config: &Config, frame: &Assessment) -> Judged {
    match job {
        Job::Unit(unit) => check_unit(unit, facts, config.catalog.as_ref(), frame, config.lang),
        Job::Loose(entries) | Job::Outside(entries) => {
            let checked = matches!(job, Job::Loose(_));
            let mut judged = Judged::default();
            judged.findings.extend(crate::unit::escaping_entries(None, entries, config.lang));
            for (entry, facts) in entries.iter().zip(facts) {
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
                    judged.findings.extend(contained(|| check_file(&ctx)));
                }
                judged.records.push(records::file_record(
                    None,
                    entry,
                    facts.as_ref(),
                    Vec::new(),
                    checked,
                    config.lang,
                ));
            }
            judged
        }
    }
}

/// Reads files' facts: the budget, the trust anchors, the cache, and the progress told.
struct Reader<'a> {
    config: &'a Config,
    budget: Budget,
    cache: Option<crate::cache::FactsCache>,
    done: AtomicUsize,
    total: usize,
}

impl<'a> Reader<'a> {
    fn new(config: &'a Config, total: usize, notes: &mut Vec<String>) -> Result<Self, Error> {
        let mut budget = config.budget.clone();
        if let (None, Some(today)) = (budget.validation_time, config.today) {
            // A fixed day makes the run repeatable: signatures without a signing time too.
            budget.validation_time = today.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp());
        }
        budget.text = match text_needed(&config.select, &config.ignore) {
            crate::rules::Needs::AllText => budget.text,
            crate::rules::Needs::HeaderPage => facts::TextScope::Header,
            crate::rules::Needs::Nothing => facts::TextScope::None,
        };
        let cache = open_cache(config, &budget, notes)?;
        Ok(Reader { config, budget, cache, done: AtomicUsize::new(0), total })
    }

    /// Facts of `entries`, in their order (`None`: a link or special file, never opened).
    fn read(&self, entries: &[Entry]) -> Vec<Option<FileFacts>> {
        entries
            .par_iter()
            .map(|entry| {
                let facts = entry.skip.is_none().then(|| self.extract(entry));
                let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(progress) = &self.config.progress {
                    progress(Progress { done, total: self.total });
                }
                facts
            })
            .collect()
    }

    fn extract(&self, entry: &Entry) -> FileFacts {
        let (trust, budget, cache) = (&self.config.trust, &self.budget, self.cache.as_ref());
        match &entry.source {
            Source::Disk { path, id } => crate::cache::extract_listed(path, *id, budget, trust, cache),
            // Keyed by content like a file on disk: the same bytes give the same facts.
            Source::Zip(member) => crate::cache::extract_loaded(member.load(budget), budget, trust, cache),
            Source::OverBudget(which) => FileFacts {
                size: 0,
                sha256: None,
                kind: crate::sniff::Kind::Unknown,
                outcome: facts::Outcome::OverBudget(which.clone()),
                pdf: None,
            },
            Source::NotRead { .. } => facts::FileFacts {
                size: 0,
                sha256: None,
                kind: crate::sniff::Kind::Unknown,
                outcome: facts::Outcome::Unreadable(facts::Problem::Corrupt("not read".into())),
                pdf: None,
            },
        }
    }

    /// Writes what the cache still holds; the reason when it could not.
    fn finish(self) -> Option<String> {
        self.cache.and_then(|cache| cache.flush().err())
    }
}

/// The facts cache, unless it is off. It must not lie inside a folder being checked (the input tree
/// is never written to); a store that cannot be opened only costs speed, with a note.
fn open_cache(
    config: &Config,
    budget: &Budget,
    notes: &mut Vec<String>,
) -> Result<Option<crate::cache::FactsCache>, Error> {
    let Some(dir) = &config.cache_dir else { return Ok(None) };
    if let Some(input) = crate::cache::input_holding(dir, &config.paths) {
        return Err(Error::CacheInsideInput(config.lang.pick(
            format!(
                "--cache '{}' nằm trong thư mục đang kiểm tra '{}': chọn thư mục khác (thư mục được kiểm tra không bao giờ bị ghi)",
                dir.display(),
                input.display()
            ),
            format!(
                "--cache '{}' is inside '{}', a folder being checked: choose another (a checked folder is never written)",
                dir.display(),
                input.display()
            ),
        )));
    }
    let fingerprint = crate::cache::fingerprint(budget, &config.trust.fingerprint());
    match crate::cache::FactsCache::open(dir, fingerprint) {
        Ok(cache) => Ok(Some(cache)),
        Err(why) => {
            notes.push(config.lang.pick(
                format!(
                    "không dùng được bộ nhớ đệm ở '{}' (không phải thư mục ghi được, hoặc đang được một lần \
                     chạy khác dùng); chạy không có bộ nhớ đệm",
                    dir.display()
                ),
                format!("cache unavailable ({why}); running without it"),
            ));
            Ok(None)
        }
    }
}

/// How much page text the selected rules need, as each rule declares in the registry.
fn text_needed(select: &[String], ignore: &[String]) -> crate::rules::Needs {
    crate::rules::RULES
        .iter()
        .filter(|rule| selected(rule.code, select, ignore))
        .map(|rule| rule.needs)
        .max()
        .unwrap_or(crate::rules::Needs::Nothing)
}

fn selected(code: &str, select: &[String], ignore: &[String]) -> bool {
    let matches = |list: &[String]| list.iter().any(|p| code.starts_with(&p.to_ascii_uppercase()));
    (select.is_empty() || matches(select)) && !matches(ignore)
}

/// The report's order of files: by unit, then path.
fn file_order(a: &FileRecord, b: &FileRecord) -> std::cmp::Ordering {
    (&a.unit, &a.path).cmp(&(&b.unit, &b.path))
}

/// The report's order of findings: unit, criterion (numerically), file, page, code, message.
fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    a.unit
        .cmp(&b.unit)
        .then_with(|| a.criterion.as_deref().map(criterion_key).cmp(&b.criterion.as_deref().map(criterion_key)))
        .then_with(|| a.file.cmp(&b.file))
        .then_with(|| a.page.cmp(&b.page))
        .then_with(|| a.code.cmp(b.code))
        .then_with(|| a.message.cmp(&b.message))
}
