//! The build pipeline: load → validate → render → write.
//!
//! Loading and rendering are pure and happen in memory; only the last step writes, after
//! every check has passed, so a failed build changes nothing on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostic::Diagnostic;
use crate::load::{self, LoadedIncident};
use rayon::prelude::*;

use crate::render::{self, IncidentPage, TemplateError, Templates, report};
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
    /// Where the site went.
    pub out: PathBuf,
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
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| workspace.output_dir());
    let reports_dir = options
        .reports
        .clone()
        .unwrap_or_else(|| workspace.reports_dir());
    let protected = [
        workspace.root.as_path(),
        &workspace.incidents_dir(),
        &workspace.templates_dir(),
        &reports_dir,
    ]
    .map(Path::to_path_buf);
    let protected: Vec<&Path> = protected.iter().map(PathBuf::as_path).collect();
    write::check_output_dir(&out, &protected)?;

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
    let info = site_info(workspace, options, &incidents);
    progress(Progress::Start(incidents.len()));
    let staging = write::Staging::create(&out)?;
    let rendered = render_outputs(workspace, &templates, &info, &incidents, &staging, &|| {
        progress(Progress::Page)
    })?;
    phase("render");
    // Everything rendered: only now does anything visible change.
    staging.commit()?;
    let report_stats = write::write_reports(&rendered.reports, &reports_dir)?;
    phase("write");
    progress(Progress::Done);
    Ok(BuildSummary {
        incidents: incidents.len(),
        pages: rendered.pages,
        reports: report_stats,
        diagnostics: loaded.diagnostics,
        elapsed: start.elapsed(),
        phases,
        out,
        search: rendered.search,
    })
}

/// Progress of a build, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Rendering starts; this many incident pages will follow.
    Start(usize),
    /// One incident page is done.
    Page,
    /// Everything is written.
    Done,
}

/// Site-wide values from the workspace settings and the command line.
pub fn site_info(
    workspace: &Workspace,
    options: &BuildOptions,
    incidents: &[LoadedIncident],
) -> SiteInfo {
    SiteInfo {
        title: workspace.config.title.clone(),
        description: workspace.config.description.clone(),
        base_url: options
            .base_url
            .clone()
            .or_else(|| workspace.config.base_url.clone()),
        incident_count: incidents.len(),
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// What rendering produced besides the pages handed to the sink.
pub struct Rendered {
    /// Number of HTML pages.
    pub pages: usize,
    /// The Markdown reports, by file name.
    pub reports: BTreeMap<String, String>,
    /// The search bundle written with the pages.
    pub search: BundleStats,
}

/// Renders the site into `sink` and the reports into memory, from sorted incidents. Each
/// incident is prepared (highlighted), rendered and handed over in one parallel pass, then
/// dropped, so memory holds the loaded incidents and the reports, not the whole site. Each
/// incident's search record goes to an indexer working alongside; the search bundle it
/// builds goes to the same sink.
pub fn render_outputs(
    workspace: &Workspace,
    templates: &Templates,
    info: &SiteInfo,
    incidents: &[LoadedIncident],
    sink: &dyn Sink,
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
    let (summaries, related) = render::summaries(incidents);
    let pretty_urls = info.base_url.is_some();
    let indexer = Indexer::start()?;
    let mut reports: BTreeMap<String, String> = incidents
        .par_iter()
        .zip(summaries.par_iter())
        .zip(related.into_par_iter())
        .enumerate()
        .map(|(position, ((loaded, summary), related))| {
            indexer.add(position, SearchRecord::new(loaded, summary, pretty_urls));
            let page = IncidentPage::new(loaded, summary.clone(), related);
            let (path, html) = renderer.incident_page(&page)?;
            sink.put(&path, html.as_bytes())
                .map_err(|e| SiteError::Write(path, e))?;
            let report = report::render_report(&page, &templates)?;
            on_page();
            Ok(report)
        })
        .collect::<Result<_, BuildError>>()?;
    let list_pages = renderer.list_pages(&summaries, sink)?;
    let (name, index) = report::render_index(&summaries, &templates)?;
    reports.insert(name, index);
    let search = search::finish(indexer, sink)?;
    Ok(Rendered {
        pages: incidents.len() + list_pages,
        reports,
        search,
    })
}
