//! The sections of an incident file: everything after the header fields.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::prose::FromProse;
use super::{Day, NonEmptyString, TimelineTime};

/// Where the incident happened.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Environment name, e.g. `production`, `staging`, `development`. Plain text.
    #[serde(default)]
    pub name: Option<String>,
    /// Platform or system, e.g. "Django 5.2 on Kubernetes". Plain text.
    #[serde(default)]
    pub platform: Option<String>,
    /// Versions of the components involved, e.g. `redis-py: 5.0.1`.
    #[serde(default)]
    pub versions: Vec<ComponentVersion>,
    /// Anything else about the environment. Markdown.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A component and its version.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentVersion {
    /// Component name, e.g. `redis-py`. Plain text.
    pub name: NonEmptyString,
    /// Version, e.g. `5.0.1`. Plain text.
    pub version: String,
    /// Why it matters, e.g. "compatible with Django 4.0+". Markdown.
    #[serde(default)]
    pub note: Option<String>,
}

/// The error as it was seen.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetails {
    /// Error class or code, e.g. `TypeError`, `ERR_CONNECTION_TIMED_OUT`, `HTTP 500`. Plain
    /// text.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The error message, verbatim, e.g. "AbstractConnection.__init__() got an unexpected
    /// keyword argument 'CLIENT_CLASS'".
    pub message: NonEmptyString,
    /// Names the error pattern explicitly; wins over the pattern computed from type and
    /// message.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The stack trace, verbatim.
    #[serde(default)]
    pub stack_trace: Option<String>,
    /// Language of the stack trace for highlighting, e.g. `python`; plain text by default.
    #[serde(default)]
    pub stack_trace_language: Option<String>,
    /// Relevant log lines, verbatim.
    #[serde(default)]
    pub logs: Option<String>,
}

/// Who and what was affected.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    /// The impact in a sentence or two, e.g. "Login completely broken". Markdown.
    #[serde(default)]
    pub summary: Option<String>,
    /// Who was affected, e.g. "all users", "internal developers only". Plain text.
    #[serde(default)]
    pub users: Option<String>,
    /// How long it lasted or took, when the timeline does not say, e.g. "~2.5 hours".
    /// Plain text.
    #[serde(default)]
    pub duration: Option<String>,
    /// Longer description. Markdown.
    #[serde(default)]
    pub details: Option<String>,
}

impl FromProse for Impact {
    const FIELDS: &'static str = "summary, users, duration, details";
    fn from_prose(text: String) -> Self {
        Self {
            summary: Some(text),
            ..Self::default()
        }
    }
}

/// One moment in the incident.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// When: an RFC 3339 date-time, `YYYY-MM-DD HH:MM`, or `HH:MM` on the incident's date.
    pub time: TimelineTime,
    /// What happened. Markdown.
    pub event: NonEmptyString,
    /// Marks the milestones from which time to detect, mitigate and resolve are derived.
    #[serde(default)]
    pub kind: Option<EventKind>,
}

/// A milestone in the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The failure began.
    Started,
    /// Someone or something noticed.
    Detected,
    /// Impact stopped.
    Mitigated,
    /// Fixed for good.
    Resolved,
    /// Any other notable event.
    Other,
}

/// A change to code or configuration, with before and after.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Path of the changed file, e.g. `dashboard_project/settings.py`.
    pub file: NonEmptyString,
    /// Lines touched, e.g. `271-299`.
    #[serde(default)]
    pub lines: Option<String>,
    /// Language for highlighting; guessed from the file extension when absent.
    #[serde(default)]
    pub language: Option<String>,
    /// What changed and why. Markdown.
    #[serde(default)]
    pub description: Option<String>,
    /// How risky the change is.
    #[serde(default)]
    pub risk: Option<Level>,
    /// The code before the change, verbatim.
    #[serde(default)]
    pub before: Option<String>,
    /// The code after the change, verbatim.
    #[serde(default)]
    pub after: Option<String>,
}

