//! Renders any page of the site from the site's data: what each page kind is given, and
//! through which template.
//!
//! A build and a save under `serve` both come here, page by page, so a page is the same
//! whichever asked for it. Each list page gets its values only when it is rendered, so a
//! 10,000-incident site never holds every list page's values at once; the summaries become
//! template values once per rendering pass and every list shares them (tera values are
//! reference-counted).

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Value};

use super::facets::{Facet, facets};
use super::inventory::Inventory;
use super::pages::{Page, TermKind};
use super::{SiteData, SiteError, SiteInfo, assets};
use crate::knowledge::{IncidentSummary, Term};
use crate::model::text::plural;
use crate::render::i18n::fill;
use crate::render::view::{IncidentPage, related_links};
use crate::render::{TemplateError, Templates, report};

/// The templates of one site, with the site-wide values set, and its assets. Built once
/// per build (or per `serve` session) and asked for single pages.
pub struct SiteRenderer {
    templates: Templates,
    pub(super) site: SiteInfo,
    assets: assets::Assets,
    /// Where reports go, so their links to attachments lead to the files where they lie.
    reports_dir: Option<std::path::PathBuf>,
}

/// The summaries as template values, made on first use and shared by every list page of
/// one rendering pass.
#[derive(Default)]
pub struct Rows(OnceLock<Result<Vec<Value>, String>>);

impl Rows {
    fn get(&self, summaries: &[IncidentSummary]) -> Result<&[Value], TemplateError> {
        use rayon::prelude::*;
        let rows = self.0.get_or_init(|| {
            summaries
                .par_iter()
                .map(Value::try_from_serializable)
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())
        });
        rows.as_deref().map_err(|e| TemplateError(e.clone()))
    }
}

