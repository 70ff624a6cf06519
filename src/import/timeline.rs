//! Timelines as people write them: tables with a time column, lists or lines that start
//! with a time (`**16:58 UTC** – …`, `` `01:30` – … ``, `- 09:12 …`), grouped under day
//! headings, with `**Detection:**`-style markers. Times of day stay times of day, so the
//! loader places them in the workspace's zone and rolls them past midnight; a day heading
//! gives its date. Only a marker that is written sets an entry's kind.

use std::ops::Range;

use super::draft::{Entry, Section};
use super::meta;
use super::outline::Kind;
use super::synonyms::normalise;
use super::{Builder, Dest, Head};
use crate::model::TimelineTime;

impl Builder<'_> {
    /// Reads the entries of a timeline section; lines that are not entries stay, in order,
    /// in a free section with the heading. False when no entry was found.
    pub fn timeline(&mut self, head: &Head, body: Range<usize>) -> bool {
        let mut entries: Vec<(Range<usize>, Entry)> = Vec::new();
        let mut days: Vec<usize> = Vec::new();
        let mut day: Option<String> = None;
        let blocks: Vec<_> = self
            .outline
            .blocks
            .iter()
            .filter(|b| b.lines.start >= body.start && b.lines.end <= body.end)
            .cloned()
            .collect();
        for block in &blocks {
            match &block.kind {
                Kind::Heading { .. } | Kind::Paragraph
                    if block.lines.len() <= 2
                        && self.day_of(block, text_of(&block.kind)).is_some() =>
                {
                    day = self.day_of(block, text_of(&block.kind));
                    days.extend(block.lines.clone());
                }
                Kind::Table => {
                    self.table_entries(block.lines.clone(), day.as_deref(), &mut entries)
                }
                Kind::List { items } => {
                    for item in items {
                        let listed = self.listed_item(item.lines.clone());
                        if let Some(entry) = entry_of(&listed, day.as_deref()) {
                            entries.push((item.lines.clone(), entry));
                        }
                    }
                }
                Kind::Paragraph => {
                    for i in block.lines.clone() {
                        if let Some(entry) = entry_of(self.outline.lines[i], day.as_deref()) {
                            entries.push((i..i + 1, entry));
                        }
                    }
                }
                _ => {}
            }
        }
        if entries.is_empty() {
            return false;
        }
        for (lines, entry) in entries {
            self.mark(lines, Dest::Field("timeline"));
            self.draft.timeline.push(entry);
        }
        for i in days {
            self.mark(i..i + 1, Dest::Meta("timeline"));
        }
        let rest: Vec<usize> = body
            .clone()
            .filter(|&i| self.dest[i].is_none() && !self.outline.lines[i].trim().is_empty())
            .collect();
        if let (Some(&first), Some(&last)) = (rest.first(), rest.last()) {
            let kept: Vec<&str> = (first..=last)
                .filter(|i| self.dest[*i].is_none())
                .map(|i| self.outline.lines[i])
                .collect();
            let text = kept.join("\n").trim().to_owned();
            if text.chars().any(char::is_alphanumeric) {
                self.draft.sections.push(Section {
                    title: meta::clean(&head.text),
                    body: text,
                });
                self.mark(first..last + 1, Dest::Section);
            } else {
                self.mark(first..last + 1, Dest::Heading);
            }
        }
        true
    }

    /// The date a day heading (`### May 15, 2025`, `**2025-05-15**`) states.
    fn day_of(&self, block: &super::outline::Block, text: Option<&str>) -> Option<String> {
        let text = text
            .map(str::to_owned)
            .unwrap_or_else(|| meta::clean(&self.outline.text(block.lines.clone())));
        let stripped = text.trim().trim_end_matches(':');
        if stripped.contains(':') || stripped.split_whitespace().count() > 5 {
            return None;
        }
        meta::date(stripped).filter(|d| d.len() == 10)
    }

    /// The first line of a list item without its marker, with the rest of its lines.
    fn listed_item(&self, lines: Range<usize>) -> String {
        let text = self.outline.text(lines);
        let t = text.trim_start();
        let after = t
            .strip_prefix(['-', '*', '+'])
            .or_else(|| {
                t.find(['.', ')'])
                    .filter(|&n| n > 0 && t[..n].chars().all(|c| c.is_ascii_digit()))
                    .map(|n| &t[n + 1..])
            })
            .unwrap_or(t);
        after.trim_start().to_owned()
    }

    fn table_entries(
        &mut self,
        lines: Range<usize>,
        day: Option<&str>,
        entries: &mut Vec<(Range<usize>, Entry)>,
    ) {
        let header = meta::table_cells(self.outline.lines[lines.start]);
        let Some(column) = header.iter().position(|h| {
            let h = normalise(h);
            h.contains("time") || h == "when" || h == "date" || h.starts_with("time ")
        }) else {
            return;
        };
        let zone = if normalise(&header[column]).contains("utc") {
            " UTC"
        } else {
            ""
        };
        let mut found = Vec::new();
        for i in lines.start + 2..lines.end {
            let row = meta::table_cells(self.outline.lines[i]);
            let Some(time) = row.get(column) else {
                continue;
            };
            let time = format!("{}{zone}", meta::clean(time).trim_end_matches(':'));
            let event: Vec<&str> = row
                .iter()
                .enumerate()
                .filter(|(n, c)| *n != column && !c.is_empty())
                .map(|(_, c)| c.as_str())
                .collect();
            let event = event.join(" — ");
            if let Some(time) = time_on(&time, day)
                && !event.is_empty()
            {
                let kind = marker(&event);
                found.push((i..i + 1, Entry { time, event, kind }));
            }
        }
        if !found.is_empty() {
            self.mark(lines.start..lines.start + 2, Dest::Heading);
            entries.extend(found);
        }
    }
}

