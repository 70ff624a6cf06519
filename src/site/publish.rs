//! The files that publish a site beyond its pages: the Atom feed, the sitemap,
//! `robots.txt`, `incidents.json` for other tools, and `schema.json` for editors.
//!
//! Feed and sitemap need absolute URLs, so they are written only when the site has a base
//! URL. Every date in them comes from the incident files, never from the clock, so two
//! builds of the same input are byte-identical.

use schemars::JsonSchema;
use serde::Serialize;
use tera::Context;

use super::inventory::Inventory;
use super::pages::{DataFile, Page};
use super::{SiteData, SiteError, SiteInfo, SiteRenderer};
use crate::knowledge::{PatternRef, Related, SimilarKind, SimilarLink};
use crate::model::{Durations, Incident};

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
    /// The workspace's severity levels (most severe first) and statuses, when it
    /// configures its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub vocabularies: Option<&'a crate::model::Vocabularies>,
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
    pub path: String,
    /// Absolute URL of the page, when the site has a base URL.
    pub url: Option<String>,
    /// Latest moment the file mentions (RFC 3339).
    pub updated: &'a str,
    /// Minutes from start to detection, mitigation and resolution, from the timeline.
    pub minutes_to: Minutes,
    /// The error pattern and the related incidents, as the site shows them.
    #[serde(flatten)]
    pub knowledge: IncidentKnowledge<'a>,
    /// The incident, as written.
    pub incident: &'a Incident,
}

/// An incident's patterns and related incidents.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IncidentKnowledge<'a> {
    /// The pattern of its (first) error; null when it has no error message.
    pub pattern: Option<PatternLink<'a>>,
    /// The pattern of every error, in order, when it has more than one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<PatternLink<'a>>,
    /// Related incidents, best first.
    pub related: Vec<RelatedRef<'a>>,
    /// Incidents whose error names the same failure in other words, or whose root cause
    /// describes the same mechanism, best first (at most 20; same-pattern incidents are in
    /// `pattern`'s page instead).
    pub similar: Vec<SimilarRef<'a>>,
}

/// A similar incident, by slug: what kind of similarity, how much, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SimilarRef<'a> {
    /// The other incident's slug.
    pub slug: &'a str,
    /// `similar-error` or `similar-cause`.
    pub kind: SimilarKind,
    /// How similar, in percent (similar errors from 80, similar causes from 30).
    pub score: u8,
    /// Why, e.g. "same condition (connection refused)" or "shared terms: pool, retries".
    pub reason: &'a str,
}

/// An incident's pattern, with the page that lists its incidents.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "PatternRef")]
pub struct PatternLink<'a> {
    /// The pattern text.
    pub text: &'a str,
    /// URL segment of the pattern page.
    pub slug: &'a str,
    /// Pattern page path relative to the site root.
    pub path: String,
    /// Whether the incident file named it (`error.pattern`) rather than it being computed.
    pub explicit: bool,
    /// How many incidents with this pattern happened before this one.
    pub seen_before: usize,
    /// How many incidents have this pattern, this one included.
    pub occurrences: usize,
}

/// A related incident, by slug, and why it is related.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RelatedRef<'a> {
    /// The other incident's slug.
    pub slug: &'a str,
    /// Why, e.g. "same error pattern; shared services: cache".
    pub reason: &'a str,
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

impl<'a> PatternLink<'a> {
    fn new(pattern: &'a PatternRef) -> Self {
        Self {
            text: &pattern.text,
            slug: &pattern.slug,
            path: Page::Pattern(pattern.slug.clone()).url_path(),
            explicit: pattern.explicit,
            seen_before: pattern.seen_before,
            occurrences: pattern.occurrences,
        }
    }
}

