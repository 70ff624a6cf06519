//! Loading and validation: from the files under `incidents/` to checked incidents.
//!
//! Every file is read and parsed independently (in parallel), so one broken file never
//! hides the problems of another; then the checks that need all incidents at once
//! (duplicate slugs and ids, `related` links) run over the whole set. The result holds every
//! incident that parsed and every problem found, so `check` reports all of them in one run.
//! (Notes about errors seen in earlier incidents need the whole history: `knowledge` gives
//! them.)

mod links;
mod parse;
mod validate;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{self, Diagnostic};
use crate::model::{Digest, Digester, Durations, Incident, Pattern, pattern_of};
use crate::workspace::Ignore;

pub use parse::parse_incident;
use parse::{MAX_FILE_BYTES, closest};
use validate::slug_problem;
pub use validate::{language_warnings, validate_set};

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
    /// Its error pattern. It depends on this file alone, so it is worked out once, as the
    /// file is read, for every list, note and page that groups incidents by it.
    pub pattern: Pattern,
    /// Time to detect, mitigate and resolve, from its timeline; worked out once, like the
    /// pattern.
    pub durations: Durations,
    /// Digest of the slug, the file name and the file's text: whatever is derived from this
    /// incident alone changes exactly when this does. (The text, not the parsed incident:
    /// hashing it costs a fraction of serialising the incident again.)
    pub key: Digest,
    /// Problems with its links (URL fields, Markdown links), found while the file's text
    /// was at hand; reported with the file's other diagnostics ([`file_diagnostics`]).
    pub link_problems: Vec<Diagnostic>,
}

impl LoadedIncident {
    /// An incident read from `path`, shown as `file`, parsed from `source`.
    pub fn new(
        slug: String,
        file: PathBuf,
        path: PathBuf,
        source: &str,
        incident: Incident,
    ) -> Self {
        let pattern = pattern_of(&incident.error);
        let durations = Durations::from_incident(&incident);
        let key = Digester::new()
            .text(&slug)
            .text(&file.to_string_lossy())
            .text(source)
            .finish();
        Self {
            slug,
            file,
            path,
            incident,
            pattern,
            durations,
            key,
            link_problems: Vec::new(),
        }
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

/// Loads and validates every incident file under `dir` but those `ignore` names. `display`
/// turns a path into the form diagnostics show (relative to where the user stands).
pub fn load_dir(
    dir: &Path,
    ignore: &Ignore,
    display: &(dyn Fn(&Path) -> PathBuf + Sync),
) -> Loaded {
    let files = match discover(dir, ignore) {
        Ok(files) => files,
        Err(diagnostic) => {
            return Loaded {
                diagnostics: vec![diagnostic],
                ..Loaded::default()
            };
        }
    };
    let results: Vec<Result<LoadedIncident, Diagnostic>> = files
        .par_iter()
        .map(|path| load_file(path, &display(path)))
        .collect();

    let mut loaded = Loaded {
        files: files.len(),
        ..Loaded::default()
    };
    for result in results {
        match result {
            Ok(incident) => {
                loaded.diagnostics.extend(file_diagnostics(&incident));
                loaded.incidents.push(incident);
            }
            Err(diagnostic) => loaded.diagnostics.push(diagnostic),
        }
    }
    loaded.diagnostics.extend(validate_set(&loaded.incidents));
    diagnostic::sort(&mut loaded.diagnostics);
    loaded
}

/// Reads, decodes and parses one file. `file` is the path shown in diagnostics.
pub fn load_file(path: &Path, file: &Path) -> Result<LoadedIncident, Diagnostic> {
    let slug = slug_of(path);
    if let Some(problem) = slug_problem(&slug, file) {
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
    let source = parse::decode(file, bytes)?;
    let incident = parse_incident(file, &source)?;
    let mut loaded = LoadedIncident::new(
        slug,
        file.to_path_buf(),
        path.to_path_buf(),
        &source,
        incident,
    );
    let folder = path.parent().unwrap_or(Path::new("."));
    loaded.link_problems = links::link_problems(&loaded.incident, file, &source, folder);
    Ok(loaded)
}

/// The diagnostics of one incident that parsed: unknown code languages (warnings) and
/// link problems (errors).
pub fn file_diagnostics(loaded: &LoadedIncident) -> Vec<Diagnostic> {
    let mut diagnostics = validate::language_warnings(loaded);
    diagnostics.extend(loaded.link_problems.iter().cloned());
    diagnostics
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
