//! Times the search index alone: loads a workspace's incidents, derives their search
//! records and builds the Pagefind bundle in memory, without rendering pages. Used by
//! `bench/search.sh`; handy under a profiler too.
//!
//! ```text
//! cargo run --release --example search_index -- target/bench/corpus-1000 [SHARD_SIZE]
//! ```
//!
//! `SHARD_SIZE` is the records per index (`search_shard_size`; 2,000 unless given).
//!
//! Prints one line of `key=value` pairs: records, bundle files and bytes, and the seconds
//! spent deriving records and indexing (wall, and CPU of all threads).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use postmortem::knowledge::{self, IncidentSummary};
use postmortem::load;
use postmortem::search::{self, SearchRecord};
use rayon::prelude::*;

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: search_index WORKSPACE [SHARD_SIZE]");
        return ExitCode::from(2);
    };
    let default = postmortem::workspace::DEFAULT_SEARCH_SHARD_SIZE.get();
    let Ok(shard_size) = std::env::args().nth(2).map_or(Ok(default), |n| n.parse()) else {
        eprintln!("SHARD_SIZE must be a number");
        return ExitCode::from(2);
    };
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

    let start = Instant::now();
    let summaries: Vec<IncidentSummary> = incidents.par_iter().map(IncidentSummary::new).collect();
    let records: Vec<SearchRecord> = incidents
        .par_iter()
        .zip(summaries.par_iter())
        .map(|(loaded, summary)| SearchRecord::new(loaded, summary, true))
        .collect();
    let derive = start.elapsed();

    let (count, record_bytes) = (
        records.len(),
        records.iter().map(|r| r.html.len()).sum::<usize>(),
    );
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    match search::build_bundle(records, shard_size, &mut Default::default()) {
        Ok(files) => {
            let bytes: usize = files.iter().map(|(_, content)| content.len()).sum();
            println!(
                "records={} record_bytes={} files={} bytes={} derive_s={:.3} index_s={:.3} index_cpu_s={:.3}",
                count,
                record_bytes,
                files.len(),
                bytes,
                derive.as_secs_f64(),
                start.elapsed().as_secs_f64(),
                cpu_seconds() - cpu_start
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat`
/// (Linux; 0 elsewhere). Wall time is noisy on a shared machine; CPU time much less so.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}
