//! The records a run writes out: one per file (status, number, date, signatures) and per unit
//! (points claimed and at risk), and the summary with its per-code triage counts.

use crate::catalog::{Catalog, Kind as CriterionKind};
use crate::discover::{Entry, UnitDir};
use crate::facts::{FileFacts, Outcome};
use crate::model::*;
use crate::sheet::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

pub(crate) fn file_record(
    unit: Option<&str>,
    entry: &Entry,
    facts: Option<&FileFacts>,
    criteria: Vec<String>,
    referenced: bool,
    lang: Lang,
) -> FileRecord {
    let Some(facts) = facts else {
        return FileRecord {
            unit: unit.map(str::to_string),
            path: entry.rel.clone(),
            sha256: None,
            kind: "other",
            status: FileStatus::Skipped,
            number: None,
            date: None,
            signatures: Vec::new(),
            size: 0,
            pages: None,
            text_source: None,
            outline: Vec::new(),
            criteria,
            problem: entry.skip.as_ref().map(|skip| skip.words(lang)),
            not_judged: Vec::new(),
        };
    };
    let (status, problem) = match &facts.outcome {
        Outcome::Ok if referenced => (FileStatus::Ok, None),
        Outcome::Ok => (FileStatus::Unreferenced, None),
        Outcome::Unreadable(problem) => {
            (FileStatus::Unreadable, Some(crate::checks::file::problem_words(problem, lang)))
        }
        Outcome::Encrypted => (FileStatus::Encrypted, None),
        Outcome::OverBudget(which) => (FileStatus::OverBudget, Some(which.words(lang))),
    };
    // A truncated file shows what could be read of it (its signatures, lost with its end, are not).
    let truncated = matches!(facts.outcome, Outcome::Unreadable(crate::facts::Problem::Truncated { .. }));
    let pdf = crate::checks::readable_pdf(facts).or(facts.pdf.as_ref().filter(|_| truncated));
    FileRecord {
        unit: unit.map(str::to_string),
        path: entry.rel.clone(),
        sha256: facts.sha256.clone(),
        kind: facts.kind.as_str(),
        status,
        number: pdf.and_then(|p| p.header.number.as_ref()).map(|n| n.value.clone()),
        date: pdf.and_then(|p| p.header.date.date()).map(|d| d.to_string()),
        signatures: pdf.map(|p| p.signatures.iter().map(SignatureRecord::from).collect()).unwrap_or_default(),
        size: facts.size,
        pages: pdf.map(|p| p.pages),
        text_source: pdf.map(|p| p.text_source.as_str()),
        outline: pdf.map(|p| p.outline.paths()).unwrap_or_default(),
        criteria,
        problem,
        not_judged: crate::checks::file::not_judged(facts, lang),
    }
}

/// What a unit's record needs of its workbook, taken before the unit's job (which owns the
/// workbook) runs: the rows whose points count, with their self-scores.
pub(crate) struct UnitLedger {
    id: String,
    path: String,
    sheet: Option<String>,
    rows: usize,
    /// (criterion code, self-score) of the rows that count: a catalog's criteria, or, without
    /// one, the well-formed codes with no row below them.
    counted: Vec<(String, Option<f64>)>,
}

impl UnitLedger {
    pub fn of(unit: &UnitDir, catalog: Option<&Catalog>) -> Self {
        let rows: &[Row] = match &unit.workbook {
            Some((_, Ok(sheet))) => &sheet.rows,
            _ => &[],
        };
        let leaf = |code: &str| !rows.iter().any(|r| r.code.starts_with(&format!("{code}.")));
        let counted = rows
            .iter()
            .filter(|r| match catalog.and_then(|c| c.get(&r.code)) {
                Some(c) => c.kind == CriterionKind::Criterion,
                None => r.code_is_wellformed && leaf(&r.code),
            })
            .map(|r| (r.code.clone(), r.score))
            .collect();
        UnitLedger {
            id: unit.id.clone(),
            path: crate::discover::slash(&unit.root),
            sheet: unit.workbook.as_ref().map(|(rel, _)| rel.clone()),
            rows: rows.len(),
            counted,
        }
    }
}

/// What the unit records and the summary need, gathered item by item as they go to the spill:
/// a national run never holds every record and finding at once.
#[derive(Default)]
pub(crate) struct Tally {
    files: usize,
    findings: SeverityCounts,
    files_per_unit: HashMap<String, usize>,
    units: HashMap<String, UnitTally>,
    codes: BTreeMap<&'static str, CodeTally>,
    not_judged: BTreeMap<&'static str, (usize, BTreeSet<String>)>,
}

