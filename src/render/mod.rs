//! Rendering: incidents to HTML pages and Markdown reports, in memory.
//!
//! [`summaries`] derives the cheap facts every list needs, once; [`IncidentPage::new`] does
//! the expensive work for one incident (highlighting, diffs, durations), so a build can
//! prepare, render and write each incident in one parallel pass and drop it, instead of
//! holding every page at once. Nothing here touches the disk.

pub mod diff;
pub mod highlight;
pub mod markdown;
pub mod report;
pub mod templates;
pub mod view;

use rayon::prelude::*;

use crate::load::LoadedIncident;
pub use templates::{TemplateError, Templates};
pub use view::{IncidentPage, IncidentSummary, RelatedLink};

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

/// The summary of every incident, in the order given, and for each its related links.
pub fn summaries(incidents: &[LoadedIncident]) -> (Vec<IncidentSummary>, Vec<Vec<RelatedLink>>) {
    let summaries: Vec<IncidentSummary> = incidents.par_iter().map(IncidentSummary::new).collect();
    let related = view::related_links(incidents, &summaries);
    (summaries, related)
}
