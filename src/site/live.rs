//! The sinks of `serve`: the live site and reports folders, updated file by file.
//!
//! A save changes a few files of a site that stays served, so instead of a staging folder
//! each file is written on its own, atomically (a temporary file and a rename), and only
//! if its bytes changed: an open page reloads only when its file really changed, and a
//! report a user reads in their editor is not touched for nothing. A digest of each file
//! written is kept instead of its bytes: at 10,000 incidents the pages would be gigabytes.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Sink;
use super::write::{WriteError, holds, is_generated};
use crate::model::Digest;

/// Digests of files by path.
pub type Digests = HashMap<String, Digest>;

/// The live site folder: writes a file only when its bytes changed (known by the digest of
/// what it wrote, or else by reading the file once), removes files and the folders they
/// leave empty.
pub struct LiveFolder {
    dir: PathBuf,
    written: Mutex<Digests>,
}

impl LiveFolder {
    /// The folder `dir`, whose files are those `written` describes.
    pub fn new(dir: PathBuf, written: Digests) -> Self {
        Self {
            dir,
            written: Mutex::new(written),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn written(&self) -> io::Result<std::sync::MutexGuard<'_, Digests>> {
        self.written
            .lock()
            .map_err(|_| io::Error::other("live folder state poisoned"))
    }
}

impl Sink for LiveFolder {
    fn put(&self, path: &str, content: &[u8]) -> io::Result<bool> {
        let digest = Digest::of_bytes(content);
        let target = self.dir.join(path);
        let known = self.written()?.get(path).copied();
        // A file this folder did not write is compared with what is on disk, once.
        let same = match known {
            Some(known) => known == digest && target.is_file(),
            None => holds(&target, content),
        };
        if same {
            self.written()?.insert(path.to_owned(), digest);
            return Ok(false);
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        write_atomically(&target, content)?;
        self.written()?.insert(path.to_owned(), digest);
        Ok(true)
    }

    fn remove(&self, path: &str) -> io::Result<bool> {
        self.written()?.remove(path);
        let target = self.dir.join(path);
        match fs::remove_file(&target) {
            Ok(()) => {
                if let Some(parent) = target.parent() {
                    let _ = fs::remove_dir(parent); // only succeeds when empty
                }
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// The live reports folder: a report is written only if it changed, and a file without
/// the generated marker (or one that cannot be read to tell) is never overwritten or
/// removed, as in a full build.
pub struct LiveReports {
    dir: PathBuf,
}

impl LiveReports {
    /// The reports folder `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }
}

impl Sink for LiveReports {
    fn put(&self, name: &str, content: &[u8]) -> io::Result<bool> {
        let path = self.dir.join(name);
        if holds(&path, content) {
            return Ok(false);
        }
        if path.is_file() && !is_generated(&path) {
            return Err(io::Error::other(WriteError::ForeignReport(path)));
        }
        fs::create_dir_all(&self.dir)?;
        write_atomically(&path, content)?;
        Ok(true)
    }

    fn remove(&self, name: &str) -> io::Result<bool> {
        let path = self.dir.join(name);
        if !path.is_file() || !is_generated(&path) {
            return Ok(false);
        }
        fs::remove_file(&path)?;
        Ok(true)
    }
}

/// A sink that keeps the digest of every file it passes on, so the live folder knows what a
/// full build wrote, and that stops the build once `cancel` is set (Ctrl-C).
pub struct Recording<'a> {
    sink: &'a dyn Sink,
    digests: Mutex<Digests>,
    cancel: &'a AtomicBool,
}

impl<'a> Recording<'a> {
    /// Records what goes to `sink`.
    pub fn new(sink: &'a dyn Sink, cancel: &'a AtomicBool) -> Self {
        Self {
            sink,
            digests: Mutex::new(Digests::new()),
            cancel,
        }
    }

    /// The digests of every file put.
    pub fn into_digests(self) -> Digests {
        self.digests.into_inner().unwrap_or_default()
    }
}

impl Sink for Recording<'_> {
    fn put(&self, path: &str, content: &[u8]) -> io::Result<bool> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "stopped"));
        }
        if let Ok(mut digests) = self.digests.lock() {
            digests.insert(path.to_owned(), Digest::of_bytes(content));
        }
        self.sink.put(path, content)
    }

    fn remove(&self, path: &str) -> io::Result<bool> {
        if let Ok(mut digests) = self.digests.lock() {
            digests.remove(path);
        }
        self.sink.remove(path)
    }
}

/// Writes `path` via a temporary file and a rename, so readers never see half a file.
pub fn write_atomically(path: &Path, content: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&temp, content)?;
    fs::rename(&temp, path).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::report::MARKER;

    #[test]
    fn single_reports_respect_the_marker() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("mine.md"), "hand written").unwrap();
        let text = format!("{MARKER} x -->\nA");
        let reports = LiveReports::new(dir.path().to_path_buf());
        assert!(reports.put("a.md", text.as_bytes()).unwrap());
        assert!(!reports.put("a.md", text.as_bytes()).unwrap(), "unchanged");
        let err = reports.put("mine.md", text.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("not written by postmortem"),
            "{err}"
        );
        assert!(!reports.remove("mine.md").unwrap());
        assert!(reports.remove("a.md").unwrap());
        assert!(!dir.path().join("a.md").exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("mine.md")).unwrap(),
            "hand written"
        );
    }

    #[test]
    fn the_live_folder_writes_only_changed_bytes_and_removes_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveFolder::new(dir.path().to_path_buf(), Digests::new());
        assert!(live.put("a/b/index.html", b"one").unwrap());
        assert!(!live.put("a/b/index.html", b"one").unwrap(), "same bytes");
        assert!(live.put("a/b/index.html", b"two").unwrap());
        assert_eq!(fs::read(dir.path().join("a/b/index.html")).unwrap(), b"two");
        assert!(live.remove("a/b/index.html").unwrap());
        assert!(
            !dir.path().join("a/b").exists(),
            "the empty folder went too"
        );
        assert!(!live.remove("a/b/index.html").unwrap());
    }
}
