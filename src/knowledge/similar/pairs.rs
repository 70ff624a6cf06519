//! Similar errors between incidents, worked out once per distinct error signature.
//!
//! Incidents repeat their failures: ten thousand incidents may hold a few hundred distinct
//! signatures. The signatures are compared with each other (only those filed under a
//! shared [`errors::blocking_keys`] key), each signature gathers the incidents of its
//! similar signatures once, and each incident picks its links from its signatures' lists.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet};

use rayon::prelude::*;

use super::{MAX_BLOCK, MAX_SIMILAR, SimilarKind, SimilarLink, SimilarPattern, errors};
use super::{percent, share_pattern};
use crate::knowledge::PatternGroup;
use crate::load::LoadedIncident;
use crate::model::signature::ErrorSignature;

/// Distinct error signatures, the incidents of each, and the pairs that are similar.
pub(super) struct ErrorPairs<'a> {
    /// Each distinct (pattern text, signature).
    signatures: Vec<(&'a str, &'a ErrorSignature)>,
    /// The incidents of each signature, newest first.
    members: Vec<Vec<usize>>,
    /// For each incident, its signatures.
    of_incident: Vec<Vec<usize>>,
    /// Each incident's place when all are sorted newest first (ties by index): the order
    /// of similar incidents of one score.
    rank: Vec<usize>,
    /// Similar pairs: the two signatures, score in percent, and the reason as seen from
    /// each side (`callable written as `A` vs `B`` from the first).
    similar: Vec<(usize, usize, u8, [String; 2])>,
    /// For each signature, the similar pairs it is in (indices into `similar`).
    adjacent: Vec<Vec<usize>>,
}

impl<'a> ErrorPairs<'a> {
    pub(super) fn new(incidents: &'a [LoadedIncident]) -> Self {
        let mut ids: HashMap<(&str, &ErrorSignature), usize> = HashMap::new();
        let mut signatures = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut of_incident = Vec::with_capacity(incidents.len());
        for (i, loaded) in incidents.iter().enumerate() {
            let mut own = Vec::new();
            let errors = loaded.patterns.iter().zip(&loaded.signature.errors);
            for (pattern, signature) in errors {
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
        let mut by_date: Vec<usize> = (0..incidents.len()).collect();
        by_date.sort_by_cached_key(|&i| (Reverse(incidents[i].incident.date.sort_key()), i));
        let mut rank = vec![0; incidents.len()];
        for (place, &i) in by_date.iter().enumerate() {
            rank[i] = place;
        }
        for list in &mut members {
            list.sort_unstable_by_key(|&i| rank[i]);
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
            rank,
            similar,
            adjacent,
        }
    }

    /// For each signature, the incidents of its similar signatures that an incident of it
    /// keeps: best score first, then newest, each incident once (with the reason of its
    /// first pair); up to twice [`MAX_SIMILAR`], so that an incident which is itself among
    /// them, or shares a pattern with them through another of its errors, still finds
    /// enough. Worked out once per signature, not per incident: the incidents of one
    /// signature share it.
    pub(super) fn candidates(&self) -> Vec<Vec<(u8, usize, &str)>> {
        (0..self.signatures.len())
            .into_par_iter()
            .map(|own| self.candidates_of(own))
            .collect()
    }

    fn candidates_of(&self, own: usize) -> Vec<(u8, usize, &str)> {
        let keep = 2 * MAX_SIMILAR;
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
        pairs.sort_unstable_by_key(|&(score, other, _)| Reverse((score, other)));
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        // The pairs of one score at a time: their member lists, each newest first, merged
        // until enough are found (a heap of each list's next incident, so that pairs of
        // thousands of incidents cost only what is taken from them).
        for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            let mut next: BinaryHeap<Reverse<(usize, usize, usize)>> = BinaryHeap::new();
            for (n, &(_, other, _)) in run.iter().enumerate() {
                if let Some(&j) = self.members[other].first() {
                    next.push(Reverse((self.rank[j], n, 0)));
                }
            }
            while found.len() < keep
                && let Some(Reverse((_, n, at))) = next.pop()
            {
                let (score, other, reason) = run[n];
                let list = &self.members[other];
                if seen.insert(list[at]) {
                    found.push((score, list[at], reason));
                }
                if let Some(&j) = list.get(at + 1) {
                    next.push(Reverse((self.rank[j], n, at + 1)));
                }
            }
            if found.len() >= keep {
                break;
            }
        }
        found
    }

    /// Incident `i`'s similar errors, from the candidates of its signatures: best score
    /// per incident, itself and incidents that share a pattern with it left out; best
    /// first, then newest, at most [`MAX_SIMILAR`].
    pub(super) fn links_of(
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
                match best.entry(j) {
                    Entry::Vacant(slot) => {
                        slot.insert((score, reason));
                    }
                    Entry::Occupied(mut slot) if score > slot.get().0 => {
                        slot.insert((score, reason));
                    }
                    Entry::Occupied(_) => {}
                }
            }
        }
        let mut best: Vec<(usize, (u8, &str))> = best.into_iter().collect();
        best.sort_unstable_by_key(|&(j, (score, _))| (Reverse(score), self.rank[j]));
        best.truncate(MAX_SIMILAR);
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
    pub(super) fn similar_patterns(&self, groups: &[PatternGroup]) -> Vec<Vec<SimilarPattern>> {
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
            list.sort_by_key(|p| (Reverse(p.score), p.group));
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
