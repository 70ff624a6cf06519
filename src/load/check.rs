//! Checks of one incident that serde cannot make: the team's vocabularies, a stated cause,
//! the timeline's order, and the Markdown (diagrams, images from other hosts). They run on
//! whatever could be read of a file, so a file's every problem comes out in one run.

use std::path::Path;

use super::Settings;
use super::parse::PLACEHOLDER_CHOICE;
use super::recover::{Tree, segments};
use super::suggest::suggestion;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::model::{Choice, Incident, TimelineProblem, Vocabulary};

/// Where things are in one file's text, found on first need.
pub struct Locator<'a> {
    file: &'a Path,
    source: &'a str,
    tree: std::cell::OnceCell<Option<Tree>>,
}

impl<'a> Locator<'a> {
    /// Positions in `source`, the text of `file`.
    pub fn new(file: &'a Path, source: &'a str) -> Self {
        Self {
            file,
            source,
            tree: std::cell::OnceCell::new(),
        }
    }

    /// The value at `path` (`timeline[2].time`): its span, or its key's when the value is
    /// a collection.
    pub fn span(&self, path: &str) -> Option<Span> {
        let source = self.source;
        let tree = self.tree.get_or_init(|| Tree::of(source)).as_ref()?;
        let (key, node) = tree.find(&segments(path))?;
        Some(if node.len > 0 {
            node.start..node.start + node.len
        } else {
            key..key + token_len(&source[key..])
        })
    }

    /// The first place `needle` is written at or after `from`.
    pub fn find(&self, needle: &str, from: usize) -> Option<Span> {
        let at = self.source.get(from..)?.find(needle)? + from;
        Some(at..at + needle.len())
    }

    /// A diagnostic at `span`, or about the whole file when it is unknown.
    pub fn diagnostic(&self, span: Option<Span>, message: impl Into<String>) -> Diagnostic {
        match span {
            Some(span) => Diagnostic::spanning(self.file, self.source, span, message),
            None => Diagnostic::file_error(self.file, message),
        }
    }

    /// The text of the file.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// The file, as diagnostics show it.
    pub fn file(&self) -> &'a Path {
        self.file
    }
}

/// A key or plain word: up to the next `:`, `,` or space.
fn token_len(text: &str) -> usize {
    text.find([':', ',', ' ', '\n', '}', ']'])
        .unwrap_or(text.len())
        .max(1)
}

/// Resolves severity and status, and checks what the model alone cannot.
pub fn check(
    incident: &mut Incident,
    placeholders: &[String],
    settings: &Settings,
    at: &Locator<'_>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let vocabularies = &settings.vocabularies;
    for (field, choice, vocabulary) in [
        ("severity", &mut incident.severity, &vocabularies.severity),
        ("status", &mut incident.status, &vocabularies.status),
    ] {
        if let Some(problem) = resolve(field, choice, vocabulary, at) {
            diagnostics.push(problem);
        }
    }
    if !placeholders.iter().any(|p| p == "root_cause") && !incident.root_cause.is_stated() {
        diagnostics.push(
            at.diagnostic(at.span("root_cause"), "`root_cause` states no cause")
                .with_help("write the cause as text, or give `summary`, `technical` or `contributing_factors`"),
        );
    }
    if !incident.review.is_empty() {
        diagnostics.push(
            at.diagnostic(
                at.span("review"),
                format!("imported, needs review: {}", incident.review.join(", ")),
            )
            .with_severity(Severity::Warning)
            .with_help("check each field against the original, then empty the `review` list"),
        );
    }
    let problems = incident.resolve_times(&settings.zone);
    diagnostics.extend(problems.iter().map(|p| timeline_warning(p, at)));
    diagnostics.extend(list_lengths(incident, at));
    diagnostics
}

/// Past this many entries, a list of names (tags, services, authors, responders) earns a
/// warning: such a list is usually pasted by mistake.
pub const LIST_WARN: usize = 50;
/// Past this many, the file is refused: every tag and service has a page of its own, so a
/// list this long would write thousands of pages for one file.
pub const LIST_LIMIT: usize = 5_000;

