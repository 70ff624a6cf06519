//! Indexing on a thread of its own, fed while pages are still being rendered.
//!
//! Pagefind takes records one at a time (its index is behind a lock), so indexing is mostly
//! serial work. Run after rendering, it would make the build wait for it with one core idle;
//! fed as each incident is rendered, it overlaps rendering and only its last step (building
//! and compressing the index files) is left when rendering ends. Records arrive in any order
//! from the render threads and are indexed in incident order, so the bundle is the same
//! bytes on every build. The records make several indexes ([`super::shards`]), each built,
//! written out and dropped before the next begins, so only one is in memory at a time.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use super::shards::Shard;
use super::{SearchError, SearchRecord};

/// A file of the bundle: path inside the bundle, content.
pub type BundleFile = (String, Vec<u8>);

enum Message {
    /// The record of the incident at this position.
    Record(usize, SearchRecord),
    /// Every record was sent: build the bundle.
    Finish,
}

/// The files of one shard's index.
pub type ShardFiles = (Shard, Vec<BundleFile>);

/// What the indexing thread hands back.
struct Finished {
    shards: Vec<ShardFiles>,
    records: usize,
    busy: Duration,
}

/// An index being built on its own thread; dropping it unfinished stops the thread.
pub struct Indexer {
    /// The positions of the records it wants.
    wanted: Vec<std::ops::Range<usize>>,
    sender: mpsc::Sender<Message>,
    cancelled: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<Finished, SearchError>>>,
}

/// What [`Indexer::finish`] returns.
pub struct Built {
    /// The files of each shard's index, in the order they were asked for.
    pub shards: Vec<ShardFiles>,
    /// Records indexed.
    pub records: usize,
    /// Time the indexing thread worked, in all.
    pub busy: Duration,
    /// Time `finish` waited for it.
    pub waited: Duration,
}

impl Indexer {
    /// Starts the thread that indexes the records of `shards` (in position order, each
    /// shard an index of its own).
    pub fn start(shards: Vec<Shard>) -> Result<Self, SearchError> {
        let wanted = shards.iter().map(|s| s.positions.clone()).collect();
        let (sender, receiver) = mpsc::channel();
        let cancelled = Arc::new(AtomicBool::new(false));
        let stop = cancelled.clone();
        let thread = std::thread::Builder::new()
            .name("search-index".into())
            .spawn(move || run(shards, receiver, &stop))
            .map_err(|e| SearchError::Index(format!("cannot start the indexer: {e}")))?;
        Ok(Self {
            wanted,
            sender,
            cancelled,
            thread: Some(thread),
        })
    }

    /// Hands over the record of the incident at `position` (0, 1, 2, … in the order the
    /// site lists incidents). Callable from any thread, in any order. A record of a shard
    /// it was not asked for is dropped.
    pub fn add(&self, position: usize, record: SearchRecord) {
        if self.wants(position) {
            // If the thread has stopped, `finish` reports why.
            let _ = self.sender.send(Message::Record(position, record));
        }
    }

    /// Whether the record at `position` belongs to a shard being indexed.
    pub fn wants(&self, position: usize) -> bool {
        self.wanted.iter().any(|range| range.contains(&position))
    }

    /// Waits for every record to be indexed and returns the bundle.
    pub fn finish(mut self) -> Result<Built, SearchError> {
        let start = Instant::now();
        let _ = self.sender.send(Message::Finish);
        let finished = self
            .thread
            .take()
            .ok_or_else(|| SearchError::Index("the indexer was already finished".into()))?
            .join()
            .map_err(|_| SearchError::Index("the indexer stopped unexpectedly".into()))??;
        Ok(Built {
            shards: finished.shards,
            records: finished.records,
            busy: finished.busy,
            waited: start.elapsed(),
        })
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        // Unfinished (a page failed to render): nobody wants the bundle; stop early.
        if let Some(thread) = self.thread.take() {
            self.cancelled.store(true, Ordering::Relaxed);
            let (closed, _) = mpsc::channel();
            self.sender = closed;
            let _ = thread.join();
        }
    }
}

/// The indexing thread: indexes each shard's records in position order as they become
/// available, writes the shard's files and drops its index, then waits for
/// [`Message::Finish`].
fn run(
    shards: Vec<Shard>,
    receiver: mpsc::Receiver<Message>,
    cancelled: &AtomicBool,
) -> Result<Finished, SearchError> {
    // Pagefind's API is async; a current-thread runtime is enough to drive it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SearchError::Index(format!("cannot start the indexer: {e}")))?;
    runtime.block_on(async move {
        let mut inbox = Inbox {
            receiver,
            cancelled,
            waiting: BTreeMap::new(),
            finished: false,
        };
        let mut built = Vec::with_capacity(shards.len());
        let (mut records, mut busy) = (0, Duration::ZERO);
        for shard in shards {
            let mut index = new_index()?;
            for position in shard.positions.clone() {
                let record = inbox.take(position)?;
                let start = Instant::now();
                add(&mut index, record).await?;
                busy += start.elapsed();
                records += 1;
            }
            let start = Instant::now();
            let files = bundle_files(&mut index).await?;
            busy += start.elapsed();
            built.push((shard, files));
        }
        inbox.wait_for_finish()?;
        Ok(Finished {
            shards: built,
            records,
            busy,
        })
    })
}

