//! The incident files as last read, kept up to date by re-scanning the folder.
//!
//! Every file's size and modification time are remembered; a re-scan re-parses only the
//! files whose stamp changed (or that an event named, in case two saves fell within the
//! clock's resolution), notices files that appeared or went, and records which slugs
//! changed since the site was last written. The scan is `check`'s own
//! ([`load::incident_entries`]: hidden entries skipped, symlinks followed, a dangling link
//! an error), without re-reading unchanged files, so a save in a folder of 10,000 costs
//! one parse and a listing of the folder. The stamps come from the [`Snapshot`] taken just
//! before (a file it does not know is looked at): a second `stat` of 10,000 files was a
//! sixth of a save.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{self, Diagnostic};
use crate::knowledge::{IncidentSummary, newest_first};
use crate::load::{self, LoadedIncident, ParsedMemo};
use crate::workspace::{self, Ignore};

use super::rescan::{Snapshot, Stamp};

/// Every incident file of the folder, parsed or not.
#[derive(Default)]
pub struct Sources {
    /// The latest version of every file that parses.
    incidents: Vec<LoadedIncident>,
    /// The summary of each incident, in the same order.
    summaries: Vec<IncidentSummary>,
    /// Where each file's incident is in `incidents`.
    index: HashMap<PathBuf, usize>,
    stamps: HashMap<PathBuf, Stamp>,
    /// Files whose latest version has errors, with every problem found.
    broken: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Warnings of each file, shown again while they last.
    warnings: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Slugs whose file changed (or went) since [`Sources::mark_written`].
    dirty: BTreeSet<String>,
    /// Files read again, or gone, since [`Sources::mark_written`].
    touched: BTreeSet<PathBuf>,
}

impl Sources {
    /// Whether no file was read yet.
    pub fn is_empty(&self) -> bool {
        self.stamps.is_empty()
    }

    /// Forgets everything: the next refresh reads every file.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Re-scans `dir` (less what `ignore` names) and re-parses what changed since the
    /// stamps in `seen`, which must have been taken before this call. `named` files are
    /// re-parsed even if their stamp looks the same; `memo` holds what files parsed to in
    /// an earlier run. Returns how many files were read again or went.
    pub fn refresh(
        &mut self,
        dir: &Path,
        named: &BTreeSet<PathBuf>,
        seen: &Snapshot,
        cwd: &Path,
        settings: &load::Settings,
        memo: Option<&ParsedMemo>,
    ) -> Result<usize, Diagnostic> {
        let found = scan(dir, &settings.ignore, seen)?;
        // A saved picture or file is read again through the incidents that link to it.
        let linking: BTreeSet<PathBuf> = self
            .incidents
            .iter()
            .filter(|loaded| loaded.attachments.iter().any(|a| named.contains(&a.source)))
            .map(|loaded| loaded.path.clone())
            .collect();
        let named: BTreeSet<PathBuf> = named.union(&linking).cloned().collect();
        let named = &named;
        let gone: Vec<PathBuf> = self
            .stamps
            .keys()
            .filter(|path| !found.contains_key(*path))
            .cloned()
            .collect();
        let stale: Vec<(PathBuf, Stamp)> = found
            .into_iter()
            .filter(|(path, stamp)| named.contains(path) || self.stamps.get(path) != Some(stamp))
            .collect();
        let count = gone.len() + stale.len();
        for path in gone {
            self.forget(&path);
            self.touched.insert(path);
        }
        let parsed: Vec<_> = stale
            .into_par_iter()
            .map(|(path, stamp)| {
                let shown = workspace::display_path(&path, cwd);
                let (loaded, diagnostics) = load::load_file(&path, &shown, settings, memo);
                let loaded = loaded.map(|loaded| {
                    let summary = IncidentSummary::new(&loaded);
                    (loaded, summary)
                });
                (path, stamp, (loaded, diagnostics))
            })
            .collect();
        for (path, stamp, result) in parsed {
            match result {
                (Some((loaded, summary)), warnings) => self.put(loaded, summary, warnings),
                (None, diagnostics) => {
                    self.forget(&path);
                    self.broken.insert(path.clone(), diagnostics);
                }
            }
            self.stamps.insert(path.clone(), stamp);
            self.touched.insert(path);
        }
        Ok(count)
    }

    /// Keeps a file's incident: in its place when the file was known, so that the list
    /// stays sorted unless its date changed (sorting 10,000 incidents again is a good part
    /// of a save), else at the end.
    fn put(&mut self, loaded: LoadedIncident, summary: IncidentSummary, warnings: Vec<Diagnostic>) {
        self.broken.remove(&loaded.path);
        self.warnings.insert(loaded.path.clone(), warnings);
        self.dirty.insert(loaded.slug.clone());
        match self.index.get(&loaded.path) {
            Some(&at) => {
                self.dirty.insert(self.incidents[at].slug.clone());
                self.incidents[at] = loaded;
                self.summaries[at] = summary;
            }
            None => {
                self.index.insert(loaded.path.clone(), self.incidents.len());
                self.incidents.push(loaded);
                self.summaries.push(summary);
            }
        }
    }

