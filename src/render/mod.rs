//! Rendering: incidents to HTML pages and Markdown reports, in memory.
//!
//! [`prepare`] does the expensive, shared work once per incident (highlighting, diffs,
//! derived facts), in parallel; the site and the reports are then rendered from the same
//! prepared pages. Nothing here touches the disk.

pub mod diff;
pub mod highlight;
pub mod markdown;
pub mod report;
pub mod templates;
pub mod view;

use rayon::prelude::*;

use crate::load::LoadedIncident;
pub use templates::{TemplateError, Templates};
pub use view::{IncidentPage, IncidentSummary};

/// Sorts incidents newest first (ties by slug, so the order never depends on the file
/// system).
pub fn sort_newest_first(incidents: &mut [LoadedIncident]) {
    incidents.sort_by(|a, b| {
        b.incident
            .date
            .sort_key()
            .cmp(&a.incident.date.sort_key())
            .then_with(|| a.slug.cmp(&b.slug))
    });
}

/// Everything rendering needs, derived once from the loaded incidents.
pub struct Prepared<'a> {
    /// One summary per incident, in the order given.
    pub summaries: Vec<IncidentSummary>,
    /// One page per incident, in the same order.
    pub pages: Vec<IncidentPage<'a>>,
    /// Patterns, action items and trends of all incidents.
    pub knowledge: crate::knowledge::Knowledge,
}

/// Derives summaries, error patterns, related links and highlighted changes for every
/// incident, and what the incidents say together ([`crate::knowledge`]).
/// `incidents` should already be sorted the way lists show them.
pub fn prepare(incidents: &[LoadedIncident]) -> Prepared<'_> {
    let summaries: Vec<IncidentSummary> = incidents.par_iter().map(IncidentSummary::new).collect();
    let knowledge = crate::knowledge::Knowledge::new(incidents);
    let related = crate::knowledge::related::related_links(
        incidents,
        &summaries,
        &knowledge.incident_patterns,
    );
    Prepared {
        pages: prepare_pages(incidents, &summaries, related, &knowledge.incident_patterns),
        summaries,
        knowledge,
    }
}

fn prepare_pages<'a>(
    incidents: &'a [LoadedIncident],
    summaries: &[IncidentSummary],
    related: Vec<Vec<view::RelatedLink>>,
    patterns: &[crate::knowledge::PatternRef],
) -> Vec<IncidentPage<'a>> {
    incidents
        .par_iter()
        .zip(summaries.par_iter())
        .zip(related.into_par_iter())
        .zip(patterns.par_iter())
        .map(|(((loaded, summary), related), pattern)| IncidentPage {
            incident: &loaded.incident,
            summary: summary.clone(),
            changes: loaded
                .incident
                .changes
                .iter()
                .map(diff::ChangeView::new)
                .collect(),
            known_issues: loaded
                .incident
                .known_issues
                .iter()
                .map(|issue| view::KnownIssueView {
                    issue,
                    changes: issue.changes.iter().map(diff::ChangeView::new).collect(),
                })
                .collect(),
            durations: view::Durations::from_incident(&loaded.incident),
            related,
            pattern: pattern.clone(),
            source: loaded.file.to_string_lossy().replace('\\', "/"),
        })
        .collect()
}