/// A three-step scale for risk and priority.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Needs attention first.
    High,
    /// Normal.
    Medium,
    /// Can wait.
    Low,
}

/// How it was fixed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// The fix in a sentence or two. Markdown.
    #[serde(default)]
    pub summary: Option<String>,
    /// What was done, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Time from start to fix when no timeline gives it, e.g. "< 30 minutes". Plain text.
    #[serde(default)]
    pub time_to_resolve: Option<String>,
}

impl FromProse for Resolution {
    const FIELDS: &'static str = "summary, steps, time_to_resolve";
    fn from_prose(text: String) -> Self {
        Self {
            summary: Some(text),
            ..Self::default()
        }
    }
}

/// One step of a procedure, optionally with a command.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the step does. Markdown.
    pub description: NonEmptyString,
    /// Group heading, e.g. "Phase 1: Environment setup". Plain text.
    #[serde(default)]
    pub group: Option<String>,
    /// Command or code to run, verbatim.
    #[serde(default)]
    pub command: Option<String>,
    /// Language of `command`; `bash` by default.
    #[serde(default)]
    pub language: Option<String>,
    /// Whether the step is done; absent means it is just an instruction.
    #[serde(default)]
    pub done: Option<bool>,
}

/// How the fix was verified.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// How verification was approached. Markdown.
    #[serde(default)]
    pub summary: Option<String>,
    /// Manual verification, as numbered steps (each a Markdown description, with an
    /// optional command).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Individual checks and tests.
    #[serde(default)]
    pub tests: Vec<Test>,
    /// Results of whole test suites.
    #[serde(default)]
    pub suites: Vec<Suite>,
}

impl FromProse for Verification {
    const FIELDS: &'static str = "summary, steps, tests, suites";
    fn from_prose(text: String) -> Self {
        Self {
            summary: Some(text),
            ..Self::default()
        }
    }
}

/// One check or test.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Test {
    /// What is checked, e.g. "Cache clear test" or "`redis-cli ping` answers". Markdown
    /// (inline).
    pub name: NonEmptyString,
    /// Group heading, e.g. "Manual testing" or "Functional requirements". Plain text.
    #[serde(default)]
    pub group: Option<String>,
    /// Outcome.
    pub status: TestStatus,
    /// Command or code that runs the check, verbatim.
    #[serde(default)]
    pub command: Option<String>,
    /// Language of `command`; `bash` by default.
    #[serde(default)]
    pub language: Option<String>,
    /// What a pass looks like, e.g. "PONG".
    #[serde(default)]
    pub expected: Option<String>,
    /// What was actually printed, verbatim.
    #[serde(default)]
    pub output: Option<String>,
    /// Language of `output` and `expected` for highlighting, e.g. `json`.
    #[serde(default)]
    pub output_language: Option<String>,
    /// Anything worth knowing about the result. Markdown.
    #[serde(default)]
    pub note: Option<String>,
}

/// Outcome of a check or test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    /// It passed.
    Passed,
    /// It failed.
    Failed,
    /// It was deliberately not run.
    Skipped,
    /// Not run yet.
    Pending,
}

/// Totals of a test suite run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Suite name, e.g. "All existing tests". Plain text.
    pub name: NonEmptyString,
    /// Command that runs it, verbatim.
    #[serde(default)]
    pub command: Option<String>,
    /// Number of passing tests.
    #[serde(default)]
    pub passed: u64,
    /// Number of failing tests.
    #[serde(default)]
    pub failed: u64,
    /// Number of skipped tests.
    #[serde(default)]
    pub skipped: u64,
    /// Wall time, e.g. `3.63s`.
    #[serde(default)]
    pub duration: Option<String>,
    /// e.g. "139 failures are pre-existing integration tests". Markdown.
    #[serde(default)]
    pub note: Option<String>,
}

