//! What templates see: incidents plus the values derived from them.
//!
//! Templates get each incident as written (so an overriding template can print any field)
//! and, next to it, what a page needs but the file does not say: its URL, a plain-text
//! summary, durations from the timeline, resolved `related` links, highlighted changes.

use jiff::SignedDuration;
use serde::Serialize;

use super::diff::ChangeView;
use super::markdown;
use crate::knowledge::fingerprint::after_type;
use crate::load::LoadedIncident;
use crate::model::{EventKind, Incident, KnownIssue, Severity, Status};
use crate::workspace::slugify;

/// The facts of an incident that lists, feeds and search need.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentSummary {
    /// File name without extension.
    pub slug: String,
    /// Page path relative to the site root, e.g. `incidents/redis-outage/`.
    pub path: String,
    /// Title as written (Markdown is not rendered in titles).
    pub title: String,
    /// The date as written.
    pub date: String,
    /// The calendar day, `YYYY-MM-DD`.
    pub day: String,
    /// The year, for grouping.
    pub year: i16,
    /// When the incident last changed, as an RFC 3339 time: its latest timeline entry, else
    /// its date. Derived from the file only, so builds stay reproducible.
    pub updated: String,
    /// Severity.
    pub severity: Severity,
    /// Status.
    pub status: Status,
    /// Status qualifier.
    pub status_note: Option<String>,
    /// Whether the incident still needs work.
    pub open: bool,
    /// External id.
    pub id: Option<String>,
    /// Summary as plain text, for excerpts and meta descriptions.
    pub summary_text: String,
    /// Error type and message on one line.
    pub error_line: String,
    /// Tags with their URL slugs.
    pub tags: Vec<Term>,
    /// Services with their URL slugs.
    pub services: Vec<Term>,
}

/// A tag or service name and the slug of its page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term {
    /// As written.
    pub name: String,
    /// URL segment.
    pub slug: String,
}

impl Term {
    /// A term and its slug.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            slug: slugify(name),
        }
    }
}

impl IncidentSummary {
    /// Derives the summary of a loaded incident.
    pub fn new(loaded: &LoadedIncident) -> Self {
        let incident = &loaded.incident;
        let day = incident.date.date();
        Self {
            slug: loaded.slug.clone(),
            path: format!("incidents/{}/", loaded.slug),
            title: incident.title.to_string(),
            date: incident.date.to_string(),
            day: day.to_string(),
            year: day.year(),
            updated: last_update(incident),
            severity: incident.severity,
            status: incident.status,
            status_note: incident.status_note.clone(),
            open: incident.status.is_open(),
            id: incident.id.as_ref().map(|id| id.value.clone()),
            summary_text: markdown::to_plain_text(&incident.summary),
            error_line: error_line(incident),
            tags: incident.tags.iter().map(|t| Term::new(t)).collect(),
            services: incident.services.iter().map(|s| Term::new(s)).collect(),
        }
    }
}

/// The latest moment the incident mentions, as RFC 3339 (UTC).
fn last_update(incident: &Incident) -> String {
    let start = incident.date.timestamp().or_else(|| {
        incident
            .date
            .date()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp())
    });
    incident
        .timeline
        .iter()
        .filter_map(|entry| entry.time.resolve(&incident.date))
        .chain(start)
        .max()
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// `TypeError: message`, or the message alone.
pub fn error_line(incident: &Incident) -> String {
    match &incident.error.kind {
        // The same rule as the error pattern's, so the two never disagree.
        Some(kind) if after_type(&incident.error.message, kind.trim()).is_none() => {
            format!("{kind}: {}", incident.error.message)
        }
        _ => incident.error.message.to_string(),
    }
}

/// Time from the start of the incident to each milestone, from the timeline.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Durations {
    /// Start to first detection.
    pub detect: Option<String>,
    /// Start to first mitigation.
    pub mitigate: Option<String>,
    /// Start to resolution.
    pub resolve: Option<String>,
    /// Start to first detection in minutes, for tools.
    pub detect_minutes: Option<i64>,
    /// Start to first mitigation in minutes.
    pub mitigate_minutes: Option<i64>,
    /// Start to resolution in minutes, for trends and sorting.
    pub resolve_minutes: Option<i64>,
}

impl Durations {
    /// Derives durations from timeline entries marked with a `kind`. The start is the first
    /// `started` entry, else the incident's exact date-time.
    pub fn from_incident(incident: &Incident) -> Self {
        let at = |kind: EventKind| {
            incident
                .timeline
                .iter()
                .filter(|entry| entry.kind == Some(kind))
                .find_map(|entry| entry.time.resolve(&incident.date))
        };
        let Some(start) = at(EventKind::Started).or(incident.date.timestamp()) else {
            return Self::default();
        };
        let since = |kind| {
            at(kind)
                .map(|t| t.duration_since(start))
                .filter(|d| !d.is_negative())
        };
        let (detect, mitigate, resolve) = (
            since(EventKind::Detected),
            since(EventKind::Mitigated),
            since(EventKind::Resolved),
        );
        Self {
            detect: detect.map(human),
            mitigate: mitigate.map(human),
            resolve: resolve.map(human),
            detect_minutes: detect.map(|d| d.as_mins()),
            mitigate_minutes: mitigate.map(|d| d.as_mins()),
            resolve_minutes: resolve.map(|d| d.as_mins()),
        }
    }
}

