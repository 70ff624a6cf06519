//! Problems found in a user's files, and how they are shown.
//!
//! Every problem carries its file, line and column, so terminals, editors and CI annotate
//! the right place. Humans get `path:line:column: error: message` with the source line and
//! a caret under it (the format compilers use, which editors already parse); tools get the
//! same fields as JSON lines (`--format json`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
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

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as the user would type it (relative to the workspace root).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, counted in characters; 0 when unknown.
    pub column: usize,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What would be valid, when we can say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The source line and how much of it to underline.
    #[serde(skip)]
    pub snippet: Option<Box<Snippet>>,
}

/// The source line shown under a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The whole line.
    pub text: String,
    /// How many characters the caret underlines.
    pub width: usize,
}

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

    /// An error at `line`:`column` (1-based) of `source`, the text of `file`.
    pub fn at(
        file: &Path,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let snippet = line
            .checked_sub(1)
            .and_then(|index| source.lines().nth(index))
            .map(|text| {
                Box::new(Snippet {
                    text: text.to_owned(),
                    width: 1,
                })
            });
        Self {
            line,
            column,
            snippet,
            ..Self::file_error(file, message)
        }
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

    /// Underlines `width` characters instead of one.
    #[must_use]
    pub fn with_width(mut self, width: usize) -> Self {
        if let Some(snippet) = self.snippet.as_mut() {
            snippet.width = width.max(1);
        }
        self
    }

    /// Renders for a terminal: location and message, then the source line with a caret.
    /// `color` adds ANSI styles; callers decide whether the output is a terminal.
    pub fn render(&self, color: bool) -> String {
        let style = |s: Style| if color { s } else { Style::new() };
        let bold = style(Style::new().bold());
        let (label, label_style) = match self.severity {
            Severity::Error => ("error", style(AnsiColor::Red.on_default().bold())),
            Severity::Warning => ("warning", style(AnsiColor::Yellow.on_default().bold())),
            Severity::Note => ("note", style(AnsiColor::Cyan.on_default().bold())),
        };
        let gutter_style = style(AnsiColor::Blue.on_default().bold());

        let mut out = String::new();
        let location = match (self.line, self.column) {
            (0, _) => self.file.display().to_string(),
            (line, 0) => format!("{}:{line}", self.file.display()),
            (line, column) => format!("{}:{line}:{column}", self.file.display()),
        };
        let _ = write!(
            out,
            "{bold}{location}:{bold:#} {label_style}{label}:{label_style:#} {bold}{}{bold:#}",
            self.message
        );
        if let Some(snippet) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let (text, column) = excerpt(&snippet.text, self.column);
            // Tabs stay tabs so the caret lines up with what the terminal shows.
            let indent: String = text
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let carets = "^".repeat(snippet.width);
            let _ = write!(
                out,
                "\n{gutter_style}{pad} |{gutter_style:#}\
                 \n{gutter_style}{number} |{gutter_style:#} {text}\
                 \n{gutter_style}{pad} |{gutter_style:#} {indent}{label_style}{carets}{label_style:#}"
            );
        }
        if let Some(help) = &self.help {
            let _ = write!(
                out,
                "\n{gutter_style}  ={gutter_style:#} {bold}help:{bold:#} {help}"
            );
        }
        out
    }

    /// Renders as one line of JSON.
    pub fn to_json_line(&self) -> String {
        // Serialising a struct of strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Shows at most [`EXCERPT_CHARS`] characters of a long line, around `column`; returns the
/// excerpt and the column within it.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let length = line.chars().count();
    if length <= EXCERPT_CHARS {
        return (line.to_owned(), column);
    }
    let start = column
        .saturating_sub(EXCERPT_CHARS / 2)
        .min(length - EXCERPT_CHARS);
    let mut text: String = line.chars().skip(start).take(EXCERPT_CHARS).collect();
    if start + EXCERPT_CHARS < length {
        text.push('…');
    }
    if start > 0 {
        return (format!("…{text}"), column - start + 1);
    }
    (text, column)
}

const EXCERPT_CHARS: usize = 100;

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

    #[test]
    fn renders_location_source_line_and_caret() {
        let source = "title: x\nseverity: huge\n";
        let diagnostic =
            Diagnostic::at(Path::new("incidents/a.yaml"), source, 2, 11, "bad severity")
                .with_width(4)
                .with_help("expected one of critical, high, medium, low");
        let text = diagnostic.render(false);
        assert_eq!(
            text,
            "incidents/a.yaml:2:11: error: bad severity\n  |\n2 | severity: huge\n  |           ^^^^\n  = help: expected one of critical, high, medium, low"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let diagnostic = Diagnostic::at(Path::new("a.yaml"), &line, 1, 501, "here");
        let text = diagnostic.render(false);
        let shown = text.lines().nth(2).unwrap();
        let caret = text.lines().nth(3).unwrap();
        assert!(shown.chars().count() < 120, "{shown}");
        assert_eq!(
            shown.chars().position(|c| c == 'X'),
            caret.chars().position(|c| c == '^')
        );
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
