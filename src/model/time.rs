//! Dates and times as incident files write them.
//!
//! Write-ups give times in many forms: a date, an RFC 3339 date-time, a local
//! `2022-01-25 10:21`, a time with a zone (`16:58 UTC`, `10:21 Europe/Berlin`, `+02:00`), a
//! time of day on the incident's date, an approximate `~01:30`. Each type keeps the text as
//! written, so reports print it unchanged, and what it means, so pages can sort incidents and
//! compute durations. Times without a zone are local to the workspace's `timezone` (UTC when
//! none is set); [`crate::model::Incident::resolve_times`] places every time once the zone is
//! known, rolling times of day past midnight onto the next day.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a date or time says, before it is placed in a zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Marked approximate (`~01:30`).
    pub approximate: bool,
    /// The calendar day, when given.
    pub date: Option<Date>,
    /// The time of day, when given.
    pub time: Option<Time>,
    /// The zone, when given; the workspace's otherwise.
    pub zone: Option<TimeZone>,
}

impl Written {
    /// Parses the forms the module documentation lists.
    pub fn parse(text: &str) -> Option<Self> {
        let (approximate, rest) = strip_approximate(text.trim());
        if let Ok(zoned) = rest.parse::<jiff::Zoned>() {
            return Some(Self::civil(
                approximate,
                zoned.datetime(),
                Some(zoned.time_zone().clone()),
            ));
        }
        if let Ok(at) = rest.parse::<Timestamp>() {
            // The writer's calendar day and offset, not UTC's: jiff reads the civil part and
            // the offset separately.
            let offset = offset_of(rest).unwrap_or(Offset::UTC);
            let civil = at.to_zoned(TimeZone::fixed(offset)).datetime();
            return Some(Self::civil(
                approximate,
                civil,
                Some(TimeZone::fixed(offset)),
            ));
        }
        let (body, zone) = split_zone(rest);
        let mut written = if let Ok(date) = body.parse::<Date>()
            && body.len() == 10
        {
            Self::civil(approximate, date.to_datetime(Time::midnight()), None)
        } else if let Ok(civil) = body.parse::<DateTime>()
            && body.len() > 10
        {
            Self::civil(approximate, civil, None)
        } else if let Ok(time) = body.parse::<Time>() {
            Self {
                approximate,
                date: None,
                time: Some(time),
                zone: None,
            }
        } else {
            return None;
        };
        if body.len() == 10 && zone.is_some() {
            return None; // a zone on a bare date means nothing
        }
        if body.len() == 10 {
            written.time = None;
        }
        written.zone = zone;
        Some(written)
    }

    fn civil(approximate: bool, civil: DateTime, zone: Option<TimeZone>) -> Self {
        Self {
            approximate,
            date: Some(civil.date()),
            time: Some(civil.time()),
            zone,
        }
    }

    /// The moment on `day` (its own date wins) in its zone, else in `zone`.
    pub fn on(&self, day: Date, zone: &TimeZone) -> Option<Timestamp> {
        let time = self.time?;
        let date = self.date.unwrap_or(day);
        let zone = self.zone.as_ref().unwrap_or(zone);
        date.to_datetime(time)
            .to_zoned(zone.clone())
            .ok()
            .map(|z| z.timestamp())
    }
}

/// `~`, `≈`, `approx.`, `ca.` or `about` before a time marks it approximate.
fn strip_approximate(text: &str) -> (bool, &str) {
    for mark in ["~", "≈", "approx.", "approx", "ca.", "about "] {
        if let Some(rest) = text.strip_prefix(mark) {
            return (true, rest.trim_start());
        }
    }
    (false, text)
}

/// The offset an RFC 3339 text ends with (`Z`, `+02:00`).
fn offset_of(text: &str) -> Option<Offset> {
    if text.ends_with(['Z', 'z']) {
        return Some(Offset::UTC);
    }
    let cut = text.rfind(['+', '-'])?;
    parse_offset(&text[cut..])
}

