//! The state of a live preview: what was loaded and what was written, so that one saved
//! file costs one page, not the whole site.
//!
//! A [`Session`] keeps every parsed incident (`Sources`), the inventory of the pages on
//! disk with the key each was rendered with, and the search record of each incident. On
//! each change it
//!
//! 1. re-scans the incidents folder and re-parses the files whose stamp changed (or that an
//!    event named), so a missed or late event cannot leave a file stale; the stamps are
//!    those of the last [`Session::look`], which the caller takes just before;
//! 2. validates the whole set again, exactly as `check` does; on any error nothing is
//!    written and the last good site stays;
//! 3. asks the [`Pipeline`] to update the live folder: the edited incidents' pages first,
//!    then every page whose key changed, removing the pages that are gone
//!    ([`Pipeline::update`]); a template or settings change, the first build, and a
//!    rebuild after one that stopped half-way write everything through a staging folder
//!    instead ([`Pipeline::write_full`], as `postmortem build` does);
//! 4. hands the search records to the background indexer.
//!
//! The rendering is the pipeline's; this module only decides which of its two entry
//! points a change needs and remembers what they wrote.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostic;
use crate::knowledge::SimilarityMemo;
use crate::pipeline::{BuildOptions, Counts, Pipeline, Remembered, Sinks};
use crate::search::{BUNDLE_DIR, SearchRecord};
use crate::site::live::{LiveFolder, LiveReports};
use crate::workspace::{self, CONFIG_FILE, Workspace};

pub use super::outcome::{Failure, Outcome, Rebuilt};
use super::rescan::Snapshot;
use super::search::SearchRefresher;
use super::sources::Sources;
use super::watch::{Change, WatchRoots};

/// Called once the changed incidents' own pages are on disk, with their paths (relative
/// to the site), before the list pages and reports follow.
pub type EarlyPages<'a> = dyn FnMut(&[String]) + 'a;

/// The state of a live preview: the loaded incidents and what was last written.
pub struct Session {
    cwd: PathBuf,
    explicit_root: Option<PathBuf>,
    options: BuildOptions,
    workspace: Workspace,
    /// The templates and settings of the site; `None` until read, or after they changed.
    pipeline: Option<Pipeline>,
    sources: Sources,
    /// The watched files as last looked at (see [`Session::look`]).
    seen: Snapshot,
    /// Why the next successful rebuild must write everything, if it must.
    full_reason: Option<String>,
    /// What is on disk; `None` until the first good build.
    site: Option<Written>,
    rebuilds: u64,
    /// The failure last reported, so an unchanged one is not reported again.
    last_error: Option<String>,
    /// `postmortem.toml` could not be read last time: every rebuild tries again, so a
    /// fixed file is applied even if its save sent no event.
    settings_failed: bool,
    cancel: Arc<AtomicBool>,
    /// Re-indexes the search bundle in the background after each change.
    search: Option<SearchRefresher>,
}

/// The output as last written.
struct Written {
    /// Every page with the key it was rendered with, and the similar incidents derived.
    remembered: Remembered,
    /// The live site folder (the search bundle aside: [`SearchRefresher`] keeps that).
    site: LiveFolder,
    /// The live reports folder.
    reports: LiveReports,
    /// The search record of each incident, by slug, as last indexed.
    records: HashMap<String, SearchRecord>,
}

impl Session {
    /// A session for `workspace`, found from `cwd` (or at `explicit_root`, which is where a
    /// changed `postmortem.toml` is looked for again). Nothing is read or written until
    /// [`Session::rebuild`].
    pub fn new(
        cwd: PathBuf,
        explicit_root: Option<PathBuf>,
        workspace: Workspace,
        options: BuildOptions,
    ) -> Self {
        Self {
            cwd,
            explicit_root,
            options,
            workspace,
            pipeline: None,
            sources: Sources::default(),
            seen: Snapshot::default(),
            full_reason: Some("first build".into()),
            site: None,
            rebuilds: 0,
            last_error: None,
            settings_failed: false,
            cancel: Arc::new(AtomicBool::new(false)),
            search: None,
        }
    }

