//! Similar causes: incidents whose root causes describe one mechanism.
//!
//! Two causes that describe one mechanism of the table (`model::signature::mechanisms`)
//! are similar, whatever their words; two that each describe mechanisms, none shared, are
//! not. Otherwise words decide: each incident's cause terms (`model::signature::cause`) are
//! weighed by TF-IDF over all incidents (a term most causes use says little), and two
//! causes are similar when the cosine of their weights is at least [`THRESHOLD`] and they
//! share at least [`MIN_SHARED`] terms. Only pairs that share one of each side's rarer terms
//! or a mechanism are compared (a term in more than `MAX_POSTING` (64) causes does not propose
//! pairs, though it still counts in the cosine), which keeps the work near linear in the
//! number of incidents.
//!
//! Words alone cannot tell every mechanism from its neighbour: "a leak grew memory until
//! the pods were OOMKilled" and "one export loaded every row into memory until the pod was
//! OOMKilled" share their nouns. The labelled pairs of
//! `tests/fixtures/similarity/causes.toml` are written to share vocabulary across
//! mechanisms; `tests/similarity.rs` prints precision and recall on them.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::signature::{CauseSignature, CauseTerm};

/// The least cosine of similar causes.
pub const THRESHOLD: f64 = 0.3;
/// The least cosine of similar causes when only one of them names a mechanism.
pub const ONE_SIDED_THRESHOLD: f64 = 0.45;
/// The least score of causes that share a mechanism, whatever their words.
const MECHANISM_SCORE: f64 = 0.6;
/// The least number of shared terms of similar causes.
pub const MIN_SHARED: usize = 3;
/// Terms in more causes than this propose no pairs.
const MAX_POSTING: usize = 64;
/// Mechanisms described by more causes than this propose no pairs (their causes still
/// link when a rare term proposes them).
const MAX_MECHANISM_POSTING: usize = 64;
/// How many of a cause's rarest terms propose pairs.
const PROPOSING_TERMS: usize = 12;

/// Two similar causes.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseMatch {
    /// Indices of the two causes given, the smaller first.
    pub pair: (usize, usize),
    /// The cosine of their weights.
    pub score: f64,
    /// The shared terms that weigh most, as first written on the first side.
    pub terms: Vec<String>,
    /// The mechanisms both describe.
    pub mechanisms: Vec<&'static str>,
}

/// One cause as weights: term numbers, sorted, with weights of length one in all.
struct Vector {
    terms: Vec<(u32, f64)>,
}

