//! How long syntect (postmortem's highlighter, with the same two-face grammars) and
//! tree-sitter-highlight take per line of the code blocks of a corpus, language by language.
//!
//! Highlighting is most of a clean build (README, "Where our time goes"); this measures the
//! next step before anyone takes it. Not part of postmortem's build: its own crate, so the
//! tree-sitter grammars (C, compiled by cc) never reach postmortem's dependencies.
//!
//!     cargo run --release --example corpus -- --count 1000 --out target/bench/corpus-1000
//!     cargo run --release --manifest-path bench/highlighters/Cargo.toml -- \
//!         target/bench/corpus-1000/incidents
//!
//! Both sides parse the same blocks in one process, one after the other, so the ratio holds
//! under whatever else the machine runs. syntect's count is of scope operations, tree-sitter's
//! of highlighted spans: the stock tree-sitter queries mark fewer, coarser spans.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

/// The highlight names tree-sitter's queries are mapped to.
const NAMES: &[&str] = &[
    "attribute",
    "comment",
    "constant",
    "constructor",
    "function",
    "keyword",
    "number",
    "operator",
    "property",
    "punctuation",
    "string",
    "type",
    "variable",
    "escape",
    "label",
    "module",
];

fn main() -> Result<(), String> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: highlighter-bench <incidents folder>")?;
    let blocks = code_blocks(Path::new(&dir))?;
    let syntaxes = two_face::syntax::extra_newlines();
    // One row per language: name, grammar, its stock highlight query.
    #[rustfmt::skip]
    let grammars: Vec<(&str, tree_sitter::Language, &str)> = vec![
        ("python", tree_sitter_python::LANGUAGE.into(), tree_sitter_python::HIGHLIGHTS_QUERY),
        ("typescript", tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(), tree_sitter_typescript::HIGHLIGHTS_QUERY),
        ("rust", tree_sitter_rust::LANGUAGE.into(), tree_sitter_rust::HIGHLIGHTS_QUERY),
        ("java", tree_sitter_java::LANGUAGE.into(), tree_sitter_java::HIGHLIGHTS_QUERY),
        ("go", tree_sitter_go::LANGUAGE.into(), tree_sitter_go::HIGHLIGHTS_QUERY),
    ];
    println!(
        "| language | blocks | lines | syntect µs/line | tree-sitter µs/line | syntect ops | tree-sitter spans |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, language, query) in grammars {
        let Some(codes) = blocks.get(name) else {
            continue;
        };
        let lines: usize = codes.iter().map(|c| c.lines().count()).sum();
        let (syntect_time, ops) = with_syntect(&syntaxes, name, codes)?;
        let (tree_sitter_time, spans) = with_tree_sitter(language, name, query, codes)?;
        let per_line = |secs: f64| secs * 1e6 / lines as f64;
        println!(
            "| {name} | {} | {lines} | {:.1} | {:.1} | {ops} | {spans} |",
            codes.len(),
            per_line(syntect_time),
            per_line(tree_sitter_time)
        );
    }
    Ok(())
}

/// The `before` and `after` code of every change, by language.
fn code_blocks(dir: &Path) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut blocks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let incident: serde_json::Value =
            serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for change in incident["changes"].as_array().into_iter().flatten() {
            let Some(language) = change["language"].as_str() else {
                continue;
            };
            for side in ["before", "after"] {
                if let Some(code) = change[side].as_str() {
                    blocks.entry(language.into()).or_default().push(code.into());
                }
            }
        }
    }
    Ok(blocks)
}

/// Seconds syntect takes to parse every line of `codes`, and the scope operations it made.
fn with_syntect(
    syntaxes: &SyntaxSet,
    name: &str,
    codes: &[String],
) -> Result<(f64, usize), String> {
    let syntax = syntaxes
        .find_syntax_by_token(name)
        .ok_or(format!("syntect has no {name}"))?;
    let start = Instant::now();
    let mut ops = 0;
    for code in codes {
        let mut state = ParseState::new(syntax);
        let mut scopes = ScopeStack::new();
        for line in syntect::util::LinesWithEndings::from(code) {
            for (_, op) in state
                .parse_line(line, syntaxes)
                .map_err(|e| e.to_string())?
            {
                scopes.apply(&op).map_err(|e| e.to_string())?;
                ops += 1;
            }
        }
    }
    Ok((start.elapsed().as_secs_f64(), ops))
}

/// Seconds tree-sitter-highlight takes over `codes`, and the spans it highlighted.
fn with_tree_sitter(
    language: tree_sitter::Language,
    name: &str,
    query: &str,
    codes: &[String],
) -> Result<(f64, usize), String> {
    let mut config =
        HighlightConfiguration::new(language, name, query, "", "").map_err(|e| e.to_string())?;
    config.configure(NAMES);
    let mut highlighter = Highlighter::new();
    let start = Instant::now();
    let mut spans = 0;
    for code in codes {
        let events = highlighter
            .highlight(&config, code.as_bytes(), None, |_| None)
            .map_err(|e| e.to_string())?;
        for event in events {
            if let HighlightEvent::HighlightStart(_) = event.map_err(|e| e.to_string())? {
                spans += 1;
            }
        }
    }
    Ok((start.elapsed().as_secs_f64(), spans))
}