    /// Setting this stops a full rebuild in progress (Ctrl-C); the old site stays.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// The folders to watch and the output folders to ignore.
    pub fn watch_roots(&self) -> WatchRoots {
        let (site, reports) = match crate::pipeline::outputs(&self.workspace, &self.options) {
            Ok(outputs) => (outputs.site, outputs.reports),
            Err(_) => (self.workspace.output_dir(), self.workspace.reports_dir()),
        };
        WatchRoots {
            root: self.workspace.root.clone(),
            config: self.workspace.root.join(CONFIG_FILE),
            incidents: self.workspace.incidents_dir(),
            templates: self.workspace.templates_dir(),
            ignore: vec![site, reports, self.workspace.cache_dir()],
        }
    }

    /// Looks at every file under `roots` (the session's [`Session::watch_roots`]) and says
    /// what changed since the last look, in case a file event was lost. Called before each
    /// rebuild: whatever changes while that runs then differs from this look, and the
    /// rebuild takes its stamps from it.
    pub fn look(&mut self, roots: &WatchRoots) -> Change {
        let now = Snapshot::take(roots);
        let missed = self.seen.missed(&now);
        self.seen = now;
        missed
    }

    /// The site folder being served.
    pub fn site_dir(&self) -> PathBuf {
        self.site
            .as_ref()
            .map(|s| s.site.dir().to_path_buf())
            .or_else(|| self.options.out.clone())
            .unwrap_or_else(|| self.workspace.output_dir())
    }

    /// The search records of the last good site, in list order: what the background
    /// indexer was last given.
    pub fn search_records(&self) -> Vec<&SearchRecord> {
        let Some(site) = &self.site else {
            return Vec::new();
        };
        self.sources
            .summaries()
            .iter()
            .filter_map(|s| site.records.get(&s.slug))
            .collect()
    }

    /// Number of incidents in the last good site.
    pub fn incident_count(&self) -> usize {
        self.site.as_ref().map_or(0, |s| s.records.len())
    }

    /// Brings the site up to date with the files on disk; the first call builds
    /// everything. `early` hears about the changed incidents' pages as soon as they are
    /// written. Returns `None` when there is nothing new to tell (a re-scan that found no
    /// change, or the same failure again).
    pub fn rebuild(&mut self, change: &Change, early: &mut EarlyPages<'_>) -> Option<Outcome> {
        let start = Instant::now();
        let had_site = self.site.is_some();
        self.cancel.store(false, Ordering::Relaxed);
        let (reread, result) = self.update(change, early);
        let error = result.as_ref().err().map(Failure::text);
        // Report saves, settings changes, renders and a failure that changed.
        let news = change.settings
            || reread > 0
            || matches!(&result, Ok(Some(_)))
            || error != self.last_error;
        if !news {
            return None;
        }
        self.last_error = error;
        let mut warnings = self.sources.warnings();
        if let Ok(Some(rebuilt)) = &result {
            // An interrupted `build` left the output half-done: say what this one repaired.
            let site = self.pipeline.as_ref().map(|p| p.outputs().site.clone());
            let site = site.unwrap_or_default();
            warnings.extend(rebuilt.repairs.iter().map(|repair| {
                diagnostic::Diagnostic::file_error(&site, repair.clone())
                    .with_severity(diagnostic::Severity::Warning)
            }));
        }
        // Once a site stands, tell the writer, as `check` does, when a saved incident's
        // error (or a similar one, or a similar cause) was seen before (the first build
        // would list the whole history).
        if had_site && let Ok(Some(rebuilt)) = &result {
            warnings.extend(rebuilt.counts.notes.iter().cloned());
        }
        let changed = self
            .sources
            .touched()
            .iter()
            .map(|p| workspace::display_path(p, &self.cwd))
            .collect();
        if result.is_ok() {
            self.sources.mark_written();
        }
        let number = self.rebuilds;
        self.rebuilds += 1;
        Some(Outcome {
            number,
            changed,
            elapsed: start.elapsed(),
            result: result.map(Option::unwrap_or_default),
            warnings,
        })
    }

