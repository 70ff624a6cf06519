//! The incident file format, defined once.
//!
//! These types are the single definition of what an incident file may contain: serde reads
//! them from YAML, schemars exports them as JSON Schema (`postmortem schema`), and the
//! renderers print them. Doc comments become the schema's descriptions, which editors show
//! while a user types, so they are written for the person filling in the file.
//!
//! Every section found in real write-ups has a home here; `sections` takes whatever else a
//! team writes, so nothing is ever dropped. Fields documented as "Markdown" accept
//! CommonMark with tables, task lists and strikethrough.

mod analysis;
mod change;
pub mod diagram;
pub mod digest;
pub mod durations;
pub mod fingerprint;
mod kept;
pub mod languages;
mod lessons;
pub mod markdown_fields;
pub mod prose;
mod sections;
pub mod signature;
pub mod text;
mod time;
mod timeline;
pub mod vocabulary;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

pub use analysis::{Alternative, Decision, RootCause};
pub use digest::{Digest, Digester};
pub use durations::{Durations, PhaseTime, Phases, human};
pub use fingerprint::{Pattern, error_line, pattern_of};
pub use lessons::{LessonGroup, Lessons};
pub use sections::*;
pub use signature::Signature;
pub use text::NonEmptyString;
pub use time::{Day, IncidentDate, TimelineTime, Written};
pub use timeline::TimelineProblem;
pub use vocabulary::{Choice, Grade, Vocabularies, Vocabulary, Word};

/// One incident: what broke, why, how it was fixed and what the team learned.
///
/// The file name (without `.yaml`) is the incident's slug and its URL. Text fields say
/// whether they are Markdown (rendered on the site, kept as written in reports) or plain
/// text (shown exactly as typed, in both).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "postmortem incident")]
pub struct Incident {
    /// One line naming the failure, e.g. "Redis CLIENT_CLASS option breaks login". Plain
    /// text.
    pub title: NonEmptyString,
    /// The title of the original write-up, when it differs from the failure, e.g.
    /// "Postmortem: login outage of 12 July". Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_title: Option<String>,
    /// When the incident started: a date (`2025-07-12`), a date and time
    /// (`2025-07-12 09:30`, in the workspace's `timezone` unless a zone follows: `UTC`,
    /// `+02:00`, `Europe/Berlin`), or an RFC 3339 date-time (`2025-07-12T09:30:00+02:00`).
    pub date: IncidentDate,
    /// Optional identifier from another system (ticket, error pattern, QMS record), unique
    /// across all incidents, e.g. `INC-1234` or `ERR-REDIS-250712-001`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Where the incident stands now: one of the workspace's statuses (or an alias).
    #[schemars(with = "vocabulary::StatusSchema")]
    pub status: Choice,
    /// A short qualifier of the status, e.g. "Production ready" or "Tests pending". Plain
    /// text.
    #[serde(default)]
    pub status_note: Option<String>,
    /// How bad it was: one of the workspace's severity levels (or an alias).
    #[schemars(with = "vocabulary::SeveritySchema")]
    pub severity: Choice,
    /// Fields someone still has to check, e.g. `severity` after `postmortem import` wrote the
    /// workspace's default because the original did not say. `check` warns while the list is
    /// not empty and the site marks the incident "imported, needs review".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<String>,
    /// Two or three sentences for someone who reads nothing else. Markdown.
    pub summary: NonEmptyString,
    /// Who wrote this postmortem. Plain text.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Who led the response (incident lead, commander). Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Who owns the postmortem and its follow-ups, when not the lead. Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Who else took part in the response. Plain text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responders: Vec<String>,
    /// Free labels for grouping and filtering, e.g. `redis`, `config`, `dependency`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Affected services or systems, e.g. `authentication`, `checkout-api`.
    #[serde(default)]
    pub services: Vec<String>,
    /// Where it happened: environment name, component versions, notes.
    #[serde(default)]
    pub environment: Option<Environment>,
    /// The error as users and logs saw it, when there was one. Capacity exhaustion, a bad
    /// deploy seen on a dashboard or a security disclosure may have none; use `errors` for
    /// several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetails>,
    /// More errors, when the incident showed several (each gets its own pattern).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorDetails>,
    /// Who and what was affected, and for how long: a Markdown text, or its parts.
    #[serde(default, deserialize_with = "prose::optional")]
    #[schemars(with = "Option<prose::ProseOr<Impact>>")]
    pub impact: Option<Impact>,
    /// How the incident was noticed (alert, customer report, ...). Markdown.
    #[serde(default)]
    pub detection: Option<String>,
    /// What happened when. Entries with a `kind` give the page its time to detect,
    /// mitigate and resolve.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Why it happened: a Markdown text, or the root cause, technical cause, trigger,
    /// contributing factors and whys apart. A root cause or contributing factors are
    /// required.
    #[serde(deserialize_with = "prose::required")]
    #[schemars(with = "prose::ProseOr<RootCause>")]
    pub root_cause: RootCause,
    /// Options that were considered, chosen or rejected, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    /// Code and configuration changes that fixed it, with before and after.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// How it was fixed: a Markdown text, or its summary and steps.
    #[serde(default, deserialize_with = "prose::optional")]
    #[schemars(with = "Option<prose::ProseOr<Resolution>>")]
    pub resolution: Option<Resolution>,
    /// How the fix was verified: a Markdown text, or steps, tests, commands and suite
    /// results.
    #[serde(default, deserialize_with = "prose::optional")]
    #[schemars(with = "Option<prose::ProseOr<Verification>>")]
    pub verification: Option<Verification>,
    /// Measurements before and after the fix.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// Action items that stop this from happening again.
    #[serde(default)]
    pub prevention: Vec<ActionItem>,
    /// What the team learned.
    #[serde(default)]
    pub lessons: Option<Lessons>,
    /// How to undo the fix if it misbehaves: a Markdown text, or its summary and steps.
    #[serde(default, deserialize_with = "prose::optional")]
    #[schemars(with = "Option<prose::ProseOr<Rollback>>")]
    pub rollback: Option<Rollback>,
    /// Problems that remain, found along the way.
    #[serde(default)]
    pub known_issues: Vec<KnownIssue>,
    /// Work left to do that is not prevention: tests, documentation, clean-up.
    #[serde(default)]
    pub follow_ups: Vec<ActionItem>,
    /// External references: tickets, records, dashboards, pull requests.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Slugs (file names without `.yaml`) or ids of related incidents.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub related: Vec<Spanned<String>>,
    /// Anything else the team wrote, each as a titled Markdown section, so nothing is
    /// dropped.
    #[serde(default)]
    pub sections: Vec<Section>,
}

impl Incident {
    /// Every error, `error` first.
    pub fn all_errors(&self) -> impl Iterator<Item = &ErrorDetails> {
        self.error.iter().chain(&self.errors)
    }
}

/// The JSON Schema of an incident file with the workspace's severities and statuses,
/// pretty-printed.
pub fn schema_json(vocabularies: &Vocabularies) -> String {
    let mut value = schemars::schema_for!(Incident).to_value();
    vocabulary::fill_schema(&mut value, vocabularies);
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
