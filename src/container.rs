//! Bounds on zip containers (xlsx, ods) before any parser opens them: entry count, bytes really
//! inflated (not the sizes the archive declares), compression ratio per entry, and XML nesting
//! depth. A workbook is a few hundred kilobytes; a zip or XML bomb stops here with the budget named.

use crate::budget::{At, BudgetHit, BudgetName};
use std::io::{Cursor, Read};

/// Limits on one container.
#[derive(Debug, Clone, Copy)]
pub struct ContainerBudget {
    pub max_entries: usize,
    /// Over all entries, counted while inflating.
    pub max_unzipped_bytes: u64,
    /// Inflated : compressed, for entries above `RATIO_FLOOR` bytes. Office XML compresses about
    /// 10:1; 1000:1 is a run of one repeated byte.
    pub max_ratio: u64,
    pub max_xml_depth: usize,
}

impl Default for ContainerBudget {
    fn default() -> Self {
        ContainerBudget {
            max_entries: 10_000,
            max_unzipped_bytes: 256 * 1024 * 1024,
            max_ratio: 200,
            max_xml_depth: 256,
        }
    }
}

/// Entries smaller than this inflate from anything without being a threat.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// Why a container is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerError {
    /// Not a readable zip archive.
    Corrupt(String),
    /// A budget was exceeded: which one, with the numbers.
    OverBudget(BudgetHit),
}

/// Inflates every entry once, within the budget, and measures each XML part's depth.
pub fn check(bytes: &[u8], budget: &ContainerBudget) -> Result<(), ContainerError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ContainerError::Corrupt(e.to_string()))?;
    if archive.len() > budget.max_entries {
        return Err(ContainerError::OverBudget(BudgetHit::new(
            BudgetName::ZipEntries,
            archive.len(),
            budget.max_entries,
        )));
    }
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| ContainerError::Corrupt(e.to_string()))?;
        let entry_name = entry.name().map(|n| n.to_string()).unwrap_or_else(|_| format!("{index}"));
        let compressed = entry.compressed_size().max(1);
        let is_xml = entry_name.ends_with(".xml") || entry_name.ends_with(".rels");
        let mut depth = XmlDepth::default();
        let mut inflated: u64 = 0;
        loop {
            let read = match entry.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) => return Err(ContainerError::Corrupt(format!("{entry_name}: {error}"))),
            };
            inflated += read as u64;
            total += read as u64;
            let over = |name: BudgetName, limit: u64| {
                Err(ContainerError::OverBudget(BudgetHit::over(name, limit).at(At::Entry(entry_name.clone()))))
            };
            if total > budget.max_unzipped_bytes {
                return over(BudgetName::UnzippedBytes, budget.max_unzipped_bytes);
            }
            if inflated > RATIO_FLOOR && inflated / compressed > budget.max_ratio {
                return over(BudgetName::CompressionRatio, budget.max_ratio);
            }
            if is_xml {
                depth.feed(&buffer[..read]);
                if depth.deepest > budget.max_xml_depth {
                    return over(BudgetName::XmlDepth, budget.max_xml_depth as u64);
                }
            }
        }
    }
    Ok(())
}