    /// Loads what changed and renders what it affects: the number of files read again,
    /// and what was rendered (`None`: nothing to render).
    fn update(
        &mut self,
        change: &Change,
        early: &mut EarlyPages<'_>,
    ) -> (usize, Result<Option<Rebuilt>, Failure>) {
        let settings = if change.settings || self.settings_failed {
            let reloaded = self.reload_settings();
            self.settings_failed = reloaded.is_err();
            reloaded
        } else if self.pipeline.is_none() {
            // The first build, or one after templates failed to load: the workspace is
            // the one the session was given, or last read.
            self.load_pipeline()
        } else {
            Ok(())
        };
        if let Err(failure) = settings {
            return (0, Err(failure));
        }
        let dir = self.workspace.incidents_dir();
        let settings = crate::load::Settings::of(&self.workspace);
        let (named, seen) = (&change.paths, &self.seen);
        // The first load reads back what unchanged files parsed to, as `build` does.
        let first = self.sources.is_empty();
        let cache = self.pipeline.as_ref().and_then(Pipeline::cache);
        let refreshed = crate::cache::with_parsed_memo(cache.filter(|_| first), |memo| {
            self.sources
                .refresh(&dir, named, seen, &self.cwd, &settings, memo)
        });
        let reread = match refreshed {
            Ok(reread) => reread,
            Err(diagnostic) => return (0, Err(Failure::Invalid(vec![diagnostic]))),
        };
        let diagnostics = self.sources.diagnostics();
        if diagnostic::error_count(&diagnostics) > 0 {
            return (reread, Err(Failure::Invalid(diagnostics)));
        }
        // A preview left open past midnight: overdue items and the actions page move on.
        if self
            .pipeline
            .as_ref()
            .is_some_and(|pipeline| pipeline.info().today != self.today())
        {
            self.full_reason
                .get_or_insert_with(|| "a new day (overdue action items)".into());
            if let Err(failure) = self.load_pipeline() {
                return (reread, Err(failure));
            }
        }
        let rendered = if let Some(reason) = self.full_reason.clone() {
            self.render_full(reason).map(Some)
        } else if self.sources.dirty().is_empty() {
            Ok(None)
        } else {
            self.render_changed(early).map(Some)
        };
        (reread, rendered)
    }

    /// The day overdue items are measured against.
    fn today(&self) -> jiff::civil::Date {
        self.options.today.unwrap_or_else(workspace::today)
    }

    /// Re-reads `postmortem.toml` and the templates; a later good rebuild writes everything.
    fn reload_settings(&mut self) -> Result<(), Failure> {
        let workspace = Workspace::discover(&self.cwd, self.explicit_root.as_deref())
            .map_err(|d| Failure::Invalid(vec![d]))?;
        if workspace.incidents_dir() != self.workspace.incidents_dir()
            || workspace.vocabularies != self.workspace.vocabularies
            || workspace.zone != self.workspace.zone
            || workspace.config.remote_images != self.workspace.config.remote_images
        {
            // Another folder, or words and zones that read the files differently.
            self.sources.clear();
        }
        self.workspace = workspace;
        self.load_pipeline()
    }

    /// Loads the templates and settings of the workspace; a later good rebuild writes
    /// everything.
    fn load_pipeline(&mut self) -> Result<(), Failure> {
        self.pipeline = None;
        self.full_reason
            .get_or_insert_with(|| "templates or settings changed".into());
        self.pipeline = Some(Pipeline::new(&self.workspace, &self.options)?);
        Ok(())
    }

