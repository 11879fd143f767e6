//! Human-readable answers for `rule`, `catalog` and `inspect`.

use crate::catalog::{Catalog, Kind, EMBEDDED};
use crate::checks::registry::{lookup, RULES};
use crate::facts::signature::{SignatureFacts, SignatureKind};
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
            "{}  {:<38} {:<9} {}{}",
            rule.code,
            rule.display_name(lang),
            rule.severity.label(lang),
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
    let _ = writeln!(out, "{} {} ({})", rule.code, rule.display_name(lang), rule.severity.label(lang));
    if lang == Lang::Vi {
        // The stable name a JSON report and --select users see.
        let _ = writeln!(out, "Tên trong báo cáo JSON: {}", rule.name);
    }
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
    out.push_str(lang.pick(
        "\nĐây là các bộ mẫu, không phải bộ tiêu chí của tỉnh nào. Không có --catalog, bảng tự chấm của mỗi đơn vị\n\
         là bộ tiêu chí của đơn vị đó. Bộ tiêu chí của tỉnh: kiemchung catalog import PHỤ-LỤC.xlsx -o tinh.toml,\n\
         rồi kiemchung check THƯ-MỤC --catalog tinh.toml. Sửa một bộ mẫu: kiemchung catalog export ID -o TỆP.toml.\n",
        "\nThese are templates, not any province's real set. Without --catalog each unit's workbook is its own\n\
         catalog. A province's set: kiemchung catalog import ANNEX.xlsx -o province.toml, then\n\
         kiemchung check FOLDER --catalog province.toml. To adapt a template: kiemchung catalog export ID -o FILE.toml.\n",
    ));
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
        Outcome::Unreadable(problem) => {
            format!("{}: {}", l("không đọc được", "unreadable"), crate::checks::file::problem_words(problem, lang))
        }
        Outcome::Encrypted => l("có mật khẩu", "encrypted").to_string(),
        Outcome::OverBudget(which) => format!("{}: {}", l("vượt giới hạn", "over budget"), which.words(lang)),
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
    let _ = writeln!(
        out,
        "  {}: {}",
        l("chữ được đọc từ", "text read from"),
        crate::model::text_source_label(pdf.text_source.as_str(), lang)
    );
    if pdf.repaired {
        let _ = writeln!(
            out,
            "  {}",
            l(
                "mục lục bên trong tệp PDF bị hỏng, đã dựng lại để đọc",
                "the PDF's internal index was broken and was rebuilt"
            )
        );
    }
    if let Some(fallback) = &pdf.text_fallback {
        let pages = fallback.pages.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let _ = match &fallback.problem {
            None => writeln!(
                out,
                "  {}: {pages}",
                l(
                    "phông chữ không giải mã được, đã đọc lại bằng bộ đọc dự phòng ở trang",
                    "fonts the main reader cannot decode; pages read again with the fallback reader"
                )
            ),
            Some(problem) => writeln!(
                out,
                "  {} ({})",
                l(
                    "phông chữ không giải mã được; bộ đọc dự phòng cũng không đọc được",
                    "fonts the main reader cannot decode; the fallback reader failed too"
                ),
                problem.words(lang)
            ),
        };
    }
    let _ = writeln!(out, "  {} ({} {}):", l("chữ ký số", "signatures"), pdf.signatures.len(), l("chữ ký", "found"));
    for sig in &pdf.signatures {
        signature_block(&mut out, sig, lang);
    }
    let header = &pdf.header;
    let _ = writeln!(out, "  {} ({} {}):", l("phần đầu văn bản", "header"), l("trang", "page"), pdf.header_page);
    let number = match &header.number {
        Some(n) => format!("{} ({})", n.raw, number_words(n, lang)),
        None => l("không có", "none").to_string(),
    };
    let _ = writeln!(out, "    {}: {number}", l("số, ký hiệu", "number"));
    let date = date_words(&header.date, lang);
    let _ = writeln!(out, "    {}: {date}", l("ngày", "date"));
    let _ = writeln!(
        out,
        "    {}: {}",
        l("loại văn bản", "type"),
        header.title.as_deref().unwrap_or(l("không có", "none"))
    );
    if let Some(page) = pdf.statistics_table_page {
        let _ = writeln!(out, "  {}: {} {page}", l("bảng thống kê", "statistics table"), l("trang", "page"));
    }
    if !pdf.outline.is_empty() {
        let _ =
            writeln!(out, "  {} ({} {}):", l("bố cục", "outline"), pdf.outline.headings.len(), l("đề mục", "headings"));
        for heading in pdf.outline.headings.iter().take(80) {
            let indent = "  ".repeat(heading.within.len());
            let _ = writeln!(
                out,
                "    {indent}{} {} ({} {})",
                heading.level.word(),
                heading.label,
                l("trang", "page"),
                heading.page
            );
        }
    }
    let _ = writeln!(out, "  {}:", l("mẫu chữ trang đầu", "page text sample"));
    for line in pdf.sample.lines() {
        let _ = writeln!(out, "    | {line}");
    }
    out
}

