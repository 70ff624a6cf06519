//! Incidents grouped by error pattern, and the note that tells a writer their error was seen
//! before.
//!
//! "Before" is by the incident's date (ties by file name), not by file order, so the note
//! lands on the later incident however the files are named.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::{SimilarPattern, lists};
use crate::load::LoadedIncident;
use crate::model::text::plural;
use crate::workspace::slugify;

/// One error pattern and the incidents that share it.
#[derive(Debug, Clone, Serialize)]
pub struct PatternGroup {
    /// The pattern text.
    pub text: String,
    /// Name of its page: the text slugified, plus a short hash so similar texts never
    /// collide.
    pub slug: String,
    /// Whether an incident file named it with `error.pattern`.
    pub explicit: bool,
    /// Indices of its incidents (into the slice given to [`group`]), oldest first.
    pub incidents: Vec<usize>,
    /// Date of the oldest incident.
    pub first_seen: Date,
    /// Date of the newest incident.
    pub last_seen: Date,
    /// Patterns whose errors are similar (`knowledge::similar`), best first.
    pub similar: Vec<SimilarPattern>,
}

/// An incident's pattern, as its page and `incidents.json` show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PatternRef {
    /// The pattern text.
    pub text: String,
    /// Name of the pattern's page.
    pub slug: String,
    /// Whether the incident file named it (`error.pattern`) rather than it being computed.
    pub explicit: bool,
    /// How many incidents with this pattern happened before this one.
    pub seen_before: usize,
    /// How many incidents have this pattern, this one included.
    pub occurrences: usize,
}

/// Groups incidents by pattern (an incident with several errors is in each of their
/// groups, once). Returns the groups, recurring and recent ones first, and for each
/// incident (in the order given) the [`PatternRef`] of each of its errors.
pub fn group(incidents: &[LoadedIncident]) -> (Vec<PatternGroup>, Vec<Vec<PatternRef>>) {
    let mut groups: Vec<PatternGroup> = Vec::new();
    let mut by_text: HashMap<&str, usize> = HashMap::new();
    for i in chronological(incidents) {
        for pattern in &incidents[i].patterns {
            let date = incidents[i].incident.date.date();
            let index = *by_text.entry(pattern.text.as_str()).or_insert_with(|| {
                groups.push(PatternGroup {
                    slug: pattern_slug(&pattern.text),
                    text: pattern.text.clone(),
                    explicit: false,
                    incidents: Vec::new(),
                    first_seen: date,
                    last_seen: date,
                    similar: Vec::new(),
                });
                groups.len() - 1
            });
            let group = &mut groups[index];
            group.explicit |= pattern.explicit;
            if group.incidents.last() != Some(&i) {
                group.incidents.push(i);
            }
            group.last_seen = date;
        }
    }
    groups.sort_by(|a, b| {
        (b.incidents.len(), b.last_seen, &a.text).cmp(&(a.incidents.len(), a.last_seen, &b.text))
    });

    let by_text: HashMap<&str, &PatternGroup> =
        groups.iter().map(|g| (g.text.as_str(), g)).collect();
    let refs = incidents
        .iter()
        .enumerate()
        .map(|(i, loaded)| {
            loaded
                .patterns
                .iter()
                .filter_map(|pattern| {
                    let group = by_text.get(pattern.text.as_str())?;
                    Some(PatternRef {
                        text: group.text.clone(),
                        slug: group.slug.clone(),
                        explicit: group.explicit,
                        seen_before: group.incidents.iter().position(|&j| j == i)?,
                        occurrences: group.incidents.len(),
                    })
                })
                .collect()
        })
        .collect();
    (groups, refs)
}

/// Indices of `incidents` from oldest to newest, ties by slug.
fn chronological(incidents: &[LoadedIncident]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..incidents.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| (incidents[i].incident.date.sort_key(), &incidents[i].slug);
        key(a).cmp(&key(b))
    });
    order
}

/// `typeerror-...-name-1a2b3c4d`: readable, and unique per pattern text.
fn pattern_slug(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let mut words = slugify(text);
    if words.len() > 60 {
        words.truncate(60);
        if let Some(end) = words.rfind('-') {
            words.truncate(end);
        }
    }
    format!("{words}-{hash}")
}

