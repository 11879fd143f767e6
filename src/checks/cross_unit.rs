//! Checks across files and units, run after every file's facts are in: one issuer's number printed
//! on two different documents (KC701), and byte-identical evidence attached by several units (KC702).

use super::registry::Code;
use crate::model::{Finding, Lang};
use std::collections::{BTreeMap, BTreeSet};

/// What the cross-unit checks need of one attached document.
#[derive(Debug, Clone)]
pub struct Document {
    pub unit: String,
    pub path: String,
    /// The first criterion it is evidence for (where its findings are listed).
    pub criterion: Option<String>,
    pub sha256: String,
    /// Same text = same document, however it was saved or signed again.
    pub text_sha256: Option<String>,
    /// A well-formed number and symbol (`55/BC-UBND`), placeholders excluded.
    pub number: Option<String>,
    /// The issuing body's lines, folded (no case, no diacritics, single spaces).
    pub issuer: String,
    pub year: Option<i16>,
}

impl Document {
    fn content(&self) -> &str {
        self.text_sha256.as_deref().unwrap_or(&self.sha256)
    }

    fn place(&self) -> String {
        format!("{}/{}", self.unit, self.path)
    }

    fn finding(&self, code: Code, message: String) -> Finding {
        Finding::new(code, message).unit(Some(&self.unit)).criterion(self.criterion.as_deref()).file(Some(&self.path))
    }
}

/// Places listed in a message at most; the rest are counted.
const MAX_LISTED: usize = 5;

fn listing(places: &[String], lang: Lang) -> String {
    let mut text = places.iter().take(MAX_LISTED).cloned().collect::<Vec<_>>().join(", ");
    if places.len() > MAX_LISTED {
        text.push_str(&lang.pick(
            format!(" và {} nơi khác", places.len() - MAX_LISTED),
            format!(" and {} more", places.len() - MAX_LISTED),
        ));
    }
    text
}

pub fn check(documents: &[Document], lang: Lang) -> Vec<Finding> {
    let mut findings = number_reused(documents, lang);
    findings.extend(evidence_reused(documents, lang));
    findings
}

/// KC701: the same issuer, number and year on documents whose text differs. Two bodies may both
/// issue 55/BC-UBND, so the issuer is part of the key; a document signed again keeps its text.
fn number_reused(documents: &[Document], lang: Lang) -> Vec<Finding> {
    let mut groups: BTreeMap<(String, &str, Option<i16>), Vec<&Document>> = BTreeMap::new();
    for document in documents {
        if let (Some(number), false) = (&document.number, document.issuer.is_empty()) {
            let key = (number.to_uppercase(), document.issuer.as_str(), document.year);
            groups.entry(key).or_default().push(document);
        }
    }
    let mut findings = Vec::new();
    for ((_, _, year), group) in groups {
        let contents: BTreeSet<&str> = group.iter().map(|d| d.content()).collect();
        if contents.len() < 2 {
            continue;
        }
        for document in &group {
            let others: Vec<String> =
                group.iter().filter(|other| other.content() != document.content()).map(|other| other.place()).collect();
            let number = document.number.as_deref().unwrap_or_default();
            let year = year.map(|y| y.to_string()).unwrap_or_else(|| "?".into());
            let message = lang.pick(
                format!(
                    "Số {number} (năm {year}) của cùng cơ quan ban hành cũng in trên văn bản có nội dung khác: {}.",
                    listing(&others, lang)
                ),
                format!(
                    "Number {number} ({year}) of the same issuer is also printed on a document with other content: {}.",
                    listing(&others, lang)
                ),
            );
            findings.push(document.finding(Code::KC701, message).excerpt(number));
        }
    }
    findings
}

