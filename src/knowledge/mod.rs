//! From an archive to a knowledge base: what the incidents say together.
//!
//! One write-up answers "what happened?". A team's whole history should also answer "has
//! this happened before?", "what did we promise to do, and is it done?" and "are we getting
//! better?". This module derives those answers from all incidents at once:
//!
//! - [`summary`]: what lists show of each incident;
//! - [`patterns`]: the incidents of each error pattern (`model::fingerprint` gives each
//!   incident's), and the note `check` gives the writer of a new incident whose error was
//!   seen before;
//! - [`similar`]: incidents whose errors name one failure in other words, or whose causes
//!   describe one mechanism, and the notes for them;
//! - [`related`]: for each incident, the few others worth reading next, and why;
//! - [`actions`]: prevention items and follow-ups of every incident, overdue ones marked;
//! - [`trends`]: incidents per month, severity and service, and time to resolve;
//! - [`export`]: flat rows of incidents and action items, for spreadsheets.
//!
//! Everything here is pure, plain data: incidents go in, data comes out; no HTML, no
//! SVG, no template values (`render` and `site` present it). The day that decides what is
//! overdue is passed in, never read from the clock inside, so output and tests are
//! deterministic.

pub mod actions;
pub mod export;
pub mod patterns;
pub mod related;
pub mod similar;
pub mod summary;
pub mod trends;

use jiff::civil::Date;

use crate::diagnostic::Diagnostic;
use crate::load::LoadedIncident;
use crate::model::Vocabulary;

pub use actions::{ActionEntry, Filter};
pub use patterns::{PatternGroup, PatternRef};
pub use related::{Related, RelatedIndex};
pub use similar::{SimilarKind, SimilarLink, SimilarPattern, Similarity, SimilarityMemo};
pub use summary::{IncidentSummary, Term, newest_first, sort_newest_first, summaries};
pub use trends::Trends;

/// What all incidents say together, derived once per build (and per save under `serve`).
/// Indices in it refer to the incidents in the order given (the order of every list).
#[derive(Debug, Clone)]
pub struct Knowledge {
    /// Every error pattern, recurring and recent ones first.
    pub patterns: Vec<PatternGroup>,
    /// Each incident's patterns, one per error.
    pub incident_patterns: Vec<Vec<PatternRef>>,
    /// Each incident's similar incidents (similar errors, similar causes), best first.
    pub similar: Vec<Vec<SimilarLink>>,
    /// Each incident's related incidents, best first.
    pub related: Vec<Vec<Related>>,
    /// Every action item, sorted, overdue ones marked.
    pub actions: Vec<ActionEntry>,
    /// The trend series.
    pub trends: Trends,
}

impl Knowledge {
    /// Derives everything from `incidents`; items due before `today` are overdue;
    /// `severities` are the workspace's.
    pub fn new(incidents: &[LoadedIncident], today: Date, severities: &Vocabulary) -> Self {
        let mut knowledge = Self::recurrence(incidents);
        let related = RelatedIndex::new(incidents, &knowledge.similar).all();
        knowledge.complete(incidents, today, severities, related);
        knowledge
    }

    /// Only the error patterns, the rest empty (no similar incidents either): what
    /// `serve` shows an edited incident's page with at once, before deriving the rest.
    pub fn patterns_only(incidents: &[LoadedIncident]) -> Self {
        let (patterns, incident_patterns) = patterns::group(incidents);
        Self {
            patterns,
            incident_patterns,
            similar: vec![Vec::new(); incidents.len()],
            related: vec![Vec::new(); incidents.len()],
            actions: Vec::new(),
            trends: Trends::default(),
        }
    }

    /// The error patterns and the similar incidents, the rest empty.
    pub fn recurrence(incidents: &[LoadedIncident]) -> Self {
        // A build or `check` links once: nothing to digest or keep for a next time.
        Self::with_similarity(incidents, |groups| Similarity::new(incidents, groups))
    }

