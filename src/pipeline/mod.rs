//! The build as ordered stages on one object: load → derive → inventory → plan → render →
//! write → search.
//!
//! [`Pipeline`] holds what every page of one site shares (the workspace, the templates
//! with the site-wide values, the assets, and the global key that changes when any of
//! them does). [`Pipeline::full`] renders every page; [`Pipeline::update`] renders the pages
//! whose key changed since what was written and removes the pages that are gone. Both plan
//! with `site::plan` and render through one executor (`Pipeline::execute`), so
//! `postmortem build` and a save under `serve` produce the same files. The executor takes
//! from the render cache (`crate::cache`) whatever it holds under a page's key, and keeps
//! what it renders (an update in place, only the incidents' outputs). Loading and rendering
//! are pure; only the sinks touch the disk, and [`build`] swaps a staging folder in once
//! every page rendered.

mod bundle;
mod execute;
mod full;
mod update;
mod warm;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::cache::{Cache, CacheStats};
use crate::diagnostic::Diagnostic;
use crate::knowledge;
use crate::load;
use crate::model::{Digest, Digester};
use crate::render::{Strings, TemplateError, Templates};
use crate::search::{BundleStats, SearchError};
use crate::site::write::{self, ReportStats, WriteError};
use crate::site::{Page, SiteError, SiteInfo, SiteRenderer};
use crate::workspace::{self, Workspace};
pub use execute::{OnIncident, Sinks};
pub use full::{Built, pair_mismatch, repairs};
pub use update::Remembered;

/// What to build and where; `None` means the workspace's setting.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site output folder.
    pub out: Option<PathBuf>,
    /// Reports folder.
    pub reports: Option<PathBuf>,
    /// Absolute URL the site is published at.
    pub base_url: Option<String>,
    /// The day action items are overdue against; the clock's (or `SOURCE_DATE_EPOCH`'s)
    /// when `None`.
    pub today: Option<Date>,
    /// Render everything, neither reading nor writing the render cache.
    pub no_cache: bool,
    /// postmortem's version as the pages and the render cache see it; this build's own when
    /// `None`. Tests set it to check what a new release renders again.
    pub version: Option<&'static str>,
}

/// The folders a build writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    /// The site folder.
    pub site: PathBuf,
    /// The reports folder.
    pub reports: PathBuf,
}

/// Where `options` say to write, checked: the site folder must be one we may replace, and
/// the reports folder must not be among the sources. A trailing `/` changes nothing: `link/`
/// is checked as `link` (it would otherwise follow a symbolic link the plain form refuses).
pub fn outputs(workspace: &Workspace, options: &BuildOptions) -> Result<Outputs, WriteError> {
    let site = write::without_trailing_slash(
        &options
            .out
            .clone()
            .unwrap_or_else(|| workspace.output_dir()),
    );
    let reports = write::without_trailing_slash(
        &options
            .reports
            .clone()
            .unwrap_or_else(|| workspace.reports_dir()),
    );
    let root = workspace.root.as_path();
    let (incidents, templates, cache) = (
        workspace.incidents_dir(),
        workspace.templates_dir(),
        workspace.cache_dir(),
    );
    write::check_reports_dir(&reports, root, &[&incidents, &templates, &cache])?;
    write::check_output_dir(&site, &[root, &incidents, &templates, &reports, &cache])?;
    write::check_reports_dir(&reports, root, &[&site])?;
    Ok(Outputs { site, reports })
}

/// Why a build failed. In every case the previous output is untouched.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Incident files have errors.
    #[error("{} error{} in incident files", crate::diagnostic::error_count(.0), crate::model::text::plural(crate::diagnostic::error_count(.0)))]
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

/// Progress of a build, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// Rendering starts; this many incident pages will follow.
    Start(usize),
    /// One incident page is done.
    Page,
    /// Another build holds the output folder; this one waits. Says who holds it.
    Waiting(&'a str),
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
    /// What the render cache did, if it was used.
    pub cache: Option<CacheStats>,
    /// Where the render cache is.
    pub cache_dir: PathBuf,
    /// Files written or removed, if the build updated the output of the previous one in
    /// place (see `pipeline::warm`) instead of writing a new site.
    pub in_place: Option<usize>,
    /// Staging folders of earlier, interrupted builds that this one removed.
    pub leftovers: usize,
    /// Site and reports build ids found differing (an interrupted build); both rewritten.
    pub mismatch: Option<(String, String)>,
}

