//! Carrying out a plan: render the planned pages, hand them to the sinks, remove the pages
//! that are gone. The one place where pages are rendered, for a full build and a save alike.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::{BuildError, Counts, Pipeline};
use crate::cache::IncidentEntry;
use crate::model::Digest;
use crate::search::SearchRecord;
use crate::site::render::Rows;
use crate::site::{Inventory, Output, Page, Plan, Sink, SiteData, SiteError};

/// Where each output goes.
#[derive(Clone, Copy)]
pub struct Sinks<'a> {
    /// The site folder.
    pub site: &'a dyn Sink,
    /// The reports folder.
    pub reports: &'a dyn Sink,
}

impl Sinks<'_> {
    fn of(&self, page: &Page) -> &dyn Sink {
        match page.output() {
            Output::Site => self.site,
            Output::Reports => self.reports,
        }
    }

    /// Stores `page`; adds what happened to `counts`.
    fn put(&self, page: &Page, content: &[u8], counts: &mut Counts) -> Result<(), BuildError> {
        let path = page.path();
        let written = self
            .of(page)
            .put(&path, content)
            .map_err(|e| SiteError::Write(path.clone(), e))?;
        match page {
            Page::Incident(_) => counts.incident_pages += 1,
            Page::Report(_) | Page::ReportIndex => counts.reports += 1,
            page if page.is_html() => counts.list_pages += 1,
            _ => {}
        }
        if written {
            counts.written += 1;
            if page.is_html() {
                counts.pages.push(path);
            }
        }
        Ok(())
    }
}

/// Incidents rendered at a time (see `Pipeline::execute`): enough that a chunk's last page
/// leaves a core idle only briefly.
const RENDER_CHUNK: usize = 256;

/// Called for each incident rendered, with its index and, if records were asked for, its
/// search record (a progress bar; the search indexer).
pub type OnIncident<'a> = dyn Fn(usize, Option<SearchRecord>) + Sync + 'a;

/// Which pass `execute` runs: what it does besides rendering the plan.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// A full build. Everything rendered is kept in the cache, for the next build from
    /// nothing; with `records`, each incident's search record goes to `on_incident`.
    Full { records: bool },
    /// An update of the last output in place (a save under `serve`, a warm build). Only
    /// incidents' outputs are kept: the other pages (the index, `incidents.json`, the action
    /// items) change with almost every edit and run to tens of MB, and the next update
    /// compares their keys with what it wrote instead of reading them, so keeping them
    /// would cost a write of each per save and save nothing.
    InPlace,
}

/// The outputs of one incident that a plan asks for.
struct IncidentOutputs {
    page: Option<String>,
    report: Option<String>,
    record: Option<SearchRecord>,
}

impl Pipeline {
    /// Renders every page `plan` asks for from `data` into `sinks` and removes the pages it
    /// removes. The pages that are not an incident's come first, then the incidents (each
    /// page and report from one view), then removals. Whatever the cache holds under a
    /// page's key in `inventory` is taken from it; `pass` says what is rendered is kept in
    /// it, and whether search records go to `on_incident`.
    pub(super) fn execute(
        &self,
        data: &SiteData<'_>,
        inventory: &Inventory,
        plan: &Plan,
        sinks: Sinks<'_>,
        pass: Pass,
        on_incident: &OnIncident<'_>,
    ) -> Result<Counts, BuildError> {
        let records = pass == Pass::Full { records: true };
        let position: HashMap<&str, usize> = data
            .summaries
            .iter()
            .enumerate()
            .map(|(i, s)| (s.slug.as_str(), i))
            .collect();
        // Which outputs of each planned incident: (page, report).
        let mut incidents: BTreeMap<usize, (bool, bool)> = BTreeMap::new();
        let mut others = Vec::new();
        for page in &plan.render {
            match page {
                Page::Incident(slug) | Page::Report(slug) => {
                    let Some(&i) = position.get(slug.as_str()) else {
                        return Err(SiteError::NoPage(format!("{page:?}")).into());
                    };
                    let wanted = incidents.entry(i).or_default();
                    if matches!(page, Page::Incident(_)) {
                        wanted.0 = true;
                    } else {
                        wanted.1 = true;
                    }
                }
                other => others.push(other),
            }
        }
        let incidents: Vec<(usize, (bool, bool))> = incidents.into_iter().collect();
        // The other pages first: the largest (incidents.json, the index, the action items)
        // hold hundreds of MB while they render, and must not meet a search shard's index,
        // which is built alongside the incident pages.
        let rows = Rows::default();
        let lists = others
            .par_iter()
            .map(|page| {
                let content = self.list_page(page, data, inventory, &rows, pass)?;
                let mut counts = Counts::default();
                sinks.put(page, &content, &mut counts)?;
                Ok::<_, BuildError>(counts)
            })
            .try_reduce(Counts::default, |a, b| Ok(merge(a, b)))?;
        let mut counts = lists;
        // In list order, a chunk at a time: records then reach the search indexer about in
        // the order it indexes them, so it builds each shard while later ones render,
        // instead of holding most records (and most shards' work) until rendering ends.
        for chunk in incidents.chunks(RENDER_CHUNK) {
            let rendered =
                self.render_incidents(data, inventory, chunk, sinks, records, on_incident)?;
            counts = merge(counts, rendered);
        }
        for page in &plan.remove {
            let path = page.path();
            let removed = sinks
                .of(page)
                .remove(&path)
                .map_err(|e| SiteError::Write(path.clone(), e))?;
            if removed {
                counts.removed += 1;
                if page.is_html() {
                    counts.pages.push(path);
                }
            }
        }
        Ok(counts)
    }

