//! The accounting of an import: where every non-blank source line went, checked against
//! the incident as the loader reads it back. A line counts as kept only if every word of
//! it is in the incident; otherwise it is counted as dropped, and its line number listed.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::Dest;
use super::outline::Outline;
use crate::model::Incident;

/// Where the lines of one document went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Accounting {
    /// Non-blank lines in the source.
    pub lines: usize,
    /// Lines per field (metadata lines count for the field they set).
    pub fields: BTreeMap<String, usize>,
    /// Lines kept in free sections.
    pub sections: usize,
    /// Headings that name a field, and lines without words (`---`, table rules).
    pub markup: usize,
    /// Lines whose words are not all in the incident.
    pub dropped: usize,
    /// Their line numbers (1-based).
    pub dropped_lines: Vec<usize>,
}

/// Accounts for every line of `outline`.
pub fn account(outline: &Outline<'_>, dest: &[Option<Dest>], incident: &Incident) -> Accounting {
    let mut words = HashSet::new();
    if let Ok(value) = serde_json::to_value(incident) {
        collect(&value, &mut words);
    }
    let mut accounting = Accounting::default();
    for (i, line) in outline.lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        accounting.lines += 1;
        let kept = || {
            let text = without_entities(without_marker(line));
            words_of(&text).all(|w| words.contains(&w))
        };
        match dest.get(i).copied().flatten() {
            Some(Dest::Heading) => accounting.markup += 1,
            Some(Dest::Meta(field)) => *accounting.fields.entry(field.to_owned()).or_default() += 1,
            Some(Dest::Field(field)) if kept() => {
                *accounting.fields.entry(field.to_owned()).or_default() += 1
            }
            Some(Dest::Section) if kept() => accounting.sections += 1,
            None if !line.chars().any(char::is_alphanumeric) => accounting.markup += 1,
            _ => {
                accounting.dropped += 1;
                accounting.dropped_lines.push(i + 1);
            }
        }
    }
    accounting
}

/// A line without its list marker (`3.`, `-`) and task box: numbering is markup.
fn without_marker(line: &str) -> &str {
    let t = line.trim_start();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = if digits > 0 && t[digits..].starts_with(['.', ')']) {
        &t[digits + 1..]
    } else {
        t.strip_prefix(['-', '*', '+']).unwrap_or(t)
    };
    let rest = rest.trim_start();
    ["[ ]", "[x]", "[X]"]
        .iter()
        .find_map(|b| rest.strip_prefix(b))
        .unwrap_or(rest)
}

/// `text` without character references (`&amp;`, `&#8212;`): Markdown reads them as the
/// character they stand for, so their letters are no words of the document.
fn without_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name = after
            .find(';')
            .filter(|&end| end > 0 && end <= 32)
            .filter(|&end| {
                after[..end]
                    .trim_start_matches('#')
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric())
            });
        match name {
            Some(end) => {
                out.push(' ');
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn collect(value: &serde_json::Value, words: &mut HashSet<String>) {
    match value {
        serde_json::Value::String(s) => words.extend(words_of(s)),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, words)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect(v, words)),
        _ => {}
    }
}