/// KC702: the same bytes attached by several units.
fn evidence_reused(documents: &[Document], lang: Lang) -> Vec<Finding> {
    let mut by_bytes: BTreeMap<&str, Vec<&Document>> = BTreeMap::new();
    for document in documents {
        by_bytes.entry(document.sha256.as_str()).or_default().push(document);
    }
    let mut findings = Vec::new();
    for group in by_bytes.values() {
        let units: BTreeSet<&str> = group.iter().map(|d| d.unit.as_str()).collect();
        if units.len() < 2 {
            continue;
        }
        for document in group {
            let others: Vec<String> = units.iter().filter(|u| **u != document.unit).map(|u| u.to_string()).collect();
            let message = lang.pick(
                format!(
                    "Tệp giống hệt (cùng SHA-256) cũng được {} đơn vị khác đính kèm: {}.",
                    others.len(),
                    listing(&others, lang)
                ),
                format!(
                    "The same file (same SHA-256) is also attached by {} other units: {}.",
                    others.len(),
                    listing(&others, lang)
                ),
            );
            findings.push(document.finding(Code::KC702, message));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(unit: &str, path: &str, bytes: &str, text: &str, number: Option<&str>, issuer: &str) -> Document {
        Document {
            unit: unit.into(),
            path: path.into(),
            criterion: Some("1.1".into()),
            sha256: bytes.into(),
            text_sha256: Some(text.into()),
            number: number.map(str::to_string),
            issuer: issuer.into(),
            year: Some(2023),
        }
    }

    fn codes(findings: &[Finding]) -> Vec<(&str, String)> {
        findings
            .iter()
            .map(|f| (f.code, format!("{}/{}", f.unit.as_deref().unwrap(), f.file.as_deref().unwrap())))
            .collect()
    }

    #[test]
    fn one_number_on_two_documents_of_one_issuer() {
        let documents = [
            document("a", "bc.pdf", "h1", "t1", Some("55/BC-UBND"), "uy ban nhan dan xa a"),
            document("a", "bc-khac.pdf", "h2", "t2", Some("55/bc-ubnd"), "uy ban nhan dan xa a"),
            // Signed again: other bytes, same text. Not a second document.
            document("a", "bc-ky-lai.pdf", "h3", "t1", Some("55/BC-UBND"), "uy ban nhan dan xa a"),
            // Another body may issue the same number.
            document("b", "bc.pdf", "h4", "t4", Some("55/BC-UBND"), "uy ban nhan dan xa b"),
        ];
        let findings = number_reused(&documents, Lang::Vi);
        assert_eq!(
            codes(&findings),
            [("KC701", "a/bc.pdf".into()), ("KC701", "a/bc-khac.pdf".into()), ("KC701", "a/bc-ky-lai.pdf".into())]
        );
        assert!(findings[1].message.contains("a/bc.pdf, a/bc-ky-lai.pdf"), "{}", findings[1].message);
        assert!(!findings[0].message.contains("bc-ky-lai"), "same text is not listed: {}", findings[0].message);
    }

    #[test]
    fn placeholders_and_unknown_issuers_are_never_grouped() {
        let documents = [
            document("a", "x.pdf", "h1", "t1", None, "uy ban nhan dan xa a"),
            document("a", "y.pdf", "h2", "t2", None, "uy ban nhan dan xa a"),
            document("a", "z.pdf", "h3", "t3", Some("1/KH-UBND"), ""),
            document("a", "w.pdf", "h4", "t4", Some("1/KH-UBND"), ""),
        ];
        assert!(check(&documents, Lang::En).is_empty());
    }

    #[test]
    fn the_same_bytes_in_several_units() {
        let documents = [
            document("a", "kh-tinh.pdf", "same", "t", Some("9/KH-UBND"), "uy ban nhan dan tinh"),
            document("b", "evidence/kh.pdf", "same", "t", Some("9/KH-UBND"), "uy ban nhan dan tinh"),
            document("b", "again.pdf", "same", "t", Some("9/KH-UBND"), "uy ban nhan dan tinh"),
            document("c", "own.pdf", "other", "u", None, ""),
        ];
        let findings = evidence_reused(&documents, Lang::En);
        assert_eq!(
            codes(&findings),
            [("KC702", "a/kh-tinh.pdf".into()), ("KC702", "b/evidence/kh.pdf".into()), ("KC702", "b/again.pdf".into())]
        );
        assert!(findings[0].message.contains("1 other units: b"), "{}", findings[0].message);
    }
}
