//! Metadata as people write it: front matter, `**Date:** …` lines, `- Severity: SEV2`
//! bullets, key/value tables, `## Date: …` headings; and dates in the many ways they are
//! written. Only what is stated is taken; nothing is guessed.

use crate::model::Vocabularies;

pub use super::dates::date;

use super::draft::{Draft, Link};

/// A metadata key the importer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Title,
    Date,
    Status,
    Severity,
    Id,
    Authors,
    Lead,
    Owner,
    Responders,
    Services,
    Tags,
    Duration,
    Users,
    Environment,
    Url,
}

impl Key {
    /// The field it fills, for the accounting.
    pub fn field(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Date => "date",
            Self::Status => "status",
            Self::Severity => "severity",
            Self::Id => "id",
            Self::Authors => "authors",
            Self::Lead => "lead",
            Self::Owner => "owner",
            Self::Responders => "responders",
            Self::Services => "services",
            Self::Tags => "tags",
            Self::Duration | Self::Users => "impact",
            Self::Environment => "environment",
            Self::Url => "links",
        }
    }
}

/// Label wordings (normalised as headings are) → key.
const KEYS: &[(Key, &[&str])] = &[
    (Key::Title, &["title", "incident title", "name"]),
    (
        Key::Date,
        &[
            "date",
            "incident date",
            "date of incident",
            "occurred",
            "start date",
            "started",
            "when",
        ],
    ),
    (Key::Status, &["status", "incident status", "state"]),
    (
        Key::Severity,
        &[
            "severity",
            "sev",
            "severity level",
            "incident severity",
            "level",
        ],
    ),
    (
        Key::Id,
        &[
            "id",
            "incident id",
            "incident",
            "ticket",
            "incident number",
            "error pattern",
            "pattern id",
            "reference",
        ],
    ),
    (
        Key::Authors,
        &["author", "authors", "written by", "prepared by", "agent"],
    ),
    (
        Key::Lead,
        &[
            "incident commander",
            "ic",
            "lead",
            "incident lead",
            "commander",
            "incident manager",
        ],
    ),
    (
        Key::Owner,
        &[
            "owner",
            "postmortem owner",
            "document owner",
            "action owner",
        ],
    ),
    (
        Key::Responders,
        &[
            "responders",
            "participants",
            "people involved",
            "on call",
            "team members",
        ],
    ),
    (
        Key::Services,
        &[
            "services",
            "service",
            "affected services",
            "affected systems",
            "systems affected",
            "affected components",
            "components",
        ],
    ),
    (
        Key::Tags,
        &["tags", "labels", "keywords", "category", "categories"],
    ),
    (
        Key::Duration,
        &[
            "duration",
            "impact duration",
            "outage duration",
            "total duration",
        ],
    ),
    (
        Key::Users,
        &["affected users", "users affected", "customers affected"],
    ),
    (Key::Environment, &["environment", "env"]),
    (
        Key::Url,
        &["url", "source", "link", "original", "canonical url"],
    ),
];

/// The key a label names.
pub fn key(label: &str) -> Option<Key> {
    let label = super::synonyms::normalise(label);
    KEYS.iter()
        .find(|(_, words)| words.contains(&label.as_str()))
        .map(|(key, _)| *key)
}

