//! `catalog import` and `catalog export` through the binary: an annex written from each embedded
//! catalog the way a province publishes one (a plain xlsx table: Roman areas, decimal commas,
//! survey-scored rows marked in a note column; and a table in a .docx) imports back to the same
//! codes, kinds, maxima and flags; an exported catalog checks a unit as the embedded one does.

use kiemchung::catalog::{Catalog, Kind, EMBEDDED};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn kiemchung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiemchung")).args(args).output().expect("binary runs")
}

/// The annex's rows: STT (Roman for areas), title, maximum as a Vietnamese writes it, note.
fn annex_rows(catalog: &Catalog) -> Vec<[String; 4]> {
    const ROMAN: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    catalog
        .criteria
        .iter()
        .map(|c| {
            let code = match c.kind {
                Kind::Area => ROMAN[c.code.parse::<usize>().unwrap() - 1].to_string(),
                _ => c.code.clone(),
            };
            let max = c.max.to_string().replace('.', ",");
            let note = if c.kind == Kind::Criterion && !c.requires_evidence {
                "Điều tra xã hội học"
            } else if c.requires_table {
                "Kèm Bảng thống kê"
            } else {
                ""
            };
            [code, c.title.clone(), max, note.to_string()]
        })
        .collect()
}

fn write_xlsx(path: &Path, title: &str, rows: &[[String; 4]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, title).unwrap();
    for (col, header) in ["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Ghi chú"].iter().enumerate()
    {
        sheet.write_string(2, col as u16, *header).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            sheet.write_string(3 + r as u32, col as u16, cell).unwrap();
        }
    }
    sheet.write_string(3 + rows.len() as u32, 1, "TỔNG ĐIỂM").unwrap();
    book.save(path).unwrap();
}

/// A minimal .docx (as Word writes it: paragraphs in cells, entities escaped) holding one table.
fn write_docx(path: &Path, title: &str, rows: &[[String; 4]]) {
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let cell = |t: &str| format!("<w:tc><w:tcPr/><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>", escape(t));
    let mut body = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p><w:tbl>", escape(title));
    let header = ["TT", "Nội dung", "Điểm tối đa", "Phương pháp đánh giá"];
    for row in std::iter::once(header.map(String::from)).chain(rows.iter().cloned()) {
        body.push_str("<w:tr>");
        row.iter().for_each(|c| body.push_str(&cell(c)));
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.finish().unwrap();
}

fn import(annex: &Path, out: &Path) -> (Catalog, String) {
    let run = kiemchung(&["catalog", "import", annex.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    (Catalog::resolve(out.to_str().unwrap()).unwrap(), stderr)
}

fn assert_same_criteria(imported: &Catalog, original: &Catalog) {
    let shape = |c: &Catalog| -> Vec<(String, Kind, String, bool, bool)> {
        c.criteria
            .iter()
            .map(|x| (x.code.clone(), x.kind, format!("{:.4}", x.max), x.requires_evidence, x.requires_table))
            .collect()
    };
    assert_eq!(shape(imported), shape(original));
    assert_eq!(imported.year, original.year);
}

#[test]
fn an_annex_of_each_embedded_catalog_imports_back() {
    let dir = tempfile::tempdir().unwrap();
    // The generator's catalog too, when ../shared is here (the conformance suite requires it).
    let generated = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/synthetic-mini/catalog.toml");
    let mut sources: Vec<&str> = EMBEDDED.iter().map(|(id, _)| *id).collect();
    sources.extend(Path::new(generated).is_file().then_some(generated));
    for (n, source) in sources.into_iter().enumerate() {
        let original = Catalog::resolve(source).unwrap();
        let id = format!("{n}");
        let annex = dir.path().join(format!("phu-luc-{id}.xlsx"));
        let title = format!("PHỤ LỤC: BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {}", original.year);
        write_xlsx(&annex, &title, &annex_rows(&original));
        let (imported, report) = import(&annex, &dir.path().join(format!("{id}.toml")));
        assert_same_criteria(&imported, &original);
        assert_eq!(imported.id, format!("phu-luc-{id}"));
        assert!(report.contains("0 dòng không đặt được, 0 tổng điểm không khớp"), "{report}");
    }
}

#[test]
fn a_docx_table_imports_and_sums_that_do_not_add_up_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let original = Catalog::resolve("xa-2023").unwrap();
    let mut rows = annex_rows(&original);
    let docx = dir.path().join("quyet-dinh.docx");
    write_docx(&docx, "Bộ tiêu chí cấp xã năm 2023 (kèm theo Quyết định số 12/QĐ-UBND)", &rows);
    let (imported, _) = import(&docx, &dir.path().join("a.toml"));
    assert_same_criteria(&imported, &original);
    assert_eq!(imported.level, "xa");
    // A province's typo: criterion 1.1 worth 2,5 where its area still sums to the old total.
    let typo = rows.iter().position(|r| r[0] == "1.1").unwrap();
    rows[typo][2] = "2,5".into();
    rows.push(["".into(), "Điểm thưởng".into(), "0,5".into(), "".into()]);
    write_docx(&docx, "Bộ tiêu chí cấp xã năm 2023", &rows);
    let (_, report) = import(&docx, &dir.path().join("b.toml"));
    assert!(report.contains("lĩnh vực 1: điểm tối đa 10,5, tổng các tiêu chí con 11,5"), "{report}");
    assert!(report.contains("có điểm nhưng không có mã (Điểm thưởng)"), "{report}");
}

#[test]
fn an_annex_without_a_year_or_a_table_is_refused_with_what_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let annex = dir.path().join("phu-luc.xlsx");
    write_xlsx(&annex, "BỘ TIÊU CHÍ", &annex_rows(&Catalog::resolve("xa-2023").unwrap()));
    let out = kiemchung(&["catalog", "import", annex.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--year"));
    let out = kiemchung(&["catalog", "import", annex.to_str().unwrap(), "--year", "2026"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("year = 2026"));
    let not_a_table = dir.path().join("ghi-chu.csv");
    std::fs::write(&not_a_table, "a,b\n1,2\n").unwrap();
    let out = kiemchung(&["catalog", "import", not_a_table.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("STT"));
}

#[test]
fn an_exported_catalog_is_the_embedded_one_and_says_it_is_a_template() {
    let dir = tempfile::tempdir().unwrap();
    for (id, _) in EMBEDDED {
        let out = dir.path().join(format!("{id}.toml"));
        let run = kiemchung(&["catalog", "export", id, "-o", out.to_str().unwrap()]);
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.to_lowercase().contains("mẫu"), "the export says it is a template");
        let exported = Catalog::resolve(out.to_str().unwrap()).unwrap();
        assert_eq!(exported.criteria, Catalog::resolve(id).unwrap().criteria);
    }
    let missing = kiemchung(&["catalog", "export", "khong-co", "-o", dir.path().join("x.toml").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
}
