//! "Did you mean …?": the valid value nearest to what was typed.
//!
//! Nearness is spelling (Jaro-Winkler) and case, and for the words write-ups use for the same
//! thing (`completed` for `done`, `wip` for `in-progress`, `sev1` for `critical`) a table of
//! synonyms, so a value that is spelled nothing like the valid one still gets a suggestion.

pub use crate::model::text::closest;

/// Words people write, and the valid values they mean.
const SYNONYMS: &[(&[&str], &str)] = &[
    (
        &[
            "completed",
            "complete",
            "finished",
            "fixed",
            "closed",
            "resolved",
            "merged",
            "shipped",
        ],
        "done",
    ),
    (
        &[
            "wip",
            "started",
            "ongoing",
            "in progress",
            "in_progress",
            "inprogress",
            "doing",
        ],
        "in-progress",
    ),
    (
        &[
            "wontfix",
            "won't do",
            "won't fix",
            "wont_do",
            "rejected",
            "cancelled",
            "canceled",
            "dropped",
        ],
        "wont-do",
    ),
    (
        &["todo", "to do", "new", "planned", "not started", "pending"],
        "open",
    ),
    (
        &[
            "start",
            "began",
            "begin",
            "onset",
            "impact started",
            "outage",
        ],
        "started",
    ),
    (
        &[
            "noticed",
            "alerted",
            "paged",
            "alert",
            "detection",
            "reported",
        ],
        "detected",
    ),
    (
        &[
            "mitigation",
            "workaround",
            "stabilised",
            "stabilized",
            "recovered",
        ],
        "mitigated",
    ),
    (
        &[
            "fixed",
            "closed",
            "done",
            "recovered",
            "resolution",
            "all clear",
        ],
        "resolved",
    ),
    (&["monitoring", "alerting", "observability"], "detect"),
    (&["fix", "guard", "test", "hardening"], "prevent"),
    (&["runbook", "fallback", "failover"], "mitigate"),
    (&["critical", "urgent", "blocker", "p1", "p0"], "high"),
    (&["normal", "moderate", "p2"], "medium"),
    (&["minor", "trivial", "p3", "p4"], "low"),
    (
        &["pass", "ok", "success", "succeeded", "green", "done"],
        "passed",
    ),
    (&["fail", "error", "broken", "red"], "failed"),
    (&["skip", "ignored", "n/a"], "skipped"),
    (&["todo", "not run", "waiting"], "pending"),
    (&["sev0", "sev1", "p0", "p1", "major outage"], "critical"),
    (&["sev2", "major"], "high"),
    (&["sev3"], "medium"),
    (&["sev4", "sev5"], "low"),
    (
        &["open", "ongoing", "active", "triage", "triaging"],
        "investigating",
    ),
    (&["root caused", "cause found"], "identified"),
    (&["monitoring", "stable", "workaround"], "mitigated"),
    (&["accepted", "taken", "done", "selected"], "chosen"),
    (&["declined", "dropped", "not chosen"], "rejected"),
    (&["later", "postponed", "parked"], "deferred"),
];

/// The valid value nearest to `typed`, if one is near enough to be what was meant.
pub fn suggestion<'a>(typed: &str, valid: &[&'a str]) -> Option<&'a str> {
    let lower = typed.trim().to_lowercase();
    // The same letters and digits in another case or spacing: `sev 2` for `SEV2`.
    let squash = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    if let Some(same) = valid.iter().find(|v| squash(v) == squash(&lower)) {
        return Some(same);
    }
    let meant = SYNONYMS
        .iter()
        .filter(|(words, _)| words.contains(&lower.as_str()))
        .find_map(|(_, value)| valid.iter().find(|v| v.eq_ignore_ascii_case(value)));
    meant.copied().or_else(|| closest(&lower, valid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_case_and_synonyms_all_suggest() {
        let statuses = ["open", "in-progress", "done", "wont-do"];
        assert_eq!(suggestion("completed", &statuses), Some("done"));
        assert_eq!(suggestion("Done", &statuses), Some("done"));
        assert_eq!(suggestion("WIP", &statuses), Some("in-progress"));
        assert_eq!(suggestion("wontfix", &statuses), Some("wont-do"));
        assert_eq!(suggestion("opne", &statuses), Some("open"));
        assert_eq!(suggestion("banana", &statuses), None);
        let severities = ["critical", "high", "medium", "low"];
        assert_eq!(suggestion("SEV1", &severities), Some("critical"));
        assert_eq!(suggestion("sev 2", &["SEV1", "SEV2"]), Some("SEV2"));
        assert_eq!(suggestion("in progress", &statuses), Some("in-progress"));
        assert_eq!(suggestion("hgih", &severities), Some("high"));
        let events = ["started", "detected", "mitigated", "resolved", "other"];
        assert_eq!(suggestion("fixed", &events), Some("resolved"));
        assert_eq!(suggestion("alerted", &events), Some("detected"));
    }
}
