//! Which pages the site has, what each is made from, and which of them a change affects.
//!
//! The inventory lists every output file of a build with a key: a digest of everything the
//! file is rendered from (the site-wide key of templates, settings and version, plus
//! the page's own inputs, such as the summaries a list shows). Planning a rebuild is then
//! one comparison: a page whose key is new or different is rendered, a page no longer in
//! the inventory is removed, everything else is left alone. A full build plans against an
//! empty inventory. Because the same keys decide both, what a save under `serve` writes is
//! what a full build would write; nothing keeps a hand-written list of "pages that show
//! this incident".
//!
//! A key must cover every input of its page. Each is computed next to the others below,
//! from the same [`SiteData`] the renderer uses.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::pages::{DataFile, Page, TermKind};
use super::{SiteData, TermGroups};
use crate::knowledge::PatternGroup;
use crate::model::{Digest, Digester};

/// Every output file with the key of what it is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    pages: BTreeMap<Page, Digest>,
}

impl FromIterator<(Page, Digest)> for Inventory {
    fn from_iter<I: IntoIterator<Item = (Page, Digest)>>(entries: I) -> Self {
        Self {
            pages: entries.into_iter().collect(),
        }
    }
}

/// What to do to bring the output from one inventory to another.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Pages to render: new, or made from something that changed.
    pub render: Vec<Page>,
    /// Pages to remove: no longer part of the site.
    pub remove: Vec<Page>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.render.is_empty() && self.remove.is_empty()
    }
}

/// The plan that turns the output described by `written` into the one described by
/// `wanted`.
pub fn plan(written: &Inventory, wanted: &Inventory) -> Plan {
    let render = wanted
        .pages
        .iter()
        .filter(|(page, key)| written.pages.get(*page) != Some(*key))
        .map(|(page, _)| page.clone())
        .collect();
    let remove = written
        .pages
        .keys()
        .filter(|page| !wanted.pages.contains_key(*page))
        .cloned()
        .collect();
    Plan { render, remove }
}

/// Collects pages with their keys, each closed with the site-wide key.
struct Builder {
    pages: BTreeMap<Page, Digest>,
    global: Digest,
}

impl Builder {
    fn add(&mut self, page: Page, digester: &mut Digester) {
        self.pages
            .insert(page, digester.digest(self.global).finish());
    }
}

impl Inventory {
    /// Every page of the site `data` describes. `global` is the key of what every page
    /// depends on (templates, settings, version; not the day, which only the action items
    /// page shows); `assets` are the asset file names.
    pub fn new(data: &SiteData<'_>, global: Digest, assets: &[String]) -> Self {
        let mut site = Builder {
            pages: BTreeMap::new(),
            global,
        };
        for name in assets {
            site.add(Page::Asset(name.clone()), Digester::new().text(name));
        }
        let summaries = summaries_key(data);
        for page in [Page::Index, Page::Search, Page::ReportIndex] {
            site.add(page, Digester::new().digest(summaries));
        }
        site.add(Page::NotFound, &mut Digester::new());
        let incident_keys: Vec<Digest> = (0..data.summaries.len())
            .into_par_iter()
            .map(|i| incident_key(data, i, global))
            .collect();
        let mut all = Digester::new();
        for (loaded, summary) in data.incidents.iter().zip(data.summaries) {
            for attachment in &loaded.attachments {
                let page = Page::Attachment(summary.slug.clone(), attachment.name.clone());
                // The file's bytes, nothing else: a new template does not change a picture.
                let key = Digester::new()
                    .text(&attachment.name)
                    .digest(attachment.digest)
                    .finish();
                site.pages.insert(page, key);
            }
        }
        for (summary, key) in data.summaries.iter().zip(&incident_keys) {
            site.pages
                .insert(Page::Incident(summary.slug.clone()), *key);
            site.pages.insert(Page::Report(summary.slug.clone()), *key);
            all.digest(*key);
        }
        site.add(Page::Data(DataFile::IncidentsJson), &mut all);
        for (kind, groups) in &data.terms {
            add_terms(&mut site, data, *kind, groups);
        }
        add_patterns(&mut site, data);
        let knowledge = data.knowledge;
        // The one page that shows the day (the global key leaves it out).
        let actions = (&knowledge.actions, data.info.today);
        site.add(Page::Actions, Digester::new().add(&actions));
        let trends = (&knowledge.trends, data.summaries.len());
        site.add(Page::Trends, Digester::new().add(&trends));
        site.add(Page::Data(DataFile::Schema), &mut Digester::new());
        site.add(Page::Data(DataFile::Robots), &mut Digester::new());
        if data.info.base_url.is_some() {
            site.add(
                Page::Data(DataFile::Feed),
                Digester::new().digest(summaries),
            );
            let mut sitemap = Digester::new();
            for page in site.pages.keys().filter(|page| page.is_html()) {
                sitemap.text(&page.url_path());
            }
            site.add(Page::Data(DataFile::Sitemap), &mut sitemap);
        }
        Self { pages: site.pages }
    }

