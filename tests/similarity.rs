//! Precision and recall of similar errors and similar causes on labelled pairs written for
//! this project (`tests/fixtures/similarity/`): real-world error lines and root-cause
//! paragraphs of many languages and systems, each pair labelled same or different failure.
//!
//! A pair of errors counts as found when the two share their pattern or are similar; a
//! pair of causes when they are similar among all causes of the file (the terms' weights
//! depend on the whole collection, as in a workspace).

use postmortem::knowledge::similar::causes::similar_causes;
use postmortem::knowledge::similar::errors::compare;
use postmortem::model::signature::{CauseSignature, ErrorSignature};
use postmortem::model::{ErrorDetails, RootCause, pattern_of};
use serde::Deserialize;

#[derive(Deserialize)]
struct Pairs<T> {
    pair: Vec<Pair<T>>,
}

#[derive(Deserialize)]
struct Pair<T> {
    label: String,
    why: String,
    a: T,
    b: T,
}

/// Precision and recall of `found` against the labels, with the misjudged pairs printed
/// (`describe` says what each side was taken as).
fn measure<T>(
    name: &str,
    pairs: &[Pair<T>],
    found: &[bool],
    describe: &dyn Fn(&Pair<T>) -> String,
) -> (f64, f64) {
    let (mut true_pos, mut false_pos, mut false_neg) = (0, 0, 0);
    for (pair, &found) in pairs.iter().zip(found) {
        let same = match pair.label.as_str() {
            "same" => true,
            "different" => false,
            other => panic!("label {other:?}"),
        };
        match (same, found) {
            (true, true) => true_pos += 1,
            (false, true) => {
                false_pos += 1;
                println!("{name}: wrong link: {}\n  {}", pair.why, describe(pair));
            }
            (true, false) => {
                false_neg += 1;
                println!("{name}: missed: {}\n  {}", pair.why, describe(pair));
            }
            (false, false) => {}
        }
    }
    let precision = f64::from(true_pos) / f64::from((true_pos + false_pos).max(1));
    let recall = f64::from(true_pos) / f64::from((true_pos + false_neg).max(1));
    println!(
        "{name}: {} pairs, precision {precision:.3}, recall {recall:.3} \
         ({true_pos} found, {false_pos} wrong, {false_neg} missed)",
        pairs.len()
    );
    (precision, recall)
}

fn read<T: serde::de::DeserializeOwned>(file: &str) -> Vec<Pair<T>> {
    let path = format!(
        "{}/tests/fixtures/similarity/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture");
    toml::from_str::<Pairs<T>>(&text)
        .expect("valid fixture")
        .pair
}

/// Similarity decides the pairs whose patterns differ; pairs of one pattern were linked
/// before it and stay so. Both are measured, only the first is held to the bar.
#[test]
fn similar_errors_are_precise_and_find_most_rewordings() {
    let all: Vec<Pair<ErrorDetails>> = read("errors.toml");
    let (same_pattern, pairs): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|p| pattern_of(&p.a) == pattern_of(&p.b));
    assert!(
        pairs.len() >= 80,
        "at least 80 labelled pairs of different patterns"
    );
    let describe = |p: &Pair<ErrorDetails>| {
        let (a, b) = (ErrorSignature::of(&p.a), ErrorSignature::of(&p.b));
        format!("{:?}\n  {:?}\n  {:?}", a.links, b.links, compare(&a, &b))
    };
    measure(
        "errors of one pattern",
        &same_pattern,
        &vec![true; same_pattern.len()],
        &describe,
    );
    let found: Vec<bool> = pairs
        .iter()
        .map(|p| compare(&ErrorSignature::of(&p.a), &ErrorSignature::of(&p.b)).is_some())
        .collect();
    let (precision, recall) = measure("similar errors", &pairs, &found, &describe);
    assert!(precision >= 0.95, "precision {precision:.3} < 0.95");
    assert!(recall >= 0.8, "recall {recall:.3} < 0.8");
}

#[test]
fn similar_causes_are_precise_and_find_most_rewordings() {
    let pairs: Vec<Pair<RootCause>> = read("causes.toml");
    assert!(pairs.len() >= 20, "at least 20 labelled pairs");
    let signatures: Vec<_> = pairs
        .iter()
        .flat_map(|p| [CauseSignature::of(&p.a), CauseSignature::of(&p.b)])
        .collect();
    let causes: Vec<&_> = signatures.iter().collect();
    let linked = similar_causes(&causes);
    let found: Vec<bool> = (0..pairs.len())
        .map(|k| linked.iter().any(|m| m.pair == (2 * k, 2 * k + 1)))
        .collect();
    for m in &linked {
        if m.pair.1 != m.pair.0 + 1 || m.pair.0 % 2 == 1 {
            println!(
                "causes: linked across pairs: {:?} {:?} {:?}",
                m.pair, m.mechanisms, m.terms
            );
        }
    }
    let describe = |p: &Pair<RootCause>| {
        let words = |c: &RootCause| {
            let signature = CauseSignature::of(c);
            let stems: Vec<String> = signature.terms.into_iter().map(|t| t.stem).collect();
            (signature.mechanisms, stems)
        };
        format!("{:?}\n  {:?}", words(&p.a), words(&p.b))
    };
    let (precision, recall) = measure("causes", &pairs, &found, &describe);
    assert!(precision >= 0.95, "precision {precision:.3} < 0.95");
    assert!(recall >= 0.8, "recall {recall:.3} < 0.8");
}