/// A measurement, ideally before and after the fix.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// What is measured, e.g. "Server startup time". Plain text.
    pub name: NonEmptyString,
    /// Group heading, e.g. "Performance impact" or "Quality indicators". Plain text.
    #[serde(default)]
    pub group: Option<String>,
    /// Value before the fix, e.g. "∞ (hung)". Plain text.
    #[serde(default)]
    pub before: Option<String>,
    /// Value after the fix, e.g. "~5 seconds". Plain text.
    #[serde(default)]
    pub after: Option<String>,
    /// Comment, e.g. "Fixed". Markdown.
    #[serde(default)]
    pub note: Option<String>,
}

/// Something someone should do.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    /// What to do, in one line. Markdown.
    pub action: NonEmptyString,
    /// Group heading, e.g. "Configuration management" or "Long-term improvements". Plain
    /// text.
    #[serde(default)]
    pub group: Option<String>,
    /// What the action does against recurrence.
    #[serde(default)]
    pub kind: Option<ActionKind>,
    /// Person or team responsible. Plain text.
    #[serde(default)]
    pub owner: Option<String>,
    /// How urgent it is.
    #[serde(default)]
    pub priority: Option<Level>,
    /// Due date, `YYYY-MM-DD`.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub due: Option<Day>,
    /// Progress.
    #[serde(default)]
    pub status: ActionStatus,
    /// Ticket or pull request URL; pages name it by what it points at (`PR #42`,
    /// `OPS-17`, the host).
    #[serde(default)]
    pub link: Option<String>,
    /// Details, commands, estimates. Markdown.
    #[serde(default)]
    pub details: Option<String>,
}

/// What an action item does against recurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// Notice it sooner next time (monitoring, alerts).
    Detect,
    /// Limit the damage next time (fallbacks, runbooks).
    Mitigate,
    /// Make it impossible (fixes, tests, guards).
    Prevent,
    /// Change how the team works.
    Process,
}

/// Progress of an action item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// Not started.
    #[default]
    Open,
    /// Someone is on it.
    InProgress,
    /// Finished.
    Done,
    /// Decided against.
    WontDo,
}

impl ActionStatus {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in-progress",
            Self::Done => "done",
            Self::WontDo => "wont-do",
        }
    }

    /// Whether the item still needs doing.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::InProgress)
    }
}

/// How to undo the fix.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollback {
    /// When and why to roll back. Markdown.
    #[serde(default)]
    pub summary: Option<String>,
    /// The rollback procedure, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
}

impl FromProse for Rollback {
    const FIELDS: &'static str = "summary, steps";
    fn from_prose(text: String) -> Self {
        Self {
            summary: Some(text),
            ..Self::default()
        }
    }
}

/// A problem that remains.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnownIssue {
    /// The issue in a few words. Plain text.
    pub title: NonEmptyString,
    /// e.g. "Non-blocking, pre-existing". Plain text.
    #[serde(default)]
    pub status: Option<String>,
    /// What the issue is. Markdown.
    #[serde(default)]
    pub details: Option<String>,
    /// The error it produces, verbatim.
    #[serde(default)]
    pub error: Option<String>,
    /// How to fix it. Markdown.
    #[serde(default)]
    pub solution: Option<String>,
    /// The change that would fix it.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// What it affects. Markdown.
    #[serde(default)]
    pub impact: Option<String>,
}

/// A reference to something outside this file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// What it is, e.g. "QMS record" or "Fix pull request". Plain text.
    pub title: NonEmptyString,
    /// Where it is. Optional for references without an address, such as a record number.
    #[serde(default)]
    pub url: Option<String>,
    /// Identifier in the other system, e.g. `REC-REDIS-CLIENT-CLASS-ERROR-250712-001`.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A free section, so that nothing a team writes is dropped.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Section heading. Plain text.
    pub title: NonEmptyString,
    /// Section content. Markdown, including fenced code blocks.
    pub body: NonEmptyString,
}
