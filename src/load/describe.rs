//! What a parser error means, in the words of the person who wrote the file: the field,
//! what was expected (a list, a mapping, text, a date), what was found, and what would be
//! valid. Never the parser's own words ("expected sequence start").

use std::path::Path;

use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{
    Error as YamlError, ExternalMessageSource, MessageFormatter, UserMessageFormatter,
};

use crate::diagnostic::Diagnostic;

/// Turns a parser error into a diagnostic with the field path, location and a hint.
pub(super) fn diagnose(
    file: &Path,
    source: &str,
    error: &YamlError,
    path: Option<&str>,
) -> Diagnostic {
    let original = original(error);
    let field = path.filter(|p| !p.is_empty() && *p != ".");
    let (line, column) = match original {
        // A missing top-level field belongs to the whole document, not to the last key read:
        // point at where the document starts.
        YamlError::SerdeMissingField { .. } if field.is_none() => {
            super::yaml_tree::document_start(source)
        }
        _ => error
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((0, 0)),
    };
    let last = field.map(last_field).unwrap_or_default();
    let (message, help) = describe(original, field, &found_at(source, line, column, last));
    let width = token_width(source, line, column);
    let diagnostic = Diagnostic::at(file, source, line, column, message).with_width(width);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// The error behind snippet and alias wrappers.
pub(super) fn original(error: &YamlError) -> &YamlError {
    match error {
        YamlError::WithSnippet { error, .. } | YamlError::AliasError { error, .. } => {
            original(error)
        }
        other => other,
    }
}

/// The message and, where we know one, what would be valid.
pub(super) fn describe(
    error: &YamlError,
    field: Option<&str>,
    found: &str,
) -> (String, Option<String>) {
    match error {
        YamlError::SerdeUnknownField { .. }
        | YamlError::SerdeUnknownVariant { .. }
        | YamlError::SerdeMissingField { .. }
        | YamlError::SerdeInvalidType { .. } => describe_field(error, field, found),
        _ => describe_value(error, field, found),
    }
}

/// A field that is unknown, missing, or of the wrong kind.
fn describe_field(error: &YamlError, field: Option<&str>, found: &str) -> (String, Option<String>) {
    let at = |f: &str| format!("`{f}`");
    match error {
        YamlError::SerdeUnknownField {
            field: unknown,
            expected,
            ..
        } => {
            let parent = field
                .and_then(parent_of)
                .map(|p| format!(" in `{p}`"))
                .unwrap_or_default();
            let help = match super::suggest::closest(unknown, expected) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("valid fields here: {}", expected.join(", ")),
            };
            (format!("unknown field `{unknown}`{parent}"), Some(help))
        }
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let name = field.map(at).unwrap_or_else(|| "value".into());
            let mut help = format!("valid values: {}", expected.join(", "));
            if let Some(best) = super::suggest::suggestion(variant, expected) {
                help = format!("did you mean `{best}`? {help}");
            }
            (format!("invalid value `{variant}` for {name}"), Some(help))
        }
        YamlError::SerdeMissingField { field: missing, .. } => {
            let parent = field.map(|p| format!(" in `{p}`")).unwrap_or_default();
            let help = format!("add `{missing}:`; `postmortem schema` lists every field");
            (
                format!("missing required field `{missing}`{parent}"),
                Some(help),
            )
        }
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => {
            let name = field.map(at).unwrap_or_else(|| "the document".into());
            let last = field.map(last_field).unwrap_or_default();
            let found = if found == "something else" {
                unexpected.to_string()
            } else {
                found.to_owned()
            };
            (
                format!(
                    "wrong type for {name}: expected {}, found {found}",
                    expected_words(&expected.to_string(), last)
                ),
                None,
            )
        }
        other => describe_value(other, field, found),
    }
}

