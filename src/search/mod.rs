//! Full-text search: a Pagefind bundle built in memory by `postmortem build` itself.
//!
//! Why Pagefind, and why as a library: a static site has no server to ask, so the index
//! must be files the browser fetches piece by piece. Pagefind splits its index into small
//! chunks by word, so a query downloads only the chunks for its words and the excerpts of
//! the results it shows, not the whole index, and it ships the browser half (`pagefind.js`
//! and a WebAssembly search core) inside the crate. Using it as a library means no separate
//! binary, npm step or server, and no files re-read from disk: each incident becomes a
//! [`SearchRecord`] in memory and the finished bundle goes through the same [`Sink`] as the
//! pages, into the staging folder, so it is swapped in atomically with the rest of the site.
//!
//! What is indexed and how much it weighs is decided in [`record`]. The browser side (the
//! header box, the search page and its filters) is `templates/static/site.js`, which
//! loads `pagefind/pagefind.js` relative to the site, so it works under any base URL.
//!
//! `serve` rebuilds incrementally: it keeps one record per incident (cheap to derive, no
//! rendering needed), replaces the records of changed incidents and calls
//! [`write_bundle`] again. Pagefind has no incremental update, but indexing records is fast.

pub mod record;

use std::time::{Duration, Instant};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

pub use record::SearchRecord;

use crate::site::Sink;

/// Folder of the bundle inside the site.
pub const BUNDLE_DIR: &str = "pagefind";

/// What writing the bundle produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleStats {
    /// Records indexed.
    pub records: usize,
    /// Files written.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Time spent indexing and writing.
    pub elapsed: Duration,
}

/// Why the search bundle could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Pagefind failed.
    #[error("search index: {0}")]
    Index(String),
    /// A file of the bundle could not be stored.
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

/// Indexes `records` and hands every file of the bundle to `sink`, under [`BUNDLE_DIR`].
/// Call it again with the current records after a change: the result depends only on
/// them, not on an earlier call.
pub fn write_bundle(records: &[SearchRecord], sink: &dyn Sink) -> Result<BundleStats, SearchError> {
    let start = Instant::now();
    let files = build_bundle(records)?;
    let mut stats = BundleStats {
        records: records.len(),
        files: files.len(),
        ..BundleStats::default()
    };
    for (path, content) in &files {
        let path = format!("{BUNDLE_DIR}/{path}");
        sink.put(&path, content)
            .map_err(|e| SearchError::Write(path.clone(), e))?;
        stats.bytes += content.len() as u64;
    }
    stats.elapsed = start.elapsed();
    Ok(stats)
}

/// Indexes `records` and returns the bundle's files, `(path inside the bundle, content)`.
pub fn build_bundle(records: &[SearchRecord]) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    // Pagefind's API is async; a current-thread runtime is enough to drive it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SearchError::Index(format!("cannot start the indexer: {e}")))?;
    runtime.block_on(index(records))
}

async fn index(records: &[SearchRecord]) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let config = PagefindServiceConfig::builder()
        .force_language("en".to_owned())
        .keep_index_url(true)
        .build();
    let fail = |e: anyhow::Error| SearchError::Index(format!("{e:#}"));
    let mut index = PagefindIndex::new(Some(config)).map_err(fail)?;
    for record in records {
        index
            .add_html_file(None, Some(record.url.clone()), record.html.clone())
            .await
            .map_err(fail)?;
    }
    let files = index.get_files().await.map_err(fail)?;
    Ok(files
        .into_iter()
        .map(|file| {
            let path = file.filename.to_string_lossy().replace('\\', "/");
            (path, file.contents)
        })
        .filter(|(path, _)| !UNUSED.iter().any(|prefix| path.starts_with(prefix)))
        .collect())
}

/// Files of Pagefind's bundle that our own search UI never loads: its ready-made UIs, the
/// highlighter, and the search core for pages without a language (ours are all `en`).
const UNUSED: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.js",
    "wasm.unknown.",
];
