//! Every kind of page the site has, and where each is written: the one place that knows
//! the layout of the output.
//!
//! Everything else names pages by kind and slug (`Page::Term(TermKind::Tags, "redis")`),
//! templates included (`link(to="tags", slug="redis")`), so moving a page means changing
//! one match arm here.

use serde::{Deserialize, Serialize};

use crate::knowledge::{IncidentSummary, Term};

/// The folder of the search bundle inside the site.
pub const SEARCH_BUNDLE: &str = "pagefind";

/// The marker file that makes a folder postmortem's site.
pub const MARKER_FILE: &str = ".postmortem-site";

pub use crate::render::templates::INDEX_FILE;

/// A kind of term incidents are grouped by, each with an index page and a page per term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TermKind {
    /// Free labels.
    Tags,
    /// Affected services.
    Services,
}

impl TermKind {
    /// Every kind, in navigation order.
    pub const ALL: [TermKind; 2] = [Self::Tags, Self::Services];

    /// The URL segment and the name templates use (`tags`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Tags => "tags",
            Self::Services => "services",
        }
    }

    /// The terms of this kind an incident carries.
    pub fn terms(self, summary: &IncidentSummary) -> &[Term] {
        match self {
            Self::Tags => &summary.tags,
            Self::Services => &summary.services,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// A file of the site that is data rather than a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DataFile {
    /// Every incident as JSON, for other tools.
    IncidentsJson,
    /// The JSON Schema of incident files, for editors.
    Schema,
    /// `robots.txt`.
    Robots,
    /// The Atom feed (only with a base URL).
    Feed,
    /// The sitemap (only with a base URL).
    Sitemap,
}

/// Which folder a page is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The site folder.
    Site,
    /// The Markdown reports folder.
    Reports,
}

/// One output file of a build. (Serialisable: the render cache keeps the inventory of the
/// last build.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Page {
    /// A stylesheet, script or icon, by its fingerprinted file name.
    Asset(String),
    /// The list of every incident.
    Index,
    /// The search page.
    Search,
    /// The page served for missing paths.
    NotFound,
    /// One incident's page, by slug.
    Incident(String),
    /// The index of every tag or service.
    Terms(TermKind),
    /// The incidents of one tag or service, by its slug.
    Term(TermKind, String),
    /// Every error pattern.
    Patterns,
    /// The incidents of one error pattern, by its slug.
    Pattern(String),
    /// Every action item.
    Actions,
    /// The trend charts.
    Trends,
    /// A data file.
    Data(DataFile),
    /// A file an incident's Markdown links to, copied next to its page: by the incident's
    /// slug and the file's name as linked.
    Attachment(String, String),
    /// One incident's Markdown report, by slug.
    Report(String),
    /// The index of the reports.
    ReportIndex,
}

impl Page {
    /// The page's address relative to the site root: its folder (`incidents/x/`, empty for
    /// the index) for pages, the file for everything else. Reports have none.
    pub fn url_path(&self) -> String {
        match self {
            Self::Index => String::new(),
            Self::Search => "search/".into(),
            Self::Incident(slug) => format!("incidents/{slug}/"),
            Self::Terms(kind) => format!("{}/", kind.name()),
            Self::Term(kind, slug) => format!("{}/{slug}/", kind.name()),
            Self::Patterns => "patterns/".into(),
            Self::Pattern(slug) => format!("patterns/{slug}/"),
            Self::Actions => "actions/".into(),
            Self::Trends => "trends/".into(),
            _ => self.path(),
        }
    }

    /// The file it is written to, relative to its [`Output`] folder.
    pub fn path(&self) -> String {
        match self {
            Self::Asset(name) => format!("assets/{name}"),
            Self::NotFound => "404.html".into(),
            Self::Data(DataFile::IncidentsJson) => "incidents.json".into(),
            Self::Data(DataFile::Schema) => "schema.json".into(),
            Self::Data(DataFile::Robots) => "robots.txt".into(),
            Self::Data(DataFile::Feed) => "feed.xml".into(),
            Self::Data(DataFile::Sitemap) => "sitemap.xml".into(),
            Self::Attachment(slug, name) => format!("incidents/{slug}/{name}"),
            Self::Report(slug) => format!("{slug}.md"),
            Self::ReportIndex => "README.md".into(),
            folder => format!("{}{INDEX_FILE}", folder.url_path()),
        }
    }