/// "đúng thể thức", "số chưa điền (bản dự thảo)", "sai thể thức: thiếu dấu /…".
fn number_words(number: &crate::vn::number::NumberLine, lang: Lang) -> String {
    use crate::vn::number::NumberStatus;
    match number.status {
        NumberStatus::Ok => lang.pick("đúng thể thức", "well-formed").into(),
        NumberStatus::Placeholder => {
            lang.pick("số chưa điền: bản chưa phát hành", "a placeholder: an unissued draft").into()
        }
        NumberStatus::Malformed => format!(
            "{}: {}",
            lang.pick("sai thể thức", "malformed"),
            crate::checks::number::problem_words(number.problem, lang)
        ),
    }
}

/// A date line as a person reads it: `12/11/2023 (ngày 12 tháng 11 năm 2023)`, "không có",
/// "không hợp lệ: ngày không tồn tại (…)".
pub fn date_words(line: &crate::vn::date::DateLine, lang: Lang) -> String {
    use crate::vn::date::{DateLine, InvalidDate};
    match line {
        DateLine::Dated { date, raw } => format!("{} ({raw})", date.strftime("%d/%m/%Y")),
        DateLine::Blank { raw } => format!("{} ({raw})", lang.pick("để trống", "left blank")),
        DateLine::Invalid { raw, reason } => {
            let why = match reason {
                InvalidDate::NoSuchDay => lang.pick("ngày không tồn tại", "no such day"),
                InvalidDate::Unreadable => lang.pick("không đọc được chữ số", "the digits cannot be read"),
            };
            format!("{}: {why} ({raw})", lang.pick("không hợp lệ", "invalid"))
        }
        DateLine::Missing => lang.pick("không có", "none").into(),
    }
}

