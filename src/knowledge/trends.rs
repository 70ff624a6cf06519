//! Trends: are we having fewer incidents, of which kind, where, and do we fix them faster?
//!
//! Four charts: incidents per month, by severity, by service, and the median time to
//! resolve per month (from timelines that mark both `started` and `resolved`). They are
//! rendered at build time as inline SVG, so the site needs no chart library and no script:
//!
//! - every value is also text (a number on each bar, a `<title>` and `<desc>` naming them
//!   all, and a data table on the page), for screen readers, printing and copying;
//! - colours come from CSS classes (`bar`, `bar-critical`, ...) and `currentColor`, so the
//!   light and dark themes both apply; without the stylesheet bars are drawn in the text
//!   colour;
//! - every text a user typed (service names) is escaped; the output is well-formed XML.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::load::LoadedIncident;
use crate::model::Severity;
use crate::model::{Durations, human};
use crate::render::highlight::escape;
use crate::workspace::slugify;

/// How many services the service chart shows.
pub const TOP_SERVICES: usize = 10;

/// One bar: a label, its value, and the value as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    /// What the bar stands for, e.g. `2025-07` or `checkout-api`.
    pub label: String,
    /// The value: a count, or minutes.
    pub value: u64,
    /// The value as text, e.g. `3` or `7 h 30 min`.
    pub text: String,
    /// Extra CSS class of the bar, e.g. `bar-critical`; empty for the default colour.
    pub class: String,
}

/// A chart with its data and its SVG.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Unique on the page; prefixes the SVG's element ids.
    pub id: &'static str,
    /// Heading.
    pub title: String,
    /// One sentence on what is counted, shown under the heading.
    pub description: String,
    /// Heading of the label column of the data table.
    pub label_heading: &'static str,
    /// Heading of the value column of the data table.
    pub value_heading: &'static str,
    /// The data.
    pub bars: Vec<Bar>,
    /// The chart as an inline SVG element (escaped, well-formed XML).
    pub svg: String,
}

/// Every chart of the trends page, in page order.
#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    /// Per month, by severity, by service, time to resolve.
    pub charts: Vec<Chart>,
}

impl Trends {
    /// Counts and draws the charts of `incidents`.
    pub fn new(incidents: &[LoadedIncident]) -> Self {
        let charts = vec![
            Chart::new(
                "per-month",
                Shape::Columns,
                "Incidents per month".into(),
                "Incidents by the month they started in.".into(),
                ("Month", "Incidents"),
                per_month(incidents),
            ),
            Chart::new(
                "by-severity",
                Shape::Rows,
                "By severity".into(),
                "Incidents by severity.".into(),
                ("Severity", "Incidents"),
                by_severity(incidents),
            ),
            {
                let (bars, total) = by_service(incidents);
                let shown = if total > bars.len() {
                    format!(
                        " Showing the {} of {total} services with the most.",
                        bars.len()
                    )
                } else {
                    String::new()
                };
                Chart::new(
                    "by-service",
                    Shape::Rows,
                    "By service".into(),
                    format!(
                        "Incidents that affected each service; one incident can affect several.{shown}"
                    ),
                    ("Service", "Incidents"),
                    bars,
                )
            },
            {
                let (bars, measured) = time_to_resolve(incidents);
                Chart::new(
                    "time-to-resolve",
                    Shape::Columns,
                    "Time to resolve".into(),
                    format!(
                        "Median time from start to resolution per month, from the {measured} \
                         incident{} whose timeline marks both.",
                        if measured == 1 { "" } else { "s" }
                    ),
                    ("Month", "Median time to resolve"),
                    bars,
                )
            },
        ];
        Self { charts }
    }
}

/// The first day of `date`'s month.
fn month_of(date: Date) -> Date {
    date.first_of_month()
}

fn month_label(month: Date) -> String {
    month.strftime("%Y-%m").to_string()
}

fn count_bar(label: String, count: usize, class: &str) -> Bar {
    Bar {
        label,
        value: count as u64,
        text: count.to_string(),
        class: class.to_owned(),
    }
}

/// One bar per month from the first incident's to the last one's, empty months included.
fn per_month(incidents: &[LoadedIncident]) -> Vec<Bar> {
    let mut counts: BTreeMap<Date, usize> = BTreeMap::new();
    for loaded in incidents {
        *counts
            .entry(month_of(loaded.incident.date.date()))
            .or_default() += 1;
    }
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    let mut bars = Vec::new();
    let mut month = first;
    while month <= last {
        let count = counts.get(&month).copied().unwrap_or(0);
        bars.push(count_bar(month_label(month), count, ""));
        match month.checked_add(1.month()) {
            Ok(next) => month = next,
            Err(_) => break,
        }
    }
    bars
}

