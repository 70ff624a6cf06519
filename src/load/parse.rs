//! One incident file: bytes to [`Incident`], or a diagnostic that says exactly what is wrong.
//!
//! serde-saphyr reads the YAML straight into the model types, so every type, enum and
//! unknown-field check is the model's own. serde_path_to_error records where in the document
//! the failure happened (`changes[2].before`), and the parser's location gives line and
//! column. Budgets cap what a hostile file can cost: alias bombs and deep nesting fail fast.

use std::path::Path;

use serde_saphyr::Error as YamlError;

use super::describe::{diagnose, original};
use super::recover::{Segment, Tree, blank, join, segments};
use super::yaml_tree::options;
use crate::diagnostic::Diagnostic;
use crate::model::Incident;

/// Files above this size are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// What reading one file found.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The incident, when the text could be read into one: as written if `diagnostics`
    /// holds no error, else with the broken entries blanked out, for the checks that look
    /// at the rest.
    pub incident: Option<Incident>,
    /// Every problem found in the text, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Top-level fields that were missing or broken and hold a placeholder.
    pub placeholders: Vec<String>,
}

/// How many entries one file may have blanked before the search for more problems stops.
const MAX_ROUNDS: usize = 64;

/// Parses the text of one incident file, finding every problem: the failing entry is blanked
/// and the text read again (`load::recover`).
/// `file` is the path shown in diagnostics.
pub fn parse_incident(file: &Path, source: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut text: Option<String> = None;
    let mut tree: Option<Option<Tree>> = None;
    let mut blanked: Vec<Vec<Segment>> = Vec::new();
    let mut removed: Vec<(Vec<Segment>, usize)> = Vec::new();
    for round in 0..MAX_ROUNDS {
        // Only the first reading can be of a good file; later ones follow a failure.
        let (error, path) = match parse_once(text.as_deref().unwrap_or(source), round == 0) {
            Ok(incident) => {
                parsed.incident = Some(incident);
                return parsed;
            }
            Err(failure) => *failure,
        };
        let at = original_path(&segments(&path), &removed);
        let missing = match original(&error) {
            YamlError::SerdeMissingField { field, .. } => Some(*field),
            _ => None,
        };
        let field_problem = is_field_problem(&error) && !at.is_empty() || missing.is_some();
        if round > 0 && !field_problem {
            return parsed; // a blanked text's own complaint, not the writer's
        }
        // A field that is missing because it was blanked, or because the writer misspelled
        // it (the misspelling was reported as an unknown field), is no news.
        // So is a complaint about what was blanked, or about its parent left empty.
        let consequence = blanked
            .iter()
            .any(|b| at.starts_with(b) || (!at.is_empty() && b.starts_with(&at)))
            || missing.is_some_and(|m| {
                blanked.iter().any(|b| match b.split_last() {
                    Some((Segment::Field(name), parent)) => {
                        parent == at.as_slice()
                            && (name == m || super::suggest::closest(name, &[m]).is_some())
                    }
                    _ => false,
                })
            });
        if !consequence {
            let shown = join(&at);
            parsed
                .diagnostics
                .push(diagnose(file, source, &error, Some(shown.as_str())));
        }
        let text = text.get_or_insert_with(|| source.to_owned());
        if let (Some(field), true) = (missing, at.is_empty()) {
            // A required top-level field is gone: stand something in for it, and go on.
            let Some(value) = placeholder(field) else {
                return parsed;
            };
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("{field}: {value}\n"));
            parsed.placeholders.push(field.to_owned());
            continue;
        }
        let target = at;
        let tree = tree.get_or_insert_with(|| Tree::of(source));
        let Some((start, _)) = tree.as_ref().and_then(|t| t.find(&target)) else {
            return parsed;
        };
        let item = matches!(target.last(), Some(Segment::Index(_)));
        if blank(text, start, item).is_none() {
            return parsed;
        }
        if let Some((Segment::Index(i), parent)) = target.split_last() {
            removed.push((parent.to_vec(), *i));
        }
        blanked.push(target);
    }
    parsed
}

