//! `kiemchung template` writes a blank workbook that `check` reads back, row for row.

use calamine::{open_workbook, Data, Reader, Xlsx};
use kiemchung::catalog::Catalog;
use serde_json::Value;
use std::process::Command;

fn kiemchung(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kiemchung")).args(args).output().unwrap()
}

#[test]
fn every_embedded_catalog_gives_a_workbook_check_reads_back() {
    for id in ["tinh-2023", "xa-2023"] {
        let catalog = Catalog::resolve(id).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let unit = dir.path().join("don-vi");
        std::fs::create_dir(&unit).unwrap();
        let path = unit.join("tu-cham-diem.xlsx");
        let out = kiemchung(&["template", "--catalog", id, "-o", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

        // The codes are text cells, in the catalog's order, with title and maximum.
        let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
        let range = workbook.worksheet_range("Tự chấm điểm").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let header = rows.iter().position(|r| r.first().is_some_and(|c| *c == "Mã tiêu chí")).unwrap();
        for (criterion, row) in catalog.criteria.iter().zip(&rows[header + 1..]) {
            assert_eq!(row[0], Data::String(criterion.code.clone()));
            assert_eq!(row[1].to_string(), criterion.title);
            assert_eq!(row[2], Data::Float(criterion.max));
        }

        // check reads it as a unit's workbook with every row and nothing to report.
        let out = kiemchung(&["check", "--catalog", id, "--format", "json", dir.path().to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["units"][0]["sheet"], "tu-cham-diem.xlsx");
        assert_eq!(report["units"][0]["rows"].as_u64().unwrap() as usize, catalog.criteria.len());
        assert_eq!(report["findings"].as_array().unwrap().len(), 0, "a blank workbook claims nothing");
    }
}

#[test]
fn bad_template_requests_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing_folder = dir.path().join("khong-co/x.xlsx");
    let out = kiemchung(&["template", "-o", missing_folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không tồn tại"));
    let out = kiemchung(&["template", "--catalog", "khong-co", "-o", dir.path().join("x.xlsx").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}
