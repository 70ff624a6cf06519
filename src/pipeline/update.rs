//! An update: the pages a change affects, written into the live output.
//!
//! The edited incidents' own pages come first, because they are what the writer looks
//! at: they need only their own related links and the error patterns, not everything
//! derived from all incidents. Then the rest is planned by comparing keys with what was
//! written, exactly as a full build plans against nothing.

use std::collections::BTreeSet;

use super::execute::{Pass, Sinks};
use super::{BuildError, Counts, Pipeline};
use crate::knowledge::{self, IncidentSummary, Knowledge, RelatedIndex, SimilarityMemo};
use crate::load::LoadedIncident;
use crate::site::inventory::incident_key;
use crate::site::write;
use crate::site::{Inventory, Output, Page, Plan, SiteData, plan};

/// What a live output remembers from one update to the next.
#[derive(Debug)]
pub struct Remembered {
    /// Every page written, with the key it was rendered with.
    pub inventory: Inventory,
    /// The similar incidents last derived, reused while their inputs are unchanged.
    pub similar: SimilarityMemo,
}

impl Pipeline {
    /// Brings the output `remembered` describes up to date with `incidents` (sorted newest
    /// first, `summaries` in the same order), and `remembered` with it. The pages of the
    /// incidents named in `first` (by slug) are rendered first and announced to `early` with
    /// their paths (relative to the site); then everything else whose key changed.
    pub fn update(
        &self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
        remembered: &mut Remembered,
        first: &BTreeSet<String>,
        sinks: Sinks<'_>,
        early: &mut dyn FnMut(&[String]),
    ) -> Result<Counts, BuildError> {
        let today = self.info().today;
        let written = &mut remembered.inventory;
        // The edited pages first, without similar incidents: those take all incidents to
        // work out, and the writer is waiting. If they add related links, the page's key
        // changes and the second pass below renders it again.
        let mut knowledge = Knowledge::patterns_only(incidents);
        let mut index = RelatedIndex::new(incidents, &[]);
        let edited: Vec<usize> = (0..summaries.len())
            .filter(|&i| first.contains(&summaries[i].slug))
            .collect();
        for &i in &edited {
            knowledge.related[i] = index.links(i);
        }
        let mut counts = Counts::default();
        if !edited.is_empty() {
            let data = SiteData::new(self.info(), incidents, summaries, &knowledge);
            let mut plan = Plan::default();
            for &i in &edited {
                let slug = &summaries[i].slug;
                let key = incident_key(&data, i, self.global);
                for page in [Page::Incident(slug.clone()), Page::Report(slug.clone())] {
                    if written.key(&page) != Some(key) {
                        written.insert(page.clone(), key);
                        plan.render.push(page);
                    }
                }
            }
            counts = self.execute(&data, written, &plan, sinks, Pass::InPlace, &|_, _| {})?;
            early(&counts.pages);
        }
        let mut knowledge = Knowledge::recurrence_remembering(incidents, &mut remembered.similar);
        index.set_similar(&knowledge.similar);
        let related = index.all();
        knowledge.complete(
            incidents,
            today,
            &self.info().vocabularies.severity,
            related,
        );
        let data = SiteData::new(self.info(), incidents, summaries, &knowledge);
        let wanted = Inventory::new(&data, self.global, &self.renderer.asset_names());
        let rest = self.execute(
            &data,
            &wanted,
            &plan(written, &wanted),
            sinks,
            Pass::InPlace,
            &|_, _| {},
        )?;
        *written = wanted;
        let mut counts = merge_after(counts, rest);
        counts.notes = knowledge::notes(incidents, &knowledge, &|l| first.contains(&l.slug));
        if counts.reports > 0 || counts.removed > 0 {
            self.record_build_id(written)?;
        }
        Ok(counts)
    }

    /// Gives the site and the reports in the output folders the build id of the reports
    /// `inventory` lists, as they are on disk now: what a full build of the same input
    /// records. The site's first, the reports' last, so a kill in between is reported by the
    /// next build. Nothing happens to a site folder without our marker.
    pub(super) fn record_build_id(&self, inventory: &Inventory) -> Result<(), BuildError> {
        if !self.outputs.site.join(write::MARKER_FILE).is_file() {
            return Ok(());
        }
        let reports: Vec<String> = inventory
            .pages()
            .filter(|page| page.output() == Output::Reports)
            .map(|page| page.path())
            .collect();
        let build = write::build_id_on_disk(&self.outputs.reports, &reports);
        write::set_site_build_id(&self.outputs.site, &build)?;
        write::set_reports_build_id(&self.outputs.reports, &build)?;
        Ok(())
    }
}

/// The counts of both passes; the pages of the second only, as the first were announced.
fn merge_after(first: Counts, rest: Counts) -> Counts {
    Counts {
        incident_pages: first.incident_pages + rest.incident_pages,
        list_pages: first.list_pages + rest.list_pages,
        reports: first.reports + rest.reports,
        written: first.written + rest.written,
        removed: first.removed + rest.removed,
        pages: rest.pages,
        notes: rest.notes,
    }
}
