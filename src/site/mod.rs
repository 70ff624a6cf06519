//! The static site: which pages exist, where they go, and what each one is given.
//!
//! [`SiteRenderer`] renders single pages and hands them to a [`Sink`]: during a build the
//! staging folder of [`mod@write`], so no page waits in memory for the others. All internal
//! links are relative (computed from each page's depth), so the same files work from any
//! base URL and even opened from disk; a `base_url` only adds absolute canonical URLs and
//! switches links to pretty folder URLs.

pub mod assets;
pub mod publish;
pub mod write;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::model::{Severity, Status};
use crate::render::view::{IncidentSummary, Term};
use crate::render::{IncidentPage, TemplateError, Templates};

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
    /// The day the site is built: action items due before it are overdue.
    pub today: jiff::civil::Date,
}

impl SiteInfo {
    /// Whether links are folder URLs (`incidents/x/`): only with a base URL, since a site
    /// opened from disk needs the file (`incidents/x/index.html`).
    pub fn pretty_urls(&self) -> bool {
        self.base_url.is_some()
    }
}

/// Files of a site kept in memory, keyed by path relative to the site root
/// (`/`-separated): what `serve` renders before it writes only what changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SiteFiles {
    /// The files.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// What a page tells the layout about itself.
#[derive(Debug, Serialize)]
struct PageMeta {
    title: String,
    description: String,
    /// Path of the page relative to the site root, e.g. `incidents/x/`.
    path: String,
    /// Absolute URL, when the site has a base URL.
    canonical: Option<String>,
    /// Which navigation entry is current.
    section: &'static str,
    og_type: &'static str,
}

/// Counted values for filters and term pages.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// As written.
    pub name: String,
    /// URL segment and filter value.
    pub slug: String,
    /// Number of incidents.
    pub count: usize,
}

/// Receives the files of a rendered site as they are produced: the staging folder of a
/// build, or memory in tests and previews.
pub trait Sink: Sync {
    /// Stores `content` at `path` (relative to the site root, `/`-separated).
    fn put(&self, path: &str, content: &[u8]) -> std::io::Result<()>;
}

/// A site kept in memory.
impl Sink for std::sync::Mutex<SiteFiles> {
    fn put(&self, path: &str, content: &[u8]) -> std::io::Result<()> {
        let mut files = self
            .lock()
            .map_err(|_| std::io::Error::other("site store poisoned"))?;
        files.files.insert(path.to_owned(), content.to_vec());
        Ok(())
    }
}

/// Renders the pages of one site: templates with the site-wide values set, and the
/// fingerprinted assets they link to. Built once per build (or per `serve` session) and
/// asked for single pages, so an incremental rebuild renders only what changed.
pub struct SiteRenderer {
    templates: Templates,
    site: SiteInfo,
    assets: assets::Assets,
}

/// The list pages that show every incident's summary, or counts over all of them: any
/// change to a summary changes them.
pub const SUMMARY_LISTS: [&str; 4] = [
    "index.html",
    "search/index.html",
    "tags/index.html",
    "services/index.html",
];

/// One page to render: where it goes, with which template, and how to build its values
/// (only when it is rendered, so a 10,000-incident site never holds every list page's
/// values at once).
struct PageJob<'a> {
    path: String,
    template: &'static str,
    context: Box<dyn Fn() -> Context + Send + Sync + 'a>,
}

impl SiteRenderer {
    /// Prepares templates and assets. `static_overrides` is the workspace's
    /// `templates/static/`.
    pub fn new(
        templates: &Templates,
        site: &SiteInfo,
        static_overrides: Option<&Path>,
    ) -> Result<Self, SiteError> {
        let assets =
            assets::build(static_overrides).map_err(|e| SiteError::Asset(e.to_string()))?;
        let mut templates = templates.clone();
        templates.set_global("site", site);
        templates.set_global("assets", &assets.paths);
        templates.set_global("pretty_urls", &site.pretty_urls());
        templates.set_global("search_ranking", &crate::search::record::RANKING.to_json());
        Ok(Self {
            templates,
            site: site.clone(),
            assets,
        })
    }

