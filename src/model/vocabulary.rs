//! A team's own words for severity and status.
//!
//! Teams grade incidents `SEV1…SEV4`, `P1…P4` or `critical…low`, and close them as
//! `resolved`, `closed` or `done`. A workspace lists its levels in `postmortem.toml` (most
//! severe first; statuses in the order an incident moves through them), each with a name,
//! an optional label and description, and aliases; files may use any name or alias, in any
//! case. Without a list, the defaults below apply, so existing workspaces keep working.
//!
//! An incident file's `severity` and `status` are read as written ([`Choice`]) and resolved
//! against the workspace's vocabulary when the file is loaded, so the model never needs to
//! know a team's words and `check` can suggest the nearest valid one.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_saphyr::Spanned;

/// One word of a vocabulary: a severity level or a status.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Word {
    /// The name files use and pages show, e.g. `SEV1` or `resolved`.
    pub name: String,
    /// A longer name for badges and filters, e.g. "Critical"; the name when absent.
    #[serde(default)]
    pub label: Option<String>,
    /// What the level means, shown in editors' completion.
    #[serde(default)]
    pub description: Option<String>,
    /// Other names files may use for it, e.g. `P1` or `closed`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Statuses only: whether an incident with this status needs no more work. When no
    /// status says so, the last one does.
    #[serde(default)]
    pub closed: bool,
}

/// An ordered list of levels: severities most severe first, statuses in workflow order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Vocabulary {
    /// What the levels grade, e.g. `severity`.
    pub field: &'static str,
    /// The levels, in order.
    pub levels: Vec<Word>,
    /// CSS tones for the levels, in order: the default vocabulary's names, spread over as
    /// many levels as there are, so the default stylesheet colours any vocabulary.
    tones: Vec<&'static str>,
}

/// Severity and status vocabularies of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Vocabularies {
    /// Severity levels, most severe first.
    pub severity: Vocabulary,
    /// Statuses, in the order an incident moves through them.
    pub status: Vocabulary,
}

impl Default for Vocabularies {
    fn default() -> Self {
        Self {
            severity: Vocabulary::new("severity", default_levels(SEVERITIES)),
            status: Vocabulary::new("status", default_levels(STATUSES)),
        }
    }
}

/// The default severities: name, description, aliases.
const SEVERITIES: &[(&str, &str, &[&str])] = &[
    (
        "critical",
        "Outage or data loss for many users; all hands.",
        &[],
    ),
    ("high", "A major feature broken or badly degraded.", &[]),
    (
        "medium",
        "Degraded for some users, or a workaround exists.",
        &[],
    ),
    (
        "low",
        "Minor, cosmetic, or caught before users noticed.",
        &[],
    ),
];

/// The default statuses: name, description, aliases.
const STATUSES: &[(&str, &str, &[&str])] = &[
    ("investigating", "Still looking for the cause.", &["open"]),
    ("identified", "Cause known, fix not yet in place.", &[]),
    (
        "mitigated",
        "Impact stopped, but the fix is not complete or not verified.",
        &["monitoring"],
    ),
    ("resolved", "Fixed and verified.", &["closed", "fixed"]),
];

fn default_levels(table: &[(&str, &str, &[&str])]) -> Vec<Word> {
    table
        .iter()
        .map(|(name, description, aliases)| Word {
            name: (*name).into(),
            label: None,
            description: Some((*description).into()),
            aliases: aliases.iter().map(|a| (*a).into()).collect(),
            closed: false,
        })
        .collect()
}

impl Vocabulary {
    /// A vocabulary of `levels` for `field` (`severity` or `status`). A status list that
    /// marks none closed gets its last one closed.
    pub fn new(field: &'static str, mut levels: Vec<Word>) -> Self {
        if field == "status"
            && !levels.iter().any(|l| l.closed)
            && let Some(last) = levels.last_mut()
        {
            last.closed = true;
        }
        let defaults: Vec<&'static str> = match field {
            "status" => STATUSES.iter().map(|s| s.0).collect(),
            _ => SEVERITIES.iter().map(|s| s.0).collect(),
        };
        let tones = (0..levels.len())
            .map(|i| {
                if field == "status" && levels[i].closed {
                    return defaults[defaults.len() - 1];
                }
                let last = levels.len().saturating_sub(1).max(1);
                defaults[(i * (defaults.len() - 1) + last / 2) / last]
            })
            .collect();
        Self {
            field,
            levels,
            tones,
        }
    }

    /// The default severities.
    pub fn default_severity() -> Self {
        Vocabularies::default().severity
    }

    /// The level `text` names (by name or alias, in any case), by position.
    pub fn resolve(&self, text: &str) -> Option<usize> {
        let text = text.trim();
        self.levels.iter().position(|level| {
            level.name.eq_ignore_ascii_case(text)
                || level.aliases.iter().any(|a| a.eq_ignore_ascii_case(text))
        })
    }

    /// Every name and alias a file may use.
    pub fn accepted(&self) -> Vec<&str> {
        self.levels
            .iter()
            .flat_map(|l| {
                std::iter::once(l.name.as_str()).chain(l.aliases.iter().map(String::as_str))
            })
            .collect()
    }

    /// The names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.levels.iter().map(|l| l.name.as_str()).collect()
    }

    /// The level at `rank` as pages show it.
    pub fn grade(&self, rank: usize) -> Grade {
        let level = &self.levels[rank.min(self.levels.len() - 1)];
        Grade {
            name: level.name.clone(),
            label: level.label.clone().unwrap_or_else(|| level.name.clone()),
            slug: crate::model::text::css_slug(&level.name),
            tone: self.tones[rank.min(self.tones.len() - 1)],
            rank,
            closed: level.closed,
        }
    }

    /// The JSON Schema of the field: one entry per name (with its description) and per
    /// alias, so editors complete exactly the workspace's words.
    pub fn json_schema(&self, description: &str) -> serde_json::Value {
        let mut one_of = Vec::new();
        for level in &self.levels {
            let mut entry = serde_json::Map::new();
            if let Some(text) = level.description.as_ref().or(level.label.as_ref()) {
                entry.insert("description".into(), text.clone().into());
            }
            entry.insert("type".into(), "string".into());
            entry.insert("const".into(), level.name.clone().into());
            one_of.push(serde_json::Value::Object(entry));
            for alias in &level.aliases {
                one_of.push(serde_json::json!({
                    "description": format!("Same as `{}`.", level.name),
                    "type": "string",
                    "const": alias,
                }));
            }
        }
        serde_json::json!({ "description": description, "oneOf": one_of })
    }
}

