//! Carrying out a plan: render the planned pages, hand them to the sinks, remove the pages
//! that are gone. The one place where pages are rendered, for a full build and a save alike.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::{BuildError, Counts, Pipeline};
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

/// Called for each incident rendered, with its index (a progress bar; the search indexer).
pub type OnIncident<'a> = dyn Fn(usize) + Sync + 'a;

impl Pipeline {
    /// Renders every page `plan` asks for from `data` into `sinks` and removes the pages it
    /// removes. Incidents come first, each page and report from one view, then the other
    /// pages, then removals.
    pub(super) fn execute(
        &self,
        data: &SiteData<'_>,
        inventory: &Inventory,
        plan: &Plan,
        sinks: Sinks<'_>,
        on_incident: &OnIncident<'_>,
    ) -> Result<Counts, BuildError> {
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
        let mut counts = incidents
            .par_iter()
            .map(|&(i, (page, report))| {
                let (html, text) = self.renderer.incident(data, i, page, report)?;
                let slug = &data.summaries[i].slug;
                let mut counts = Counts::default();
                if let Some(html) = html {
                    sinks.put(&Page::Incident(slug.clone()), html.as_bytes(), &mut counts)?;
                }
                if let Some(text) = text {
                    sinks.put(&Page::Report(slug.clone()), text.as_bytes(), &mut counts)?;
                }
                on_incident(i);
                Ok::<_, BuildError>(counts)
            })
            .try_reduce(Counts::default, |a, b| Ok(merge(a, b)))?;
        let rows = Rows::default();
        let lists = others
            .par_iter()
            .map(|page| {
                let content = self.renderer.page(page, data, inventory, &rows)?;
                let mut counts = Counts::default();
                sinks.put(page, &content, &mut counts)?;
                Ok::<_, BuildError>(counts)
            })
            .try_reduce(Counts::default, |a, b| Ok(merge(a, b)))?;
        counts = merge(counts, lists);
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
