//! What a rebuild of `serve` or `watch` reports, and the line that says it.

use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::text::plural;
use crate::pipeline::Counts;

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
    /// Pages and reports rendered, files written and removed; its `pages` are those
    /// written or removed after the early ones were announced, and empty after a full
    /// rebuild, where every page may have changed.
    pub counts: Counts,
    /// Time until the changed incidents' pages were on disk.
    pub first_page: Option<Duration>,
    /// What a full rebuild repaired of an interrupted `build` (`pipeline::repairs`).
    pub repairs: Vec<String>,
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

impl From<crate::pipeline::BuildError> for Failure {
    fn from(error: crate::pipeline::BuildError) -> Self {
        match error {
            crate::pipeline::BuildError::Invalid(diagnostics) => Self::Invalid(diagnostics),
            other => Self::Other(other.to_string()),
        }
    }
}

impl Outcome {
    /// `rebuild 3 (incidents/a.yaml)`: which rebuild, and of what.
    pub fn name(&self) -> String {
        name(self)
    }

    /// The line a successful rebuild prints: `rebuild 3 (incidents/a.yaml) in 74 ms (page
    /// in 12 ms): 1 incident page, 4 list pages, 2 reports; 5 files written`.
    pub fn describe(&self, rebuilt: &Rebuilt) -> String {
        describe(self, rebuilt)
    }
}

/// `rebuild 3 (incidents/a.yaml)`: which rebuild, and of what.
fn name(outcome: &Outcome) -> String {
    let number = if outcome.number == 0 {
        "build".into()
    } else {
        format!("rebuild {}", outcome.number)
    };
    let changed = match outcome.changed.as_slice() {
        [] => String::new(),
        [one] => format!(" ({})", one.display()),
        many => format!(" ({} and {} more)", many[0].display(), many.len() - 1),
    };
    format!("{number}{changed}")
}

/// `rebuild 3 (incidents/a.yaml) in 74 ms (page in 12 ms): 1 incident page, 4 list pages,
/// 2 reports; 5 files written`.
fn describe(outcome: &Outcome, rebuilt: &Rebuilt) -> String {
    let counts = &rebuilt.counts;
    let elapsed = outcome.elapsed;
    let took = if elapsed.as_secs_f64() < 1.0 {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.2} s", elapsed.as_secs_f64())
    };
    let page = match (rebuilt.full.is_none(), rebuilt.first_page) {
        (true, Some(first)) if counts.incident_pages > 0 => {
            format!(" (page in {} ms)", first.as_millis())
        }
        _ => String::new(),
    };
    let what = match &rebuilt.full {
        Some(reason) => format!(
            "everything ({reason}): {} incident{}, {} pages",
            rebuilt.incidents,
            plural(rebuilt.incidents),
            counts.incident_pages + counts.list_pages
        ),
        None => format!(
            "{} incident page{}, {} list page{}, {} report{}",
            counts.incident_pages,
            plural(counts.incident_pages),
            counts.list_pages,
            plural(counts.list_pages),
            counts.reports,
            plural(counts.reports)
        ),
    };
    let mut line = format!(
        "{} in {took}{page}: {what}; {} file{} written",
        name(outcome),
        counts.written,
        plural(counts.written)
    );
    if counts.removed > 0 {
        line.push_str(&format!(", {} removed", counts.removed));
    }
    line
}