/// What a page tells the layout about itself.
#[derive(Debug, Serialize)]
pub(super) struct PageMeta<'a> {
    title: &'a str,
    description: &'a str,
    /// Address relative to the site root, e.g. `incidents/x/`.
    path: String,
    /// Absolute URL, when the site has a base URL.
    canonical: Option<String>,
    /// Which navigation entry is current.
    section: &'static str,
    og_type: &'static str,
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
        templates.set_global("strings", &site.strings);
        // The site script's messages, read from the header's search form.
        templates.set_global("script_strings", &site.strings.section_json("script"));
        templates.set_global("assets", &assets.paths);
        templates.set_global("pretty_urls", &site.pretty_urls());
        Ok(Self {
            templates,
            site: site.clone(),
            assets,
            reports_dir: None,
        })
    }

    /// Reports are written to `dir`.
    #[must_use]
    pub fn with_reports_dir(mut self, dir: &Path) -> Self {
        self.reports_dir = Some(dir.to_path_buf());
        self
    }

    /// The site-wide settings.
    pub fn info(&self) -> &SiteInfo {
        &self.site
    }

    /// The templates with the site-wide values set.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The file names of the assets.
    pub fn asset_names(&self) -> Vec<String> {
        self.assets
            .files
            .iter()
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The page of incident `i` and its report, as asked: each is rendered only if wanted,
    /// from one view (the highlighting is done once).
    pub fn incident(
        &self,
        data: &SiteData<'_>,
        i: usize,
        page: bool,
        report: bool,
    ) -> Result<(Option<String>, Option<String>), SiteError> {
        let summary = &data.summaries[i];
        let knowledge = data.knowledge;
        let view = IncidentPage::new(
            &data.incidents[i],
            summary,
            related_links(&knowledge.related[i], data.summaries),
            &knowledge.incident_patterns[i],
        );
        let html = page
            .then(|| {
                let description = description(&summary.summary_text);
                let meta = self.meta(
                    &Page::Incident(summary.slug.clone()),
                    &summary.title,
                    &description,
                    "incidents",
                );
                let mut context = page_context(meta);
                context.insert("page_data", &view);
                self.templates.render("incident.html", &context)
            })
            .transpose()?;
        let text = report
            .then(|| {
                let loaded = &data.incidents[i];
                // Prose made safe for any Markdown renderer; links to attached files lead
                // to where the files lie, from the reports.
                let linked = report::with_report_links(loaded, self.reports_dir.as_deref());
                let view = IncidentPage {
                    incident: &linked,
                    ..view
                };
                report::render_report(&view, &self.templates)
            })
            .transpose()?;
        Ok((html, text))
    }

    /// Any page but an incident's page or report, as bytes.
    /// `inventory` is the site's, for the sitemap.
    pub fn page(
        &self,
        page: &Page,
        data: &SiteData<'_>,
        inventory: &Inventory,
        rows: &Rows,
    ) -> Result<Vec<u8>, SiteError> {
        let html = match page {
            Page::Asset(name) => return Ok(self.asset(name)),
            Page::Attachment(slug, name) => return attachment(data, slug, name),
            Page::Data(file) => {
                return self
                    .data_file(*file, data, inventory)
                    .map(String::into_bytes);
            }
            Page::ReportIndex => report::render_index(data.summaries, &self.templates)?,
            Page::Index => self.index(data, rows)?,
            Page::Search => self.search(data)?,
            Page::NotFound => self.not_found()?,
            Page::Terms(kind) => self.terms(*kind, data)?,
            Page::Term(kind, slug) => self.term(*kind, slug, data, rows)?,
            Page::Patterns => self.patterns(data)?,
            Page::Pattern(slug) => self.pattern(slug, data)?,
            Page::Actions => self.actions(data)?,
            Page::Trends => self.trends(data)?,
            Page::Incident(_) | Page::Report(_) => {
                return Err(SiteError::NoPage(format!(
                    "{page:?} (rendered with its incident)"
                )));
            }
        };
        Ok(html.into_bytes())
    }

    fn asset(&self, name: &str) -> Vec<u8> {
        let found = self.assets.files.iter().find(|(n, _)| n == name);
        found
            .map(|(_, content)| content.clone())
            .unwrap_or_default()
    }

    pub(super) fn meta<'a>(
        &self,
        page: &Page,
        title: &'a str,
        description: &'a str,
        section: &'static str,
    ) -> PageMeta<'a> {
        PageMeta {
            title,
            description,
            path: page.url_path(),
            canonical: self.site.absolute_url(page),
            section,
            og_type: if matches!(page, Page::Incident(_)) {
                "article"
            } else {
                "website"
            },
        }
    }

    pub(super) fn render(&self, template: &str, context: &Context) -> Result<String, SiteError> {
        Ok(self.templates.render(template, context)?)
    }

    fn index(&self, data: &SiteData<'_>, rows: &Rows) -> Result<String, SiteError> {
        let site = &self.site;
        let meta = self.meta(&Page::Index, &site.title, &site.description, "incidents");
        let mut context = page_context(meta);
        context.insert_value("incidents", Value::from(rows.get(data.summaries)?.to_vec()));
        context.insert(
            "open_count",
            &open_count(data.summaries, 0..data.summaries.len()),
        );
        context.insert("facets", &facets(data));
        self.render("index.html", &context)
    }

    fn search(&self, data: &SiteData<'_>) -> Result<String, SiteError> {
        let description = fill(
            self.site.text("page.search_description"),
            &[("site".into(), self.site.title.clone())],
        );
        let title = self.site.text("page.search");
        let mut context = page_context(self.meta(&Page::Search, title, &description, "search"));
        context.insert("facets", &facets(data));
        self.render("search.html", &context)
    }

    /// Served for any missing path, at any depth: its links start at the site's root path
    /// (from the base URL) instead of being relative.
    fn not_found(&self) -> Result<String, SiteError> {
        let site = &self.site;
        let meta = self.meta(
            &Page::NotFound,
            site.text("page.not_found"),
            &site.description,
            "",
        );
        let mut context = page_context(meta);
        match site.base_url.as_deref() {
            Some(base) => context.insert("root", &root_path(Some(base))),
            // Where the site lives is unknown: links stay relative and the page's script
            // finds the root (the nearest folder above the address that has the site's
            // stylesheet) and sets it as the page's base.
            None => {
                context.insert("root", "");
                context.insert("find_root", &true);
            }
        }
        self.render("404.html", &context)
    }

    fn terms(&self, kind: TermKind, data: &SiteData<'_>) -> Result<String, SiteError> {
        let label = self.site.text(match kind {
            TermKind::Tags => "page.tags",
            TermKind::Services => "page.services",
        });
        let description = format!("{label} of {}", self.site.title);
        let meta = self.meta(&Page::Terms(kind), label, &description, kind.name());
        let facets: Vec<Facet> = data
            .terms(kind)
            .iter()
            .map(|(slug, (name, list))| Facet {
                name: name.to_string(),
                slug: slug.to_string(),
                count: list.len(),
                tone: None,
            })
            .collect();
        let mut context = page_context(meta);
        context.insert("kind", &kind);
        context.insert("terms", &facets);
        self.render("terms.html", &context)
    }

    fn term(
        &self,
        kind: TermKind,
        slug: &str,
        data: &SiteData<'_>,
        rows: &Rows,
    ) -> Result<String, SiteError> {
        let empty = ("", Vec::new());
        let (name, list) = data.terms(kind).get(slug).unwrap_or(&empty);
        let title = fill(
            self.site.text(match kind {
                TermKind::Tags => "page.tag",
                TermKind::Services => "page.service",
            }),
            &[("name".into(), name.to_string())],
        );
        let description = format!(
            "{} incident{} involving {name}.",
            list.len(),
            plural(list.len())
        );
        let page = Page::Term(kind, slug.to_owned());
        let mut context = page_context(self.meta(&page, &title, &description, kind.name()));
        context.insert("kind", &kind);
        context.insert(
            "term",
            &Term {
                name: (*name).to_owned(),
                slug: slug.to_owned(),
                page: true,
            },
        );
        let rows = rows.get(data.summaries)?;
        let listed: Vec<Value> = list.iter().map(|&i| capped_row(&rows[i])).collect();
        context.insert_value("incidents", Value::from(listed));
        context.insert(
            "open_count",
            &open_count(data.summaries, list.iter().copied()),
        );
        self.render("term.html", &context)
    }
}

