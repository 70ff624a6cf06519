//! What templates see: incidents plus the values derived from them.
//!
//! Templates get each incident as written (so an overriding template can print any field)
//! and, next to it, what a page needs but the file does not say: its URL, a plain-text
//! summary, durations from the timeline, resolved `related` links, highlighted changes.

use serde::Serialize;

use super::diff::ChangeView;
use crate::load::LoadedIncident;
use crate::model::{Durations, Incident, KnownIssue, Severity, Status};
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
            summary_text: crate::model::text::plain_text(&incident.summary),
            error_line: crate::model::error_line(&incident.error),
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
