//! The build pipeline: load → validate → render → write.
//!
//! Loading and rendering are pure and happen in memory; only the last step writes, after
//! every check has passed, so a failed build changes nothing on disk.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostic::Diagnostic;
use crate::load::{self, LoadedIncident};
use rayon::prelude::*;

use crate::render::{self, IncidentPage, Overview, TemplateError, Templates, report};
use crate::search::{self, BundleStats, Indexer, SearchError, SearchRecord};
use crate::site::write::{self, ReportStats, WriteError};
use crate::site::{Sink, SiteError, SiteInfo, SiteRenderer};
use crate::workspace::Workspace;

/// What to build and where; `None` means the workspace's setting.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site output folder.
    pub out: Option<PathBuf>,
    /// Reports folder.
    pub reports: Option<PathBuf>,
    /// Absolute URL the site is published at.
    pub base_url: Option<String>,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildSummary {
    /// Incidents built.
    pub incidents: usize,
    /// HTML pages written.
    pub pages: usize,
    /// What happened to the reports.
    pub reports: ReportStats,
    /// Warnings and notes from validation.
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time of each stage, for `--verbose`.
    pub phases: Vec<(&'static str, Duration)>,
    /// Where the site and the reports went.
    pub outputs: Outputs,
    /// What the search index took.
    pub search: BundleStats,
}

/// Why a build failed. In every case the previous output is untouched.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Incident files have errors.
    #[error("{} error{} in incident files", crate::diagnostic::error_count(.0), if crate::diagnostic::error_count(.0) == 1 { "" } else { "s" })]
    Invalid(Vec<Diagnostic>),
    /// A template failed to load or render.
    #[error("template error: {0}")]
    Template(#[from] TemplateError),
    /// The site could not be assembled.
    #[error(transparent)]
    Site(#[from] SiteError),
    /// Output could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The search index could not be built.
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// Loads, validates, renders and writes the site and reports of `workspace`.
/// `display` shows paths in diagnostics; `progress` is called per incident page and is
/// given the total first.
pub fn build(
    workspace: &Workspace,
    options: &BuildOptions,
    display: &(dyn Fn(&Path) -> PathBuf + Sync),
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<BuildSummary, BuildError> {
    let start = Instant::now();
    let outputs = outputs(workspace, options)?;

    let mut phases = Vec::new();
    let mut lap = Instant::now();
    let mut phase = |name: &'static str| {
        phases.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let loaded = load::load_dir(&workspace.incidents_dir(), display);
    phase("load");
    if loaded.error_count() > 0 {
        return Err(BuildError::Invalid(loaded.diagnostics));
    }
    let mut incidents = loaded.incidents;
    render::sort_newest_first(&mut incidents);

    let templates = Templates::load(Some(&workspace.templates_dir()))?;
    progress(Progress::Start(incidents.len()));
    let written = write_all(
        workspace,
        options,
        &outputs,
        &templates,
        &incidents,
        &|_, _| Ok(()),
        &|| progress(Progress::Page),
    )?;
    phases.push(("render", written.render));
    phases.push(("write", written.write));
    Ok(BuildSummary {
        incidents: incidents.len(),
        pages: written.pages,
        reports: written.reports,
        diagnostics: loaded.diagnostics,
        elapsed: start.elapsed(),
        phases,
        outputs,
        search: written.search,
    })
}

/// The folders a build writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    /// The site folder.
    pub site: PathBuf,
    /// The reports folder.
    pub reports: PathBuf,
}

/// Where `options` say to write, checked: the site folder must be one we may replace.
pub fn outputs(workspace: &Workspace, options: &BuildOptions) -> Result<Outputs, WriteError> {
    let site = options
        .out
        .clone()
        .unwrap_or_else(|| workspace.output_dir());
    let reports = options
        .reports
        .clone()
        .unwrap_or_else(|| workspace.reports_dir());
    let protected = [
        workspace.root.as_path(),
        &workspace.incidents_dir(),
        &workspace.templates_dir(),
        &reports,
    ]
    .map(Path::to_path_buf);
    let protected: Vec<&Path> = protected.iter().map(PathBuf::as_path).collect();
    write::check_output_dir(&site, &protected)?;
    Ok(Outputs { site, reports })
}

/// Sees every site file as a full build writes it (`serve` keeps a hash of each, to skip
/// unchanged files later); an error stops the build, and then nothing visible changes.
pub type Tap<'a> = dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync + 'a;

/// What [`write_all`] did.
#[derive(Debug)]
pub struct Written {
    /// HTML pages written.
    pub pages: usize,
    /// What happened to the reports.
    pub reports: ReportStats,
    /// Time spent rendering into the staging folder.
    pub render: Duration,
    /// What the search index took.
    pub search: BundleStats,
    /// Time spent swapping the site in and writing reports.
    pub write: Duration,
    /// What was derived from all incidents (`serve` keeps it).
    pub overview: Overview,
}

/// Renders and writes everything from loaded, valid incidents sorted newest first: the
/// site into a staging folder that replaces the old site only once every page rendered,
/// then the reports. Shared by `build` and the full rebuilds of `serve`.
pub fn write_all(
    workspace: &Workspace,
    options: &BuildOptions,
    outputs: &Outputs,
    templates: &Templates,
    incidents: &[LoadedIncident],
    tap: &Tap<'_>,
    on_page: &(dyn Fn() + Sync),
) -> Result<Written, BuildError> {
    let start = Instant::now();
    let info = site_info(workspace, options);
    let report_names: Vec<String> = incidents.iter().map(|i| format!("{}.md", i.slug)).collect();
    let names = report_names
        .iter()
        .map(String::as_str)
        .chain([report::INDEX]);
    let report_staging = write::ReportStaging::create(&outputs.reports, names)?;
    let staging = write::Staging::create(&outputs.site)?;
    let sink = Tapped {
        sink: &staging,
        tap,
    };
    let rendered = render_outputs(
        workspace,
        templates,
        &info,
        incidents,
        &sink,
        &report_staging,
        on_page,
    )?;
    let render = start.elapsed();
    // Everything rendered: only now does anything visible change.
    staging.commit()?;
    let reports = report_staging.commit()?;
    Ok(Written {
        pages: rendered.pages,
        reports,
        render,
        search: rendered.search,
        write: start.elapsed() - render,
        overview: rendered.overview,
    })
}

/// A sink that shows every file to a [`Tap`] before storing it.
struct Tapped<'a> {
    sink: &'a dyn Sink,
    tap: &'a Tap<'a>,
}

impl Sink for Tapped<'_> {
    fn put(&self, path: &str, content: &[u8]) -> std::io::Result<()> {
        (self.tap)(path, content)?;
        self.sink.put(path, content)
    }
}

/// Progress of a build, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Rendering starts; this many incident pages will follow.
    Start(usize),
    /// One incident page is done.
    Page,
}