    /// Renders the incidents of `chunk` (index, whether its page, whether its report) in
    /// parallel into `sinks`.
    fn render_incidents(
        &self,
        data: &SiteData<'_>,
        inventory: &Inventory,
        chunk: &[(usize, (bool, bool))],
        sinks: Sinks<'_>,
        records: bool,
        on_incident: &OnIncident<'_>,
    ) -> Result<Counts, BuildError> {
        chunk
            .par_iter()
            .map(|&(i, (page, report))| {
                let slug = &data.summaries[i].slug;
                let key = inventory.key(&Page::Incident(slug.clone()));
                let outputs = self.incident_outputs(data, i, key, (page, report, records))?;
                let mut counts = Counts::default();
                if let Some(html) = outputs.page {
                    sinks.put(&Page::Incident(slug.clone()), html.as_bytes(), &mut counts)?;
                }
                if let Some(text) = outputs.report {
                    sinks.put(&Page::Report(slug.clone()), text.as_bytes(), &mut counts)?;
                }
                on_incident(i, outputs.record);
                Ok::<_, BuildError>(counts)
            })
            .try_reduce(Counts::default, |a, b| Ok(merge(a, b)))
    }

    /// The outputs of incident `i` that `wanted` names (page, report, record): from the
    /// cache under `key` if it holds them, else rendered, and then kept whole (page, report
    /// and record, so any later build finds all three).
    fn incident_outputs(
        &self,
        data: &SiteData<'_>,
        i: usize,
        key: Option<Digest>,
        wanted: (bool, bool, bool),
    ) -> Result<IncidentOutputs, BuildError> {
        let (page, report, record) = wanted;
        let derive_record = || {
            SearchRecord::new(
                &data.incidents[i],
                &data.summaries[i],
                data.info.pretty_urls(),
            )
        };
        let (Some(cache), Some(key)) = (&self.cache, key) else {
            let (page, report) = self.renderer.incident(data, i, page, report)?;
            let record = record.then(derive_record);
            return Ok(IncidentOutputs {
                page,
                report,
                record,
            });
        };
        let entry = match cache.incident(key) {
            Some(entry) => entry,
            None => {
                let (Some(page), Some(report)) = self.renderer.incident(data, i, true, true)?
                else {
                    return Err(SiteError::NoPage(data.summaries[i].slug.clone()).into());
                };
                let entry = IncidentEntry {
                    page,
                    report,
                    record: derive_record(),
                };
                cache.put_incident(key, &entry);
                entry
            }
        };
        Ok(IncidentOutputs {
            page: page.then_some(entry.page),
            report: report.then_some(entry.report),
            record: record.then_some(entry.record),
        })
    }

    /// Any page but an incident's: from the cache if it holds it under the page's key,
    /// else rendered, and kept if `pass` keeps it. Assets are in memory already and not
    /// kept.
    fn list_page(
        &self,
        page: &Page,
        data: &SiteData<'_>,
        inventory: &Inventory,
        rows: &Rows,
        pass: Pass,
    ) -> Result<Vec<u8>, BuildError> {
        let cache = self
            .cache
            .as_ref()
            .filter(|_| !matches!(page, Page::Asset(_)));
        let cached = cache.zip(inventory.key(page));
        if let Some((cache, key)) = cached
            && let Some(content) = cache.page(page, key)
        {
            return Ok(content);
        }
        let content = self.renderer.page(page, data, inventory, rows)?;
        if let Some((cache, key)) = cached
            && pass != Pass::InPlace
        {
            cache.put_page(page, key, &content);
        }
        Ok(content)
    }
}

fn merge(mut a: Counts, b: Counts) -> Counts {
    a.incident_pages += b.incident_pages;
    a.list_pages += b.list_pages;
    a.reports += b.reports;
    a.written += b.written;
    a.removed += b.removed;
    a.pages.extend(b.pages);
    a
}
