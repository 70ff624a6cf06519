//! Measures what a browser downloads for one search: serves a built site on 127.0.0.1
//! (uncached), opens `search/?q=…` for each query of a fixed list in Debian's Chromium, waits
//! for the results, and adds up the bytes of the search bundle it fetched. Used by
//! `bench/search.sh`; needs `chromium` and `chromium-driver`.
//!
//! ```text
//! cargo run --release --example search_bytes -- target/bench/corpus-10000/site [QUERY...]
//! ```
//!
//! Per query it prints the bytes fetched from `pagefind/` (`engine`: pagefind.js, its
//! WebAssembly core and the index's metadata, fetched once per page; `query`: index chunks
//! and result excerpts), and `engine_gz`, what the engine weighs from a host that gzips
//! JavaScript, as static hosts do. Then the median and worst.

#[path = "../tests/common/browser.rs"]
mod browser;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use browser::{Server, with_browser};

/// A fixed mix: single words, phrases, identifiers, pasted error lines (one with an IP
/// address that no incident has, which takes the "closest matches" path) and no match.
const QUERIES: &[&str] = &[
    "redis",
    "timeout",
    "CLIENT_CLASS",
    "certificate expired",
    "kafka consumer lag",
    "checkout-api latency",
    "rollback deploy",
    "TypeError: AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
    "java.lang.OutOfMemoryError: Java heap space",
    "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value'",
    "dial tcp 10.0.3.7:5432: connect: connection refused",
    "xylophone",
];

/// Waits until the search page shows results or says there are none.
const SETTLED_JS: &str = r#"
const summary = document.getElementById('search-summary').textContent;
const shown = document.querySelectorAll('#search-results li').length;
return (shown > 0 || summary.includes('No incidents')) ? shown : null;
"#;

#[derive(Debug, Default, Clone)]
struct Fetched {
    engine: u64,
    engine_gz: u64,
    query: u64,
    files: usize,
    shown: u64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(site) = args.next().map(PathBuf::from) else {
        eprintln!("usage: search_bytes SITE_DIR [QUERY...]");
        return ExitCode::from(2);
    };
    let queries: Vec<String> = match args.collect::<Vec<_>>() {
        given if !given.is_empty() => given,
        _ => QUERIES.iter().map(|q| q.to_string()).collect(),
    };
    if !site.join("search/index.html").is_file() {
        eprintln!("{} is not a built site", site.display());
        return ExitCode::FAILURE;
    }
    let server = std::sync::Arc::new(Server::start(&site, "/"));
    let site_dir = site.clone();
    let rows = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let out = rows.clone();
    with_browser(move |browser| async move {
        for query in queries {
            server.take_log();
            let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
            browser
                .goto(&server.url(&format!("search/index.html?q={encoded}")))
                .await;
            let shown = browser
                .wait_for(&format!("results for {query:?}"), SETTLED_JS, vec![], |v| {
                    v.is_number()
                })
                .await;
            let mut fetched = tally(&site_dir, &server.take_log());
            fetched.shown = shown.as_u64().unwrap_or(0);
            if let Ok(mut rows) = out.lock() {
                rows.push((query, fetched));
            }
        }
    })
    .await;
    let rows = rows.lock().map(|r| r.clone()).unwrap_or_default();
    report(&rows);
    ExitCode::SUCCESS
}

/// Sorts the requests for the bundle into engine and query bytes.
fn tally(site: &Path, log: &[(String, u64)]) -> Fetched {
    let mut fetched = Fetched::default();
    for (url, bytes) in log {
        let path = url.split('?').next().unwrap_or(url);
        let Some(file) = path.strip_prefix("/pagefind/") else {
            continue;
        };
        fetched.files += 1;
        // A shard other than the newest lives in a numbered folder (src/search/shards.rs).
        let part = match file.split_once('/') {
            Some((dir, rest)) if dir.bytes().all(|b| b.is_ascii_digit()) => rest,
            _ => file,
        };
        if part.starts_with("index/")
            || part.starts_with("fragment/")
            || part.starts_with("filter/")
        {
            fetched.query += bytes;
        } else {
            fetched.engine += bytes;
            fetched.engine_gz += gzipped_size(&site.join("pagefind").join(file)).unwrap_or(*bytes);
        }
    }
    fetched
}

/// What a host that gzips text sends for `file`; Pagefind's own files are gzipped already.
fn gzipped_size(file: &Path) -> Option<u64> {
    let text = matches!(
        file.extension().and_then(|e| e.to_str()),
        Some("js" | "json")
    );
    let content = std::fs::read(file).ok()?;
    if !text {
        return Some(content.len() as u64);
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&content).ok()?;
    encoder.finish().ok().map(|gz| gz.len() as u64)
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn report(rows: &[(String, Fetched)]) {
    println!(
        "| query | results shown | files | engine | engine (gzip host) | query | total (gzip host) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (query, f) in rows {
        let shown: String = query.chars().take(60).collect();
        println!(
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            shown.replace('`', "'").replace('|', "\\|"),
            f.shown,
            f.files,
            kb(f.engine),
            kb(f.engine_gz),
            kb(f.query),
            kb(f.engine_gz + f.query)
        );
    }
    let stat = |pick: &dyn Fn(&Fetched) -> u64| {
        let mut values: Vec<u64> = rows.iter().map(|(_, f)| pick(f)).collect();
        values.sort_unstable();
        let median = values.get(values.len() / 2).copied().unwrap_or(0);
        let worst = values.last().copied().unwrap_or(0);
        (median, worst)
    };
    let (query_median, query_worst) = stat(&|f| f.query);
    let (total_median, total_worst) = stat(&|f| f.engine_gz + f.query);
    let (raw_median, raw_worst) = stat(&|f| f.engine + f.query);
    println!();
    println!(
        "per query, {} queries: query-specific median {} / worst {}; \
         first search of a page (gzip host) median {} / worst {}; uncompressed median {} / worst {}",
        rows.len(),
        kb(query_median),
        kb(query_worst),
        kb(total_median),
        kb(total_worst),
        kb(raw_median),
        kb(raw_worst)
    );
}
