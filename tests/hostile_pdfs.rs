//! Hostile PDFs (issue 16): each one crosses a parser budget and must end as `over-budget`, the
//! budget named, with the run's memory bounded, or (a form cycle read by pdf-extract) at least
//! leave the run alive with the file in the report. Each input is just big enough to cross its
//! budget; the binary runs under a watchdog so a hang fails instead of stalling.

#[path = "common/measured.rs"]
mod measured;

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream};
use std::path::Path;
use std::time::Duration;

const MAX_RSS_MIB: u64 = 512;

/// A font whose codes nobody can decode (glyph names no list knows, no ToUnicode): our reader
/// marks the page unread and hands the file to the pdf-extract fallback.
fn undecodable_font(doc: &mut Document) -> ObjectId {
    let mut differences: Vec<Object> = vec![1.into()];
    differences.extend((1..=40).map(|code| Object::Name(format!("g{code}").into_bytes())));
    doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => differences },
    })
}

/// 40 glyphs in that font: enough for the page to count as unread.
const UNDECODABLE_TEXT: &[u8] =
    b"BT /F1 12 Tf 50 800 Td <0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627> Tj ET\n";

/// A document whose pages each have `content` (already a stream id) and `resources`.
fn save(mut doc: Document, pages: Vec<(Object, Dictionary)>) -> Vec<u8> {
    let pages_id = doc.new_object_id();
    let kids: Vec<Object> = pages
        .into_iter()
        .map(|(contents, resources)| {
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => contents, "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

fn form(dict: Dictionary, content: Vec<u8>) -> Stream {
    let mut dict = dict;
    dict.set("Type", "XObject");
    dict.set("Subtype", "Form");
    dict.set("BBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
    Stream::new(dict, content)
}

/// What `kiemchung check` said about `name`, written alone in a unit folder.
struct Checked {
    status: String,
    detail: String,
    max_rss_mib: u64,
}

fn check_files(files: &[(&str, &[u8])]) -> Vec<Checked> {
    let root = tempfile::tempdir().unwrap();
    let unit = root.path().join("ubnd-xa-thu");
    std::fs::create_dir_all(unit.join("evidence")).unwrap();
    for (name, bytes) in files {
        std::fs::write(unit.join("evidence").join(name), bytes).unwrap();
    }
    check_unit(&unit, &files.iter().map(|(name, _)| *name).collect::<Vec<_>>())
}

fn check_unit(unit: &Path, names: &[&str]) -> Vec<Checked> {
    let dir = unit.to_str().unwrap();
    let run = measured::run_kiemchung(
        &["check", dir, "--format", "json", "--no-cache", "--no-ocr", "--jobs", "2", "--lang", "en"],
        Duration::from_secs(120),
    );
    assert!(!run.killed_by_watchdog, "the run hung (killed after {:?})", run.elapsed);
    assert!(run.code.is_some(), "the run was killed by a signal: {}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    names
        .iter()
        .map(|name| {
            let file = report["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
                .unwrap_or_else(|| panic!("{name} is in the report: {}", run.stdout));
            let messages: Vec<String> = findings
                .iter()
                .filter(|f| f.to_string().contains(name))
                .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                .collect();
            Checked {
                status: file["status"].as_str().unwrap_or_default().to_string(),
                detail: format!("{file} {messages:?}"),
                max_rss_mib: run.max_rss_mib,
            }
        })
        .collect()
}

fn check_one(name: &str, bytes: &[u8]) -> Checked {
    check_files(&[(name, bytes)]).remove(0)
}

fn assert_over_budget(checked: &Checked, budget: &str) {
    assert_eq!(checked.status, "over-budget", "{}", checked.detail);
    assert!(checked.detail.contains(budget), "the budget `{budget}` is named: {}", checked.detail);
    assert!(checked.max_rss_mib < MAX_RSS_MIB, "peak RSS {} MiB", checked.max_rss_mib);
}

/// A page that shows undecodable text, then draws form X0; `forms` builds the forms and returns X0.
fn fallback_page_with_forms(build: impl FnOnce(&mut Document) -> ObjectId) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let font = undecodable_font(&mut doc);
    let first = build(&mut doc);
    let content = doc.add_object(Stream::new(dictionary! {}, [UNDECODABLE_TEXT, b"/X0 Do\n"].concat()));
    let resources = dictionary! { "Font" => dictionary! { "F1" => font }, "XObject" => dictionary! { "X0" => first } };
    save(doc, vec![(content.into(), resources)])
}

#[test]
fn forms_nested_deep_or_in_a_cycle_do_not_kill_the_run_through_the_fallback() {
    // A form that draws itself: pdf-extract follows `Do` without a bound and overflows its stack,
    // which aborts the whole process.
    let cycle = fallback_page_with_forms(|doc| {
        let id = doc.new_object_id();
        let resources = dictionary! { "XObject" => dictionary! { "X0" => id } };
        doc.objects.insert(id, Object::Stream(form(dictionary! { "Resources" => resources }, b"/X0 Do\n".to_vec())));
        id
    });
    // A chain of 20,000 forms, each drawing the next.
    let deep = fallback_page_with_forms(|doc| {
        let mut next: Option<ObjectId> = None;
        for _ in 0..20_000 {
            let (dict, content) = match next {
                Some(inner) => (
                    dictionary! { "Resources" => dictionary! { "XObject" => dictionary! { "X0" => inner } } },
                    b"/X0 Do\n".to_vec(),
                ),
                None => (dictionary! {}, b"0 0 m\n".to_vec()),
            };
            next = Some(doc.add_object(form(dict, content)));
        }
        next.unwrap()
    });
    let checked = check_files(&[("cycle.pdf", &cycle), ("deep.pdf", &deep)]);
    for checked in &checked {
        assert_over_budget(checked, "form XObject depth");
    }
}

/// A second page without a MediaBox whose /Parent chain loops (found by the fallback fuzz target):
/// the first page's undecodable text sends the document to pdf-extract, which climbs the second
/// page's chain for its MediaBox for ever, its thread busy past every deadline.
#[test]
fn a_page_tree_whose_parents_loop_is_not_handed_to_the_fallback() {
    let mut doc = Document::with_version("1.5");
    let font = undecodable_font(&mut doc);
    let content = doc.add_object(Stream::new(dictionary! {}, UNDECODABLE_TEXT.to_vec()));
    let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
    let (root, upper, lower) = (doc.new_object_id(), doc.new_object_id(), doc.new_object_id());
    let readable = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => root, "Contents" => content, "Resources" => resources.clone(),
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    let looped = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => lower, "Contents" => content, "Resources" => resources,
    });
    doc.objects.insert(lower, Object::Dictionary(dictionary! { "Type" => "Pages", "Parent" => upper }));
    doc.objects.insert(upper, Object::Dictionary(dictionary! { "Type" => "Pages", "Parent" => lower }));
    let kids = vec![readable.into(), looped.into()];
    doc.objects.insert(root, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => root });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    assert_over_budget(&check_one("parent-loop.pdf", &bytes), "page tree depth");
}

#[test]
fn form_fan_out_is_over_budget_on_visits() {
    // Ten levels of forms, each drawing the next ten times: 10^10 draws from a few kilobytes.
    let pdf = fallback_page_with_forms(|doc| {
        let mut next: Option<ObjectId> = None;
        for _ in 0..10 {
            let (dict, content) = match next {
                Some(inner) => (
                    dictionary! { "Resources" => dictionary! { "XObject" => dictionary! { "X0" => inner } } },
                    b"/X0 Do\n".repeat(10),
                ),
                None => (dictionary! {}, b"0 0 m\n".to_vec()),
            };
            next = Some(doc.add_object(form(dict, content)));
        }
        next.unwrap()
    });
    assert_over_budget(&check_one("fan-out.pdf", &pdf), "form XObject visits");
}

#[test]
fn a_content_stream_inflating_past_the_stream_budget_is_over_budget() {
    // 40 MB of blanks deflated twice (a filter chain): a few kilobytes on disk.
    let mut stream =
        Stream::new(dictionary! {}, [b"BT /F1 12 Tf (Ok) Tj ET\n".to_vec(), vec![b' '; 40 << 20]].concat());
    stream.compress().unwrap();
    stream.dict.remove(b"Filter");
    stream.compress().unwrap();
    stream.dict.set("Filter", vec![Object::Name(b"FlateDecode".to_vec()), Object::Name(b"FlateDecode".to_vec())]);
    let mut doc = Document::with_version("1.5");
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let content = doc.add_object(stream);
    let pdf = save(doc, vec![(content.into(), dictionary! { "Font" => dictionary! { "F1" => font } })]);
    assert_over_budget(&check_one("bomb.pdf", &pdf), "decompressed bytes");
}

#[test]
fn millions_of_operators_on_a_page_are_over_budget() {
    let mut stream = Stream::new(dictionary! {}, b"n\n".repeat(5_000_100));
    stream.compress().unwrap();
    let mut doc = Document::with_version("1.5");
    let content = doc.add_object(stream);
    let pdf = save(doc, vec![(content.into(), dictionary! {})]);
    assert_over_budget(&check_one("operators.pdf", &pdf), "operators on page 1");
}

#[test]
fn pages_sharing_one_large_content_stream_are_over_budget_on_decoded_bytes() {
    // 1,500 pages drawing the same 192 KB stream: 288 MB of content to read from a few kilobytes.
    let mut doc = Document::with_version("1.5");
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let mut stream = Stream::new(dictionary! {}, b"BT /F1 12 Tf (Ok) Tj ET\n".repeat(8_000));
    stream.compress().unwrap();
    let content = doc.add_object(stream);
    let pages =
        (0..1_500).map(|_| (Object::Reference(content), dictionary! { "Font" => dictionary! { "F1" => font } }));
    let pdf = save(doc, pages.collect());
    assert_over_budget(&check_one("shared.pdf", &pdf), "decompressed bytes: > 268435456");
}

#[test]
fn one_huge_array_is_refused_before_it_is_parsed() {
    // 12 million integers in one array: 24 MB on disk, gigabytes as lopdf objects.
    let mut doc = Document::with_version("1.5");
    let content = doc.add_object(Stream::new(dictionary! {}, b"0 0 m\n".to_vec()));
    let pdf = save(doc, vec![(content.into(), dictionary! {})]);
    let tail = format!("\n90 0 obj\n[{}]\nendobj\n", "0 ".repeat(12_000_000));
    let at = pdf.windows(4).rposition(|w| w == b"xref").unwrap();
    let pdf = [&pdf[..at], tail.as_bytes(), &pdf[at..]].concat();
    assert_over_budget(&check_one("array.pdf", &pdf), "object density");
}

#[test]
fn a_to_unicode_range_over_millions_of_codes_is_over_budget() {
    // Four-byte codes 00000000..00FFFFFF in one bfrange: 16 million entries to a reader that
    // expands ranges (pdf-extract does), while the page's two-byte codes decode through nothing.
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n1 beginbfrange <00000000> <00FFFFFF> <0041> endbfrange\nendcmap CMapName currentdict /CMap defineresource pop end end\n";
    let mut doc = Document::with_version("1.5");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Arial",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Arial", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()], "ToUnicode" => to_unicode,
    });
    let text: String = (1..=40).map(|code| format!("{code:04X}")).collect();
    let content =
        doc.add_object(Stream::new(dictionary! {}, format!("BT /F1 12 Tf 50 800 Td <{text}> Tj ET\n").into_bytes()));
    let pdf = save(doc, vec![(content.into(), dictionary! { "Font" => dictionary! { "F1" => font } })]);
    assert_over_budget(&check_one("cmap.pdf", &pdf), "CMap codes");
}

#[test]
fn two_large_pdfs_read_in_parallel_stay_within_the_memory_budget() {
    // Two 250 MB PDFs (one raw image each): read and parsed together they would hold over 1 GB.
    let mut doc = Document::with_version("1.5");
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 10_000, "Height" => 25_000, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray" },
        vec![0u8; 250_000_000],
    ));
    let content = doc.add_object(Stream::new(dictionary! {}, b"q 595 0 0 842 0 0 cm /Im0 Do Q\n".to_vec()));
    let pdf = save(doc, vec![(content.into(), dictionary! { "XObject" => dictionary! { "Im0" => image } })]);
    let checked = check_files(&[("scan-1.pdf", &pdf), ("scan-2.pdf", &pdf)]);
    drop(pdf);
    for checked in &checked {
        assert_over_budget(checked, "file size");
    }
}
