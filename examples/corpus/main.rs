//! Writes a synthetic workspace of realistic incidents, for benchmarks.
//!
//! ```text
//! cargo run --release --example corpus -- --count 1000 --out target/corpus-1000 [--seed 42]
//! ```
//!
//! `DIR/incidents/*.yaml` gets N incidents dated 2019-2026, `DIR/postmortem.toml` a title.
//! The same seed always gives the same files. Each incident is about 6.2 KB, half of it code:
//! an error with a 15-25 line stack trace (Python, Java, Go, Node or Rust style) and two
//! changes in different languages whose `before` and `after` together are 20-40 lines, `after`
//! being `before` with a few lines changed, added or removed. (Real traces have long lines,
//! so the code alone is about 3 KB.) Tags and services come from small pools so tag and
//! service pages list many incidents; some incidents name earlier ones in `related`.
//!
//! Existing `*.yaml` files in `DIR/incidents` are replaced only if `DIR/.corpus` (written
//! last, holding `count=N seed=S`) shows the folder was made by this program.
//!
//! The bench scripts (`bench/*.sh`) time `postmortem` on these corpora, and the README's
//! figures come from them, so a seed's incidents must not change: the modules below keep
//! the random draws in their original order. Incidents are built as the library's model
//! types and written by serde, so the corpus can only contain what the format allows.
//!
//! - `rng`: the seeded random source. `pools`, `stack`, `snippets`: the data drawn from.
//! - `template`: fills an incident's names into text; `traces` and `change` make its
//!   stack trace, log lines and before/after code from templates.
//! - `clock`: start times and how a file writes times (jiff).
//! - `incident` and `sections`: one `postmortem::model::Incident`, draw by draw.
//! - `yaml`: the incident as a file, without the fields it leaves empty.

mod change;
mod clock;
mod incident;
mod pools;
mod rng;
mod sections;
mod snippets;
mod stack;
mod template;
mod traces;
mod yaml;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const MARKER: &str = ".corpus";

fn main() -> ExitCode {
    let (count, out, seed) = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("corpus: {message}");
            eprintln!("usage: corpus --count N --out DIR [--seed S]");
            return ExitCode::from(2);
        }
    };
    match write_corpus(count, &out, seed) {
        Ok((files, bytes)) => {
            println!(
                "wrote {files} incident files, {bytes} bytes ({} bytes per incident) to {}",
                bytes / files.max(1) as u64,
                out.join("incidents").display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("corpus: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args() -> Result<(usize, PathBuf, u64), String> {
    let (mut count, mut out, mut seed) = (None, None, 42);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--count" => count = Some(value()?.parse().map_err(|e| format!("--count: {e}"))?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok((
        count.ok_or("--count is required")?,
        out.ok_or("--out is required")?,
        seed,
    ))
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("{what} {}: {e}", path.display())
}

/// Writes the workspace; returns how many incident files and bytes it wrote.
fn write_corpus(count: usize, out: &Path, seed: u64) -> Result<(usize, u64), String> {
    let dir = out.join("incidents");
    let marker = out.join(MARKER);
    clear_own_incidents(&dir, &marker)?;
    std::fs::create_dir_all(&dir).map_err(|e| io_error("cannot create", &dir, e))?;
    // Removed first and written last, so an interrupted run is never taken as complete.
    let _ = std::fs::remove_file(&marker);
    let config = out.join("postmortem.toml");
    let toml = format!(
        "title = \"Synthetic incidents ({count}, seed {seed})\"\n\
         description = \"A generated corpus for benchmarking postmortem.\"\n"
    );
    std::fs::write(&config, toml).map_err(|e| io_error("cannot write", &config, e))?;

    let mut bytes = 0;
    for generated in incident::generate(count, seed) {
        let text = yaml::to_yaml(&generated.incident)
            .map_err(|e| format!("incident {}: {e}", generated.slug))?;
        let path = dir.join(format!("{}.yaml", generated.slug));
        std::fs::write(&path, &text).map_err(|e| io_error("cannot write", &path, e))?;
        bytes += text.len() as u64;
    }
    std::fs::write(&marker, format!("count={count} seed={seed}\n"))
        .map_err(|e| io_error("cannot write", &marker, e))?;
    Ok((count, bytes))
}

/// Removes the `*.yaml` files of `dir`, or refuses if there are some and no `marker` says
/// this program wrote them.
fn clear_own_incidents(dir: &Path, marker: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| io_error("cannot list", dir, e))?;
    let old: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    if !old.is_empty() && !marker.is_file() {
        return Err(format!(
            "{} holds incident files this program did not write; choose another --out",
            dir.display()
        ));
    }
    for path in old {
        std::fs::remove_file(&path).map_err(|e| io_error("cannot remove", &path, e))?;
    }
    Ok(())
}
