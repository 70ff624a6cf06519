//! One incident as a search record: a small HTML document that says what Pagefind indexes,
//! how much each part weighs, and which filters, sort keys and result fields it carries.
//!
//! The record is not the incident page. The page shows everything (timeline, test output,
//! metrics, highlighted code); a record holds only what people search for, so the index
//! stays small, excerpts come from meaningful text, and weights are ours rather than
//! Pagefind's heading heuristics. Values that the results show (title, date, severity,
//! status) travel in attributes, which Pagefind decodes, so they reach the browser as plain
//! text that the script inserts with `textContent`.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::knowledge::IncidentSummary;
use crate::load::LoadedIncident;
use crate::model::text::plain_text;
use crate::model::{ActionItem, Change, Incident, Step};
use crate::render::escape;
use crate::render::templates::site_url;
use crate::site::Page;

/// How much each part of an incident's body counts when ranking (Pagefind's scale: 0 to
/// 10, plain text 1). The error line weighs most, so the incident *about* an error outranks
/// one that merely mentions it.
///
/// Two result fields are searched as well, weighed by [`RANKING`]: the title and the
/// keywords (the error line split at punctuation, tags, services). Keeping them out of the
/// body keeps them out of excerpts: the title is shown above each excerpt anyway.
pub mod weight {
    /// `Type: message`, exactly as written.
    pub const ERROR_LINE: f32 = 10.0;
    /// The reusable error pattern.
    pub const ERROR_PATTERN: f32 = 6.0;
    /// The summary.
    pub const SUMMARY: f32 = 3.0;
    /// The root cause summary and trigger.
    pub const ROOT_CAUSE: f32 = 2.0;
    /// Changed file names.
    pub const FILES: f32 = 2.0;
    /// Stack trace and logs: they repeat the error among much noise.
    pub const TRACE: f32 = 1.0;
    /// Root cause details, resolution, prevention, lessons.
    pub const PROSE: f32 = 1.0;
    /// Changed lines and commands.
    pub const CODE: f32 = 0.5;
}

/// How much each result field counts when ranking: Pagefind's `ranking` option, which the
/// browser passes when it loads the index. Pagefind weighs result fields only at search
/// time, so the build writes this into every page (`data-ranking` on the header's search
/// form) and `site-search.js` hands it over: the script keeps no copy that could drift.
pub const RANKING: Ranking = Ranking {
    meta_weights: MetaWeights {
        // As much as the error line: a title names what the incident is about.
        title: weight::ERROR_LINE,
        // A little less: the error line's words, tags and services.
        keywords: 6.0,
        // Only shown.
        date: 0.0,
        severity: 0.0,
        status: 0.0,
    },
};

/// Pagefind's ranking options, as its browser API takes them (see [`RANKING`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ranking {
    /// The weight of each result field (`data-pagefind-meta`).
    pub meta_weights: MetaWeights,
}

/// The weight of each result field a record carries (0: only shown). Every one is named, so
/// none is left to Pagefind's default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetaWeights {
    /// The incident's title.
    pub title: f32,
    /// The error line split at punctuation, tags and services.
    pub keywords: f32,
    /// The day it happened.
    pub date: f32,
    /// Its severity.
    pub severity: f32,
    /// Its status.
    pub status: f32,
}