/// Element nesting depth of an XML stream, fed in chunks: `<a>` opens, `</a>` and `<a/>` close;
/// declarations, comments, CDATA and processing instructions do not count. A tag split across
/// chunks is followed by the state kept here.
#[derive(Debug, Default)]
struct XmlDepth {
    depth: usize,
    deepest: usize,
    state: TagState,
    /// The two previous bytes (`/` before `>` closes an empty element, `--` before `>` a comment).
    previous: [u8; 2],
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum TagState {
    #[default]
    Text,
    /// Just after `<`.
    Open,
    Start,
    End,
    /// `<!` and how many `-` followed it (two make a comment).
    Bang(u8),
    /// `<!-- … -->`: tags inside do not count.
    Comment,
    /// `<?…?>`, `<!DOCTYPE …>`, `<![CDATA[…` (a `>` inside a CDATA section ends it early: harmless
    /// for a depth bound).
    Other,
}

impl XmlDepth {
    fn feed(&mut self, chunk: &[u8]) {
        for &byte in chunk {
            self.state = match (self.state, byte) {
                (TagState::Text, b'<') => TagState::Open,
                (TagState::Text, _) => TagState::Text,
                (TagState::Open, b'/') => TagState::End,
                (TagState::Open, b'!') => TagState::Bang(0),
                (TagState::Open, b'?') => TagState::Other,
                (TagState::Open, b'>') => TagState::Text,
                (TagState::Open, _) => TagState::Start,
                (TagState::Start, b'>') => {
                    if self.previous[1] != b'/' {
                        self.depth += 1;
                        self.deepest = self.deepest.max(self.depth);
                    }
                    TagState::Text
                }
                (TagState::End, b'>') => {
                    self.depth = self.depth.saturating_sub(1);
                    TagState::Text
                }
                (TagState::Bang(0), b'-') => TagState::Bang(1),
                (TagState::Bang(1), b'-') => TagState::Comment,
                (TagState::Bang(_), b'>') => TagState::Text,
                (TagState::Bang(_), _) => TagState::Other,
                (TagState::Comment, b'>') if self.previous == *b"--" => TagState::Text,
                (TagState::Other, b'>') => TagState::Text,
                (state, _) => state,
            };
            self.previous = [self.previous[1], byte];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(content).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn depth_of(xml: &str) -> usize {
        let mut depth = XmlDepth::default();
        // Byte by byte: a tag split across chunks is followed.
        for byte in xml.as_bytes() {
            depth.feed(std::slice::from_ref(byte));
        }
        depth.deepest
    }

    #[test]
    fn xml_depth_counts_elements_only() {
        assert_eq!(depth_of("<?xml version=\"1.0\"?><a><b/><c x=\"1\"><d>t</d></c></a>"), 3);
        assert_eq!(depth_of("<!-- <x><y><z> --><a></a><a><b></b></a>"), 2);
        assert_eq!(depth_of("<!DOCTYPE a><a><![CDATA[x]]><b/></a>"), 1);
        assert_eq!(depth_of("<a/><b/>"), 0);
    }

    #[test]
    fn an_ordinary_workbook_passes() {
        let sheet = b"<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>";
        assert_eq!(check(&zip(&[("xl/worksheets/sheet1.xml", sheet)]), &ContainerBudget::default()), Ok(()));
    }

    #[test]
    fn bombs_are_refused_naming_the_budget() {
        let budget = ContainerBudget::default();
        let deep = "<a>".repeat(300) + &"</a>".repeat(300);
        let Err(ContainerError::OverBudget(hit)) = check(&zip(&[("xl/workbook.xml", deep.as_bytes())]), &budget) else {
            panic!("deep XML accepted");
        };
        let why = hit.to_string();
        assert!(why.starts_with("XML depth of xl/workbook.xml"), "{why}");

        let zeros = vec![0u8; 8 * 1024 * 1024];
        let Err(ContainerError::OverBudget(hit)) = check(&zip(&[("xl/media/a.bin", &zeros)]), &budget) else {
            panic!("8 MiB of zeros accepted");
        };
        let why = hit.to_string();
        assert!(why.starts_with("compression ratio of xl/media/a.bin"), "{why}");

        let small = ContainerBudget { max_unzipped_bytes: 1000, ..budget };
        let text = vec![b'x'; 600];
        let Err(ContainerError::OverBudget(hit)) = check(&zip(&[("a.xml", &text), ("b.xml", &text)]), &small) else {
            panic!("over the unzipped total accepted");
        };
        let why = hit.to_string();
        assert!(why.starts_with("unzipped bytes"), "{why}");

        let few = ContainerBudget { max_entries: 1, ..budget };
        let Err(ContainerError::OverBudget(hit)) = check(&zip(&[("a.xml", b"<a/>"), ("b.xml", b"<b/>")]), &few) else {
            panic!("too many entries accepted");
        };
        assert_eq!(hit, BudgetHit::new(BudgetName::ZipEntries, 2, 1));
    }

    #[test]
    fn not_a_zip_is_corrupt() {
        assert!(matches!(
            check(b"PK\x03\x04 not really", &ContainerBudget::default()),
            Err(ContainerError::Corrupt(_))
        ));
    }
}
