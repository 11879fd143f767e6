//! One unit judged: its files attached to the workbook's rows, every check run on the facts, and
//! the unit's file records. Pure over the facts it is given; the pipeline drops those facts as soon
//! as this returns, keeping only what crosses units (`Document`).

use crate::assessment::Assessment;
use crate::attach::attach;
use crate::catalog::Catalog;
use crate::checks::cross_unit::Document;
use crate::checks::registry::Code;
use crate::checks::sheet::{check_row, RowContext};
use crate::checks::{check_file, FileContext};
use crate::discover::{Entry, Source, UnitDir};
use crate::facts::{FileFacts, Outcome, Problem};
use crate::model::*;
use crate::records;
use crate::sheet::{Row, SheetError};

/// What judging one unit (or a batch of loose files) leaves behind.
#[derive(Default)]
pub(crate) struct Judged {
    pub findings: Vec<Finding>,
    pub records: Vec<FileRecord>,
    pub not_judged: Vec<NotJudged>,
    /// Attached, readable PDFs, as the cross-unit checks see them.
    pub documents: Vec<Document>,
}

pub(crate) fn check_unit(
    unit: &UnitDir,
    facts: &[Option<FileFacts>],
    catalog: Option<&Catalog>,
    frame: &Assessment,
    lang: Lang,
) -> Judged {
    let mut findings = Vec::new();
    let mut not_judged = Vec::new();
    let rows: &[Row] = match &unit.workbook {
        Some((_, Ok(sheet))) => &sheet.rows,
        _ => &[],
    };
    let own_catalog;
    let catalog_given = catalog.is_some();
    let catalog = match catalog {
        Some(catalog) => catalog,
        None => {
            own_catalog = Catalog::from_rows(rows, frame.year, frame.period_start, frame.cutoff);
            &own_catalog
        }
    };
    // Without a catalog, a folder names a criterion when its code has the criteria's shape (`5.3`,
    // `2.1.1`; a bare `2023` is a year, not a code).
    let known = |code: &str| {
        catalog.get(code).is_some()
            || rows.iter().any(|r| r.code == code)
            || (!catalog_given && code.contains('.') && code.split('.').all(|part| part.len() <= 2))
    };
    let rels: Vec<&str> = unit.files.iter().map(|e| e.rel.as_str()).collect();
    let workbook_rel = unit.workbook.as_ref().map(|(rel, _)| rel.as_str());
    let attachment = attach(&rels, rows, &known, workbook_rel);
    if let (true, Some(read)) = (unit.workbook_ambiguous, workbook_rel) {
        let others: Vec<&str> = unit
            .workbooks_left
            .iter()
            .filter(|(_, why)| *why == crate::discover::LeftBecause::SameStanding)
            .map(|(rel, _)| rel.as_str())
            .collect();
        let others = others.join(", ");
        findings.push(
            Finding::new(
                Code::KC608,
                lang.pick(
                    format!("Có nhiều bảng tự chấm điểm ngang hàng nhau: đã đọc '{read}', không đọc {others}."),
                    format!("Several self-assessment workbooks of equal standing: read '{read}', left {others}."),
                ),
            )
            .unit(Some(&unit.id))
            .file(Some(read)),
        );
    }

    for (row, evidence) in rows.iter().zip(&attachment.evidence_of_row) {
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
    for (i, codes) in attachment.criteria_of_file.iter().enumerate() {
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

    findings.extend(escaping_entries(Some(&unit.id), &unit.files, lang));
    let mut records = Vec::with_capacity(unit.files.len());
    for (i, entry) in unit.files.iter().enumerate() {
        let is_workbook = Some(entry.rel.as_str()) == workbook_rel;
        let mut workbook_facts = None;
        if is_workbook {
            if let (Some((_, Err(error))), Some(f)) = (&unit.workbook, facts[i].as_ref()) {
                findings.push(workbook_finding(&unit.id, &entry.rel, error, lang));
                if f.outcome == Outcome::Ok {
                    let mut unread = f.clone();
                    unread.outcome = match error {
                        SheetError::OverBudget(which) => Outcome::OverBudget(which.clone()),
                        SheetError::NoHeader => Outcome::Unreadable(Problem::NoWorkbookHeader),
                        SheetError::Corrupt(detail) => {
                            Outcome::Unreadable(Problem::Corrupt(format!("cannot be opened ({detail})")))
                        }
                    };
                    workbook_facts = Some(unread);
                }
            }
        }
        let file_facts = workbook_facts.as_ref().or(facts[i].as_ref());
        let codes: Vec<String> = attachment.criteria_of_file[i].iter().cloned().collect();
        let referenced = is_workbook || !codes.is_empty();
        records.push(records::file_record(Some(&unit.id), entry, file_facts, codes, referenced, lang));
    }
    let documents = attached_documents(facts, &records);
    Judged { findings, records, not_judged, documents }
}

/// KC609 for each zip entry whose name leaves the zip: listed (status `skipped`), never read.
pub(crate) fn escaping_entries(unit: Option<&str>, entries: &[Entry], lang: Lang) -> Vec<Finding> {
    entries
        .iter()
        .filter(|entry| matches!(entry.source, Source::NotRead { escapes: true }))
        .map(|entry| {
            let name = &entry.rel;
            let message = lang.pick(
                format!("Mục '{name}' trong tệp nén có tên đi ra ngoài thư mục: không được đọc, không giải nén."),
                format!("The zip entry '{name}' has a name that leaves the folder: not read, not extracted."),
            );
            Finding::new(Code::KC609, message).unit(unit).file(Some(name))
        })
        .collect()
}

/// The readable PDFs a unit attaches to some criterion, as the cross-unit checks see them.
fn attached_documents(facts: &[Option<FileFacts>], records: &[FileRecord]) -> Vec<Document> {
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
        let changed_after_signing = crate::checks::signature::changed_after_signing(pdf);
        let header = &pdf.header;
        // An OCR reading may misread a digit: only numbers printed in a readable layer are compared.
        let number = header.number.as_ref().filter(|n| n.status == NumberStatus::Ok && pdf.layer_readable());
        documents.push(Document {
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

/// Why a workbook cannot be read. The reader's own detail (English) goes to English reports only.
fn sheet_error_text(error: &SheetError, lang: Lang) -> String {
    match error {
        SheetError::NoHeader => lang.pick(
            crate::checks::file::problem_words(&Problem::NoWorkbookHeader, lang),
            crate::facts::NO_HEADER_EN.into(),
        ),
        SheetError::Corrupt(detail) => {
            lang.pick("tệp hỏng, không mở được".into(), format!("corrupt, cannot be opened ({detail})"))
        }
        SheetError::OverBudget(which) => lang.pick(
            format!("vượt giới hạn an toàn ({})", which.words(Lang::Vi)),
            format!("over a safety budget ({which})"),
        ),
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
pub(crate) fn contained(check: impl FnOnce() -> Vec<Finding>) -> Vec<Finding> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::signature::diff::ModificationLevel;
    use crate::facts::signature::{SignatureFacts, SignatureKind};
    use crate::facts::sniff::Kind;

    fn record(path: &str) -> FileRecord {
        let source = Source::Disk { path: path.into(), id: None };
        let entry = crate::discover::Entry { rel: path.into(), source, skip: None };
        let facts = FileFacts { size: 1, sha256: Some("ab".into()), kind: Kind::Pdf, outcome: Outcome::Ok, pdf: None };
        records::file_record(Some("xa-a"), &entry, Some(&facts), vec!["1.1".into()], true, Lang::Vi)
    }

    /// KC701 (a number reused across units) leaves out the documents KC103 calls changed after
    /// signing: one definition, so an annotated copy is excluded as KC103 flags it.
    #[test]
    fn a_document_changed_after_signing_lends_no_number_to_kc701() {
        let header = "ỦY BAN NHÂN DÂN\nXÃ PHẤN MỄ\nSố: 12/KH-UBND\nPhấn Mễ, ngày 05 tháng 3 năm 2023";
        let with_level = |level: ModificationLevel| {
            let mut sig = SignatureFacts::new(Some("ChuKy".into()), SignatureKind::Signature, None);
            sig.modification_level = level;
            let pdf = crate::checks::test_support::pdf_facts(header, vec![sig]);
            FileFacts { size: 1, sha256: Some("ab".into()), kind: Kind::Pdf, outcome: Outcome::Ok, pdf: Some(pdf) }
        };
        for (level, lends_number) in [
            (ModificationLevel::None, true),
            (ModificationLevel::FormFilling, true),
            (ModificationLevel::Annotations, false),
            (ModificationLevel::Other, false),
        ] {
            let facts = [Some(with_level(level))];
            let documents = attached_documents(&facts, &[record("kh.pdf")]);
            assert_eq!(documents.len(), 1);
            assert_eq!(documents[0].number.is_some(), lends_number, "{level:?}");
            let pdf = facts[0].as_ref().unwrap().pdf.as_ref().unwrap();
            assert_eq!(crate::checks::signature::changed_after_signing(pdf), !lends_number, "{level:?}");
        }
    }
}
