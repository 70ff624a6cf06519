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
//! ([`errors::blocking_keys`]); causes only with causes sharing a rare term.

pub mod causes;
pub mod errors;
mod memo;
mod notes;

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rayon::prelude::*;
use serde::Serialize;

use crate::knowledge::PatternGroup;
use crate::load::LoadedIncident;
use crate::model::signature::{CauseTerm, ErrorSignature};
use causes::CauseMatch;

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

/// Distinct error signatures, the incidents of each, and the pairs that are similar.
struct ErrorPairs<'a> {
    /// Each distinct (pattern text, signature).
    signatures: Vec<(&'a str, &'a ErrorSignature)>,
    /// The incidents of each signature, newest first.
    members: Vec<Vec<usize>>,
    /// For each incident, its signatures.
    of_incident: Vec<Vec<usize>>,
    /// Similar pairs: the two signatures, score in percent, and the reason as seen from
    /// each side (`callable written as `A` vs `B`` from the first).
    similar: Vec<(usize, usize, u8, [String; 2])>,
    /// For each signature, the similar pairs it is in (indices into `similar`).
    adjacent: Vec<Vec<usize>>,
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
        // A build links once: nothing to digest or keep for a next time.
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
            let reason = format!("shared terms: {}", found.terms.join(", "));
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
        let pairs = ErrorPairs::new(incidents);
        let candidates = pairs.candidates(incidents);
        let links = (0..incidents.len())
            .into_par_iter()
            .map(|i| {
                let mut links = pairs.links_of(i, incidents, &candidates);
                links.sort_by_cached_key(|l| link_order(incidents, l));
                links.truncate(MAX_SIMILAR);
                links
            })
            .collect();
        Self {
            links,
            patterns: pairs.similar_patterns(groups),
        }
    }
}

/// Every pair of similar causes among `incidents`.
fn cause_matches(incidents: &[LoadedIncident]) -> Vec<causes::CauseMatch> {
    let causes: Vec<&[CauseTerm]> = incidents.iter().map(|l| &l.signature.cause[..]).collect();
    causes::similar_causes(&causes)
}

impl<'a> ErrorPairs<'a> {
    fn new(incidents: &'a [LoadedIncident]) -> Self {
        let mut ids: HashMap<(&str, &ErrorSignature), usize> = HashMap::new();
        let mut signatures = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut of_incident = Vec::with_capacity(incidents.len());
        for (i, loaded) in incidents.iter().enumerate() {
            let mut own = Vec::new();
            for (pattern, signature) in loaded.patterns.iter().zip(&loaded.signature.errors) {
                let key = (pattern.text.as_str(), signature);
                let id = *ids.entry(key).or_insert_with(|| {
                    signatures.push(key);
                    members.push(Vec::new());
                    members.len() - 1
                });
                if members[id].last() != Some(&i) {
                    members[id].push(i);
                }
                own.push(id);
            }
            of_incident.push(own);
        }
        let newest = |&i: &usize| std::cmp::Reverse(incidents[i].incident.date.sort_key());
        for list in &mut members {
            list.sort_by_cached_key(|i| (newest(i), *i));
        }
        let similar = similar_signatures(&signatures);
        let mut adjacent = vec![Vec::new(); signatures.len()];
        for (k, (s, t, _, _)) in similar.iter().enumerate() {
            adjacent[*s].push(k);
            adjacent[*t].push(k);
        }
        Self {
            signatures,
            members,
            of_incident,
            similar,
            adjacent,
        }
    }