/// Site-wide values from the workspace settings and the command line.
pub fn site_info(workspace: &Workspace, options: &BuildOptions) -> SiteInfo {
    SiteInfo {
        title: workspace.config.title.clone(),
        description: workspace.config.description.clone(),
        base_url: options
            .base_url
            .clone()
            .or_else(|| workspace.config.base_url.clone()),
        version: env!("CARGO_PKG_VERSION"),
        today: crate::knowledge::actions::today(),
    }
}

/// What rendering produced besides the files handed to the sinks.
pub struct Rendered {
    /// Number of HTML pages.
    pub pages: usize,
    /// The search bundle written with the pages.
    pub search: BundleStats,
    /// What was derived from all incidents.
    pub overview: Overview,
}

/// Renders the site into `sink` and the Markdown reports into `reports`, from sorted
/// incidents. Each incident is prepared (highlighted), rendered and handed over in one
/// parallel pass, then dropped, so memory holds the loaded incidents, not the whole site.
/// Each incident's search record goes to an indexer working alongside; the search bundle it
/// builds goes to the same sink.
pub fn render_outputs(
    workspace: &Workspace,
    templates: &Templates,
    info: &SiteInfo,
    incidents: &[LoadedIncident],
    sink: &dyn Sink,
    reports: &dyn Sink,
    on_page: &(dyn Fn() + Sync),
) -> Result<Rendered, BuildError> {
    let mut templates = templates.clone();
    templates.set_global("site", info);
    let static_dir = workspace.templates_dir().join("static");
    let renderer = SiteRenderer::new(&templates, info, Some(&static_dir))?;
    for (path, content) in renderer.asset_files() {
        sink.put(path, content)
            .map_err(|e| SiteError::Write(path.clone(), e))?;
    }
    let overview = render::overview(incidents);
    let summaries = &overview.summaries;
    let pretty_urls = info.pretty_urls();
    let indexer = Indexer::start()?;
    incidents
        .par_iter()
        .zip(summaries.par_iter())
        .zip(overview.related.par_iter())
        .zip(overview.knowledge.incident_patterns.par_iter())
        .enumerate()
        .map(|(position, (((loaded, summary), related), pattern))| {
            indexer.add(position, SearchRecord::new(loaded, summary, pretty_urls));
            let page = IncidentPage::new(loaded, summary.clone(), related.clone(), pattern.clone());
            let (path, html) = renderer.incident_page(&page)?;
            sink.put(&path, html.as_bytes())
                .map_err(|e| SiteError::Write(path, e))?;
            let (name, text) = report::render_report(&page, &templates)?;
            reports
                .put(&name, text.as_bytes())
                .map_err(|e| SiteError::Write(name, e))?;
            on_page();
            Ok(())
        })
        .collect::<Result<(), BuildError>>()?;
    let mut pages: Vec<String> = summaries
        .iter()
        .map(|s| format!("{}index.html", s.path))
        .collect();
    pages.extend(renderer.list_pages(summaries, &overview.knowledge, sink)?);
    renderer.publish_files(&overview, incidents, &pages, sink)?;
    let (name, index) = report::render_index(summaries, &templates)?;
    reports
        .put(&name, index.as_bytes())
        .map_err(|e| SiteError::Write(name, e))?;
    let search = search::finish(indexer, sink)?;
    Ok(Rendered {
        pages: pages.len(),
        search,
        overview,
    })
}
