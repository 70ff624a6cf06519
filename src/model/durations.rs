//! How long an incident took to detect, mitigate and resolve, from its timeline.

use jiff::{SignedDuration, Timestamp};
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
    /// When each phase began, as RFC 3339 (UTC): started, detected, mitigated, resolved.
    #[serde(skip_serializing_if = "Phases::is_empty")]
    pub phases: Phases,
}

/// When each phase of the incident began, from the timeline's milestones (RFC 3339, UTC),
/// and whether the writer marked the time approximate.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Phases {
    /// The failure began.
    pub started: Option<PhaseTime>,
    /// Someone or something noticed.
    pub detected: Option<PhaseTime>,
    /// Impact stopped.
    pub mitigated: Option<PhaseTime>,
    /// Fixed for good.
    pub resolved: Option<PhaseTime>,
}

/// The moment a phase began.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PhaseTime {
    /// RFC 3339, UTC.
    pub at: String,
    /// Whether the time was written as approximate.
    pub approximate: bool,
}

impl Phases {
    /// Whether no phase is known.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Durations {
    /// Derives durations from timeline entries marked with a `kind`. The start is the first
    /// `started` entry, else the incident's exact date-time.
    /// A duration from or to an approximate time is shown as approximate (`~45 min`).
    /// Milestones before the start give none; loading warns about them.
    pub fn from_incident(incident: &Incident) -> Self {
        let at = |kind: EventKind| {
            incident
                .timeline
                .iter()
                .filter(|entry| entry.kind == Some(kind))
                .find_map(|entry| {
                    let at = entry.time.timestamp()?;
                    Some((at, entry.time.approximate()))
                })
        };
        let started = at(EventKind::Started).or_else(|| {
            let date = &incident.date;
            date.timestamp().map(|t| (t, date.approximate()))
        });
        let phase = |found: Option<(Timestamp, bool)>| {
            found.map(|(t, approximate)| PhaseTime {
                at: t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                approximate,
            })
        };
        let phases = Phases {
            started: phase(started),
            detected: phase(at(EventKind::Detected)),
            mitigated: phase(at(EventKind::Mitigated)),
            resolved: phase(at(EventKind::Resolved)),
        };
        let Some((start, start_approximate)) = started else {
            return Self {
                phases,
                ..Self::default()
            };
        };
        let since = |kind| {
            at(kind)
                .map(|(t, approximate)| (t.duration_since(start), approximate || start_approximate))
                .filter(|(d, _)| !d.is_negative())
        };
        let (detect, mitigate, resolve) = (
            since(EventKind::Detected),
            since(EventKind::Mitigated),
            since(EventKind::Resolved),
        );
        let text = |d: Option<(SignedDuration, bool)>| {
            d.map(|(d, approximate)| {
                if approximate {
                    format!("~{}", human(d))
                } else {
                    human(d)
                }
            })
        };
        Self {
            detect: text(detect),
            mitigate: text(mitigate),
            resolve: text(resolve),
            detect_minutes: detect.map(|(d, _)| d.as_mins()),
            mitigate_minutes: mitigate.map(|(d, _)| d.as_mins()),
            resolve_minutes: resolve.map(|(d, _)| d.as_mins()),
            phases,
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
        let mut incident: Incident = serde_saphyr::from_str(yaml).expect("a valid incident");
        incident.resolve_times(&jiff::tz::TimeZone::UTC);
        incident
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
        assert_eq!(
            durations.phases.detected.map(|p| p.at).as_deref(),
            Some("2025-07-12T09:12:00Z")
        );
    }

    #[test]
    fn approximate_times_give_approximate_durations() {
        let yaml = format!(
            "{BASE}timeline:\n  - {{time: \"23:50\", event: a, kind: started}}\n  - {{time: \"~00:20\", event: b, kind: resolved}}\n"
        );
        let durations = Durations::from_incident(&incident(&yaml));
        assert_eq!(durations.resolve.as_deref(), Some("~30 min"));
        assert!(durations.phases.resolved.is_some_and(|p| p.approximate));
    }

    #[test]
    fn no_start_means_no_durations() {
        let yaml = format!("{BASE}timeline:\n  - {{time: \"09:12\", event: b, kind: detected}}\n");
        let durations = Durations::from_incident(&incident(&yaml));
        assert_eq!(durations.detect, None);
        assert_eq!(durations.detect_minutes, None);
    }
}
