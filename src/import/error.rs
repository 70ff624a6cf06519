//! The error of a write-up: the first code block of an error section with an error line
//! (`TypeError: …`, `ERROR …`), kept whole as the stack trace or the logs; and front matter.

use std::ops::Range;

use super::draft::{Draft, Error, Section};
use super::meta::{self, Applied};
use super::outline::{FrontMatter, Kind};
use super::{Builder, Dest, Head};
use crate::model::Vocabularies;

impl Builder<'_> {
    /// The first code block with an error line: its message, type, and the block as the
    /// stack trace or the logs; the rest of the section stays a free section.
    pub fn error(&mut self, head: &Head, body: Range<usize>) -> bool {
        if self.draft.error.is_some() {
            return false;
        }
        let found = self.outline.blocks.iter().find_map(|b| match &b.kind {
            Kind::Code {
                info,
                attributes: false,
                text,
            } if body.contains(&b.lines.start) => error_line(text).map(|(kind, message)| {
                (b.lines.clone(), info.clone(), text.clone(), kind, message)
            }),
            _ => None,
        });
        let Some((lines, info, code, kind, message)) = found else {
            return false;
        };
        let code = code.trim_end().to_owned();
        let trace = code.contains("Traceback")
            || code.contains("  File \"")
            || code.contains("\n    at ")
            || code.contains("panicked at");
        self.draft.error = Some(Error {
            kind,
            message,
            stack_trace: trace.then(|| code.clone()),
            language: (!info.is_empty()).then_some(info),
            logs: (!trace).then_some(code),
        });
        self.mark(lines.clone(), Dest::Field("error"));
        let rest: Vec<&str> = body
            .clone()
            .filter(|i| !lines.contains(i))
            .map(|i| self.outline.lines[i])
            .collect();
        let rest = rest.join("\n").trim().to_owned();
        if rest.chars().any(char::is_alphanumeric) {
            self.draft.sections.push(Section {
                title: meta::clean(&head.text),
                body: rest,
            });
            self.mark(body, Dest::Section);
        } else {
            self.mark(body, Dest::Heading);
        }
        true
    }
}

/// The error a log or trace states: `TypeError: message` gives type and message; a line
/// with `ERROR`, `Error:`, `FATAL` or `panicked` gives the message.
pub fn error_line(text: &str) -> Option<(Option<String>, String)> {
    for line in text.lines() {
        let t = line.trim();
        let (name, message) = t.split_once(": ").unwrap_or((t, ""));
        let is_type = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            && ["Error", "Exception", "Fault", "Failure"]
                .iter()
                .any(|s| name.ends_with(s));
        if is_type && !message.trim().is_empty() {
            return Some((Some(name.to_owned()), message.trim().to_owned()));
        }
    }
    text.lines()
        .map(str::trim)
        .find(|t| {
            ["ERROR", "Error:", "error:", "FATAL", "panicked"]
                .iter()
                .any(|m| t.contains(m))
        })
        .map(|t| (None, t.to_owned()))
}

/// Reads front matter into `draft`; true when it holds keys import does not know (then it
/// is also kept whole, as a free section).
pub fn front_matter(draft: &mut Draft, matter: &FrontMatter, vocabularies: &Vocabularies) -> bool {
    let map: serde_json::Map<String, serde_json::Value> = match matter {
        FrontMatter::Yaml(text) => serde_saphyr::from_str(text).unwrap_or_default(),
        FrontMatter::Toml(text) => toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| serde_json::to_value(t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default(),
    };
    let mut unknown = map.is_empty();
    for (label, value) in &map {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", "),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        let taken = meta::key(label)
            .is_some_and(|key| meta::apply(draft, key, &text, vocabularies) == Applied::Taken);
        unknown |= !taken;
    }
    unknown
}
