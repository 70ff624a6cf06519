//! Times what similar errors and similar causes add to a build and to a save under
//! `serve`: loads a workspace's incidents, then derives the error patterns with and without
//! the similarity links (`Knowledge::recurrence` against `patterns::group` alone), the
//! notes `check` and `serve` print, and what a save under `serve` pays with its memo (no
//! error or cause edited; a cause edited; an error edited). Used by `bench/similar.sh`.
//!
//! ```text
//! cargo run --release --example similar_bench -- target/bench/corpus-10000
//! ```
//!
//! Prints one line of `key=value` pairs: incidents, links of each kind (counted from both
//! ends), and the median seconds (of RUNS, default 5) of each measurement above; `SHOW=N`
//! also prints N similar pattern pairs.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use postmortem::knowledge::{self, Knowledge, SimilarKind, SimilarityMemo, patterns};
use postmortem::load::{self, LoadedIncident};
use postmortem::model::digest::Digest;

// The allocator `postmortem` itself uses, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: similar_bench WORKSPACE");
        return ExitCode::from(2);
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let display = |p: &Path| p.to_path_buf();
    let loaded = load::load_dir(
        &root.join("incidents"),
        &load::Settings::default(),
        &display,
        None,
    );
    if loaded.error_count() > 0 {
        eprintln!("{} has invalid incidents", root.display());
        return ExitCode::FAILURE;
    }
    let mut incidents = loaded.incidents;
    knowledge::sort_newest_first(&mut incidents);

    let median = |f: &dyn Fn()| {
        let mut times: Vec<f64> = (0..runs.max(1))
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let patterns_s = median(&|| {
        std::hint::black_box(patterns::group(&incidents));
    });
    let recurrence_s = median(&|| {
        std::hint::black_box(Knowledge::recurrence(&incidents));
    });
    let notes_s = median(&|| {
        std::hint::black_box(knowledge::recurrence_notes(&incidents, &|_| true));
    });
    // A save under `serve` keeps a memo: one that edits no error and no cause reuses both
    // halves; one that edits a cause (here, alternately, the newest incident's with and
    // without its first term) works out the causes again.
    let memo = RefCell::new(SimilarityMemo::default());
    Knowledge::recurrence_remembering(&incidents, &mut memo.borrow_mut());
    let unchanged_s = median(&|| {
        std::hint::black_box(Knowledge::recurrence_remembering(
            &incidents,
            &mut memo.borrow_mut(),
        ));
    });
    // Saves that alternate between the incidents as loaded and `edited`, each a change.
    let flip = Cell::new(false);
    let alternating = |edited: &[LoadedIncident]| {
        median(&|| {
            flip.set(!flip.get());
            let now = if flip.get() { edited } else { &incidents[..] };
            std::hint::black_box(Knowledge::recurrence_remembering(
                now,
                &mut memo.borrow_mut(),
            ));
        })
    };
    let mut edited = incidents.clone();
    let cause = &mut edited[0].signature.cause.terms;
    if !cause.is_empty() {
        cause.remove(0);
    }
    edited[0].key = Digest::of("an edited cause");
    let cause_edit_s = alternating(&edited);
    // An edited error: the newest incident's error signatures dropped.
    let mut edited = incidents.clone();
    edited[0].signature.errors.clear();
    edited[0].key = Digest::of("an edited error");
    let error_edit_s = alternating(&edited);
    let reworked = memo.borrow().worked_out;
    let causes_s = median(&|| {
        let causes: Vec<&_> = incidents.iter().map(|l| &l.signature.cause).collect();
        std::hint::black_box(knowledge::similar::causes::similar_causes(&causes));
    });
    let knowledge = Knowledge::recurrence(&incidents);
    let count = |kind: SimilarKind| {
        knowledge
            .similar
            .iter()
            .flatten()
            .filter(|l| l.kind == kind)
            .count()
    };
    let similar_patterns: usize = knowledge.patterns.iter().map(|g| g.similar.len()).sum();
    println!(
        "incidents={} patterns={} error_links={} cause_links={} \
         similar_pattern_pairs={} patterns_s={patterns_s:.3} with_similarity_s={recurrence_s:.3} \
         similarity_adds_s={:.3} notes_s={notes_s:.3} \
         save_unchanged_s={unchanged_s:.3} save_cause_edit_s={cause_edit_s:.3} save_error_edit_s={error_edit_s:.3} \
         causes_s={causes_s:.3} \
         memo_worked_out={reworked:?}",
        incidents.len(),
        knowledge.patterns.len(),
        count(SimilarKind::SimilarError),
        count(SimilarKind::SimilarCause),
        similar_patterns / 2,
        recurrence_s - patterns_s,
    );
    // SHOW=N prints N of the similar pattern pairs, to judge what was linked.
    let show: usize = std::env::var("SHOW")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let pairs = knowledge
        .patterns
        .iter()
        .flat_map(|group| group.similar.iter().map(move |s| (group, s)));
    for (group, similar) in pairs.take(show) {
        let other = &knowledge.patterns[similar.group].text;
        println!(
            "{}\n  {other}\n  {} {}",
            group.text, similar.score, similar.reason
        );
    }
    ExitCode::SUCCESS
}
