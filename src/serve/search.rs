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
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use crate::search::{self, BUNDLE_DIR, SearchRecord};
use crate::site::write::write_atomically;

/// A request to bring the bundle in line with these records.
struct Job {
    records: Vec<SearchRecord>,
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
                while let Ok(mut job) = receiver.recv() {
                    // Only the newest records matter.
                    while let Ok(newer) = receiver.try_recv() {
                        job = newer;
                    }
                    let Ok(files) = search::build_bundle(&job.records) else {
                        continue;
                    };
                    let Ok(_guard) = held.lock() else { return };
                    if job.generation == current.load(Ordering::Acquire) {
                        // A failed write leaves the last bundle; the next change retries.
                        let _ = replace_bundle(&site.join(BUNDLE_DIR), &files);
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

    /// Re-indexes `records` (in the order the site lists incidents) in the background.
    pub fn refresh(&self, records: Vec<SearchRecord>) {
        if let Some(sender) = &self.sender {
            let generation = self.generation.load(Ordering::Acquire);
            let _ = sender.send(Job {
                records,
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

/// Writes the files of a new bundle into `dir` where their bytes changed, and removes the
/// files of the old bundle that the new one does not have.
fn replace_bundle(dir: &Path, files: &[search::BundleFile]) -> std::io::Result<()> {
    let mut keep = HashSet::new();
    for (path, content) in files {
        let target = dir.join(path);
        keep.insert(target.clone());
        if fs::read(&target).is_ok_and(|old| old == *content) {
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        write_atomically(&target, content).map_err(std::io::Error::other)?;
    }
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() && !keep.contains(entry.path()) {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_bundle_replaces_the_old_one_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("pagefind");
        let old = vec![
            ("a.pf".to_string(), b"old".to_vec()),
            ("gone.pf".to_string(), b"x".to_vec()),
        ];
        replace_bundle(&bundle, &old).unwrap();
        let new = vec![
            ("a.pf".to_string(), b"new".to_vec()),
            ("sub/b.pf".to_string(), b"b".to_vec()),
        ];
        replace_bundle(&bundle, &new).unwrap();
        assert_eq!(fs::read(bundle.join("a.pf")).unwrap(), b"new");
        assert_eq!(fs::read(bundle.join("sub/b.pf")).unwrap(), b"b");
        assert!(!bundle.join("gone.pf").exists());
    }
}