/// Every pair of similar causes among `causes` (one per incident).
pub fn similar_causes(causes: &[&CauseSignature]) -> Vec<CauseMatch> {
    let mut numbers: HashMap<&str, u32> = HashMap::new();
    let mut frequency: Vec<u32> = Vec::new();
    let mut stems: Vec<&str> = Vec::new();
    // Each cause's terms as (number, count), in the causes' order of terms: numbered in
    // the same pass that counts them, so that each stem is looked up once.
    let numbered: Vec<Vec<(u32, u32)>> = causes
        .iter()
        .map(|cause| {
            let terms = cause.terms.iter().map(|term| {
                let n = *numbers.entry(&term.stem).or_insert_with(|| {
                    frequency.push(0);
                    stems.push(&term.stem);
                    (frequency.len() - 1) as u32
                });
                frequency[n as usize] += 1;
                (n, term.count)
            });
            terms.collect()
        })
        .collect();
    let total = causes.len() as f64;
    let idf: Vec<f64> = frequency
        .iter()
        .map(|&df| ((total + 1.0) / (df as f64 + 1.0)).ln() + 1.0)
        .collect();
    let vectors: Vec<Vector> = numbered.iter().map(|terms| vector(terms, &idf)).collect();
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); frequency.len()];
    for (i, vector) in vectors.iter().enumerate() {
        for &(term, _) in proposing(vector, &frequency, &stems) {
            postings[term as usize].push(i as u32);
        }
    }
    let mut described: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, cause) in causes.iter().enumerate() {
        for mechanism in &cause.mechanisms {
            described.entry(mechanism).or_default().push(i as u32);
        }
    }
    postings.extend(
        described
            .into_values()
            .filter(|list| list.len() <= MAX_MECHANISM_POSTING),
    );
    let mut pairs: Vec<(u32, u32)> = postings
        .iter()
        .flat_map(|list| {
            list.iter()
                .enumerate()
                .flat_map(move |(k, &i)| list[k + 1..].iter().map(move |&j| (i, j)))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .into_par_iter()
        .filter_map(|(i, j)| {
            let (i, j) = (i as usize, j as usize);
            let (cosine, shared) = cosine(&vectors[i], &vectors[j]);
            let (a, b) = (&causes[i].mechanisms, &causes[j].mechanisms);
            let mechanisms: Vec<&'static str> =
                a.iter().filter(|m| b.contains(m)).copied().collect();
            let score = similar(cosine, shared.len(), &mechanisms, a, b)?;
            Some(CauseMatch {
                pair: (i, j),
                score,
                terms: shown_terms(&causes[i].terms, &shared, &stems),
                mechanisms,
            })
        })
        .collect()
}

/// The score of two causes whose weights have `cosine` over `shared` terms and which
/// describe the mechanisms `a` and `b` (`both` of them in common), if they are similar:
/// a shared mechanism links them whatever their words; two causes that each describe
/// mechanisms, none shared, are not linked by words either; otherwise the words must
/// reach [`THRESHOLD`] ([`ONE_SIDED_THRESHOLD`] when one names a mechanism) over
/// [`MIN_SHARED`] terms.
fn similar(cosine: f64, shared: usize, both: &[&str], a: &[&str], b: &[&str]) -> Option<f64> {
    if !both.is_empty() {
        return Some((MECHANISM_SCORE + (1.0 - MECHANISM_SCORE) * cosine).min(1.0));
    }
    let threshold = match (a.is_empty(), b.is_empty()) {
        (true, true) => THRESHOLD,
        // One names a mechanism the other does not: the words must agree more.
        (true, false) | (false, true) => ONE_SIDED_THRESHOLD,
        (false, false) => return None,
    };
    (cosine >= threshold && shared >= MIN_SHARED).then_some(cosine)
}

/// The weights of a cause's numbered terms (in its order of terms, so that the length
/// is summed in an order that does not depend on the numbering).
fn vector(terms: &[(u32, u32)], idf: &[f64]) -> Vector {
    let mut terms: Vec<(u32, f64)> = terms
        .iter()
        .map(|&(n, count)| (n, (1.0 + f64::from(count).ln()) * idf[n as usize]))
        .collect();
    let length = terms.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if length > 0.0 {
        terms.iter_mut().for_each(|(_, w)| *w /= length);
    }
    terms.sort_by_key(|&(n, _)| n);
    Vector { terms }
}

/// The rarest terms of `vector` that are in at least two causes and at most
/// [`MAX_POSTING`] (ties by stem, so the order of the incidents does not matter).
fn proposing<'a>(vector: &'a Vector, frequency: &[u32], stems: &[&str]) -> Vec<&'a (u32, f64)> {
    let mut terms: Vec<&(u32, f64)> = vector
        .terms
        .iter()
        .filter(|(n, _)| (2..=MAX_POSTING as u32).contains(&frequency[*n as usize]))
        .collect();
    terms.sort_by_key(|(n, _)| (frequency[*n as usize], stems[*n as usize]));
    terms.truncate(PROPOSING_TERMS);
    terms
}

/// The cosine of two vectors and their shared terms with the product of their weights.
fn cosine(a: &Vector, b: &Vector) -> (f64, Vec<(u32, f64)>) {
    let (mut i, mut j) = (0, 0);
    let mut shared = Vec::new();
    let mut sum = 0.0;
    while i < a.terms.len() && j < b.terms.len() {
        let ((x, wx), (y, wy)) = (a.terms[i], b.terms[j]);
        match x.cmp(&y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += wx * wy;
                shared.push((x, wx * wy));
                i += 1;
                j += 1;
            }
        }
    }
    (sum, shared)
}

/// The four shared terms that weigh most, as `cause` writes them.
fn shown_terms(cause: &[CauseTerm], shared: &[(u32, f64)], stems: &[&str]) -> Vec<String> {
    let mut shared = shared.to_vec();
    let stem = |n: u32| stems[n as usize];
    shared.sort_by(|a, b| b.1.total_cmp(&a.1).then(stem(a.0).cmp(stem(b.0))));
    shared
        .iter()
        .take(4)
        .filter_map(|&(n, _)| {
            let at = cause
                .binary_search_by(|t| t.stem.as_str().cmp(stem(n)))
                .ok()?;
            Some(cause[at].word.clone())
        })
        .collect()
}
