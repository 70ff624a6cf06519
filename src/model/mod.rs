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

mod change;
pub mod digest;
pub mod durations;
pub mod fingerprint;
pub mod languages;
mod lessons;
mod sections;
pub mod text;
mod time;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

pub use digest::{Digest, Digester};
pub use durations::{Durations, human};
pub use fingerprint::{Pattern, error_line, pattern_of};
pub use lessons::{LessonGroup, Lessons};
pub use sections::*;
pub use text::NonEmptyString;
pub use time::{Day, IncidentDate, TimelineTime};

/// One incident: what broke, why, how it was fixed and what the team learned.
///
/// The file name (without `.yaml`) is the incident's slug and its URL.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "postmortem incident")]
pub struct Incident {
    /// One line naming the failure, e.g. "Redis CLIENT_CLASS option breaks login".
    pub title: NonEmptyString,
    /// When the incident started: a date (`2025-07-12`) or an RFC 3339 date-time
    /// (`2025-07-12T09:30:00+02:00`).
    pub date: IncidentDate,
    /// Optional identifier from another system (ticket, error pattern, QMS record), unique
    /// across all incidents, e.g. `INC-1234` or `ERR-REDIS-250712-001`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Where the incident stands now.
    pub status: Status,
    /// A short qualifier of the status, e.g. "Production ready" or "Tests pending".
    #[serde(default)]
    pub status_note: Option<String>,
    /// How bad it was.
    pub severity: Severity,
    /// Two or three sentences for someone who reads nothing else. Markdown.
    pub summary: NonEmptyString,
    /// Who wrote this postmortem.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Free labels for grouping and filtering, e.g. `redis`, `config`, `dependency`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Affected services or systems, e.g. `authentication`, `checkout-api`.
    #[serde(default)]
    pub services: Vec<String>,
    /// Where it happened: environment name, component versions, notes.
    #[serde(default)]
    pub environment: Option<Environment>,
    /// The error as users and logs saw it.
    pub error: ErrorDetails,
    /// Who and what was affected, and for how long.
    #[serde(default)]
    pub impact: Option<Impact>,
    /// How the incident was noticed (alert, customer report, ...). Markdown.
    #[serde(default)]
    pub detection: Option<String>,
    /// What happened when. Entries with a `kind` give the page its time to detect,
    /// mitigate and resolve.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Why it happened.
    pub root_cause: RootCause,
    /// Code and configuration changes that fixed it, with before and after.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// How it was fixed.
    #[serde(default)]
    pub resolution: Option<Resolution>,
    /// How the fix was verified: tests, commands and suite results.
    #[serde(default)]
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
    /// How to undo the fix if it misbehaves.
    #[serde(default)]
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

/// How bad an incident was.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Outage or data loss for many users; all hands.
    Critical,
    /// A major feature broken or badly degraded.
    High,
    /// Degraded for some users, or a workaround exists.
    Medium,
    /// Minor, cosmetic, or caught before users noticed.
    Low,
}

/// Where an incident stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Still looking for the cause.
    Investigating,
    /// Cause known, fix not yet in place.
    Identified,
    /// Impact stopped, but the fix is not complete or not verified.
    Mitigated,
    /// Fixed and verified.
    Resolved,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [Self::Critical, Self::High, Self::Medium, Self::Low];

    /// The name used in files and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

impl Status {
    /// Every status, in the order an incident moves through them.
    pub const ALL: [Status; 4] = [
        Self::Investigating,
        Self::Identified,
        Self::Mitigated,
        Self::Resolved,
    ];

    /// The name used in files and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Investigating => "investigating",
            Self::Identified => "identified",
            Self::Mitigated => "mitigated",
            Self::Resolved => "resolved",
        }
    }

    /// Whether the incident still needs work.
    pub fn is_open(self) -> bool {
        self != Self::Resolved
    }
}

/// The JSON Schema of an incident file, pretty-printed.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Incident);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
