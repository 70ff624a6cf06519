//! From an archive to a knowledge base: what the incidents say together.
//!
//! One write-up answers "what happened?". A team's whole history should also answer "has
//! this happened before?", "what did we promise to do, and is it done?" and "are we getting
//! better?". This module derives those answers from all incidents at once:
//!
//! - [`fingerprint`]: each incident's error pattern, so recurrences of one failure group
//!   even when written up by people who never read each other's report;
//! - [`patterns`]: the incidents of each pattern, and the note `check` gives the writer of a
//!   new incident whose error was seen before;
//! - [`related`]: for each incident, the few others worth reading next, and why;
//! - [`actions`]: prevention items and follow-ups of every incident, overdue ones marked;
//! - [`trends`]: incidents per month, severity and service, and time to resolve, as charts;
//! - [`pages`]: what the site's pattern, action and trend pages are given.
//!
//! Everything here is pure: incidents go in, data comes out. The day that decides what is
//! overdue is passed in, never read from the clock inside, so output and tests are
//! deterministic.

pub mod actions;
pub mod pages;
pub mod patterns;
pub mod related;
pub mod trends;

use serde::Serialize;

use crate::load::LoadedIncident;
use crate::render::view::RelatedLink;
pub use actions::{ActionEntry, Filter};
pub use patterns::{PatternGroup, PatternRef, recurrence_notes};
pub use trends::Trends;

/// What all incidents say together, derived once per build.
#[derive(Debug, Clone)]
pub struct Knowledge {
    /// Every error pattern, recurring and recent ones first.
    pub patterns: Vec<PatternGroup>,
    /// Each incident's pattern, in the order the incidents were given.
    pub incident_patterns: Vec<PatternRef>,
    /// Every action item, sorted, none marked overdue yet (see [`actions::mark_overdue`]).
    pub actions: Vec<ActionEntry>,
    /// The trend charts.
    pub trends: Trends,
}

impl Knowledge {
    /// Derives patterns, action items and trends. Indices in the result refer to
    /// `incidents` in the order given (the order of the site's summaries).
    pub fn new(incidents: &[LoadedIncident]) -> Self {
        let (patterns, incident_patterns) = patterns::group(incidents);
        Self {
            patterns,
            incident_patterns,
            actions: actions::collect(incidents),
            trends: Trends::new(incidents),
        }
    }
}

/// An incident's pattern and related incidents, for tools (`incidents.json`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct IncidentKnowledge {
    /// The error pattern.
    pub pattern: PatternRef,
    /// Related incidents, best first.
    pub related: Vec<RelatedRef>,
}

/// A related incident, by slug, and why it is related.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct RelatedRef {
    /// The other incident's slug.
    pub slug: String,
    /// Why, e.g. "same error pattern; shared services: cache".
    pub reason: String,
}

impl IncidentKnowledge {
    /// The pattern and related links of one incident, as prepared for its page.
    pub fn new(pattern: &PatternRef, related: &[RelatedLink]) -> Self {
        Self {
            pattern: pattern.clone(),
            related: related
                .iter()
                .map(|link| RelatedRef {
                    slug: link.incident.slug.clone(),
                    reason: link.reason.clone(),
                })
                .collect(),
        }
    }

    /// Whether this is what `new(pattern, related)` would give, without building it.
    pub fn shows(&self, pattern: &PatternRef, related: &[RelatedLink]) -> bool {
        self.pattern == *pattern
            && self.related.len() == related.len()
            && self
                .related
                .iter()
                .zip(related)
                .all(|(r, link)| r.slug == link.incident.slug && r.reason == link.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::incident;

    #[test]
    fn incidents_json_gets_the_pattern_and_related_slugs() {
        let incidents = [
            incident("a", "2025-07-12", "unexpected keyword argument 'x'", ""),
            incident("b", "2025-10-09", "unexpected keyword argument 'y'", ""),
        ];
        let knowledge = Knowledge::new(&incidents);
        let summaries: Vec<_> = incidents
            .iter()
            .map(crate::render::IncidentSummary::new)
            .collect();
        let related = related::related_links(&incidents, &summaries, &knowledge.incident_patterns);
        let shown = IncidentKnowledge::new(&knowledge.incident_patterns[1], &related[1]);
        assert!(shown.shows(&knowledge.incident_patterns[1], &related[1]));
        assert!(!shown.shows(&knowledge.incident_patterns[1], &[]));
        assert!(!shown.shows(&knowledge.incident_patterns[0], &related[1]));
        let json = serde_json::to_value(shown).unwrap();
        let slug = &knowledge.patterns[0].slug;
        assert_eq!(
            json,
            serde_json::json!({
                "pattern": {
                    "text": "TypeError: unexpected keyword argument <name>",
                    "slug": slug,
                    "path": format!("patterns/{slug}/"),
                    "explicit": false,
                    "seen_before": 1,
                    "occurrences": 2,
                },
                "related": [{ "slug": "a", "reason": "same error pattern" }],
            })
        );
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::load::LoadedIncident;

    /// An incident `<slug>.yaml` of `date` whose error is a `TypeError` with `message`,
    /// plus `extra` YAML lines.
    pub fn incident(slug: &str, date: &str, message: &str, extra: &str) -> LoadedIncident {
        let yaml = format!(
            "title: {slug}\ndate: {date}\nstatus: resolved\nseverity: high\nsummary: s\n\
             error:\n  type: TypeError\n  message: {message:?}\nroot_cause:\n  summary: r\n{extra}"
        );
        let file = std::path::PathBuf::from(format!("{slug}.yaml"));
        let incident = crate::load::parse_incident(&file, &yaml)
            .unwrap_or_else(|d| panic!("{}\n{yaml}", d.render(false)));
        LoadedIncident::new(slug.into(), file.clone(), file, incident)
    }
}