    /// Renders and writes everything, as `postmortem build` does, and remembers it.
    fn render_full(&mut self, reason: String) -> Result<Rebuilt, Failure> {
        let start = Instant::now();
        let pipeline = self
            .pipeline
            .as_ref()
            .ok_or_else(|| Failure::Other("templates not loaded".into()))?;
        let outputs = pipeline.outputs().clone();
        self.sources.sort();
        let (incidents, summaries) = (self.sources.incidents(), self.sources.summaries());
        let search = self
            .search
            .get_or_insert_with(|| SearchRefresher::start(outputs.site.clone()));
        let cancel = &*self.cancel;
        let built =
            search.exclusive(|| pipeline.write_full(incidents, summaries, Some(cancel), &|| {}))?;
        let pretty = pipeline.info().pretty_urls();
        // Records are cheap to derive again; a build does not keep them.
        let records = incidents
            .par_iter()
            .zip(summaries)
            .map(|(loaded, summary)| {
                let record = SearchRecord::new(loaded, summary, pretty);
                (summary.slug.clone(), record)
            })
            .collect();
        let mut digests = built.digests;
        digests.retain(|path, _| !path.starts_with(&format!("{BUNDLE_DIR}/")));
        self.site = Some(Written {
            remembered: Remembered {
                inventory: built.inventory,
                similar: SimilarityMemo::default(),
            },
            site: LiveFolder::new(outputs.site, digests),
            reports: LiveReports::new(outputs.reports),
            records,
        });
        self.full_reason = None;
        Ok(Rebuilt {
            full: Some(reason),
            incidents: incidents.len(),
            counts: Counts {
                written: built.pages + built.reports.written,
                removed: built.reports.removed,
                pages: Vec::new(),
                ..built.counts
            },
            first_page: Some(start.elapsed()),
            repairs: crate::pipeline::repairs(built.leftovers, built.mismatch.as_ref()),
        })
    }

    /// Renders what the changed incidents affect and writes what changed.
    fn render_changed(&mut self, early: &mut EarlyPages<'_>) -> Result<Rebuilt, Failure> {
        let start = Instant::now();
        let (Some(pipeline), Some(site)) = (self.pipeline.as_ref(), self.site.as_mut()) else {
            return Err(Failure::Other("no site to update".into()));
        };
        self.sources.sort();
        let (incidents, summaries) = (self.sources.incidents(), self.sources.summaries());
        let dirty = self.sources.dirty();
        let sinks = Sinks {
            site: &site.site,
            reports: &site.reports,
        };
        let mut first_page = None;
        let updated = pipeline.update(
            incidents,
            summaries,
            &mut site.remembered,
            dirty,
            sinks,
            &mut |pages| {
                first_page = Some(start.elapsed());
                if !pages.is_empty() {
                    early(pages);
                }
            },
        );
        let counts = match updated {
            Ok(counts) => counts,
            Err(error) => {
                // Some files may be new and some old: the next good rebuild writes all.
                self.full_reason = Some("the previous rebuild stopped half-way".into());
                return Err(error.into());
            }
        };
        // The search index follows last, in the background: no page waits for it.
        let pretty = pipeline.info().pretty_urls();
        site.records.retain(|slug, _| !dirty.contains(slug));
        for (loaded, summary) in incidents.iter().zip(summaries) {
            if dirty.contains(&summary.slug) {
                let record = SearchRecord::new(loaded, summary, pretty);
                site.records.insert(summary.slug.clone(), record);
            }
        }
        if let Some(search) = &self.search {
            let records = summaries
                .iter()
                .filter_map(|s| site.records.get(&s.slug).cloned());
            search.refresh(records.collect(), pipeline.search_shard_size());
        }
        Ok(Rebuilt {
            full: None,
            incidents: incidents.len(),
            counts,
            first_page: first_page.or(Some(start.elapsed())),
            repairs: Vec::new(),
        })
    }
}
