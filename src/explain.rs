//! Human-readable answers for `rule`, `catalog` and `inspect`.

use crate::catalog::{Catalog, Kind, EMBEDDED};
use crate::checks::registry::{lookup, RULES};
use crate::facts::{FileFacts, Outcome};
use crate::model::Lang;
use std::fmt::Write;

pub fn rule_list(lang: Lang) -> String {
    let mut out = String::new();
    for rule in RULES {
        let state = if rule.implemented {
            ""
        } else {
            lang.pick(" (chưa kiểm tra ở phiên bản này)", " (not checked by this version)")
        };
        let _ = writeln!(
            out,
            "{}  {:<34} {:<8} {}{}",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.explanation(lang).what,
            state
        );
    }
    out
}

pub fn rule_explain(code: &str, lang: Lang) -> Option<String> {
    let rule = lookup(code)?;
    let text = rule.explanation(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{} {} ({})", rule.code, rule.name, rule.severity.as_str());
    if !rule.implemented {
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "Lưu ý: phiên bản này chưa kiểm tra quy tắc này.",
                "Note: this version does not check this rule yet."
            )
        );
    }
    let (what, why, fix) = lang
        .pick(("Ý nghĩa", "Vì sao bị chấm 0", "Cách khắc phục"), ("What it means", "Why it matters", "How to fix it"));
    let _ = writeln!(out, "\n## {what}\n{}\n\n## {why}\n{}\n\n## {fix}\n{}", text.what, text.why, text.fix);
    Some(out)
}

pub fn catalog_list(lang: Lang) -> String {
    let mut out = String::new();
    for (id, _) in EMBEDDED {
        if let Ok(catalog) = Catalog::resolve(id) {
            let criteria = catalog.criteria.iter().filter(|c| c.kind == Kind::Criterion).count();
            let _ = writeln!(
                out,
                "{id:<12} {} — {} {}, {} {}",
                catalog.name,
                catalog.level,
                catalog.year,
                criteria,
                lang.pick("tiêu chí", "criteria")
            );
        }
    }
    out
}

pub fn catalog_show(catalog: &Catalog, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", catalog.id, catalog.name);
    let _ = writeln!(
        out,
        "{}: {} … {}; {}: {}",
        lang.pick("Kỳ đánh giá", "Period"),
        catalog.period_start,
        catalog.cutoff,
        lang.pick("căn cứ", "basis"),
        catalog.basis.as_deref().unwrap_or("-")
    );
    for c in &catalog.criteria {
        let indent = match c.kind {
            Kind::Area => "",
            Kind::Group => "  ",
            Kind::Criterion => "    ",
        };
        let mut flags = Vec::new();
        if !c.requires_evidence {
            flags.push(lang.pick("không cần tài liệu", "no evidence needed"));
        }
        if c.requires_table {
            flags.push(lang.pick("cần bảng thống kê", "statistics table required"));
        }
        let cutoff = c.cutoff.map(|d| format!(" [{} {d}]", lang.pick("chốt", "cutoff"))).unwrap_or_default();
        let flags = if flags.is_empty() { String::new() } else { format!(" ({})", flags.join(", ")) };
        let _ = writeln!(out, "{indent}{:<8} {:>5}  {}{flags}{cutoff}", c.code, c.max, c.title);
    }
    out
}

pub fn inspect(path: &str, facts: &FileFacts, lang: Lang) -> String {
    let mut out = String::new();
    let l = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    let _ = writeln!(out, "{path}");
    let _ = writeln!(out, "  {}: {}, {} byte", l("loại", "kind"), facts.kind.as_str(), facts.size);
    if let Some(sha) = &facts.sha256 {
        let _ = writeln!(out, "  sha256: {sha}");
    }
    let state = match &facts.outcome {
        Outcome::Ok => l("đọc được", "readable").to_string(),
        Outcome::Unreadable(problem) => format!("{}: {problem}", l("không đọc được", "unreadable")),
        Outcome::Encrypted => l("có mật khẩu", "encrypted").to_string(),
        Outcome::OverBudget(which) => format!("{}: {which}", l("vượt giới hạn", "over budget")),
    };
    let _ = writeln!(out, "  {}: {state}", l("trạng thái", "status"));
    let Some(pdf) = facts.pdf.as_ref() else {
        return out;
    };
    let _ = writeln!(
        out,
        "  {}: {}; {}: {}",
        l("số trang", "pages"),
        pdf.pages,
        l("ký tự chữ", "text characters"),
        pdf.text_chars
    );
    if pdf.repaired {
        let _ = writeln!(out, "  {}", l("bảng xref hỏng, đã dựng lại", "xref table broken, rebuilt"));
    }
    let _ = writeln!(out, "  {} ({} {}):", l("chữ ký số", "signatures"), pdf.signatures.len(), l("chữ ký", "found"));
    for sig in &pdf.signatures {
        let _ =
            writeln!(out, "    - {} {}", sig.field.as_deref().unwrap_or("?"), sig.subfilter.as_deref().unwrap_or("?"));
    }
    let header = &pdf.header;
    let _ = writeln!(out, "  {} ({} {}):", l("phần đầu văn bản", "header"), l("trang", "page"), pdf.header_page);
    match &header.number {
        Some(n) => {
            let _ = writeln!(out, "    {}: {} [{:?}]", l("số, ký hiệu", "number"), n.raw, n.status);
        }
        None => {
            let _ = writeln!(out, "    {}: -", l("số, ký hiệu", "number"));
        }
    }
    let date = match &header.date {
        crate::vn::date::DateLine::Dated { date, raw } => format!("{date} ({raw})"),
        other => format!("{other:?}"),
    };
    let _ = writeln!(out, "    {}: {date}", l("ngày", "date"));
    let _ = writeln!(out, "    {}: {}", l("loại văn bản", "type"), header.title.as_deref().unwrap_or("-"));
    if let Some(page) = pdf.statistics_table_page {
        let _ = writeln!(out, "  {}: {} {page}", l("bảng thống kê", "statistics table"), l("trang", "page"));
    }
    let _ = writeln!(out, "  {}:", l("mẫu chữ trang đầu", "page text sample"));
    for line in pdf.sample.lines() {
        let _ = writeln!(out, "    | {line}");
    }
    out
}
