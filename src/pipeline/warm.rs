//! A warm build: bring the folders the last `build` wrote up to date in place.
//!
//! Why: a full build writes every file into a staging folder and swaps it in, so a build
//! with nothing changed still creates and deletes tens of thousands of files. When the
//! render cache recorded what the last build wrote ([`crate::cache::LastBuild`]) and the
//! site still carries that build's stamp, the plan against that inventory says exactly what
//! changed, as it does for a save under `serve`. Everything planned is rendered into memory
//! first, so a failed render changes nothing; only then are the files written, each
//! atomically, and the record is forgotten while they are, so an interrupted update is
//! followed by a full build. When most pages changed (a template, a setting), a full build
//! is as cheap and swaps the site in at once, so that is what runs.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::execute::{Pass, Sinks};
use super::{BuildError, Built, Counts, Outputs, Pipeline};
use crate::cache::{Cache, LastBuild};
use crate::knowledge::{IncidentSummary, Knowledge};
use crate::load::LoadedIncident;
use crate::model::{Digest, Digester};
use crate::search::{BUNDLE_DIR, BundleFile, BundleStats};
use crate::site::live::{Digests, LiveFolder, LiveReports};
use crate::site::write::{ReportStats, site_stamp};
use crate::site::{Inventory, MemorySink, Output, Page, Plan, Sink, SiteData, SiteError, plan};

impl Pipeline {
    /// Updates the output in place if the last build into it was recorded and few pages
    /// changed since; `None` if a full build must run instead (nothing was touched then).
    pub(super) fn write_warm(
        &self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
    ) -> Result<Option<Built>, BuildError> {
        let Some((cache, place, last)) = self.last_build() else {
            return Ok(None);
        };
        let start = Instant::now();
        let knowledge = Knowledge::new(
            incidents,
            self.info().today,
            &self.info().vocabularies.severity,
        );
        let data = SiteData::new(self.info(), incidents, summaries, &knowledge);
        let inventory = Inventory::new(&data, self.global, &self.renderer.asset_names());
        let plan = plan(&last.inventory, &inventory);
        if plan.render.len() * 4 > inventory.len() {
            return Ok(None);
        }
        let (rendered, counts) = self.render_to_memory(&data, &inventory, &plan)?;
        let bundle_key = self.bundle_key(incidents);
        let bundle = (bundle_key != last.bundle)
            .then(|| super::bundle::bundle(self, cache, incidents, summaries))
            .transpose()?;
        let render = start.elapsed();
        let mut changed = Changed::default();
        let mut search = BundleStats {
            from_cache: true,
            ..BundleStats::default()
        };
        let mut stamp = last.stamp;
        if !plan.is_empty() || bundle.is_some() {
            // Everything rendered: the folders change from here on. The record is forgotten
            // meanwhile, so an interrupted update is followed by a full build.
            cache.forget_last_build(place);
            let site = LiveFolder::new(self.outputs.site.clone(), Digests::default());
            let reports = LiveReports::new(self.outputs.reports.clone());
            changed = apply(&rendered, &plan, &site, &reports)?;
            if let Some((files, stats)) = bundle {
                changed.site += replace_bundle(&files, &site)?;
                search = stats;
            }
            // The build id last, the reports' after the site's: a kill in between leaves
            // a pair the next build reports (and the record is forgotten meanwhile).
            self.record_build_id(&inventory)?;
            stamp = site_stamp(&self.outputs.site).unwrap_or(stamp);
            let record = LastBuild {
                inventory: inventory.clone(),
                bundle: bundle_key,
                stamp,
            };
            cache.put_last_build(place, &record);
        }
        let shards = self.shard_keys(incidents).into_iter();
        cache.keep(&inventory, shards.map(|(_, key)| key));
        Ok(Some(Built {
            pages: inventory.pages().filter(|page| page.is_html()).count(),
            reports: changed.report_stats(&inventory),
            in_place: Some(changed.site + changed.reports + changed.reports_removed),
            counts,
            inventory,
            digests: Digests::default(),
            search,
            cache: Some(cache.prune_if_written()),
            render,
            write: start.elapsed() - render,
            stamp: Some(stamp),
            leftovers: 0,
            mismatch: None,
        }))
    }

    /// Renders the pages `plan` asks for into memory, so that a failure changes nothing.
    fn render_to_memory(
        &self,
        data: &SiteData<'_>,
        inventory: &Inventory,
        plan: &Plan,
    ) -> Result<((MemorySink, MemorySink), Counts), BuildError> {
        let rendered = (MemorySink::default(), MemorySink::default());
        let renders = Plan {
            render: plan.render.clone(),
            remove: Vec::new(),
        };
        let sinks = Sinks {
            site: &rendered.0,
            reports: &rendered.1,
        };
        let counts = self.execute(data, inventory, &renders, sinks, Pass::InPlace, &|_, _| {})?;
        Ok((rendered, counts))
    }

