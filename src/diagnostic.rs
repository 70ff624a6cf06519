//! Problems found in a user's files, and how they are shown.
//!
//! Every problem carries its file, line and column, so terminals, editors and CI annotate
//! the right place. Humans get the message, the location and the source lines with the
//! offending values underlined (several at once when a problem involves several places),
//! drawn by annotate-snippets the way compilers draw them, underlines placed by what the
//! terminal shows, so they line up under wide characters. Tools get the same fields as JSON
//! lines (`--format json`).

use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file cannot be used; the command fails.
    Error,
    /// Worth fixing, but the build goes on.
    Warning,
    /// Information for the writer, e.g. a recurring error pattern.
    Note,
}

/// One problem at one place (and maybe others it involves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as the user would type it (relative to the workspace root).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, counted in characters (as editors count them); 0 when unknown. The
    /// underline under the source line is placed by display width, so it lines up under
    /// wide characters too.
    pub column: usize,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What would be valid, when we can say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The source lines and what to underline in them.
    #[serde(skip)]
    pub snippet: Option<Box<Excerpt>>,
}

/// The source lines a diagnostic shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The lines, from `first_line` on.
    pub text: String,
    /// Number of the first line.
    pub first_line: usize,
    /// What to underline, as byte ranges of `text`; the first is where the problem is.
    pub labels: Vec<(Range<usize>, String)>,
}

/// A place in a file, as a byte range of its text.
pub type Span = Range<usize>;

impl Diagnostic {
    /// An error about a whole file (unreadable, too large, ...).
    pub fn file_error(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    /// An error at `line`:`column` (1-based, the column in characters) of `source`, the
    /// text of `file`; one character is underlined until [`Diagnostic::with_width`] says more.
    pub fn at(
        file: &Path,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        match offset_of(source, line, column) {
            Some(offset) => {
                let end = next_char(source, offset);
                Self::spanning(file, source, offset..end, message)
            }
            None => Self {
                line,
                column,
                ..Self::file_error(file, message)
            },
        }
    }

    /// An error underlining `span` of `source`, the text of `file`.
    pub fn spanning(file: &Path, source: &str, span: Span, message: impl Into<String>) -> Self {
        let span = clamp(source, span);
        let (line, column) = line_column(source, span.start);
        let mut diagnostic = Self {
            line,
            column,
            ..Self::file_error(file, message)
        };
        diagnostic.snippet = Some(Box::new(Excerpt::around(source, span, String::new())));
        diagnostic
    }

    /// Underlines `span` of `source` too, with `label` (another place the problem involves).
    #[must_use]
    pub fn with_label(mut self, source: &str, span: Span, label: impl Into<String>) -> Self {
        if let Some(excerpt) = self.snippet.as_mut() {
            excerpt.add(source, clamp(source, span), label.into());
        }
        self
    }

    /// Says what the underlined place is.
    #[must_use]
    pub fn with_primary_label(mut self, label: impl Into<String>) -> Self {
        if let Some(first) = self.snippet.as_mut().and_then(|e| e.labels.first_mut()) {
            first.1 = label.into();
        }
        self
    }

    /// Adds what would be valid.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Changes the severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Underlines `width` characters from where the problem starts, within its line.
    #[must_use]
    pub fn with_width(mut self, width: usize) -> Self {
        if let Some(excerpt) = self.snippet.as_mut()
            && let Some((range, _)) = excerpt.labels.first_mut()
        {
            let text = &excerpt.text;
            let line_end = text[range.start..]
                .find('\n')
                .map_or(text.len(), |i| range.start + i);
            let end = text[range.start..line_end]
                .char_indices()
                .nth(width.max(1))
                .map_or(line_end, |(i, _)| range.start + i);
            range.end = end.max(next_char(text, range.start).min(line_end.max(range.start)));
        }
        self
    }

    /// Renders for a terminal: the message, the location, the source lines with the
    /// offending values underlined, and the help. `color` adds ANSI styles; callers decide
    /// whether the output is a terminal.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let path = self.file.display().to_string();
        let title = level.primary_title(self.message.as_str());
        let group = match &self.snippet {
            Some(excerpt) => {
                let mut snippet = Snippet::source(excerpt.text.as_str())
                    .line_start(excerpt.first_line)
                    .path(path.as_str())
                    .fold(true);
                for (i, (range, label)) in excerpt.labels.iter().enumerate() {
                    let kind = if i == 0 {
                        AnnotationKind::Primary
                    } else {
                        AnnotationKind::Context
                    };
                    let label = (!label.is_empty()).then_some(label.as_str());
                    snippet = snippet.annotation(kind.span(range.clone()).label(label));
                }
                title.element(snippet)
            }
            None => {
                let mut origin = Origin::path(path.as_str());
                if self.line > 0 {
                    origin = origin.line(self.line);
                }
                title.element(origin)
            }
        };
        let mut report: Vec<Group<'_>> = vec![group];
        if let Some(help) = &self.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report)
    }

    /// Renders as one line of JSON.
    pub fn to_json_line(&self) -> String {
        // Serialising a struct of strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Excerpt {
    /// The lines of `source` that `span` covers, with `span` underlined.
    fn around(source: &str, span: Span, label: String) -> Self {
        let start = line_start(source, span.start);
        let end = line_end(source, span.end.max(span.start));
        let (first_line, _) = line_column(source, start);
        Self {
            text: source[start..end].to_owned(),
            first_line,
            labels: vec![((span.start - start)..(span.end - start), label)],
        }
    }

    /// Widens the excerpt to take in `span`, and underlines it.
    fn add(&mut self, source: &str, span: Span, label: String) {
        let (first_line, _) = line_column(source, line_start(source, span.start));
        let old_start = offset_of(source, self.first_line, 1).unwrap_or(0);
        let start = old_start.min(line_start(source, span.start));
        let end = line_end(source, (old_start + self.text.len()).max(span.end));
        let shift = old_start - start;
        for (range, _) in &mut self.labels {
            *range = (range.start + shift)..(range.end + shift);
        }
        self.text = source[start..end].to_owned();
        self.first_line = self.first_line.min(first_line);
        self.labels
            .push(((span.start - start)..(span.end - start), label));
    }
}