    /// The asset files, `(path, content)`.
    pub fn asset_files(&self) -> &[(String, Vec<u8>)] {
        &self.assets.files
    }

    /// The page of one incident: `(path, html)`.
    pub fn incident_page(
        &self,
        page: &IncidentPage<'_>,
    ) -> Result<(String, String), TemplateError> {
        let path = &page.summary.path;
        let meta = page_meta(
            &self.site,
            &page.summary.title,
            &description(&page.summary.summary_text),
            path,
            "incidents",
            "article",
        );
        let mut context = page_context(meta);
        context.insert("page_data", page);
        let html = self.templates.render("incident.html", &context)?;
        Ok((format!("{path}index.html"), html))
    }

    /// Renders the pages that list incidents (the index, search, tag and service pages, the
    /// pattern, action and trend pages, the 404 page) in parallel and hands each to `sink`.
    /// Returns their paths.
    pub fn list_pages(
        &self,
        summaries: &[IncidentSummary],
        knowledge: &crate::knowledge::Knowledge,
        sink: &dyn Sink,
    ) -> Result<Vec<String>, SiteError> {
        self.list_pages_where(summaries, knowledge, sink, &|_| true)
    }

    /// Like [`SiteRenderer::list_pages`], but only the pages whose path `keep` accepts:
    /// after one incident changed, `serve` re-renders only the lists it appears in.
    pub fn list_pages_where(
        &self,
        summaries: &[IncidentSummary],
        knowledge: &crate::knowledge::Knowledge,
        sink: &dyn Sink,
        keep: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Vec<String>, SiteError> {
        // Each summary becomes a template value once; every list shares it (tera values
        // are reference-counted), instead of serialising it again for each page it is on.
        let rows: Vec<Value> = summaries
            .par_iter()
            .map(Value::try_from_serializable)
            .collect::<Result<_, _>>()
            .map_err(|e| TemplateError(e.to_string()))?;
        let mut jobs = self.list_jobs(summaries, &rows);
        jobs.extend(self.knowledge_jobs(knowledge, summaries));
        jobs.retain(|job| keep(&job.path));
        jobs.par_iter().try_for_each(|job| {
            let html = self.templates.render(job.template, &(job.context)())?;
            sink.put(&job.path, html.as_bytes())
                .map_err(|e| SiteError::Write(job.path.clone(), e))
        })?;
        Ok(jobs.into_iter().map(|job| job.path).collect())
    }

    fn list_jobs<'a>(
        &'a self,
        summaries: &'a [IncidentSummary],
        rows: &'a [Value],
    ) -> Vec<PageJob<'a>> {
        let site = &self.site;
        // The index and the search page show the same counts.
        let facets = Arc::new(facets(summaries));
        let search_facets = Arc::clone(&facets);
        let mut jobs = Vec::new();
        jobs.push(PageJob {
            path: "index.html".into(),
            template: "index.html",
            context: Box::new(move || {
                let mut index = page_context(page_meta(
                    site,
                    &site.title,
                    &site.description,
                    "",
                    "incidents",
                    "website",
                ));
                index.insert_value("incidents", Value::from(rows.to_vec()));
                index.insert("open_count", &summaries.iter().filter(|s| s.open).count());
                index.insert("facets", &*facets);
                index
            }),
        });

        jobs.push(PageJob {
            path: "search/index.html".into(),
            template: "search.html",
            context: Box::new(move || {
                let mut search = page_context(page_meta(
                    site,
                    "Search",
                    &format!("Search the incidents of {}", site.title),
                    "search/",
                    "search",
                    "website",
                ));
                search.insert("facets", &*search_facets);
                search
            }),
        });

        for (kind, label) in [("tags", "Tags"), ("services", "Services")] {
            jobs.extend(self.term_jobs(summaries, rows, kind, label));
        }