    /// [`Knowledge::recurrence`], reusing the similar incidents `memo` holds while what they
    /// are derived from is unchanged (a save under `serve` that edits neither an error nor
    /// a cause).
    pub fn recurrence_remembering(incidents: &[LoadedIncident], memo: &mut SimilarityMemo) -> Self {
        Self::with_similarity(incidents, |groups| {
            Similarity::remembering(incidents, groups, memo)
        })
    }

    /// The error patterns, and the similar incidents `similarity` derives from them.
    fn with_similarity(
        incidents: &[LoadedIncident],
        similarity: impl FnOnce(&[PatternGroup]) -> Similarity,
    ) -> Self {
        let mut knowledge = Self::patterns_only(incidents);
        let similarity = similarity(&knowledge.patterns);
        for (group, similar) in knowledge.patterns.iter_mut().zip(similarity.patterns) {
            group.similar = similar;
        }
        knowledge.similar = similarity.links;
        knowledge
    }

    /// Adds what [`Knowledge::recurrence`] left out, with the related incidents already
    /// worked out (by a [`RelatedIndex`] of the same incidents).
    pub fn complete(
        &mut self,
        incidents: &[LoadedIncident],
        today: Date,
        severities: &Vocabulary,
        related: Vec<Vec<Related>>,
    ) {
        self.related = related;
        self.actions = actions::collect(incidents, today);
        self.trends = Trends::new(incidents, severities);
    }
}

/// The notes for incidents that `wanted` accepts whose error matches earlier incidents'
/// pattern, or whose error or cause is similar to earlier incidents'.
pub fn recurrence_notes(
    incidents: &[LoadedIncident],
    wanted: &dyn Fn(&LoadedIncident) -> bool,
) -> Vec<Diagnostic> {
    notes(incidents, &Knowledge::recurrence(incidents), wanted)
}

/// [`recurrence_notes`] from what `knowledge` (of the same incidents) already holds: a save
/// under `serve` derived it for its pages.
pub fn notes(
    incidents: &[LoadedIncident],
    knowledge: &Knowledge,
    wanted: &dyn Fn(&LoadedIncident) -> bool,
) -> Vec<Diagnostic> {
    let (groups, refs) = (&knowledge.patterns, &knowledge.incident_patterns);
    let mut notes = patterns::pattern_notes(incidents, groups, refs, wanted);
    notes.extend(similar::similar_notes(
        incidents,
        &knowledge.similar,
        wanted,
    ));
    notes
}

/// Whether `loaded`'s own `related` names `other`, by slug or id.
fn lists(loaded: &LoadedIncident, other: &LoadedIncident) -> bool {
    loaded.incident.related.iter().any(|r| {
        r.value == other.slug
            || other
                .incident
                .id
                .as_ref()
                .is_some_and(|id| id.value == r.value)
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::load::LoadedIncident;

    /// The text of an incident titled `title` of `date` whose error is a `TypeError` with
    /// `message`, plus `extra` YAML lines.
    pub fn incident_yaml(title: &str, date: &str, message: &str, extra: &str) -> String {
        format!(
            "title: {title}\ndate: {date}\nstatus: resolved\nseverity: high\nsummary: s\n\
             error:\n  type: TypeError\n  message: {message:?}\nroot_cause:\n  summary: r\n{extra}"
        )
    }

    /// An incident `<slug>.yaml`, titled `slug`, of [`incident_yaml`].
    pub fn incident(slug: &str, date: &str, message: &str, extra: &str) -> LoadedIncident {
        let yaml = incident_yaml(slug, date, message, extra);
        let file = std::path::PathBuf::from(format!("{slug}.yaml"));
        let (loaded, diagnostics) =
            crate::load::load_source(&file, &file, &yaml, &crate::load::Settings::default());
        loaded.unwrap_or_else(|| panic!("{diagnostics:?}\n{yaml}"))
    }
}