fn clamp(source: &str, span: Span) -> Span {
    let mut start = span.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

fn next_char(text: &str, offset: usize) -> usize {
    text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8())
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[offset..].find('\n').map_or(text.len(), |i| offset + i)
}

/// The byte offset of `line`:`column` (1-based, the column in characters).
pub fn offset_of(source: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += source[start..].find('\n')? + 1;
    }
    let text = &source[start..line_end(source, start)];
    let within = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    (line >= 1).then_some(start + within)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp(text, offset..offset).start;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Orders diagnostics the way a reader scans them: by file, then position.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity).cmp(&(&b.file, b.line, b.column, b.severity))
    });
}

/// Counts the diagnostics that make a command fail.
pub fn error_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn renders_message_location_source_line_and_caret() {
        let source = "title: x\nseverity: huge\n";
        let diagnostic =
            Diagnostic::at(Path::new("incidents/a.yaml"), source, 2, 11, "bad severity")
                .with_width(4)
                .with_help("expected one of critical, high, medium, low");
        assert_eq!(
            diagnostic.render(false),
            "error: bad severity\n --> incidents/a.yaml:2:11\n  |\n2 | severity: huge\n  |           ^^^^\n  |\nhelp: expected one of critical, high, medium, low"
        );
    }

    #[test]
    fn wide_characters_count_twice_and_the_caret_lines_up() {
        let source = "title: 支付服务\nseverity: huge\nservices: 支付 x\n";
        let d = Diagnostic::at(Path::new("a.yaml"), source, 3, 14, "here");
        assert_eq!(
            (d.line, d.column),
            (3, 14),
            "in characters, as editors count"
        );
        let text = d.render(false);
        assert!(text.contains("a.yaml:3:14"), "{text}");
        let shown = text.lines().find(|l| l.contains("services")).unwrap();
        let caret = text.lines().find(|l| l.contains('^')).unwrap();
        let before_x = &shown[..shown.find('x').unwrap()];
        assert_eq!(before_x.width(), caret.find('^').unwrap(), "{text}");
    }

    #[test]
    fn several_places_are_underlined_at_once() {
        let source = "timeline:\n  - time: \"10:00\"\n  - time: \"09:30\"\n";
        let first = source.find("\"10:00\"").unwrap();
        let second = source.find("\"09:30\"").unwrap();
        let d = Diagnostic::spanning(Path::new("a.yaml"), source, second..second + 7, "goes back")
            .with_primary_label("this entry")
            .with_label(source, first..first + 7, "comes after this one");
        assert_eq!((d.line, d.column), (3, 11));
        let text = d.render(false);
        assert!(text.contains("^^^^^^^ this entry"), "{text}");
        assert!(text.contains("------- comes after this one"), "{text}");
    }

    #[test]
    fn json_lines_carry_the_same_fields() {
        let diagnostic = Diagnostic::at(Path::new("a.yaml"), "x: 1\n", 1, 1, "unknown field `x`");
        let value: serde_json::Value = serde_json::from_str(&diagnostic.to_json_line()).unwrap();
        assert_eq!(value["file"], "a.yaml");
        assert_eq!(value["line"], 1);
        assert_eq!(value["column"], 1);
        assert_eq!(value["severity"], "error");
        assert_eq!(value["message"], "unknown field `x`");
    }
}
