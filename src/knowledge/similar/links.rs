//! Similar errors between incidents, from the similar pairs of their signatures.
//!
//! Each signature gathers the incidents of its similar signatures once (its candidates),
//! and each incident picks its links from its signatures' candidates. Between saves the
//! candidates of a signature are kept while its pairs, the incidents of its neighbours and
//! the incidents' order are unchanged, and an incident's links while its signatures'
//! candidates are kept and no edited incident shares a pattern with it; so a save that
//! edits one error reworks the few lists it can change. Every tie is broken by content
//! (signature digests, dates), so kept and fresh lists are the same.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::{MAX_SIMILAR, SimilarKind, SimilarLink};
use crate::model::digest::Digest;

/// A similar signature, as seen from one side: the score in percent and the reason as
/// worded from this side (`callable written as `A` vs `B`` from the side that wrote `A`).
#[derive(Debug, Clone)]
pub(super) struct Neighbour {
    pub(super) other: usize,
    pub(super) score: u8,
    pub(super) reason: Arc<str>,
}

/// The similar signatures of each signature, and each signature's digest (its identity,
/// and how ties between signatures are broken).
pub(super) type Signatures<'a> = (&'a [Vec<Neighbour>], &'a [Digest]);

/// A score, what breaks ties between equal scores (the least pair of signature digests
/// wins) and its reason.
pub(super) type Best<'r> = (u8, (Digest, Digest), &'r str);

/// Keeps under `key` the best score, and of equal scores the least tie, so that the order
/// in which they come does not matter.
pub(super) fn keep_best<'r, K: std::hash::Hash + Eq>(
    best: &mut HashMap<K, Best<'r>>,
    key: K,
    found: Best<'r>,
) {
    match best.entry(key) {
        Entry::Vacant(slot) => {
            slot.insert(found);
        }
        Entry::Occupied(mut slot) => {
            let kept = slot.get();
            if (found.0, Reverse(found.1)) > (kept.0, Reverse(kept.1)) {
                slot.insert(found);
            }
        }
    }
}

/// Where the signatures of one call are.
#[derive(Debug)]
pub(super) struct Filed {
    /// Each incident's signatures.
    pub(super) of_incident: Vec<Vec<usize>>,
    /// Each signature's incidents (newest first once [`link_incidents`] sorted them).
    pub(super) members: Vec<Vec<usize>>,
    /// Each incident's pattern texts, as numbers, sorted.
    pub(super) texts: Vec<Vec<usize>>,
}

/// What one call linked, for the next to keep what did not change.
#[derive(Debug)]
pub(super) struct Kept {
    filed: Filed,
    rank: Vec<usize>,
    candidates: Vec<Vec<Candidate>>,
}

/// An incident a signature's incidents may link to.
#[derive(Debug, Clone)]
struct Candidate {
    score: u8,
    incident: usize,
    /// The digest of the similar signature it came through.
    through: Digest,
    reason: Arc<str>,
}

/// The similar errors of every incident (in the order of `filed`), given which signatures'
/// pairs `changed` since the call that left `kept` and returned `previous`, and each
/// incident's place newest first (`rank`).
pub(super) fn link_incidents(
    (adjacent, keys): Signatures<'_>,
    mut filed: Filed,
    changed: &[bool],
    rank: Vec<usize>,
    kept: Option<Kept>,
    previous: Option<Vec<Vec<SimilarLink>>>,
) -> (Vec<Vec<SimilarLink>>, Kept) {
    for list in &mut filed.members {
        list.sort_unstable_by_key(|&i| rank[i]);
    }
    let usable = kept.zip(previous).filter(|(kept, previous)| {
        kept.rank == rank && previous.len() == rank.len() && kept.filed.texts.len() == rank.len()
    });
    // Without what the last call kept, every list is stale.
    let (kept, mut links) = match usable {
        Some((kept, links)) => (Some(kept), links),
        None => (None, vec![Vec::new(); rank.len()]),
    };
    let last = kept.as_ref().map(|kept| &kept.filed);
    let signatures = adjacent.len();
    // A signature's candidates change with its pairs and its neighbours' incidents.
    let members_changed: Vec<bool> = (0..signatures)
        .map(|s| last.is_none_or(|last| last.members.get(s) != Some(&filed.members[s])))
        .collect();
    let stale: Vec<bool> = (0..signatures)
        .map(|s| {
            last.is_none() || changed[s] || adjacent[s].iter().any(|n| members_changed[n.other])
        })
        .collect();
    // An incident's links change with its signatures' candidates, and with the patterns
    // of an edited incident it shares one with (now or before).
    let edited: Vec<bool> = (0..rank.len())
        .map(|i| last.is_none_or(|last| last.of_incident[i] != filed.of_incident[i]))
        .collect();
    let touched: HashSet<usize> = match last {
        Some(last) => (0..rank.len())
            .filter(|&i| edited[i])
            .flat_map(|i| last.texts[i].iter().chain(&filed.texts[i]))
            .copied()
            .collect(),
        None => HashSet::new(),
    };
    let linking = Linking {
        adjacent,
        keys,
        filed: &filed,
        rank: &rank,
    };
    let mut candidates = kept.map(|kept| kept.candidates).unwrap_or_default();
    candidates.resize(signatures, Vec::new());
    candidates
        .par_iter_mut()
        .enumerate()
        .filter(|(s, _)| stale[*s])
        .for_each(|(s, list)| *list = linking.candidates_of(s));
    links.par_iter_mut().enumerate().for_each(|(i, list)| {
        let relinked = edited[i]
            || filed.of_incident[i].iter().any(|&s| stale[s])
            || filed.texts[i].iter().any(|t| touched.contains(t));
        if relinked {
            *list = linking.links_of(i, &candidates);
        }
    });
    let kept = Kept {
        filed,
        rank,
        candidates,
    };
    (links, kept)
}

