//! The sinks of a full build, and the rules that keep a user's files safe.
//!
//! The site is written into a staging folder beside the output folder and swapped in with
//! renames, so readers see the old site or the new one, never half of one, and a failed
//! build leaves the old site in place. (`serve` updates its live folder through the sinks
//! of [`super::live`], under the same rules.) An existing output folder is replaced only if it is
//! empty or carries our marker file; the workspace root, the incidents and templates
//! folders, the home folder and anything above them are refused outright.
//!
//! Reports are files among the user's own: only files that start with the report marker
//! are replaced or removed, and unchanged reports are not rewritten.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::Sink;
pub use super::pages::MARKER_FILE;
use crate::model::{Digest, Digester};
use crate::render::report::MARKER;
pub use guard::{
    OutputLock, REPORTS_BUILD_FILE, STAGING_MARKER, interrupted, lock_output, remove_leftovers,
    remove_own_staging, reports_build_id, set_reports_build_id, set_site_build_id, site_build_id,
};

/// Why output was not written. Nothing was deleted.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder is not one we may replace.
    #[error("refusing to write the site to {path}: {reason}")]
    Refused {
        /// The folder.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// The reports folder is among the sources.
    #[error("refusing to write reports to {path}: {reason}")]
    RefusedReports {
        /// The folder.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// A report would overwrite a file postmortem did not write.
    #[error(
        "refusing to overwrite {0}: it was not written by postmortem (move it, or choose another --reports folder)"
    )]
    ForeignReport(PathBuf),
    /// The file system said no.
    #[error("cannot write {path}: {source}")]
    Io {
        /// What we tried to write.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

pub(super) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks that `out` may be replaced by a generated site. `protected` are folders that must
/// never be replaced or contain the site's parent (workspace root, incidents, templates).
pub fn check_output_dir(out: &Path, protected: &[&Path]) -> Result<(), WriteError> {
    let refuse = |reason: String| WriteError::Refused {
        path: out.to_path_buf(),
        reason,
    };
    let target = absolute(out);
    if fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse(
            "it is a symbolic link; point --out at a real folder".into(),
        ));
    }
    if target.parent().is_none() {
        return Err(refuse("that is the file system root".into()));
    }
    if let Some(home) = home_dir()
        && absolute(&home).starts_with(&target)
    {
        return Err(refuse("that is your home folder or above it".into()));
    }
    for folder in protected {
        let folder = absolute(folder);
        if folder.starts_with(&target) {
            return Err(refuse(format!(
                "it is or contains {}, which holds your files; use a folder of its own such as `site`",
                folder.display()
            )));
        }
    }
    match fs::read_dir(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => Err(refuse("it is a file".into())),
        Err(e) => Err(io_error(out)(e)),
        Ok(mut entries) => {
            if out.join(MARKER_FILE).is_file() || entries.next().is_none() {
                Ok(())
            } else {
                Err(refuse(format!(
                    "it holds files postmortem did not write (no {MARKER_FILE} marker); \
                     choose an empty or new folder"
                )))
            }
        }
    }
}

/// Checks that reports may be written into `reports`: not the workspace `root`, nor one of
/// `folders` (incidents, templates, cache, site) or a folder inside one, where they would mix
/// with the files postmortem reads or replaces.
pub fn check_reports_dir(reports: &Path, root: &Path, folders: &[&Path]) -> Result<(), WriteError> {
    let target = absolute(reports);
    let root = absolute(root);
    let inside = folders
        .iter()
        .map(|f| absolute(f))
        .find(|folder| target.starts_with(folder));
    match inside.or((target == root).then_some(root)) {
        None => Ok(()),
        Some(folder) => Err(WriteError::RefusedReports {
            path: reports.to_path_buf(),
            reason: format!(
                "they would be written among the files of {}; use a folder of their own such as `reports`",
                folder.display()
            ),
        }),
    }
}

/// `path` without trailing separators (and `.` components), so `site/` and `site` are one
/// folder to every check.
pub fn without_trailing_slash(path: &Path) -> PathBuf {
    path.components().collect()
}

/// A folder beside `of`, `.<name>.new-<pid>`, created empty, where new output waits until
/// it is complete. Dropped, it is removed unless [`SiblingDir::keep`] was called: a failed
/// build leaves nothing behind.
struct SiblingDir {
    path: PathBuf,
    keep: bool,
}

impl SiblingDir {
    fn create(of: &Path) -> Result<Self, WriteError> {
        let parent = of.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        let path = parent.join(format!(".{}.new-{}", folder_name(of), std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path).map_err(io_error(&path))?;
        }
        guard::create_staging(&path).map_err(io_error(&path))?;
        Ok(Self { path, keep: false })
    }

