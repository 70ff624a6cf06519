//! The rebuild state of `serve` and `watch`: what was loaded and what is on disk, so that
//! one saved file costs one page, not the whole site.
//!
//! A [`Session`] keeps every parsed incident in memory, plus, for each incident, what the
//! pages that list it show of it (its summary) and what its own page shows of others (its
//! related links). On each change it
//!
//! 1. re-scans the incidents folder and re-parses the files whose size or time changed (or
//!    that an event named), so a missed or late event cannot leave a file stale;
//! 2. validates the whole set again, exactly as `check` does; on any error nothing is
//!    written and the last good site stays;
//! 3. re-renders the pages of the changed incidents and of incidents whose related links
//!    changed, and the list pages that show a changed summary (index, the old and new tag
//!    and service pages, the term indexes), with their reports;
//! 4. writes only the files whose bytes changed, each atomically, and removes the pages
//!    and reports of incidents that are gone.
//!
//! Rendered pages are not kept: at 10,000 incidents that would be gigabytes. A 64-bit hash
//! of each file written is enough to skip unchanged ones. A change to a template or to
//! `postmortem.toml`, or to the number of incidents (every page's footer counts them), is a
//! full rebuild through [`build::write_all`], the same code as `postmortem build`.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::build::{self, BuildOptions, Outputs};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::load::{self, LoadedIncident};
use crate::render::{self, IncidentPage, IncidentSummary, RelatedLink, Templates, report};
use crate::site::write::{self, write_atomically};
use crate::site::{SiteFiles, SiteInfo, SiteRenderer};
use crate::workspace::{self, CONFIG_FILE, Workspace};

use super::watch::{Change, WatchRoots};

/// The state of a live preview: the loaded incidents and what was last written.
pub struct Session {
    cwd: PathBuf,
    explicit_root: Option<PathBuf>,
    options: BuildOptions,
    workspace: Workspace,
    templates: Option<Templates>,
    /// The latest version of every incident file that parses.
    incidents: Vec<LoadedIncident>,
    /// Size and modification time of every incident file seen, to notice changes.
    stamps: HashMap<PathBuf, Stamp>,
    /// Files whose latest version does not parse, with the reason.
    broken: BTreeMap<PathBuf, Diagnostic>,
    /// Warnings of each file, shown again while they last.
    warnings: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Slugs whose file changed since the site was last written.
    dirty: BTreeSet<String>,
    /// Files re-read since the site was last written, for the report line.
    touched: BTreeSet<PathBuf>,
    /// Why the next successful rebuild must render everything, if it must.
    full_reason: Option<String>,
    /// What is on disk; `None` until the first good build.
    site: Option<Site>,
    rebuilds: u64,
    /// Files re-read by the current rebuild.
    reread: usize,
    /// The failure last reported, so an unchanged one is not reported again.
    last_error: Option<String>,
    cancel: Arc<AtomicBool>,
}

/// The last site written: enough to know what a change affects, without the pages.
struct Site {
    outputs: Outputs,
    /// Templates with the site-wide values set, for reports.
    templates: Templates,
    renderer: SiteRenderer,
    incident_count: usize,
    /// What the site shows of each incident, by slug.
    shown: HashMap<String, Shown>,
    /// Hash of every file of the site as last written, by path relative to the site root.
    files: HashMap<String, u64>,
}