/// Notes for incidents whose error matches earlier incidents' pattern (`groups` and
/// `refs` as [`group`] gives them), e.g.
/// ``error matches pattern `…` seen in 2 earlier incidents: a, b``. An incident that
/// already lists every earlier one in `related` gets none: its writer knows. Only incidents
/// that `wanted` accepts get one.
pub fn pattern_notes(
    incidents: &[LoadedIncident],
    groups: &[PatternGroup],
    refs: &[Vec<PatternRef>],
    wanted: &dyn Fn(&LoadedIncident) -> bool,
) -> Vec<Diagnostic> {
    let by_text: HashMap<&str, &PatternGroup> =
        groups.iter().map(|g| (g.text.as_str(), g)).collect();
    let mut notes = Vec::new();
    let each = incidents
        .iter()
        .zip(refs)
        .flat_map(|(loaded, patterns)| patterns.iter().map(move |p| (loaded, p)));
    for (loaded, pattern) in each {
        if pattern.seen_before == 0 || !wanted(loaded) {
            continue;
        }
        let earlier: Vec<&LoadedIncident> = by_text[pattern.text.as_str()].incidents
            [..pattern.seen_before]
            .iter()
            .map(|&i| &incidents[i])
            .collect();
        if earlier.iter().all(|other| lists(loaded, other)) {
            continue;
        }
        let count = earlier.len();
        let mut names: Vec<&str> = earlier.iter().map(|o| o.slug.as_str()).take(5).collect();
        let more = count.saturating_sub(names.len());
        let and_more = format!("and {more} more");
        if more > 0 {
            names.push(&and_more);
        }
        notes.push(
            Diagnostic::file_error(
                &loaded.file,
                format!(
                    "error matches pattern `{}` seen in {count} earlier incident{}: {}",
                    pattern.text,
                    plural(count),
                    names.join(", ")
                ),
            )
            .with_severity(Severity::Note)
            .with_help(
                "if it is the same failure, read how it was fixed then, and add the earlier \
                 incidents to `related:` (which also silences this note)",
            ),
        );
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::test_support::incident;

    #[test]
    fn groups_by_pattern_oldest_first_and_counts_earlier_ones() {
        let incidents = [
            incident(
                "c",
                "2025-10-09",
                "got an unexpected keyword argument 'b'",
                "",
            ),
            incident("other", "2025-08-01", "disk full", ""),
            incident(
                "a",
                "2025-07-12",
                "got an unexpected keyword argument 'a'",
                "",
            ),
        ];
        let (groups, refs) = group(&incidents);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[0].text,
            "TypeError: got an unexpected keyword argument <name>"
        );
        assert_eq!(groups[0].incidents, [2, 0], "oldest first");
        assert_eq!(groups[0].first_seen.to_string(), "2025-07-12");
        assert_eq!(groups[0].last_seen.to_string(), "2025-10-09");
        assert!(
            groups[0]
                .slug
                .starts_with("typeerror-got-an-unexpected-keyword-argument-name-")
        );
        assert_eq!((refs[0][0].seen_before, refs[0][0].occurrences), (1, 2));
        assert_eq!((refs[2][0].seen_before, refs[2][0].occurrences), (0, 2));
        assert_eq!((refs[1][0].seen_before, refs[1][0].occurrences), (0, 1));
    }

    #[test]
    fn recurrence_note_names_the_earlier_incidents_unless_already_related() {
        let incidents = [
            incident(
                "new",
                "2025-12-01",
                "got an unexpected keyword argument 'z'",
                "",
            ),
            incident(
                "old-1",
                "2025-07-12",
                "got an unexpected keyword argument 'x'",
                "",
            ),
            incident(
                "old-2",
                "2025-10-09",
                "got an unexpected keyword argument 'y'",
                "related: [old-1]\n",
            ),
        ];
        let (groups, refs) = group(&incidents);
        let notes = pattern_notes(&incidents, &groups, &refs, &|_| true);
        let messages: Vec<(&str, &str)> = notes
            .iter()
            .map(|n| (n.file.to_str().unwrap(), n.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [(
                "new.yaml",
                "error matches pattern `TypeError: got an unexpected keyword argument <name>` seen in 2 earlier incidents: old-1, old-2"
            )]
        );
        assert!(notes.iter().all(|n| n.severity == Severity::Note));
    }

    #[test]
    fn slugs_are_readable_and_distinct() {
        let a = pattern_slug("Error: a b");
        let b = pattern_slug("Error: a:b");
        assert!(a.starts_with("error-a-b-") && b.starts_with("error-a-b-"));
        assert_ne!(a, b);
        assert!(pattern_slug(&"word ".repeat(40)).len() <= 60 + 9);
    }
}
