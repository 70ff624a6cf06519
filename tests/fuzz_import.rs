//! The Markdown importer under mutation, on the stable toolchain: the import fixtures,
//! changed at random (Markdown punctuation, headings, tables, fences, metadata lines and
//! odd characters put in, lines deleted, duplicated or re-indented, pieces of other
//! documents spliced in), go through `postmortem::import::fuzz::import_bytes`, the function
//! the cargo-fuzz target `fuzz/fuzz_targets/import_markdown.rs` calls. Nothing may panic,
//! the incident file written must load without an error, and no line's words may be lost.
//!
//! `cargo test` runs a couple of hundred mutations; `POSTMORTEM_FUZZ_MUTATIONS=20000` runs
//! more and prints executions, findings and the slowest case. `POSTMORTEM_FUZZ_SEED`
//! replays.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::mutate::{Rng, mutate};
use postmortem::import::fuzz::import_bytes;

/// The seed inputs: every Markdown fixture of the importer.
fn seeds() -> Vec<Vec<u8>> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(folder)
        .expect("fixtures")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "seed documents found: {}", seeds.len());
    seeds
}

/// What Markdown and write-ups make of a few bytes.
const TOKENS: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "#### ",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "---\n",
    "***\n",
    "===\n",
    "- ",
    "* ",
    "1. ",
    "- [ ] ",
    "- [x] ",
    "> ",
    "| ",
    " | ",
    "|---|---|\n",
    "| a | b |\n",
    "```",
    "```yaml\n",
    "~~~",
    "<!-- ",
    " -->",
    "<details>",
    "</details>",
    "<br>",
    "[",
    "]",
    "(",
    ")",
    "[^1]",
    "[^1]: ",
    "[x]: http://a\n",
    "![a](b.png)",
    "](javascript:x)",
    "**",
    "__",
    "_",
    "`",
    "\\",
    "&amp;",
    "---\ntitle: x\n---\n",
    "Date: ",
    "Severity: ",
    "Status: ",
    "Owner: ",
    "Impact: ",
    "Root cause: ",
    "Timeline",
    "Action items",
    "2025-02-30",
    "2025-07-12 09:30",
    "25:61",
    "10:15 UTC",
    "yesterday",
    "SEV1",
    "P0",
    "\u{feff}",
    "\r\n",
    "\u{0}",
    "é",
    "🔥",
    "<script>",
    "'",
    "\"",
    ":",
    "{{",
    "%",
];

#[test]
fn mutated_write_ups_import_to_files_that_load_and_lose_nothing() {
    let mutations: usize = std::env::var("POSTMORTEM_FUZZ_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("POSTMORTEM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let seeds = seeds();
    let mut rng = Rng(seed);
    let mut findings = Vec::new();
    let mut slowest = (Duration::ZERO, 0usize);
    let started = Instant::now();
    for case in 0..mutations {
        let mut input = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &mut input, &seeds, TOKENS);
        let one = Instant::now();
        let outcome = std::panic::catch_unwind(|| import_bytes(&input));
        let took = one.elapsed();
        if took > slowest.0 {
            slowest = (took, case);
        }
        let finding = match outcome {
            Ok(Ok(_)) => continue,
            Ok(Err(broken)) => format!("case {case}: {broken}"),
            Err(_) => format!("case {case}: panicked"),
        };
        if findings.is_empty() {
            let _ = std::fs::write(
                std::env::temp_dir().join("postmortem-fuzz-finding.md"),
                &input,
            );
        }
        findings.push(finding);
    }
    eprintln!(
        "{mutations} mutated documents (seed {seed}) in {:.1}s: {} findings, slowest case {} \
         took {:?}",
        started.elapsed().as_secs_f64(),
        findings.len(),
        slowest.1,
        slowest.0
    );
    assert!(findings.is_empty(), "{}", findings.join("\n\n"));
}