    /// The folder became something else (it was renamed into place): leave it be.
    fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for SiblingDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
            guard::forget_staging(&self.path);
        }
    }
}

/// A new site being written into a folder beside the output folder. Pages go in as they
/// are rendered ([`Sink`]); [`Staging::commit`] swaps the folder in place of the old site,
/// and dropping it uncommitted removes it, so a failed build leaves the old site alone.
pub struct Staging {
    dir: SiblingDir,
    out: PathBuf,
}

impl Staging {
    /// Creates the staging folder for `out`. Call [`check_output_dir`] first.
    pub fn create(out: &Path) -> Result<Self, WriteError> {
        let out = absolute(out);
        Ok(Self {
            dir: SiblingDir::create(&out)?,
            out,
        })
    }

    /// Marks the new site as ours, of build `build` (shared with its reports), and swaps it
    /// in for the old one.
    pub fn commit(mut self, build: &str) -> Result<(), WriteError> {
        let marker = self.dir.path.join(MARKER_FILE);
        fs::write(&marker, guard::site_marker(build)).map_err(io_error(&marker))?;
        // From here the site marker marks the folder as ours; the staging marker must not
        // reach the site.
        let staging = self.dir.path.join(guard::STAGING_MARKER);
        fs::remove_file(&staging).map_err(io_error(&staging))?;
        guard::swap_in(&self.dir.path, &self.out)?;
        self.dir.keep();
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, content: &[u8]) -> io::Result<bool> {
        // Folders are made below the staging folder only, never the staging folder itself:
        // once Ctrl-C removed it, a render thread still running must fail, not make it
        // again.
        let mut folder = self.dir.path.clone();
        for part in Path::new(path)
            .parent()
            .into_iter()
            .flat_map(Path::components)
        {
            folder.push(part);
            match fs::create_dir(&folder) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => {}
            }
        }
        fs::write(self.dir.path.join(path), content).map(|()| true)
    }

    /// The staging folder starts empty: there is nothing to remove.
    fn remove(&self, _path: &str) -> io::Result<bool> {
        Ok(false)
    }
}

/// The stamp of the site in `out`: the identity of its marker file (device, inode and
/// times), which every full build writes anew and nothing else touches, so that what a
/// build recorded about the folder can be told to still describe it. Derived from the file
/// system rather than written into the marker, so two builds of the same input still give
/// the same bytes.
pub fn site_stamp(out: &Path) -> Option<Digest> {
    let metadata = fs::metadata(out.join(MARKER_FILE)).ok()?;
    let mut digester = Digester::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        digester.add(&[
            metadata.dev() as i64,
            metadata.ino() as i64,
            metadata.mtime(),
            metadata.mtime_nsec(),
            metadata.ctime(),
            metadata.ctime_nsec(),
        ]);
    }
    let modified = metadata.modified().ok()?;
    let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(digester.text(&since.as_nanos().to_string()).finish())
}

pub(super) fn folder_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into())
}

/// What writing the reports did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReportStats {
    /// Reports written because they were new or changed.
    pub written: usize,
    /// Reports left alone because they were already up to date.
    pub unchanged: usize,
    /// Generated reports removed because their incident is gone.
    pub removed: usize,
}

/// Reports being written. Each is compared with the report in place as soon as it is
/// rendered (so a build never holds every report in memory) and, if it changed, goes into
/// a staging folder beside the reports folder; [`ReportStaging::commit`] then moves those
/// into place, one rename each, and removes generated reports of incidents that are gone.
/// Files without the marker are checked before anything is rendered and never touched;
/// dropped uncommitted, it leaves the reports folder as it was.
pub struct ReportStaging {
    dir: PathBuf,
    staging: SiblingDir,
    /// Every report this build writes, changed or not.
    names: HashSet<OsString>,
    unchanged: AtomicUsize,
    /// The digest of every report, changed or not, by name: what the build id is made of.
    digests: std::sync::Mutex<std::collections::BTreeMap<String, Digest>>,
}

impl ReportStaging {
    /// Prepares to write the reports `names` into `dir`; refuses if one of them exists there
    /// and was not written by postmortem.
    pub fn create<'a>(
        dir: &Path,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, WriteError> {
        let names: HashSet<OsString> = names.into_iter().map(OsString::from).collect();
        for name in &names {
            let path = dir.join(name);
            if path.is_file() && !is_generated(&path) {
                return Err(WriteError::ForeignReport(path));
            }
        }
        let dir = absolute(dir);
        Ok(Self {
            staging: SiblingDir::create(&dir)?,
            dir,
            names,
            unchanged: AtomicUsize::new(0),
            digests: Default::default(),
        })
    }

