//! How long an incident took to detect, mitigate and resolve, from its timeline.

use jiff::SignedDuration;
use serde::Serialize;

use super::{EventKind, Incident};

/// Time from the start of the incident to each milestone, from the timeline.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Durations {
    /// Start to first detection.
    pub detect: Option<String>,
    /// Start to first mitigation.
    pub mitigate: Option<String>,
    /// Start to resolution.
    pub resolve: Option<String>,
    /// Start to first detection in minutes, for tools.
    pub detect_minutes: Option<i64>,
    /// Start to first mitigation in minutes.
    pub mitigate_minutes: Option<i64>,
    /// Start to resolution in minutes, for trends and sorting.
    pub resolve_minutes: Option<i64>,
}

impl Durations {
    /// Derives durations from timeline entries marked with a `kind`. The start is the first
    /// `started` entry, else the incident's exact date-time.
    pub fn from_incident(incident: &Incident) -> Self {
        let at = |kind: EventKind| {
            incident
                .timeline
                .iter()
                .filter(|entry| entry.kind == Some(kind))
                .find_map(|entry| entry.time.resolve(&incident.date))
        };
        let Some(start) = at(EventKind::Started).or(incident.date.timestamp()) else {
            return Self::default();
        };
        let since = |kind| {
            at(kind)
                .map(|t| t.duration_since(start))
                .filter(|d| !d.is_negative())
        };
        let (detect, mitigate, resolve) = (
            since(EventKind::Detected),
            since(EventKind::Mitigated),
            since(EventKind::Resolved),
        );
        Self {
            detect: detect.map(human),
            mitigate: mitigate.map(human),
            resolve: resolve.map(human),
            detect_minutes: detect.map(|d| d.as_mins()),
            mitigate_minutes: mitigate.map(|d| d.as_mins()),
            resolve_minutes: resolve.map(|d| d.as_mins()),
        }
    }
}

/// `45 min`, `2 h 5 min`, `3 d 4 h`.
pub fn human(duration: SignedDuration) -> String {
    let minutes = duration.as_mins();
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(yaml: &str) -> Incident {
        serde_saphyr::from_str(yaml).expect("a valid incident")
    }

    const BASE: &str = "title: t\ndate: 2025-07-12\nstatus: resolved\nseverity: low\nsummary: s\nerror:\n  type: TypeError\n  message: boom\nroot_cause:\n  summary: r\n";

    #[test]
    fn human_durations() {
        assert_eq!(human(SignedDuration::from_mins(45)), "45 min");
        assert_eq!(human(SignedDuration::from_mins(120)), "2 h");
        assert_eq!(human(SignedDuration::from_mins(125)), "2 h 5 min");
        assert_eq!(
            human(SignedDuration::from_mins(3 * 1440 + 4 * 60 + 7)),
            "3 d 4 h"
        );
    }

    #[test]
    fn durations_come_from_timeline_kinds() {
        let yaml = format!(
            "{BASE}timeline:\n  - {{time: \"09:00\", event: a, kind: started}}\n  - {{time: \"09:12\", event: b, kind: detected}}\n  - {{time: \"10:30\", event: c, kind: mitigated}}\n  - {{time: \"2025-07-13 09:00\", event: d, kind: resolved}}\n"
        );
        let durations = Durations::from_incident(&incident(&yaml));
        assert_eq!(durations.detect.as_deref(), Some("12 min"));
        assert_eq!(durations.mitigate.as_deref(), Some("1 h 30 min"));
        assert_eq!(durations.resolve.as_deref(), Some("1 d"));
        assert_eq!(durations.resolve_minutes, Some(1440));
    }

    #[test]
    fn no_start_means_no_durations() {
        let yaml = format!("{BASE}timeline:\n  - {{time: \"09:12\", event: b, kind: detected}}\n");
        assert_eq!(
            Durations::from_incident(&incident(&yaml)),
            Durations::default()
        );
    }
}
