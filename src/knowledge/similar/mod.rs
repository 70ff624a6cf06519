//! Recurrence that survives rewording: similar errors and similar causes.
//!
//! The error pattern links incidents whose errors are written alike. This module links
//! those whose errors name one failure in other words ([`errors`]) and those whose root
//! causes describe one mechanism ([`causes`]), with or without an error message. Links are
//! symmetric and do not depend on dates or file order: an incident written up late is
//! linked like any other, and the earlier incident learns that its failure recurred.
//!
//! The work stays near linear: errors are compared once per distinct signature (pattern
//! and stack frames), and only with signatures filed under a shared key
//! ([`errors::blocking_keys`], in `pairs`), then turned into links between incidents once
//! per signature (`links`); causes only with causes sharing a rare term or a mechanism.

pub mod causes;
pub mod errors;
mod links;
mod memo;
mod notes;
mod pairs;

use rayon::prelude::*;
use serde::Serialize;

use crate::knowledge::PatternGroup;
use crate::load::LoadedIncident;
use crate::model::digest::Digest;
use crate::model::signature::CauseSignature;
use causes::CauseMatch;
use pairs::SignaturePairs;

pub use memo::SimilarityMemo;
pub use notes::similar_notes;

/// How many similar incidents are kept for each incident, best first.
pub const MAX_SIMILAR: usize = 20;
/// Keys under which more distinct errors than this are filed compare none of them: a key
/// that general (a type thousands of errors have) says nothing about two of them.
const MAX_BLOCK: usize = 300;

/// What makes two incidents similar.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SimilarKind {
    /// Their errors name one failure in different words.
    SimilarError,
    /// Their root causes describe one mechanism.
    SimilarCause,
}

/// Another incident similar to one, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimilarLink {
    /// Its index in the incidents given.
    pub incident: usize,
    /// Similar error or similar cause.
    pub kind: SimilarKind,
    /// How similar, in percent.
    pub score: u8,
    /// What they share, e.g. "same condition (connection refused)" or "shared terms: pool,
    /// retries".
    pub reason: String,
}

/// A pattern similar to another, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimilarPattern {
    /// Its index in the pattern groups.
    pub group: usize,
    /// How similar, in percent.
    pub score: u8,
    /// What the errors share.
    pub reason: String,
}

/// The similar incidents of every incident and the similar patterns of every pattern.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Similarity {
    /// For each incident (in the order given), its similar incidents: similar errors first,
    /// then by score, newest first; at most [`MAX_SIMILAR`]. Incidents that share an error
    /// pattern are not listed: the pattern links them already.
    pub links: Vec<Vec<SimilarLink>>,
    /// For each pattern group (in the order given), the similar patterns, best first.
    pub patterns: Vec<Vec<SimilarPattern>>,
}

/// The similar errors of every incident and the similar patterns of every pattern: what
/// comparing errors gives, before causes are added.
#[derive(Debug, Clone, Default)]
struct ErrorLinks {
    links: Vec<Vec<SimilarLink>>,
    patterns: Vec<Vec<SimilarPattern>>,
}

impl Similarity {
    /// Links `incidents` (sorted newest first or not: the result is the same up to order)
    /// whose pattern groups are `groups`.
    pub fn new(incidents: &[LoadedIncident], groups: &[PatternGroup]) -> Self {
        let errors = ErrorLinks::new(incidents, groups);
        Self::merge(incidents, &errors, &cause_matches(incidents))
    }

    /// [`Similarity::new`], reusing from `memo` what the previous call worked out if its
    /// inputs are unchanged, and leaving this call's there for the next.
    pub fn remembering(
        incidents: &[LoadedIncident],
        groups: &[PatternGroup],
        memo: &mut SimilarityMemo,
    ) -> Self {
        memo.recall(incidents, groups).clone()
    }

    /// Both halves together: the similar errors, then the similar causes of incidents that
    /// share no pattern, each list in [`link_order`] and cut to [`MAX_SIMILAR`].
    fn merge(incidents: &[LoadedIncident], errors: &ErrorLinks, causes: &[CauseMatch]) -> Self {
        // The error links are sorted and cut already, and come before every cause link:
        // only lists that gain a cause link need sorting again.
        let mut links = errors.links.clone();
        let mut gained = vec![false; links.len()];
        for found in causes {
            let (i, j) = found.pair;
            if share_pattern(&incidents[i], &incidents[j]) {
                continue;
            }
            let score = percent(found.score);
            let reason = cause_reason(found);
            for (from, to) in [(i, j), (j, i)] {
                if !links[from].iter().any(|l| l.incident == to) {
                    gained[from] = true;
                    links[from].push(SimilarLink {
                        incident: to,
                        kind: SimilarKind::SimilarCause,
                        score,
                        reason: reason.clone(),
                    });
                }
            }
        }
        for (list, _) in links.iter_mut().zip(gained).filter(|(_, gained)| *gained) {
            list.sort_by_cached_key(|l| link_order(incidents, l));
            list.truncate(MAX_SIMILAR);
        }
        Self {
            links,
            patterns: errors.patterns.clone(),
        }
    }
}

/// Why two causes are similar: the mechanisms they share, then the terms.
fn cause_reason(found: &CauseMatch) -> String {
    let terms =
        (!found.terms.is_empty()).then(|| format!("shared terms: {}", found.terms.join(", ")));
    let mechanisms = match found.mechanisms.as_slice() {
        [] => None,
        [one] => Some(format!("same mechanism: {one}")),
        several => Some(format!("same mechanisms: {}", several.join("; "))),
    };
    [mechanisms, terms]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ")
}

/// The order of one incident's similar incidents: similar errors first, then by score,
/// newest first.
fn link_order(incidents: &[LoadedIncident], link: &SimilarLink) -> impl Ord + use<> {
    (
        link.kind,
        std::cmp::Reverse(link.score),
        std::cmp::Reverse(incidents[link.incident].incident.date.sort_key()),
        link.incident,
    )
}

impl ErrorLinks {
    fn new(incidents: &[LoadedIncident], groups: &[PatternGroup]) -> Self {
        let digests: Vec<Vec<Digest>> =
            incidents.par_iter().map(pairs::signature_digests).collect();
        let digests: Vec<&[Digest]> = digests.iter().map(Vec::as_slice).collect();
        SignaturePairs::default().links(incidents, groups, &digests, None)
    }
}

/// Every pair of similar causes among `incidents`.
fn cause_matches(incidents: &[LoadedIncident]) -> Vec<causes::CauseMatch> {
    let causes: Vec<&CauseSignature> = incidents.iter().map(|l| &l.signature.cause).collect();
    causes::similar_causes(&causes)
}

/// Whether two incidents have an error pattern in common.
fn share_pattern(a: &LoadedIncident, b: &LoadedIncident) -> bool {
    a.patterns
        .iter()
        .any(|p| b.patterns.iter().any(|q| q.text == p.text))
}

fn percent(score: f64) -> u8 {
    (score * 100.0).round().clamp(0.0, 100.0) as u8
}

#[cfg(test)]
mod tests;