    /// For each signature, the incidents of its similar signatures that an incident of it
    /// keeps: best score first, then newest; up to twice [`MAX_SIMILAR`], so that an
    /// incident which is itself among them, or shares a pattern with them through another
    /// of its errors, still finds enough. Worked out once per signature, not per incident:
    /// the incidents of one signature share it.
    fn candidates<'s>(&'s self, incidents: &[LoadedIncident]) -> Vec<Vec<(u8, usize, &'s str)>> {
        let keep = 2 * MAX_SIMILAR;
        let newest = |j: usize| std::cmp::Reverse(incidents[j].incident.date.sort_key());
        (0..self.signatures.len())
            .into_par_iter()
            .map(|own| {
                let mut pairs: Vec<(u8, usize, &str)> = self.adjacent[own]
                    .iter()
                    .map(|&k| {
                        let (s, t, score, reasons) = &self.similar[k];
                        match *s == own {
                            true => (*score, *t, reasons[0].as_str()),
                            false => (*score, *s, reasons[1].as_str()),
                        }
                    })
                    .collect();
                pairs.sort_by_key(|&(score, other, _)| std::cmp::Reverse((score, other)));
                let mut found: Vec<(u8, usize, &str)> = Vec::new();
                for (n, &(score, other, reason)) in pairs.iter().enumerate() {
                    // Members are newest first: more than `keep` of one cannot be kept.
                    found.extend(
                        self.members[other]
                            .iter()
                            .take(keep)
                            .map(|&j| (score, j, reason)),
                    );
                    // Once enough are found, a lower score cannot displace them.
                    let next_lower = pairs.get(n + 1).is_none_or(|p| p.0 < score);
                    if found.len() >= keep && next_lower {
                        break;
                    }
                }
                // Each incident once, at its best score (the first found of equal ones);
                // then the best `keep`. Ties between pairs can gather thousands here, so
                // they are not all sorted.
                let mut at: HashMap<usize, usize> = HashMap::new();
                let mut unique: Vec<(u8, usize, &str)> = Vec::new();
                for entry in found {
                    match at.entry(entry.1) {
                        Entry::Vacant(slot) => {
                            slot.insert(unique.len());
                            unique.push(entry);
                        }
                        Entry::Occupied(slot) if entry.0 > unique[*slot.get()].0 => {
                            unique[*slot.get()] = entry;
                        }
                        Entry::Occupied(_) => {}
                    }
                }
                let order =
                    |&(score, j, _): &(u8, usize, &str)| (std::cmp::Reverse(score), newest(j), j);
                if unique.len() > keep {
                    unique.select_nth_unstable_by_key(keep - 1, order);
                    unique.truncate(keep);
                }
                unique.sort_unstable_by_key(order);
                unique
            })
            .collect()
    }

    /// Incident `i`'s similar errors, from the candidates of its signatures: best score
    /// per incident, itself and incidents that share a pattern with it left out.
    fn links_of(
        &self,
        i: usize,
        incidents: &[LoadedIncident],
        candidates: &[Vec<(u8, usize, &str)>],
    ) -> Vec<SimilarLink> {
        let mut best: HashMap<usize, (u8, &str)> = HashMap::new();
        for &own in &self.of_incident[i] {
            let qualifying = candidates[own]
                .iter()
                .filter(|&&(_, j, _)| j != i && !share_pattern(&incidents[i], &incidents[j]));
            for &(score, j, reason) in qualifying {
                let entry = best.entry(j).or_insert((0, ""));
                if score > entry.0 {
                    *entry = (score, reason);
                }
            }
        }
        best.into_iter()
            .map(|(incident, (score, reason))| SimilarLink {
                incident,
                kind: SimilarKind::SimilarError,
                score,
                reason: reason.to_owned(),
            })
            .collect()
    }

    /// For each pattern group, the groups with a similar signature, best first.
    fn similar_patterns(&self, groups: &[PatternGroup]) -> Vec<Vec<SimilarPattern>> {
        let group_of: HashMap<&str, usize> = groups
            .iter()
            .enumerate()
            .map(|(g, group)| (group.text.as_str(), g))
            .collect();
        let mut best: HashMap<(usize, usize), (u8, &str)> = HashMap::new();
        for (s, t, score, reasons) in &self.similar {
            let (Some(&a), Some(&b)) = (
                group_of.get(self.signatures[*s].0),
                group_of.get(self.signatures[*t].0),
            ) else {
                continue;
            };
            for (pair, reason) in [((a, b), &reasons[0]), ((b, a), &reasons[1])] {
                let entry = best.entry(pair).or_insert((0, ""));
                if *score > entry.0 {
                    *entry = (*score, reason);
                }
            }
        }
        let mut similar: Vec<Vec<SimilarPattern>> = vec![Vec::new(); groups.len()];
        for ((a, b), (score, reason)) in best {
            similar[a].push(SimilarPattern {
                group: b,
                score,
                reason: reason.to_owned(),
            });
        }
        for list in &mut similar {
            list.sort_by_key(|p| (std::cmp::Reverse(p.score), p.group));
        }
        similar
    }
}

/// The pairs of distinct signatures filed under a shared key whose errors are similar
/// (and whose patterns differ).
fn similar_signatures(
    signatures: &[(&str, &ErrorSignature)],
) -> Vec<(usize, usize, u8, [String; 2])> {
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (id, (_, signature)) in signatures.iter().enumerate() {
        for key in errors::blocking_keys(signature) {
            blocks.entry(key).or_default().push(id);
        }
    }
    let mut candidates: Vec<(usize, usize)> = blocks
        .values()
        .filter(|ids| (2..=MAX_BLOCK).contains(&ids.len()))
        .flat_map(|ids| {
            ids.iter()
                .enumerate()
                .flat_map(move |(k, &s)| ids[k + 1..].iter().map(move |&t| (s, t)))
        })
        .filter(|&(s, t)| signatures[s].0 != signatures[t].0)
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_par_iter()
        .filter_map(|(s, t)| {
            let (a, b) = (signatures[s].1, signatures[t].1);
            let found = errors::compare(a, b)?;
            // The same pair seen from the other side, for its reason's wording.
            let back = errors::compare(b, a).map_or_else(|| found.reason.clone(), |m| m.reason);
            Some((s, t, percent(found.score), [found.reason, back]))
        })
        .collect()
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
