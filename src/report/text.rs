//! `--format text`: findings grouped by unit and criterion, in the user's language, with a
//! summary; colour only on a terminal.

use super::RenderOptions;
use crate::checks::points as fmt_points;
use crate::model::{count, points_phrase, Finding, Report, Severity};
use crate::rules::{display_name, fix};
use std::fmt::Write;

const RESET: &str = "\x1b[0m";

fn paint(options: &RenderOptions, color: &str, text: &str) -> String {
    if options.color {
        format!("{color}{text}{RESET}")
    } else {
        text.to_string()
    }
}

fn severity_label(severity: Severity, options: &RenderOptions) -> String {
    let (vi, en, color) = match severity {
        Severity::Zero => ("0 điểm", "zero", "\x1b[1;31m"),
        Severity::Warning => ("cảnh báo", "warning", "\x1b[33m"),
        Severity::Info => ("thông tin", "info", "\x1b[36m"),
    };
    paint(options, color, options.lang.pick(vi, en))
}

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let lang = options.lang;
    let mut out = String::new();
    let mut current_unit: Option<Option<&str>> = None;
    let mut current_criterion: Option<Option<&str>> = None;
    for (index, finding) in report.findings.iter().enumerate() {
        let unit = finding.unit.as_deref();
        if current_unit != Some(unit) {
            current_unit = Some(unit);
            current_criterion = None;
            let title = match unit.and_then(|u| report.units.iter().find(|r| r.id == u)) {
                Some(record) => lang.pick(
                    format!(
                        "Đơn vị {} — tự chấm {} điểm, có nguy cơ mất {} điểm",
                        record.id,
                        fmt_points(record.claimed, lang),
                        fmt_points(record.at_risk, lang)
                    ),
                    format!(
                        "Unit {} — {} claimed, {} at risk",
                        record.id,
                        points_phrase(record.claimed, lang),
                        points_phrase(record.at_risk, lang)
                    ),
                ),
                None => lang.pick("Tệp kiểm tra riêng lẻ".to_string(), "Files checked on their own".to_string()),
            };
            let _ = writeln!(out, "\n{}", paint(options, "\x1b[1m", &title));
        }
        let criterion = finding.criterion.as_deref();
        if current_criterion != Some(criterion) {
            current_criterion = Some(criterion);
            match criterion {
                Some(code) => {
                    let _ = writeln!(out, "  {} {code}", lang.pick("Tiêu chí", "Criterion"));
                }
                None if unit.is_some() => {
                    let _ = writeln!(out, "  {}", lang.pick("Chung", "General"));
                }
                None => {}
            }
        }
        write_finding(&mut out, finding, options);
        // The fix follows the finding; consecutive findings of one code in one place share it.
        let next = report.findings.get(index + 1);
        let same_group =
            next.is_some_and(|n| n.code == finding.code && n.unit == finding.unit && n.criterion == finding.criterion);
        if !same_group {
            if let Some(fix) = fix(finding.code, lang) {
                let _ = writeln!(out, "        → {} {fix}", lang.pick("Cách sửa:", "How to fix:"));
            }
        }
    }
    write_summary(&mut out, report, options);
    out
}

fn write_finding(out: &mut String, finding: &Finding, options: &RenderOptions) {
    let place = match (&finding.file, finding.page) {
        (Some(file), Some(page)) => {
            format!("{file} ({} {page})", options.lang.pick("trang", "page"))
        }
        (Some(file), None) => file.clone(),
        _ => String::new(),
    };
    let _ = write!(
        out,
        "    {} {} [{}] ",
        paint(options, "\x1b[1m", finding.code),
        display_name(finding.code, options.lang),
        severity_label(finding.severity, options)
    );
    if !place.is_empty() {
        let _ = write!(out, "{place}: ");
    }
    let _ = writeln!(out, "{}", finding.message);
    if let Some(excerpt) = &finding.excerpt {
        let _ = writeln!(out, "        » {}", crate::vn::text::excerpt(excerpt, 160));
    }
}

fn write_summary(out: &mut String, report: &Report, options: &RenderOptions) {
    let lang = options.lang;
    let s = &report.summary;
    let _ = writeln!(out);
    let _ = writeln!(out, "{}.", report.frame_line(lang));
    let _ = writeln!(out, "{} {}.", lang.pick("Tổng cộng:", "Total:"), s.totals(lang));
    if !s.not_judged.is_empty() {
        let _ = writeln!(
            out,
            "{}:",
            lang.pick(
                "Chưa đánh giá (không đủ căn cứ, không tính là lỗi)",
                "Not judged (no basis to judge; not counted as findings)"
            )
        );
        for entry in &s.not_judged {
            let _ = writeln!(out, "  {}", entry.line(lang));
        }
    }
    if !s.codes.is_empty() {
        let _ = writeln!(out, "{}:", lang.pick("Theo mã", "By code"));
        // English nouns agree with their count ("1 file", "2 files"); Vietnamese ones do not change.
        let noun = |n: usize, vi: &'static str, one: &'static str, many: &'static str| {
            lang.pick(vi, if n == 1 { one } else { many })
        };
        for code in &s.codes {
            let _ = writeln!(
                out,
                "  {} {:<38} {:>5} {:<9} {:>4} {:<6} {:>5} {}",
                code.code,
                display_name(code.code, lang),
                code.findings,
                noun(code.findings, "phát hiện", "finding", "findings"),
                code.units,
                noun(code.units, "đơn vị", "unit", "units"),
                code.files,
                noun(code.files, "tệp", "file", "files")
            );
        }
    }
    if report.units.len() > 1 {
        let ranked = report.units_by_risk();
        let _ = writeln!(out, "{}", lang.pick("Đơn vị theo số điểm có nguy cơ mất:", "Units by points at risk:"));
        for unit in ranked {
            let counts = lang.pick(
                format!("{} lỗi 0 điểm, {} cảnh báo", unit.findings.zero, unit.findings.warning),
                format!(
                    "{}, {}",
                    count(unit.findings.zero, "zero-score finding", "zero-score findings"),
                    count(unit.findings.warning, "warning", "warnings")
                ),
            );
            let _ = writeln!(
                out,
                "  {:>8} / {:<8} {:<50} {counts}",
                fmt_points(unit.at_risk, lang),
                fmt_points(unit.claimed, lang),
                unit.id
            );
        }
    }
}