/// Every severity, most severe first, zeros included.
fn by_severity(incidents: &[LoadedIncident]) -> Vec<Bar> {
    Severity::ALL
        .iter()
        .map(|&severity| {
            let count = incidents
                .iter()
                .filter(|l| l.incident.severity == severity)
                .count();
            count_bar(
                severity.as_str().into(),
                count,
                &format!("bar-{}", severity.as_str()),
            )
        })
        .collect()
}

/// The services with the most incidents (most first, then by name), and how many services
/// there are. Spellings that slugify alike count as one service, named by the first seen.
fn by_service(incidents: &[LoadedIncident]) -> (Vec<Bar>, usize) {
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for loaded in incidents {
        let mut seen: Vec<String> = Vec::new();
        for service in &loaded.incident.services {
            let slug = slugify(service);
            if seen.contains(&slug) {
                continue;
            }
            counts.entry(slug.clone()).or_insert((service.clone(), 0)).1 += 1;
            seen.push(slug);
        }
    }
    let total = counts.len();
    let mut ranked: Vec<(String, usize)> = counts.into_values().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let bars = ranked
        .into_iter()
        .take(TOP_SERVICES)
        .map(|(name, count)| count_bar(name, count, ""))
        .collect();
    (bars, total)
}

/// Median minutes from start to resolution, per month that has any, and how many incidents
/// were measured.
fn time_to_resolve(incidents: &[LoadedIncident]) -> (Vec<Bar>, usize) {
    let mut by_month: BTreeMap<Date, Vec<i64>> = BTreeMap::new();
    for loaded in incidents {
        if let Some(minutes) = Durations::from_incident(&loaded.incident).resolve_minutes {
            by_month
                .entry(month_of(loaded.incident.date.date()))
                .or_default()
                .push(minutes);
        }
    }
    let measured = by_month.values().map(Vec::len).sum();
    let bars = by_month
        .into_iter()
        .map(|(month, mut minutes)| {
            let middle = median(&mut minutes);
            Bar {
                label: month_label(month),
                value: middle.max(0) as u64,
                text: human(jiff::SignedDuration::from_mins(middle)),
                class: String::new(),
            }
        })
        .collect();
    (bars, measured)
}

/// The median, the lower of the two middle values' mean rounded down for even counts.
fn median(values: &mut [i64]) -> i64 {
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    }
}

/// Width of every chart's drawing, in SVG units; the page scales it to fit.
const WIDTH: f64 = 720.0;

/// Appends the opening `<svg>` with its accessible name and description.
fn svg_open(out: &mut String, id: &str, title: &str, bars: &[Bar], height: f64) {
    let summary: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" fill=\"currentColor\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(&summary.join("; ")),
    );
}

fn bar_rect(out: &mut String, bar: &Bar, x: f64, y: f64, width: f64, height: f64) {
    let _ = write!(
        out,
        "<rect class=\"bar {}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" rx=\"2\">\
         <title>{}: {}</title></rect>",
        escape(&bar.class),
        escape(&bar.label),
        escape(&bar.text),
    );
}

fn text(out: &mut String, class: &str, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = write!(
        out,
        "<text class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{}</text>",
        escape(content)
    );
}

/// The label under bar `i` of a time axis (`YYYY-MM` labels): every month while they fit
/// (at most 12 labels, spaced evenly), else the year at its first bar.
fn axis_label(bars: &[Bar], i: usize) -> Option<&str> {
    let year = |i: usize| bars[i].label.split('-').next().unwrap_or_default();
    if bars.len() > 24 {
        (i == 0 || year(i) != year(i - 1)).then(|| year(i))
    } else {
        i.is_multiple_of(bars.len().div_ceil(12))
            .then(|| bars[i].label.as_str())
    }
}

/// How a chart draws its bars.
#[derive(Clone, Copy)]
enum Shape {
    /// Vertical bars along a time axis.
    Columns,
    /// Horizontal bars for categories, labels on the left.
    Rows,
}

impl Chart {
    fn new(
        id: &'static str,
        shape: Shape,
        title: String,
        description: String,
        headings: (&'static str, &'static str),
        bars: Vec<Bar>,
    ) -> Self {
        let svg = match shape {
            _ if bars.is_empty() => String::new(),
            Shape::Columns => column_svg(id, &title, &bars),
            Shape::Rows => row_svg(id, &title, &bars),
        };
        Self {
            id,
            title,
            description,
            label_heading: headings.0,
            value_heading: headings.1,
            bars,
            svg,
        }
    }
}

