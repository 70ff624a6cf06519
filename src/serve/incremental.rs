//! The rebuild state of `serve` and `watch`: what was loaded and what is on disk, so that
//! one saved file costs one page, not the whole site.
//!
//! A [`Session`] keeps every parsed incident in memory (`Sources`) and, for each
//! incident, what the site shows of it: the hash of its summary (what the index and term
//! pages list), its term pages, and its own page's related links. On each change it
//!
//! 1. re-scans the incidents folder and re-parses the files whose size or time changed (or
//!    that an event named), so a missed or late event cannot leave a file stale;
//! 2. validates the whole set again, exactly as `check` does; on any error nothing is
//!    written and the last good site stays;
//! 3. renders and writes the changed incidents' pages first, the page a user looks at:
//!    they need only their own related links ([`RelatedIndex`]) and the error patterns,
//!    which each file carries from when it was read; then the pages whose related links
//!    or pattern changed, the list pages that show a changed summary (index, the old and
//!    new tag and service pages, the term indexes, the knowledge pages), the reports, and
//!    removes what is gone;
//! 4. writes only the files whose bytes changed, each atomically.
//!
//! Rendered pages are not kept: at 10,000 incidents that would be gigabytes. A 64-bit hash
//! of each file written is enough to skip unchanged ones. A change to a template or to
//! `postmortem.toml` is a full rebuild through [`build::write_all`], the same code as
//! `postmortem build`.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::{self, BuildOptions, Outputs};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::knowledge::related::RelatedIndex;
use crate::knowledge::{IncidentKnowledge, Knowledge, PatternRef};
use crate::load::LoadedIncident;
use crate::render::{IncidentPage, IncidentSummary, Overview, RelatedLink, Templates, report};
use crate::search::{BUNDLE_DIR, SearchRecord};
use crate::site::write::{self, write_atomically};
use crate::site::{SUMMARY_LISTS, SiteFiles, SiteInfo, SiteRenderer};
use crate::workspace::{self, CONFIG_FILE, Workspace};

use super::search::SearchRefresher;
use super::sources::Sources;
use super::watch::{Change, WatchRoots};

/// Called once the changed incidents' own pages are on disk, with their paths (relative
/// to the site), before the list pages and reports follow.
pub type EarlyPages<'a> = dyn FnMut(&[String]) + 'a;

/// The state of a live preview: the loaded incidents and what was last written.
pub struct Session {
    cwd: PathBuf,
    explicit_root: Option<PathBuf>,
    options: BuildOptions,
    workspace: Workspace,
    templates: Option<Templates>,
    sources: Sources,
    /// Why the next successful rebuild must render everything, if it must.
    full_reason: Option<String>,
    /// What is on disk; `None` until the first good build.
    site: Option<Site>,
    rebuilds: u64,
    /// The failure last reported, so an unchanged one is not reported again.
    last_error: Option<String>,
    cancel: Arc<AtomicBool>,
    /// Re-indexes the search bundle in the background after each change.
    search: Option<SearchRefresher>,
}

/// The last site written: enough to know what a change affects, without the pages.
struct Site {
    outputs: Outputs,
    /// Templates with the site-wide values set, for reports.
    templates: Templates,
    renderer: SiteRenderer,
    /// What the site shows of each incident, by slug.
    shown: HashMap<String, Shown>,
    /// Hash of every file of the site as last written, by path relative to the site root
    /// (the search bundle aside: [`SearchRefresher`] keeps that).
    files: HashMap<String, u64>,
    /// The search record of each incident, by slug, as last indexed.
    records: HashMap<String, SearchRecord>,
    /// Whether links are pretty (`incidents/x/`), as search records must match.
    pretty_urls: bool,
    /// The day the site was rendered for: what is overdue depends on it.
    today: jiff::civil::Date,
}

/// What the site shows of one incident.
struct Shown {
    /// Hash of its summary: what the index, term pages and related links show of it.
    summary_hash: u64,
    /// Its page, e.g. `incidents/a/index.html`.
    page: String,
    /// The tag and service pages that list it.
    terms: Vec<TermPage>,
    /// Its error pattern and related links, as its page shows them.
    knowledge: IncidentKnowledge,
}

/// A tag or service page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TermPage {
    kind: &'static str,
    slug: String,
}