fn text_of(kind: &Kind) -> Option<&str> {
    match kind {
        Kind::Heading { text, .. } => Some(text),
        _ => None,
    }
}

/// A time as the model reads it, on `day` when a day heading gave one.
fn time_on(text: &str, day: Option<&str>) -> Option<String> {
    let text = text.trim();
    if !text.starts_with(|c: char| c.is_ascii_digit() || c == '~') {
        return None;
    }
    let time = TimelineTime::parse(text).ok()?;
    match day {
        Some(day) if time.written().date.is_none() => {
            let (approximate, rest) = match text.strip_prefix('~') {
                Some(rest) => ("~", rest),
                None => ("", text),
            };
            let dated = format!("{approximate}{day} {rest}");
            TimelineTime::parse(&dated).ok().map(|_| dated)
        }
        _ => Some(text.to_owned()),
    }
}

/// An entry from a line that starts with a time, possibly after a marker.
fn entry_of(line: &str, day: Option<&str>) -> Option<Entry> {
    let t = line.trim();
    let mut kind = None;
    let mut rest = t;
    // `**Detection:** 16:58 – …`: a marker before the time.
    if let Some((label, after)) = wrapped(rest)
        && let Some(k) = marker_word(&label)
    {
        kind = Some(k);
        rest = after.trim_start();
    }
    let (time, event) = match wrapped(rest) {
        Some((inner, after)) => (inner, after.to_owned()),
        None => {
            let mut words = rest.splitn(3, ' ');
            let first = words.next().unwrap_or_default();
            let second = words.next().unwrap_or_default();
            let zone = matches!(second, "UTC" | "GMT" | "Z")
                || second.starts_with(['+'])
                || second.contains('/');
            if zone {
                (
                    format!("{first} {second}"),
                    words.next().unwrap_or_default().to_owned(),
                )
            } else {
                let after = rest.get(first.len()..).unwrap_or_default();
                (first.to_owned(), after.to_owned())
            }
        }
    };
    let time = time_on(time.trim_end_matches([':', ',']), day)?;
    let event = event
        .trim_start_matches(|c: char| c.is_whitespace() || "-–—:|".contains(c))
        .trim()
        .to_owned();
    if event.is_empty() {
        return None;
    }
    let kind = kind.or_else(|| marker(&event));
    Some(Entry { time, event, kind })
}

/// `**…**` or `` `…` `` at the start: what it wraps, and what follows.
fn wrapped(text: &str) -> Option<(String, &str)> {
    for mark in ["**", "`", "__", "*"] {
        if let Some(rest) = text.strip_prefix(mark)
            && let Some(end) = rest.find(mark)
        {
            return Some((rest[..end].trim().to_owned(), &rest[end + mark.len()..]));
        }
    }
    None
}

/// The kind a `**Marker:**` at the start of an event names.
fn marker(event: &str) -> Option<&'static str> {
    let (label, _) = wrapped(event)?;
    marker_word(&label)
}

fn marker_word(label: &str) -> Option<&'static str> {
    let word = normalise(label.trim_end_matches(':'));
    match word.as_str() {
        "start" | "started" | "incident start" | "impact start" | "began" | "trigger"
        | "triggered" => Some("started"),
        "detection" | "detected" | "alert" | "alerted" => Some("detected"),
        "mitigation" | "mitigated" => Some("mitigated"),
        "recovery" | "recovered" | "resolution" | "resolved" | "fixed" | "all clear" => {
            Some("resolved")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_that_start_with_a_time_are_entries() {
        let entry = entry_of("**16:58 UTC** – Deploy of 4.2 started", None).expect("entry");
        assert_eq!(
            (entry.time.as_str(), entry.event.as_str()),
            ("16:58 UTC", "Deploy of 4.2 started")
        );
        let entry =
            entry_of("`01:30` - **Recovery:** errors stop", Some("2025-05-16")).expect("entry");
        assert_eq!(entry.time, "2025-05-16 01:30");
        assert_eq!(entry.kind, Some("resolved"));
        let entry = entry_of("**Detection:** 17:04 pager fired", None).expect("entry");
        assert_eq!(
            (entry.time.as_str(), entry.kind),
            ("17:04", Some("detected"))
        );
        let entry = entry_of("~23:50 first errors", None).expect("entry");
        assert_eq!(entry.time, "~23:50");
        assert!(entry_of("Note: nothing here", None).is_none());
        assert!(entry_of("12:30", None).is_none());
        assert!(entry_of("Version 2 shipped", None).is_none());
    }
}