        // The 404 page is served for any missing path, at any depth: its links start at
        // the site's root path instead of being relative.
        jobs.push(PageJob {
            path: "404.html".into(),
            template: "404.html",
            context: Box::new(move || {
                let mut not_found = page_context(page_meta(
                    site,
                    "Page not found",
                    &site.description,
                    "404.html",
                    "",
                    "website",
                ));
                not_found.insert("root", &root_path(site.base_url.as_deref()));
                not_found
            }),
        });
        jobs
    }

    /// The knowledge pages: error patterns, action items and trends (see
    /// [`crate::knowledge::pages`]).
    fn knowledge_jobs<'a>(
        &'a self,
        knowledge: &'a crate::knowledge::Knowledge,
        summaries: &'a [IncidentSummary],
    ) -> Vec<PageJob<'a>> {
        crate::knowledge::pages::site_pages(knowledge, summaries, self.site.today)
            .into_iter()
            .map(|page| PageJob {
                path: format!("{}index.html", page.path),
                template: page.template,
                context: Box::new(move || {
                    let meta = page_meta(
                        &self.site,
                        &page.title,
                        &page.description,
                        &page.path,
                        page.section,
                        "website",
                    );
                    let mut context = page_context(meta);
                    context.extend((page.context)());
                    context
                }),
            })
            .collect()
    }

    /// `<kind>/index.html` and one page per term.
    fn term_jobs<'a>(
        &'a self,
        summaries: &'a [IncidentSummary],
        rows: &'a [Value],
        kind: &'static str,
        label: &'static str,
    ) -> Vec<PageJob<'a>> {
        let site = &self.site;
        let groups = term_groups(summaries, if kind == "tags" { tags } else { services });
        let facets: Vec<Facet> = groups
            .iter()
            .map(|(slug, (name, list))| Facet {
                name: name.to_string(),
                slug: slug.to_string(),
                count: list.len(),
            })
            .collect();
        let mut jobs = Vec::new();
        jobs.push(PageJob {
            path: format!("{kind}/index.html"),
            template: "terms.html",
            context: Box::new(move || {
                let mut context = page_context(page_meta(
                    site,
                    label,
                    &format!("{label} of {}", site.title),
                    &format!("{kind}/"),
                    kind,
                    "website",
                ));
                context.insert("kind", kind);
                context.insert("terms", &facets);
                context
            }),
        });

        let singular = if kind == "tags" { "Tag" } else { "Service" };
        for (slug, (name, list)) in groups {
            let path = format!("{kind}/{slug}/");
            jobs.push(PageJob {
                path: format!("{path}index.html"),
                template: "term.html",
                context: Box::new(move || {
                    let title = format!("{singular}: {name}");
                    let description = format!(
                        "{} incident{} involving {name}.",
                        list.len(),
                        if list.len() == 1 { "" } else { "s" }
                    );
                    let mut context = page_context(page_meta(
                        site,
                        &title,
                        &description,
                        &path,
                        kind,
                        "website",
                    ));
                    context.insert("kind", kind);
                    context.insert(
                        "term",
                        &Term {
                            name: name.to_owned(),
                            slug: slug.to_owned(),
                        },
                    );
                    let listed: Vec<Value> = list.iter().map(|&i| rows[i].clone()).collect();
                    context.insert_value("incidents", Value::from(listed));
                    context.insert(
                        "open_count",
                        &list.iter().filter(|&&i| summaries[i].open).count(),
                    );
                    context
                }),
            });
        }
        jobs
    }
}

fn page_meta(
    site: &SiteInfo,
    title: &str,
    description: &str,
    path: &str,
    section: &'static str,
    og_type: &'static str,
) -> PageMeta {
    PageMeta {
        title: title.to_owned(),
        description: description.to_owned(),
        path: path.to_owned(),
        canonical: site.base_url.as_ref().map(|base| format!("{base}{path}")),
        section,
        og_type,
    }
}