    /// The folder it is written to.
    pub fn output(&self) -> Output {
        match self {
            Self::Report(_) | Self::ReportIndex => Output::Reports,
            _ => Output::Site,
        }
    }

    /// Whether it is an HTML page (listed in the sitemap, counted as a page).
    pub fn is_html(&self) -> bool {
        self.output() == Output::Site && self.path().ends_with(".html")
    }

    /// The page templates mean by `link(to=…, slug=…)`: `to` is `index`, `search`, `404`,
    /// `patterns`, `actions`, `trends`, `tags` or `services`, and with a slug `incidents`,
    /// `patterns`, `tags` or `services` name one page of that kind.
    pub fn from_link(to: &str, slug: Option<&str>) -> Option<Self> {
        let owned = || slug.map(str::to_owned);
        Some(match (to, slug) {
            ("index", None) => Self::Index,
            ("search", None) => Self::Search,
            ("404", None) => Self::NotFound,
            ("patterns", None) => Self::Patterns,
            ("actions", None) => Self::Actions,
            ("trends", None) => Self::Trends,
            ("incidents", Some(_)) => Self::Incident(owned()?),
            ("patterns", Some(_)) => Self::Pattern(owned()?),
            (kind, None) => Self::Terms(TermKind::from_name(kind)?),
            (kind, Some(_)) => Self::Term(TermKind::from_name(kind)?, owned()?),
        })
    }

    /// [`Page::from_link`]'s address, for the templates' `link` function.
    pub fn link_path(to: &str, slug: Option<&str>) -> Option<String> {
        Self::from_link(to, slug).map(|page| page.url_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_get_index_files_and_files_keep_their_names() {
        let incident = Page::Incident("a".into());
        assert_eq!(incident.url_path(), "incidents/a/");
        assert_eq!(incident.path(), "incidents/a/index.html");
        assert_eq!(Page::Index.path(), "index.html");
        assert_eq!(Page::Index.url_path(), "");
        assert_eq!(
            Page::Term(TermKind::Services, "api".into()).path(),
            "services/api/index.html"
        );
        assert_eq!(Page::NotFound.path(), "404.html");
        assert_eq!(Page::Data(DataFile::Feed).url_path(), "feed.xml");
        assert_eq!(Page::Report("a".into()).path(), "a.md");
        let shot = Page::Attachment("a".into(), "img/shot.png".into());
        assert_eq!(shot.path(), "incidents/a/img/shot.png");
        assert_eq!(shot.output(), Output::Site);
        assert!(!shot.is_html());
        assert_eq!(Page::Report("a".into()).output(), Output::Reports);
        assert!(Page::Trends.is_html() && !Page::Data(DataFile::Sitemap).is_html());
        assert!(!Page::Asset("style.1.css".into()).is_html());
    }

    #[test]
    fn links_name_pages_by_kind_and_slug() {
        let link = |to, slug| Page::link_path(to, slug);
        assert_eq!(link("index", None).as_deref(), Some(""));
        assert_eq!(link("tags", None).as_deref(), Some("tags/"));
        assert_eq!(link("tags", Some("redis")).as_deref(), Some("tags/redis/"));
        assert_eq!(
            link("incidents", Some("a")).as_deref(),
            Some("incidents/a/")
        );
        assert_eq!(link("patterns", Some("p")).as_deref(), Some("patterns/p/"));
        assert_eq!(link("incidents", None), None, "an incident needs its slug");
        assert_eq!(link("nope", None), None);
        assert_eq!(link("trends", Some("x")), None);
    }
}