/// One attempt: the incident, or the first error and where it is.
///
/// Tracking the path costs a string per key read, so with `untracked_first` the text is read
/// without it first, and again with it only if that fails, to say where.
fn parse_once(source: &str, untracked_first: bool) -> Result<Incident, Box<(YamlError, String)>> {
    if untracked_first
        && let Ok(incident) = serde_saphyr::from_str_with_options::<Incident>(source, options())
    {
        return Ok(incident);
    }
    let mut failed_at = None;
    let result = serde_saphyr::with_deserializer_from_str_with_options(source, options(), |de| {
        serde_path_to_error::deserialize::<_, Incident>(de).map_err(|error| {
            failed_at = Some(known_path(&error.path().to_string()));
            error.into_inner()
        })
    });
    result.map_err(|error| Box::new((error, failed_at.unwrap_or_default())))
}

/// Whether the error is about a field's value or name, rather than the YAML itself.
fn is_field_problem(error: &YamlError) -> bool {
    matches!(
        original(error),
        YamlError::SerdeUnknownField { .. }
            | YamlError::SerdeUnknownVariant { .. }
            | YamlError::SerdeMissingField { .. }
            | YamlError::SerdeInvalidType { .. }
            | YamlError::NullIntoString { .. }
            | YamlError::Message { .. }
            | YamlError::Unexpected { .. }
            | YamlError::InvalidScalar { .. }
    )
}

/// What stands in for a required top-level field that is missing or broken, so the rest of
/// the file can be checked.
fn placeholder(field: &str) -> Option<&'static str> {
    match field {
        "date" => Some("2000-01-01"),
        "title" | "summary" | "root_cause" => Some("placeholder"),
        "severity" | "status" => Some(PLACEHOLDER_CHOICE),
        _ => None,
    }
}

/// The severity or status that stands in for a missing one (never checked).
pub const PLACEHOLDER_CHOICE: &str = "__placeholder__";

/// Maps a path read from a text with items removed back to the file's own indices.
fn original_path(path: &[Segment], removed: &[(Vec<Segment>, usize)]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(path.len());
    for segment in path {
        match segment {
            Segment::Index(k) => {
                let mut gone: Vec<usize> = removed
                    .iter()
                    .filter(|(parent, _)| *parent == out)
                    .map(|(_, i)| *i)
                    .collect();
                gone.sort_unstable();
                let mut index = *k;
                for i in gone {
                    if i <= index {
                        index += 1;
                    }
                }
                out.push(Segment::Index(index));
            }
            field => out.push(field.clone()),
        }
    }
    out
}

/// The path without the `?` segments serde_path_to_error writes where the parser stopped
/// before reaching a key (`timeline[4].?` becomes `timeline[4]`).
fn known_path(path: &str) -> String {
    let mut path = path;
    while let Some(rest) = path.strip_suffix(".?").or_else(|| path.strip_suffix('?')) {
        path = rest;
    }
    path.to_owned()
}

/// Reads the bytes of a file as UTF-8, or says where the first invalid byte is.
pub fn decode(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        // Safe: `valid_up_to` is the length of the valid prefix.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let (line, column) = crate::workspace::line_column(prefix, prefix.len());
        let shown = String::from_utf8_lossy(error.as_bytes()).into_owned();
        Diagnostic::at(file, &shown, line, column, "file is not valid UTF-8")
            .with_help("save the file as UTF-8 (without changing its text)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_path_segments_are_dropped() {
        assert_eq!(known_path("timeline[4].?"), "timeline[4]");
        assert_eq!(known_path("?"), "");
        assert_eq!(known_path("error.message"), "error.message");
    }

    /// Reads `source` the way incident files are read, into a type that accepts any YAML,
    /// so the budgets, not the schema, are what stops it.
    fn budget_error(source: &str) -> String {
        let error = serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(source, options())
            .expect_err("over budget");
        super::super::describe::describe(original(&error), None, "").0
    }

    #[test]
    fn alias_bombs_and_deep_nesting_hit_the_budgets() {
        const REFUSED: &str =
            "file is too deeply nested or expands too many aliases to be read safely";
        // Billion laughs: nine levels of nine aliases each, 9^9 strings if expanded.
        let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let mut previous = "a".to_string();
        for level in 1..9 {
            let refs = vec![format!("*{previous}"); 9].join(", ");
            bomb.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
            previous = format!("l{level}");
        }
        assert_eq!(budget_error(&bomb), REFUSED);
        let deep = format!("x: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(budget_error(&deep), REFUSED);
        let deep_block: String = (0..1_000)
            .map(|i| format!("{}- \n", " ".repeat(i)))
            .collect();
        assert_eq!(budget_error(&deep_block), REFUSED);
    }
}