/// One signature as a person reads it: signer, integrity, time, trust path, coverage, later revisions.
fn signature_block(out: &mut String, sig: &SignatureFacts, lang: Lang) {
    use crate::checks::signature_words as words;
    let l = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    let yes_no = |value: bool| if value { l("có", "yes") } else { l("KHÔNG", "NO") };
    let kind = match sig.kind {
        SignatureKind::Signature => l("chữ ký", "signature"),
        SignatureKind::DocumentTimestamp => l("dấu thời gian tài liệu", "document timestamp"),
        SignatureKind::UsageRights => l("chữ ký quyền sử dụng (UR3)", "usage-rights signature (UR3)"),
    };
    let _ = writeln!(
        out,
        "    - {} '{}' ({kind}, {})",
        l("trường", "field"),
        sig.field.as_deref().unwrap_or("?"),
        sig.subfilter.as_deref().unwrap_or("?")
    );
    let _ = writeln!(out, "      {}: {}", l("người ký", "signer"), sig.signer.as_deref().unwrap_or("?"));
    let _ = writeln!(out, "      {}: {}", l("nơi cấp chứng thư", "issuer"), sig.issuer.as_deref().unwrap_or("?"));
    if let (Some(from), Some(to)) = (sig.certificate_not_before, sig.certificate_not_after) {
        let _ = writeln!(
            out,
            "      {}: {} → {} ({} {})",
            l("hiệu lực chứng thư", "certificate valid"),
            words::local_time(from, lang),
            words::local_time(to, lang),
            l("số sê-ri", "serial"),
            sig.serial.as_deref().unwrap_or("?")
        );
    }
    let algorithms = format!(
        "{} / {} / {} {}",
        sig.digest_algorithm.as_deref().unwrap_or("?"),
        sig.signature_algorithm.as_deref().unwrap_or("?"),
        sig.key_algorithm.as_deref().unwrap_or("?"),
        sig.key_bits.map(|b| format!("{b} bit")).unwrap_or_default()
    );
    let _ = writeln!(out, "      {}: {algorithms}", l("thuật toán", "algorithms"));
    let _ = writeln!(
        out,
        "      {}: {}; {}: {}; {}: {}",
        l("nguyên vẹn từ khi ký", "intact since signing"),
        yes_no(sig.intact),
        l("chữ ký hợp lệ", "valid"),
        yes_no(sig.valid),
        l("chứng thư tin cậy", "trusted"),
        yes_no(sig.trusted)
    );
    let time = sig.signing_time.map(|t| words::local_time(t, lang)).unwrap_or_else(|| "?".into());
    let _ = writeln!(
        out,
        "      {}: {time} ({})",
        l("thời điểm ký", "signing time"),
        words::time_source(sig.signing_time_source, lang)
    );
    if !sig.trust_path.is_empty() {
        let _ = writeln!(out, "      {}: {}", l("chuỗi chứng thư", "trust path"), sig.trust_path.join(" → "));
    }
    let revision = sig.signed_revision.map(|r| format!(" ({} {r}/{})", l("phiên bản", "revision"), sig.revisions));
    let _ = writeln!(
        out,
        "      {}: {}{}",
        l("phạm vi ký", "coverage"),
        words::coverage(sig.coverage, lang),
        revision.unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "      {}: {}",
        l("thay đổi sau khi ký", "modified after signing"),
        words::level(sig.modification_level, lang)
    );
    for later in &sig.later_revisions {
        let mut kinds: Vec<&str> = Vec::new();
        for change in &later.changes {
            let word = words::change(change.kind, lang);
            if !kinds.contains(&word) {
                kinds.push(word);
            }
        }
        let _ = writeln!(
            out,
            "        {} {}: {} — {}",
            l("phiên bản", "revision"),
            later.revision,
            words::level(later.level, lang),
            if kinds.is_empty() { l("không đổi gì", "nothing changed").to_string() } else { kinds.join(", ") }
        );
    }
    for later in &sig.later_revisions {
        for change in later
            .changes
            .iter()
            .filter(|c| c.level > crate::facts::signature::diff::ModificationLevel::LtaUpdates)
            .take(8)
        {
            let _ = writeln!(
                out,
                "          {} {}: {} ({})",
                later.revision,
                words::level(change.level, lang),
                words::change(change.kind, lang),
                change.at
            );
        }
    }
    for problem in &sig.problems {
        let _ = writeln!(out, "      ! {}", words::problem(problem, lang));
    }
}

#[cfg(test)]
mod tests {
    use super::{date_words, Lang};
    use crate::vn::date::{DateLine, InvalidDate};

    #[test]
    fn dates_read_as_words_never_as_debug_forms() {
        let raw = "ngày 31 tháng 02 năm 2023".to_string();
        let invalid = DateLine::Invalid { raw: raw.clone(), reason: InvalidDate::NoSuchDay };
        assert_eq!(date_words(&invalid, Lang::Vi), "không hợp lệ: ngày không tồn tại (ngày 31 tháng 02 năm 2023)");
        assert_eq!(date_words(&invalid, Lang::En), "invalid: no such day (ngày 31 tháng 02 năm 2023)");
        assert_eq!(date_words(&DateLine::Missing, Lang::Vi), "không có");
        assert_eq!(date_words(&DateLine::Missing, Lang::En), "none");
        let dated =
            DateLine::Dated { date: jiff::civil::date(2023, 11, 5), raw: "ngày 05 tháng 11 năm 2023".into() };
        assert_eq!(date_words(&dated, Lang::Vi), "05/11/2023 (ngày 05 tháng 11 năm 2023)");
        let blank = DateLine::Blank { raw: "ngày   tháng   năm 2023".into() };
        assert!(date_words(&blank, Lang::Vi).starts_with("để trống"));
    }
}