/// `+02:00`, `+0200`, `-05`.
fn parse_offset(text: &str) -> Option<Offset> {
    let sign = match text.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits.get(2..).map_or(Some(0), |m| m.parse().ok())?;
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// Splits a trailing zone (`UTC`, `GMT`, `Z`, an offset, an IANA name) off `text`.
fn split_zone(text: &str) -> (&str, Option<TimeZone>) {
    let Some((body, last)) = text.rsplit_once(' ') else {
        return match text.strip_suffix(['Z', 'z']) {
            Some(body) if body.contains(':') => (body, Some(TimeZone::UTC)),
            _ => (text, None),
        };
    };
    let zone = match last {
        "UTC" | "GMT" | "Z" | "utc" | "gmt" => Some(TimeZone::UTC),
        _ if last.starts_with(['+', '-']) => parse_offset(last).map(TimeZone::fixed),
        _ if last.contains('/') => jiff::tz::db().get(last).ok(),
        _ => None,
    };
    match zone {
        Some(zone) => (body.trim_end(), Some(zone)),
        None => (text, None),
    }
}

/// The incident's date: a calendar date, or a date and time (local, zoned or exact).
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentDate {
    text: String,
    written: Written,
    at: Option<Timestamp>,
    /// The zone it was placed in, when it names none itself.
    placed_in: Option<TimeZone>,
}

impl IncidentDate {
    /// Parses the forms the module documentation lists (a time of day alone is not a date).
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        match Written::parse(trimmed) {
            Some(written) if written.date.is_some() => {
                let mut date = Self {
                    text: trimmed.to_owned(),
                    written,
                    at: None,
                    placed_in: None,
                };
                date.resolve_in(&TimeZone::UTC);
                Ok(date)
            }
            _ => Err(format!(
                "invalid date `{trimmed}`: expected a date like 2025-07-12, a date and time \
                 like 2025-07-12 09:30 (with a zone such as UTC, +02:00 or Europe/Berlin, or \
                 in the workspace's timezone), or an RFC 3339 date-time like \
                 2025-07-12T09:30:00Z"
            )),
        }
    }

    /// Places a date-time without a zone in `zone`.
    pub fn resolve_in(&mut self, zone: &TimeZone) {
        self.at = self.written.on(self.date(), zone);
        self.placed_in = Some(zone.clone());
    }

    /// The calendar date, as the writer saw it.
    pub fn date(&self) -> Date {
        self.written.date.unwrap_or_default()
    }

    /// The exact start time, when the file gives one.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.at
    }

    /// The zone the writer named, else the one it was placed in: times of day in the
    /// timeline share it.
    pub fn zone(&self) -> Option<&TimeZone> {
        self.written.zone.as_ref().or(self.placed_in.as_ref())
    }

    /// Whether the writer marked it approximate.
    pub fn approximate(&self) -> bool {
        self.written.approximate
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Orders incidents by when they happened.
    pub fn sort_key(&self) -> (Date, Option<Timestamp>) {
        (self.date(), self.at)
    }
}

impl fmt::Display for IncidentDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A moment in the timeline, placed by [`crate::model::Incident::resolve_times`].
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineTime {
    text: String,
    written: Written,
    at: Option<Timestamp>,
}

impl TimelineTime {
    /// Parses the forms the module documentation lists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        match Written::parse(trimmed) {
            Some(written) if written.time.is_some() => Ok(Self {
                text: trimmed.to_owned(),
                written,
                at: None,
            }),
            _ => Err(format!(
                "invalid time `{trimmed}`: expected a time of day on the incident's date \
                 (09:30, 16:58 UTC, ~01:30 when approximate), a date and time \
                 (2025-07-12 09:30) or an RFC 3339 date-time (2025-07-12T09:30:00Z)"
            )),
        }
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What the text says.
    pub fn written(&self) -> &Written {
        &self.written
    }

    /// Whether the writer marked it approximate.
    pub fn approximate(&self) -> bool {
        self.written.approximate
    }

    /// When it happened, once placed.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.at
    }

    /// Records when it happened.
    pub fn place(&mut self, at: Option<Timestamp>) {
        self.at = at;
    }
}

/// A calendar date (`YYYY-MM-DD`), used for due dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl Day {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        match trimmed.parse::<Date>() {
            Ok(date) if trimmed.len() == 10 => Ok(Self(date)),
            _ => Err(format!(
                "invalid date `{trimmed}`: expected a date like 2025-07-12"
            )),
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Implements serde and JSON Schema for a type that is written as one string.
macro_rules! string_format {
    ($ty:ty, $schema_name:literal, $description:literal, $to_string:expr) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let to_string: fn(&$ty) -> String = $to_string;
                serializer.serialize_str(&to_string(self))
            }
        }

        impl JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $schema_name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": $description })
            }
        }
    };
}