/// How many of an incident's tags (and of its services) a row on a term page shows. Listing
/// them all would make the site grow with the square of a list's length: an incident with
/// 2,000 tags is on 2,000 tag pages, each listing its 2,000 tags.
pub const TERMS_PER_ROW: usize = 8;

/// `row` with its tags and services cut to [`TERMS_PER_ROW`]; `more_tags` and
/// `more_services` say how many were left out.
fn capped_row(row: &Value) -> Value {
    let cut: Vec<_> = [("tags", "more_tags"), ("services", "more_services")]
        .into_iter()
        .filter_map(|(field, more)| {
            let items = row.get_from_path(field)?.as_array()?;
            (items.len() > TERMS_PER_ROW).then(|| {
                let kept = Value::from(items[..TERMS_PER_ROW].to_vec());
                (field, kept, more, items.len() - TERMS_PER_ROW)
            })
        })
        .collect();
    if cut.is_empty() {
        return row.clone();
    }
    let Some(mut map) = row.clone().into_map() else {
        return row.clone();
    };
    for (field, kept, more, rest) in cut {
        map.insert(field.into(), kept);
        map.insert(more.into(), Value::from(rest));
    }
    Value::from(map)
}

fn attachment(data: &SiteData<'_>, slug: &str, name: &str) -> Result<Vec<u8>, SiteError> {
    let file = data
        .incidents
        .iter()
        .filter(|loaded| loaded.slug == slug)
        .flat_map(|loaded| &loaded.attachments)
        .find(|a| a.name == name)
        .ok_or_else(|| SiteError::NoPage(format!("{name}, attached to {slug}")))?;
    std::fs::read(&file.source)
        .map_err(|e| SiteError::Asset(format!("{}: {e}", file.source.display())))
}

/// A context with the page's metadata and its way back to the site root.
pub(super) fn page_context(meta: PageMeta<'_>) -> Context {
    let mut context = Context::new();
    context.insert("root", &"../".repeat(meta.path.matches('/').count()));
    context.insert("page", &meta);
    context
}

fn open_count(summaries: &[IncidentSummary], listed: impl Iterator<Item = usize>) -> usize {
    listed.filter(|&i| summaries[i].open).count()
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
