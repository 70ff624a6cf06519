//! The counts beside every filter of the index and search pages: how many incidents have
//! each severity, status, tag, service and year.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::SiteData;
use super::pages::TermKind;
use crate::knowledge::IncidentSummary;
use crate::model::{Severity, Status};

/// Counted values for filters and term pages.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// As written.
    pub name: String,
    /// URL segment and filter value.
    pub slug: String,
    /// Number of incidents.
    pub count: usize,
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
            })
            .collect();
        facets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
        facets
    };
    let fixed = |names: Vec<&'static str>, present: Vec<&'static str>| -> Vec<Facet> {
        names
            .into_iter()
            .map(|name| Facet {
                name: name.into(),
                slug: name.into(),
                count: present.iter().filter(|p| **p == name).count(),
            })
            .filter(|f| f.count > 0)
            .collect()
    };
    let mut map = HashMap::new();
    map.insert(
        "severity",
        fixed(
            Severity::ALL.iter().map(|s| s.as_str()).collect(),
            summaries.iter().map(|s| s.severity.as_str()).collect(),
        ),
    );
    map.insert(
        "status",
        fixed(
            Status::ALL.iter().map(|s| s.as_str()).collect(),
            summaries.iter().map(|s| s.status.as_str()).collect(),
        ),
    );
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
        })
        .collect()
}
