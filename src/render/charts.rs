//! Trend charts as inline SVG, drawn at build time, so the site needs no chart library and
//! no script:
//!
//! - every value is also text (a number on each bar, a `<title>` and `<desc>` naming them
//!   all, and a data table on the page), for screen readers, printing and copying;
//! - colours come from CSS classes (`bar`, `bar-critical`, ...) and `currentColor`, so the
//!   light and dark themes both apply; without the stylesheet bars are drawn in the text
//!   colour;
//! - every text a user typed (service names) is escaped; the output is well-formed XML.

use std::fmt::Write as _;

use serde::Serialize;

use super::escape;
use crate::knowledge::trends::{Bar, Chart, Shape};

/// A chart with its drawing, for templates.
#[derive(Debug, Serialize)]
pub struct ChartView<'a> {
    /// The data.
    #[serde(flatten)]
    pub chart: &'a Chart,
    /// The chart as an inline SVG element; empty when there is nothing to draw.
    pub svg: String,
}

impl<'a> ChartView<'a> {
    /// Draws `chart`.
    pub fn new(chart: &'a Chart) -> Self {
        let svg = match chart.shape {
            _ if chart.bars.is_empty() => String::new(),
            Shape::Columns => column_svg(chart.id, &chart.title, &chart.bars),
            Shape::Rows => row_svg(chart.id, &chart.title, &chart.bars),
        };
        Self { chart, svg }
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
    use crate::knowledge::Trends;
    use crate::knowledge::test_support::incident;

    #[test]
    fn user_text_is_escaped_and_the_svg_is_xml() {
        let incidents = [incident(
            "a",
            "2025-01-05",
            "x",
            "services: [\"<script>&'\\\"\", \"a-very-long-service-name-that-goes-on-and-on\"]\n",
        )];
        let trends = Trends::new(&incidents, &crate::model::Vocabulary::default_severity());
        for chart in trends
            .charts
            .iter()
            .map(ChartView::new)
            .filter(|c| !c.svg.is_empty())
        {
            let doc = roxmltree::Document::parse(&chart.svg)
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", chart.chart.id, chart.svg));
            assert_eq!(doc.root_element().attribute("role"), Some("img"));
        }
        let services = ChartView::new(&trends.charts[2]);
        assert_eq!(services.chart.id, "by-service");
        assert!(services.svg.contains("&lt;script&gt;&amp;&#39;&quot;"));
        assert!(!services.svg.contains("<script"));
        assert!(services.svg.contains("a-very-long-service-name-th…"));
    }

    #[test]
    fn nothing_to_draw_gives_no_svg() {
        let trends = Trends::new(&[], &crate::model::Vocabulary::default_severity());
        for chart in &trends.charts {
            let view = ChartView::new(chart);
            assert_eq!(
                view.svg.is_empty(),
                chart.id != "by-severity",
                "{}",
                chart.id
            );
        }
    }
}
