//! The notes `check` and `serve` give the writer of an incident whose error or cause is
//! similar to earlier incidents', like the note of an exact pattern.

use std::collections::BTreeMap;

use super::{SimilarKind, SimilarLink};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::lists;
use crate::load::LoadedIncident;
use crate::model::text::plural;

/// How many earlier incidents a note names.
const NAMED: usize = 5;

/// For each incident that `wanted` accepts, a note per kind naming the earlier incidents
/// it is similar to, and why. Incidents its `related` lists already are left out: its
/// writer knows them.
pub fn similar_notes(
    incidents: &[LoadedIncident],
    similar: &[Vec<SimilarLink>],
    wanted: &dyn Fn(&LoadedIncident) -> bool,
) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    for (loaded, links) in incidents.iter().zip(similar) {
        if !wanted(loaded) {
            continue;
        }
        let when = |l: &LoadedIncident| (l.incident.date.sort_key(), l.slug.clone());
        for kind in [SimilarKind::SimilarError, SimilarKind::SimilarCause] {
            let earlier: Vec<(&LoadedIncident, &str)> = links
                .iter()
                .filter(|link| link.kind == kind)
                .map(|link| (&incidents[link.incident], link.reason.as_str()))
                .filter(|(other, _)| when(other) < when(loaded) && !lists(loaded, other))
                .collect();
            if !earlier.is_empty() {
                notes.push(note(loaded, kind, &earlier));
            }
        }
    }
    notes
}

fn note(
    loaded: &LoadedIncident,
    kind: SimilarKind,
    earlier: &[(&LoadedIncident, &str)],
) -> Diagnostic {
    // Incidents with the same reason are named together: "a, b (reason)".
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (other, reason) in earlier.iter().take(NAMED) {
        by_reason.entry(reason).or_default().push(&other.slug);
    }
    let mut named: Vec<String> = by_reason
        .iter()
        .map(|(reason, slugs)| format!("{} ({reason})", slugs.join(", ")))
        .collect();
    let more = earlier.len().saturating_sub(NAMED);
    if more > 0 {
        named.push(format!("and {more} more"));
    }
    let what = match kind {
        SimilarKind::SimilarError => "error is similar to",
        SimilarKind::SimilarCause => "root cause is similar to",
    };
    let count = earlier.len();
    Diagnostic::file_error(
        &loaded.file,
        format!(
            "{what} {count} earlier incident{}: {}",
            plural(count),
            named.join("; ")
        ),
    )
    .with_severity(Severity::Note)
    .with_help(
        "if it is the same failure, read how it was fixed then, and add the earlier \
         incidents to `related:` (which also silences this note)",
    )
}