    /// Drops everything known about one file.
    fn forget(&mut self, path: &Path) {
        self.stamps.remove(path);
        self.broken.remove(path);
        self.warnings.remove(path);
        let Some(i) = self.index.remove(path) else {
            return;
        };
        let loaded = self.incidents.swap_remove(i);
        self.summaries.swap_remove(i);
        if let Some(moved) = self.incidents.get(i) {
            self.index.insert(moved.path.clone(), i);
        }
        self.dirty.insert(loaded.slug);
    }

    /// Every problem, as `check` reports it: parse errors, then the checks across files.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut diagnostics: Vec<Diagnostic> = self.broken.values().flatten().cloned().collect();
        diagnostics.extend(load::validate_set(&self.incidents));
        diagnostic::sort(&mut diagnostics);
        diagnostics
    }

    /// Sorts the incidents newest first, as every list shows them, keeping each summary
    /// beside its incident.
    pub fn sort(&mut self) {
        if self
            .incidents
            .is_sorted_by(|a, b| newest_first(a, b).is_le())
        {
            return; // the usual case: a save that kept the date
        }
        // The order is worked out on indices and each incident moved once: an incident is
        // large, and a sort moves what it sorts many times.
        let mut order: Vec<usize> = (0..self.incidents.len()).collect();
        order.sort_by(|&a, &b| newest_first(&self.incidents[a], &self.incidents[b]));
        let mut pairs: Vec<Option<(LoadedIncident, IncidentSummary)>> = self
            .incidents
            .drain(..)
            .zip(self.summaries.drain(..))
            .map(Some)
            .collect();
        (self.incidents, self.summaries) = order.iter().filter_map(|&i| pairs[i].take()).unzip();
        self.index = self
            .incidents
            .iter()
            .enumerate()
            .map(|(i, loaded)| (loaded.path.clone(), i))
            .collect();
    }

    /// The incidents that parse, newest first after [`Sources::sort`].
    pub fn incidents(&self) -> &[LoadedIncident] {
        &self.incidents
    }

    /// Their summaries, in the same order.
    pub fn summaries(&self) -> &[IncidentSummary] {
        &self.summaries
    }

    /// Slugs changed since the site was last written.
    pub fn dirty(&self) -> &BTreeSet<String> {
        &self.dirty
    }

    /// Files read again since the site was last written.
    pub fn touched(&self) -> &BTreeSet<PathBuf> {
        &self.touched
    }

    /// Warnings of the files read again since the site was last written.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.touched
            .iter()
            .filter_map(|path| self.warnings.get(path))
            .flatten()
            .cloned()
            .collect()
    }

    /// The site now shows every file as read.
    pub fn mark_written(&mut self) {
        self.dirty.clear();
        self.touched.clear();
    }
}

/// Every incident file under `dir` with its stamp in `seen`, or else as it is now; the
/// same files as [`load::discover`].
fn scan(
    dir: &Path,
    ignore: &Ignore,
    seen: &Snapshot,
) -> Result<HashMap<PathBuf, Stamp>, Diagnostic> {
    // The same files, and the same errors, as `check` finds.
    let mut found = HashMap::new();
    for entry in load::incident_entries(dir, ignore)? {
        let stamp = match seen.incident_stamp(entry.path()) {
            Some(stamp) => stamp,
            None => Stamp::of(&entry.metadata().map_err(|e| {
                Diagnostic::file_error(entry.path(), format!("cannot read file: {e}"))
            })?),
        };
        found.insert(entry.into_path(), stamp);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::knowledge::test_support::incident_yaml;
    use crate::serve::watch::WatchRoots;

    #[test]
    fn stamps_come_from_the_look_before_and_unknown_files_are_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        let roots = WatchRoots::of_workspace(dir.path(), &[]);
        let incidents = &roots.incidents;
        fs::create_dir(incidents).unwrap();
        let text = |title: &str| incident_yaml(title, "2025-07-12", "boom", "");
        let a = incidents.join("a.yaml");
        fs::write(&a, text("Cache outage")).unwrap();
        let settings = load::Settings::default();
        let mut sources = Sources::default();
        let refresh = |sources: &mut Sources, seen: &Snapshot| {
            sources
                .refresh(
                    incidents,
                    &BTreeSet::new(),
                    seen,
                    dir.path(),
                    &settings,
                    None,
                )
                .unwrap()
        };
        let first = Snapshot::take(&roots);
        assert_eq!(refresh(&mut sources, &first), 1);
        assert!(
            sources.diagnostics().is_empty(),
            "{:?}",
            sources.diagnostics()
        );
        assert_eq!(
            sources.incidents()[0].incident.title.to_string(),
            "Cache outage"
        );

        // Changed after the look: this refresh goes by the look, the next look sees it.
        fs::write(&a, text("The queue outage")).unwrap();
        assert_eq!(refresh(&mut sources, &first), 0);
        let second = Snapshot::take(&roots);
        assert_eq!(refresh(&mut sources, &second), 1);
        assert_eq!(
            sources.incidents()[0].incident.title.to_string(),
            "The queue outage"
        );

        // A file the look did not see is read all the same.
        fs::write(incidents.join("b.yaml"), text("Cache outage")).unwrap();
        assert_eq!(refresh(&mut sources, &second), 1);
        assert_eq!(sources.incidents().len(), 2);
    }
}
