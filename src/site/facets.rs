//! The counts beside every filter of the index and search pages: how many incidents have
//! each severity, status, tag, service and year.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::SiteData;
use super::pages::TermKind;
use crate::knowledge::IncidentSummary;
use crate::model::{Grade, Vocabulary};

/// Counted values for filters and term pages.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// As written.
    pub name: String,
    /// URL segment and filter value.
    pub slug: String,
    /// Number of incidents.
    pub count: usize,
    /// Severities and statuses: the default level whose colours it wears.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone: Option<&'static str>,
}

/// Counts of each severity, status, tag, service and year, for the index and search
/// filters (which show the same counts).
pub fn facets<'a>(data: &SiteData<'a>) -> HashMap<&'static str, Vec<Facet>> {
    let summaries = data.summaries;
    let terms = |kind: TermKind| {
        let mut facets: Vec<Facet> = data
            .terms(kind)
            .iter()
            .map(|(slug, (name, list))| Facet {
                name: (*name).into(),
                slug: (*slug).into(),
                count: list.len(),
                tone: None,
            })
            .collect();
        facets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
        facets
    };
    // The team's levels in their order, each with how many incidents have it.
    let levels = |vocabulary: &Vocabulary, of: fn(&IncidentSummary) -> &Grade| -> Vec<Facet> {
        (0..vocabulary.levels.len())
            .map(|rank| {
                let grade = vocabulary.grade(rank);
                Facet {
                    count: summaries.iter().filter(|s| of(s).rank == rank).count(),
                    name: grade.label,
                    slug: grade.slug,
                    tone: Some(grade.tone),
                }
            })
            .filter(|f| f.count > 0)
            .collect()
    };
    let vocabularies = &data.info.vocabularies;
    let mut map = HashMap::new();
    map.insert("severity", levels(&vocabularies.severity, |s| &s.severity));
    map.insert("status", levels(&vocabularies.status, |s| &s.status));
    for kind in TermKind::ALL {
        map.insert(kind.name(), terms(kind));
    }
    map.insert("year", years(summaries));
    map
}

/// Incidents per year, newest year first.
fn years(summaries: &[IncidentSummary]) -> Vec<Facet> {
    let mut counts: BTreeMap<i16, usize> = BTreeMap::new();
    for summary in summaries {
        *counts.entry(summary.year).or_default() += 1;
    }
    counts
        .into_iter()
        .rev()
        .map(|(year, count)| Facet {
            name: year.to_string(),
            slug: year.to_string(),
            count,
            tone: None,
        })
        .collect()
}
