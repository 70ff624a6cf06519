//! Trends: are we having fewer incidents, of which kind, where, and do we fix them faster?
//!
//! Four series: incidents per month, by severity, by service, and the median time to
//! resolve per month (from timelines that mark both `started` and `resolved`). This module
//! counts; `render::charts` draws them.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::load::LoadedIncident;
use crate::model::Vocabulary;
use crate::model::human;
use crate::model::text::plural;
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
    /// How it is drawn.
    pub shape: Shape,
    /// The data.
    pub bars: Vec<Bar>,
}

/// Every chart of the trends page, in page order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trends {
    /// Per month, by severity, by service, time to resolve.
    pub charts: Vec<Chart>,
}

impl Trends {
    /// Counts the charts of `incidents`, by the workspace's `severities`.
    pub fn new(incidents: &[LoadedIncident], severities: &Vocabulary) -> Self {
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
                by_severity(incidents, severities),
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
                        plural(measured)
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

/// Every severity level, most severe first, zeros included.
fn by_severity(incidents: &[LoadedIncident], severities: &Vocabulary) -> Vec<Bar> {
    (0..severities.levels.len())
        .map(|rank| {
            let grade = severities.grade(rank);
            let count = incidents.iter().filter(|l| l.severity.rank == rank).count();
            count_bar(grade.label, count, &format!("bar-{}", grade.tone))
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
        if let Some(minutes) = loaded.durations.resolve_minutes {
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

/// How a chart draws its bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
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
        Self {
            id,
            title,
            description,
            label_heading: headings.0,
            value_heading: headings.1,
            shape,
            bars,
        }
    }
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
        let trends = Trends::new(&incidents, &Vocabulary::default_severity());
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
    fn nothing_to_count_gives_no_bars_but_every_severity() {
        let trends = Trends::new(&[], &Vocabulary::default_severity());
        assert!(chart(&trends, "per-month").bars.is_empty());
        assert!(chart(&trends, "time-to-resolve").bars.is_empty());
        assert_eq!(chart(&trends, "by-severity").bars.len(), 4);
    }
}
