//! What an incident page and its report see: the incident as written plus what the page
//! needs but the file does not say.
//!
//! Templates get each incident as written (so an overriding template can print any field)
//! and, next to it, its summary, durations from the timeline, its related incidents with
//! the reason, its error pattern, and its changes highlighted with their diffs. Building
//! this view is the expensive part of a page (highlighting), so a page and its report are
//! rendered from one view.

use serde::Serialize;

use super::diff::ChangeView;
use super::glance::Glance;
use crate::knowledge::{IncidentSummary, PatternRef, Related};
use crate::load::LoadedIncident;
use crate::model::{Durations, ErrorDetails, Grade, Incident, KnownIssue};

/// A link to another incident and why it is shown.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedLink<'a> {
    /// The other incident.
    pub incident: IncidentRef<'a>,
    /// Why it is related, e.g. "listed as related".
    pub reason: &'a str,
}

/// What a link to another incident shows of it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRef<'a> {
    /// File name without extension: the name of its page.
    pub slug: &'a str,
    /// Title as written.
    pub title: &'a str,
    /// The calendar day.
    pub day: &'a str,
    /// Severity.
    pub severity: &'a Grade,
    /// Status.
    pub status: &'a Grade,
}

impl<'a> From<&'a IncidentSummary> for IncidentRef<'a> {
    fn from(summary: &'a IncidentSummary) -> Self {
        Self {
            slug: &summary.slug,
            title: &summary.title,
            day: &summary.day,
            severity: &summary.severity,
            status: &summary.status,
        }
    }
}

/// The links of `related`, whose indices point into `summaries`.
pub fn related_links<'a>(
    related: &'a [Related],
    summaries: &'a [IncidentSummary],
) -> Vec<RelatedLink<'a>> {
    related
        .iter()
        .map(|r| RelatedLink {
            incident: (&summaries[r.incident]).into(),
            reason: &r.reason,
        })
        .collect()
}

/// A known issue with its changes ready to show.
#[derive(Debug, Serialize)]
pub struct KnownIssueView<'a> {
    /// The issue as written.
    pub issue: &'a KnownIssue,
    /// Its changes with highlighted code and diffs.
    pub changes: Vec<ChangeView<'a>>,
}

/// An error with its pattern.
#[derive(Debug, Serialize)]
pub struct ErrorView<'a> {
    /// The error as written.
    pub error: &'a ErrorDetails,
    /// Its pattern and how often it was seen.
    pub pattern: Option<&'a PatternRef>,
}

/// What the page marks on a timeline entry beyond its text.
#[derive(Debug, Serialize)]
pub struct EntryMarks {
    /// The time was written as approximate.
    pub approximate: bool,
    /// The entry falls on another day than the one before it (the day, `YYYY-MM-DD`).
    pub new_day: Option<String>,
    /// The moment in a form browsers read (RFC 3339, UTC), when the text as written is not
    /// one (`16:58 UTC`, `~01:30`).
    pub datetime: Option<String>,
}

/// Everything an incident page shows.
#[derive(Debug, Serialize)]
pub struct IncidentPage<'a> {
    /// The incident as written.
    pub incident: &'a Incident,
    /// Derived facts.
    pub summary: &'a IncidentSummary,
    /// Changes with highlighted code and diffs.
    pub changes: Vec<ChangeView<'a>>,
    /// Known issues, with their changes ready to show.
    pub known_issues: Vec<KnownIssueView<'a>>,
    /// Durations from the timeline.
    pub durations: &'a Durations,
    /// Other incidents worth reading next.
    pub related: Vec<RelatedLink<'a>>,
    /// Each error with its pattern.
    pub errors: Vec<ErrorView<'a>>,
    /// The first error's pattern (what the page and report show under a single error).
    pub pattern: Option<&'a PatternRef>,
    /// For each timeline entry, what the page marks on it.
    pub timeline: Vec<EntryMarks>,
    /// The source file, for "edit this incident".
    pub source: String,
    /// What the page answers at a glance: phases, impact, follow-ups, the visual timeline.
    pub glance: Glance,
}