/// What the site shows of one incident.
struct Shown {
    /// As listed on the index and term pages (and on related incidents' pages).
    summary: IncidentSummary,
    summary_hash: u64,
    /// Its own page's related links: `(slug, reason)`.
    related: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Self> {
        let meta = fs::metadata(path).ok()?;
        Some(Self {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
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

impl Outcome {
    /// Whether the files of the site changed, so open pages should reload.
    pub fn site_changed(&self) -> bool {
        self.result
            .as_ref()
            .is_ok_and(|r| r.written + r.removed > 0)
    }
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
            incidents: Vec::new(),
            stamps: HashMap::new(),
            broken: BTreeMap::new(),
            warnings: HashMap::new(),
            dirty: BTreeSet::new(),
            touched: BTreeSet::new(),
            full_reason: Some("first build".into()),
            site: None,
            rebuilds: 0,
            reread: 0,
            last_error: None,
            cancel: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Setting this stops a full rebuild in progress (Ctrl-C); the old site stays.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// The folders to watch and the output folders to ignore.
    pub fn watch_roots(&self) -> WatchRoots {
        let outputs = build::outputs(&self.workspace, &self.options).ok();
        let (site, reports) = match outputs {
            Some(o) => (o.site, o.reports),
            None => (self.workspace.output_dir(), self.workspace.reports_dir()),
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
        self.site.as_ref().map_or(0, |s| s.incident_count)
    }

    /// Brings the site up to date with the files on disk. The first call builds everything.
    /// Returns `None` when nothing changed (an event for a file whose content is the same).
    pub fn rebuild(&mut self, change: &Change) -> Option<Outcome> {
        let start = Instant::now();
        self.cancel.store(false, Ordering::Relaxed);
        self.reread = 0;
        let result = self.update(change);
        let error = result.as_ref().err().map(Failure::text);
        // Report saves, settings changes, renders and a failure that changed; not a
        // re-scan that found nothing new (which `--poll` does every second).
        let news = change.settings
            || self.reread > 0
            || matches!(&result, Ok(Some(_)))
            || error != self.last_error;
        if !news {
            return None;
        }
        self.last_error = error;
        let warnings: Vec<Diagnostic> = self
            .touched
            .iter()
            .filter_map(|path| self.warnings.get(path))
            .flatten()
            .cloned()
            .collect();
        let changed = self.touched.iter().map(|p| self.display(p)).collect();
        if result.is_ok() {
            self.touched.clear();
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

    /// Loads what changed and renders what it affects. `Ok(None)`: nothing to do.
    fn update(&mut self, change: &Change) -> Result<Option<Rebuilt>, Failure> {
        if change.settings || self.templates.is_none() {
            self.reload_settings()?;
        }
        self.refresh_incidents(&change.paths)?;
        let mut diagnostics: Vec<Diagnostic> = self.broken.values().cloned().collect();
        diagnostics.extend(load::validate_set(&self.incidents));
        if diagnostic::error_count(&diagnostics) > 0 {
            diagnostic::sort(&mut diagnostics);
            return Err(Failure::Invalid(diagnostics));
        }
        let count_changed = self
            .site
            .as_ref()
            .is_some_and(|s| s.incident_count != self.incidents.len());
        if count_changed && self.full_reason.is_none() {
            self.full_reason = Some("number of incidents changed; every page shows it".into());
        }
        if let Some(reason) = self.full_reason.clone() {
            return self.render_full(reason).map(Some);
        }
        if self.dirty.is_empty() {
            return Ok(None);
        }
        self.render_changed().map(Some)
    }

    /// Re-reads `postmortem.toml` and the templates; a later good rebuild renders everything.
    fn reload_settings(&mut self) -> Result<(), Failure> {
        let workspace = Workspace::discover(&self.cwd, self.explicit_root.as_deref())
            .map_err(|d| Failure::Invalid(vec![d]))?;
        if workspace.incidents_dir() != self.workspace.incidents_dir() {
            // Another folder of incidents: forget the old one entirely.
            self.incidents.clear();
            self.stamps.clear();
            self.broken.clear();
            self.warnings.clear();
        }
        self.workspace = workspace;
        self.full_reason
            .get_or_insert_with(|| "templates or settings changed".into());
        let templates = Templates::load(Some(&self.workspace.templates_dir()))
            .map_err(|e| Failure::Other(format!("template error: {e}")))?;
        self.templates = Some(templates);
        Ok(())
    }

    /// Re-scans the incidents folder and re-parses new and changed files (by size and
    /// time, and every file in `named`), dropping the ones that are gone.
    fn refresh_incidents(&mut self, named: &BTreeSet<PathBuf>) -> Result<(), Failure> {
        let dir = self.workspace.incidents_dir();
        let files = load::discover(&dir).map_err(|d| Failure::Invalid(vec![d]))?;
        let present: HashSet<&PathBuf> = files.iter().collect();
        let gone: Vec<PathBuf> = self
            .stamps
            .keys()
            .filter(|p| !present.contains(p))
            .cloned()
            .collect();
        self.reread += gone.len();
        for path in gone {
            self.forget(&path);
            self.touched.insert(path);
        }
        let stale: Vec<(PathBuf, Option<Stamp>)> = files
            .iter()
            .map(|path| (path, Stamp::of(path)))
            .filter(|(path, stamp)| {
                named.contains(*path) || stamp.is_none() || self.stamps.get(*path) != stamp.as_ref()
            })
            .map(|(path, stamp)| (path.clone(), stamp))
            .collect();
        let cwd = &self.cwd;
        let parsed: Vec<_> = stale
            .into_par_iter()
            .map(|(path, stamp)| {
                let result = load::load_file(&path, &workspace::display_path(&path, cwd));
                (path, stamp, result)
            })
            .collect();
        self.reread += parsed.len();
        for (path, stamp, result) in parsed {
            self.forget(&path);
            if let Some(stamp) = stamp {
                self.stamps.insert(path.clone(), stamp);
            }
            match result {
                Ok(loaded) => {
                    self.warnings
                        .insert(path.clone(), load::language_warnings(&loaded));
                    self.dirty.insert(loaded.slug.clone());
                    self.incidents.push(loaded);
                }
                Err(diagnostic) => {
                    self.broken.insert(path.clone(), diagnostic);
                }
            }
            self.touched.insert(path);
        }
        Ok(())
    }

    /// Drops everything known about one file.
    fn forget(&mut self, path: &Path) {
        self.stamps.remove(path);
        self.broken.remove(path);
        self.warnings.remove(path);
        if let Some(i) = self.incidents.iter().position(|l| l.path == path) {
            let loaded = self.incidents.swap_remove(i);
            self.dirty.insert(loaded.slug);
        }
    }

    fn display(&self, path: &Path) -> PathBuf {
        workspace::display_path(path, &self.cwd)
    }

    /// Renders and writes everything, as `postmortem build` does, and remembers it.
    fn render_full(&mut self, reason: String) -> Result<Rebuilt, Failure> {
        let start = Instant::now();
        let templates = self
            .templates
            .clone()
            .ok_or_else(|| Failure::Other("templates not loaded".into()))?;
        let outputs = build::outputs(&self.workspace, &self.options)
            .map_err(|e| Failure::Other(e.to_string()))?;
        render::sort_newest_first(&mut self.incidents);
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
        let written = build::write_all(
            &self.workspace,
            &self.options,
            &outputs,
            &templates,
            &self.incidents,
            &tap,
            &|| {},
        )
        .map_err(|e| Failure::Other(e.to_string()))?;
        let info = build::site_info(&self.workspace, &self.options, &self.incidents);
        let (renderer, templates) = self.renderer(&templates, &info)?;
        let (summaries, related) = render::summaries(&self.incidents);
        let shown = summaries
            .into_iter()
            .zip(related)
            .map(|(summary, related)| (summary.slug.clone(), Shown::new(summary, &related)))
            .collect();
        self.site = Some(Site {
            outputs,
            templates,
            renderer,
            incident_count: self.incidents.len(),
            shown,
            files: hashes.into_inner().unwrap_or_default(),
        });
        self.dirty.clear();
        self.full_reason = None;
        self.refresh_search(&[], &[]);
        Ok(Rebuilt {
            full: Some(reason),
            incidents: self.incidents.len(),
            incident_pages: self.incidents.len(),
            list_pages: written.pages.saturating_sub(self.incidents.len()),
            reports: self.incidents.len() + 1,
            written: written.pages + written.reports.written,
            removed: written.reports.removed,
            first_page: Some(start.elapsed()),
        })
    }

    /// The renderer for single pages, and the templates for reports, as a full build
    /// sets them up.
    fn renderer(
        &self,
        templates: &Templates,
        info: &SiteInfo,
    ) -> Result<(SiteRenderer, Templates), Failure> {
        let mut templates = templates.clone();
        templates.set_global("site", info);
        let static_dir = self.workspace.templates_dir().join("static");
        let renderer = SiteRenderer::new(&templates, info, Some(&static_dir))
            .map_err(|e| Failure::Other(e.to_string()))?;
        Ok((renderer, templates))
    }

    /// Renders what the dirty incidents affect and writes what changed.
    fn render_changed(&mut self) -> Result<Rebuilt, Failure> {
        let start = Instant::now();
        let Some(site) = self.site.as_mut() else {
            return Err(Failure::Other("no site to update".into()));
        };
        render::sort_newest_first(&mut self.incidents);
        let plan = Plan::new(site, &self.incidents, &self.dirty);

        // Render everything first: if a template fails on the new data, nothing is written.
        let pages: Vec<(String, String, (String, String))> = plan
            .pages
            .par_iter()
            .map(|&i| {
                let page = IncidentPage::new(
                    &self.incidents[i],
                    plan.summaries[i].clone(),
                    plan.related[i].clone(),
                );
                let (path, html) = site.renderer.incident_page(&page)?;
                let report = report::render_report(&page, &site.templates)?;
                Ok((path, html, report))
            })
            .collect::<Result<_, render::TemplateError>>()
            .map_err(|e| Failure::Other(format!("template error: {e}")))?;
        let lists = Mutex::new(SiteFiles::default());
        let list_pages = site
            .renderer
            .list_pages_where(&plan.summaries, &lists, &|path| plan.lists.contains(path))
            .map_err(|e| Failure::Other(e.to_string()))?;
        let index = if list_pages > 0 {
            Some(
                report::render_index(&plan.summaries, &site.templates)
                    .map_err(|e| Failure::Other(format!("template error: {e}")))?,
            )
        } else {
            None
        };

        let mut rebuilt = Rebuilt {
            incidents: self.incidents.len(),
            incident_pages: pages.len(),
            list_pages,
            reports: pages.len() + usize::from(index.is_some()),
            ..Rebuilt::default()
        };
        for (path, html, _) in &pages {
            rebuilt.written += usize::from(site.put(path, html.as_bytes())?);
        }
        rebuilt.first_page = Some(start.elapsed());
        let lists = lists.into_inner().unwrap_or_default();
        for (path, content) in &lists.files {
            rebuilt.written += usize::from(site.put(path, content)?);
        }
        let reports_dir = site.outputs.reports.clone();
        for (name, text) in pages.iter().map(|(_, _, r)| r).chain(index.as_ref()) {
            let changed = write::write_report(&reports_dir, name, text)
                .map_err(|e| Failure::Other(e.to_string()))?;
            rebuilt.written += usize::from(changed);
        }
        let mut removed_pages = Vec::new();
        for page in &plan.removed_pages {
            if site.remove(page)? {
                removed_pages.push(page.clone());
            }
        }
        for slug in &plan.removed {
            let name = format!("{slug}.md");
            rebuilt.removed += usize::from(
                write::remove_report(&reports_dir, &name)
                    .map_err(|e| Failure::Other(e.to_string()))?,
            );
        }
        rebuilt.removed += removed_pages.len();

        for &i in &plan.pages {
            let summary = plan.summaries[i].clone();
            site.shown
                .insert(summary.slug.clone(), Shown::new(summary, &plan.related[i]));
        }
        for slug in &plan.removed {
            site.shown.remove(slug);
        }
        let mut changed_pages: Vec<String> = pages.into_iter().map(|(p, _, _)| p).collect();
        changed_pages.extend(lists.files.into_keys());
        self.refresh_search(&changed_pages, &removed_pages);
        self.dirty.clear();
        Ok(rebuilt)
    }

    /// Where the search index (pagefind, added on the `search` branch) is brought up to
    /// date after a rebuild: `changed` pages were rendered (written or not), `removed` ones
    /// are gone; both empty after a full rebuild, whose pages are all new. Called after the
    /// list pages, so the page a user looks at is never held up by indexing; the index may
    /// follow a moment later. Does nothing until search exists.
    fn refresh_search(&self, changed: &[String], removed: &[String]) {
        let _ = (changed, removed);
    }
}

impl Shown {
    fn new(summary: IncidentSummary, related: &[RelatedLink]) -> Self {
        Self {
            summary_hash: summary_hash(&summary),
            summary,
            related: related_keys(related),
        }
    }
}

impl Site {
    /// Writes one file of the site unless the same bytes are already there.
    fn put(&mut self, path: &str, content: &[u8]) -> Result<bool, Failure> {
        let digest = hash(content);
        let target = self.outputs.site.join(path);
        if self.files.get(path) == Some(&digest) && target.is_file() {
            return Ok(false);
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Failure::Other(format!("cannot write {}: {e}", parent.display())))?;
        }
        write_atomically(&target, content).map_err(|e| Failure::Other(e.to_string()))?;
        self.files.insert(path.to_owned(), digest);
        Ok(true)
    }

    /// Removes one page of the site and its folder, if it is now empty.
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
            Err(e) => Err(Failure::Other(format!(
                "cannot remove {}: {e}",
                target.display()
            ))),
        }
    }
}

/// What an incremental rebuild renders.
struct Plan {
    /// Summaries of all incidents, newest first.
    summaries: Vec<IncidentSummary>,
    /// Related links of all incidents.
    related: Vec<Vec<RelatedLink>>,
    /// Indices of the incidents whose page is rendered.
    pages: Vec<usize>,
    /// Paths of the list pages rendered.
    lists: HashSet<String>,
    /// Slugs of incidents that are gone.
    removed: Vec<String>,
    /// Pages to remove: of incidents and terms that are gone.
    removed_pages: Vec<String>,
}

impl Plan {
    fn new(site: &Site, incidents: &[LoadedIncident], dirty: &BTreeSet<String>) -> Self {
        // Summaries are cheap but not free at 10,000: recompute only the dirty ones.
        let summaries: Vec<IncidentSummary> = incidents
            .par_iter()
            .map(|loaded| match site.shown.get(&loaded.slug) {
                Some(shown) if !dirty.contains(&loaded.slug) => shown.summary.clone(),
                _ => IncidentSummary::new(loaded),
            })
            .collect();
        let related = render::view::related_links(incidents, &summaries);
        let present: HashSet<&str> = incidents.iter().map(|l| l.slug.as_str()).collect();
        let removed: Vec<String> = dirty
            .iter()
            .filter(|slug| !present.contains(slug.as_str()))
            .cloned()
            .collect();

        // Incidents whose summary (what lists and related links show) changed or is gone.
        let mut relisted: HashSet<&str> = removed.iter().map(String::as_str).collect();
        for summary in &summaries {
            if dirty.contains(&summary.slug) {
                let before = site.shown.get(&summary.slug).map(|s| s.summary_hash);
                if before != Some(summary_hash(summary)) {
                    relisted.insert(&summary.slug);
                }
            }
        }
        let pages: Vec<usize> = (0..incidents.len())
            .filter(|&i| {
                let slug = &summaries[i].slug;
                dirty.contains(slug)
                    || site
                        .shown
                        .get(slug)
                        .is_none_or(|s| s.related != related_keys(&related[i]))
                    || related[i]
                        .iter()
                        .any(|l| relisted.contains(l.incident.slug.as_str()))
            })
            .collect();

        let mut lists = HashSet::new();
        let mut removed_pages = Vec::new();
        if !relisted.is_empty() {
            lists
                .extend(["index.html", "tags/index.html", "services/index.html"].map(String::from));
            let existing = term_pages(summaries.iter());
            let before = term_pages(
                relisted
                    .iter()
                    .filter_map(|slug| site.shown.get(*slug))
                    .map(|s| &s.summary),
            );
            let after = term_pages(
                summaries
                    .iter()
                    .filter(|s| relisted.contains(s.slug.as_str())),
            );
            for path in before.union(&after) {
                if existing.contains(path) {
                    lists.insert(path.clone());
                } else {
                    removed_pages.push(path.clone());
                }
            }
        }
        for slug in &removed {
            if let Some(shown) = site.shown.get(slug) {
                removed_pages.push(format!("{}index.html", shown.summary.path));
            }
        }
        Self {
            summaries,
            related,
            pages,
            lists,
            removed,
            removed_pages,
        }
    }
}

/// The tag and service pages that list these incidents (paths as `SiteRenderer` writes
/// them).
fn term_pages<'a>(summaries: impl Iterator<Item = &'a IncidentSummary>) -> HashSet<String> {
    let mut pages = HashSet::new();
    for summary in summaries {
        for term in &summary.tags {
            pages.insert(format!("tags/{}/index.html", term.slug));
        }
        for term in &summary.services {
            pages.insert(format!("services/{}/index.html", term.slug));
        }
    }
    pages
}

fn related_keys(related: &[RelatedLink]) -> Vec<(String, String)> {
    related
        .iter()
        .map(|l| (l.incident.slug.clone(), l.reason.clone()))
        .collect()
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
