//! Checks that need every incident at once: unique slugs and ids, and `related` entries
//! that name an incident that exists.

use std::collections::HashMap;
use std::path::Path;

use serde_saphyr::Spanned;

use super::LoadedIncident;
use crate::diagnostic::Diagnostic;

/// A problem with a file name, before a location is attached.
pub struct SlugProblem {
    message: String,
    help: String,
}

impl SlugProblem {
    /// The diagnostic for `file`.
    pub fn at_file(self, file: &Path) -> Diagnostic {
        Diagnostic::file_error(file, self.message).with_help(self.help)
    }
}

/// Slugs become URLs and file names on every platform, so they are kept to lowercase ASCII
/// letters, digits, `-`, `_` and `.`.
pub fn slug_problem(slug: &str) -> Option<SlugProblem> {
    let valid = !slug.is_empty()
        && slug
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    (!valid).then(|| SlugProblem {
        message: format!("file name `{slug}` cannot be used as the incident's URL"),
        help: format!(
            "use lowercase letters, digits and hyphens, e.g. `{}.yaml`",
            crate::workspace::slugify(slug)
        ),
    })
}

/// Runs the cross-file checks.
pub fn validate_set(incidents: &[LoadedIncident]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();

    let mut by_slug: HashMap<&str, &LoadedIncident> = HashMap::new();
    for loaded in incidents {
        if let Some(first) = by_slug.insert(&loaded.slug, loaded) {
            diagnostics.push(
                Diagnostic::file_error(
                    &loaded.file,
                    format!("two incident files have the slug `{}`", loaded.slug),
                )
                .with_help(format!(
                    "the other is {}; rename one of them",
                    first.file.display()
                )),
            );
        }
    }

    let mut by_id: HashMap<&str, &LoadedIncident> = HashMap::new();
    for loaded in incidents {
        let Some(id) = &loaded.incident.id else {
            continue;
        };
        if let Some(first) = by_id.insert(&id.value, loaded) {
            diagnostics.push(
                at(loaded, id, format!("id `{}` is already used", id.value)).with_help(format!(
                    "{} has the same id; ids must be unique",
                    first.file.display()
                )),
            );
        }
    }

    for loaded in incidents {
        for related in &loaded.incident.related {
            let name = related.value.as_str();
            if name == loaded.slug
                || loaded
                    .incident
                    .id
                    .as_ref()
                    .is_some_and(|id| id.value == name)
            {
                diagnostics.push(at(
                    loaded,
                    related,
                    "an incident cannot be related to itself".into(),
                ));
            } else if !by_slug.contains_key(name) && !by_id.contains_key(name) {
                let slugs: Vec<&str> = by_slug.keys().copied().collect();
                let help = match super::closest(name, &slugs) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "name an incident by its file name (without .yaml) or its id".into(),
                };
                diagnostics.push(
                    at(
                        loaded,
                        related,
                        format!("`related` names unknown incident `{name}`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    diagnostics
}

/// A diagnostic at a spanned value, with its source line read back from the file.
fn at(loaded: &LoadedIncident, value: &Spanned<String>, message: String) -> Diagnostic {
    let source = std::fs::read_to_string(&loaded.path).unwrap_or_default();
    let location = value.referenced;
    Diagnostic::at(
        &loaded.file,
        &source,
        location.line() as usize,
        location.column() as usize,
        message,
    )
    .with_width(value.value.chars().count())
}