impl<'a> IncidentPage<'a> {
    /// Highlights the changes and gathers what the page shows beyond the file.
    pub fn new(
        loaded: &'a LoadedIncident,
        summary: &'a IncidentSummary,
        related: Vec<RelatedLink<'a>>,
        patterns: &'a [PatternRef],
    ) -> Self {
        let incident = &loaded.incident;
        let errors = incident
            .all_errors()
            .enumerate()
            .map(|(i, error)| ErrorView {
                error,
                pattern: patterns.get(i),
            })
            .collect();
        Self {
            incident,
            summary,
            changes: incident.changes.iter().map(ChangeView::new).collect(),
            known_issues: incident
                .known_issues
                .iter()
                .map(|issue| KnownIssueView {
                    issue,
                    changes: issue.changes.iter().map(ChangeView::new).collect(),
                })
                .collect(),
            durations: &loaded.durations,
            related,
            errors,
            pattern: patterns.first(),
            timeline: timeline_marks(incident),
            source: loaded.source_name(),
            glance: Glance::new(incident, &loaded.durations),
        }
    }
}

/// Approximate times, and the day each entry after a change of day falls on.
fn timeline_marks(incident: &Incident) -> Vec<EntryMarks> {
    let mut day: Option<jiff::civil::Date> = None;
    incident
        .timeline
        .iter()
        .map(|entry| {
            let zone = incident
                .date
                .zone()
                .cloned()
                .unwrap_or(jiff::tz::TimeZone::UTC);
            let this = entry.time.timestamp().map(|t| t.to_zoned(zone).date());
            // Only days the reader must work out: a time of day after midnight.
            let implicit = entry.time.written().date.is_none();
            let new_day = match (day, this) {
                (Some(before), Some(now))
                    if now != before && implicit && now > incident.date.date() =>
                {
                    Some(now.to_string())
                }
                _ => None,
            };
            if this.is_some() {
                day = this;
            }
            let datetime = (!is_html_time(entry.time.as_str()))
                .then(|| entry.time.timestamp())
                .flatten()
                .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
            EntryMarks {
                approximate: entry.time.approximate(),
                new_day,
                datetime,
            }
        })
        .collect()
}

/// Whether `text` is a date or time HTML's `<time>` reads as it is: `HH:MM[:SS]`,
/// `YYYY-MM-DD`, or both with an optional `Z` or offset.
fn is_html_time(text: &str) -> bool {
    let shape: String = text
        .chars()
        .map(|c| if c.is_ascii_digit() { 'd' } else { c })
        .collect();
    let (date, rest) = match shape.get(..10) {
        Some("dddd-dd-dd") => (true, &shape[10..]),
        _ => (false, shape.as_str()),
    };
    let rest = rest.strip_prefix([' ', 'T']).unwrap_or(rest);
    let rest = rest
        .strip_suffix('Z')
        .or_else(|| rest.strip_suffix("+dd:dd"))
        .or_else(|| rest.strip_suffix("-dd:dd"))
        .unwrap_or(rest);
    matches!(rest, "dd:dd" | "dd:dd:dd") || (rest.is_empty() && date)
}

#[cfg(test)]
mod tests {
    use super::is_html_time;

    #[test]
    fn html_reads_some_times_as_written() {
        for valid in [
            "09:30",
            "09:30:05",
            "2025-07-12",
            "2025-07-12 09:30",
            "2025-07-12T09:30:00+01:00",
            "2025-07-12T09:30Z",
        ] {
            assert!(is_html_time(valid), "{valid}");
        }
        for other in [
            "16:58 UTC",
            "~01:30",
            "2025-07-12 09:30 Europe/Berlin",
            "9:30",
        ] {
            assert!(!is_html_time(other), "{other}");
        }
    }
}
