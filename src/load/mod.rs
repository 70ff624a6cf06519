//! Loading and validation: from the files under `incidents/` to checked incidents.
//!
//! Every file is read and parsed independently (in parallel), so one broken file never
//! hides the problems of another; then the checks that need all incidents at once
//! (duplicate slugs and ids, `related` links) run over the whole set. The result holds every
//! incident that parsed and every problem found, so `check` reports all of them in one run.
//! (Notes about errors seen in earlier incidents need the whole history: `knowledge` gives
//! them.)

pub mod attachments;
mod check;
mod describe;
pub mod fuzz;
mod links;
mod memo;
mod parse;
mod recover;
mod suggest;
mod texts;
mod validate;
mod yaml_tree;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{self, Diagnostic};
use crate::model::{
    Digest, Digester, Durations, Grade, Incident, Pattern, Signature, Vocabularies, pattern_of,
};
use crate::workspace::{Ignore, Workspace};

pub use attachments::Attachment;
pub use check::LIST_WARN;
pub use memo::ParsedMemo;
use parse::MAX_FILE_BYTES;
pub use parse::{Parsed, parse_incident};
pub use suggest::{closest, suggestion};
use validate::slug_problem;
pub use validate::{language_warnings, validate_set};

/// What loading needs to know of the workspace.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The team's severities and statuses.
    pub vocabularies: Vocabularies,
    /// The zone of times written without one.
    pub zone: jiff::tz::TimeZone,
    /// Hosts images may be loaded from.
    pub remote_images: Vec<String>,
    /// Files under the incidents folder that are not incidents.
    pub ignore: Ignore,
    /// Digest of the settings that change what an incident reads as (vocabularies, zone,
    /// image hosts): part of every incident's key.
    pub key: Digest,
}

impl Default for Settings {
    fn default() -> Self {
        Self::new(
            Vocabularies::default(),
            jiff::tz::TimeZone::UTC,
            Vec::new(),
            Ignore::default(),
        )
    }
}

impl Settings {
    /// The settings of `workspace`.
    pub fn of(workspace: &Workspace) -> Self {
        Self::new(
            workspace.vocabularies.clone(),
            workspace.zone.clone(),
            workspace.config.remote_images.clone(),
            workspace.config.ignore.clone(),
        )
    }

    fn new(
        vocabularies: Vocabularies,
        zone: jiff::tz::TimeZone,
        remote_images: Vec<String>,
        ignore: Ignore,
    ) -> Self {
        let key = Digester::new()
            .add(&vocabularies)
            .text(
                &zone
                    .iana_name()
                    .map_or_else(|| format!("{zone:?}"), String::from),
            )
            .add(&remote_images)
            .finish();
        Self {
            vocabularies,
            zone,
            remote_images,
            ignore,
            key,
        }
    }
}

/// An incident together with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedIncident {
    /// The file name without extension: the incident's identity and URL.
    pub slug: String,
    /// The file, as shown to the user.
    pub file: PathBuf,
    /// The file on disk.
    pub path: PathBuf,
    /// The parsed incident.
    pub incident: Incident,
    /// Its severity and status, as the workspace's vocabularies name them.
    pub severity: Grade,
    /// See `severity`.
    pub status: Grade,
    /// The pattern of each of its errors, in order (none when it has no error). It depends
    /// on this file alone, so it is worked out once, as the file is read, for every list,
    /// note and page that groups incidents by it.
    pub patterns: Vec<Pattern>,
    /// What similarity compares of it (`model::signature`), worked out once like the
    /// pattern.
    pub signature: Signature,
    /// Files its Markdown links to, copied next to its page.
    pub attachments: Vec<Attachment>,
    /// Time to detect, mitigate and resolve, from its timeline; worked out once, like the
    /// pattern.
    pub durations: Durations,
    /// Digest of the slug, the file name, the file's text and the settings it was read
    /// with: whatever is derived from this incident alone changes exactly when this does.
    /// (The text, not the parsed incident: hashing it costs a fraction of serialising the
    /// incident again.)
    pub key: Digest,
}