/// Loads, validates, renders and writes the site and reports of `workspace`: what
/// `postmortem build` does. `display` shows paths in diagnostics; `progress` hears about
/// each incident page.
pub fn build(
    workspace: &Workspace,
    options: &BuildOptions,
    display: &(dyn Fn(&Path) -> PathBuf + Sync),
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<BuildSummary, BuildError> {
    let start = Instant::now();
    let pipeline = Pipeline::new(workspace, options)?;
    let settings = load::Settings::of(workspace);
    let dir = workspace.incidents_dir();
    let loaded = crate::cache::load_dir(pipeline.cache.as_ref(), &dir, &settings, display);
    let load_time = start.elapsed();
    if loaded.error_count() > 0 {
        return Err(BuildError::Invalid(loaded.diagnostics));
    }
    let mut incidents = loaded.incidents;
    knowledge::sort_newest_first(&mut incidents);
    let summaries = knowledge::summaries(&incidents);
    // One build at a time into a folder: the second waits, and says for whom.
    let _lock = write::lock_output(&pipeline.outputs.site, &|holder| {
        progress(Progress::Waiting(holder))
    })?;
    let (leftovers, mismatch) = pipeline.tidy();
    // Site and reports of two builds: write both anew rather than update them in place.
    let warm = match mismatch {
        None => pipeline.write_warm(&incidents, &summaries)?,
        Some(_) => None,
    };
    let built = match warm {
        Some(built) => built,
        None => {
            progress(Progress::Start(incidents.len()));
            let built = pipeline
                .write_full_locked(&incidents, &summaries, None, &|| progress(Progress::Page))?;
            pipeline.record_build(&incidents, &built);
            built
        }
    };
    Ok(BuildSummary {
        incidents: incidents.len(),
        pages: built.pages,
        reports: built.reports,
        diagnostics: loaded.diagnostics,
        elapsed: start.elapsed(),
        phases: vec![
            ("load", load_time),
            ("render", built.render),
            ("write", built.write),
        ],
        outputs: pipeline.outputs.clone(),
        search: built.search,
        cache: built.cache,
        cache_dir: workspace.cache_dir(),
        in_place: built.in_place,
        leftovers,
        mismatch,
    })
}

/// What every page of one site shares: see the module documentation.
pub struct Pipeline {
    outputs: Outputs,
    renderer: SiteRenderer,
    /// Digest of templates, static files, settings and version: part of every page's key,
    /// so a change to any of them renders every page again.
    global: Digest,
    /// Outputs kept across builds, unless turned off.
    cache: Option<Cache>,
    /// Records per shard of the search bundle.
    shard_size: usize,
}

impl Pipeline {
    /// Loads the templates and assets of `workspace` and checks the output folders.
    pub fn new(workspace: &Workspace, options: &BuildOptions) -> Result<Self, BuildError> {
        let outputs = outputs(workspace, options)?;
        let mut info = site_info(workspace, options);
        crate::render::markdown::allow_remote_images(&info.remote_images);
        let templates_dir = workspace.templates_dir();
        info.strings = Strings::load(&info.language, Some(&templates_dir))?;
        let mut templates = Templates::load(Some(&templates_dir), Page::link_path)?;
        // The search box hands Pagefind the weights the index was built with.
        templates.set_global("search_ranking", &crate::search::record::RANKING.to_json());
        let renderer = SiteRenderer::new(&templates, &info, Some(&templates_dir.join("static")))?
            .with_reports_dir(&outputs.reports);
        // `info` holds the version; the build's own identity is added so that a build of
        // changed code under an unchanged version number never reuses cached pages. Reports
        // link attached files relative to their folder, so where that folder is (from the
        // workspace, to keep the key the same in another checkout) is part of it too.
        let reports = outputs.reports.strip_prefix(&workspace.root);
        let global = Digester::new()
            .digest(crate::cache::build_id())
            .add(&info)
            .digest(folder_digest(&templates_dir))
            .text(&reports.unwrap_or(&outputs.reports).to_string_lossy())
            .finish();
        let cache =
            (!options.no_cache).then(|| Cache::of_this_build(workspace.cache_dir(), info.version));
        Ok(Self {
            outputs,
            renderer,
            global,
            cache,
            shard_size: workspace.config.search_shard_size.get(),
        })
    }

    /// Where the site and the reports go.
    pub fn outputs(&self) -> &Outputs {
        &self.outputs
    }

    /// The render cache, unless turned off.
    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    /// Records per shard of the search bundle.
    pub fn search_shard_size(&self) -> usize {
        self.shard_size
    }

    /// The site-wide settings.
    pub fn info(&self) -> &SiteInfo {
        self.renderer.info()
    }
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
        version: options.version.unwrap_or(env!("CARGO_PKG_VERSION")),
        today: options.today.unwrap_or_else(workspace::today),
        extra: workspace.config.extra.clone(),
        language: workspace.config.language.clone(),
        strings: Strings::default(),
        vocabularies: workspace.vocabularies.clone(),
        remote_images: workspace.config.remote_images.clone(),
    }
}

/// A digest of every file under `dir` (names and contents); the same for a missing folder
/// as for an empty one.
fn folder_digest(dir: &Path) -> Digest {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    let mut digester = Digester::new();
    for file in files {
        digester.text(&file.strip_prefix(dir).unwrap_or(&file).to_string_lossy());
        digester.bytes(&std::fs::read(&file).unwrap_or_default());
    }
    digester.finish()
}

/// Counts of what one pass rendered and wrote, for the rebuild line of `serve`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Incident pages rendered.
    pub incident_pages: usize,
    /// Other HTML pages rendered (index, search, term, pattern, action, trend pages).
    pub list_pages: usize,
    /// Reports rendered, the index included.
    pub reports: usize,
    /// Files written because their bytes changed.
    pub written: usize,
    /// Files removed because their page is gone.
    pub removed: usize,
    /// Site pages (paths relative to the site) written or removed, for live reload.
    pub pages: Vec<String>,
    /// After an update, the notes `check` would give the changed incidents (an error seen
    /// before, a similar error or cause), from the knowledge the update derived anyway.
    pub notes: Vec<crate::diagnostic::Diagnostic>,
}