/// A context with the page's metadata and its way back to the site root.
fn page_context(meta: PageMeta) -> Context {
    let mut context = Context::new();
    context.insert("root", &"../".repeat(meta.path.matches('/').count()));
    context.insert("page", &meta);
    context
}

/// The path part of the base URL (`/incidents/`), or `/`.
fn root_path(base_url: Option<&str>) -> String {
    base_url
        .and_then(|url| url.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_else(|| "/".into())
}

/// A meta description: the summary, cut at a word near 160 characters.
fn description(text: &str) -> String {
    if text.chars().count() <= 160 {
        return text.to_owned();
    }
    let cut: String = text.chars().take(157).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

fn tags(summary: &IncidentSummary) -> &[Term] {
    &summary.tags
}

fn services(summary: &IncidentSummary) -> &[Term] {
    &summary.services
}

/// The incidents (indices into `summaries`) that carry each tag or service (`pick`), by
/// slug, so `Redis` and `redis` are one term, named by its first spelling; an incident
/// that names a term twice counts once.
fn term_groups(
    summaries: &[IncidentSummary],
    pick: fn(&IncidentSummary) -> &[Term],
) -> BTreeMap<&str, (&str, Vec<usize>)> {
    let mut groups: BTreeMap<&str, (&str, Vec<usize>)> = BTreeMap::new();
    for (i, summary) in summaries.iter().enumerate() {
        for term in pick(summary) {
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

/// Counts of each severity, status, tag and service, for the index filters.
fn facets(summaries: &[IncidentSummary]) -> HashMap<&'static str, Vec<Facet>> {
    let terms = |pick| {
        let mut facets: Vec<Facet> = term_groups(summaries, pick)
            .into_iter()
            .map(|(slug, (name, list))| Facet {
                name: name.into(),
                slug: slug.into(),
                count: list.len(),
            })
            .collect();
        facets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
        facets
    };
    let fixed = |names: Vec<&'static str>, present: Vec<&'static str>| -> Vec<Facet> {
        names
            .into_iter()
            .map(|name| Facet {
                name: name.into(),
                slug: name.into(),
                count: present.iter().filter(|p| **p == name).count(),
            })
            .filter(|f| f.count > 0)
            .collect()
    };
    let mut map = HashMap::new();
    map.insert(
        "severity",
        fixed(
            Severity::ALL.iter().map(|s| s.as_str()).collect(),
            summaries.iter().map(|s| s.severity.as_str()).collect(),
        ),
    );
    map.insert(
        "status",
        fixed(
            Status::ALL.iter().map(|s| s.as_str()).collect(),
            summaries.iter().map(|s| s.status.as_str()).collect(),
        ),
    );
    map.insert("tags", terms(tags));
    map.insert("services", terms(services));
    map.insert("year", years(summaries));
    map
}

/// Incidents per year, newest year first.
fn years(summaries: &[IncidentSummary]) -> Vec<Facet> {
    let mut counts: BTreeMap<i16, usize> = BTreeMap::new();
    for summary in summaries {
        *counts.entry(summary.year).or_default() += 1;
    }
    counts
        .into_iter()
        .rev()
        .map(|(year, count)| Facet {
            name: year.to_string(),
            slug: year.to_string(),
            count,
        })
        .collect()
}

/// Why the site could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A template failed.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// An asset override could not be read.
    #[error("cannot read asset: {0}")]
    Asset(String),
    /// A page could not be stored.
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_path_of_base_urls() {
        assert_eq!(
            root_path(Some("https://acme.github.io/incidents/")),
            "/incidents/"
        );
        assert_eq!(root_path(Some("https://incidents.acme.dev/")), "/");
        assert_eq!(root_path(None), "/");
    }

    #[test]
    fn descriptions_are_cut_at_words() {
        let long = "word ".repeat(60);
        let d = description(long.trim());
        assert!(d.chars().count() <= 158 && d.ends_with("word…"), "{d}");
        assert_eq!(description("short"), "short");
    }
}
