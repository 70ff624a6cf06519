//! What an incident page answers at a glance: when each phase began and how long after the
//! start, the incident's date as a reader writes it, its impact in one line, how many
//! follow-ups are done, and the visual timeline (phases and events placed on one track).
//!
//! Plain data for the templates: they draw it; nothing here is HTML.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::model::text::plain_text;
use crate::model::{ActionStatus, Durations, EventKind, Incident, PhaseTime};

/// The phases, in order, with the duration field that ends each.
const PHASES: [&str; 4] = ["started", "detected", "mitigated", "resolved"];

/// The panel on top of an incident page.
#[derive(Debug, Serialize)]
pub struct Glance {
    /// The incident's start as a reader writes it: `19 Aug 2025, 04:00 UTC`.
    pub date_text: String,
    /// Started, detected, mitigated, resolved: always four, known or not.
    pub phases: Vec<PhaseView>,
    /// The impact in one line of plain text (who was affected, else the summary's start).
    pub impact: Option<String>,
    /// Follow-ups and prevention items done (or decided against) and still open.
    pub actions_done: usize,
    /// Follow-ups and prevention items still to do.
    pub actions_open: usize,
    /// The visual timeline, when at least two moments are known.
    pub track: Option<Track>,
}

/// One phase's start.
#[derive(Debug, Serialize)]
pub struct PhaseView {
    /// `started`, `detected`, `mitigated` or `resolved`.
    pub kind: &'static str,
    /// RFC 3339, for `<time datetime>`.
    pub at: Option<String>,
    /// As shown: `04:12`, or `20 Aug 04:12` on another day than the start.
    pub text: Option<String>,
    /// Written as approximate.
    pub approximate: bool,
    /// Time since the start: to detect, to mitigate, to resolve (`1 h 5 min`).
    pub since_start: Option<String>,
    /// What that time measures: `detect`, `mitigate` or `resolve` (none for the start).
    pub measure: Option<&'static str>,
}

/// The timeline drawn as a track from the first to the last known moment.
#[derive(Debug, Serialize)]
pub struct Track {
    /// Coloured stretches between phases (`from` → the next known phase).
    pub segments: Vec<Segment>,
    /// Each timeline entry with a known time.
    pub marks: Vec<Mark>,
    /// The first and last moments, as shown.
    pub from: String,
    /// The last moment, as shown.
    pub to: String,
}

/// A stretch of the track.
#[derive(Debug, Serialize)]
pub struct Segment {
    /// The phase the stretch belongs to (`started`: undetected, `detected`: being fixed,
    /// `mitigated`: impact over, not yet resolved).
    pub phase: &'static str,
    /// Start, in percent of the track.
    pub left: f64,
    /// Width, in percent of the track.
    pub width: f64,
}

/// One event on the track.
#[derive(Debug, Serialize)]
pub struct Mark {
    /// Percent of the track.
    pub left: f64,
    /// The entry's kind (`started`, `other`…), when written.
    pub kind: Option<&'static str>,
    /// The time as shown.
    pub time: String,
    /// The event in plain text, cut at a word.
    pub text: String,
}

impl Glance {
    /// What the panel shows of `incident`, with its derived `durations`.
    pub fn new(incident: &Incident, durations: &Durations) -> Self {
        let zone = incident.date.zone().cloned().unwrap_or(TimeZone::UTC);
        let start = durations
            .phases
            .started
            .as_ref()
            .and_then(|p| p.at.parse::<Timestamp>().ok());
        let show = |t: Timestamp| shown(t, start, &zone);
        let p = &durations.phases;
        let since = [
            (None, None),
            (durations.detect.clone(), Some("detect")),
            (durations.mitigate.clone(), Some("mitigate")),
            // Without a resolved entry, the time to resolve the writer gave.
            (
                durations.resolve.clone().or_else(|| {
                    incident
                        .resolution
                        .as_ref()
                        .and_then(|r| r.time_to_resolve.clone())
                }),
                Some("resolve"),
            ),
        ];
        let phases = [&p.started, &p.detected, &p.mitigated, &p.resolved]
            .into_iter()
            .zip(PHASES)
            .zip(since)
            .map(|((phase, kind), (since_start, measure))| PhaseView {
                measure,
                ..phase_view(kind, phase.as_ref(), since_start, &show)
            })
            .collect();
        let (done, open) = incident.follow_ups.iter().chain(&incident.prevention).fold(
            (0, 0),
            |(d, o), a| match a.status {
                ActionStatus::Done | ActionStatus::WontDo => (d + 1, o),
                _ => (d, o + 1),
            },
        );
        let date_text = match incident.date.timestamp() {
            Some(t) => t
                .to_zoned(zone.clone())
                .strftime("%-d %b %Y, %H:%M %Z")
                .to_string(),
            None => incident.date.date().strftime("%-d %b %Y").to_string(),
        };
        Self {
            date_text,
            phases,
            impact: impact_line(incident),
            actions_done: done,
            actions_open: open,
            track: track(incident, durations, &show),
        }
    }
}