/// Puts the workspace's severities and statuses into a schema whose `$defs` hold the
/// stand-ins [`SeveritySchema`] and [`StatusSchema`].
pub fn fill_schema(schema: &mut serde_json::Value, vocabularies: &Vocabularies) {
    if let Some(defs) = schema.get_mut("$defs").and_then(|d| d.as_object_mut()) {
        defs.insert(
            "Severity".into(),
            vocabularies
                .severity
                .json_schema("How bad an incident was."),
        );
        defs.insert(
            "Status".into(),
            vocabularies.status.json_schema("Where an incident stands."),
        );
    }
}

/// A level as pages, lists and data show it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Grade {
    /// The name, as configured.
    pub name: String,
    /// What badges say: the label, else the name.
    pub label: String,
    /// Filter value and URL-safe form of the name.
    pub slug: String,
    /// The default level whose colours it wears (`critical`…`low`,
    /// `investigating`…`resolved`): the CSS class suffix.
    pub tone: &'static str,
    /// Its position: 0 is the most severe, or the first status.
    pub rank: usize,
    /// Statuses: whether the incident needs no more work.
    pub closed: bool,
}

/// A severity or status as written in a file, resolved against the workspace's vocabulary
/// when the file is loaded. It serialises as the level's configured name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Choice {
    /// The text as written.
    pub written: String,
    /// Where it was written: byte offset and length in the file, when known.
    pub span: Option<(usize, usize)>,
    /// The level's position and configured name, once resolved.
    pub resolved: Option<(usize, String)>,
}

impl Choice {
    /// A choice written as `text`, not yet resolved.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            written: text.into(),
            span: None,
            resolved: None,
        }
    }

    /// The level's name once resolved, else the text as written.
    pub fn name(&self) -> &str {
        self.resolved
            .as_ref()
            .map_or(self.written.as_str(), |(_, name)| name.as_str())
    }

    /// The level's position, once resolved.
    pub fn rank(&self) -> Option<usize> {
        self.resolved.as_ref().map(|(rank, _)| *rank)
    }

    /// Resolves against `vocabulary`; says whether the text names one of its levels.
    pub fn resolve(&mut self, vocabulary: &Vocabulary) -> bool {
        self.resolved = vocabulary
            .resolve(&self.written)
            .map(|rank| (rank, vocabulary.levels[rank].name.clone()));
        self.resolved.is_some()
    }
}

impl Serialize for Choice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Choice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<String>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let span = span
            .byte_offset()
            .zip(span.byte_len())
            .map(|(offset, len)| (offset as usize, len as usize));
        Ok(Self {
            written: spanned.value,
            span,
            resolved: None,
        })
    }
}

/// The schema stand-in of a severity; `schema_json` replaces it with the workspace's levels.
pub struct SeveritySchema;
/// The schema stand-in of a status; `schema_json` replaces it with the workspace's levels.
pub struct StatusSchema;

impl JsonSchema for SeveritySchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Severity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

impl JsonSchema for StatusSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Status".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(names: &[&str]) -> Vec<Word> {
        names
            .iter()
            .map(|n| Word {
                name: (*n).into(),
                label: None,
                description: None,
                aliases: vec![n.to_lowercase().replace("sev", "p")],
                closed: false,
            })
            .collect()
    }

    #[test]
    fn names_and_aliases_resolve_in_any_case() {
        let severity = Vocabulary::new("severity", levels(&["SEV1", "SEV2", "SEV3", "SEV4"]));
        assert_eq!(severity.resolve("sev2"), Some(1));
        assert_eq!(severity.resolve("P4"), Some(3));
        assert_eq!(severity.resolve("critical"), None);
        let defaults = Vocabularies::default();
        assert_eq!(defaults.status.resolve("Closed"), Some(3));
        assert_eq!(defaults.severity.resolve("HIGH"), Some(1));
    }

    #[test]
    fn tones_spread_over_any_number_of_levels() {
        let defaults = Vocabularies::default();
        let tones: Vec<&str> = (0..4).map(|i| defaults.severity.grade(i).tone).collect();
        assert_eq!(tones, ["critical", "high", "medium", "low"]);
        let five = Vocabulary::new(
            "severity",
            levels(&["SEV0", "SEV1", "SEV2", "SEV3", "SEV4"]),
        );
        let tones: Vec<&str> = (0..5).map(|i| five.grade(i).tone).collect();
        assert_eq!(tones, ["critical", "high", "medium", "medium", "low"]);
        let two = Vocabulary::new("status", levels(&["open", "closed"]));
        assert_eq!(two.grade(0).tone, "investigating");
        assert!(two.grade(1).closed && two.grade(1).tone == "resolved");
    }
}