impl Ranking {
    /// As JSON, the form the page carries.
    pub fn to_json(&self) -> String {
        // Named fields of finite numbers: serde_json has nothing to refuse.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// How many distinct words of a stack trace, logs, a command or a change's changed lines
/// are indexed. Code is most of an incident's text but little of what people search for,
/// and Pagefind holds every indexed word of every page in memory while it builds (about
/// half a kilobyte each), so code is indexed as its distinct words, capped: enough to find
/// an incident by a function, file, setting or log message it names.
const MAX_CODE_WORDS: usize = 40;

/// One incident, ready to index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord {
    /// The incident page, relative to the site root, as the site links to it
    /// (`incidents/x/` with pretty URLs, else `incidents/x/index.html`).
    pub url: String,
    /// The document Pagefind reads.
    pub html: String,
}

impl SearchRecord {
    /// The record of one incident. `pretty_urls` must match the site's links.
    pub fn new(loaded: &LoadedIncident, summary: &IncidentSummary, pretty_urls: bool) -> Self {
        let mut doc = Document::default();
        doc.head(summary);
        doc.body(&loaded.incident, summary);
        Self {
            url: site_url(
                "",
                &Page::Incident(summary.slug.clone()).url_path(),
                pretty_urls,
            ),
            html: doc.finish(),
        }
    }
}

/// Builds a record's HTML; every text that came from a user is escaped.
#[derive(Default)]
struct Document {
    html: String,
}

impl Document {
    /// Result fields, filters and the sort key, as attributes of empty elements.
    fn head(&mut self, s: &IncidentSummary) {
        self.html
            .push_str("<!doctype html><html lang=\"en\"><body>");
        let keywords = keywords(s);
        let fields = [
            ("title", s.title.as_str()),
            ("date", s.day.as_str()),
            ("severity", s.severity.label.as_str()),
            ("status", s.status.label.as_str()),
            ("keywords", keywords.as_str()),
        ];
        self.html.push_str("<div data-pagefind-meta=\"");
        let names: Vec<String> = fields
            .iter()
            .map(|(name, _)| format!("{name}[data-{name}]"))
            .collect();
        self.html.push_str(&names.join(", "));
        self.html.push('"');
        for (name, value) in fields {
            let _ = write!(self.html, " data-{name}=\"{}\"", escape(value));
        }
        self.html.push_str("></div>");

        self.filter("severity", &s.severity.slug);
        self.filter("status", &s.status.slug);
        self.filter("year", &s.year.to_string());
        for tag in &s.tags {
            self.filter("tags", &tag.slug);
        }
        for service in &s.services {
            self.filter("services", &service.slug);
        }
        let _ = write!(
            self.html,
            "<div data-pagefind-sort=\"date[data-v]\" data-v=\"{}\"></div>",
            escape(&s.day)
        );
    }

    fn filter(&mut self, name: &str, value: &str) {
        let _ = write!(
            self.html,
            "<div data-pagefind-filter=\"{name}[data-v]\" data-v=\"{}\"></div>",
            escape(value)
        );
    }

    /// The indexed text, most telling first: excerpts are cut where matches are densest,
    /// and should read well.
    fn body(&mut self, incident: &Incident, s: &IncidentSummary) {
        let mut errors = incident.all_errors();
        let first = errors.next();
        if first.is_some() {
            self.text(weight::ERROR_LINE, &s.error_line);
        }
        if let Some(pattern) = first.and_then(|e| e.pattern.as_ref()) {
            self.text(weight::ERROR_PATTERN, pattern);
        }
        let others: Vec<_> = errors.collect();
        for error in &others {
            self.text(weight::ERROR_LINE, &crate::model::error_line(error));
            if let Some(pattern) = &error.pattern {
                self.text(weight::ERROR_PATTERN, pattern);
            }
        }
        self.text(weight::SUMMARY, &s.summary_text);

        let cause = &incident.root_cause;
        self.markdown_opt(weight::ROOT_CAUSE, cause.summary.as_deref());
        self.markdown_opt(weight::ROOT_CAUSE, cause.technical.as_deref());
        self.markdown_opt(weight::ROOT_CAUSE, cause.trigger.as_deref());
        self.markdown_opt(weight::PROSE, cause.details.as_deref());
        for factor in cause.contributing_factors.iter().chain(&cause.whys) {
            self.markdown(weight::PROSE, factor);
        }

        for error in first.into_iter().chain(others) {
            self.code(weight::TRACE, error.stack_trace.as_deref());
            self.code(weight::TRACE, error.logs.as_deref());
        }
        self.changes(&incident.changes);

        if let Some(resolution) = &incident.resolution {
            self.markdown_opt(weight::PROSE, resolution.summary.as_deref());
            self.steps(&resolution.steps);
        }
        self.actions(&incident.prevention);
        if let Some(lessons) = &incident.lessons {
            self.markdown_opt(weight::PROSE, lessons.summary.as_deref());
            let groups = lessons.groups.iter().flat_map(|g| g.items.iter());
            for lesson in lessons
                .went_well
                .iter()
                .chain(&lessons.went_wrong)
                .chain(&lessons.lucky)
                .chain(&lessons.learned)
                .chain(groups)
            {
                self.markdown(weight::PROSE, lesson);
            }
        }
    }