    /// Every page, in a stable order.
    pub fn pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.keys()
    }

    /// Every page with its key.
    pub fn entries(&self) -> impl Iterator<Item = (&Page, Digest)> {
        self.pages.iter().map(|(page, key)| (page, *key))
    }

    /// Number of pages.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether there are no pages.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The key `page` was (or is to be) rendered with.
    pub fn key(&self, page: &Page) -> Option<Digest> {
        self.pages.get(page).copied()
    }

    /// Records that `page` now holds what `key` describes.
    pub fn insert(&mut self, page: Page, key: Digest) {
        self.pages.insert(page, key);
    }

    /// Forgets `page`.
    pub fn remove(&mut self, page: &Page) {
        self.pages.remove(page);
    }
}

/// The key of every summary in list order: what the index, the search page's filters, the
/// feed and the report index show.
fn summaries_key(data: &SiteData<'_>) -> Digest {
    let mut digester = Digester::new();
    for summary in data.summaries {
        digester.digest(summary.key);
    }
    digester.finish()
}

/// The key of incident `i`'s page and report (and of its record in `incidents.json`): the
/// incident (which decides its summary, durations and changes), its pattern with its
/// counts, its related and similar incidents as their links show them, and the site-wide
/// key.
pub fn incident_key(data: &SiteData<'_>, i: usize, global: Digest) -> Digest {
    let knowledge = data.knowledge;
    let mut digester = Digester::new();
    digester
        .digest(data.incidents[i].key)
        .add(&knowledge.incident_patterns[i]);
    for link in &knowledge.related[i] {
        digester
            .digest(data.summaries[link.incident].key)
            .text(&link.reason);
    }
    for link in &knowledge.similar[i] {
        digester
            .text(&data.summaries[link.incident].slug)
            .add(&(link.kind, link.score))
            .text(&link.reason);
    }
    digester.digest(global).finish()
}

fn add_terms(site: &mut Builder, data: &SiteData<'_>, kind: TermKind, groups: &TermGroups<'_>) {
    let mut index = Digester::new();
    for (slug, (name, listed)) in groups {
        index.text(slug).text(name).add(&listed.len());
        let mut page = Digester::new();
        page.text(name);
        for &i in listed {
            page.digest(data.summaries[i].key);
        }
        site.add(Page::Term(kind, (*slug).to_owned()), &mut page);
    }
    site.add(Page::Terms(kind), &mut index);
}

fn add_patterns(site: &mut Builder, data: &SiteData<'_>) {
    let patterns = &data.knowledge.patterns;
    let keys: Vec<Digest> = patterns.iter().map(|g| pattern_key(g, data)).collect();
    let mut index = Digester::new();
    for (group, &own) in patterns.iter().zip(&keys) {
        index.digest(own);
        // Its own page also shows its similar patterns, which the list of all does not.
        let mut page = Digester::new();
        page.digest(own);
        for similar in &group.similar {
            page.digest(keys[similar.group]).text(&similar.reason);
        }
        site.add(Page::Pattern(group.slug.clone()), &mut page);
    }
    site.add(Page::Patterns, &mut index);
}

/// What the list of all patterns shows of one: the pattern, its dates and its incidents'
/// summaries.
fn pattern_key(group: &PatternGroup, data: &SiteData<'_>) -> Digest {
    let mut digester = Digester::new();
    digester.text(&group.text).text(&group.slug).add(&(
        group.explicit,
        group.first_seen,
        group.last_seen,
    ));
    for &i in &group.incidents {
        digester.digest(data.summaries[i].key);
    }
    digester.finish()
}

#[cfg(test)]
mod tests;
