//! Before/after code changes: highlighted once, shown side by side and as a unified diff.
//!
//! The before and after code are each highlighted once, line by line; the diff rows then
//! point at those lines instead of highlighting the diff again. similar computes the diff
//! (and the plain unified diff text the Markdown report prints).

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::highlight;
use super::word_diff::{LineMarks, line_marks};
use crate::model::Change;
use crate::model::languages;

/// Lines of context around each change in the unified views.
const CONTEXT_LINES: usize = 3;

/// A change ready for templates: the raw fields plus highlighted code and diff rows.
#[derive(Debug, Serialize)]
pub struct ChangeView<'a> {
    /// The change as written.
    #[serde(flatten)]
    pub change: &'a Change,
    /// Language used for highlighting and Markdown fences (`py`, `yaml`, `text`).
    pub lang: String,
    /// Highlighted before code, as lines.
    #[serde(skip)]
    pub before_lines: Vec<String>,
    /// Highlighted after code, as lines.
    #[serde(skip)]
    pub after_lines: Vec<String>,
    /// Unified diff rows; empty unless both before and after are given.
    #[serde(skip)]
    pub diff: Vec<DiffRow>,
    /// The highlighted before code, lines joined, for a `<pre><code>`.
    pub before_html: Option<String>,
    /// The highlighted after code, lines joined.
    pub after_html: Option<String>,
    /// The rows of the unified diff table (`<tr>`s), when there is a diff.
    pub diff_html: Option<String>,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
    /// The unified diff as text, for Markdown reports.
    pub unified: Option<String>,
}

/// One row of a unified diff.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct DiffRow {
    /// `add`, `del`, `ctx`, or `hunk` (a hunk header such as `@@ -3,7 +3,9 @@`).
    pub kind: &'static str,
    /// Line number in the before code.
    pub old: Option<usize>,
    /// Line number in the after code.
    pub new: Option<usize>,
    /// Highlighted line (or the hunk header text, escaped).
    pub html: String,
}

impl<'a> ChangeView<'a> {
    /// Highlights the change's code and computes its diff.
    pub fn new(change: &'a Change) -> Self {
        let syntax =
            languages::resolve_language(change.language.as_deref(), Some(change.file.as_str()));
        let diff = change.line_diff();
        // After-lines the diff calls unchanged are copied from the before-code's
        // highlighting instead of being highlighted again.
        let mut same_as = Vec::new();
        for op in diff.iter().flat_map(|d| d.ops()) {
            if let similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = *op
            {
                same_as.resize(new_index + len, None);
                for k in 0..len {
                    same_as[new_index + k] = Some(old_index + k);
                }
            }
        }
        let before = change
            .before
            .as_deref()
            .map(|code| highlight::highlight_tracked(code, syntax));
        let after_lines = change
            .after
            .as_deref()
            .map(|code| {
                highlight::highlight_reusing(code, syntax, before.as_ref(), |i| {
                    same_as.get(i).copied().flatten()
                })
                .lines
            })
            .unwrap_or_default();
        let before_lines = before.map(|b| b.lines).unwrap_or_default();
        let marks = match (&diff, &change.before, &change.after) {
            (Some(diff), Some(b), Some(a)) => line_marks(diff, b, a),
            _ => LineMarks::default(),
        };
        let mut view = Self {
            change,
            lang: languages::language_name(syntax),
            before_html: change
                .before
                .as_ref()
                .map(|_| pane(&before_lines, &marks.old_changed, &marks.old_words)),
            after_html: change
                .after
                .as_ref()
                .map(|_| pane(&after_lines, &marks.new_changed, &marks.new_words)),
            before_lines,
            after_lines,
            diff: Vec::new(),
            diff_html: None,
            added: 0,
            removed: 0,
            unified: None,
        };
        if let Some(diff) = diff {
            view.compute_diff(&diff, &marks);
            view.diff_html = Some(diff_table_rows(&view.diff));
        }
        view
    }

    fn compute_diff(&mut self, diff: &TextDiff<'_, '_, str>, marks: &LineMarks) {
        for (index, group) in diff.grouped_ops(CONTEXT_LINES).iter().enumerate() {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            let old = first.old_range().start..last.old_range().end;
            let new = first.new_range().start..last.new_range().end;
            if index > 0 || old.start > 0 || new.start > 0 {
                self.diff.push(DiffRow {
                    kind: "hunk",
                    old: None,
                    new: None,
                    html: format!(
                        "@@ -{},{} +{},{} @@",
                        old.start + 1,
                        old.len(),
                        new.start + 1,
                        new.len()
                    ),
                });
            }
            for op in group {
                for change in diff.iter_changes(op) {
                    let (kind, html) = match change.tag() {
                        ChangeTag::Delete => {
                            self.removed += 1;
                            let words = change.old_index().and_then(|i| marks.old_words.get(i));
                            let html = words.cloned().flatten();
                            (
                                "del",
                                html.unwrap_or_else(|| {
                                    line(&self.before_lines, change.old_index())
                                }),
                            )
                        }
                        ChangeTag::Insert => {
                            self.added += 1;
                            let words = change.new_index().and_then(|i| marks.new_words.get(i));
                            let html = words.cloned().flatten();
                            (
                                "add",
                                html.unwrap_or_else(|| line(&self.after_lines, change.new_index())),
                            )
                        }
                        ChangeTag::Equal => ("ctx", line(&self.after_lines, change.new_index())),
                    };
                    self.diff.push(DiffRow {
                        kind,
                        old: change.old_index().map(|i| i + 1),
                        new: change.new_index().map(|i| i + 1),
                        html,
                    });
                }
            }
        }
        let file = self.change.file.as_str();
        let unified = diff
            .unified_diff()
            .context_radius(CONTEXT_LINES)
            .header(&format!("a/{file}"), &format!("b/{file}"))
            .to_string();
        self.unified = Some(unified);
    }
}