impl TermPage {
    fn of(summary: &IncidentSummary) -> Vec<Self> {
        let tags = summary.tags.iter().map(|t| ("tags", t));
        let services = summary.services.iter().map(|t| ("services", t));
        tags.chain(services)
            .map(|(kind, term)| Self {
                kind,
                slug: term.slug.clone(),
            })
            .collect()
    }

    /// As `SiteRenderer` writes it.
    fn path(&self) -> String {
        format!("{}/{}/index.html", self.kind, self.slug)
    }

    fn lists(&self, summary: &IncidentSummary) -> bool {
        let terms = if self.kind == "tags" {
            &summary.tags
        } else {
            &summary.services
        };
        terms.iter().any(|t| t.slug == self.slug)
    }
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Outcome {
    /// Number of this rebuild; 0 is the first build.
    pub number: u64,
    /// Files that changed, as shown to the user (relative to where they stand).
    pub changed: Vec<PathBuf>,
    /// Wall time.
    pub elapsed: Duration,
    /// What happened.
    pub result: Result<Rebuilt, Failure>,
    /// Warnings of the files re-read (the site was still written).
    pub warnings: Vec<Diagnostic>,
}

/// What a successful rebuild rendered and wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    /// Why everything was rendered, if it was.
    pub full: Option<String>,
    /// Incidents.
    pub incidents: usize,
    /// Incident pages rendered.
    pub incident_pages: usize,
    /// List pages rendered (index, tag and service pages).
    pub list_pages: usize,
    /// Reports rendered.
    pub reports: usize,
    /// Files written because their bytes changed (pages and reports).
    pub written: usize,
    /// Files removed because their incident or term is gone.
    pub removed: usize,
    /// Pages (paths relative to the site) written or removed after the early ones were
    /// announced; empty after a full rebuild, where every page may have changed.
    pub pages: Vec<String>,
    /// Time until the changed incidents' pages were on disk.
    pub first_page: Option<Duration>,
}

/// Why a rebuild wrote nothing. The previous site is untouched.
#[derive(Debug)]
pub enum Failure {
    /// Input files have errors, shown exactly as `check` shows them.
    Invalid(Vec<Diagnostic>),
    /// A template, the output folder or the disk failed.
    Other(String),
}

impl Failure {
    /// The text shown in the browser overlay: like the terminal, without colours.
    pub fn text(&self) -> String {
        match self {
            Self::Invalid(diagnostics) => diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
                .join("\n\n"),
            Self::Other(message) => format!("error: {message}"),
        }
    }
}

fn other(error: impl std::fmt::Display) -> Failure {
    Failure::Other(error.to_string())
}

fn template(error: impl std::fmt::Display) -> Failure {
    Failure::Other(format!("template error: {error}"))
}

impl Session {
    /// A session for the workspace found from `cwd` (or at `explicit_root`), as
    /// `Workspace::discover` finds it. Nothing is read or written until [`Session::rebuild`].
    pub fn new(
        cwd: PathBuf,
        explicit_root: Option<PathBuf>,
        options: BuildOptions,
    ) -> Result<Self, Diagnostic> {
        let workspace = Workspace::discover(&cwd, explicit_root.as_deref())?;
        Ok(Self {
            cwd,
            explicit_root,
            options,
            workspace,
            templates: None,
            sources: Sources::default(),
            full_reason: Some("first build".into()),
            site: None,
            rebuilds: 0,
            last_error: None,
            cancel: Arc::new(AtomicBool::new(false)),
            search: None,
        })
    }

    /// Setting this stops a full rebuild in progress (Ctrl-C); the old site stays.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// The folders to watch and the output folders to ignore.
    pub fn watch_roots(&self) -> WatchRoots {
        let (site, reports) = match build::outputs(&self.workspace, &self.options) {
            Ok(outputs) => (outputs.site, outputs.reports),
            Err(_) => (self.workspace.output_dir(), self.workspace.reports_dir()),
        };
        WatchRoots {
            root: self.workspace.root.clone(),
            config: self.workspace.root.join(CONFIG_FILE),
            incidents: self.workspace.incidents_dir(),
            templates: self.workspace.templates_dir(),
            ignore: vec![site, reports],
        }
    }

    /// The site folder being served.
    pub fn site_dir(&self) -> PathBuf {
        self.site
            .as_ref()
            .map(|s| s.outputs.site.clone())
            .or_else(|| self.options.out.clone())
            .unwrap_or_else(|| self.workspace.output_dir())
    }

