//! Which heading names which field: the one table of heading wordings, extended by a
//! workspace's `[import.headings]`.
//!
//! Headings are compared normalised: lower case, emoji, numbering (`3.`, `2)`, `IV.`),
//! Markdown emphasis and punctuation removed, `&` read as `and`. So `## 🔍 Root Cause`,
//! `### 2. Root cause:` and `**ROOT CAUSE**` all name `root_cause`.

use std::collections::BTreeMap;

/// Where a section's text can go. The names are the ones `[import.headings]` accepts.
pub const TARGETS: &[&str] = &[
    "summary",
    "impact",
    "detection",
    "timeline",
    "root_cause",
    "technical",
    "trigger",
    "contributing_factors",
    "whys",
    "error",
    "resolution",
    "verification",
    "prevention",
    "follow_ups",
    "lessons",
    "went_well",
    "went_wrong",
    "lucky",
    "rollback",
    "known_issues",
    "metadata",
];

/// The built-in wordings: normalised heading → target. Documented in the README
/// ("Importing a history"); keep the two in step.
const HEADINGS: &[(&str, &[&str])] = &[
    (
        "summary",
        &[
            "summary",
            "overview",
            "issue summary",
            "incident summary",
            "executive summary",
            "tl dr",
            "tldr",
            "description",
            "what happened",
            "problem",
            "problem statement",
            "issue",
            "original issue",
            "background",
        ],
    ),
    (
        "impact",
        &[
            "impact",
            "customer impact",
            "user impact",
            "business impact",
            "impact assessment",
            "impact analysis",
            "blast radius",
            "who was affected",
        ],
    ),
    (
        "detection",
        &[
            "detection",
            "how it was detected",
            "how we found out",
            "discovery",
        ],
    ),
    (
        "timeline",
        &[
            "timeline",
            "incident timeline",
            "chronology",
            "sequence of events",
            "timeline of events",
            "disclosure timeline",
            "response timeline",
            "detailed timeline",
        ],
    ),
    (
        "root_cause",
        &[
            "root cause",
            "root causes",
            "root cause analysis",
            "rca",
            "cause",
            "causes",
            "analysis",
            "causal analysis",
        ],
    ),
    (
        "technical",
        &[
            "fault",
            "technical cause",
            "technical details",
            "technical analysis",
        ],
    ),
    ("trigger", &["trigger", "triggers", "what triggered it"]),
    (
        "contributing_factors",
        &[
            "contributing factors",
            "contributing causes",
            "contributors",
        ],
    ),
    ("whys", &["whys", "five whys", "5 whys", "the five whys"]),
    (
        "error",
        &[
            "error",
            "errors",
            "error message",
            "error details",
            "stack trace",
            "error stack trace",
            "logs",
            "log excerpt",
            "symptoms",
        ],
    ),
    (
        "resolution",
        &[
            "resolution",
            "recovery",
            "fix",
            "the fix",
            "mitigation",
            "solution",
            "solution applied",
            "resolution and recovery",
            "mitigation and resolution",
            "resolution implementation",
            "workaround",
        ],
    ),
    (
        "verification",
        &[
            "verification",
            "testing",
            "validation",
            "testing and validation",
            "verification steps",
            "test results",
            "tests",
        ],
    ),
    (
        "prevention",
        &[
            "action items",
            "corrective actions",
            "corrective and preventive actions",
            "remediation",
            "remediations",
            "prevention",
            "prevention measures",
            "preventive measures",
            "preventative measures",
            "preventive actions",
            "how we prevent this",
        ],
    ),
    (
        "follow_ups",
        &[
            "follow ups",
            "follow up",
            "followups",
            "follow up items",
            "next steps",
            "next steps and recommendations",
            "recommendations",
            "remaining work",
            "open tasks",
        ],
    ),
    (
        "lessons",
        &[
            "lessons learned",
            "lessons",
            "learnings",
            "key learnings",
            "takeaways",
            "key takeaways",
        ],
    ),
    (
        "went_well",
        &["what went well", "things that went well", "went well"],
    ),
    (
        "went_wrong",
        &[
            "what went wrong",
            "things that went wrong",
            "went wrong",
            "what went poorly",
            "what could have gone better",
            "what didn t go so well",
            "what did not go so well",
            "what didn t go well",
            "what can be improved",
            "what could be improved",
        ],
    ),
    (
        "lucky",
        &["where we got lucky", "what we got lucky with", "lucky"],
    ),
    (
        "rollback",
        &[
            "rollback",
            "roll back",
            "rollback plan",
            "rollback procedure",
        ],
    ),
    (
        "known_issues",
        &["known issues", "remaining issues", "open issues"],
    ),
    (
        "metadata",
        &[
            "metadata",
            "incident details",
            "incident information",
            "document information",
            "details",
        ],
    ),
];