/// Splits a metadata line into label and value: `**Date:** x`, `**Date**: x`,
/// `- **Date:** x`, `- Date: x`, `| Date | x |`; `plain` also allows `Date: x`.
pub fn split(line: &str, plain: bool) -> Option<(String, String)> {
    let t = line.trim();
    if let Some(row) = t.strip_prefix('|') {
        let cells: Vec<&str> = row
            .trim_end_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        return match cells[..] {
            [label, value] => Some((strip_marks(label), value.to_owned())),
            _ => None,
        };
    }
    let (bullet, t) = match t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    for mark in ["**", "__"] {
        if let Some(rest) = t.strip_prefix(mark)
            && let Some(end) = rest.find(mark)
        {
            let label = &rest[..end];
            let after = &rest[end + mark.len()..];
            let (label, value) = match (label.strip_suffix(':'), after.strip_prefix(':')) {
                (Some(label), _) => (label, after),
                (None, Some(value)) => (label, value),
                _ => return None,
            };
            return Some((strip_marks(label), value.trim().to_owned()));
        }
    }
    if bullet || plain {
        let (label, value) = t.split_once(": ")?;
        if label.split_whitespace().count() <= 4 && !label.contains(['`', '[', '(']) {
            return Some((label.trim().to_owned(), value.trim().to_owned()));
        }
    }
    None
}

fn strip_marks(text: &str) -> String {
    text.replace("**", "")
        .replace("__", "")
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_owned()
}

/// A value without Markdown emphasis, code marks and leading decoration (emoji, or emoji
/// mis-decoded into a short word of accented letters such as `üîß`).
pub fn clean(value: &str) -> String {
    let value = value.replace("**", "").replace("__", "").replace('`', "");
    let value = value
        .trim()
        .trim_start_matches(|c: char| !c.is_alphanumeric() && !"~([@<+#".contains(c))
        .trim();
    if let Some((first, rest)) = value.split_once(' ')
        && first.chars().count() <= 3
        && first.chars().all(|c| !c.is_ascii() && c < '\u{2E80}')
        && rest.chars().any(|c| c.is_ascii_alphanumeric())
    {
        return clean(rest);
    }
    value.to_owned()
}

/// What applying a metadata value did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// The value is in the draft.
    Taken,
    /// The key is known but the value could not be read (or the field is already set):
    /// the line stays in the text.
    Kept,
}

/// Applies `key: value` to `draft`.
pub fn apply(draft: &mut Draft, key: Key, raw: &str, vocabularies: &Vocabularies) -> Applied {
    let value = clean(raw);
    if value.is_empty() {
        return Applied::Kept;
    }
    let list = || -> Vec<String> {
        value
            .split([',', ';'])
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let set = |slot: &mut Option<String>| {
        if slot.is_some() {
            return Applied::Kept;
        }
        *slot = Some(value.clone());
        Applied::Taken
    };
    match key {
        Key::Title if draft.title.is_empty() => draft.title = value.clone(),
        Key::Date if draft.date.is_empty() => match date(&value) {
            Some(date) => draft.date = date,
            None => return Applied::Kept,
        },
        Key::Status if draft.status.is_empty() => status(draft, &value, vocabularies),
        Key::Severity if draft.severity.is_empty() => return severity(draft, &value, vocabularies),
        Key::Id => return set(&mut draft.id),
        Key::Authors if draft.authors.is_empty() => draft.authors = list(),
        Key::Responders if draft.responders.is_empty() => draft.responders = list(),
        Key::Services if draft.services.is_empty() => draft.services = list(),
        Key::Tags if draft.tags.is_empty() => draft.tags = list(),
        Key::Lead => return set(&mut draft.lead),
        Key::Owner => return set(&mut draft.owner),
        Key::Duration => return set(&mut draft.impact.duration),
        Key::Users => return set(&mut draft.impact.users),
        Key::Environment => return set(&mut draft.environment),
        Key::Url => draft.links.push(Link {
            title: "Original write-up".into(),
            url: Some(value.clone()),
            reference: None,
        }),
        _ => return Applied::Kept,
    }
    Applied::Taken
}

/// The status a value names (by a word of it, in the workspace's vocabulary), with the
/// whole value as the status note; a value naming none is kept as the note and reviewed.
fn status(draft: &mut Draft, value: &str, vocabularies: &Vocabularies) {
    let vocabulary = &vocabularies.status;
    let found = vocabulary.resolve(value).or_else(|| {
        value
            .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '_')
            .find_map(|word| vocabulary.resolve(word))
    });
    match found {
        Some(rank) => {
            draft.status = vocabulary.levels[rank].name.clone();
            if !value.eq_ignore_ascii_case(&draft.status) {
                draft.status_note = Some(value.to_owned());
            }
        }
        None => {
            draft.status_note = Some(value.to_owned());
            draft.needs_review(
                "status",
                format!("the original says \"{value}\" (see status_note); no status of the workspace matched"),
            );
        }
    }
}