string_format!(
    IncidentDate,
    "IncidentDate",
    "A date (2025-07-12), a date and time (2025-07-12 09:30, in the workspace's timezone, or with a zone: 2025-07-12 09:30 UTC, +02:00, Europe/Berlin), or an RFC 3339 date-time (2025-07-12T09:30:00+02:00). `~` marks it approximate.",
    |d| d.text.clone()
);
string_format!(
    TimelineTime,
    "TimelineTime",
    "A time of day on the incident's date (`09:30`, `16:58 UTC`; times after midnight fall on the next day), a date and time (`2025-07-12 09:30`, with an optional zone), or an RFC 3339 date-time. `~01:30` marks it approximate.",
    |t| t.text.clone()
);
string_format!(Day, "Day", "A date, YYYY-MM-DD.", |d| d.0.to_string());

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> String {
        IncidentDate::parse(text)
            .unwrap()
            .timestamp()
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn incident_dates_in_every_form() {
        let plain = IncidentDate::parse("2025-07-12").unwrap();
        assert_eq!(plain.date().to_string(), "2025-07-12");
        assert!(plain.timestamp().is_none());

        let exact = IncidentDate::parse("2025-07-12T23:30:00-05:00").unwrap();
        // The writer's calendar day, not UTC's (which is already the 13th).
        assert_eq!(exact.date().to_string(), "2025-07-12");
        assert_eq!(at("2025-07-12T23:30:00-05:00"), "2025-07-13T04:30:00Z");
        assert_eq!(at("2022-01-25 10:21"), "2022-01-25T10:21:00Z");
        assert_eq!(at("2022-01-25 10:21 UTC"), "2022-01-25T10:21:00Z");
        assert_eq!(at("2022-01-25 10:21 GMT"), "2022-01-25T10:21:00Z");
        assert_eq!(at("2022-01-25 10:21Z"), "2022-01-25T10:21:00Z");
        assert_eq!(at("2022-01-25 10:21 +02:00"), "2022-01-25T08:21:00Z");
        assert_eq!(at("2022-01-25 10:21 Europe/Berlin"), "2022-01-25T09:21:00Z");
        assert_eq!(
            at("2022-01-25T10:21[Europe/Berlin]"),
            "2022-01-25T09:21:00Z"
        );
        assert!(
            IncidentDate::parse("~2022-01-25 10:21")
                .unwrap()
                .approximate()
        );

        let mut local = IncidentDate::parse("2022-07-25 10:21").unwrap();
        local.resolve_in(&jiff::tz::db().get("America/New_York").unwrap());
        assert_eq!(
            local.timestamp().unwrap().to_string(),
            "2022-07-25T14:21:00Z"
        );
    }

    #[test]
    fn incident_date_rejects_nonsense() {
        for bad in [
            "2025-13-01",
            "12 Temmuz 2025",
            "2025-7-1",
            "yesterday",
            "",
            "10:21",
            "2025-07-12 UTC",
            "2025-07-12 10:21 Mars/Olympus",
        ] {
            let err = IncidentDate::parse(bad).unwrap_err();
            assert!(
                err.contains("expected a date like 2025-07-12"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn timeline_times_in_every_form() {
        let day: Date = "2025-07-12".parse().unwrap();
        let place = |text: &str| {
            TimelineTime::parse(text)
                .unwrap()
                .written()
                .on(day, &TimeZone::UTC)
                .unwrap()
                .to_string()
        };
        assert_eq!(place("09:15"), "2025-07-12T09:15:00Z");
        assert_eq!(place("16:58 UTC"), "2025-07-12T16:58:00Z");
        assert_eq!(place("16:58 +01:00"), "2025-07-12T15:58:00Z");
        assert_eq!(place("~01:30"), "2025-07-12T01:30:00Z");
        assert_eq!(place("2025-07-13 00:10"), "2025-07-13T00:10:00Z");
        assert_eq!(place("2025-07-12T11:00:00Z"), "2025-07-12T11:00:00Z");
        assert!(TimelineTime::parse("~01:30").unwrap().approximate());
        assert!(!TimelineTime::parse("01:30").unwrap().approximate());
        assert!(TimelineTime::parse("quarter past nine").is_err());
        assert!(
            TimelineTime::parse("2025-07-12").is_err(),
            "a day is not a time"
        );
    }
}
