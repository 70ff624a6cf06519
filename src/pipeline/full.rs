//! A full build: every page, into fresh staging folders that replace the old output only
//! once everything rendered.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::execute::{Pass, Sinks};
use super::{BuildError, Counts, Pipeline};
use crate::cache::{Cache, CacheStats};
use crate::knowledge::{IncidentSummary, Knowledge};
use crate::load::LoadedIncident;
use crate::model::Digest;
use crate::search::{self, BundleStats};
use crate::site::live::{Digests, Recording};
use crate::site::write::{self, ReportStaging, ReportStats, Staging, site_stamp};
use crate::site::{Inventory, Page, SiteData, plan};

/// What a full build wrote.
#[derive(Debug)]
pub struct Built {
    /// HTML pages written.
    pub pages: usize,
    /// What happened to the reports.
    pub reports: ReportStats,
    /// What was rendered.
    pub counts: Counts,
    /// Every page with the key it was rendered with: what a later update compares with.
    pub inventory: Inventory,
    /// Digest of every site file written (the search bundle included).
    pub digests: Digests,
    /// What the search index took.
    pub search: BundleStats,
    /// What the render cache did, if it was used.
    pub cache: Option<CacheStats>,
    /// Time spent rendering into the staging folders.
    pub render: Duration,
    /// Time spent swapping the site in and moving reports into place.
    pub write: Duration,
    /// The site's stamp once written (see `site::write::site_stamp`).
    pub stamp: Option<Digest>,
    /// Files written or removed, if the output was updated in place rather than replaced.
    pub in_place: Option<usize>,
    /// Staging folders of earlier, interrupted builds that this one removed.
    pub leftovers: usize,
    /// The build ids of the site and the reports as this build found them, when they
    /// differed: an earlier build was interrupted between the two. This build wrote both.
    pub mismatch: Option<(String, String)>,
}

/// What a build repaired of an earlier, interrupted one, in words: `build` prints it, and
/// `serve` shows it beside its first build's warnings.
pub fn repairs(leftovers: usize, mismatch: Option<&(String, String)>) -> Vec<String> {
    let mut said = Vec::new();
    if leftovers > 0 {
        said.push(format!(
            "removed {leftovers} staging folder{} left by interrupted builds",
            crate::model::text::plural(leftovers)
        ));
    }
    if let Some((site, reports)) = mismatch {
        said.push(format!(
            "the site (build {site}) and the reports (build {reports}) were from different \
             builds: an earlier build was interrupted; this build wrote both again"
        ));
    }
    said
}

/// The build ids of the site and the reports in `outputs`, when both have one and they differ.
pub fn pair_mismatch(outputs: &super::Outputs) -> Option<(String, String)> {
    let site = write::site_build_id(&outputs.site)?;
    let reports = write::reports_build_id(&outputs.reports)?;
    (site != reports).then_some((site, reports))
}

impl Pipeline {
    /// Renders every page of `incidents` (sorted newest first, `summaries` in the same
    /// order) into staging folders and swaps them in. Setting `cancel` stops it, and then
    /// nothing visible changed. `on_page` hears about each incident page.
    pub fn write_full(
        &self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
        cancel: Option<&AtomicBool>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Built, BuildError> {
        // One build at a time into a folder; the lock is released when this returns.
        let _lock = write::lock_output(&self.outputs.site, &|_| {})?;
        let (leftovers, mismatch) = self.tidy();
        let mut built = self.write_full_locked(incidents, summaries, cancel, on_page)?;
        built.leftovers = leftovers;
        built.mismatch = mismatch;
        Ok(built)
    }

    /// Holding the output's lock, no other build runs into it: removes the staging folders
    /// that interrupted builds left, and says whether site and reports are of two builds.
    pub(super) fn tidy(&self) -> (usize, Option<(String, String)>) {
        let leftovers = write::remove_leftovers(&self.outputs.site)
            + write::remove_leftovers(&self.outputs.reports);
        (leftovers, pair_mismatch(&self.outputs))
    }

    /// [`Pipeline::write_full`] for a caller that holds the output's lock.
    pub(super) fn write_full_locked(
        &self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
        cancel: Option<&AtomicBool>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Built, BuildError> {
        let start = Instant::now();
        let names = summaries
            .iter()
            .map(|s| Page::Report(s.slug.clone()).path())
            .chain([Page::ReportIndex.path()])
            .collect::<Vec<_>>();
        let reports =
            ReportStaging::create(&self.outputs.reports, names.iter().map(String::as_str))?;
        let staging = Staging::create(&self.outputs.site)?;
        let never = AtomicBool::new(false);
        let recording = Recording::new(&staging, cancel.unwrap_or(&never));
        let sinks = Sinks {
            site: &recording,
            reports: &reports,
        };
        let (counts, inventory, search) = self.full(incidents, summaries, sinks, on_page)?;
        let render = start.elapsed();
        let digests = recording.into_digests();
        // Everything rendered: only now does anything visible change. The site goes first,
        // the reports' build id last, so a kill in between leaves a pair the next build
        // recognises as mismatched.
        let build = reports.build_id();
        staging.commit(&build)?;
        let stamp = site_stamp(&self.outputs.site);
        let reports = reports.commit(&build)?;
        let cache = self.cache.as_ref().map(Cache::prune_if_written);
        Ok(Built {
            pages: inventory.pages().filter(|page| page.is_html()).count(),
            reports,
            counts,
            inventory,
            digests,
            search,
            cache,
            render,
            write: start.elapsed() - render,
            stamp,
            in_place: None,
            leftovers: 0,
            mismatch: None,
        })
    }

    /// Renders every page into `sinks`, the search bundle included. Each incident is
    /// prepared (highlighted), rendered and handed over in one parallel pass, then dropped,
    /// so memory holds the loaded incidents, not the whole site; its search record goes to
    /// an indexer working alongside, unless the cache holds the bundle of these records.
    pub fn full(
        &self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
        sinks: Sinks<'_>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<(Counts, Inventory, BundleStats), BuildError> {
        let knowledge = Knowledge::new(
            incidents,
            self.info().today,
            &self.info().vocabularies.severity,
        );
        let data = SiteData::new(self.info(), incidents, summaries, &knowledge);
        let inventory = Inventory::new(&data, self.global, &self.renderer.asset_names());
        let plan = plan(&Inventory::default(), &inventory);
        let bundle = self.bundle_plan(incidents);
        let indexer = bundle.indexer()?;
        let counts = self.execute(
            &data,
            &inventory,
            &plan,
            sinks,
            Pass::Full {
                records: indexer.is_some(),
            },
            &|i, record| {
                if let (Some(indexer), Some(record)) = (&indexer, record) {
                    indexer.add(i, record);
                }
                on_page();
            },
        )?;
        let (files, stats) = bundle.finish(indexer, self.cache.as_ref())?;
        let search = BundleStats {
            records: stats.records,
            from_cache: stats.from_cache,
            busy: stats.busy,
            waited: stats.waited,
            ..search::write_bundle(&files, sinks.site)?
        };
        Ok((counts, inventory, search))
    }
}