/// Vertical bars along a time axis. With many bars only some labels are drawn (the rest
/// are in the description and the data table), so the text stays readable.
fn column_svg(id: &str, title: &str, bars: &[Bar]) -> String {
    let (top, plot, bottom) = (22.0, 160.0, 26.0);
    let height = top + plot + bottom;
    const PAD: f64 = 28.0;
    let slot = (WIDTH - 2.0 * PAD) / bars.len() as f64;
    let width = (slot * 0.7).min(56.0);
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut out = String::new();
    svg_open(&mut out, id, title, bars, height);
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{PAD}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"currentColor\"/>",
        WIDTH - PAD,
        top + plot,
        top + plot
    );
    for (i, bar) in bars.iter().enumerate() {
        let center = PAD + slot * (i as f64 + 0.5);
        let h = bar.value as f64 / max * plot;
        if bar.value > 0 {
            bar_rect(
                &mut out,
                bar,
                center - width / 2.0,
                top + plot - h,
                width,
                h,
            );
        }
        let fits = slot >= bar.text.chars().count() as f64 * 7.0 + 4.0;
        if fits || bar.value == max as u64 {
            text(
                &mut out,
                "value",
                center,
                top + plot - h - 6.0,
                "middle",
                &bar.text,
            );
        }
        if let Some(label) = axis_label(bars, i) {
            text(
                &mut out,
                "label",
                center,
                top + plot + 18.0,
                "middle",
                label,
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars for categories, labels on the left.
fn row_svg(id: &str, title: &str, bars: &[Bar]) -> String {
    const ROW: f64 = 28.0;
    const MAX_LABEL: usize = 28;
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count().min(MAX_LABEL))
        .max()
        .unwrap_or(0);
    let label_width = (longest as f64 * 7.5 + 12.0).clamp(60.0, 230.0);
    let plot = WIDTH - label_width - 70.0;
    let height = ROW * bars.len() as f64 + 8.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut out = String::new();
    svg_open(&mut out, id, title, bars, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let label = if bar.label.chars().count() > MAX_LABEL {
            let cut: String = bar.label.chars().take(MAX_LABEL - 1).collect();
            format!("{cut}…")
        } else {
            bar.label.clone()
        };
        text(
            &mut out,
            "label",
            label_width - 8.0,
            y + 18.0,
            "end",
            &label,
        );
        let w = bar.value as f64 / max * plot;
        if bar.value > 0 {
            bar_rect(&mut out, bar, label_width, y + 4.0, w, ROW - 8.0);
        }
        text(
            &mut out,
            "value",
            label_width + w + 6.0,
            y + 18.0,
            "start",
            &bar.text,
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::test_support::incident;

    fn chart<'a>(trends: &'a Trends, id: &str) -> &'a Chart {
        trends.charts.iter().find(|c| c.id == id).unwrap()
    }

    fn values(chart: &Chart) -> Vec<(&str, &str)> {
        chart
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.text.as_str()))
            .collect()
    }

    #[test]
    fn months_are_contiguous_and_medians_come_from_timelines() {
        let timeline = |start: &str, end: &str| {
            format!(
                "timeline:\n  - {{time: \"{start}\", event: a, kind: started}}\n  - {{time: \"{end}\", event: b, kind: resolved}}\n"
            )
        };
        let incidents = [
            incident("a", "2025-01-05", "x", &timeline("09:00", "10:00")),
            incident("b", "2025-01-20", "x", &timeline("09:00", "12:00")),
            incident("c", "2025-03-02", "x", &timeline("09:00", "09:45")),
            incident("d", "2025-03-09", "x", ""),
        ];
        let trends = Trends::new(&incidents);
        assert_eq!(
            values(chart(&trends, "per-month")),
            [("2025-01", "2"), ("2025-02", "0"), ("2025-03", "2")]
        );
        let ttr = chart(&trends, "time-to-resolve");
        assert_eq!(
            values(ttr),
            [("2025-01", "2 h"), ("2025-03", "45 min")],
            "median of 1 h and 3 h"
        );
        assert!(
            ttr.description.contains("from the 3 incidents"),
            "{}",
            ttr.description
        );
    }

    #[test]
    fn user_text_is_escaped_and_the_svg_is_xml() {
        let incidents = [incident(
            "a",
            "2025-01-05",
            "x",
            "services: [\"<script>&'\\\"\", \"a-very-long-service-name-that-goes-on-and-on\"]\n",
        )];
        let trends = Trends::new(&incidents);
        for chart in trends.charts.iter().filter(|c| !c.svg.is_empty()) {
            let doc = roxmltree::Document::parse(&chart.svg)
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", chart.id, chart.svg));
            assert_eq!(doc.root_element().attribute("role"), Some("img"));
        }
        let services = chart(&trends, "by-service");
        assert!(services.svg.contains("&lt;script&gt;&amp;&#39;&quot;"));
        assert!(!services.svg.contains("<script"));
        assert!(services.svg.contains("a-very-long-service-name-th…"));
    }

    #[test]
    fn nothing_to_draw_gives_no_svg() {
        let trends = Trends::new(&[]);
        assert!(
            trends
                .charts
                .iter()
                .all(|c| c.svg.is_empty() || c.id == "by-severity")
        );
        assert!(chart(&trends, "per-month").bars.is_empty());
    }
}
