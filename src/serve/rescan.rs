//! The safety net under file events: every few seconds, a `stat` of every watched file.
//!
//! File events get lost: a folder renamed away and back, deleted and copied again, or
//! replaced by a symlink can leave a watch on the wrong folder or none, an event queue can
//! overflow, and `--poll` compares times in whole seconds. So while `serve` or `watch`
//! runs, [`Snapshot::take`] records size, modification time (to the nanosecond) and file
//! identity of `postmortem.toml`, every template and every file under the incidents
//! folder, and a [`Snapshot::missed`] between two of them says what changed: a missed
//! event costs at most [`RESCAN`]. A look at 10,000 files takes about 40 ms, nearly all of
//! it the `stat`s; the session re-scanning the incidents takes its stamps from the look
//! before it rather than `stat` each file again.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::watch::{Change, WatchRoots, is_editor_file};

/// How long a change missed by the file events may go unseen.
pub const RESCAN: Duration = Duration::from_secs(2);

/// What a file looked like: a file whose stamp is unchanged is not read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// Device and inode: a file copied over with the same size and time is another file.
    id: (u64, u64),
}

impl Stamp {
    pub fn of(meta: &fs::Metadata) -> Self {
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            id: file_id(meta),
        }
    }
}

#[cfg(unix)]
fn file_id(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn file_id(_: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// The watched files as they were at one moment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// `postmortem.toml` and the templates: any change rebuilds everything.
    settings: HashMap<PathBuf, Stamp>,
    /// Incident files and what they link to. Hashed, not sorted: comparing 10,000 paths
    /// component by component, as a sorted map does, took most of a look.
    incidents: HashMap<PathBuf, Stamp>,
}

impl Snapshot {
    /// Looks at every file under `roots` (following symlinks; missing folders are empty).
    pub fn take(roots: &WatchRoots) -> Self {
        let mut settings = HashMap::new();
        if let Ok(meta) = fs::metadata(&roots.config) {
            settings.insert(roots.config.clone(), Stamp::of(&meta));
        }
        walk(&roots.templates, &roots.ignore, &mut settings);
        let mut incidents = HashMap::new();
        walk(&roots.incidents, &roots.ignore, &mut incidents);
        Self {
            settings,
            incidents,
        }
    }

    /// The stamp of a file under the incidents folder, if it was there.
    pub fn incident_stamp(&self, path: &Path) -> Option<Stamp> {
        self.incidents.get(path).copied()
    }

    /// What changed between `self` and `now`: the incident files that differ, and whether
    /// the settings or templates did.
    pub fn missed(&self, now: &Snapshot) -> Change {
        let mut change = Change {
            settings: self.settings != now.settings,
            ..Change::default()
        };
        for (path, stamp) in &now.incidents {
            if self.incidents.get(path) != Some(stamp) {
                change.paths.insert(path.clone());
            }
        }
        for path in self.incidents.keys() {
            if !now.incidents.contains_key(path) {
                change.paths.insert(path.clone());
            }
        }
        change
    }
}

/// Adds every file under `dir` but editor files, hidden ones and the `ignore` folders.
fn walk(dir: &Path, ignore: &[PathBuf], into: &mut HashMap<PathBuf, Stamp>) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(is_editor_file(entry.path()) || ignore.iter().any(|i| entry.path() == i))
        });
    for entry in walker.flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        if let Ok(meta) = entry.metadata() {
            into.insert(entry.into_path(), Stamp::of(&meta));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(dir: &Path) -> WatchRoots {
        WatchRoots::of_workspace(dir, &["incidents/site"])
    }

    #[test]
    fn every_kind_of_change_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let r = roots(dir.path());
        fs::create_dir_all(r.incidents.join("site")).unwrap();
        fs::create_dir_all(&r.templates).unwrap();
        fs::write(r.incidents.join("a.yaml"), "a").unwrap();
        fs::write(r.incidents.join("site/index.html"), "x").unwrap();
        fs::write(r.incidents.join(".a.yaml.swp"), "x").unwrap();
        let first = Snapshot::take(&r);
        assert_eq!(first.incidents.len(), 1, "{first:?}");
        assert!(first.missed(&Snapshot::take(&r)).is_empty());

        // The same size, within the same second: the nanoseconds tell.
        fs::write(r.incidents.join("a.yaml"), "b").unwrap();
        let second = Snapshot::take(&r);
        let change = first.missed(&second);
        if first != second {
            assert_eq!(change.paths.len(), 1);
            assert!(!change.settings);
        }
        fs::write(r.templates.join("base.html"), "t").unwrap();
        let third = Snapshot::take(&r);
        assert!(second.missed(&third).settings);
        fs::write(&r.config, "title = \"x\"\n").unwrap();
        assert!(third.missed(&Snapshot::take(&r)).settings);

        // The folder replaced by a copy: new files.
        let copy = dir.path().join("copy");
        fs::create_dir_all(&copy).unwrap();
        fs::copy(r.incidents.join("a.yaml"), copy.join("a.yaml")).unwrap();
        let before = Snapshot::take(&r);
        fs::remove_dir_all(&r.incidents).unwrap();
        let gone = Snapshot::take(&r);
        assert_eq!(before.missed(&gone).paths.len(), 1, "a deleted file");
        fs::rename(&copy, &r.incidents).unwrap();
        assert_eq!(gone.missed(&Snapshot::take(&r)).paths.len(), 1);
    }
}