fn phase_view(
    kind: &'static str,
    phase: Option<&PhaseTime>,
    since_start: Option<String>,
    show: &impl Fn(Timestamp) -> String,
) -> PhaseView {
    let at = phase.and_then(|p| p.at.parse::<Timestamp>().ok());
    PhaseView {
        kind,
        at: phase.map(|p| p.at.clone()),
        text: at.map(show),
        approximate: phase.is_some_and(|p| p.approximate),
        since_start,
        measure: None,
    }
}

/// `04:12`, or `20 Aug 04:12` when the day is not the start's.
fn shown(t: Timestamp, start: Option<Timestamp>, zone: &TimeZone) -> String {
    let here = t.to_zoned(zone.clone());
    let same_day = start.is_some_and(|s| s.to_zoned(zone.clone()).date() == here.date());
    if same_day {
        here.strftime("%H:%M").to_string()
    } else {
        here.strftime("%-d %b %H:%M").to_string()
    }
}

/// Who was affected, else the start of the impact summary: one line, cut at a word.
fn impact_line(incident: &Incident) -> Option<String> {
    let impact = incident.impact.as_ref()?;
    let text = impact
        .users
        .clone()
        .or_else(|| impact.summary.as_deref().map(plain_text))?;
    let first = text.split_inclusive(". ").next().unwrap_or(&text).trim();
    Some(cut_at_word(first, 140))
}

/// `text` cut at a word boundary to at most `max` characters, with `…` when cut.
pub fn cut_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    let cut = head
        .rfind(char::is_whitespace)
        .filter(|&i| i > max / 2)
        .map(|i| &head[..i])
        .unwrap_or(&head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ', '.']))
}

fn track(
    incident: &Incident,
    durations: &Durations,
    show: &impl Fn(Timestamp) -> String,
) -> Option<Track> {
    let p = &durations.phases;
    let phase_times: Vec<(&'static str, Timestamp)> =
        [&p.started, &p.detected, &p.mitigated, &p.resolved]
            .into_iter()
            .zip(PHASES)
            .filter_map(|(phase, kind)| Some((kind, phase.as_ref()?.at.parse().ok()?)))
            .collect();
    let events: Vec<(Timestamp, Option<EventKind>, String)> = incident
        .timeline
        .iter()
        .filter_map(|e| Some((e.time.timestamp()?, e.kind, plain_text(e.event.as_str()))))
        .collect();
    let moments = phase_times
        .iter()
        .map(|(_, t)| *t)
        .chain(events.iter().map(|e| e.0));
    let first = moments.clone().min()?;
    let last = moments.max()?;
    let span = last.duration_since(first).as_secs_f64();
    if span <= 0.0 {
        return None;
    }
    let at = |t: Timestamp| (t.duration_since(first).as_secs_f64() / span * 1000.0).round() / 10.0;
    let segments = phase_times
        .iter()
        .zip(phase_times.iter().skip(1))
        .filter(|((kind, _), _)| *kind != "resolved")
        .map(|((kind, from), (_, to))| Segment {
            phase: kind,
            left: at(*from),
            width: ((at(*to) - at(*from)) * 10.0).round() / 10.0,
        })
        .collect();
    let marks = events
        .iter()
        .map(|(t, kind, text)| Mark {
            left: at(*t),
            kind: kind.map(kind_name),
            time: show(*t),
            text: cut_at_word(text, 90),
        })
        .collect();
    Some(Track {
        segments,
        marks,
        from: show(first),
        to: show(last),
    })
}

fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Started => "started",
        EventKind::Detected => "detected",
        EventKind::Mitigated => "mitigated",
        EventKind::Resolved => "resolved",
        EventKind::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::cut_at_word;

    #[test]
    fn cuts_at_a_word_not_in_one() {
        assert_eq!(cut_at_word("short", 10), "short");
        assert_eq!(
            cut_at_word("the cache setup hangs the backend", 20),
            "the cache setup…"
        );
    }
}
