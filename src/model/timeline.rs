//! Placing a timeline in time: each entry's moment from the incident's date, the zones
//! written and the workspace's zone, with times of day rolling past midnight; and what looks
//! wrong about the order, so that a duration never silently vanishes.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{EventKind, Incident};

/// Something about the timeline's order the writer should look at. Entries are numbered
/// from 0, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineProblem {
    /// Entry `later` comes after entry `earlier` in the file but happened before it.
    Backwards { earlier: usize, later: usize },
    /// Both entries mark the start.
    TwoStarts { first: usize, second: usize },
    /// The milestone entry happened before the start (entry `start`, or the incident's date
    /// when `None`), so its duration cannot be counted.
    BeforeStart { entry: usize, start: Option<usize> },
    /// Milestones are marked but nothing says when the incident started.
    NoStart { entry: usize },
}

/// How far back a time of day may go before it is read as the next day: a timeline that
/// goes from 23:50 to 00:10 passed midnight; one that goes from 10:00 to 09:30 went back.
const MIDNIGHT_JUMP: SignedDuration = SignedDuration::from_hours(12);

impl Incident {
    /// Places the incident's date and every timeline entry: times without a zone are in
    /// `zone` (the workspace's), times of day fall on the incident's date or, once the
    /// timeline passes midnight, on the following days. Returns what looks wrong.
    pub fn resolve_times(&mut self, zone: &TimeZone) -> Vec<TimelineProblem> {
        self.date.resolve_in(zone);
        // Times of day share the zone the date was written in, if any.
        let zone = self.date.zone().cloned().unwrap_or_else(|| zone.clone());
        let mut day = self.date.date();
        let mut previous: Option<(usize, Timestamp)> = None;
        let mut problems = Vec::new();
        for (i, entry) in self.timeline.iter_mut().enumerate() {
            let written = entry.time.written().clone();
            let mut at = written.on(day, &zone);
            if let (Some(t), Some((_, before))) = (at, previous)
                && written.date.is_none()
                && before.duration_since(t) >= MIDNIGHT_JUMP
                && let Some(next) = day.tomorrow().ok()
            {
                day = next;
                at = written.on(day, &zone);
            }
            // A later date moves the day on; an earlier one (background from weeks before)
            // does not take the times of day after it back with it.
            if let Some(date) = written.date
                && date > day
            {
                day = date;
            }
            if let (Some(t), Some((j, before))) = (at, previous)
                && t < before
            {
                problems.push(TimelineProblem::Backwards {
                    earlier: j,
                    later: i,
                });
            }
            entry.time.place(at);
            if let Some(t) = at {
                previous = Some((i, t));
            }
        }
        problems.extend(self.milestone_problems());
        problems
    }

    /// Two starts, milestones before the start, milestones without a start.
    fn milestone_problems(&self) -> Vec<TimelineProblem> {
        let mut problems = Vec::new();
        let starts: Vec<usize> = self.kind_entries(EventKind::Started).collect();
        if let [first, second, ..] = starts[..] {
            problems.push(TimelineProblem::TwoStarts { first, second });
        }
        let start = starts
            .first()
            .and_then(|&i| self.timeline[i].time.timestamp().map(|t| (Some(i), t)))
            .or_else(|| self.date.timestamp().map(|t| (None, t)));
        let milestones = [
            EventKind::Detected,
            EventKind::Mitigated,
            EventKind::Resolved,
        ];
        for kind in milestones {
            let Some(entry) = self.kind_entries(kind).next() else {
                continue;
            };
            match (start, self.timeline[entry].time.timestamp()) {
                (Some((start, at)), Some(t)) if t < at => {
                    problems.push(TimelineProblem::BeforeStart { entry, start });
                }
                (None, _) => {
                    problems.push(TimelineProblem::NoStart { entry });
                    break;
                }
                _ => {}
            }
        }
        problems
    }

    /// The entries marked `kind`, in file order.
    pub fn kind_entries(&self, kind: EventKind) -> impl Iterator<Item = usize> + '_ {
        self.timeline
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.kind == Some(kind))
            .map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(date: &str, times: &[(&str, &str)]) -> Incident {
        let mut yaml = format!(
            "title: t\ndate: {date}\nstatus: resolved\nseverity: low\nsummary: s\nroot_cause: r\ntimeline:\n"
        );
        for (time, kind) in times {
            yaml.push_str(&format!(
                "  - {{time: \"{time}\", event: e, kind: {kind}}}\n"
            ));
        }
        serde_saphyr::from_str(&yaml).expect("valid")
    }

    fn placed(incident: &Incident) -> Vec<String> {
        incident
            .timeline
            .iter()
            .map(|e| {
                e.time
                    .timestamp()
                    .map(|t| t.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn a_timeline_that_passes_midnight_continues_on_the_next_day() {
        let mut i = incident(
            "2025-07-12",
            &[
                ("23:40", "started"),
                ("23:55", "detected"),
                ("~01:30", "mitigated"),
                ("02:05", "resolved"),
            ],
        );
        assert_eq!(i.resolve_times(&TimeZone::UTC), []);
        assert_eq!(
            placed(&i),
            [
                "2025-07-12T23:40:00Z",
                "2025-07-12T23:55:00Z",
                "2025-07-13T01:30:00Z",
                "2025-07-13T02:05:00Z"
            ]
        );
    }

    #[test]
    fn local_times_use_the_workspace_zone_and_the_date_zone_wins() {
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        let mut local = incident("2025-07-12 10:00", &[("10:30", "started")]);
        local.resolve_times(&berlin);
        assert_eq!(
            local.date.timestamp().unwrap().to_string(),
            "2025-07-12T08:00:00Z"
        );
        assert_eq!(placed(&local), ["2025-07-12T08:30:00Z"]);
        let mut zoned = incident("2025-07-12T10:00:00Z", &[("10:30", "started")]);
        zoned.resolve_times(&berlin);
        assert_eq!(placed(&zoned), ["2025-07-12T10:30:00Z"]);
    }

    #[test]
    fn backwards_entries_and_two_starts_are_named() {
        let mut i = incident(
            "2025-07-12",
            &[
                ("10:00", "started"),
                ("09:30", "detected"),
                ("11:00", "started"),
            ],
        );
        let problems = i.resolve_times(&TimeZone::UTC);
        assert_eq!(
            problems,
            [
                TimelineProblem::Backwards {
                    earlier: 0,
                    later: 1
                },
                TimelineProblem::TwoStarts {
                    first: 0,
                    second: 2
                },
                TimelineProblem::BeforeStart {
                    entry: 1,
                    start: Some(0)
                },
            ]
        );
        let mut no_start = incident("2025-07-12", &[("10:00", "detected")]);
        assert_eq!(
            no_start.resolve_times(&TimeZone::UTC),
            [TimelineProblem::NoStart { entry: 0 }]
        );
    }
}
