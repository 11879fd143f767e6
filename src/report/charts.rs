//! The html report's charts for a council: inline SVG (nothing loaded), horizontal bars sorted
//! longest first, so the units and the criterion areas to look at first are at the top.

use super::html::escape;
use crate::catalog::criterion_key;
use crate::model::{points, Lang, Report};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Bars drawn at most; a province's long tail is in the tables below the charts.
const MAX_BARS: usize = 30;
const LABEL_WIDTH: f64 = 230.0;
const BAR_SPACE: f64 = 300.0;
const VALUE_WIDTH: f64 = 70.0;
const ROW: f64 = 22.0;

/// A criterion code in numeric order ("2" before "10").
type SortKey = Vec<(u64, String)>;

/// One bar: its label, the value it is drawn from, and that value as shown.
struct Bar {
    key: String,
    label: String,
    value: f64,
    shown: String,
}

pub(super) fn render(out: &mut String, report: &Report, lang: Lang) {
    let units = unit_bars(report, lang);
    let areas = area_bars(report, lang);
    if units.is_empty() && areas.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2><div class=\"charts\">", lang.pick("Cần xem trước", "Look here first"));
    if !units.is_empty() {
        let caption = lang.pick("Điểm có nguy cơ mất, theo đơn vị", "Points at risk, by unit");
        chart(out, "chart-units", caption, "unit", &units, lang);
    }
    if !areas.is_empty() {
        let caption =
            lang.pick("Điểm có nguy cơ mất, theo lĩnh vực (tất cả đơn vị)", "Points at risk, by area (all units)");
        chart(out, "chart-areas", caption, "area", &areas, lang);
    }
    out.push_str("</div>\n");
}

/// Units by points at risk, most first (the report's triage order).
fn unit_bars(report: &Report, lang: Lang) -> Vec<Bar> {
    report
        .units_by_risk()
        .into_iter()
        .map(|unit| Bar {
            key: unit.id.clone(),
            label: unit.id.clone(),
            value: unit.at_risk,
            shown: points(unit.at_risk, lang),
        })
        .collect()
}

/// Per area (a criterion code's first component: "1", "2"…), the points at risk across units:
/// the self-scores of the criteria that carry a zero-score finding; most first, then by area.
fn area_bars(report: &Report, lang: Lang) -> Vec<Bar> {
    let mut areas: BTreeMap<SortKey, f64> = BTreeMap::new();
    for (criterion, score) in report.units.iter().flat_map(|unit| &unit.at_risk_criteria) {
        let area = criterion.split('.').next().unwrap_or(criterion);
        *areas.entry(criterion_key(area)).or_default() += score;
    }
    let mut bars: Vec<Bar> = areas
        .into_iter()
        .filter(|(_, at_risk)| *at_risk > 0.0)
        .map(|(key, at_risk)| {
            let area = key.iter().map(|(_, part)| part.as_str()).collect::<Vec<_>>().join(".");
            Bar {
                label: format!("{} {area}", lang.pick("Lĩnh vực", "Area")),
                key: area,
                value: at_risk,
                shown: points(at_risk, lang),
            }
        })
        .collect();
    // A stable sort keeps the areas' own order among equal points.
    bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    bars
}

fn chart(out: &mut String, id: &str, caption: &str, key_name: &str, bars: &[Bar], lang: Lang) {
    let drawn = &bars[..bars.len().min(MAX_BARS)];
    let max = drawn.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let width = LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH;
    let height = ROW * drawn.len() as f64 + 4.0;
    let _ = write!(
        out,
        "<figure><figcaption>{}</figcaption><svg id=\"{id}\" class=\"chart\" role=\"img\" aria-label=\"{}\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">",
        escape(caption),
        escape(caption)
    );
    for (index, bar) in drawn.iter().enumerate() {
        let y = ROW * index as f64 + 2.0;
        let length = if max > 0.0 { (bar.value / max * BAR_SPACE).max(0.0) } else { 0.0 };
        let label = crate::vn::text::excerpt(&bar.label, 34);
        let _ = write!(
            out,
            "<g><title>{title}: {shown}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"bar {key_name}\" data-{key_name}=\"{key}\" data-value=\"{value}\" x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{length:.1}\" height=\"{h}\"></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{shown}</text></g>",
            title = escape(&bar.label),
            shown = escape(&bar.shown),
            lx = LABEL_WIDTH - 6.0,
            ty = y + 14.0,
            label = escape(&label),
            key = escape(&bar.key),
            value = bar.value,
            h = ROW - 6.0,
            vx = LABEL_WIDTH + length + 6.0,
        );
    }
    out.push_str("</svg>");
    if bars.len() > drawn.len() {
        let _ = write!(
            out,
            "<p class=\"muted\">{}</p>",
            lang.pick(
                format!("{} mục đầu; toàn bộ ở các bảng bên dưới.", drawn.len()),
                format!("The first {}; all of them are in the tables below.", drawn.len())
            )
        );
    }
    out.push_str("</figure>\n");
}