    /// The cache, the key of the output folders and what the last build wrote there, if
    /// that is recorded and the folders are still as it left them.
    fn last_build(&self) -> Option<(&Cache, Digest, LastBuild)> {
        let cache = self.cache.as_ref()?;
        let place = place_key(&self.outputs);
        let last = cache.last_build(place)?;
        let intact = site_stamp(&self.outputs.site) == Some(last.stamp)
            && all_present(&last.inventory, &self.outputs);
        intact.then_some((cache, place, last))
    }

    /// Records what a full build wrote, for the next build to update in place.
    pub(super) fn record_build(&self, incidents: &[LoadedIncident], built: &Built) {
        if let (Some(cache), Some(stamp)) = (&self.cache, built.stamp) {
            let last = LastBuild {
                stamp,
                inventory: built.inventory.clone(),
                bundle: self.bundle_key(incidents),
            };
            cache.put_last_build(place_key(&self.outputs), &last);
        }
    }
}

/// The key of a pair of output folders.
fn place_key(outputs: &Outputs) -> Digest {
    Digester::new()
        .text(&outputs.site.to_string_lossy())
        .text(&outputs.reports.to_string_lossy())
        .finish()
}

/// Whether every file of `inventory` is still there: one deleted by hand means the record
/// no longer describes the folders.
fn all_present(inventory: &Inventory, outputs: &Outputs) -> bool {
    let pages: Vec<&Page> = inventory.pages().collect();
    pages.par_iter().all(|page| {
        let dir = match page.output() {
            Output::Site => &outputs.site,
            Output::Reports => &outputs.reports,
        };
        dir.join(page.path()).is_file()
    })
}

/// Files changed in each folder.
#[derive(Default)]
struct Changed {
    site: usize,
    reports: usize,
    reports_removed: usize,
}

impl Changed {
    fn report_stats(&self, inventory: &Inventory) -> ReportStats {
        let reports = inventory
            .pages()
            .filter(|page| page.output() == Output::Reports)
            .count();
        ReportStats {
            written: self.reports,
            unchanged: reports.saturating_sub(self.reports),
            removed: self.reports_removed,
        }
    }
}

/// Writes what was rendered into memory to the real sinks (each only if its bytes changed),
/// then removes the pages `plan` removes.
fn apply(
    rendered: &(MemorySink, MemorySink),
    plan: &Plan,
    site: &dyn Sink,
    reports: &dyn Sink,
) -> Result<Changed, BuildError> {
    let write_error = |path: &str| {
        let path = path.to_owned();
        move |e| BuildError::Site(SiteError::Write(path, e))
    };
    let mut changed = Changed::default();
    for (memory, sink, count) in [
        (&rendered.0, site, &mut changed.site),
        (&rendered.1, reports, &mut changed.reports),
    ] {
        let files = memory.files.lock().map_err(|_| {
            BuildError::Site(SiteError::Write(
                String::new(),
                io::Error::other("poisoned"),
            ))
        })?;
        *count += put_all(
            sink,
            files
                .par_iter()
                .map(|(path, content)| (path.clone(), &content[..])),
        )?;
    }
    for page in &plan.remove {
        let path = page.path();
        let (sink, count) = match page.output() {
            Output::Site => (site, &mut changed.site),
            Output::Reports => (reports, &mut changed.reports_removed),
        };
        *count += usize::from(sink.remove(&path).map_err(write_error(&path))?);
    }
    Ok(changed)
}

/// Puts each of `files` (path, content) into `sink`, in parallel: most of the time goes to
/// reading the old file to compare with. Says how many changed.
fn put_all<'a>(
    sink: &dyn Sink,
    files: impl ParallelIterator<Item = (String, &'a [u8])>,
) -> Result<usize, BuildError> {
    files
        .map(|(path, content)| {
            let changed = sink.put(&path, content).map(usize::from);
            changed.map_err(|e| BuildError::Site(SiteError::Write(path, e)))
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// Writes the files of a new search bundle and removes those of the old one it does not
/// have (Pagefind names its chunks by content). Says how many files changed.
fn replace_bundle(files: &[BundleFile], site: &LiveFolder) -> Result<usize, BuildError> {
    let write_error = |path: String| move |e| BuildError::Site(SiteError::Write(path, e));
    let mut changed = put_all(
        site,
        files
            .par_iter()
            .map(|(path, content)| (format!("{BUNDLE_DIR}/{path}"), &content[..])),
    )?;
    let keep: HashSet<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    let folder = site.dir().join(BUNDLE_DIR);
    for entry in walkdir::WalkDir::new(&folder).into_iter().flatten() {
        let Ok(relative) = entry.path().strip_prefix(&folder) else {
            continue;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_file() && !keep.contains(relative.as_str()) {
            let path = format!("{BUNDLE_DIR}/{relative}");
            changed += usize::from(site.remove(&path).map_err(write_error(path))?);
        }
    }
    remove_empty_folders(&folder);
    Ok(changed)
}

/// Removes the folders under `dir` that removing old chunks left empty.
fn remove_empty_folders(dir: &Path) {
    let folders = walkdir::WalkDir::new(dir)
        .contents_first(true)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_dir());
    for folder in folders {
        let _ = fs::remove_dir(folder.path()); // only succeeds when empty
    }
}