/// Records as they arrive from the render threads, in any order.
struct Inbox<'a> {
    receiver: mpsc::Receiver<Message>,
    cancelled: &'a AtomicBool,
    waiting: BTreeMap<usize, SearchRecord>,
    finished: bool,
}

impl Inbox<'_> {
    /// The record at `position`, once it has arrived.
    fn take(&mut self, position: usize) -> Result<SearchRecord, SearchError> {
        loop {
            if let Some(record) = self.waiting.remove(&position) {
                return Ok(record);
            }
            if self.finished {
                return Err(SearchError::Index(format!(
                    "the record of incident {position} never arrived"
                )));
            }
            self.receive()?;
        }
    }

    fn wait_for_finish(&mut self) -> Result<(), SearchError> {
        while !self.finished {
            self.receive()?;
        }
        Ok(())
    }

    fn receive(&mut self) -> Result<(), SearchError> {
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(SearchError::Index("cancelled".into()));
        }
        match self.receiver.recv() {
            Ok(Message::Record(position, record)) => {
                self.waiting.insert(position, record);
            }
            Ok(Message::Finish) => self.finished = true,
            // Dropped unfinished: nobody wants the bundle.
            Err(mpsc::RecvError) => return Err(SearchError::Index("cancelled".into())),
        }
        Ok(())
    }
}

fn fail(error: anyhow::Error) -> SearchError {
    SearchError::Index(format!("{error:#}"))
}

fn new_index() -> Result<PagefindIndex, SearchError> {
    let config = PagefindServiceConfig::builder()
        .force_language("en".to_owned())
        .keep_index_url(true)
        .build();
    PagefindIndex::new(Some(config)).map_err(fail)
}

async fn add(index: &mut PagefindIndex, record: SearchRecord) -> Result<(), SearchError> {
    index
        .add_html_file(None, Some(record.url), record.html)
        .await
        .map(|_| ())
        .map_err(fail)
}

async fn bundle_files(index: &mut PagefindIndex) -> Result<Vec<BundleFile>, SearchError> {
    let files = index.get_files().await.map_err(fail)?;
    let mut files: Vec<BundleFile> = files
        .into_iter()
        .map(|file| {
            let path = file.filename.to_string_lossy().replace('\\', "/");
            (path, file.contents)
        })
        .filter(|(path, _)| !UNUSED.iter().any(|prefix| path.starts_with(prefix)))
        .collect();
    // Pagefind lists the same files in a varying order; sorted, a bundle is one sequence
    // of bytes (and one render cache entry) for the same records.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Files of Pagefind's bundle that our own search UI never loads: its ready-made UIs, the
/// highlighter, the web worker (`site-search.js` searches on the page), and the search core for
/// pages without a language (ours are all `en`).
const UNUSED: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.js",
    "pagefind-worker.js",
    "wasm.unknown.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::shards::layout;

    fn record(n: usize) -> SearchRecord {
        SearchRecord {
            url: format!("incidents/{n}/"),
            html: format!(
                "<html lang=\"en\"><body><div data-pagefind-meta=\"title:Incident {n}\"></div><p>word{n} shared</p></body></html>"
            ),
        }
    }

    fn bundle(order: &[usize], shard_size: usize) -> Vec<ShardFiles> {
        let indexer = Indexer::start(layout(order.len(), shard_size)).unwrap();
        for &n in order {
            indexer.add(n, record(n));
        }
        indexer.finish().unwrap().shards
    }

    #[test]
    fn the_order_records_arrive_in_does_not_change_the_bundle() {
        let in_order = bundle(&[0, 1, 2, 3], 10);
        assert_eq!(in_order, bundle(&[3, 1, 0, 2], 10));
        let names: Vec<&str> = in_order[0].1.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"pagefind.js"), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("fragment/")),
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.starts_with("pagefind-ui")),
            "{names:?}"
        );
    }

    #[test]
    fn each_shard_is_an_index_of_its_own_records() {
        let shards = bundle(&[4, 0, 3, 1, 2], 2);
        assert_eq!(shards.len(), 3);
        let pages = |files: &[BundleFile]| {
            files
                .iter()
                .filter(|(p, _)| p.starts_with("fragment/"))
                .count()
        };
        let counts: Vec<usize> = shards.iter().map(|(_, files)| pages(files)).collect();
        assert_eq!(counts, [1, 2, 2]);
        // The same records in another shard size give the same newest shard only where
        // its records are the same.
        let single = bundle(&[0], 2);
        assert_eq!(single[0].1, shards[0].1);
    }

    #[test]
    fn records_of_shards_not_asked_for_are_dropped() {
        let shards = layout(3, 1);
        let indexer = Indexer::start(vec![shards[1].clone()]).unwrap();
        assert!(!indexer.wants(0) && indexer.wants(1) && !indexer.wants(2));
        for n in 0..3 {
            indexer.add(n, record(n));
        }
        let built = indexer.finish().unwrap();
        assert_eq!((built.records, built.shards.len()), (1, 1));
    }

    #[test]
    fn a_gap_in_the_records_is_an_error_and_dropping_stops_the_thread() {
        let indexer = Indexer::start(layout(2, 10)).unwrap();
        indexer.add(1, record(1));
        assert!(indexer.finish().is_err());
        let indexer = Indexer::start(layout(2, 10)).unwrap();
        indexer.add(0, record(0));
        drop(indexer);
    }
}