/// A value that does not parse, or a document too costly to read.
fn describe_value(error: &YamlError, field: Option<&str>, found: &str) -> (String, Option<String>) {
    let at = |f: &str| format!("`{f}`");
    match error {
        YamlError::NullIntoString { .. } => {
            let name = field.map(at).unwrap_or_else(|| "this field".into());
            (
                format!("{name} is empty"),
                Some("write a value, quote it (\"\") or remove the line".into()),
            )
        }
        YamlError::Message { msg, .. } => match field {
            Some(name) => (format!("`{name}` {msg}", msg = invalid_prefix(msg)), None),
            None => (msg.clone(), None),
        },
        YamlError::Unexpected { expected, .. } => {
            let name = field.map(at).unwrap_or_else(|| "the document".into());
            let last = field.map(last_field).unwrap_or_default();
            let expected = expected_words(expected, last);
            (
                format!("wrong type for {name}: expected {expected}, found {found}"),
                None,
            )
        }
        YamlError::InvalidScalar { ty, .. } => {
            let name = field.map(at).unwrap_or_else(|| "value".into());
            let expected = match *ty {
                "bool" => "true or false",
                t if t.starts_with('u') || t.starts_with('i') => "a whole number",
                _ => "a number",
            };
            (format!("wrong type for {name}: expected {expected}"), None)
        }
        YamlError::Budget {
            breach: serde_saphyr::budget::BudgetBreach::Documents { .. },
            ..
        } => (
            "a second YAML document (`---`) in one file".into(),
            Some("each incident file holds one incident; put the next one in its own file".into()),
        ),
        YamlError::Budget { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => too_costly(error),
        // The parser's own nesting limit (flow collections) comes as its message.
        YamlError::ExternalMessage { source, .. }
            if matches!(&**source, ExternalMessageSource::Parser(e)
                if matches!(e.kind(), ErrorKind::RecursionLimitExceeded)) =>
        {
            too_costly(error)
        }
        other => {
            let text = UserMessageFormatter.format_message(other);
            if text.contains("mapping values are not allowed") {
                let name = field.map(at).unwrap_or_else(|| "this text".into());
                return (
                    format!("{name} holds `: `, which YAML reads as the start of a new key"),
                    Some("put the whole text in quotes, or write it as a block (`|`) on the lines below".into()),
                );
            }
            match field {
                Some(name) => (format!("in `{name}`: {text}"), None),
                None => (format!("YAML: {text}"), None),
            }
        }
    }
}

/// Custom messages from our own types read as a predicate ("must not be empty") or a full
/// sentence ("invalid date ..."); either reads well after the field name.
fn invalid_prefix(msg: &str) -> String {
    if msg.starts_with("must") {
        msg.to_owned()
    } else {
        format!("is invalid: {msg}")
    }
}

fn parent_of(path: &str) -> Option<&str> {
    let cut = path.rfind(['.', '['])?;
    let parent = &path[..cut];
    (!parent.is_empty()).then_some(parent)
}

/// Length of the word at a location, so the caret underlines the whole key or value.
fn token_width(source: &str, line: usize, column: usize) -> usize {
    let Some(text) = line.checked_sub(1).and_then(|i| source.lines().nth(i)) else {
        return 1;
    };
    text.chars()
        .skip(column.saturating_sub(1))
        .take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',')
        .count()
        .max(1)
}

/// The last field name of a path (`services` of `environment.services`, `tags` of
/// `tags[0]`).
fn last_field(path: &str) -> &str {
    let path = path.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
    path.rsplit('.').next().unwrap_or(path)
}

/// What the parser expected, in plain words; `field` (the last part of the path) picks
/// an example.
fn expected_words(expected: &str, field: &str) -> String {
    let lower = expected.to_lowercase();
    if lower.contains("markdown") {
        return expected.to_owned(); // our own words already
    }
    if lower.contains("sequence") || lower.contains("seq") || lower.contains("array") {
        return match field {
            "tags" | "services" | "authors" | "responders" | "related" => {
                "a list of names such as `[auth, api]`".into()
            }
            _ => "a list (`[a, b]`, or one `- item` per line)".into(),
        };
    }
    if lower.contains("mapping") || lower.contains("map") || lower.contains("struct") {
        return "a mapping (`key: value` lines)".into();
    }
    if lower.contains("string") || lower.contains("str") || lower.contains("char") {
        return "text".into();
    }
    expected.to_owned()
}

/// What is written at `line`:`column`, in plain words: a list, a mapping, or the text.
/// The parser may point at the key of the field itself (`field`): then its value counts.
fn found_at(source: &str, line: usize, column: usize, field: &str) -> String {
    let Some(text) = line
        .checked_sub(1)
        .and_then(|i| source.lines().nth(i))
        .map(|l| l.chars().skip(column.saturating_sub(1)).collect::<String>())
    else {
        return "something else".into();
    };
    let mut text = text.trim();
    // At the field's own key: what matters is its value.
    if let Some((key, value)) = text.split_once(':')
        && !key.is_empty()
        && key == field
        && (value.is_empty() || value.starts_with(' '))
    {
        let value = value.trim();
        if value.is_empty() {
            return "a mapping or list on the lines below".into();
        }
        text = value;
    }
    if text.starts_with('[') || text.starts_with("- ") || text == "-" {
        return "a list".into();
    }
    if text.starts_with('{')
        || (text.contains(": ") || text.ends_with(':')) && !text.starts_with(['"', '\''])
    {
        return "a mapping".into();
    }
    let shown: String = text.trim_matches(['"', '\'']).chars().take(40).collect();
    if shown.is_empty() {
        "nothing".into()
    } else {
        format!("the text `{shown}`")
    }
}

/// The refusal of a file that would cost too much to read.
fn too_costly(error: &YamlError) -> (String, Option<String>) {
    (
        "file is too deeply nested or expands too many aliases to be read safely".into(),
        Some(format!(
            "incident files nest a few levels and use few aliases ({})",
            UserMessageFormatter.format_message(error)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_of_paths() {
        assert_eq!(parent_of("changes[2].befor"), Some("changes[2]"));
        assert_eq!(parent_of("titel"), None);
        assert_eq!(parent_of("error.mesage"), Some("error"));
    }

    #[test]
    fn types_are_named_in_plain_words() {
        assert_eq!(
            expected_words("sequence start", "services"),
            "a list of names such as `[auth, api]`"
        );
        assert_eq!(expected_words("a string", "message"), "text");
        assert_eq!(
            found_at("services: envoy\n", 1, 11, "services"),
            "the text `envoy`"
        );
        assert_eq!(found_at("message: [a, b]\n", 1, 10, "message"), "a list");
        assert_eq!(found_at("tags:\n  name: x\n", 2, 3, "tags"), "a mapping");
        assert_eq!(last_field("environment.versions[0]"), "versions");
        assert_eq!(found_at("impact: [a]\n", 1, 1, "impact"), "a list");
    }
}
