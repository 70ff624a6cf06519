//! Watching the workspace: which file events mean "rebuild", and when.
//!
//! Events come from notify (native events, or polling with `--poll` for network mounts and
//! containers) through notify-debouncer-full, which pairs renames and drops duplicates.
//! Per-file events are not trusted to be complete (files written into a brand-new folder
//! are sometimes reported late, and a deleted folder takes its watch with it), so an event
//! only says *that* something under a watched root changed; the rebuild re-scans the
//! incidents folder itself. What an event can tell is whether it touched the templates or
//! `postmortem.toml` (a full rebuild) or only incidents.
//!
//! Ignored: access events, editor droppings (`.swp`, `~`, vim's `4913` probe, emacs'
//! `.#file` and `#file#`, any dot-file) and everything under the output folders, so a
//! rebuild never triggers itself.
//!
//! Saves come in bursts (an editor's atomic save is three events; a formatter or `git
//! checkout` is hundreds), so [`next_change`] waits until events have been quiet for a
//! moment before a rebuild starts, but never longer than a cap, so a steady stream of
//! saves still shows progress.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, NoCache, RecommendedCache, new_debouncer,
    new_debouncer_opt,
};

/// How long the debouncer holds an event to pair it with related ones (a rename's halves).
const DEBOUNCE: Duration = Duration::from_millis(10);
/// How often the debouncer looks for events old enough to hand over.
const DEBOUNCE_TICK: Duration = Duration::from_millis(5);
/// A rebuild starts once no event came for this long...
pub const QUIET: Duration = Duration::from_millis(30);
/// ...or this long after the first event of a burst, whichever comes first.
pub const MAX_WAIT: Duration = Duration::from_millis(300);
/// How often `--poll` looks at the files (a `stat` of each: 10,000 files twice a second is
/// a few percent of a core).
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What to watch, and what to ignore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRoots {
    /// The workspace root, watched on its own (not recursively) to see `postmortem.toml`
    /// and the incidents and templates folders come and go.
    pub root: PathBuf,
    /// `postmortem.toml`.
    pub config: PathBuf,
    /// The incidents folder.
    pub incidents: PathBuf,
    /// The template overrides folder.
    pub templates: PathBuf,
    /// Output folders: nothing under them triggers a rebuild.
    pub ignore: Vec<PathBuf>,
}

/// What changed since the last rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Paths named by events (the rebuild also re-scans, so this is a hint).
    pub paths: BTreeSet<PathBuf>,
    /// Templates or settings changed, or events were lost: rebuild everything.
    pub settings: bool,
}

impl Change {
    /// Whether there is anything to rebuild.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.settings
    }

    /// Adds the changes of `other`.
    pub fn merge(&mut self, other: Change) {
        self.paths.extend(other.paths);
        self.settings |= other.settings;
    }

    /// What a set of debounced events means for `roots`.
    pub fn from_events<'a>(
        events: impl IntoIterator<Item = &'a DebouncedEvent>,
        roots: &WatchRoots,
    ) -> Self {
        let mut change = Change::default();
        for event in events {
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            if event.need_rescan() {
                change.settings = true;
                continue;
            }
            for path in &event.paths {
                match classify(path, roots) {
                    Some(Kind::Settings) => change.settings = true,
                    Some(Kind::Incident) => {
                        change.paths.insert(path.clone());
                    }
                    None => {}
                }
            }
        }
        change
    }
}

enum Kind {
    Settings,
    Incident,
}

/// Whether a changed path matters, and how much.
fn classify(path: &Path, roots: &WatchRoots) -> Option<Kind> {
    if roots.ignore.iter().any(|dir| path.starts_with(dir)) {
        return None;
    }
    if path == roots.config {
        return Some(Kind::Settings);
    }
    for (dir, kind) in [
        (&roots.templates, Kind::Settings),
        (&roots.incidents, Kind::Incident),
    ] {
        if let Ok(relative) = path.strip_prefix(dir) {
            return (!relative.iter().any(|name| is_editor_file(Path::new(name)))).then_some(kind);
        }
    }
    None // another file next to postmortem.toml
}

/// Swap, backup, lock and temporary files of editors (and of our own atomic writes).
pub fn is_editor_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let vim_swap = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.len() == 3 && ext.starts_with("sw"));
    name.starts_with('.') // .#file (emacs lock), .file.swp, .name.tmp-123
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.bytes().all(|b| b.is_ascii_digit()) // vim's write probe: 4913, 5036, ...
        || name.contains("___jb_")
        || vim_swap
}

/// Which watcher to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The operating system's file events.
    Native,
    /// Look at every file every [`POLL_INTERVAL`].
    Poll,
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Inner {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Self::Native(d) => d.watch(path, mode),
            Self::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Self::Native(d) => d.unwatch(path),
            Self::Poll(d) => d.unwatch(path),
        }
    }
}

