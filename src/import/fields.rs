//! What each field makes of a section: prose fields take its Markdown as written; list
//! fields take its list items (sub-headings and bold lines become groups); the error takes
//! its first code block with an error line. A field that cannot take a section refuses it,
//! and the section is kept as a free one.

use std::ops::Range;

use super::draft::{Action, Draft, Error, Group, Issue, Section, append};
use super::meta::{self, Applied};
use super::outline::{FrontMatter, Kind};
use super::{Builder, Dest, Head};
use crate::model::Vocabularies;

/// A list item, split into its first line and the rest.
#[derive(Debug, Clone)]
pub struct Listed {
    pub group: Option<String>,
    pub first: String,
    pub rest: Option<String>,
    pub checked: Option<bool>,
}

impl Listed {
    fn full(&self) -> String {
        match &self.rest {
            Some(rest) => format!("{}\n{rest}", self.first),
            None => self.first.clone(),
        }
    }
}

impl Builder<'_> {
    /// Puts the section `head` (its text in `body`) into `target`; false when the field
    /// cannot take it.
    pub fn place(
        &mut self,
        target: &'static str,
        head: &Head,
        body: Range<usize>,
        children: &[Head],
    ) -> bool {
        match target {
            "timeline" => return self.timeline(head, body),
            "error" => return self.error(head, body),
            "metadata" => return self.metadata_section(head, body),
            "prevention" | "follow_ups" => return self.actions(target, body),
            "known_issues" => return self.known_issues(head, body, children),
            "lessons" | "went_well" | "went_wrong" | "lucky" => {
                return self.lessons(target, head, body);
            }
            "contributing_factors" | "whys" => return self.items(target, head, body),
            _ => {}
        }
        let text = self.text(body.clone());
        let d = &mut self.draft;
        let slot = match target {
            "summary" => &mut d.summary,
            "impact" => &mut d.impact.summary,
            "detection" => &mut d.detection,
            "root_cause" => &mut d.root_cause.summary,
            "technical" => &mut d.root_cause.technical,
            "trigger" => &mut d.root_cause.trigger,
            "resolution" => &mut d.resolution,
            "verification" => &mut d.verification,
            "rollback" => &mut d.rollback,
            _ => return false,
        };
        if slot.is_some() {
            // A second section for the same field keeps its heading.
            let heading = self.outline.text(head.lines.clone());
            append(slot, &heading);
            append(slot, &text);
            self.mark(head.lines.clone(), Dest::Field(target));
        } else {
            append(slot, &text);
        }
        self.mark(body, Dest::Field(target));
        true
    }

    /// The list items of `body`, when it holds nothing else (headings and bold lines give
    /// groups, rules are ignored).
    pub fn listed(&self, body: Range<usize>) -> Option<Vec<Listed>> {
        let blocks: Vec<_> = self
            .outline
            .blocks
            .iter()
            .filter(|b| b.lines.start >= body.start && b.lines.end <= body.end)
            .collect();
        let covered = |i: usize| blocks.iter().any(|b| b.lines.contains(&i));
        if body
            .clone()
            .any(|i| !self.outline.lines[i].trim().is_empty() && !covered(i))
        {
            return None;
        }
        let mut group = None;
        let mut out = Vec::new();
        for block in blocks {
            match &block.kind {
                Kind::Heading { text, .. } => group = Some(meta::clean(text)),
                Kind::Paragraph if block.lines.len() == 1 => {
                    let line = self.outline.lines[block.lines.start].trim();
                    let label = line.strip_prefix("**").filter(|_| {
                        line.ends_with("**") || line.ends_with("**:") || line.ends_with(":**")
                    })?;
                    group = Some(meta::clean(label.trim_end_matches([':', '*'])));
                }
                Kind::List { items } => {
                    for item in items {
                        out.push(self.item(item.lines.clone(), item.checked, group.clone()));
                    }
                }
                Kind::Rule => {}
                _ => return None,
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// One list item's text, its marker and task box removed, its lines dedented.
    fn item(&self, lines: Range<usize>, checked: Option<bool>, group: Option<String>) -> Listed {
        let first_line = self.outline.lines[lines.start];
        let indent = first_line.len() - first_line.trim_start().len();
        let after = &first_line[indent..];
        let marker = if after.starts_with(['-', '*', '+']) {
            1
        } else {
            after
                .find(['.', ')'])
                .filter(|&n| after[..n].chars().all(|c| c.is_ascii_digit()))
                .map_or(0, |n| n + 1)
        };
        let content = &after[marker..];
        let spaces = content.len() - content.trim_start().len();
        let column = indent + marker + spaces;
        let mut first = content.trim().to_owned();
        for task in ["[ ] ", "[x] ", "[X] "] {
            if let Some(rest) = first.strip_prefix(task) {
                first = rest.trim_start().to_owned();
            }
        }
        let rest: Vec<&str> = self.outline.lines[lines.start + 1..lines.end]
            .iter()
            .map(|l| {
                let lead = l.len() - l.trim_start_matches(' ').len();
                &l[lead.min(column)..]
            })
            .collect();
        let rest = rest.join("\n").trim_matches('\n').trim_end().to_owned();
        Listed {
            group,
            first,
            rest: (!rest.trim().is_empty()).then_some(rest),
            checked,
        }
    }

    fn actions(&mut self, target: &'static str, body: Range<usize>) -> bool {
        let Some(items) = self.listed(body.clone()) else {
            return false;
        };
        let actions = items.into_iter().map(|item| {
            let done = item.checked.or_else(|| {
                ["✅", "✔", "☑"]
                    .iter()
                    .any(|m| item.first.starts_with(m))
                    .then_some(true)
            });
            let (action, details) = match (item.first.trim().is_empty(), &item.rest) {
                (true, Some(rest)) => match rest.split_once('\n') {
                    Some((first, more)) => (first.trim().to_owned(), Some(more.to_owned())),
                    None => (rest.trim().to_owned(), None),
                },
                _ => (item.first.clone(), item.rest.clone()),
            };
            Action {
                action,
                group: item.group,
                done,
                details,
            }
        });
        let list = if target == "prevention" {
            &mut self.draft.prevention
        } else {
            &mut self.draft.follow_ups
        };
        list.extend(actions.filter(|a| !a.action.is_empty()));
        self.mark(body, Dest::Field(target));
        true
    }

    fn items(&mut self, target: &'static str, head: &Head, body: Range<usize>) -> bool {
        let items: Vec<String> = match self.listed(body.clone()) {
            Some(items) if items.iter().all(|i| i.group.is_none()) => {
                items.iter().map(Listed::full).collect()
            }
            _ => vec![self.text(body.clone())],
        };
        let items: Vec<String> = items.into_iter().filter(|i| !i.trim().is_empty()).collect();
        if items.is_empty() {
            self.mark(head.lines.clone(), Dest::Heading);
            return true;
        }
        let cause = &mut self.draft.root_cause;
        let list = if target == "whys" {
            &mut cause.whys
        } else {
            &mut cause.contributing_factors
        };
        list.extend(items);
        self.mark(body, Dest::Field(target));
        true
    }

    fn lessons(&mut self, target: &'static str, head: &Head, body: Range<usize>) -> bool {
        let synonyms = self.options.synonyms.clone();
        let listed = self.listed(body.clone());
        let text = self.outline.text(body.clone());
        let heading = self.outline.text(head.lines.clone());
        let lessons = &mut self.draft.lessons;
        match listed {
            Some(items) => {
                for item in items {
                    let kind = item
                        .group
                        .as_deref()
                        .and_then(|g| synonyms.target(g))
                        .unwrap_or(target);
                    let list = match kind {
                        "went_well" => &mut lessons.went_well,
                        "went_wrong" => &mut lessons.went_wrong,
                        "lucky" => &mut lessons.lucky,
                        _ => match &item.group {
                            Some(title) => {
                                if lessons.groups.last().is_none_or(|g| &g.title != title) {
                                    lessons.groups.push(Group {
                                        title: title.clone(),
                                        items: Vec::new(),
                                    });
                                }
                                match lessons.groups.last_mut() {
                                    Some(group) => &mut group.items,
                                    None => &mut lessons.learned,
                                }
                            }
                            None => &mut lessons.learned,
                        },
                    };
                    list.push(item.full());
                }
            }
            None => match target {
                "went_well" => lessons.went_well.push(text.trim().to_owned()),
                "went_wrong" => lessons.went_wrong.push(text.trim().to_owned()),
                "lucky" => lessons.lucky.push(text.trim().to_owned()),
                _ => {
                    if lessons.summary.is_some() {
                        append(&mut lessons.summary, &heading);
                    }
                    append(&mut lessons.summary, &text);
                }
            },
        }
        self.mark(body, Dest::Field("lessons"));
        true
    }

    fn known_issues(&mut self, head: &Head, body: Range<usize>, children: &[Head]) -> bool {
        let end = body.end;
        let intro_end = children.first().map_or(end, |c| c.lines.start);
        let mut issues = Vec::new();
        if !children.is_empty() {
            let level = children.iter().map(|c| c.level).min().unwrap_or(3);
            let tops: Vec<&Head> = children.iter().filter(|c| c.level == level).collect();
            if !self.is_blank(body.start..intro_end) {
                issues.push(Issue {
                    title: meta::clean(&head.text),
                    details: Some(self.text(body.start..intro_end)),
                });
            }
            for (n, child) in tops.iter().enumerate() {
                let stop = tops.get(n + 1).map_or(end, |c| c.lines.start);
                let details = self.text(child.lines.end..stop);
                issues.push(Issue {
                    title: meta::clean(&child.text),
                    details: (!details.trim().is_empty()).then_some(details),
                });
            }
        } else if let Some(items) = self.listed(body.clone()) {
            issues.extend(items.into_iter().map(|i| Issue {
                title: meta::clean(&i.first),
                details: i.rest,
            }));
        } else {
            issues.push(Issue {
                title: meta::clean(&head.text),
                details: Some(self.text(body.clone())),
            });
        }
        issues.retain(|i| !i.title.is_empty());
        self.draft.known_issues.extend(issues);
        self.mark(body, Dest::Field("known_issues"));
        true
    }

    fn metadata_section(&mut self, head: &Head, body: Range<usize>) -> bool {
        let rest = self.metadata(body.clone(), true);
        if rest.len()
            == body
                .clone()
                .filter(|&i| !self.outline.lines[i].trim().is_empty())
                .count()
        {
            return false;
        }
        if let (Some(&first), Some(&last)) = (rest.first(), rest.last()) {
            let text = self.text(first..last + 1);
            self.draft.sections.push(Section {
                title: meta::clean(&head.text),
                body: text,
            });
            self.mark(first..last + 1, Dest::Section);
        }
        true
    }

    /// The first code block with an error line: its message, type, and the block as the
    /// stack trace or the logs; the rest of the section stays a free section.
    fn error(&mut self, head: &Head, body: Range<usize>) -> bool {
        if self.draft.error.is_some() {
            return false;
        }
        let found = self.outline.blocks.iter().find_map(|b| match &b.kind {
            Kind::Code { info, text } if body.contains(&b.lines.start) => {
                error_line(text).map(|(kind, message)| {
                    (b.lines.clone(), info.clone(), text.clone(), kind, message)
                })
            }
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