    /// Number of incidents in the last good site.
    pub fn incident_count(&self) -> usize {
        self.site.as_ref().map_or(0, |s| s.shown.len())
    }

    /// Brings the site up to date with the files on disk; the first call builds
    /// everything. `early` hears about the changed incidents' pages as soon as they are
    /// written. Returns `None` when there is nothing new to tell (a re-scan that found no
    /// change, or the same failure again).
    pub fn rebuild(&mut self, change: &Change, early: &mut EarlyPages<'_>) -> Option<Outcome> {
        let start = Instant::now();
        let had_site = self.site.is_some();
        self.cancel.store(false, Ordering::Relaxed);
        let (reread, result) = self.update(change, early);
        let error = result.as_ref().err().map(Failure::text);
        // Report saves, settings changes, renders and a failure that changed.
        let news = change.settings
            || reread > 0
            || matches!(&result, Ok(Some(_)))
            || error != self.last_error;
        if !news {
            return None;
        }
        self.last_error = error;
        let mut warnings = self.sources.warnings();
        // Once a site stands, tell the writer, as `check` does, when a saved incident's
        // error was seen before (the first build would list the whole history).
        if had_site && result.is_ok() {
            warnings.extend(self.sources.recurrence_notes());
        }
        let changed = self
            .sources
            .touched()
            .iter()
            .map(|p| workspace::display_path(p, &self.cwd))
            .collect();
        if result.is_ok() {
            self.sources.mark_written();
        }
        let number = self.rebuilds;
        self.rebuilds += 1;
        Some(Outcome {
            number,
            changed,
            elapsed: start.elapsed(),
            result: result.map(Option::unwrap_or_default),
            warnings,
        })
    }

    /// Loads what changed and renders what it affects: the number of files read again,
    /// and what was rendered (`None`: nothing to render).
    fn update(
        &mut self,
        change: &Change,
        early: &mut EarlyPages<'_>,
    ) -> (usize, Result<Option<Rebuilt>, Failure>) {
        if (change.settings || self.templates.is_none())
            && let Err(failure) = self.reload_settings()
        {
            return (0, Err(failure));
        }
        let dir = self.workspace.incidents_dir();
        let reread = match self.sources.refresh(&dir, &change.paths, &self.cwd) {
            Ok(reread) => reread,
            Err(diagnostic) => return (0, Err(Failure::Invalid(vec![diagnostic]))),
        };
        let diagnostics = self.sources.diagnostics();
        if diagnostic::error_count(&diagnostics) > 0 {
            return (reread, Err(Failure::Invalid(diagnostics)));
        }
        // A preview left open past midnight: overdue items and the actions page move on.
        if self
            .site
            .as_ref()
            .is_some_and(|site| site.today != crate::knowledge::actions::today())
        {
            self.full_reason
                .get_or_insert_with(|| "a new day (overdue action items)".into());
        }
        let rendered = if let Some(reason) = self.full_reason.clone() {
            self.render_full(reason).map(Some)
        } else if self.sources.dirty().is_empty() {
            Ok(None)
        } else {
            self.render_changed(early).map(Some)
        };
        (reread, rendered)
    }

    /// Re-reads `postmortem.toml` and the templates; a later good rebuild renders everything.
    fn reload_settings(&mut self) -> Result<(), Failure> {
        let workspace = Workspace::discover(&self.cwd, self.explicit_root.as_deref())
            .map_err(|d| Failure::Invalid(vec![d]))?;
        if workspace.incidents_dir() != self.workspace.incidents_dir() {
            self.sources.clear(); // another folder of incidents
        }
        self.workspace = workspace;
        self.full_reason
            .get_or_insert_with(|| "templates or settings changed".into());
        let templates = Templates::load(Some(&self.workspace.templates_dir())).map_err(template)?;
        self.templates = Some(templates);
        Ok(())
    }