/// What one call links with.
struct Linking<'a> {
    adjacent: &'a [Vec<Neighbour>],
    keys: &'a [Digest],
    filed: &'a Filed,
    rank: &'a [usize],
}

impl Linking<'_> {
    /// The incidents of signature `own`'s similar signatures that an incident of it keeps:
    /// best score first, then newest, each incident once; up to twice [`MAX_SIMILAR`], so
    /// that an incident which is itself among them, or shares a pattern with them through
    /// another of its errors, still finds enough. Worked out once per signature, not per
    /// incident: the incidents of one signature share it.
    fn candidates_of(&self, own: usize) -> Vec<Candidate> {
        let keep = 2 * MAX_SIMILAR;
        let members = &self.filed.members;
        let key = |s: usize| self.keys[s];
        let mut neighbours: Vec<_> = self.adjacent[own].iter().collect();
        neighbours.sort_unstable_by_key(|n| (Reverse(n.score), key(n.other)));
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        // The neighbours of one score at a time: their member lists, each newest first,
        // merged until enough are found (a heap of each list's next incident, so that
        // neighbours of thousands of incidents cost only what is taken from them).
        for run in neighbours.chunk_by(|a, b| a.score == b.score) {
            let mut next: BinaryHeap<Reverse<(usize, usize, usize)>> = BinaryHeap::new();
            for (n, neighbour) in run.iter().enumerate() {
                if let Some(&j) = members[neighbour.other].first() {
                    next.push(Reverse((self.rank[j], n, 0)));
                }
            }
            while found.len() < keep
                && let Some(Reverse((_, n, at))) = next.pop()
            {
                let list = &members[run[n].other];
                if seen.insert(list[at]) {
                    found.push(Candidate {
                        score: run[n].score,
                        incident: list[at],
                        through: key(run[n].other),
                        reason: Arc::clone(&run[n].reason),
                    });
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
    fn links_of(&self, i: usize, candidates: &[Vec<Candidate>]) -> Vec<SimilarLink> {
        let mut best: HashMap<usize, Best> = HashMap::new();
        for &own in &self.filed.of_incident[i] {
            let qualifying = candidates[own]
                .iter()
                .filter(|c| c.incident != i && !self.share_pattern(i, c.incident));
            for found in qualifying {
                let tie = (self.keys[own], found.through);
                keep_best(&mut best, found.incident, (found.score, tie, &found.reason));
            }
        }
        let mut best: Vec<(usize, Best)> = best.into_iter().collect();
        best.sort_unstable_by_key(|&(j, (score, _, _))| (Reverse(score), self.rank[j]));
        best.truncate(MAX_SIMILAR);
        best.into_iter()
            .map(|(incident, (score, _, reason))| SimilarLink {
                incident,
                kind: SimilarKind::SimilarError,
                score,
                reason: reason.to_owned(),
            })
            .collect()
    }

    /// Whether incidents `i` and `j` have an error pattern in common.
    fn share_pattern(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.filed.texts[i], &self.filed.texts[j]);
        a.iter().any(|t| b.binary_search(t).is_ok())
    }
}
