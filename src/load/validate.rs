//! Checks that need every incident at once: unique slugs and ids, and `related` entries
//! that name an incident that exists.

use std::collections::HashMap;
use std::path::Path;

use serde_saphyr::Spanned;

use super::LoadedIncident;
use crate::diagnostic::{Diagnostic, Severity};

/// Slugs become URLs and file names on every platform, so they are kept to lowercase ASCII
/// letters, digits, `-`, `_` and `.`. The error for `file` if its slug breaks that rule.
pub(crate) fn slug_problem(slug: &str, file: &Path) -> Option<Diagnostic> {
    let valid = !slug.is_empty()
        && slug
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    (!valid).then(|| {
        Diagnostic::file_error(
            file,
            format!("file name `{slug}` cannot be used as the incident's URL"),
        )
        .with_help(format!(
            "use lowercase letters, digits and hyphens, e.g. `{}.yaml`",
            crate::workspace::slugify(slug)
        ))
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

    // In file order, so a tie in closeness always suggests the same incident.
    let slugs: Vec<&str> = incidents.iter().map(|l| l.slug.as_str()).collect();
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
                // Never the incident itself: that would be the next error.
                let others: Vec<&str> = slugs
                    .iter()
                    .copied()
                    .filter(|s| *s != loaded.slug)
                    .collect();
                let help = match super::closest(name, &others) {
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

/// Warns about code languages we cannot highlight: the code is still shown, as plain text,
/// but the writer probably meant a language we know under another name.
pub fn language_warnings(loaded: &LoadedIncident) -> Vec<Diagnostic> {
    let incident = &loaded.incident;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut add = |path: String, language: &Option<String>| {
        if let Some(language) = language {
            fields.push((path, language.clone()));
        }
    };
    if let Some(error) = &incident.error {
        add(
            "error.stack_trace_language".into(),
            &error.stack_trace_language,
        );
    }
    for (i, error) in incident.errors.iter().enumerate() {
        add(
            format!("errors[{i}].stack_trace_language"),
            &error.stack_trace_language,
        );
    }
    for (i, change) in incident.changes.iter().enumerate() {
        add(format!("changes[{i}].language"), &change.language);
    }
    for (i, issue) in incident.known_issues.iter().enumerate() {
        for (j, change) in issue.changes.iter().enumerate() {
            add(
                format!("known_issues[{i}].changes[{j}].language"),
                &change.language,
            );
        }
    }
    let steps = [
        ("resolution", incident.resolution.as_ref().map(|r| &r.steps)),
        ("rollback", incident.rollback.as_ref().map(|r| &r.steps)),
        (
            "verification",
            incident.verification.as_ref().map(|v| &v.steps),
        ),
    ];
    for (section, steps) in steps {
        for (i, step) in steps.into_iter().flatten().enumerate() {
            add(format!("{section}.steps[{i}].language"), &step.language);
        }
    }
    for (i, test) in incident
        .verification
        .iter()
        .flat_map(|v| &v.tests)
        .enumerate()
    {
        add(format!("verification.tests[{i}].language"), &test.language);
        add(
            format!("verification.tests[{i}].output_language"),
            &test.output_language,
        );
    }
    fields
        .into_iter()
        .filter(|(_, language)| !crate::model::languages::is_known_language(language))
        .map(|(path, language)| {
            Diagnostic::file_error(
                &loaded.file,
                format!("`{path}`: unknown language `{language}`; the code is shown as plain text"),
            )
            .with_severity(Severity::Warning)
            .with_help(
                "use a name such as python, bash, yaml, json, toml, go, typescript, sql, or text",
            )
        })
        .collect()
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
