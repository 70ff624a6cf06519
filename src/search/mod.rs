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
//! header box, the search page and its filters) is `templates/static/site-search.js`, used
//! by `site-search-box.js` and `site-search-page.js`; it loads `pagefind/pagefind.js`
//! relative to the site, so it works under any base URL.
//!
//! A build feeds an [`Indexer`] each record as its page is rendered, so indexing overlaps
//! rendering ([`indexer`] says why). The bundle is several indexes of a bounded number of
//! records ([`shards`] says why), which the browser merges. `serve` rebuilds incrementally:
//! it can keep one record per incident (cheap to derive, no rendering needed), replace the
//! records of changed incidents and call [`build_bundle`] again; Pagefind has no
//! incremental update.

pub mod indexer;
pub mod record;
pub mod shards;

use std::collections::HashMap;
use std::time::Duration;

pub use indexer::{BundleFile, Indexer, ShardFiles};
pub use record::SearchRecord;
pub use shards::Shard;

use crate::model::{Digest, Digester};
use crate::site::Sink;
pub use crate::site::pages::SEARCH_BUNDLE as BUNDLE_DIR;

/// What building and writing the bundle took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleStats {
    /// Records indexed (none when the bundle came from the render cache).
    pub records: usize,
    /// Whether the bundle came from the render cache, its records unchanged.
    pub from_cache: bool,
    /// Files written.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Time the indexing thread worked, in all (mostly while pages were rendered).
    pub busy: Duration,
    /// Time the caller waited for it once every record was handed over.
    pub waited: Duration,
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

/// Writes the files of a bundle to `sink`; says how many and how big.
pub fn write_bundle(files: &[BundleFile], sink: &dyn Sink) -> Result<BundleStats, SearchError> {
    let mut stats = BundleStats {
        files: files.len(),
        ..BundleStats::default()
    };
    for (path, content) in files {
        let path = format!("{BUNDLE_DIR}/{path}");
        sink.put(&path, content)
            .map_err(|e| SearchError::Write(path.clone(), e))?;
        stats.bytes += content.len() as u64;
    }
    Ok(stats)
}

/// The shards of the last bundle [`build_bundle`] made, by the digest of their records.
#[derive(Default)]
pub struct KeptShards(HashMap<Digest, Vec<BundleFile>>);

/// Indexes `records` (in the site's order) in shards of `shard_size` and returns the
/// bundle's files, `(path inside the bundle, content)`. Shards whose records are those of a
/// shard in `kept` are not indexed again; `kept` then holds this bundle's shards.
pub fn build_bundle(
    records: Vec<SearchRecord>,
    shard_size: usize,
    kept: &mut KeptShards,
) -> Result<Vec<BundleFile>, SearchError> {
    let layout = shards::layout(records.len(), shard_size);
    let keys: Vec<Digest> = layout
        .iter()
        .map(|shard| {
            let mut digester = Digester::new();
            for record in &records[shard.positions.clone()] {
                digester.text(&record.url).text(&record.html);
            }
            digester.finish()
        })
        .collect();
    let missing = layout
        .iter()
        .zip(&keys)
        .filter(|(_, key)| !kept.0.contains_key(key))
        .map(|(shard, _)| shard.clone());
    let indexer = Indexer::start(missing.collect())?;
    for (position, record) in records.into_iter().enumerate() {
        indexer.add(position, record);
    }
    let mut built = indexer.finish()?.shards.into_iter();
    let mut now = KeptShards::default();
    let mut shards = Vec::with_capacity(layout.len());
    for (shard, key) in layout.into_iter().zip(keys) {
        let files = match kept.0.remove(&key) {
            Some(files) => files,
            None => built
                .find(|(done, _)| *done == shard)
                .map(|(_, files)| files)
                .ok_or_else(|| SearchError::Index("a shard was not indexed".into()))?,
        };
        now.0.insert(key, files.clone());
        shards.push((shard, files));
    }
    *kept = now;
    Ok(shards::assemble(&shards))
}