    /// Renders and writes everything, as `postmortem build` does, and remembers it.
    fn render_full(&mut self, reason: String) -> Result<Rebuilt, Failure> {
        let start = Instant::now();
        let templates = self
            .templates
            .clone()
            .ok_or_else(|| other("templates not loaded"))?;
        let outputs = build::outputs(&self.workspace, &self.options).map_err(other)?;
        self.sources.sort();
        let incidents = self.sources.incidents();
        let hashes = Mutex::new(HashMap::new());
        let cancel = &self.cancel;
        let tap = |path: &str, content: &[u8]| {
            if cancel.load(Ordering::Relaxed) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "stopped",
                ));
            }
            if let Ok(mut hashes) = hashes.lock() {
                hashes.insert(path.to_owned(), hash(content));
            }
            Ok(())
        };
        let search = self
            .search
            .get_or_insert_with(|| SearchRefresher::start(outputs.site.clone()));
        let written = search
            .exclusive(|| {
                build::write_all(
                    &self.workspace,
                    &self.options,
                    &outputs,
                    &templates,
                    incidents,
                    &tap,
                    &|| {},
                )
            })
            .map_err(other)?;
        let info = build::site_info(&self.workspace, &self.options);
        let (renderer, templates) = self.renderer(&templates, &info)?;
        let overview = &written.overview;
        let shown = overview
            .summaries
            .iter()
            .zip(&overview.related)
            .zip(&overview.knowledge.incident_patterns)
            .map(|((summary, related), pattern)| {
                (summary.slug.clone(), Shown::new(summary, related, pattern))
            })
            .collect();
        let pretty_urls = info.pretty_urls();
        // Records are cheap to derive again; a build does not keep them.
        let records = incidents
            .par_iter()
            .zip(&overview.summaries)
            .map(|(loaded, summary)| {
                (
                    summary.slug.clone(),
                    SearchRecord::new(loaded, summary, pretty_urls),
                )
            })
            .collect();
        let mut files = hashes.into_inner().unwrap_or_default();
        files.retain(|path, _| !path.starts_with(&format!("{BUNDLE_DIR}/")));
        self.site = Some(Site {
            outputs,
            templates,
            renderer,
            shown,
            files,
            records,
            pretty_urls,
            today: info.today,
        });
        self.full_reason = None;
        Ok(Rebuilt {
            full: Some(reason),
            incidents: incidents.len(),
            incident_pages: incidents.len(),
            list_pages: written.pages.saturating_sub(incidents.len()),
            reports: incidents.len() + 1,
            written: written.pages + written.reports.written,
            removed: written.reports.removed,
            pages: Vec::new(),
            first_page: Some(start.elapsed()),
        })
    }

    /// The renderer for single pages, and the templates for reports, set up as a full
    /// build sets them up.
    fn renderer(
        &self,
        templates: &Templates,
        info: &SiteInfo,
    ) -> Result<(SiteRenderer, Templates), Failure> {
        let mut templates = templates.clone();
        templates.set_global("site", info);
        let static_dir = self.workspace.templates_dir().join("static");
        let renderer = SiteRenderer::new(&templates, info, Some(&static_dir)).map_err(other)?;
        Ok((renderer, templates))
    }

    /// Renders what the dirty incidents affect and writes what changed.
    fn render_changed(&mut self, early: &mut EarlyPages<'_>) -> Result<Rebuilt, Failure> {
        let start = Instant::now();
        let Some(site) = self.site.as_mut() else {
            return Err(other("no site to update"));
        };
        self.sources.sort();
        let (incidents, summaries) = (self.sources.incidents(), self.sources.summaries());
        let dirty = self.sources.dirty();
        let knowledge = Knowledge::new(incidents);
        let mut rebuilt = Rebuilt::default();
        let written = (|| {
            // The edited incidents' own pages first: of all that is derived from every
            // incident, they need only their own related links and pattern.
            let index = RelatedIndex::new(incidents, summaries, &knowledge.incident_patterns);
            let edited: Vec<usize> = (0..summaries.len())
                .filter(|&i| dirty.contains(&summaries[i].slug))
                .collect();
            let reports = site.write_pages(
                incidents,
                summaries,
                &edited,
                &|i| index.links(i),
                &knowledge.incident_patterns,
                &mut rebuilt,
            )?;
            rebuilt.first_page = Some(start.elapsed());
            if !rebuilt.pages.is_empty() {
                early(&std::mem::take(&mut rebuilt.pages));
            }
            let related = index.all();
            let overview = Overview {
                summaries: summaries.to_vec(),
                related,
                knowledge,
            };
            let plan = Plan::new(site, summaries, dirty, overview, &edited);
            site.apply(incidents, summaries, &plan, reports, &mut rebuilt)?;
            Ok(plan)
        })();
        let plan = match written {
            Ok(plan) => plan,
            Err(failure) => {
                // Some files may be new and some old: the next good rebuild renders all.
                self.full_reason = Some("the previous rebuild stopped half-way".into());
                return Err(failure);
            }
        };
        rebuilt.incidents = incidents.len();
        for &i in plan.edited.iter().chain(&plan.pages) {
            site.shown.insert(
                summaries[i].slug.clone(),
                Shown::new(
                    &summaries[i],
                    &plan.overview.related[i],
                    &plan.overview.knowledge.incident_patterns[i],
                ),
            );
        }
        for slug in &plan.removed {
            site.shown.remove(slug);
            site.records.remove(slug);
        }
        // The search index follows last, in the background: no page waits for it.
        let dirty = self.sources.dirty();
        for (loaded, summary) in incidents.iter().zip(summaries) {
            if dirty.contains(&summary.slug) {
                let record = SearchRecord::new(loaded, summary, site.pretty_urls);
                site.records.insert(summary.slug.clone(), record);
            }
        }
        if let Some(search) = &self.search {
            let records = summaries
                .iter()
                .filter_map(|s| site.records.get(&s.slug).cloned());
            search.refresh(records.collect());
        }
        Ok(rebuilt)
    }
}

