//! The static site: which pages exist, where they go, what each is made from, and the
//! sinks every output goes through.
//!
//! - [`pages`]: every page kind and its path, the only place that knows the layout;
//! - [`inventory`]: every page of a site with the key of its inputs, and the plan that
//!   says which pages a change affects;
//! - [`render`]: any page, rendered from the site's data through its template;
//! - [`publish`]: the data files (`incidents.json`, feed, sitemap, schema, robots);
//! - [`assets`]: stylesheets, script and icon, fingerprinted;
//! - [`mod@write`] and [`live`]: the sinks — a staging folder swapped in atomically, or the
//!   live folder of `serve`, written file by file.
//!
//! All internal links are relative (computed from each page's depth), so the same files
//! work from any base URL and even opened from disk; a `base_url` only adds absolute
//! canonical URLs and switches links to pretty folder URLs.

pub mod assets;
mod facets;
pub mod inventory;
mod knowledge_pages;
pub mod live;
pub mod pages;
pub mod publish;
pub mod render;
pub mod write;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::knowledge::{IncidentSummary, Knowledge};
use crate::load::LoadedIncident;
use crate::render::{Strings, TemplateError};
pub use inventory::{Inventory, Plan, plan};
pub use pages::{Output, Page, TermKind};
pub use render::SiteRenderer;

/// Site-wide settings that reach every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute URL the site is published at, ending in `/`.
    pub base_url: Option<String>,
    /// postmortem's version, for the generator tag.
    pub version: &'static str,
    /// The day the site is built: action items due before it are overdue. Only the action
    /// items page shows it (it gets it as `today`), so it is left out of the templates'
    /// `site` and of the key every page shares: a new day re-renders that page alone.
    #[serde(skip)]
    pub today: jiff::civil::Date,
    /// `[extra]` of postmortem.toml, for template overrides (`site.extra.…`). Part of the
    /// site-wide key, so changing a value renders every page again.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The interface language, for `<html lang>` and the strings below.
    pub language: String,
    /// The interface strings in that language (the `strings` global). Not part of the
    /// key: built-in tables change only with the version, overrides are in the templates
    /// folder, and both are in the site-wide key already.
    #[serde(skip)]
    pub strings: Strings,
    /// The workspace's severities and statuses, for filters, trends and the schema.
    pub vocabularies: crate::model::Vocabularies,
    /// Hosts images may be loaded from.
    pub remote_images: Vec<String>,
}

impl SiteInfo {
    /// The interface string at `key` (`page.search`), or the key itself if the table has
    /// none (English has every key; tests hold the tables to that).
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.text(key).unwrap_or(key)
    }

    /// Whether links are folder URLs (`incidents/x/`): only with a base URL, since a site
    /// opened from disk needs the file (`incidents/x/index.html`).
    pub fn pretty_urls(&self) -> bool {
        self.base_url.is_some()
    }

    /// The absolute URL of `page`, when the site has a base URL.
    pub fn absolute_url(&self, page: &Page) -> Option<String> {
        self.base_url
            .as_ref()
            .map(|base| format!("{base}{}", page.url_path()))
    }
}

/// The incidents of each term of one kind (indices into the summaries), by the term's
/// slug, with the name of its first spelling.
pub type TermGroups<'a> = BTreeMap<&'a str, (&'a str, Vec<usize>)>;

/// Everything the pages of a site are made from: the inputs of both the inventory's keys
/// and the renderer.
pub struct SiteData<'a> {
    /// Site-wide settings.
    pub info: &'a SiteInfo,
    /// The incidents, newest first.
    pub incidents: &'a [LoadedIncident],
    /// Their summaries, in the same order.
    pub summaries: &'a [IncidentSummary],
    /// What they say together, indices in the same order.
    pub knowledge: &'a Knowledge,
    /// The incidents of each tag and each service, in [`TermKind::ALL`]'s order.
    pub terms: [(TermKind, TermGroups<'a>); 2],
}

impl<'a> SiteData<'a> {
    /// Gathers the site's data; `summaries` and `knowledge` follow `incidents`' order.
    pub fn new(
        info: &'a SiteInfo,
        incidents: &'a [LoadedIncident],
        summaries: &'a [IncidentSummary],
        knowledge: &'a Knowledge,
    ) -> Self {
        let terms = TermKind::ALL.map(|kind| (kind, term_groups(summaries, kind)));
        Self {
            info,
            incidents,
            summaries,
            knowledge,
            terms,
        }
    }

    /// The incidents of each term of `kind`.
    pub fn terms(&self, kind: TermKind) -> &TermGroups<'a> {
        &self.terms[kind as usize].1
    }
}

/// The incidents (indices into `summaries`) that carry each term of `kind`, by slug, so
/// `Redis` and `redis` are one term, named by its first spelling; an incident that names a
/// term twice counts once, and past its first `load::LIST_WARN` terms not at all.
fn term_groups(summaries: &[IncidentSummary], kind: TermKind) -> TermGroups<'_> {
    let mut groups: TermGroups<'_> = BTreeMap::new();
    for (i, summary) in summaries.iter().enumerate() {
        for term in kind.terms(summary).iter().filter(|t| t.page) {
            let entry = groups
                .entry(&term.slug)
                .or_insert_with(|| (&term.name, Vec::new()));
            if entry.1.last() != Some(&i) {
                entry.1.push(i);
            }
        }
    }
    groups
}

/// Receives the files of a build as they are rendered: a staging folder, the live folder
/// of `serve`, or memory in tests. Paths are relative to the sink's folder, `/`-separated.
pub trait Sink: Sync {
    /// Stores `content` at `path`; says whether anything changed.
    fn put(&self, path: &str, content: &[u8]) -> std::io::Result<bool>;

    /// Removes the file at `path`, if there is one; says whether there was.
    fn remove(&self, path: &str) -> std::io::Result<bool>;
}

/// Files kept in memory, keyed by path: a sink for tests and previews.
#[derive(Debug, Default)]
pub struct MemorySink {
    /// The files.
    pub files: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// The files stored so far.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, content: &[u8]) -> std::io::Result<bool> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| std::io::Error::other("site store poisoned"))?;
        Ok(files.insert(path.to_owned(), content.to_vec()).as_deref() != Some(content))
    }

    fn remove(&self, path: &str) -> std::io::Result<bool> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| std::io::Error::other("site store poisoned"))?;
        Ok(files.remove(path).is_some())
    }
}

/// Why the site could not be rendered or stored.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A template failed.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// An asset override could not be read.
    #[error("cannot read asset: {0}")]
    Asset(String),
    /// A file could not be stored.
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
    /// A page that the site's data does not have was asked for.
    #[error("no such page: {0}")]
    NoPage(String),
}
