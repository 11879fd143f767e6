//! The records a run writes out: one per file (status, number, date, signatures) and per unit
//! (points claimed and at risk), and the summary with its per-code triage counts.

use crate::catalog::{Catalog, Kind as CriterionKind};
use crate::discover::{Entry, UnitDir};
use crate::facts::{FileFacts, Outcome};
use crate::model::*;
use crate::sheet::Row;
use std::collections::{BTreeMap, BTreeSet};

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
            problem: entry.skip.clone(),
            not_judged: Vec::new(),
        };
    };
    let (status, problem) = match &facts.outcome {
        Outcome::Ok if referenced => (FileStatus::Ok, None),
        Outcome::Ok => (FileStatus::Unreferenced, None),
        Outcome::Unreadable(problem) => (FileStatus::Unreadable, Some(problem.to_string())),
        Outcome::Encrypted => (FileStatus::Encrypted, None),
        Outcome::OverBudget(which) => (FileStatus::OverBudget, Some(which.clone())),
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

pub(crate) fn unit_records(
    units: &[UnitDir],
    rows: &[&[Row]],
    files: &[FileRecord],
    findings: &[Finding],
    catalog: Option<&Catalog>,
) -> Vec<UnitRecord> {
    let mut records = Vec::new();
    for (unit, rows) in units.iter().zip(rows) {
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.unit.as_deref() == Some(&unit.id)).collect();
        let zero_criteria: BTreeSet<&str> =
            mine.iter().filter(|f| f.severity == Severity::Zero).filter_map(|f| f.criterion.as_deref()).collect();
        let leaf = |code: &str| !rows.iter().any(|r| r.code.starts_with(&format!("{code}.")));
        let counted: Vec<&Row> = rows
            .iter()
            .filter(|r| match catalog.and_then(|c| c.get(&r.code)) {
                Some(c) => c.kind == CriterionKind::Criterion,
                None => r.code_is_wellformed && leaf(&r.code),
            })
            .collect();
        let claimed: f64 = counted.iter().filter_map(|r| r.score).sum();
        let at_risk: f64 =
            counted.iter().filter(|r| zero_criteria.contains(r.code.as_str())).filter_map(|r| r.score).sum();
        let mut counts = SeverityCounts::default();
        mine.iter().for_each(|f| counts.add(f.severity));
        records.push(UnitRecord {
            id: unit.id.clone(),
            path: crate::discover::slash(&unit.root),
            sheet: unit.workbook.as_ref().map(|(rel, _)| rel.clone()),
            claimed: round_points(claimed),
            at_risk: round_points(at_risk),
            rows: rows.len(),
            files: files.iter().filter(|f| f.unit.as_deref() == Some(&unit.id)).count(),
            findings: counts,
        });
    }
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records
}

/// The units, and the (unit, file) pairs, one code's findings touch.
type Touched<'a> = (BTreeSet<&'a str>, BTreeSet<(&'a str, &'a str)>);

pub(crate) fn summarise(
    units: &[UnitRecord],
    files: &[FileRecord],
    findings: &[Finding],
    not_judged: &[NotJudged],
) -> Summary {
    let mut counts = SeverityCounts::default();
    let mut by_code = BTreeMap::new();
    let mut touched: BTreeMap<&'static str, Touched> = BTreeMap::new();
    for finding in findings {
        counts.add(finding.severity);
        *by_code.entry(finding.code).or_insert(0) += 1;
        let (units, files) = touched.entry(finding.code).or_default();
        let unit = finding.unit.as_deref().unwrap_or_default();
        units.extend(finding.unit.as_deref());
        files.extend(finding.file.as_deref().map(|file| (unit, file)));
    }
    let codes = by_code
        .iter()
        .map(|(&code, &count)| {
            let rule =
                crate::checks::registry::RULES.iter().find(|r| r.code == code).expect("every finding has a rule");
            let (units, files) = &touched[code];
            CodeSummary {
                code,
                name: rule.name,
                severity: rule.severity,
                findings: count,
                units: units.len(),
                files: files.len(),
            }
        })
        .collect();
    Summary {
        units: units.len(),
        files: files.len(),
        findings: counts,
        by_code,
        codes,
        claimed: round_points(units.iter().map(|u| u.claimed).sum()),
        at_risk: round_points(units.iter().map(|u| u.at_risk).sum()),
        not_judged: count_not_judged(not_judged, files),
    }
}

/// Per code: rows and files a rule could not judge, from the row list and the files' own lists.
fn count_not_judged(rows: &[NotJudged], files: &[FileRecord]) -> Vec<NotJudgedCount> {
    let mut by_code: BTreeMap<&'static str, (usize, BTreeSet<String>)> = BTreeMap::new();
    for entry in rows {
        let (count, reasons) = by_code.entry(entry.code.rule().code).or_default();
        *count += 1;
        reasons.insert(entry.reason.clone());
    }
    for rule in files.iter().flat_map(|f| &f.not_judged) {
        let (count, reasons) = by_code.entry(rule.code).or_default();
        *count += 1;
        reasons.insert(rule.reason.clone());
    }
    by_code
        .into_iter()
        .map(|(code, (count, reasons))| {
            let rule = crate::checks::registry::RULES.iter().find(|r| r.code == code).expect("a registered code");
            NotJudgedCount { code, name: rule.name, count, reasons: reasons.into_iter().collect() }
        })
        .collect()
}
