//! Keeps the search bundle of a live preview up to date, in the background.
//!
//! Pagefind has no incremental update: after a change every record is indexed again, which
//! takes about a second per thousand incidents. Pages never wait for that: a background
//! thread rebuilds the bundle from the newest records it was given (skipping any it was
//! handed meanwhile), then writes the files whose bytes changed and removes the ones the new
//! bundle no longer has, each write atomic. Full rebuilds write their own bundle; they hold
//! the same lock, and a refresh started before one is dropped, so an older bundle never
//! lands over a newer site.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use thread_priority::ThreadPriority;

use crate::search::{self, BUNDLE_DIR, SearchRecord};
use crate::site::Sink;
use crate::site::live::LiveFolder;

/// A request to bring the bundle in line with these records.
struct Job {
    records: Vec<SearchRecord>,
    shard_size: usize,
    generation: u64,
}

/// The background indexer of a `serve` or `watch` session.
pub struct SearchRefresher {
    sender: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    /// Raised by every full rebuild: refreshes of an older generation are dropped.
    generation: Arc<AtomicU64>,
    /// Held while the bundle on disk changes.
    lock: Arc<Mutex<()>>,
}

impl SearchRefresher {
    /// Starts the thread that writes bundles into `site`.
    pub fn start(site: PathBuf) -> Self {
        let (sender, receiver) = mpsc::channel::<Job>();
        let generation = Arc::new(AtomicU64::new(0));
        let lock = Arc::new(Mutex::new(()));
        let (current, held) = (Arc::clone(&generation), Arc::clone(&lock));
        let thread = std::thread::Builder::new()
            .name("search-refresh".into())
            .spawn(move || {
                // Re-indexing takes seconds at 10,000 incidents; at the lowest priority it
                // never slows the rebuild of the next save, only waits for idle CPU. The
                // threads it starts inherit that (on Linux the nice value is per thread).
                let _ = thread_priority::set_current_thread_priority(ThreadPriority::Min);
                let live = LiveFolder::new(site.join(BUNDLE_DIR), Default::default());
                let mut stale = HashSet::new();
                // At 10,000 incidents an edit re-indexes one shard of 2,000, not all.
                let mut kept = search::KeptShards::default();
                while let Ok(mut job) = receiver.recv() {
                    // Only the newest records matter.
                    while let Ok(newer) = receiver.try_recv() {
                        job = newer;
                    }
                    let Ok(files) = search::build_bundle(job.records, job.shard_size, &mut kept)
                    else {
                        continue;
                    };
                    let Ok(_guard) = held.lock() else { return };
                    if job.generation == current.load(Ordering::Acquire) {
                        // A failed write leaves the last bundle; the next change retries.
                        if let Ok(now) = replace_bundle(&live, &files, &stale) {
                            stale = now;
                        }
                    }
                }
            })
            .ok();
        Self {
            sender: thread.is_some().then_some(sender),
            thread,
            generation,
            lock,
        }
    }

    /// Re-indexes `records` (in the order the site lists incidents, in shards of
    /// `shard_size`) in the background.
    pub fn refresh(&self, records: Vec<SearchRecord>, shard_size: usize) {
        if let Some(sender) = &self.sender {
            let generation = self.generation.load(Ordering::Acquire);
            let _ = sender.send(Job {
                records,
                shard_size,
                generation,
            });
        }
    }

    /// Runs `write` (a full rebuild, which writes a bundle of its own) with refreshes held
    /// off, and drops the refreshes asked for before it.
    pub fn exclusive<T>(&self, write: impl FnOnce() -> T) -> T {
        let _guard = self.lock.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        write()
    }
}

impl Drop for SearchRefresher {
    fn drop(&mut self) {
        self.sender = None; // ends the thread's loop
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The file that names the current index; written last, so whoever reads a new one finds
/// every file it points to.
const ENTRY: &str = "pagefind-entry.json";

/// Writes the files of a new bundle into the live bundle folder where their bytes changed,
/// the entry file last. Files of older bundles are removed one refresh late: their names
/// carry a content hash, so a page that loaded the previous index can still fetch its
/// chunks. Returns the files (relative to the bundle) that are stale now, to remove next
/// time.
fn replace_bundle(
    live: &LiveFolder,
    files: &[search::BundleFile],
    stale_before: &HashSet<String>,
) -> std::io::Result<HashSet<String>> {
    let mut keep = HashSet::new();
    let (entry, rest): (Vec<_>, Vec<_>) = files.iter().partition(|(path, _)| path == ENTRY);
    for (path, content) in rest.into_iter().chain(entry) {
        live.put(path, content)?;
        keep.insert(path.clone());
    }
    let mut stale = HashSet::new();
    for file in walkdir::WalkDir::new(live.dir()).into_iter().flatten() {
        let Ok(relative) = file.path().strip_prefix(live.dir()) else {
            continue;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        if !file.file_type().is_file() || keep.contains(&relative) {
            continue;
        }
        if stale_before.contains(&relative) {
            live.remove(&relative)?;
        } else {
            stale.insert(relative);
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_new_bundle_replaces_the_old_one_and_old_files_go_one_refresh_late() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join(BUNDLE_DIR);
        let live = LiveFolder::new(bundle.clone(), Default::default());
        let file = |name: &str, content: &str| (name.to_string(), content.as_bytes().to_vec());
        let none = HashSet::new();
        let stale = replace_bundle(&live, &[file(ENTRY, "1"), file("x1.pf", "x")], &none).unwrap();
        assert!(stale.is_empty());
        let stale =
            replace_bundle(&live, &[file(ENTRY, "2"), file("sub/x2.pf", "y")], &stale).unwrap();
        assert_eq!(fs::read(bundle.join(ENTRY)).unwrap(), b"2");
        assert!(
            bundle.join("x1.pf").exists(),
            "a page on the old index can still load it"
        );
        assert_eq!(stale, HashSet::from(["x1.pf".to_owned()]));
        replace_bundle(&live, &[file(ENTRY, "3"), file("sub/x2.pf", "y")], &stale).unwrap();
        assert!(!bundle.join("x1.pf").exists(), "gone one refresh later");
        assert!(bundle.join("sub/x2.pf").exists());
    }
}