impl Shown {
    fn new(summary: &IncidentSummary, related: &[RelatedLink], pattern: &PatternRef) -> Self {
        Self {
            summary_hash: summary_hash(summary),
            page: format!("{}index.html", summary.path),
            terms: TermPage::of(summary),
            knowledge: IncidentKnowledge::new(pattern, related),
        }
    }
}

impl Site {
    /// Renders and writes the pages of the `pages` incidents (indices into `incidents`),
    /// with their related links from `related`, and counts them in `rebuilt` (the paths
    /// written go to `rebuilt.pages`). Returns their reports, to write later.
    fn write_pages(
        &mut self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
        pages: &[usize],
        related: &(dyn Fn(usize) -> Vec<RelatedLink> + Sync),
        patterns: &[PatternRef],
        rebuilt: &mut Rebuilt,
    ) -> Result<Vec<(String, String)>, Failure> {
        let rendered = self.render_incidents(incidents, summaries, pages, related, patterns)?;
        let mut reports = Vec::with_capacity(rendered.len());
        for page in rendered {
            if self.put(&page.path, page.html.as_bytes())? {
                rebuilt.pages.push(page.path);
                rebuilt.written += 1;
            }
            reports.push(page.report);
        }
        rebuilt.incident_pages += pages.len();
        Ok(reports)
    }

    /// Renders and writes the rest of what `plan` says, after the edited incidents' pages
    /// (whose `reports` are given): the pages whose related links changed, list pages,
    /// reports, removals.
    fn apply(
        &mut self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
        plan: &Plan,
        mut reports: Vec<(String, String)>,
        rebuilt: &mut Rebuilt,
    ) -> Result<(), Failure> {
        let related = &plan.overview.related;
        reports.extend(self.write_pages(
            incidents,
            summaries,
            &plan.pages,
            &|i| related[i].clone(),
            &plan.overview.knowledge.incident_patterns,
            rebuilt,
        )?);

        let lists = Mutex::new(SiteFiles::default());
        // Most saves change no list: then nothing is prepared for one.
        if !plan.lists.is_empty() {
            rebuilt.list_pages = self
                .renderer
                .list_pages_where(summaries, &plan.overview.knowledge, &lists, &|path| {
                    plan.lists.contains(path)
                })
                .map_err(other)?
                .len();
        }
        for (path, content) in lists.into_inner().unwrap_or_default().files {
            if self.put(&path, &content)? {
                rebuilt.pages.push(path);
                rebuilt.written += 1;
            }
        }

        if rebuilt.list_pages > 0 {
            reports.push(report::render_index(summaries, &self.templates).map_err(template)?);
        }
        rebuilt.reports = reports.len();
        rebuilt.written += self.write_reports(&reports)?;
        let removed = self.remove_gone(plan)?;
        rebuilt.removed = removed.len() + self.remove_reports(plan)?;
        rebuilt.pages.extend(removed);
        rebuilt.written += self.write_data_files(incidents, plan)?;
        Ok(())
    }

