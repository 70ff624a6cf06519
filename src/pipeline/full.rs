//! A full build: every page, into fresh staging folders that replace the old output only
//! once everything rendered.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::execute::Sinks;
use super::{BuildError, Counts, Pipeline};
use crate::knowledge::{IncidentSummary, Knowledge};
use crate::load::LoadedIncident;
use crate::search::{self, BundleStats, Indexer, SearchRecord};
use crate::site::live::{Digests, Recording};
use crate::site::write::{ReportStaging, ReportStats, Staging};
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
    /// Time spent rendering into the staging folders.
    pub render: Duration,
    /// Time spent swapping the site in and moving reports into place.
    pub write: Duration,
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
        // Everything rendered: only now does anything visible change.
        staging.commit()?;
        let reports = reports.commit()?;
        Ok(Built {
            pages: inventory.pages().filter(|page| page.is_html()).count(),
            reports,
            counts,
            inventory,
            digests,
            search,
            render,
            write: start.elapsed() - render,
        })
    }

    /// Renders every page into `sinks`, the search bundle included. Each incident is
    /// prepared (highlighted), rendered and handed over in one parallel pass, then dropped,
    /// so memory holds the loaded incidents, not the whole site; its search record goes to
    /// an indexer working alongside.
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
        let indexer = Indexer::start()?;
        let pretty = self.info().pretty_urls();
        let counts = self.execute(&data, &inventory, &plan, sinks, &|i| {
            indexer.add(i, SearchRecord::new(&incidents[i], &summaries[i], pretty));
            on_page();
        })?;
        let search = search::finish(indexer, sinks.site)?;
        Ok((counts, inventory, search))
    }
}