/// Heading wordings → targets: the built-in ones and a workspace's.
#[derive(Debug, Clone)]
pub struct Synonyms {
    table: BTreeMap<String, &'static str>,
}

impl Synonyms {
    /// The built-in table plus `extra` (wording → target); an unknown target is an error
    /// that lists the valid ones.
    pub fn new(extra: &BTreeMap<String, String>) -> Result<Self, String> {
        let mut table = BTreeMap::new();
        for (target, wordings) in HEADINGS {
            for wording in *wordings {
                table.insert(normalise(wording), *target);
            }
        }
        for (wording, target) in extra {
            let Some(known) = TARGETS.iter().find(|t| **t == target.as_str()) else {
                return Err(format!(
                    "[import.headings] maps `{wording}` to `{target}`, which is not a field \
                     import fills; valid: {}",
                    TARGETS.join(", ")
                ));
            };
            table.insert(normalise(wording), known);
        }
        Ok(Self { table })
    }

    /// The target a heading names, if any.
    pub fn target(&self, heading: &str) -> Option<&'static str> {
        self.table.get(&normalise(heading)).copied()
    }
}

impl Default for Synonyms {
    fn default() -> Self {
        Self::new(&BTreeMap::new()).unwrap_or(Self {
            table: BTreeMap::new(),
        })
    }
}

/// Lower case, words of letters and digits only, `&` as `and`, leading numbering and
/// emoji gone: the form headings are compared in.
pub fn normalise(heading: &str) -> String {
    let spaced = heading.replace('&', " and ").to_lowercase();
    let words: Vec<&str> = spaced
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // A leading number, roman numeral or a word without ASCII letters (mis-decoded emoji)
    // is numbering or decoration, not wording.
    let skip = words
        .iter()
        .take_while(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || matches!(
                    **w,
                    "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x"
                )
                || !w.chars().any(|c| c.is_ascii_alphanumeric())
                || (w.len() <= 3 && !w.is_ascii())
        })
        .count();
    let rest = &words[skip.min(words.len())..];
    let rest = if rest.is_empty() { &words[..] } else { rest };
    rest.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_in_many_forms_name_one_field() {
        let synonyms = Synonyms::default();
        for heading in [
            "Root Cause",
            "🔍 Root Cause",
            "2. Root cause:",
            "**ROOT CAUSE**",
            "IV. Root Cause Analysis",
            "üîç **Root Cause Analysis**",
        ] {
            assert_eq!(synonyms.target(heading), Some("root_cause"), "{heading}");
        }
        assert_eq!(
            synonyms.target("Testing & Validation"),
            Some("verification")
        );
        assert_eq!(synonyms.target("TL;DR"), Some("summary"));
        assert_eq!(synonyms.target("Where we got lucky"), Some("lucky"));
        assert_eq!(synonyms.target("Conclusion"), None);
    }

    #[test]
    fn a_workspace_extends_the_table_and_unknown_targets_are_refused() {
        let mut extra = BTreeMap::new();
        extra.insert("Customer pain".to_owned(), "impact".to_owned());
        let synonyms = Synonyms::new(&extra).expect("valid target");
        assert_eq!(synonyms.target("## Customer Pain"), Some("impact"));
        extra.insert("Oops".to_owned(), "nonsense".to_owned());
        let error = Synonyms::new(&extra).expect_err("unknown target");
        assert!(
            error.contains("nonsense") && error.contains("root_cause"),
            "{error}"
        );
    }
}
