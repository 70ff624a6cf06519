//! Code pairs: a "Before" code block followed by an "After" one (`**Before (Broken):**`,
//! `**After:**`), or a line saying what was changed to what (``changed `cached_db` to
//! `db` ``), in a section that names the file (`**File:** `app/settings.py``, or a path in
//! backticks in its heading). Without a named file a pair stays in the prose: a change needs
//! its file, and none is guessed.

use std::ops::Range;

use super::draft::Change;
use super::outline::Kind;
use super::{Builder, Dest};

/// A code block's info string and text.
type Code = (String, String);

impl Builder<'_> {
    /// Takes the code pairs of `body` (under `heading`) into `changes`; returns the lines
    /// taken.
    pub fn code_pairs(&mut self, heading: &str, body: Range<usize>) -> Vec<usize> {
        let blocks = self.code_blocks(body);
        let mut file = path_in(heading);
        let mut taken = Vec::new();
        let mut n = 0;
        while n < blocks.len() {
            let (lines, code) = &blocks[n];
            if code.is_none()
                && let Some(found) = self.file_line(lines.clone())
            {
                file = Some(found);
            }
            if code.is_none()
                && let Some((path, range)) = file.clone()
                && let Some((before, after)) = self.changed_to(lines.clone())
            {
                // The sentence stays in the prose too: it says why.
                self.draft.changes.push(Change {
                    file: path,
                    lines: range,
                    language: None,
                    before: Some(before),
                    after: Some(after),
                    description: Some(self.outline.text(lines.clone()).trim().to_owned()),
                });
            }
            if let (true, Some((path, range))) = (self.is_pair(&blocks, n), file.clone()) {
                let code = |k: usize| blocks[k].1.clone().unwrap_or_default();
                let ((language, before), (_, after)) = (code(n + 1), code(n + 3));
                self.draft.changes.push(Change {
                    file: path,
                    lines: range,
                    language: (!language.is_empty()).then_some(language),
                    before: Some(before.trim_end().to_owned()),
                    after: Some(after.trim_end().to_owned()),
                    description: None,
                });
                // The "Before"/"After" labels are the keys they were read into.
                for (k, (lines, _)) in blocks[n..n + 4].iter().enumerate() {
                    let dest = if k % 2 == 0 {
                        Dest::Heading
                    } else {
                        Dest::Field("changes")
                    };
                    self.mark(lines.clone(), dest);
                    taken.extend(lines.clone());
                }
                n += 4;
                continue;
            }
            n += 1;
        }
        taken
    }

    /// The blocks of `body`, each with its code (language and text) if it is a code block
    /// that a change can take: one with words after its language stays in the prose, words
    /// and all.
    fn code_blocks(&self, body: Range<usize>) -> Vec<(Range<usize>, Option<Code>)> {
        self.outline
            .blocks
            .iter()
            .filter(|b| body.contains(&b.lines.start))
            .map(|b| match &b.kind {
                Kind::Code {
                    info,
                    attributes: false,
                    text,
                } => (b.lines.clone(), Some((info.clone(), text.clone()))),
                _ => (b.lines.clone(), None),
            })
            .collect()
    }

    /// Whether `blocks[n..n + 4]` are a "Before" label, code, an "After" label and code in
    /// the same language (the change has one `language`).
    fn is_pair(&self, blocks: &[(Range<usize>, Option<Code>)], n: usize) -> bool {
        let label = |k: usize, word: &str| {
            blocks.get(k).is_some_and(|(l, c)| {
                c.is_none()
                    && l.len() == 1
                    && self.outline.lines[l.start].to_lowercase().contains(word)
            })
        };
        let language = |k: usize| blocks.get(k).and_then(|(_, c)| c.as_ref().map(|c| &c.0));
        label(n, "before")
            && label(n + 2, "after")
            && language(n + 1).is_some()
            && language(n + 1) == language(n + 3)
    }

    /// ``Changed `a` to `b` `` (or ``changed from `a` to `b` ``) in a one-line paragraph.
    fn changed_to(&self, lines: Range<usize>) -> Option<(String, String)> {
        if lines.len() != 1 {
            return None;
        }
        let line = self.outline.lines[lines.start];
        let lower = line.to_lowercase();
        let at = lower.find("changed ")?;
        let rest = &line[at + "changed ".len()..];
        let rest = rest.strip_prefix("from ").unwrap_or(rest);
        let mut parts = rest.split('`');
        let (lead, before, middle, after) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        (lead.trim().is_empty() && middle.trim() == "to" && !before.is_empty() && !after.is_empty())
            .then(|| (before.to_owned(), after.to_owned()))
    }

    /// `**File:** `path` (Lines 271-299)`: the path and the lines.
    fn file_line(&self, lines: Range<usize>) -> Option<(String, Option<String>)> {
        let line = self.outline.lines.get(lines.start)?;
        let (label, value) = super::meta::split(line, false)?;
        if !matches!(
            label.to_lowercase().as_str(),
            "file" | "path" | "changed file" | "file to modify"
        ) {
            return None;
        }
        let (path, _) = path_in(&value)?;
        let range = value
            .split(['(', ')'])
            .find_map(|part| {
                part.trim()
                    .strip_prefix("Lines ")
                    .or_else(|| part.trim().strip_prefix("lines "))
            })
            .map(|r| r.trim().to_owned());
        Some((path, range))
    }
}

/// The first path in backticks (`a/b.py`, `settings.py`) in `text`.
fn path_in(text: &str) -> Option<(String, Option<String>)> {
    text.split('`').skip(1).step_by(2).find_map(|inside| {
        let looks_like_path = !inside.contains(' ')
            && (inside.contains('/')
                || inside
                    .rsplit_once('.')
                    .is_some_and(|(s, ext)| !s.is_empty() && (1..=5).contains(&ext.len())));
        looks_like_path.then(|| (inside.to_owned(), None))
    })
}