impl LoadedIncident {
    /// An incident read from `path`, shown as `file`, parsed from `source`, whose severity
    /// and status were resolved against `settings`' vocabularies and whose times were
    /// placed in its zone.
    pub fn new(
        slug: String,
        file: PathBuf,
        path: PathBuf,
        source: &str,
        incident: Incident,
        settings: &Settings,
    ) -> Self {
        let vocabularies = &settings.vocabularies;
        let patterns = incident.all_errors().map(pattern_of).collect();
        let signature = Signature::of(&incident);
        let durations = Durations::from_incident(&incident);
        let severity = vocabularies
            .severity
            .grade(incident.severity.rank().unwrap_or_default());
        let status = vocabularies
            .status
            .grade(incident.status.rank().unwrap_or_default());
        let key = Digester::new()
            .text(&slug)
            .text(&file.to_string_lossy())
            .text(source)
            .digest(settings.key)
            .finish();
        Self {
            slug,
            file,
            path,
            incident,
            severity,
            status,
            patterns,
            signature,
            attachments: Vec::new(),
            durations,
            key,
        }
    }

    /// Adds the files its Markdown links to (their contents are part of its key).
    pub fn with_attachments(mut self, attachments: Vec<Attachment>) -> Self {
        let mut digester = Digester::new();
        digester.digest(self.key);
        for attachment in &attachments {
            digester.text(&attachment.name).digest(attachment.digest);
        }
        self.key = digester.finish();
        self.attachments = attachments;
        self
    }

    /// The file as shown on pages and in reports (`/`-separated on every system).
    pub fn source_name(&self) -> String {
        self.file.to_string_lossy().replace('\\', "/")
    }
}

/// Everything found under the incidents folder.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Number of incident files found.
    pub files: usize,
    /// Incidents that parsed, in file order.
    pub incidents: Vec<LoadedIncident>,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Number of problems that make the input unusable.
    pub fn error_count(&self) -> usize {
        diagnostic::error_count(&self.diagnostics)
    }
}

/// Loads and validates every incident file under `dir` but those the settings ignore.
/// `display` turns a path into the form diagnostics show (relative to where the user
/// stands); `memo` holds what files parsed to in earlier runs, and gets this run's.
pub fn load_dir(
    dir: &Path,
    settings: &Settings,
    display: &(dyn Fn(&Path) -> PathBuf + Sync),
    memo: Option<&ParsedMemo>,
) -> Loaded {
    let files = match discover(dir, &settings.ignore) {
        Ok(files) => files,
        Err(diagnostic) => {
            return Loaded {
                diagnostics: vec![diagnostic],
                ..Loaded::default()
            };
        }
    };
    let results: Vec<(Option<LoadedIncident>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|path| load_file(path, &display(path), settings, memo))
        .collect();

    let mut loaded = Loaded {
        files: files.len(),
        ..Loaded::default()
    };
    for (incident, diagnostics) in results {
        loaded.diagnostics.extend(diagnostics);
        loaded.incidents.extend(incident);
    }
    loaded.diagnostics.extend(validate_set(&loaded.incidents));
    diagnostic::sort(&mut loaded.diagnostics);
    loaded
}