/// `45 min`, `2 h 5 min`, `3 d 4 h`.
pub fn human(duration: SignedDuration) -> String {
    let minutes = duration.as_mins();
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// A link to another incident and why it is shown.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedLink {
    /// The other incident.
    pub incident: IncidentRef,
    /// Why it is related, e.g. "listed as related".
    pub reason: String,
}

/// What a link to another incident shows of it. Small on purpose: every incident carries
/// up to five of these, and at 10,000 incidents whole summaries would cost 75 MB.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IncidentRef {
    /// File name without extension.
    pub slug: String,
    /// Page path relative to the site root.
    pub path: String,
    /// Title as written.
    pub title: String,
    /// The calendar day.
    pub day: String,
    /// Severity.
    pub severity: Severity,
    /// Status.
    pub status: Status,
}

impl From<&IncidentSummary> for IncidentRef {
    fn from(summary: &IncidentSummary) -> Self {
        Self {
            slug: summary.slug.clone(),
            path: summary.path.clone(),
            title: summary.title.clone(),
            day: summary.day.clone(),
            severity: summary.severity,
            status: summary.status,
        }
    }
}

/// A known issue with its changes ready to show.
#[derive(Debug, Serialize)]
pub struct KnownIssueView<'a> {
    /// The issue as written.
    pub issue: &'a KnownIssue,
    /// Its changes with highlighted code and diffs.
    pub changes: Vec<ChangeView<'a>>,
}

/// Everything an incident page shows.
#[derive(Debug, Serialize)]
pub struct IncidentPage<'a> {
    /// The incident as written.
    pub incident: &'a Incident,
    /// Derived facts.
    pub summary: IncidentSummary,
    /// Changes with highlighted code and diffs.
    pub changes: Vec<ChangeView<'a>>,
    /// Known issues, with their changes ready to show.
    pub known_issues: Vec<KnownIssueView<'a>>,
    /// Durations from the timeline.
    pub durations: Durations,
    /// Other incidents worth reading next.
    pub related: Vec<RelatedLink>,
    /// The error pattern and how often it was seen.
    pub pattern: crate::knowledge::PatternRef,
    /// The source file, for "edit this incident".
    pub source: String,
}

impl<'a> IncidentPage<'a> {
    /// Highlights the changes and derives what the page shows beyond the file.
    pub fn new(
        loaded: &'a LoadedIncident,
        summary: IncidentSummary,
        related: Vec<RelatedLink>,
        pattern: crate::knowledge::PatternRef,
    ) -> Self {
        let incident = &loaded.incident;
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
            durations: Durations::from_incident(incident),
            related,
            pattern,
            source: loaded.file.to_string_lossy().replace('\\', "/"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_line_repeats_no_type_and_drops_none_it_needs() {
        let line = |kind: &str, message: &str| {
            error_line(&incident(&BASE.replace(
                "  type: TypeError\n  message: boom\n",
                &format!("  type: {kind}\n  message: {message:?}\n"),
            )))
        };
        assert_eq!(line("TypeError", "TypeError: boom"), "TypeError: boom");
        assert_eq!(line("TypeError", "boom"), "TypeError: boom");
        // A longer name that merely starts like the type is not a repetition of it.
        assert_eq!(
            line("Timeout", "TimeoutError: slow"),
            "Timeout: TimeoutError: slow"
        );
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(SignedDuration::from_mins(45)), "45 min");
        assert_eq!(human(SignedDuration::from_mins(120)), "2 h");
        assert_eq!(human(SignedDuration::from_mins(125)), "2 h 5 min");
        assert_eq!(
            human(SignedDuration::from_mins(3 * 1440 + 4 * 60 + 7)),
            "3 d 4 h"
        );
    }

    fn incident(yaml: &str) -> Incident {
        crate::load::parse_incident(std::path::Path::new("t.yaml"), yaml).unwrap()
    }

    const BASE: &str = "title: t\ndate: 2025-07-12\nstatus: resolved\nseverity: low\nsummary: s\nerror:\n  type: TypeError\n  message: boom\nroot_cause:\n  summary: r\n";

    #[test]
    fn durations_come_from_timeline_kinds() {
        let yaml = format!(
            "{BASE}timeline:\n  - {{time: \"09:00\", event: a, kind: started}}\n  - {{time: \"09:12\", event: b, kind: detected}}\n  - {{time: \"10:30\", event: c, kind: mitigated}}\n  - {{time: \"2025-07-13 09:00\", event: d, kind: resolved}}\n"
        );
        let durations = Durations::from_incident(&incident(&yaml));
        assert_eq!(durations.detect.as_deref(), Some("12 min"));
        assert_eq!(durations.mitigate.as_deref(), Some("1 h 30 min"));
        assert_eq!(durations.resolve.as_deref(), Some("1 d"));
        assert_eq!(durations.resolve_minutes, Some(1440));
    }

    #[test]
    fn no_start_means_no_durations() {
        let yaml = format!("{BASE}timeline:\n  - {{time: \"09:12\", event: b, kind: detected}}\n");
        assert_eq!(
            Durations::from_incident(&incident(&yaml)),
            Durations::default()
        );
    }

    #[test]
    fn error_line_joins_type_and_message_once() {
        assert_eq!(error_line(&incident(BASE)), "TypeError: boom");
        let repeated = BASE.replace("message: boom", "message: \"TypeError: boom\"");
        assert_eq!(error_line(&incident(&repeated)), "TypeError: boom");
    }
}
