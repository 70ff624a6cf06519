//! The render cache: what pages were rendered to, kept across builds under the key of
//! everything they were rendered from.
//!
//! Why: in a team's history almost nothing changes between two builds, yet every build
//! would highlight and render every incident again. The page inventory already gives each
//! output a key that covers all of its inputs (`site::inventory`: the incident, its pattern
//! and related links, the templates, the settings, postmortem's version), so an output
//! rendered once under a key can be reused by any later build that asks for the same key:
//! nothing else can make it stale. What is kept:
//!
//! - each incident's page, report and search record, as one entry under the incident's
//!   key (they are rendered from one view);
//! - every other page, under its own key and path, when a full build rendered it (an
//!   in-place update does not keep them: see `pipeline::execute::Pass`);
//! - the search bundle, under the digest of every search record's inputs, so a build whose
//!   records did not change writes the bundle without indexing;
//! - beside the entries, neither counted nor pruned: what incident files parsed to
//!   (`<cache>/parsed/`, see `parsed`), and, in `<cache>/builds/`, what the last
//!   build into each pair of output folders wrote ([`LastBuild`]), so the next one can
//!   update them in place.
//!
//! Entries are files under `<cache>/v1/`, one per key, written atomically (a temporary file
//! and a rename) and checked on every read (`entry`): a damaged, foreign or other-version
//! entry is a miss, rendered again and rewritten, never an error and never wrong output.
//! Failing to write an entry (a read-only disk) only loses the saving. The cache is bounded
//! by [`Cache::prune`] at about twice what the last build used: past that, what it used is
//! kept, and older entries up to half as much again; the oldest beyond that are removed.

mod entry;
mod last_build;
mod parsed;
mod prune;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::model::{Digest, Digester};
use crate::search::{BundleFile, SearchRecord};
use crate::site::live::write_atomically;
use crate::site::{Inventory, Page};
use entry::Packing;
pub use last_build::LastBuild;
pub use parsed::{load_dir, with_parsed_memo};

/// The folder of the entries of this layout, inside the cache folder.
const LAYOUT_DIR: &str = "v1";

/// What one incident renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEntry {
    /// Its HTML page.
    pub page: String,
    /// Its Markdown report.
    pub report: String,
    /// Its search record.
    pub record: SearchRecord,
}

/// What a build did with the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Outputs found.
    pub hits: u64,
    /// Outputs not found (or unsound), rendered again.
    pub misses: u64,
    /// Entries written.
    pub written: u64,
    /// Entries that could not be written.
    pub failed: u64,
    /// Entries removed by pruning.
    pub pruned: u64,
    /// Size of the cache after the build, in bytes: counted when it was pruned, else the
    /// last count plus what this build wrote (so at most that); 0 if it wrote nothing.
    pub bytes: u64,
}

/// A cache folder, used by one build.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Postmortem's version and build: an entry of any other is ignored.
    version: String,
    /// The entries this build read or wrote, which pruning keeps.
    used: Mutex<HashSet<u128>>,
    hits: AtomicU64,
    misses: AtomicU64,
    written: AtomicU64,
    /// Bytes of the entries written.
    written_bytes: AtomicU64,
    failed: AtomicU64,
}

impl Cache {
    /// The cache in `dir` for entries of postmortem `version` as this very build of it
    /// (see [`build_id`]).
    pub fn of_this_build(dir: PathBuf, version: &str) -> Self {
        Self::open(dir, &format!("{version} {:032x}", build_id().0))
    }