impl<'a> IncidentKnowledge<'a> {
    /// The patterns, related and similar incidents of one incident; `related` and `similar`
    /// point into `data`.
    pub fn new(
        patterns: &'a [PatternRef],
        related: &'a [Related],
        similar: &'a [SimilarLink],
        data: &'a SiteData<'_>,
    ) -> Self {
        Self {
            pattern: patterns.first().map(PatternLink::new),
            patterns: if patterns.len() > 1 {
                patterns.iter().map(PatternLink::new).collect()
            } else {
                Vec::new()
            },
            related: related
                .iter()
                .map(|r| RelatedRef {
                    slug: &data.summaries[r.incident].slug,
                    reason: &r.reason,
                })
                .collect(),
            similar: similar
                .iter()
                .map(|s| SimilarRef {
                    slug: &data.summaries[s.incident].slug,
                    kind: s.kind,
                    score: s.score,
                    reason: &s.reason,
                })
                .collect(),
        }
    }
}

/// The JSON Schema of `incidents.json`, with the workspace's severities and statuses, for
/// tools that read it.
pub fn incidents_json_schema(vocabularies: &crate::model::Vocabularies) -> String {
    let mut schema = schemars::schema_for!(IncidentsJson<'static>).to_value();
    crate::model::vocabulary::fill_schema(&mut schema, vocabularies);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

impl SiteRenderer {
    /// One data file. `inventory` lists the pages for the sitemap.
    pub(super) fn data_file(
        &self,
        file: DataFile,
        data: &SiteData<'_>,
        inventory: &Inventory,
    ) -> Result<String, SiteError> {
        let site = self.info();
        let base = site.base_url.as_deref().unwrap_or_default();
        Ok(match file {
            DataFile::IncidentsJson => incidents_json(site, data),
            DataFile::Schema => crate::model::schema_json(&site.vocabularies) + "\n",
            DataFile::Robots => robots(site),
            DataFile::Feed => {
                let summaries = data.summaries;
                let mut feed = Context::new();
                feed.insert("incidents", summaries);
                feed.insert("base_url", base);
                let updated = summaries.iter().map(|s| s.updated.as_str()).max();
                feed.insert("updated", &updated.unwrap_or(""));
                self.templates().render("atom.xml", &feed)?
            }
            DataFile::Sitemap => {
                let mut urls: Vec<String> = inventory
                    .pages()
                    .filter(|page| page.is_html() && **page != Page::NotFound)
                    .map(|page| format!("{base}{}", page.url_path()))
                    .collect();
                urls.sort();
                let mut sitemap = Context::new();
                sitemap.insert("urls", &urls);
                self.templates().render("sitemap.xml", &sitemap)?
            }
        })
    }
}

fn incidents_json(site: &SiteInfo, data: &SiteData<'_>) -> String {
    let knowledge = data.knowledge;
    let records = data
        .summaries
        .iter()
        .zip(data.incidents)
        .zip(knowledge.related.iter().zip(&knowledge.incident_patterns))
        .zip(&knowledge.similar)
        .map(|(((summary, loaded), (related, pattern)), similar)| {
            let page = Page::Incident(summary.slug.clone());
            IncidentRecord {
                slug: &summary.slug,
                source: loaded.source_name(),
                path: page.url_path(),
                url: site.absolute_url(&page),
                updated: &summary.updated,
                minutes_to: (&loaded.durations).into(),
                knowledge: IncidentKnowledge::new(pattern, related, similar, data),
                incident: &loaded.incident,
            }
        })
        .collect();
    let json = IncidentsJson {
        format_version: INCIDENTS_JSON_VERSION,
        generator: format!("postmortem {}", site.version),
        title: &site.title,
        base_url: site.base_url.as_deref(),
        vocabularies: (site.vocabularies != crate::model::Vocabularies::default())
            .then_some(&site.vocabularies),
        incidents: records,
    };
    serde_json::to_string(&json).unwrap_or_default() + "\n"
}

fn robots(site: &SiteInfo) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &site.base_url {
        let sitemap = Page::Data(DataFile::Sitemap).path();
        text.push_str(&format!("Sitemap: {base}{sitemap}\n"));
    }
    text
}
