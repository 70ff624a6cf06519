//! What lists show of an incident: its summary, derived from its file alone.
//!
//! Every list page, the feed, search records and related links show these few facts, so
//! they are worked out once per incident (in parallel), and each carries a digest: a list
//! is rendered again only when a summary on it changed.

use rayon::prelude::*;
use serde::Serialize;

use crate::load::{LIST_WARN, LoadedIncident};
use crate::model::text::plain_text;
use crate::model::{Digest, Grade, Incident, error_line};
use crate::workspace::slugify;

/// The summaries of `incidents`, in the same order.
pub fn summaries(incidents: &[LoadedIncident]) -> Vec<IncidentSummary> {
    incidents.par_iter().map(IncidentSummary::new).collect()
}

/// Sorts incidents newest first (ties by slug, so the order never depends on the file
/// system): the order of every list.
pub fn sort_newest_first(incidents: &mut [LoadedIncident]) {
    incidents.sort_by(newest_first);
}

/// The order of [`sort_newest_first`].
pub fn newest_first(a: &LoadedIncident, b: &LoadedIncident) -> std::cmp::Ordering {
    b.incident
        .date
        .sort_key()
        .cmp(&a.incident.date.sort_key())
        .then_with(|| a.slug.cmp(&b.slug))
}

/// The facts of an incident that lists, feeds and search need.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentSummary {
    /// File name without extension: the incident's identity and the name of its page.
    pub slug: String,
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
    /// Severity, as the workspace names it.
    pub severity: Grade,
    /// Status, as the workspace names it.
    pub status: Grade,
    /// Status qualifier.
    pub status_note: Option<String>,
    /// Whether the incident still needs work.
    pub open: bool,
    /// External id.
    pub id: Option<String>,
    /// Summary as plain text, for excerpts and meta descriptions.
    pub summary_text: String,
    /// Error type and message of its first error on one line; empty when it has none.
    pub error_line: String,
    /// Tags with their URL slugs.
    pub tags: Vec<Term>,
    /// Services with their URL slugs.
    pub services: Vec<Term>,
    /// Who wrote the postmortem (the feed's entry authors).
    pub authors: Vec<String>,
    /// Digest of everything above: lists that show this summary change exactly when it does.
    #[serde(skip)]
    pub key: Digest,
}

/// A tag or service name and the slug of its page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term {
    /// As written.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Whether the incident is listed on the term's page and links to it: true for the
    /// first [`LIST_WARN`] tags and services of an incident. A longer list is more likely
    /// data than terms (`check` warns), and a page for each of thousands of names would
    /// make the site grow with them.
    pub page: bool,
}

impl Term {
    /// A term and its slug, with a page.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            slug: slugify(name),
            page: true,
        }
    }

    /// The terms of one incident's list: the first [`LIST_WARN`] with pages.
    fn list(names: &[String]) -> Vec<Self> {
        names
            .iter()
            .enumerate()
            .map(|(n, name)| Self {
                page: n < LIST_WARN,
                ..Self::new(name)
            })
            .collect()
    }
}

impl IncidentSummary {
    /// Derives the summary of a loaded incident.
    pub fn new(loaded: &LoadedIncident) -> Self {
        let incident = &loaded.incident;
        let day = incident.date.date();
        let mut summary = Self {
            slug: loaded.slug.clone(),
            title: incident.title.to_string(),
            date: incident.date.to_string(),
            day: day.to_string(),
            year: day.year(),
            updated: last_update(incident),
            severity: loaded.severity.clone(),
            status: loaded.status.clone(),
            status_note: incident.status_note.clone(),
            open: !loaded.status.closed,
            id: incident.id.as_ref().map(|id| id.value.clone()),
            summary_text: plain_text(&incident.summary),
            error_line: incident
                .all_errors()
                .next()
                .map(error_line)
                .unwrap_or_default(),
            tags: Term::list(&incident.tags),
            services: Term::list(&incident.services),
            authors: incident.authors.clone(),
            key: Digest::default(),
        };
        summary.key = Digest::of(&summary);
        summary
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
        .filter_map(|entry| entry.time.timestamp())
        .chain(start)
        .max()
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
