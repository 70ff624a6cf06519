//! The files that publish a site beyond its pages: the Atom feed, the sitemap,
//! `robots.txt`, `incidents.json` for other tools, and `schema.json` for editors.
//!
//! Feed and sitemap need absolute URLs, so they are written only when the site has a base
//! URL. Every date in them comes from the incident files, never from the clock, so two
//! builds of the same input are byte-identical.

use schemars::JsonSchema;
use serde::Serialize;
use tera::Context;

use super::{Sink, SiteError, SiteInfo, SiteRenderer};
use crate::knowledge::IncidentKnowledge;
use crate::load::LoadedIncident;
use crate::model::Durations;
use crate::model::Incident;
use crate::render::Overview;

/// Version of the `incidents.json` format; raised when a field changes meaning or goes.
pub const INCIDENTS_JSON_VERSION: u32 = 1;

/// `incidents.json`: every incident as structured data, for dashboards and other tools.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "postmortem incidents.json")]
pub struct IncidentsJson<'a> {
    /// Version of this format.
    pub format_version: u32,
    /// The program that wrote the file, e.g. `postmortem 0.1.0`.
    pub generator: String,
    /// Site title.
    pub title: &'a str,
    /// Absolute URL of the site, when it has one.
    pub base_url: Option<&'a str>,
    /// Every incident, newest first.
    pub incidents: Vec<IncidentRecord<'a>>,
}

/// One incident in `incidents.json`: where it lives, what was derived from it, and every
/// field of its file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IncidentRecord<'a> {
    /// File name without extension.
    pub slug: &'a str,
    /// The incident file, relative to the workspace.
    pub source: String,
    /// Page path relative to the site root, e.g. `incidents/<slug>/`.
    pub path: &'a str,
    /// Absolute URL of the page, when the site has a base URL.
    pub url: Option<String>,
    /// Latest moment the file mentions (RFC 3339).
    pub updated: &'a str,
    /// Minutes from start to detection, mitigation and resolution, from the timeline.
    pub minutes_to: Minutes,
    /// The error pattern and the related incidents, as the site shows them.
    #[serde(flatten)]
    pub knowledge: IncidentKnowledge,
    /// The incident, as written.
    pub incident: &'a Incident,
}

/// Durations in minutes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Minutes {
    /// Start to first detection.
    pub detect: Option<i64>,
    /// Start to first mitigation.
    pub mitigate: Option<i64>,
    /// Start to resolution.
    pub resolve: Option<i64>,
}

impl From<&Durations> for Minutes {
    fn from(d: &Durations) -> Self {
        Self {
            detect: d.detect_minutes,
            mitigate: d.mitigate_minutes,
            resolve: d.resolve_minutes,
        }
    }
}

/// The JSON Schema of `incidents.json`, for tools that read it.
pub fn incidents_json_schema() -> String {
    serde_json::to_string_pretty(&schemars::schema_for!(IncidentsJson<'static>)).unwrap_or_default()
}

impl SiteRenderer {
    /// Writes `incidents.json`, `schema.json`, `robots.txt`, and with a base URL
    /// `feed.xml` and `sitemap.xml` (listing `pages`, the HTML pages written).
    pub fn publish_files(
        &self,
        overview: &Overview,
        incidents: &[LoadedIncident],
        pages: &[String],
        sink: &dyn Sink,
    ) -> Result<(), SiteError> {
        self.incidents_json(overview, incidents, sink)?;
        self.feed_and_sitemap(overview, pages, sink)?;
        let files = [
            ("schema.json", crate::model::schema_json() + "\n"),
            ("robots.txt", robots(&self.site)),
        ];
        put_all(&files, sink)
    }

    /// Writes `incidents.json`: it changes with any change to any incident.
    pub fn incidents_json(
        &self,
        overview: &Overview,
        incidents: &[LoadedIncident],
        sink: &dyn Sink,
    ) -> Result<(), SiteError> {
        let json = incidents_json(&self.site, overview, incidents);
        put_all(&[("incidents.json", json)], sink)
    }

    /// With a base URL, writes `feed.xml` and `sitemap.xml` (listing `pages`, the HTML
    /// pages written): they change only with the summaries or the set of pages.
    pub fn feed_and_sitemap(
        &self,
        overview: &Overview,
        pages: &[String],
        sink: &dyn Sink,
    ) -> Result<(), SiteError> {
        let site = &self.site;
        let summaries = &overview.summaries;
        let mut files = Vec::new();
        if let Some(base) = &site.base_url {
            let mut feed = Context::new();
            feed.insert("incidents", summaries);
            feed.insert("base_url", base);
            feed.insert(
                "updated",
                &summaries
                    .iter()
                    .map(|s| s.updated.as_str())
                    .max()
                    .unwrap_or(""),
            );
            files.push(("feed.xml", self.templates.render("atom.xml", &feed)?));

            let mut sitemap = Context::new();
            let mut urls: Vec<String> = pages
                .iter()
                .filter(|p| p.as_str() != "404.html")
                .map(|p| format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p)))
                .collect();
            urls.sort();
            sitemap.insert("urls", &urls);
            files.push((
                "sitemap.xml",
                self.templates.render("sitemap.xml", &sitemap)?,
            ));
        }
        put_all(&files, sink)
    }
}

fn put_all(files: &[(&str, String)], sink: &dyn Sink) -> Result<(), SiteError> {
    for (name, content) in files {
        sink.put(name, content.as_bytes())
            .map_err(|e| SiteError::Write((*name).to_owned(), e))?;
    }
    Ok(())
}

fn incidents_json(site: &SiteInfo, overview: &Overview, incidents: &[LoadedIncident]) -> String {
    let records = overview
        .summaries
        .iter()
        .zip(incidents)
        .zip(
            overview
                .related
                .iter()
                .zip(&overview.knowledge.incident_patterns),
        )
        .map(|((summary, loaded), (related, pattern))| IncidentRecord {
            slug: &summary.slug,
            source: loaded.file.to_string_lossy().replace('\\', "/"),
            path: &summary.path,
            url: site
                .base_url
                .as_ref()
                .map(|base| format!("{base}{}", summary.path)),
            updated: &summary.updated,
            minutes_to: (&Durations::from_incident(&loaded.incident)).into(),
            knowledge: IncidentKnowledge::new(pattern, related),
            incident: &loaded.incident,
        })
        .collect();
    let json = IncidentsJson {
        format_version: INCIDENTS_JSON_VERSION,
        generator: format!("postmortem {}", site.version),
        title: &site.title,
        base_url: site.base_url.as_deref(),
        incidents: records,
    };
    serde_json::to_string(&json).unwrap_or_default() + "\n"
}

fn robots(site: &SiteInfo) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &site.base_url {
        text.push_str(&format!("Sitemap: {base}sitemap.xml\n"));
    }
    text
}