    /// The cache in `dir` (created on the first write), for entries of `version`.
    pub fn open(dir: PathBuf, version: &str) -> Self {
        Self {
            dir,
            version: version.to_owned(),
            used: Mutex::new(HashSet::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            written: AtomicU64::new(0),
            written_bytes: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        }
    }

    /// What incident key `key` rendered to, if kept.
    pub fn incident(&self, key: Digest) -> Option<IncidentEntry> {
        let parts = self.get(Self::id("incident", key, ""));
        let entry = parts.and_then(|parts| {
            let [page, report, url, html] = <[Vec<u8>; 4]>::try_from(parts).ok()?;
            let text = |bytes| String::from_utf8(bytes).ok();
            Some(IncidentEntry {
                page: text(page)?,
                report: text(report)?,
                record: SearchRecord {
                    url: text(url)?,
                    html: text(html)?,
                },
            })
        });
        self.count(entry.is_some());
        entry
    }

    /// Keeps what incident key `key` rendered to.
    pub fn put_incident(&self, key: Digest, entry: &IncidentEntry) {
        let parts = [
            entry.page.as_bytes(),
            entry.report.as_bytes(),
            entry.record.url.as_bytes(),
            entry.record.html.as_bytes(),
        ];
        self.put(Self::id("incident", key, ""), &parts);
    }

    /// What `page` rendered to under `key`, if kept. Pages of different paths may share a
    /// key (they show the same data), so the path is part of the entry's name.
    pub fn page(&self, page: &Page, key: Digest) -> Option<Vec<u8>> {
        let parts = self.get(Self::id("page", key, &page.path()));
        let content = parts.and_then(|parts| <[Vec<u8>; 1]>::try_from(parts).ok());
        self.count(content.is_some());
        content.map(|[content]| content)
    }

    /// Keeps what `page` rendered to under `key`.
    pub fn put_page(&self, page: &Page, key: Digest, content: &[u8]) {
        self.put(Self::id("page", key, &page.path()), &[content]);
    }

    /// The files of the search shard whose records' inputs digest to `key`, if kept.
    pub fn bundle(&self, key: Digest) -> Option<Vec<BundleFile>> {
        let parts = self.get(Self::id("bundle", key, ""));
        let files = parts
            .filter(|parts| parts.len() % 2 == 0)
            .and_then(|parts| {
                let mut files = Vec::with_capacity(parts.len() / 2);
                let mut parts = parts.into_iter();
                while let (Some(path), Some(content)) = (parts.next(), parts.next()) {
                    files.push((String::from_utf8(path).ok()?, content));
                }
                Some(files)
            });
        self.count(files.is_some());
        files
    }

    /// Keeps the files of the search shard whose records' inputs digest to `key`.
    pub fn put_bundle(&self, key: Digest, files: &[BundleFile]) {
        let parts: Vec<&[u8]> = files
            .iter()
            .flat_map(|(path, content)| [path.as_bytes(), content.as_slice()])
            .collect();
        self.put(Self::id("bundle", key, ""), &parts);
    }

    /// Counts the entries `inventory` and the search shards under `shards` are made of as
    /// used by this build, without reading them: a warm build renders only what changed,
    /// but the rest of its site still comes from those entries, and pruning must keep them.
    pub fn keep(&self, inventory: &Inventory, shards: impl Iterator<Item = Digest>) {
        let Ok(mut used) = self.used.lock() else {
            return;
        };
        for shard in shards {
            used.insert(Self::id("bundle", shard, "").0);
        }
        for (page, key) in inventory.entries() {
            let id = match page {
                Page::Incident(_) | Page::Report(_) => Self::id("incident", key, ""),
                page => Self::id("page", key, &page.path()),
            };
            used.insert(id.0);
        }
    }

    /// What this build did so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            ..CacheStats::default()
        }
    }

    fn id(kind: &str, key: Digest, path: &str) -> Digest {
        Digester::new().text(kind).digest(key).text(path).finish()
    }

    fn path(&self, id: Digest) -> PathBuf {
        let name = format!("{:032x}", id.0);
        let (folder, file) = name.split_at(2);
        self.dir.join(LAYOUT_DIR).join(folder).join(file)
    }

    fn count(&self, hit: bool) {
        let counter = if hit { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn mark_used(&self, id: Digest) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(id.0);
        }
    }

    fn get(&self, id: Digest) -> Option<Vec<Vec<u8>>> {
        let parts = self.read(&self.path(id), id)?;
        self.mark_used(id);
        Some(parts)
    }

    fn put(&self, id: Digest, parts: &[&[u8]]) {
        let counter = match self.write(&self.path(id), id, parts, Packing::Compress) {
            Some(bytes) => {
                self.mark_used(id);
                self.written_bytes.fetch_add(bytes, Ordering::Relaxed);
                &self.written
            }
            None => &self.failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The parts of the entry `id` at `path`, if it is sound.
    fn read(&self, path: &Path, id: Digest) -> Option<Vec<Vec<u8>>> {
        let bytes = fs::read(path).ok()?;
        entry::decode(&bytes, &self.version, id)
    }

    /// Writes the entry `id` at `path`; says how many bytes, if it could.
    fn write(&self, path: &Path, id: Digest, parts: &[&[u8]], packing: Packing) -> Option<u64> {
        let bytes = entry::encode(&self.version, id, parts, packing);
        path.parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| write_atomically(path, &bytes))
            .ok()
            .map(|()| bytes.len() as u64)
    }
}

/// What tells two builds of postmortem apart when their version number is the same (during
/// development): the running executable's path, size and modification time. Reading and
/// hashing the whole executable (50 MB) said the same for 30–40 ms of every run, which a
/// `check` of a few files notices; a rebuilt or reinstalled binary gets a new time, and
/// a store that sets every time alike (Nix) gives each build its own path. Worked out once
/// per process.
pub fn build_id() -> Digest {
    static ID: OnceLock<Digest> = OnceLock::new();
    *ID.get_or_init(|| {
        let Ok(exe) = std::env::current_exe() else {
            return Digest::default();
        };
        let mut digester = Digester::new();
        digester.text(&exe.to_string_lossy());
        if let Ok(metadata) = fs::metadata(&exe) {
            let modified = metadata.modified().ok();
            let since_epoch = modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            digester
                .text(&metadata.len().to_string())
                .text(&since_epoch.unwrap_or_default().as_nanos().to_string());
        }
        digester.finish()
    })
}

#[cfg(test)]
mod tests;
