//! Why it happened, and what the team weighed: causes of several kinds, and alternatives.
//!
//! Write-ups distinguish the root cause (why it could happen) from the technical cause or
//! fault (what broke), the trigger (what set it off), contributing factors and a chain of
//! whys; none is forced into another. Decisions record the options considered.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::NonEmptyString;
use super::prose::FromProse;

/// Why it happened. A root cause or contributing factors are required.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootCause {
    /// The root cause in one or two sentences: why the failure could happen. Markdown.
    #[serde(default)]
    pub summary: Option<String>,
    /// The technical cause or fault: what broke, when it is not the root cause, e.g. "the
    /// connection pool was exhausted". Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical: Option<String>,
    /// The investigation and explanation in depth. Markdown.
    #[serde(default)]
    pub details: Option<String>,
    /// What made it possible or worse. Markdown.
    #[serde(default)]
    pub contributing_factors: Vec<String>,
    /// What set it off, e.g. "dependency upgrade to redis-py 5". Markdown.
    #[serde(default)]
    pub trigger: Option<String>,
    /// The chain of "why?" questions and answers, in order (five whys). Markdown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub whys: Vec<String>,
}

impl RootCause {
    /// Whether it names a cause at all: a summary, a technical cause or a factor.
    pub fn is_stated(&self) -> bool {
        let said = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        said(&self.summary)
            || said(&self.technical)
            || self
                .contributing_factors
                .iter()
                .any(|f| !f.trim().is_empty())
    }
}

impl FromProse for RootCause {
    const FIELDS: &'static str = "summary, technical, trigger, contributing_factors, whys, details";
    fn from_prose(text: String) -> Self {
        Self {
            summary: Some(text),
            ..Self::default()
        }
    }
}

/// An option the team considered.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// The option in a few words, e.g. "Roll back to 1.4". Markdown (inline).
    pub option: NonEmptyString,
    /// What spoke for it. Markdown.
    #[serde(default)]
    pub pros: Vec<String>,
    /// What spoke against it. Markdown.
    #[serde(default)]
    pub cons: Vec<String>,
    /// What was decided about it.
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Why. Markdown.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What was decided about an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// This is what the team did.
    Chosen,
    /// Considered and not done.
    Rejected,
    /// Kept for later.
    Deferred,
}