#[derive(Default)]
struct UnitTally {
    counts: SeverityCounts,
    zero_criteria: BTreeSet<String>,
}

#[derive(Default)]
struct CodeTally {
    findings: usize,
    units: BTreeSet<String>,
    /// (unit, file) pairs, hashed: the pairs themselves would be a second copy of every path.
    files: HashSet<u64>,
}

impl Tally {
    pub fn file(&mut self, record: &FileRecord) {
        self.files += 1;
        if let Some(unit) = &record.unit {
            *self.files_per_unit.entry(unit.clone()).or_default() += 1;
        }
        for rule in &record.not_judged {
            self.not_judged_once(rule.code, &rule.reason);
        }
    }

    pub fn finding(&mut self, finding: &Finding) {
        self.findings.add(finding.severity);
        if let Some(unit) = &finding.unit {
            let tally = self.units.entry(unit.clone()).or_default();
            tally.counts.add(finding.severity);
            if let (Severity::Zero, Some(criterion)) = (finding.severity, &finding.criterion) {
                tally.zero_criteria.insert(criterion.clone());
            }
        }
        let code = self.codes.entry(finding.code).or_default();
        code.findings += 1;
        code.units.extend(finding.unit.clone());
        if let Some(file) = &finding.file {
            let mut hasher = std::hash::DefaultHasher::new();
            (finding.unit.as_deref().unwrap_or_default(), file.as_str()).hash(&mut hasher);
            code.files.insert(hasher.finish());
        }
    }

    /// A row or file a rule could not judge.
    pub fn not_judged(&mut self, entry: &NotJudged) {
        self.not_judged_once(entry.code.rule().code, &entry.reason);
    }

    fn not_judged_once(&mut self, code: &'static str, reason: &str) {
        let (count, reasons) = self.not_judged.entry(code).or_default();
        *count += 1;
        if !reasons.contains(reason) {
            reasons.insert(reason.to_string());
        }
    }

    /// One record per unit, sorted by id: points claimed, and at risk where a criterion has a zero.
    pub fn unit_records(&self, ledgers: &[UnitLedger]) -> Vec<UnitRecord> {
        let none = UnitTally::default();
        let mut records: Vec<UnitRecord> = ledgers
            .iter()
            .map(|ledger| {
                let tally = self.units.get(&ledger.id).unwrap_or(&none);
                let claimed: f64 = ledger.counted.iter().filter_map(|(_, score)| *score).sum();
                let at_risk_criteria: Vec<(String, f64)> = ledger
                    .counted
                    .iter()
                    .filter(|(code, _)| tally.zero_criteria.contains(code))
                    .filter_map(|(code, score)| Some((code.clone(), (*score)?)))
                    .collect();
                let at_risk: f64 = at_risk_criteria.iter().map(|(_, score)| score).sum();
                UnitRecord {
                    id: ledger.id.clone(),
                    path: ledger.path.clone(),
                    sheet: ledger.sheet.clone(),
                    claimed: round_points(claimed),
                    at_risk: round_points(at_risk),
                    rows: ledger.rows,
                    files: self.files_per_unit.get(&ledger.id).copied().unwrap_or_default(),
                    findings: tally.counts.clone(),
                    at_risk_criteria,
                }
            })
            .collect();
        records.sort_by(|a, b| a.id.cmp(&b.id));
        records
    }

    pub fn summary(&self, units: &[UnitRecord]) -> Summary {
        let mut by_code = BTreeMap::new();
        let mut codes = Vec::new();
        for (&code, tally) in &self.codes {
            let rule = crate::rules::RULES.iter().find(|r| r.code == code).expect("every finding has a rule");
            by_code.insert(code, tally.findings);
            codes.push(CodeSummary {
                code,
                name: rule.name,
                severity: rule.severity,
                findings: tally.findings,
                units: tally.units.len(),
                files: tally.files.len(),
            });
        }
        let not_judged = self
            .not_judged
            .iter()
            .map(|(&code, (count, reasons))| {
                let rule = crate::rules::RULES.iter().find(|r| r.code == code).expect("a registered code");
                NotJudgedCount { code, name: rule.name, count: *count, reasons: reasons.iter().cloned().collect() }
            })
            .collect();
        Summary {
            units: units.len(),
            files: self.files,
            findings: self.findings.clone(),
            by_code,
            codes,
            claimed: round_points(units.iter().map(|u| u.claimed).sum()),
            at_risk: round_points(units.iter().map(|u| u.at_risk).sum()),
            not_judged,
        }
    }
}