/// Reads, decodes, parses and checks one file. `file` is the path shown in diagnostics.
/// The incident comes back only if the file has no error; the diagnostics hold every
/// problem found, warnings included. The parse is recalled from `memo` if an earlier run
/// kept it.
pub fn load_file(
    path: &Path,
    file: &Path,
    settings: &Settings,
    memo: Option<&ParsedMemo>,
) -> (Option<LoadedIncident>, Vec<Diagnostic>) {
    let source = match read_source(path, file) {
        Ok(source) => source,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let parsed = match memo {
        Some(memo) => memo.parse(file, &source),
        None => parse_incident(file, &source),
    };
    checked(path, file, &source, parsed, settings)
}

/// Reads the text of one file, refusing bad names and files too large to be incidents.
fn read_source(path: &Path, file: &Path) -> Result<String, Diagnostic> {
    if let Some(problem) = slug_problem(&slug_of(path), file) {
        return Err(problem);
    }
    let size = fs::metadata(path)
        .map_err(|e| Diagnostic::file_error(file, format!("cannot read file: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::file_error(
            file,
            format!(
                "file is {:.1} MB; incident files may be at most {} MB",
                size as f64 / 1e6,
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .with_help("move large logs or traces to a linked file and keep an excerpt here"));
    }
    let bytes = fs::read(path)
        .map_err(|e| Diagnostic::file_error(file, format!("cannot read file: {e}")))?;
    parse::decode(file, bytes)
}

/// Parses and checks the text of the file at `path`.
pub fn load_source(
    path: &Path,
    file: &Path,
    source: &str,
    settings: &Settings,
) -> (Option<LoadedIncident>, Vec<Diagnostic>) {
    checked(path, file, source, parse_incident(file, source), settings)
}

/// Checks what the text `source` of the file at `path` parsed to.
fn checked(
    path: &Path,
    file: &Path,
    source: &str,
    parsed: Parsed,
    settings: &Settings,
) -> (Option<LoadedIncident>, Vec<Diagnostic>) {
    let Parsed {
        incident,
        mut diagnostics,
        placeholders,
    } = parsed;
    let Some(mut incident) = incident else {
        return (None, diagnostics);
    };
    let at = check::Locator::new(file, source);
    diagnostics.extend(check::check(&mut incident, &placeholders, settings, &at));
    let attachments = attachments::find(&incident, path, settings, &at, &mut diagnostics);
    diagnostics.extend(links::link_problems(&incident, file, source));
    if diagnostic::error_count(&diagnostics) > 0 {
        return (None, diagnostics);
    }
    let loaded = LoadedIncident::new(
        slug_of(path),
        file.to_path_buf(),
        path.to_path_buf(),
        source,
        incident,
        settings,
    )
    .with_attachments(attachments);
    diagnostics.extend(validate::language_warnings(&loaded));
    (Some(loaded), diagnostics)
}

/// The slug of an incident file: its name without the extension.
pub fn slug_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `path` names an incident file (and not an editor's backup or swap file).
pub fn is_incident_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !name.starts_with('.')
        && !name.starts_with('#')
        && matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        )
}

/// Every incident file under `dir` but those `ignore` names, sorted so output never
/// depends on directory order.
pub fn discover(dir: &Path, ignore: &Ignore) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut files: Vec<PathBuf> = incident_entries(dir, ignore)?
        .into_iter()
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    Ok(files)
}

/// The incident files under `dir`, as walkdir found them (with their metadata, which
/// `serve` uses to notice changes): hidden and ignored entries skipped (an ignored folder
/// whole), symlinks followed, and a dangling link or a loop an error.
pub fn incident_entries(dir: &Path, ignore: &Ignore) -> Result<Vec<walkdir::DirEntry>, Diagnostic> {
    if !dir.is_dir() {
        return Err(Diagnostic::file_error(dir, "incidents folder not found")
            .with_help("create it with `postmortem new \"<title>\"`, or set `incidents` in postmortem.toml"));
    }
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_name().to_string_lossy().starts_with('.')
                    || ignore.is_ignored(entry.path().strip_prefix(dir).unwrap_or(entry.path())))
        });
    let mut entries = Vec::new();
    for entry in walker {
        let entry =
            entry.map_err(|e| Diagnostic::file_error(dir, format!("cannot list folder: {e}")))?;
        if entry.file_type().is_file() && is_incident_file(entry.path()) {
            entries.push(entry);
        }
    }
    Ok(entries)
}
