//! Indexing on a thread of its own, fed while pages are still being rendered.
//!
//! Pagefind takes records one at a time (its index is behind a lock), so indexing is mostly
//! serial work. Run after rendering, it would make the build wait for it with one core idle;
//! fed as each incident is rendered, it overlaps rendering and only its last step (building
//! and compressing the index files) is left when rendering ends. Records arrive in any order
//! from the render threads and are indexed in incident order, so the bundle is the same
//! bytes on every build.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use super::{SearchError, SearchRecord};

/// A file of the bundle: path inside the bundle, content.
pub type BundleFile = (String, Vec<u8>);

enum Message {
    /// The record of the incident at this position.
    Record(usize, SearchRecord),
    /// Every record was sent: build the bundle.
    Finish,
}

/// What the indexing thread hands back.
struct Finished {
    files: Vec<BundleFile>,
    records: usize,
    busy: Duration,
}

/// An index being built on its own thread; dropping it unfinished stops the thread.
pub struct Indexer {
    sender: mpsc::Sender<Message>,
    cancelled: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<Finished, SearchError>>>,
}

/// What [`Indexer::finish`] returns.
pub struct Built {
    /// The bundle's files.
    pub files: Vec<BundleFile>,
    /// Records indexed.
    pub records: usize,
    /// Time the indexing thread worked, in all.
    pub busy: Duration,
    /// Time `finish` waited for it.
    pub waited: Duration,
}

impl Indexer {
    /// Starts the indexing thread.
    pub fn start() -> Result<Self, SearchError> {
        let (sender, receiver) = mpsc::channel();
        let cancelled = Arc::new(AtomicBool::new(false));
        let stop = cancelled.clone();
        let thread = std::thread::Builder::new()
            .name("search-index".into())
            .spawn(move || run(receiver, &stop))
            .map_err(|e| SearchError::Index(format!("cannot start the indexer: {e}")))?;
        Ok(Self {
            sender,
            cancelled,
            thread: Some(thread),
        })
    }

    /// Hands over the record of the incident at `position` (0, 1, 2, … in the order the
    /// site lists incidents). Callable from any thread, in any order.
    pub fn add(&self, position: usize, record: SearchRecord) {
        // If the thread has stopped, `finish` reports why.
        let _ = self.sender.send(Message::Record(position, record));
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
            files: finished.files,
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

/// The indexing thread: adds records in position order as they become available, then
/// builds the bundle on [`Message::Finish`].
fn run(receiver: mpsc::Receiver<Message>, cancelled: &AtomicBool) -> Result<Finished, SearchError> {
    // Pagefind's API is async; a current-thread runtime is enough to drive it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SearchError::Index(format!("cannot start the indexer: {e}")))?;
    runtime.block_on(async move {
        let mut index = new_index()?;
        let mut waiting: BTreeMap<usize, SearchRecord> = BTreeMap::new();
        let mut next = 0;
        let mut busy = Duration::ZERO;
        loop {
            if cancelled.load(Ordering::Relaxed) {
                return Err(SearchError::Index("cancelled".into()));
            }
            match receiver.recv() {
                Ok(Message::Record(position, record)) => {
                    waiting.insert(position, record);
                    let start = Instant::now();
                    while let Some(record) = waiting.remove(&next) {
                        add(&mut index, record).await?;
                        next += 1;
                    }
                    busy += start.elapsed();
                }
                Ok(Message::Finish) => break,
                // Dropped unfinished: nobody wants the bundle.
                Err(mpsc::RecvError) => return Err(SearchError::Index("cancelled".into())),
            }
        }
        if let Some(missing) = (!waiting.is_empty()).then_some(next) {
            return Err(SearchError::Index(format!(
                "the record of incident {missing} never arrived"
            )));
        }
        let start = Instant::now();
        let files = bundle_files(&mut index).await?;
        busy += start.elapsed();
        Ok(Finished {
            files,
            records: next,
            busy,
        })
    })
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

    fn record(n: usize) -> SearchRecord {
        SearchRecord {
            url: format!("incidents/{n}/"),
            html: format!(
                "<html lang=\"en\"><body><div data-pagefind-meta=\"title:Incident {n}\"></div><p>word{n} shared</p></body></html>"
            ),
        }
    }

    fn bundle(order: &[usize]) -> Vec<BundleFile> {
        let indexer = Indexer::start().unwrap();
        for &n in order {
            indexer.add(n, record(n));
        }
        indexer.finish().unwrap().files
    }

    #[test]
    fn the_order_records_arrive_in_does_not_change_the_bundle() {
        let in_order = bundle(&[0, 1, 2, 3]);
        assert_eq!(in_order, bundle(&[3, 1, 0, 2]));
        let names: Vec<&str> = in_order.iter().map(|(p, _)| p.as_str()).collect();
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
    fn a_gap_in_the_records_is_an_error_and_dropping_stops_the_thread() {
        let indexer = Indexer::start().unwrap();
        indexer.add(1, record(1));
        assert!(indexer.finish().is_err());
        let indexer = Indexer::start().unwrap();
        indexer.add(0, record(0));
        drop(indexer);
    }
}