/// A pane's code: each line a block (so long lines wrap under themselves), changed lines
/// marked, replaced lines with their changed words.
fn pane(lines: &[String], changed: &[bool], words: &[Option<String>]) -> String {
    let mut html = String::with_capacity(lines.iter().map(|l| l.len() + 40).sum());
    for (i, line) in lines.iter().enumerate() {
        let content = words.get(i).and_then(Option::as_deref).unwrap_or(line);
        let class = if changed.get(i).copied().unwrap_or(false) {
            "line line-changed"
        } else {
            "line"
        };
        html.push_str("<span class=\"");
        html.push_str(class);
        html.push_str("\">");
        html.push_str(content);
        // An empty line still takes its height.
        if content.is_empty() {
            html.push('\n');
        }
        html.push_str("</span>");
    }
    html
}

/// The `<tr>`s of a unified diff table. Built here rather than in a template: a page has
/// one row per line of code, and a template loop per row costs more than the rest of the
/// page.
fn diff_table_rows(rows: &[DiffRow]) -> String {
    use std::fmt::Write as _;
    let mut html = String::with_capacity(rows.iter().map(|r| r.html.len() + 120).sum());
    for row in rows {
        if row.kind == "hunk" {
            let _ = writeln!(
                html,
                "<tr class=\"diff-hunk\"><td colspan=\"3\">{}</td></tr>",
                super::escape(&row.html)
            );
            continue;
        }
        let number = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
        let mark = match row.kind {
            "add" => "+",
            "del" => "-",
            _ => " ",
        };
        let _ = writeln!(
            html,
            "<tr class=\"diff-{}\"><td class=\"ln\">{}</td><td class=\"ln\">{}</td><td class=\"diff-code\"><span class=\"diff-mark\" aria-hidden=\"true\">{mark}</span><code>{}</code></td></tr>",
            row.kind,
            number(row.old),
            number(row.new),
            row.html
        );
    }
    html
}

fn line(lines: &[String], index: Option<usize>) -> String {
    index
        .and_then(|i| lines.get(i))
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NonEmptyString;

    fn change(before: &str, after: &str) -> Change {
        Change {
            file: NonEmptyString::new("settings.py").unwrap(),
            lines: None,
            language: None,
            description: None,
            risk: None,
            before: Some(before.into()),
            after: Some(after.into()),
        }
    }

    #[test]
    fn diff_rows_reuse_highlighted_lines_and_count_changes() {
        let c = change("a = 1\nb = 2\nc = 3\n", "a = 1\nb = 20\nc = 3\nd = 4\n");
        let view = ChangeView::new(&c);
        assert_eq!((view.added, view.removed), (2, 1));
        let kinds: Vec<&str> = view.diff.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, ["ctx", "del", "add", "ctx", "add"]);
        // The replaced line shows its changed word; other rows reuse the highlighting.
        assert_eq!(view.diff[1].html, "b = <del>2</del>");
        assert_eq!(view.diff[3].html, view.after_lines[2]);
        assert_eq!(view.diff[4].html, view.after_lines[3]);
        let fresh = highlight::highlight_lines(
            c.after.as_deref().unwrap(),
            crate::model::languages::find_language("python"),
        );
        assert_eq!(
            view.after_lines, fresh,
            "reused lines equal a fresh highlight"
        );
        assert_eq!(view.diff[2].html, "b = <ins>20</ins>");
        let before_pane = view.before_html.as_deref().unwrap_or_default();
        assert!(
            before_pane.contains("<span class=\"line line-changed\">b = <del>2</del>"),
            "{before_pane}"
        );
        assert!(
            before_pane.starts_with("<span class=\"line\">"),
            "{before_pane}"
        );
        assert_eq!((view.diff[2].old, view.diff[2].new), (None, Some(2)));
        let unified = view.unified.unwrap();
        assert!(
            unified.starts_with("--- a/settings.py\n+++ b/settings.py\n@@ -1,3 +1,4 @@\n"),
            "{unified}"
        );
        assert!(unified.contains("-b = 2\n+b = 20\n"), "{unified}");
    }

    #[test]
    fn distant_changes_get_hunk_headers() {
        let before: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let after = before
            .replace("line 2\n", "line two\n")
            .replace("line 28\n", "line twenty-eight\n");
        let c = change(&before, &after);
        let view = ChangeView::new(&c);
        let hunks: Vec<&str> = view
            .diff
            .iter()
            .filter(|r| r.kind == "hunk")
            .map(|r| r.html.as_str())
            .collect();
        assert_eq!(hunks, ["@@ -25,6 +25,6 @@"]);
        assert_eq!(view.diff.iter().filter(|r| r.kind == "ctx").count(), 4 + 5);
    }

    #[test]
    fn after_only_changes_have_no_diff() {
        let mut c = change("", "x = 1\n");
        c.before = None;
        let view = ChangeView::new(&c);
        assert!(view.diff.is_empty() && view.unified.is_none());
        assert_eq!(view.after_lines.len(), 1);
    }
}