    /// The id of this build, once every report was put (see [`build_id`]).
    pub fn build_id(&self) -> String {
        let digests = self.digests.lock().unwrap_or_else(|e| e.into_inner());
        build_id(
            digests
                .iter()
                .map(|(name, digest)| (name.as_str(), *digest)),
        )
    }

    /// Moves every changed report into place, removes stale generated ones and records the
    /// build id, last: reports with the id of their site are complete.
    pub fn commit(self, build: &str) -> Result<ReportStats, WriteError> {
        fs::create_dir_all(&self.dir).map_err(io_error(&self.dir))?;
        let mut stats = ReportStats {
            unchanged: self.unchanged.load(Ordering::Relaxed),
            ..ReportStats::default()
        };
        for entry in fs::read_dir(&self.staging.path)
            .map_err(io_error(&self.staging.path))?
            .flatten()
        {
            if entry.file_name() == STAGING_MARKER {
                continue;
            }
            let to = self.dir.join(entry.file_name());
            fs::rename(entry.path(), &to).map_err(io_error(&to))?;
            stats.written += 1;
        }
        for entry in fs::read_dir(&self.dir)
            .map_err(io_error(&self.dir))?
            .flatten()
        {
            let path = entry.path();
            let is_report = path.extension().is_some_and(|e| e == "md") && path.is_file();
            if is_report && !self.names.contains(&entry.file_name()) && is_generated(&path) {
                fs::remove_file(&path).map_err(io_error(&path))?;
                stats.removed += 1;
            }
        }
        set_reports_build_id(&self.dir, build)?;
        Ok(stats)
    }
}

impl Sink for ReportStaging {
    fn put(&self, name: &str, content: &[u8]) -> io::Result<bool> {
        self.digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned(), Digest::of_bytes(content));
        if holds(&self.dir.join(name), content) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(false);
        }
        fs::write(self.staging.path.join(name), content).map(|()| true)
    }

    /// Stale reports are removed when the staging commits.
    fn remove(&self, _name: &str) -> io::Result<bool> {
        Ok(false)
    }
}

/// The id of a build: a digest of its reports (`name`, digest of the bytes), in name
/// order. The same input gives the same id, so output stays byte-identical, wherever the
/// folders are and whether the build wrote a new site or updated one in place.
pub fn build_id<'a>(reports: impl Iterator<Item = (&'a str, Digest)>) -> String {
    let mut all = Digester::new();
    for (name, digest) in reports {
        all.text(name).digest(digest);
    }
    format!("{:032x}", all.finish().0)
}

/// [`build_id`] of the reports `names` as they are in `dir`.
pub fn build_id_on_disk(dir: &Path, names: &[String]) -> String {
    use rayon::prelude::*;
    let mut names: Vec<&String> = names.iter().collect();
    names.sort();
    let digests: Vec<(&str, Digest)> = names
        .par_iter()
        .map(|name| {
            let bytes = fs::read(dir.join(name)).unwrap_or_default();
            (name.as_str(), Digest::of_bytes(&bytes))
        })
        .collect();
    build_id(digests.into_iter())
}

/// Whether the file at `path` holds exactly `content`. Sizes are compared first and then
/// the bytes a block at a time, so a changed page is rarely read at all and a large one is
/// never held twice in memory.
pub(crate) fn holds(path: &Path, content: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let size = file
        .metadata()
        .ok()
        .filter(fs::Metadata::is_file)
        .map(|m| m.len());
    if size != Some(content.len() as u64) {
        return false;
    }
    let mut block = vec![0; content.len().clamp(1, 256 * 1024)];
    let mut rest = content;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if rest.get(..n) == Some(&block[..n]) => rest = &rest[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            _ => return false,
        }
    }
}

/// Whether a file starts with the report marker.
pub(super) fn is_generated(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; MARKER.len()];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| start == *MARKER.as_bytes())
}

/// The absolute form of `path` with `..` resolved and symlinks followed as far as the path
/// exists, so `site/..` is recognised as the folder it names.
fn absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    resolve_existing(&normal)
}

fn resolve_existing(path: &Path) -> PathBuf {
    match path.canonicalize() {
        Ok(real) => real,
        Err(_) => match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => resolve_existing(parent).join(name),
            _ => path.to_path_buf(),
        },
    }
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

mod guard;
#[cfg(test)]
mod tests;