/// A watched folder and which folder it was (a re-created folder needs a new watch).
struct Watched {
    path: PathBuf,
    identity: Option<Identity>,
}

/// Watches the roots of a workspace and sends a [`Change`] for every relevant batch of
/// events. Dropping it stops watching.
pub struct Watcher {
    inner: Inner,
    roots: Arc<Mutex<WatchRoots>>,
    watched: Vec<Watched>,
    /// Problems setting up watches, to show the user once.
    pub problems: Vec<String>,
    reported: std::collections::HashSet<PathBuf>,
    /// Watched folders that were themselves moved, deleted or created since the last
    /// sync: their watch may follow the old folder, or be gone, so it is set up again.
    touched_roots: Arc<Mutex<BTreeSet<PathBuf>>>,
}

impl Watcher {
    /// Starts watching `roots`; changes arrive on the returned channel, watcher errors are
    /// reported as a full rescan plus a message on `errors`.
    pub fn start(
        roots: WatchRoots,
        mode: Mode,
        changes: Sender<Change>,
        errors: Sender<String>,
    ) -> notify::Result<Self> {
        let shared = Arc::new(Mutex::new(roots));
        let handler_roots = Arc::clone(&shared);
        let touched_roots = Arc::new(Mutex::new(BTreeSet::new()));
        let handler_touched = Arc::clone(&touched_roots);
        let handler = move |result: DebounceEventResult| {
            let change = match result {
                Ok(events) => match handler_roots.lock() {
                    Ok(roots) => {
                        note_touched_roots(&events, &roots, &handler_touched);
                        Change::from_events(&events, &roots)
                    }
                    Err(_) => return,
                },
                Err(problems) => {
                    for problem in problems {
                        let _ = errors.send(problem.to_string());
                    }
                    Change {
                        settings: true,
                        ..Change::default()
                    }
                }
            };
            if !change.is_empty() {
                let _ = changes.send(change);
            }
        };
        let inner = match mode {
            Mode::Native => Inner::Native(new_debouncer(DEBOUNCE, Some(DEBOUNCE_TICK), handler)?),
            Mode::Poll => Inner::Poll(new_debouncer_opt(
                DEBOUNCE,
                Some(DEBOUNCE_TICK),
                handler,
                NoCache,
                notify::Config::default().with_poll_interval(POLL_INTERVAL),
            )?),
        };
        let mut watcher = Self {
            inner,
            roots: shared,
            watched: Vec::new(),
            problems: Vec::new(),
            reported: std::collections::HashSet::new(),
            touched_roots,
        };
        watcher.sync();
        Ok(watcher)
    }

    /// Follows the roots of `roots` (they move when `postmortem.toml` changes) and
    /// re-establishes watches on folders that were deleted and created again. Returns
    /// whether a new watch was added, after which the caller should re-scan: files written
    /// before the watch existed sent no event.
    pub fn set_roots(&mut self, roots: WatchRoots) -> bool {
        if let Ok(mut current) = self.roots.lock() {
            *current = roots;
        }
        self.sync()
    }

    fn sync(&mut self) -> bool {
        let Ok(roots) = self.roots.lock().map(|r| r.clone()) else {
            return false;
        };
        let wanted = [
            (roots.root.clone(), RecursiveMode::NonRecursive),
            (roots.incidents.clone(), RecursiveMode::Recursive),
            (roots.templates.clone(), RecursiveMode::Recursive),
        ];
        let touched = self
            .touched_roots
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        // Drop watches that are no longer wanted or whose folder was replaced or moved.
        let mut kept = Vec::new();
        for watched in std::mem::take(&mut self.watched) {
            let current = identity(&watched.path);
            let still_wanted = wanted.iter().any(|(p, _)| *p == watched.path);
            let moved = touched.contains(&watched.path);
            if still_wanted && !moved && current.is_some() && current == watched.identity {
                kept.push(watched);
            } else {
                let _ = self.inner.unwatch(&watched.path);
            }
        }
        self.watched = kept;
        let mut added = false;
        for (path, mode) in wanted {
            if self.watched.iter().any(|w| w.path == path) || !path.is_dir() {
                continue;
            }
            match self.inner.watch(&path, mode) {
                Ok(()) => {
                    self.watched.push(Watched {
                        identity: identity(&path),
                        path,
                    });
                    added = true;
                }
                Err(e) => {
                    if self.reported.insert(path.clone()) {
                        self.problems
                            .push(format!("cannot watch {}: {e}", path.display()));
                    }
                }
            }
        }
        added
    }
}

