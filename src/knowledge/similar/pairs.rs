//! Similar errors between distinct error signatures.
//!
//! Incidents repeat their failures: ten thousand incidents may hold a few hundred distinct
//! signatures. The signatures are compared with each other, only those filed under a
//! shared [`errors::blocking_keys`] key; [`super::links`] turns the similar pairs into
//! links between incidents.
//!
//! [`SignaturePairs`] keeps the distinct signatures, the blocks they are filed under and
//! their similar pairs, so that a save under `serve` compares only the signatures it
//! brought. Which pairs are compared at all depends on the blocks' sizes ([`MAX_BLOCK`]):
//! when a save moves a block across that size, every pair is compared again. Every order
//! in the result comes from the signatures' contents, never from when they were first
//! seen, so kept pairs give the links fresh ones would.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::links::{Best, Filed, Kept, Neighbour, keep_best, link_incidents};
use super::{ErrorLinks, MAX_BLOCK, SimilarPattern, errors, percent};
use crate::knowledge::PatternGroup;
use crate::load::LoadedIncident;
use crate::model::digest::{Digest, Digester};
use crate::model::signature::ErrorSignature;

/// The digest of each of `loaded`'s errors, of its pattern text and signature: what
/// identifies a distinct signature across saves.
pub(super) fn signature_digests(loaded: &LoadedIncident) -> Vec<Digest> {
    let errors = loaded.patterns.iter().zip(&loaded.signature.errors);
    errors
        .map(|(pattern, signature)| {
            Digester::new()
                .text(&pattern.text)
                .hashed(signature)
                .finish()
        })
        .collect()
}

/// The distinct error signatures seen, their blocks and their similar pairs.
#[derive(Debug)]
pub(super) struct SignaturePairs {
    ids: HashMap<Digest, usize>,
    /// A number for each pattern text, so that incidents' patterns compare as numbers.
    texts: HashMap<String, usize>,
    distinct: Vec<Distinct>,
    /// The signatures some incident has, under each blocking key.
    blocks: HashMap<String, Vec<usize>>,
    /// For each signature, its similar signatures.
    adjacent: Vec<Vec<Neighbour>>,
    /// Blocks of more signatures than this propose no pairs.
    max_block: usize,
    /// What the last call linked, for the next to keep what did not change.
    kept: Option<Kept>,
}

#[derive(Debug)]
struct Distinct {
    /// The digest of its pattern text and signature: its identity, and how ties between
    /// signatures are broken.
    key: Digest,
    text: String,
    text_id: usize,
    signature: ErrorSignature,
    blocking_keys: Vec<String>,
    /// Whether some incident has it now.
    alive: bool,
}

impl Default for SignaturePairs {
    fn default() -> Self {
        Self::with_max_block(MAX_BLOCK)
    }
}

impl SignaturePairs {
    pub(super) fn with_max_block(max_block: usize) -> Self {
        Self {
            ids: HashMap::new(),
            texts: HashMap::new(),
            distinct: Vec::new(),
            blocks: HashMap::new(),
            adjacent: Vec::new(),
            max_block,
            kept: None,
        }
    }

    /// The similar errors of `incidents` and the similar patterns of `groups`; `digests`
    /// holds [`signature_digests`] of each incident, and `previous` what the last call
    /// returned, whose lists are kept where nothing they depend on changed.
    pub(super) fn links(
        &mut self,
        incidents: &[LoadedIncident],
        groups: &[PatternGroup],
        digests: &[&[Digest]],
        previous: Option<ErrorLinks>,
    ) -> ErrorLinks {
        // Signatures no incident has any more are kept until they are most of them.
        let dead = self.distinct.iter().filter(|d| !d.alive).count();
        if dead > 64 && 2 * dead > self.distinct.len() {
            *self = Self::with_max_block(self.max_block);
        }
        let (filed, changed) = self.file(incidents, digests);
        let kept = self.kept.take();
        let previous = previous.map(|links| links.links);
        let rank = newest_first(incidents);
        let keys: Vec<Digest> = self.distinct.iter().map(|d| d.key).collect();
        let linking = (&self.adjacent[..], &keys[..]);
        let (links, kept) = link_incidents(linking, filed, &changed, rank, kept, previous);
        self.kept = Some(kept);
        ErrorLinks {
            links,
            patterns: self.similar_patterns(groups),
        }
    }

