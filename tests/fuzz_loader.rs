//! The loader under mutation, on the stable toolchain: the example incidents and the test
//! fixtures, changed at random (bytes flipped, YAML punctuation and keywords put in, lines
//! deleted, duplicated or re-indented, pieces of other files spliced in), go through
//! `postmortem::load::fuzz::check_files`, the function the cargo-fuzz targets in `fuzz/`
//! call. Nothing may panic, and every diagnostic must point inside its file.
//!
//! `cargo test` runs a few hundred mutations; `POSTMORTEM_FUZZ_MUTATIONS=100000` runs more
//! and prints executions, findings and the slowest case. `POSTMORTEM_FUZZ_SEED` replays.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::mutate::{Rng, mutate};
use postmortem::load::fuzz::check_files;
use postmortem::load::{ParsedMemo, Settings, load_dir};

/// The seed inputs: every incident file of the examples and the fixtures.
fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<Vec<u8>> = walkdir::WalkDir::new(root.join("incidents"))
        .into_iter()
        .chain(walkdir::WalkDir::new(root.join("tests/fixtures")))
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml")
        })
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 10, "seed files found: {}", seeds.len());
    seeds
}

/// What YAML and the format make of a few bytes: punctuation, keywords, odd scalars.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "  ",
    "\t",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "|",
    ">-",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "?",
    "---\n",
    "...\n",
    "~",
    "null",
    "true",
    "1e309",
    "-0",
    "0x1F",
    "2025-02-30",
    "25:61",
    "~01:30",
    "\u{feff}",
    "\r\n",
    "\u{0}",
    "é",
    "🔥",
    "\\",
    "<script>",
    "](javascript:x)",
    "[a](",
    "```",
    "```mermaid\n",
    "severity: ",
    "status: ",
    "date: ",
    "tags: ",
    "timeline:\n  - ",
    "root_cause:\n  ",
    "errors:\n  - ",
    "links:\n  - url: ",
    "changes:\n  - file: ",
    "<<: *a\n",
];

#[test]
fn mutated_incidents_never_panic_and_point_inside_their_files() {
    let mutations: usize = std::env::var("POSTMORTEM_FUZZ_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("POSTMORTEM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x2545_f491_4f6c_dd1d);
    let seeds = seeds();
    let mut rng = Rng(seed);
    let (mut findings, mut diagnostics) = (Vec::new(), 0usize);
    let mut slowest = (Duration::ZERO, 0usize);
    let started = Instant::now();
    for case in 0..mutations {
        // Most cases are one file; every eighth a workspace of up to four.
        let count = if case % 8 == 7 { 2 + rng.below(3) } else { 1 };
        let files: Vec<(String, Vec<u8>)> = (0..count)
            .map(|n| {
                let mut input = seeds[rng.below(seeds.len())].clone();
                mutate(&mut rng, &mut input, &seeds, TOKENS);
                (format!("f{n}.yaml"), input)
            })
            .collect();
        let named: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let one = Instant::now();
        let outcome = std::panic::catch_unwind(|| check_files(&named));
        let took = one.elapsed();
        if took > slowest.0 {
            slowest = (took, case);
        }
        match outcome {
            Ok(Ok(found)) => diagnostics += found.len(),
            Ok(Err(broken)) => findings.push(format!("case {case}: {broken}")),
            Err(_) => findings.push(format!("case {case}: panicked")),
        }
        if findings.len() == 1 && findings[0].starts_with(&format!("case {case}:")) {
            let _ = std::fs::write(
                std::env::temp_dir().join("postmortem-fuzz-finding.yaml"),
                &files[0].1,
            );
        }
    }
    eprintln!(
        "{mutations} mutated inputs (seed {seed}) in {:.1}s: {} findings, {diagnostics} \
         diagnostics, slowest case {} took {:?}",
        started.elapsed().as_secs_f64(),
        findings.len(),
        slowest.1,
        slowest.0
    );
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// What a file parsed to is kept across runs (`load::ParsedMemo`), and reading it back must
/// give exactly what parsing gives, the places diagnostics point at included, whatever
/// shape the file has: the seeds and mutations of them that still parse are loaded without
/// the memo, through an empty one and through the one that run filled.
#[test]
fn mutated_incidents_load_the_same_when_their_parses_are_read_back() {
    let seeds = seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let dir = tempfile::tempdir().unwrap();
    for (i, seed) in seeds.iter().enumerate() {
        std::fs::write(dir.path().join(format!("s{i:03}.yaml")), seed).unwrap();
    }
    for i in 0..400 {
        let mut input = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &mut input, &seeds, TOKENS);
        std::fs::write(dir.path().join(format!("m{i:03}.yaml")), input).unwrap();
    }
    let settings = Settings::default();
    let display = |path: &Path| path.to_path_buf();
    let load = |memo: Option<&ParsedMemo>| {
        format!("{:#?}", load_dir(dir.path(), &settings, &display, memo))
    };
    let parsed = load(None);
    let filled = ParsedMemo::default();
    assert_eq!(load(Some(&filled)), parsed, "the run that fills the memo");
    let parts = filled
        .into_parts()
        .expect("files without a problem are kept");
    let kept = parts.len() / 2;
    assert!(
        kept >= 50,
        "only {kept} of {} files kept",
        seeds.len() + 400
    );
    let read_back = ParsedMemo::from_parts(parts);
    assert_eq!(
        load(Some(&read_back)),
        parsed,
        "the run that reads them back"
    );
    assert!(
        read_back.into_parts().is_none(),
        "every kept parse was read back and none was parsed again"
    );
}
