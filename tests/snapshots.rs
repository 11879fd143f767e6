//! Every report format on the demo unit, as a reviewed snapshot (insta): a change to any wording,
//! order, key or layout shows up as a diff to accept (`cargo insta review`) or to fix. The run is
//! made deterministic: the library directly, no OCR, no cache, a fixed day, the demo's own anchors.

use kiemchung::facts::signature::TrustStore;
use kiemchung::model::Lang;
use kiemchung::report::{render, Format, RenderOptions};
use kiemchung::{check, Config, Report};

const DEMO: &str = "fixtures/demo";

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