/// A warning for each list of names longer than [`LIST_WARN`], an error for each longer than
/// [`LIST_LIMIT`], at the first entry past the bound.
fn list_lengths(incident: &Incident, at: &Locator<'_>) -> Vec<Diagnostic> {
    [
        ("tags", &incident.tags),
        ("services", &incident.services),
        ("authors", &incident.authors),
        ("responders", &incident.responders),
    ]
    .into_iter()
    .filter(|(_, list)| list.len() > LIST_WARN)
    .map(|(field, list)| {
        let n = list.len();
        let (bound, severity) = if n > LIST_LIMIT {
            (LIST_LIMIT, Severity::Error)
        } else {
            (LIST_WARN, Severity::Warning)
        };
        let span = at
            .span(&format!("{field}[{bound}]"))
            .or_else(|| at.span(field));
        let message = match severity {
            Severity::Error => format!("`{field}` has {n} entries, more than {LIST_LIMIT}"),
            _ => format!("`{field}` has {n} entries"),
        };
        at.diagnostic(span, message)
            .with_severity(severity)
            .with_help(format!(
                "a list of {field} is usually a handful of names; over {LIST_WARN} is \
                 reported (and only the first {LIST_WARN} get pages of their own), over \
                 {LIST_LIMIT} is refused"
            ))
    })
    .collect()
}

/// Resolves a severity or status against the team's words; the error if it names none.
fn resolve(
    field: &str,
    choice: &mut Choice,
    vocabulary: &Vocabulary,
    at: &Locator<'_>,
) -> Option<Diagnostic> {
    if choice.written == PLACEHOLDER_CHOICE || choice.resolve(vocabulary) {
        return None;
    }
    let span = choice
        .span
        .map(|(offset, len)| offset..offset + len)
        .or_else(|| at.span(field));
    let names = vocabulary.names().join(", ");
    let mut help = format!("valid values: {names}");
    let aliases: Vec<&str> = vocabulary
        .levels
        .iter()
        .flat_map(|l| l.aliases.iter().map(String::as_str))
        .collect();
    if !aliases.is_empty() {
        help.push_str(&format!(" (or {})", aliases.join(", ")));
    }
    if let Some(best) = suggestion(&choice.written, &vocabulary.accepted()) {
        help = format!("did you mean `{best}`? {help}");
    }
    Some(
        at.diagnostic(
            span,
            format!("invalid value `{}` for `{field}`", choice.written),
        )
        .with_help(help),
    )
}

/// A warning about the timeline's order, pointing at the entries involved.
fn timeline_warning(problem: &TimelineProblem, at: &Locator<'_>) -> Diagnostic {
    let time = |at: &Locator<'_>, i: usize| at.span(&format!("timeline[{i}].time"));
    let kind = |at: &Locator<'_>, i: usize| at.span(&format!("timeline[{i}].kind"));
    let source = at.source();
    let (diagnostic, help) = match *problem {
        TimelineProblem::Backwards { earlier, later } => {
            let d = at
                .diagnostic(
                    time(at, later),
                    format!(
                        "timeline entry {} happened before entry {}, which comes first",
                        later + 1,
                        earlier + 1
                    ),
                )
                .with_primary_label("this time");
            let d = match time(at, earlier) {
                Some(span) => d.with_label(source, span, "is earlier than this one"),
                None => d,
            };
            (
                d,
                "put the entries in order, or give the later one its date (2025-07-13 01:30)",
            )
        }
        TimelineProblem::TwoStarts { first, second } => {
            let d = at.diagnostic(
                kind(at, second),
                format!(
                    "timeline entries {} and {} both mark the start",
                    first + 1,
                    second + 1
                ),
            );
            let d = match kind(at, first) {
                Some(span) => d.with_label(source, span, "the first start"),
                None => d,
            };
            (
                d,
                "durations count from the first `started`; mark the other `other`",
            )
        }
        TimelineProblem::BeforeStart { entry, start } => {
            let message = match start {
                Some(s) => format!(
                    "timeline entry {} happened before the start (entry {})",
                    entry + 1,
                    s + 1
                ),
                None => format!(
                    "timeline entry {} happened before the incident's date and time",
                    entry + 1
                ),
            };
            (
                at.diagnostic(time(at, entry), message),
                "its duration is not shown; check the time, its date or its zone",
            )
        }
        TimelineProblem::NoStart { entry } => (
            at.diagnostic(
                kind(at, entry),
                "the timeline marks milestones, but nothing says when the incident started",
            ),
            "mark the first entry `kind: started`, or give `date` a time, so durations can be counted",
        ),
    };
    diagnostic.with_severity(Severity::Warning).with_help(help)
}
