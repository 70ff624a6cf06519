//! Similar incidents remembered between saves under `serve`.
//!
//! Linking compares every incident with the others, so a save would pay for all of them
//! again although most saves change no error and no cause (a title, a timeline entry, an
//! action item). The memo keeps the two halves of the work, similar errors and similar
//! causes, each under a digest of everything it reads: the errors half reads each
//! incident's patterns, error signatures and date (and the pattern groups' order), the
//! causes half each incident's cause terms, both in the incidents' order. A half is worked
//! out again exactly when its digest changes, so what a save derives is what a fresh build
//! derives. The errors half also keeps its distinct signatures, their similar pairs and
//! lists (`pairs::SignaturePairs`), so that a save which edits one error compares only its
//! new signatures and reworks only the lists they change.

use std::collections::HashMap;

use super::causes::CauseMatch;
use super::pairs::{SignaturePairs, signature_digests};
use super::{ErrorLinks, Similarity, cause_matches};
use crate::knowledge::PatternGroup;
use crate::load::LoadedIncident;
use crate::model::digest::{Digest, Digester};

/// What the last linking worked out, under the digests of its inputs.
#[derive(Debug, Default)]
pub struct SimilarityMemo {
    /// The digests of what each half reads of one incident, by the incident's key (which
    /// changes whenever anything derived from the incident's file may), so that only
    /// edited incidents are digested again.
    inputs: HashMap<Digest, Inputs>,
    errors: Option<(Digest, ErrorLinks)>,
    /// The distinct error signatures, their similar pairs and what the last linking kept,
    /// so that the errors half reworks only what a save changed.
    pairs: SignaturePairs,
    causes: Option<(Digest, Vec<CauseMatch>)>,
    /// Both halves merged, under both digests.
    merged: Option<((Digest, Digest), Similarity)>,
    /// How many times each half (errors, causes) was worked out rather than remembered.
    pub worked_out: (usize, usize),
}

/// What the errors half and the causes half read of one incident, digested.
#[derive(Debug, Clone)]
struct Inputs {
    errors: Digest,
    cause: Digest,
    /// Each error's digest of its pattern text and signature.
    signatures: Vec<Digest>,
}

impl Inputs {
    fn of(loaded: &LoadedIncident) -> Self {
        let signatures = signature_digests(loaded);
        Self {
            errors: Digester::new()
                .hashed(&signatures)
                .hashed(&loaded.incident.date.sort_key())
                .finish(),
            cause: Digester::new().hashed(&loaded.signature.cause).finish(),
            signatures,
        }
    }
}

impl SimilarityMemo {
    /// The similarity of `incidents` (whose pattern groups are `groups`): each half
    /// remembered if its inputs are those of the last call, else worked out and remembered.
    pub(super) fn recall(
        &mut self,
        incidents: &[LoadedIncident],
        groups: &[PatternGroup],
    ) -> &Similarity {
        let mut inputs = HashMap::with_capacity(incidents.len());
        let (mut errors, mut causes) = (Digester::new(), Digester::new());
        for loaded in incidents {
            let own = match self.inputs.remove(&loaded.key) {
                Some(known) => known,
                None => Inputs::of(loaded),
            };
            errors.digest(own.errors);
            causes.digest(own.cause);
            inputs.insert(loaded.key, own);
        }
        self.inputs = inputs;
        for group in groups {
            errors.text(&group.text);
        }
        let digests = (errors.finish(), causes.finish());
        let errors = match self.errors.take() {
            Some((known, links)) if known == digests.0 => self.errors.insert((known, links)),
            previous => {
                self.worked_out.0 += 1;
                let signatures: Vec<&[Digest]> = incidents
                    .iter()
                    .map(|l| {
                        self.inputs
                            .get(&l.key)
                            .map_or(&[][..], |k| &k.signatures[..])
                    })
                    .collect();
                let previous = previous.map(|(_, links)| links);
                let links = self.pairs.links(incidents, groups, &signatures, previous);
                self.errors.insert((digests.0, links))
            }
        };
        let errors = &errors.1;
        let causes = remembered(&mut self.causes, digests.1, &mut self.worked_out.1, || {
            cause_matches(incidents)
        });
        remembered(&mut self.merged, digests, &mut 0, || {
            Similarity::merge(incidents, errors, causes)
        })
    }
}

/// What `slot` holds if it was worked out under `key`, else `work()` (counted in
/// `worked_out`), kept there under `key`.
fn remembered<'a, K: PartialEq, T>(
    slot: &'a mut Option<(K, T)>,
    key: K,
    worked_out: &mut usize,
    work: impl FnOnce() -> T,
) -> &'a T {
    match slot.take() {
        Some((known, value)) if known == key => &slot.insert((known, value)).1,
        _ => {
            *worked_out += 1;
            &slot.insert((key, work())).1
        }
    }
}