    /// Brings `incidents.json`, the feed and the sitemap up to date, last: no page waits
    /// for them. Returns how many changed.
    fn write_data_files(
        &mut self,
        incidents: &[LoadedIncident],
        plan: &Plan,
    ) -> Result<usize, Failure> {
        let data = Mutex::new(SiteFiles::default());
        self.renderer
            .incidents_json(&plan.overview, incidents, &data)
            .map_err(other)?;
        // The feed lists summaries, the sitemap pages: only a list change touches them.
        // (`schema.json` and `robots.txt` change only with a full rebuild.)
        if !plan.lists.is_empty() || !plan.removed_pages.is_empty() {
            let pages: Vec<String> = self
                .files
                .keys()
                .filter(|p| p.ends_with(".html"))
                .cloned()
                .collect();
            self.renderer
                .feed_and_sitemap(&plan.overview, &pages, &data)
                .map_err(other)?;
        }
        let mut written = 0;
        for (path, content) in data.into_inner().unwrap_or_default().files {
            written += usize::from(self.put(&path, &content)?);
        }
        Ok(written)
    }

    /// The pages and reports of the `pages` incidents, rendered in parallel.
    fn render_incidents(
        &self,
        incidents: &[LoadedIncident],
        summaries: &[IncidentSummary],
        pages: &[usize],
        related: &(dyn Fn(usize) -> Vec<RelatedLink> + Sync),
        patterns: &[PatternRef],
    ) -> Result<Vec<RenderedIncident>, Failure> {
        pages
            .par_iter()
            .map(|&i| {
                let page = IncidentPage::new(
                    &incidents[i],
                    summaries[i].clone(),
                    related(i),
                    patterns[i].clone(),
                );
                let (path, html) = self.renderer.incident_page(&page)?;
                let report = report::render_report(&page, &self.templates)?;
                Ok(RenderedIncident { path, html, report })
            })
            .collect::<Result<_, crate::render::TemplateError>>()
            .map_err(template)
    }

    /// Writes reports whose text changed; returns how many.
    fn write_reports(&self, reports: &[(String, String)]) -> Result<usize, Failure> {
        let mut written = 0;
        for (name, text) in reports {
            written +=
                usize::from(write::write_report(&self.outputs.reports, name, text).map_err(other)?);
        }
        Ok(written)
    }

    /// Removes the pages of incidents and terms that are gone; returns them.
    fn remove_gone(&mut self, plan: &Plan) -> Result<Vec<String>, Failure> {
        let mut removed = Vec::new();
        for page in &plan.removed_pages {
            if self.remove(page)? {
                removed.push(page.clone());
            }
        }
        Ok(removed)
    }

    /// Removes the reports of incidents that are gone; returns how many.
    fn remove_reports(&self, plan: &Plan) -> Result<usize, Failure> {
        let mut removed = 0;
        for slug in &plan.removed {
            let name = format!("{slug}.md");
            removed +=
                usize::from(write::remove_report(&self.outputs.reports, &name).map_err(other)?);
        }
        Ok(removed)
    }

    /// Writes one file of the site unless the same bytes are already there.
    fn put(&mut self, path: &str, content: &[u8]) -> Result<bool, Failure> {
        let digest = hash(content);
        let target = self.outputs.site.join(path);
        if self.files.get(path) == Some(&digest) && target.is_file() {
            return Ok(false);
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| other(format!("cannot write {}: {e}", parent.display())))?;
        }
        write_atomically(&target, content).map_err(other)?;
        self.files.insert(path.to_owned(), digest);
        Ok(true)
    }

    /// Removes one page of the site and its folder, if that is now empty.
    fn remove(&mut self, path: &str) -> Result<bool, Failure> {
        self.files.remove(path);
        let target = self.outputs.site.join(path);
        match fs::remove_file(&target) {
            Ok(()) => {
                if let Some(parent) = target.parent() {
                    let _ = fs::remove_dir(parent); // only succeeds when empty
                }
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(other(format!("cannot remove {}: {e}", target.display()))),
        }
    }
}

/// An incident's page and report, rendered.
struct RenderedIncident {
    path: String,
    html: String,
    /// File name and Markdown.
    report: (String, String),
}

/// What an incremental rebuild renders.
struct Plan {
    /// Summaries, related links, patterns, actions and trends of all incidents.
    overview: Overview,
    /// Indices of the edited incidents, whose pages were rendered first.
    edited: Vec<usize>,
    /// Indices of the other incidents whose page is rendered: their related links or
    /// pattern changed.
    pages: Vec<usize>,
    /// Paths of the list pages rendered.
    lists: HashSet<String>,
    /// Slugs of incidents that are gone.
    removed: Vec<String>,
    /// Pages to remove: of incidents and terms that are gone.
    removed_pages: Vec<String>,
}