/// Notes events on the incidents or templates folder itself (not on what is in it).
fn note_touched_roots(
    events: &[DebouncedEvent],
    roots: &WatchRoots,
    touched: &Mutex<BTreeSet<PathBuf>>,
) {
    let Ok(mut touched) = touched.lock() else {
        return;
    };
    for event in events {
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        for path in &event.paths {
            if *path == roots.incidents || *path == roots.templates {
                touched.insert(path.clone());
            }
        }
    }
}

/// Which folder a path is, so a deleted and re-created folder is told apart.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = std::time::SystemTime;

#[cfg(unix)]
fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<Identity> {
    std::fs::metadata(path).ok()?.created().ok()
}

/// Waits for the next change and for the burst it starts to settle: returns once no event
/// came for [`QUIET`], or [`MAX_WAIT`] after the first one. `None` when `stop` says so or
/// the watcher is gone (without `idle_rescan`). `stop` is checked every `tick`. With
/// `idle_rescan`, an empty change (a re-scan) is returned after that long without events,
/// whether the watcher is alive or not.
pub fn next_change(
    changes: &Receiver<Change>,
    tick: Duration,
    idle_rescan: Option<Duration>,
    stop: &dyn Fn() -> bool,
) -> Option<Change> {
    let idle_since = Instant::now();
    let mut change = loop {
        if stop() {
            return None;
        }
        if idle_rescan.is_some_and(|after| idle_since.elapsed() >= after) {
            return Some(Change::default());
        }
        match changes.recv_timeout(tick) {
            Ok(change) => break change,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) if idle_rescan.is_some() => {
                std::thread::sleep(tick);
            }
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    };
    let deadline = Instant::now() + MAX_WAIT;
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        match changes.recv_timeout(QUIET.min(deadline - now)) {
            Ok(more) => change.merge(more),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(change)
}

#[cfg(test)]
impl WatchRoots {
    /// The folders of a workspace at `root` laid out as `init` makes it, with the folders
    /// `ignore` names (relative to `root`) left out.
    pub(crate) fn of_workspace(root: &Path, ignore: &[&str]) -> Self {
        Self {
            root: root.to_path_buf(),
            config: root.join(crate::workspace::CONFIG_FILE),
            incidents: root.join("incidents"),
            templates: root.join("templates"),
            ignore: ignore.iter().map(|folder| root.join(folder)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots() -> WatchRoots {
        WatchRoots::of_workspace(Path::new("/w"), &["site", "reports"])
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [
            ".a.yaml.swp",
            "a.yaml.swx",
            "a.yaml~",
            "4913",
            ".#a.yaml",
            "#a.yaml#",
            ".a.yaml.tmp-12",
            "a.yaml___jb_tmp___",
        ] {
            assert!(is_editor_file(Path::new(name)), "{name}");
        }
        for name in ["a.yaml", "2025-07-12-x.yaml", "base.html", "style.css"] {
            assert!(!is_editor_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn paths_are_classified() {
        let r = roots();
        let kind = |p: &str| classify(Path::new(p), &r).map(|k| matches!(k, Kind::Settings));
        assert_eq!(kind("/w/incidents/a.yaml"), Some(false));
        assert_eq!(kind("/w/incidents"), Some(false), "the folder itself");
        assert_eq!(kind("/w/incidents/sub/.a.yaml.swp"), None);
        assert_eq!(kind("/w/templates/base.html"), Some(true));
        assert_eq!(kind("/w/postmortem.toml"), Some(true));
        assert_eq!(kind("/w/site/index.html"), None);
        assert_eq!(kind("/w/reports/a.md"), None);
        assert_eq!(kind("/w/README.md"), None);
        assert_eq!(kind("/w/.site.new-12/index.html"), None);
    }

    #[test]
    fn output_inside_incidents_is_still_ignored() {
        let mut r = roots();
        r.ignore = vec!["/w/incidents/site".into()];
        assert!(classify(Path::new("/w/incidents/site/index.html"), &r).is_none());
    }

    #[test]
    fn bursts_settle_into_one_change() {
        let (tx, rx) = std::sync::mpsc::channel();
        for i in 0..50 {
            let mut change = Change::default();
            change.paths.insert(format!("/w/incidents/{i}.yaml").into());
            tx.send(change).unwrap();
        }
        let tick = Duration::from_millis(10);
        let change = next_change(&rx, tick, None, &|| false).unwrap();
        assert_eq!(change.paths.len(), 50);
        let rescan = next_change(&rx, tick, Some(tick), &|| false).unwrap();
        assert!(rescan.is_empty(), "idle re-scan");
        drop(tx);
        assert!(next_change(&rx, tick, None, &|| false).is_none());
    }
}