    fn changes(&mut self, changes: &[Change]) {
        for change in changes {
            self.text(weight::FILES, &change.file);
            self.markdown_opt(weight::PROSE, change.description.as_deref());
            self.code(weight::CODE, Some(&change.changed_lines()));
        }
    }

    fn steps(&mut self, steps: &[Step]) {
        for step in steps {
            self.markdown(weight::PROSE, &step.description);
            self.code(weight::CODE, step.command.as_deref());
        }
    }

    fn actions(&mut self, actions: &[ActionItem]) {
        for action in actions {
            self.markdown(weight::PROSE, &action.action);
            self.markdown_opt(weight::PROSE, action.details.as_deref());
        }
    }

    fn markdown(&mut self, weight: f32, text: &str) {
        self.text(weight, &plain_text(text));
    }

    fn markdown_opt(&mut self, weight: f32, text: Option<&str>) {
        if let Some(text) = text {
            self.markdown(weight, text);
        }
    }

    fn code(&mut self, weight: f32, code: Option<&str>) {
        if let Some(code) = code {
            self.text(weight, &code_words(code, MAX_CODE_WORDS));
        }
    }

    /// One paragraph at `weight`. Paragraphs are block elements, so Pagefind keeps their
    /// words apart and ends each with a full stop in excerpts.
    fn text(&mut self, weight: f32, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let _ = write!(
            self.html,
            "<p data-pagefind-weight=\"{weight}\">{}</p>",
            escape(text)
        );
    }

    fn finish(mut self) -> String {
        self.html.push_str("</body></html>");
        self.html
    }
}

/// The error line with punctuation other than `_` turned into spaces, so that
/// `AbstractConnection.__init__()` is also found as `AbstractConnection` and `__init__`, and
/// a pasted line matches however the browser splits it. Single characters are left out:
/// Pagefind lets a one-letter word match queries that merely start with it.
fn error_words(line: &str) -> String {
    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.chars().count() > 1)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that should find the incident but read badly in an excerpt: the error line split
/// at punctuation (see [`error_words`]), tags and services. They go in a result field, which
/// Pagefind searches (weighed by [`RANKING`]) but never quotes.
fn keywords(s: &IncidentSummary) -> String {
    let mut words = vec![error_words(&s.error_line)];
    words.retain(|w| !w.is_empty());
    words.extend(s.tags.iter().chain(&s.services).map(|t| t.name.clone()));
    words.join(" ")
}

/// The first `max` distinct words of `code`, split at punctuation, in order. Split, because
/// Pagefind indexes a word like `/usr/lib/python3/site-packages/redis/connection.py:747`
/// whole and again as each of its parts and dotted tails, two dozen entries for one path;
/// as plain words each part is indexed once. One- and two-digit numbers (line and column
/// numbers, mostly) are left out.
fn code_words(code: &str, max: usize) -> String {
    let mut seen = HashSet::new();
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| {
            let short_number = word.len() < 3 && word.chars().all(|c| c.is_ascii_digit());
            word.chars().count() > 1 && !short_number
        })
        .filter(|word| seen.insert(word.to_lowercase()))
        .take(max)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_words_split_on_punctuation_but_keep_identifiers() {
        assert_eq!(
            error_words(
                "TypeError: AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'"
            ),
            "TypeError AbstractConnection __init__ got an unexpected keyword argument CLIENT_CLASS"
        );
    }

    #[test]
    fn code_is_indexed_as_distinct_plain_words() {
        assert_eq!(
            code_words(
                "File \"redis/connection.py\", line 747, in __init__\n  File \"redis/client.py\", line 12",
                6
            ),
            "File redis connection py line 747"
        );
        assert_eq!(code_words("a bb cc bb dd", 2), "bb cc");
    }
}