impl Plan {
    fn new(
        site: &Site,
        summaries: &[IncidentSummary],
        dirty: &BTreeSet<String>,
        overview: Overview,
        edited: &[usize],
    ) -> Self {
        let related = &overview.related;
        let patterns = &overview.knowledge.incident_patterns;
        let present: HashSet<&str> = summaries.iter().map(|s| s.slug.as_str()).collect();
        let removed: Vec<String> = dirty
            .iter()
            .filter(|slug| !present.contains(slug.as_str()))
            .cloned()
            .collect();

        // Incidents whose summary (what lists and related links show) changed or went.
        let mut relisted: HashSet<&str> = removed.iter().map(String::as_str).collect();
        for summary in summaries.iter().filter(|s| dirty.contains(&s.slug)) {
            let before = site.shown.get(&summary.slug).map(|s| s.summary_hash);
            if before != Some(summary_hash(summary)) {
                relisted.insert(&summary.slug);
            }
        }
        let pages: Vec<usize> = (0..summaries.len())
            .filter(|&i| {
                let slug = &summaries[i].slug;
                !dirty.contains(slug)
                    && (site
                        .shown
                        .get(slug)
                        .is_none_or(|s| !s.knowledge.shows(&patterns[i], &related[i]))
                        || related[i]
                            .iter()
                            .any(|l| relisted.contains(l.incident.slug.as_str())))
            })
            .collect();

        let (mut lists, mut removed_pages) = Self::lists(site, summaries, &relisted);
        lists.extend(Self::knowledge_lists(site, summaries, patterns, &relisted));
        removed_pages.extend(
            removed
                .iter()
                .filter_map(|slug| site.shown.get(slug))
                .map(|shown| shown.page.clone()),
        );
        Self {
            overview,
            edited: edited.to_vec(),
            pages,
            lists,
            removed,
            removed_pages,
        }
    }

    /// The knowledge pages that show the `relisted` incidents: the pattern index and the
    /// pages of their old and new patterns, the actions and the trends. (A pattern page
    /// that no longer has incidents stays until the next full rebuild.)
    fn knowledge_lists(
        site: &Site,
        summaries: &[IncidentSummary],
        patterns: &[PatternRef],
        relisted: &HashSet<&str>,
    ) -> Vec<String> {
        if relisted.is_empty() {
            return Vec::new();
        }
        let before = relisted
            .iter()
            .filter_map(|slug| site.shown.get(*slug))
            .map(|shown| shown.knowledge.pattern.path.clone());
        let after = summaries
            .iter()
            .zip(patterns)
            .filter(|(s, _)| relisted.contains(s.slug.as_str()))
            .map(|(_, pattern)| pattern.path.clone());
        before
            .chain(after)
            .chain(["patterns/", "actions/", "trends/"].map(String::from))
            .map(|path| format!("{path}index.html"))
            .collect()
    }

    /// The list pages that show the `relisted` incidents, before or after the change, and
    /// the term pages that no longer list anything.
    fn lists(
        site: &Site,
        summaries: &[IncidentSummary],
        relisted: &HashSet<&str>,
    ) -> (HashSet<String>, Vec<String>) {
        let mut lists = HashSet::new();
        let mut gone = Vec::new();
        if relisted.is_empty() {
            return (lists, gone);
        }
        lists.extend(SUMMARY_LISTS.map(String::from));
        let before = relisted
            .iter()
            .filter_map(|slug| site.shown.get(*slug))
            .flat_map(|shown| shown.terms.iter().cloned());
        let after = summaries
            .iter()
            .filter(|s| relisted.contains(s.slug.as_str()))
            .flat_map(TermPage::of);
        let terms: HashSet<TermPage> = before.chain(after).collect();
        for term in terms {
            if summaries.iter().any(|s| term.lists(s)) {
                lists.insert(term.path());
            } else {
                gone.push(term.path());
            }
        }
        (lists, gone)
    }
}

fn summary_hash(summary: &IncidentSummary) -> u64 {
    hash(
        serde_json::to_string(summary)
            .unwrap_or_default()
            .as_bytes(),
    )
}

/// A fast 64-bit hash of file content. A collision (odds about 2^-64 per write) would
/// only leave one preview page stale until its next change.
fn hash(content: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    content.hash(&mut hasher);
    hasher.finish()
}