/// The severity a value names; `SEV1`/`P1`-style ranks are read by position and reviewed.
fn severity(draft: &mut Draft, value: &str, vocabularies: &Vocabularies) -> Applied {
    let vocabulary = &vocabularies.severity;
    let words = || value.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '_');
    if let Some(rank) = vocabulary
        .resolve(value)
        .or_else(|| words().find_map(|w| vocabulary.resolve(w)))
    {
        draft.severity = vocabulary.levels[rank].name.clone();
        return Applied::Taken;
    }
    let rank = words().find_map(|w| {
        let lower = w.to_ascii_lowercase();
        let digits = lower
            .strip_prefix("sev")
            .or_else(|| lower.strip_prefix('p'))?;
        digits.trim_start_matches('-').parse::<usize>().ok()
    });
    match rank {
        Some(n) if !vocabulary.levels.is_empty() => {
            let rank = n.saturating_sub(1).min(vocabulary.levels.len() - 1);
            draft.severity = vocabulary.levels[rank].name.clone();
            draft.needs_review(
                "severity",
                format!(
                    "the original says \"{value}\", read as level {} of the workspace",
                    rank + 1
                ),
            );
            Applied::Taken
        }
        _ => Applied::Kept,
    }
}

/// The cells of a Markdown table row, trimmed.
pub fn table_cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_start_matches('|')
        .trim_end_matches('|')
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_lines_in_their_usual_forms() {
        for line in [
            "**Date:** 12 Temmuz 2025  ",
            "**Date**: 12 Temmuz 2025",
            "- **Date:** 12 Temmuz 2025",
            "- Date: 12 Temmuz 2025",
            "| Date | 12 Temmuz 2025 |",
        ] {
            let (label, value) = split(line, false).expect(line);
            assert_eq!(
                (label.as_str(), value.trim()),
                ("Date", "12 Temmuz 2025"),
                "{line}"
            );
        }
        assert_eq!(split("Date: x", false), None);
        assert!(split("Date: x", true).is_some());
        assert_eq!(key("Affected Systems"), Some(Key::Services));
        assert_eq!(
            clean("✅ **RESOLVED** - Production Ready"),
            "RESOLVED - Production Ready"
        );
        assert_eq!(clean("üîß Redis fix"), "Redis fix");
        assert_eq!(clean("Ödeme servisi"), "Ödeme servisi");
    }

    #[test]
    fn status_and_severity_take_only_what_is_stated() {
        let vocabularies = Vocabularies::default();
        let mut draft = Draft::default();
        apply(
            &mut draft,
            Key::Status,
            "✅ **RESOLVED** - Production Ready",
            &vocabularies,
        );
        assert_eq!(draft.status, "resolved");
        assert_eq!(
            draft.status_note.as_deref(),
            Some("RESOLVED - Production Ready")
        );
        assert!(draft.review.is_empty());
        assert_eq!(
            apply(&mut draft, Key::Severity, "SEV2", &vocabularies),
            Applied::Taken
        );
        assert_eq!(draft.severity, "high");
        assert_eq!(
            draft.review_of("severity").map(|r| r.contains("SEV2")),
            Some(true)
        );
        let mut other = Draft::default();
        assert_eq!(
            apply(&mut other, Key::Severity, "bad-ish", &vocabularies),
            Applied::Kept
        );
        apply(&mut other, Key::Status, "Tests pending", &vocabularies);
        assert!(other.status.is_empty() && other.review_of("status").is_some());
    }
}
