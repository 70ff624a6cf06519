//! The walk over a document's headings: each section to the field its heading names, or
//! to a free section that keeps its heading, its Markdown and its place; the text before
//! the first section (metadata, an introduction); and the defaults for what was not said.

use std::ops::Range;

use super::draft::Section;
use super::meta::{self, Applied};
use super::outline::Kind;
use super::{Builder, Dest, Head};

impl Builder<'_> {
    /// Reads the metadata lines among `range` (`plain`: `Key: value` counts too); returns
    /// the lines that were not metadata.
    pub fn metadata(&mut self, range: Range<usize>, plain: bool) -> Vec<usize> {
        let vocabularies = self.options.settings.vocabularies.clone();
        let mut rest = Vec::new();
        let blocks: Vec<(Range<usize>, bool, bool)> = self
            .outline
            .blocks
            .iter()
            .filter(|b| b.lines.start >= range.start && b.lines.end <= range.end)
            .map(|b| {
                let lines_of_text = matches!(b.kind, Kind::Paragraph | Kind::List { .. });
                (
                    b.lines.clone(),
                    lines_of_text,
                    matches!(b.kind, Kind::Table),
                )
            })
            .collect();
        for i in range.clone() {
            if self.outline.lines[i].trim().is_empty() || self.dest[i].is_some() {
                continue;
            }
            let block = blocks.iter().find(|(r, _, _)| r.contains(&i));
            let readable = match block {
                Some((_, text, table)) => *text || *table,
                None => false,
            };
            let found = readable
                .then(|| meta::split(self.outline.lines[i], plain))
                .flatten()
                .and_then(|(label, value)| meta::key(&label).map(|k| (k, value)));
            match found {
                Some((key, value))
                    if meta::apply(&mut self.draft, key, &value, &vocabularies)
                        == Applied::Taken =>
                {
                    self.mark(i..i + 1, Dest::Meta(key.field()));
                }
                _ => rest.push(i),
            }
        }
        // A table whose every row was read: its header and rule are markup.
        for (lines, _, table) in &blocks {
            let header = lines.start..(lines.start + 2).min(lines.end);
            let rows_read = (header.end..lines.end).all(|i| self.dest[i].is_some());
            if *table && rows_read && lines.end > header.end {
                rest.retain(|i| !header.contains(i));
                self.mark(header, Dest::Heading);
            }
        }
        rest
    }

    /// The text before the first section, less its metadata: the summary when no section
    /// gave one, else a free section "Introduction" first.
    pub fn intro(&mut self, rest: Vec<usize>) {
        let taken = match (rest.first(), rest.last()) {
            (Some(&first), Some(&last)) => self.labelled(first..last + 1),
            _ => Vec::new(),
        };
        let rest: Vec<usize> = rest.into_iter().filter(|i| !taken.contains(i)).collect();
        let (Some(&first), Some(&last)) = (rest.first(), rest.last()) else {
            return;
        };
        let kept: Vec<&str> = (first..=last)
            .filter(|i| rest.contains(i) || self.outline.lines[*i].trim().is_empty())
            .map(|i| self.outline.lines[i])
            .collect();
        let text = kept.join("\n").trim().to_owned();
        if !text.chars().any(char::is_alphanumeric) {
            for i in rest {
                self.mark(i..i + 1, Dest::Heading);
            }
            return;
        }
        let dest = if self.draft.summary.is_none() {
            self.draft.summary = Some(text);
            Dest::Field("summary")
        } else {
            self.draft.sections.insert(
                0,
                Section {
                    title: "Introduction".into(),
                    body: text,
                },
            );
            Dest::Section
        };
        for i in rest {
            self.mark(i..i + 1, dest);
        }
    }

    /// Places every section, in order.
    pub fn sections(&mut self, heads: &[Head]) {
        let total = self.outline.lines.len();
        let top = heads.iter().map(|h| h.level).min().unwrap_or(2);
        let repeated = self.repeated_targets(heads, top);
        let mut current: Option<usize> = None;
        let mut i = 0;
        while i < heads.len() {
            let head = &heads[i];
            let own_end = heads.get(i + 1).map_or(total, |h| h.lines.start);
            let next = (i + 1..heads.len())
                .find(|&j| heads[j].level <= head.level)
                .unwrap_or(heads.len());
            let sub_end = heads.get(next).map_or(total, |h| h.lines.start);
            if head.level <= top {
                current = None;
            }
            if self.metadata_heading(head) && self.is_blank(head.lines.end..own_end) {
                i += 1;
                continue;
            }
            let target = self
                .options
                .synonyms
                .target(&head.text)
                .filter(|t| head.level <= top || !repeated.contains(t));
            if let Some(target) = target
                && self.place(target, head, head.lines.end..sub_end, &heads[i + 1..next])
            {
                self.mark(head.lines.clone(), Dest::Heading);
                i = next;
                continue;
            }
            // Bold labels (`**Root Cause**: …`) are read as fields only near the top, where
            // write-ups state them; further down they qualify something else.
            let labels = heads[..i].iter().all(|h| h.level > top) || (i == 0);
            current = self.free(head, head.lines.end..own_end, current, labels);
            i += 1;
        }
        for section in &mut self.draft.sections {
            if section.body.trim().is_empty() {
                section.body = section.title.clone();
            }
        }
    }

    /// Fields named by sub-headings of two or more unmapped top-level sections: a document
    /// with several incidents' worth of sections ("Incident 1", "Incident 2", each with its
    /// timeline and cause). Those sub-sections stay with their incident, as free sections,
    /// rather than being merged into one field.
    fn repeated_targets(&self, heads: &[Head], top: u8) -> Vec<&'static str> {
        let synonyms = &self.options.synonyms;
        let mut seen: Vec<(&'static str, usize)> = Vec::new();
        let mut parent = None;
        for (i, head) in heads.iter().enumerate() {
            if head.level <= top {
                parent = synonyms.target(&head.text).is_none().then_some(i);
                continue;
            }
            if let (Some(p), Some(target)) = (parent, synonyms.target(&head.text))
                && !seen.contains(&(target, p))
            {
                seen.push((target, p));
            }
        }
        let mut repeated: Vec<&'static str> = seen
            .iter()
            .filter(|(t, _)| seen.iter().filter(|(o, _)| o == t).count() > 1)
            .map(|(t, _)| *t)
            .collect();
        repeated.dedup();
        repeated
    }

    /// `## Date: May 15, 2025`: a heading that states a metadata value.
    fn metadata_heading(&mut self, head: &Head) -> bool {
        let Some((label, value)) = head.text.split_once(':') else {
            return false;
        };
        let Some(key) = meta::key(label) else {
            return false;
        };
        let vocabularies = self.options.settings.vocabularies.clone();
        if meta::apply(&mut self.draft, key, value, &vocabularies) == Applied::Taken {
            self.mark(head.lines.clone(), Dest::Meta(key.field()));
            return true;
        }
        false
    }

    /// Keeps an unmapped heading and its own text: a new free section at the top level
    /// (or when there is none to add to), else added to the current one with its heading
    /// as written. Returns the section's index.
    fn free(
        &mut self,
        head: &Head,
        body: Range<usize>,
        current: Option<usize>,
        labels: bool,
    ) -> Option<usize> {
        let taken = if labels {
            self.labelled(body.clone())
        } else {
            Vec::new()
        };
        let kept: Vec<&str> = body
            .clone()
            .filter(|i| !taken.contains(i))
            .map(|i| self.outline.lines[i])
            .collect();
        let text = kept.join("\n").trim_matches('\n').trim_end().to_owned();
        self.mark(body, Dest::Section);
        if !taken.is_empty() && !text.chars().any(char::is_alphanumeric) {
            self.mark(head.lines.clone(), Dest::Heading);
            return current;
        }
        match current {
            Some(index) if index < self.draft.sections.len() => {
                let heading = self.text(head.lines.clone());
                self.mark(head.lines.clone(), Dest::Section);
                let section = &mut self.draft.sections[index];
                for part in [heading, text] {
                    if !part.trim().is_empty() {
                        if !section.body.is_empty() {
                            section.body.push_str("\n\n");
                        }
                        section.body.push_str(&part);
                    }
                }
                Some(index)
            }
            _ => {
                let mut title = meta::clean(&head.text);
                if title.is_empty() {
                    title = head.text.trim().to_owned();
                }
                if title.is_empty() {
                    title = "Untitled section".into();
                }
                // The heading is the section's title, tidied (emoji and emphasis gone).
                self.mark(head.lines.clone(), Dest::Heading);
                self.draft.sections.push(Section { title, body: text });
                Some(self.draft.sections.len() - 1)
            }
        }
    }

    /// Paragraphs in `range` that start with a bold label naming an empty prose field
    /// (`**Root Cause**: …`): their text goes to that field. Returns the lines taken.
    pub fn labelled(&mut self, range: Range<usize>) -> Vec<usize> {
        let paragraphs: Vec<Range<usize>> = self
            .outline
            .blocks
            .iter()
            .filter(|b| {
                matches!(b.kind, Kind::Paragraph)
                    && b.lines.start < range.end
                    && b.lines.end > range.start
            })
            .map(|b| b.lines.clone())
            .collect();
        let mut taken = Vec::new();
        for lines in paragraphs {
            // Each line that starts with a label begins a run, up to the next label.
            let starts: Vec<usize> = lines
                .clone()
                .filter(|&i| {
                    let line = self.outline.lines[i].trim_start();
                    line.starts_with("**") && meta::split(line, false).is_some()
                })
                .collect();
            for (n, &at) in starts.iter().enumerate() {
                let end = starts.get(n + 1).copied().unwrap_or(lines.end);
                if self.dest[at].is_some() || !range.contains(&at) {
                    continue;
                }
                if let Some(target) = self.take_label(at..end) {
                    // The label is a heading; what follows it is verified like any text.
                    self.mark(at..at + 1, Dest::Meta(target));
                    self.mark(at..end, Dest::Field(target));
                    taken.extend(at..end);
                }
            }
        }
        taken
    }

    /// Puts the labelled run `lines` into the empty prose field its label names.
    fn take_label(&mut self, lines: Range<usize>) -> Option<&'static str> {
        let (label, value) = meta::split(self.outline.lines[lines.start], false)?;
        let target = self.options.synonyms.target(&label)?;
        let slot = self.draft.prose_field(target)?;
        if slot.is_some() || value.trim().is_empty() {
            return None;
        }
        let mut text = value.trim().to_owned();
        for line in &self.outline.lines[lines.start + 1..lines.end] {
            text.push('\n');
            text.push_str(line.trim_end());
        }
        *slot = Some(text.trim_end().to_owned());
        Some(target)
    }

    /// What the document did not say: defaults from the workspace, each listed for review.
    pub fn defaults(&mut self, stem: &str, title: Option<&str>) {
        let d = &mut self.draft;
        if d.title.trim().is_empty() {
            d.title = stem.replace(['-', '_'], " ").trim().to_owned();
            if d.title.is_empty() {
                d.title = "Imported incident".into();
            }
            d.needs_review(
                "title",
                "the original has no title; taken from the file name",
            );
        }
        if d.date.is_empty() {
            let from_timeline = d
                .timeline
                .iter()
                .find_map(|e| e.time.get(..10).filter(|t| meta::date(t).is_some()));
            match title.and_then(meta::date).or_else(|| meta::date(stem)) {
                Some(date) => d.date = date,
                None => match from_timeline {
                    Some(day) => d.date = day.to_owned(),
                    None => {
                        d.date = "1970-01-01".into();
                        d.needs_review(
                            "date",
                            "the original states no date; set the day it started",
                        );
                    }
                },
            }
        }
        let vocabularies = &self.options.settings.vocabularies;
        if d.status.is_empty() {
            d.status = vocabularies
                .status
                .levels
                .first()
                .map(|l| l.name.clone())
                .unwrap_or_default();
            d.needs_review(
                "status",
                "not stated in the original; the workspace's first status",
            );
        }
        if d.severity.is_empty() {
            let levels = &vocabularies.severity.levels;
            d.severity = levels
                .get(1)
                .or(levels.first())
                .map(|l| l.name.clone())
                .unwrap_or_default();
            d.needs_review(
                "severity",
                "not stated in the original; the workspace's default",
            );
        }
        if d.summary.is_none() {
            d.summary = Some("Not stated in the original.".into());
            d.needs_review("summary", "the original has no summary");
        }
        let cause = &d.root_cause;
        if cause.summary.is_none()
            && cause.technical.is_none()
            && cause.contributing_factors.is_empty()
        {
            d.root_cause.summary = Some("Not known yet.".into());
            d.needs_review("root_cause", "the original names no root cause");
        }
    }
}
