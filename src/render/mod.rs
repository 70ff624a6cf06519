//! Rendering: incidents to HTML pages and Markdown reports, in memory.
//!
//! [`overview`] derives what lists and links need of every incident, once; [`IncidentPage::new`] does
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

use crate::knowledge::Knowledge;
use crate::knowledge::related::related_links;
use crate::load::LoadedIncident;
pub use templates::{TemplateError, Templates};
pub use view::{IncidentPage, IncidentSummary, RelatedLink};

/// Sorts incidents newest first (ties by slug, so the order never depends on the file
/// system).
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

/// What rendering needs to know about all incidents at once, derived once per build.
#[derive(Debug)]
pub struct Overview {
    /// One summary per incident, in the order given.
    pub summaries: Vec<IncidentSummary>,
    /// For each incident, the incidents worth reading next and why.
    pub related: Vec<Vec<RelatedLink>>,
    /// Patterns, action items and trends of all incidents ([`crate::knowledge`]).
    pub knowledge: Knowledge,
}

/// Derives the summaries, error patterns and related incidents of every incident.
/// `incidents` should already be sorted the way lists show them.
pub fn overview(incidents: &[LoadedIncident]) -> Overview {
    let summaries: Vec<IncidentSummary> = incidents.par_iter().map(IncidentSummary::new).collect();
    let knowledge = Knowledge::new(incidents);
    let related = related_links(incidents, &summaries, &knowledge.incident_patterns);
    Overview {
        summaries,
        related,
        knowledge,
    }
}