    /// Files each incident's signatures (new ones given an id), and updates the blocks
    /// and pairs for the signatures that came and went; also says which signatures' pairs
    /// changed.
    fn file(&mut self, incidents: &[LoadedIncident], digests: &[&[Digest]]) -> (Filed, Vec<bool>) {
        let mut of_incident = Vec::with_capacity(incidents.len());
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.distinct.len()];
        for (i, loaded) in incidents.iter().enumerate() {
            let errors = loaded.patterns.iter().zip(&loaded.signature.errors);
            let mut own = Vec::new();
            for ((pattern, signature), &key) in errors.zip(digests[i]) {
                let id = match self.ids.entry(key) {
                    Entry::Occupied(known) => *known.get(),
                    Entry::Vacant(slot) => {
                        let next = self.texts.len();
                        let text_id = *self.texts.entry(pattern.text.clone()).or_insert(next);
                        self.distinct.push(Distinct {
                            key,
                            text: pattern.text.clone(),
                            text_id,
                            signature: signature.clone(),
                            blocking_keys: errors::blocking_keys(signature),
                            alive: false,
                        });
                        self.adjacent.push(Vec::new());
                        members.push(Vec::new());
                        *slot.insert(members.len() - 1)
                    }
                };
                if members[id].last() != Some(&i) {
                    members[id].push(i);
                }
                own.push(id);
            }
            of_incident.push(own);
        }
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for (id, distinct) in self.distinct.iter_mut().enumerate() {
            let alive = !members[id].is_empty();
            match (distinct.alive, alive) {
                (false, true) => added.push(id),
                (true, false) => removed.push(id),
                _ => {}
            }
            distinct.alive = alive;
        }
        let changed = self.refile(&added, &removed);
        let texts = of_incident
            .iter()
            .map(|own| {
                let mut texts: Vec<usize> = own.iter().map(|&s| self.distinct[s].text_id).collect();
                texts.sort_unstable();
                texts.dedup();
                texts
            })
            .collect();
        let filed = Filed {
            of_incident,
            members,
            texts,
        };
        (filed, changed)
    }

    /// Moves the signatures that came and went in and out of their blocks, and compares
    /// the new ones with their blocks (or every pair again, when a block crossed the size
    /// over which it proposes none). Says which signatures' pairs changed.
    fn refile(&mut self, added: &[usize], removed: &[usize]) -> Vec<bool> {
        let mut changed = vec![false; self.distinct.len()];
        if added.is_empty() && removed.is_empty() {
            return changed;
        }
        let max_block = self.max_block;
        let proposes = |size: usize| size <= max_block;
        let touched: HashSet<&str> = added
            .iter()
            .chain(removed)
            .flat_map(|&id| self.distinct[id].blocking_keys.iter().map(String::as_str))
            .collect();
        let before: HashMap<String, usize> = touched
            .iter()
            .map(|&k| (k.to_owned(), self.blocks.get(k).map_or(0, Vec::len)))
            .collect();
        for &id in removed {
            for key in &self.distinct[id].blocking_keys {
                if let Some(block) = self.blocks.get_mut(key) {
                    block.retain(|&other| other != id);
                }
            }
            changed[id] = true;
            for neighbour in std::mem::take(&mut self.adjacent[id]) {
                self.adjacent[neighbour.other].retain(|n| n.other != id);
                changed[neighbour.other] = true;
            }
        }
        for &id in added {
            for key in &self.distinct[id].blocking_keys {
                self.blocks.entry(key.clone()).or_default().push(id);
            }
        }
        self.blocks.retain(|_, block| !block.is_empty());
        let crossed = before.iter().any(|(key, &size)| {
            proposes(size) != proposes(self.blocks.get(key).map_or(0, Vec::len))
        });
        let alive = self.distinct.iter().filter(|d| d.alive).count();
        let candidates = if crossed || added.len() == alive {
            self.adjacent.iter_mut().for_each(Vec::clear);
            changed.iter_mut().for_each(|c| *c = true);
            self.all_candidates()
        } else {
            added.iter().for_each(|&id| changed[id] = true);
            self.candidates_with(added)
        };
        let compared: Vec<(usize, usize, u8, [String; 2])> = candidates
            .into_par_iter()
            .filter_map(|(s, t)| {
                let (score, reasons) = self.compare(s, t)?;
                Some((s, t, score, reasons))
            })
            .collect();
        for (s, t, score, [from_s, from_t]) in compared {
            changed[t] = true;
            self.adjacent[s].push(Neighbour {
                other: t,
                score,
                reason: from_s.into(),
            });
            self.adjacent[t].push(Neighbour {
                other: s,
                score,
                reason: from_t.into(),
            });
        }
        changed
    }

    /// Every pair of signatures filed under a shared key of a block that proposes pairs,
    /// whose patterns differ.
    fn all_candidates(&self) -> Vec<(usize, usize)> {
        let mut pairs: Vec<(usize, usize)> = self
            .proposing_blocks()
            .flat_map(|ids| {
                ids.iter().enumerate().flat_map(move |(k, &s)| {
                    ids[k + 1..].iter().map(move |&t| (s.min(t), s.max(t)))
                })
            })
            .filter(|&(s, t)| self.distinct[s].text != self.distinct[t].text)
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// The pairs of each of `added` with the signatures filed under one of its keys (each
    /// pair of two added ones once).
    fn candidates_with(&self, added: &[usize]) -> Vec<(usize, usize)> {
        let is_added: HashSet<usize> = added.iter().copied().collect();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for &s in added {
            for key in &self.distinct[s].blocking_keys {
                let Some(block) = self.blocks.get(key) else {
                    continue;
                };
                if !(2..=self.max_block).contains(&block.len()) {
                    continue;
                }
                let partners = block.iter().copied().filter(|&t| {
                    t != s
                        && !(is_added.contains(&t) && t < s)
                        && self.distinct[s].text != self.distinct[t].text
                });
                pairs.extend(partners.map(|t| (s, t)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    fn proposing_blocks(&self) -> impl Iterator<Item = &Vec<usize>> {
        let range = 2..=self.max_block;
        self.blocks
            .values()
            .filter(move |ids| range.contains(&ids.len()))
    }

    /// Whether signatures `s` and `t` are similar: the score and each side's reason.
    /// Compared in the order of their digests, so that the result does not depend on
    /// which of the two came first.
    fn compare(&self, s: usize, t: usize) -> Option<(u8, [String; 2])> {
        let swapped = self.distinct[t].key < self.distinct[s].key;
        let (x, y) = if swapped { (t, s) } else { (s, t) };
        let (a, b) = (&self.distinct[x].signature, &self.distinct[y].signature);
        let found = errors::compare(a, b)?;
        // The same pair seen from the other side, for its reason's wording.
        let back = errors::compare(b, a).map_or_else(|| found.reason.clone(), |m| m.reason);
        let score = percent(found.score);
        Some(match swapped {
            false => (score, [found.reason, back]),
            true => (score, [back, found.reason]),
        })
    }

    /// For each pattern group, the groups with a similar signature, best first.
    fn similar_patterns(&self, groups: &[PatternGroup]) -> Vec<Vec<SimilarPattern>> {
        let mut group_of_text = vec![None; self.texts.len()];
        for (g, group) in groups.iter().enumerate() {
            if let Some(&text) = self.texts.get(&group.text) {
                group_of_text[text] = Some(g);
            }
        }
        let group_of = |s: usize| group_of_text[self.distinct[s].text_id];
        let mut best: HashMap<(usize, usize), Best> = HashMap::new();
        for (s, neighbours) in self.adjacent.iter().enumerate() {
            let Some(a) = group_of(s) else {
                continue;
            };
            for neighbour in neighbours {
                let Some(b) = group_of(neighbour.other) else {
                    continue;
                };
                let tie = (self.distinct[s].key, self.distinct[neighbour.other].key);
                keep_best(&mut best, (a, b), (neighbour.score, tie, &neighbour.reason));
            }
        }
        let mut similar: Vec<Vec<SimilarPattern>> = vec![Vec::new(); groups.len()];
        for ((a, b), (score, _, reason)) in best {
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

/// Each incident's place when all are sorted newest first (ties by index): the order of
/// similar incidents of one score.
fn newest_first(incidents: &[LoadedIncident]) -> Vec<usize> {
    let mut by_date: Vec<usize> = (0..incidents.len()).collect();
    by_date.sort_by_cached_key(|&i| (Reverse(incidents[i].incident.date.sort_key()), i));
    let mut rank = vec![0; incidents.len()];
    for (place, &i) in by_date.iter().enumerate() {
        rank[i] = place;
    }
    rank
}
