//! `--format html`: one offline page (inline CSS and JS, nothing fetched). Every finding is in the
//! page itself, so it reads without JS; the script only filters rows by code, severity, criterion
//! and unit. The filter lives in the address's fragment (`#code=KC202&severity=zero`), so a
//! filtered view can be bookmarked or passed on.

use super::RenderOptions;
use crate::catalog::criterion_key;
use crate::checks::points;
use crate::checks::registry::lookup;
use crate::model::{Finding, Lang, Report, Severity};
use crate::rules::display_name;
use std::collections::BTreeSet;
use std::fmt::Write;

const STYLE: &str = r#"
body{font-family:"DejaVu Sans","Segoe UI",Arial,sans-serif;margin:1.5rem;color:#1d2733;background:#fafbfc}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border:1px solid #d5dbe3;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#e8eef5}td.n{text-align:right;white-space:nowrap}
.sev{font-weight:bold;white-space:nowrap}.sev.zero{color:#b3141b}.sev.warning{color:#9a6700}.sev.info{color:#0b6a8a}
.code{font-family:monospace;font-weight:bold}.excerpt{color:#4a5868;font-style:italic}
.filters{position:sticky;top:0;background:#fafbfc;padding:.5rem 0;border-bottom:1px solid #d5dbe3;z-index:1}
.filters label{margin-right:1rem}.muted{color:#5f6b7a}details.rule summary{cursor:pointer;color:#0b5cad}
section.unit>h2 a{color:inherit;text-decoration:none}
.rname{font-family:inherit;font-weight:normal;color:#4a5868;font-size:.85em}.fix{margin-top:.2rem}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.charts figure{margin:0}.charts figcaption{font-weight:bold;margin:.3rem 0}
svg.chart text{font-size:12px;fill:#1d2733}svg.chart rect.bar{fill:#b3141b}svg.chart rect.bar.area{fill:#9a6700}
"#;

const SCRIPT: &str = r#"
(function(){
  var keys=["unit","criterion","code","severity"];
  var rows=[].slice.call(document.querySelectorAll("tr.finding"));
  function params(){return new URLSearchParams(location.hash.slice(1));}
  function apply(){
    var p=params(),shown=0;
    keys.forEach(function(k){var s=document.getElementById("f-"+k);s.value=p.get(k)||"";});
    rows.forEach(function(r){
      var ok=keys.every(function(k){var v=p.get(k);return !v||r.dataset[k]===v;});
      r.hidden=!ok;if(ok)shown++;
    });
    [].forEach.call(document.querySelectorAll("section.unit"),function(s){
      s.hidden=!s.querySelector("tr.finding:not([hidden])");
    });
    document.getElementById("shown").textContent=shown;
  }
  keys.forEach(function(k){
    document.getElementById("f-"+k).addEventListener("change",function(){
      var p=params();if(this.value)p.set(k,this.value);else p.delete(k);
      location.hash=p.toString();
    });
  });
  window.addEventListener("hashchange",apply);apply();
})();
"#;

pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let lang = options.lang;
    let mut out = String::new();
    let title = lang.pick("Kết quả kiểm tra tài liệu kiểm chứng", "Evidence check report");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n",
        lang.pick("vi", "en")
    );
    let s = &report.summary;
    let _ = writeln!(
        out,
        "<h1>{title}</h1><p class=\"muted\">kiemchung {} · {}</p><p id=\"frame\">{}</p>",
        escape(report.tool.version),
        s.totals(lang),
        escape(&report.frame_line(lang))
    );
    super::charts::render(&mut out, report, lang);
    units_table(&mut out, report, lang);
    codes_table(&mut out, report, lang);
    not_judged_table(&mut out, report, lang);
    filters(&mut out, report, lang);
    findings_by_unit(&mut out, report, lang);
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

/// `opening` (a heading and `<table>`), then the header row.
fn table_start(out: &mut String, opening: &str, headers: &[&str]) {
    out.push_str(opening);
    out.push_str("<tr>");
    for header in headers {
        let _ = write!(out, "<th>{header}</th>");
    }
    out.push_str("</tr>\n");
}

fn units_table(out: &mut String, report: &Report, lang: Lang) {
    let ranked = report.units_by_risk();
    if ranked.is_empty() {
        return;
    }
    table_start(
        out,
        &format!(
            "<h2>{}</h2><table id=\"units\">",
            lang.pick("Đơn vị theo số điểm có nguy cơ mất", "Units by points at risk")
        ),
        &[
            "#",
            lang.pick("Đơn vị", "Unit"),
            lang.pick("Tự chấm", "Claimed"),
            lang.pick("Có nguy cơ mất", "At risk"),
            lang.pick("Lỗi 0 điểm", "Zero"),
            lang.pick("Cảnh báo", "Warnings"),
            lang.pick("Tệp", "Files"),
        ],
    );
    for (rank, unit) in ranked.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td><a href=\"#unit={id}\">{id}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            rank + 1,
            points(unit.claimed, lang),
            points(unit.at_risk, lang),
            unit.findings.zero,
            unit.findings.warning,
            unit.files,
            id = escape(&unit.id),
        );
    }
    out.push_str("</table>\n");
}

/// What the rules could not judge: a council must see what the tool did not check.
fn not_judged_table(out: &mut String, report: &Report, lang: Lang) {
    if report.summary.not_judged.is_empty() {
        return;
    }
    table_start(
        out,
        &format!("<h2>{}</h2><table id=\"not-judged\">", lang.pick("Chưa đánh giá", "Not judged")),
        &[
            lang.pick("Mã", "Code"),
            lang.pick("Quy tắc", "Rule"),
            lang.pick("Số trường hợp", "Cases"),
            lang.pick("Lý do", "Why"),
        ],
    );
    for entry in &report.summary.not_judged {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            entry.code,
            escape(display_name(entry.code, lang)),
            entry.count,
            escape(&entry.reasons.join("; "))
        );
    }
    out.push_str("</table>\n");
}

fn codes_table(out: &mut String, report: &Report, lang: Lang) {
    if report.summary.codes.is_empty() {
        return;
    }
    table_start(
        out,
        &format!("<h2>{}</h2><table id=\"codes\">", lang.pick("Theo mã", "By code")),
        &[
            lang.pick("Mã", "Code"),
            lang.pick("Quy tắc", "Rule"),
            lang.pick("Mức", "Severity"),
            lang.pick("Phát hiện", "Findings"),
            lang.pick("Đơn vị", "Units"),
            lang.pick("Tệp", "Files"),
        ],
    );
    for code in &report.summary.codes {
        let _ = writeln!(
            out,
            "<tr><td><a class=\"code\" href=\"#code={c}\">{c}</a></td><td>{}</td><td class=\"sev {}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(display_name(code.code, lang)),
            code.severity.as_str(),
            code.severity.label(lang),
            code.findings,
            code.units,
            code.files,
            c = code.code,
        );
    }
    out.push_str("</table>\n");
}

fn select(out: &mut String, key: &str, label: &str, all: &str, options: &[(String, String)]) {
    let _ = write!(out, "<label>{label} <select id=\"f-{key}\"><option value=\"\">{all}</option>");
    for (value, text) in options {
        let _ = write!(out, "<option value=\"{}\">{}</option>", escape(value), escape(text));
    }
    out.push_str("</select></label>");
}

fn filters(out: &mut String, report: &Report, lang: Lang) {
    let all = lang.pick("(tất cả)", "(all)");
    let units: BTreeSet<&str> = report.findings.iter().filter_map(|f| f.unit.as_deref()).collect();
    let mut criteria: Vec<&str> = report.findings.iter().filter_map(|f| f.criterion.as_deref()).collect();
    criteria.sort_by_key(|c| criterion_key(c));
    criteria.dedup();
    let codes: BTreeSet<&str> = report.findings.iter().map(|f| f.code).collect();
    let severities: BTreeSet<Severity> = report.findings.iter().map(|f| f.severity).collect();
    out.push_str("<div class=\"filters\">");
    let pairs = |items: Vec<&str>| items.into_iter().map(|i| (i.to_string(), i.to_string())).collect::<Vec<_>>();
    select(out, "unit", lang.pick("Đơn vị", "Unit"), all, &pairs(units.into_iter().collect()));
    select(out, "criterion", lang.pick("Tiêu chí", "Criterion"), all, &pairs(criteria));
    select(out, "code", lang.pick("Mã", "Code"), all, &pairs(codes.into_iter().collect()));
    let severity_options: Vec<(String, String)> =
        severities.iter().rev().map(|s| (s.as_str().to_string(), s.label(lang).to_string())).collect();
    select(out, "severity", lang.pick("Mức", "Severity"), all, &severity_options);
    let _ = writeln!(
        out,
        "<span>{} <b id=\"shown\">{n}</b> / {n}</span></div>",
        lang.pick("Hiển thị", "Showing"),
        n = report.findings.len()
    );
}

fn findings_by_unit(out: &mut String, report: &Report, lang: Lang) {
    let mut start = 0;
    while start < report.findings.len() {
        let unit = report.findings[start].unit.as_deref();
        let end = start + report.findings[start..].iter().take_while(|f| f.unit.as_deref() == unit).count();
        let heading = match unit.and_then(|u| report.units.iter().find(|r| r.id == u)) {
            Some(record) => lang.pick(
                format!(
                    "{} — tự chấm {} điểm, có nguy cơ mất {}",
                    escape(&record.id),
                    points(record.claimed, lang),
                    points(record.at_risk, lang)
                ),
                format!(
                    "{} — {} claimed, {} at risk",
                    escape(&record.id),
                    points(record.claimed, lang),
                    points(record.at_risk, lang)
                ),
            ),
            None => lang.pick("Tệp kiểm tra riêng lẻ", "Files checked on their own").to_string(),
        };
        table_start(
            out,
            &format!(
                "<section class=\"unit\" data-unit=\"{}\"><h2>{heading}</h2><table>",
                escape(unit.unwrap_or_default())
            ),
            &[
                lang.pick("Tiêu chí", "Criterion"),
                lang.pick("Mã", "Code"),
                lang.pick("Mức", "Severity"),
                lang.pick("Tệp", "File"),
                lang.pick("Nội dung", "Finding"),
                lang.pick("Trích dẫn, giải thích", "Excerpt, explanation"),
            ],
        );
        for finding in &report.findings[start..end] {
            finding_row(out, finding, lang);
        }
        out.push_str("</table></section>\n");
        start = end;
    }
}

fn finding_row(out: &mut String, finding: &Finding, lang: Lang) {
    let place = match (&finding.file, finding.page) {
        (Some(file), Some(page)) => format!("{} ({} {page})", escape(file), lang.pick("trang", "page")),
        (Some(file), None) => escape(file),
        _ => String::new(),
    };
    let _ = write!(
        out,
        "<tr class=\"finding\" data-unit=\"{}\" data-criterion=\"{}\" data-code=\"{code}\" data-severity=\"{sev}\" data-file=\"{}\">\
         <td>{}</td><td class=\"code\">{code}<div class=\"rname\">{}</div></td><td class=\"sev {sev}\">{}</td><td>{place}</td><td class=\"message\">{}</td><td>",
        escape(finding.unit.as_deref().unwrap_or_default()),
        escape(finding.criterion.as_deref().unwrap_or_default()),
        escape(finding.file.as_deref().unwrap_or_default()),
        escape(finding.criterion.as_deref().unwrap_or_default()),
        escape(display_name(finding.code, lang)),
        finding.severity.label(lang),
        escape(&finding.message),
        code = finding.code,
        sev = finding.severity.as_str(),
    );
    if let Some(excerpt) = &finding.excerpt {
        let _ = write!(out, "<div class=\"excerpt\">» {}</div>", escape(&crate::vn::text::excerpt(excerpt, 200)));
    }
    if let Some(rule) = lookup(finding.code) {
        let explanation = rule.explanation(lang);
        let _ = write!(
            out,
            "<div class=\"fix\"><b>{}</b> {}</div><details class=\"rule\"><summary>{}</summary>{}<br>{}</details>",
            lang.pick("Cách sửa:", "How to fix:"),
            escape(explanation.fix),
            lang.pick("Vì sao", "Why it matters"),
            escape(explanation.what),
            escape(explanation.why),
        );
    }
    out.push_str("</td></tr>\n");
}
