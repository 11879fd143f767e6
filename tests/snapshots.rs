//! Every report format on the demo unit, as a reviewed snapshot (insta): a change to any wording,
//! order, key or layout shows up as a diff to accept (`cargo insta review`) or to fix. The run is
//! made deterministic: the library directly, no OCR, no cache, a fixed day, the demo's own anchors.

use kiemchung::facts::signature::TrustStore;
use kiemchung::model::Lang;
use kiemchung::report::{render, Format, RenderOptions};
use kiemchung::{check, Config, Report};

mod common;

const DEMO: &str = "fixtures/demo";

/// A PDF whose text layer decodes its small letters to private-use characters (a ToUnicode map
/// into U+E000…), as a layer that lost its diacritics does: the unreadable layer KC607 reports.
fn garbled_pdf() -> Vec<u8> {
    use lopdf::{dictionary, Stream};
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <00> <FF> endcodespacerange\n2 beginbfrange <20> <5A> <0020> <61> <7A> <E000> endbfrange\nendcmap end end\n";
    let font = |doc: &mut lopdf::Document| {
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "ToUnicode" => to_unicode }
    };
    let lines = (0..30).map(|i| {
        format!("UY BAN NHAN DAN XA PHAN ME {i} So: 12/KH-UBND Phan Me, ngay 05 thang 3 nam 2023 Ke hoach cai cach")
            .into_bytes()
    });
    common::one_page_pdf(font, lines.collect())
}

fn demo_report(lang: Lang) -> Report {
    let mut trust = TrustStore::builtin();
    trust.add_dir(std::path::Path::new("fixtures/trust")).unwrap();
    let config = Config::builder([DEMO]).lang(lang).jobs(2).trust(trust).today(jiff::civil::date(2026, 12, 7)).build();
    check(&config).expect("the demo checks").report
}

fn rendered(report: &Report, format: Format, lang: Lang) -> String {
    let bytes = render(report, format, &RenderOptions { lang, color: false }).unwrap();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn text_reports() {
    for (lang, name) in [(Lang::Vi, "text_vi"), (Lang::En, "text_en")] {
        insta::assert_snapshot!(name, rendered(&demo_report(lang), Format::Text, lang));
    }
}

#[test]
fn machine_reports() {
    let report = demo_report(Lang::Vi);
    insta::assert_snapshot!("json", rendered(&report, Format::Json, Lang::Vi));
    insta::assert_snapshot!("jsonl", rendered(&report, Format::Jsonl, Lang::Vi));
    insta::assert_snapshot!("csv", rendered(&report, Format::Csv, Lang::Vi));
}

#[test]
fn html_report() {
    insta::assert_snapshot!("html", rendered(&demo_report(Lang::Vi), Format::Html, Lang::Vi));
}

/// The workbook, read back cell by cell (the zip's bytes carry timestamps; its cells do not).
#[test]
fn xlsx_report() {
    use calamine::{open_workbook_from_rs, Reader, Xlsx};
    let bytes = render(&demo_report(Lang::Vi), Format::Xlsx, &RenderOptions { lang: Lang::Vi, color: false }).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for name in book.sheet_names() {
        text.push_str(&format!("== {name}\n"));
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            text.push_str(&cells.join(" | "));
            text.push('\n');
        }
    }
    insta::assert_snapshot!("xlsx_cells", text);
}

/// `--select CODE` never silences CODE: each rule alone finds exactly what it finds in the full run
/// (a run reads as much text as its selected rules declare they need), on the demo and on the real
/// Vietnamese documents in fixtures.
#[test]
fn selecting_one_rule_never_silences_it() {
    let garbled = tempfile::tempdir().unwrap();
    std::fs::write(garbled.path().join("ke-hoach.pdf"), garbled_pdf()).unwrap();
    let garbled = garbled.path().to_str().unwrap().to_string();
    for target in [DEMO, "fixtures/vn-real", garbled.as_str()] {
        let run = |select: Vec<String>| {
            let mut trust = TrustStore::builtin();
            trust.add_dir(std::path::Path::new("fixtures/trust")).unwrap();
            let config = Config::builder([target])
                .jobs(2)
                .trust(trust)
                .select(select)
                .today(jiff::civil::date(2026, 12, 7))
                .build();
            check(&config).expect("the fixture checks").report.findings
        };
        let all = run(Vec::new());
        assert!(!all.is_empty(), "{target}: the full run finds something");
        if target == garbled {
            assert!(all.iter().any(|f| f.code == "KC607"), "the garbled layer is KC607: {all:?}");
        }
        for rule in kiemchung::rules::RULES {
            let alone = run(vec![rule.code.to_string()]);
            let expected: Vec<&kiemchung::Finding> = all.iter().filter(|f| f.code == rule.code).collect();
            assert_eq!(alone.iter().collect::<Vec<_>>(), expected, "{target}: --select {}", rule.code);
        }
    }
}
