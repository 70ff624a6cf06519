//! What each field makes of a section: prose fields take its Markdown as written; list
//! fields take its list items (sub-headings and bold lines become groups); the error takes
//! its first code block with an error line. A field that cannot take a section refuses it,
//! and the section is kept as a free one.

use std::ops::Range;

use super::draft::{Action, Group, Issue, Section, append};
use super::meta;
use super::outline::Kind;
use super::{Builder, Dest, Head};

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
        let taken = if matches!(target, "resolution" | "technical" | "root_cause") {
            self.code_pairs(&head.text, body.clone())
        } else {
            Vec::new()
        };
        let text = self.text_without(body.clone(), &taken);
        let Some(slot) = self.draft.prose_field(target) else {
            return false;
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
        // A label with no items under it is an item itself, unless it names a field.
        let unused = |group: Option<String>, out: &mut Vec<Listed>| {
            if let Some(label) = group.filter(|l| self.options.synonyms.target(l).is_none()) {
                out.push(Listed {
                    group: None,
                    first: label,
                    rest: None,
                    checked: None,
                });
            }
        };
        let mut used = true;
        for block in blocks {
            let label = match &block.kind {
                Kind::Heading { text, .. } => meta::clean(text),
                Kind::Paragraph if block.lines.len() == 1 => {
                    let line = self.outline.lines[block.lines.start].trim();
                    let label = line.strip_prefix("**").filter(|_| {
                        line.ends_with("**") || line.ends_with("**:") || line.ends_with(":**")
                    })?;
                    meta::clean(label.trim_end_matches([':', '*']))
                }
                Kind::List { items } => {
                    for item in items {
                        out.push(self.item(item.lines.clone(), item.checked, group.clone()));
                    }
                    used = true;
                    continue;
                }
                Kind::Rule => continue,
                _ => return None,
            };
            if !used {
                unused(group.take(), &mut out);
            }
            // A label of markup alone (`**:**`) names no group.
            group = Some(label).filter(|l| l.chars().any(char::is_alphanumeric));
            used = group.is_none();
        }
        if !used {
            unused(group, &mut out);
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
            return self.action_table(target, body);
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
                owner: None,
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

    /// Action items as a table: the action column (`Action`, `Item`, `Task`, else the
    /// first), the owner column, and every other cell as `Header: value` details.
    fn action_table(&mut self, target: &'static str, body: Range<usize>) -> bool {
        let tables: Vec<Range<usize>> = self
            .outline
            .blocks
            .iter()
            .filter(|b| body.contains(&b.lines.start) && !matches!(b.kind, Kind::Rule))
            .map(|b| {
                if matches!(b.kind, Kind::Table) {
                    Ok(b.lines.clone())
                } else {
                    Err(())
                }
            })
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        let [table] = &tables[..] else { return false };
        let covered = body.clone().all(|i| {
            table.contains(&i) || !self.outline.lines[i].chars().any(char::is_alphanumeric)
        });
        if !covered || table.len() < 3 {
            return false;
        }
        let header = meta::table_cells(self.outline.lines[table.start]);
        let find = |words: &[&str]| {
            header.iter().position(|h| {
                let h = super::synonyms::normalise(h);
                words.iter().any(|w| h.contains(w))
            })
        };
        let action = find(&["action", "item", "task", "what"]).unwrap_or(0);
        let owner = find(&["owner", "assignee", "who"]).filter(|&o| o != action);
        let mut found = Vec::new();
        for i in table.start + 2..table.end {
            let row = meta::table_cells(self.outline.lines[i]);
            let Some(text) = row.get(action).filter(|t| !t.is_empty()) else {
                return false;
            };
            let details: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(n, c)| *n != action && Some(*n) != owner && !c.is_empty())
                .map(|(n, c)| format!("{}: {c}", header.get(n).map_or("", String::as_str)))
                .collect();
            found.push(Action {
                action: text.clone(),
                group: None,
                owner: owner
                    .and_then(|o| row.get(o))
                    .filter(|o| !o.is_empty())
                    .cloned(),
                done: None,
                details: (!details.is_empty()).then(|| details.join("; ")),
            });
        }
        let list = if target == "prevention" {
            &mut self.draft.prevention
        } else {
            &mut self.draft.follow_ups
        };
        list.extend(found);
        self.mark(table.start..table.start + 2, Dest::Heading);
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
        // Sub-headings such as "What went well" are the keys they were read into.
        let headings: Vec<Range<usize>> = self
            .outline
            .blocks
            .iter()
            .filter(|b| body.contains(&b.lines.start))
            .filter(|b| match &b.kind {
                Kind::Heading { text, .. } => synonyms
                    .target(&meta::clean(text))
                    .is_some_and(|t| matches!(t, "lessons" | "went_well" | "went_wrong" | "lucky")),
                _ => false,
            })
            .map(|b| b.lines.clone())
            .collect();
        for lines in headings {
            self.mark(lines, Dest::Heading);
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
}
