//! Dates and times as incident files write them.
//!
//! Each type keeps the text the user wrote, so reports print it unchanged, and the parsed
//! value, so pages can sort incidents and compute durations.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The incident's date: a calendar date, or an RFC 3339 date-time with an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentDate {
    text: String,
    date: Date,
    at: Option<Timestamp>,
}

impl IncidentDate {
    /// Parses `2025-07-12` or `2025-07-12T09:30:00+02:00`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        if let Ok(date) = trimmed.parse::<Date>()
            && trimmed.len() == 10
        {
            return Ok(Self {
                text: trimmed.to_owned(),
                date,
                at: None,
            });
        }
        if let Ok(at) = trimmed.parse::<Timestamp>() {
            // The calendar date is the one the writer saw: keep their offset for it.
            // jiff reads the civil part and ignores the offset; `Z` has no civil part.
            let date = trimmed
                .parse::<DateTime>()
                .map(|civil| civil.date())
                .unwrap_or_else(|_| at.to_zoned(TimeZone::UTC).date());
            return Ok(Self {
                text: trimmed.to_owned(),
                date,
                at: Some(at),
            });
        }
        Err(format!(
            "invalid date `{trimmed}`: expected a date like 2025-07-12 or an RFC 3339 \
             date-time like 2025-07-12T09:30:00Z"
        ))
    }

    /// The calendar date.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The exact start time, when the file gives one.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.at
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Orders incidents by when they happened.
    pub fn sort_key(&self) -> (Date, Option<Timestamp>) {
        (self.date, self.at)
    }
}

impl fmt::Display for IncidentDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A moment in the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineTime {
    text: String,
    moment: Moment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    Exact(Timestamp),
    Civil(DateTime),
    TimeOfDay(Time),
}

impl TimelineTime {
    /// Parses an RFC 3339 date-time, `YYYY-MM-DD HH:MM[:SS]`, or `HH:MM[:SS]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let moment = if let Ok(at) = trimmed.parse::<Timestamp>() {
            Moment::Exact(at)
        } else if let Ok(civil) = trimmed.parse::<DateTime>()
            && trimmed.len() > 10
        {
            Moment::Civil(civil)
        } else if let Ok(time) = trimmed.parse::<Time>() {
            Moment::TimeOfDay(time)
        } else {
            return Err(format!(
                "invalid time `{trimmed}`: expected an RFC 3339 date-time \
                 (2025-07-12T09:30:00Z), a local date and time (2025-07-12 09:30) or a time \
                 of day on the incident's date (09:30)"
            ));
        };
        Ok(Self {
            text: trimmed.to_owned(),
            moment,
        })
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Places this moment on the time line of an incident that started on `date`.
    ///
    /// Times without an offset are read as UTC: what matters is the difference between two
    /// entries of the same file, which is right as long as the file is consistent.
    pub fn resolve(&self, date: &IncidentDate) -> Option<Timestamp> {
        match self.moment {
            Moment::Exact(at) => Some(at),
            Moment::Civil(civil) => civil.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp()),
            Moment::TimeOfDay(time) => date
                .date()
                .to_datetime(time)
                .to_zoned(TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp()),
        }
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
    "A date (2025-07-12) or an RFC 3339 date-time (2025-07-12T09:30:00+02:00).",
    |d| d.text.clone()
);
string_format!(
    TimelineTime,
    "TimelineTime",
    "An RFC 3339 date-time, a local `YYYY-MM-DD HH:MM`, or `HH:MM` on the incident's date.",
    |t| t.text.clone()
);
string_format!(Day, "Day", "A date, YYYY-MM-DD.", |d| d.0.to_string());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_date_accepts_date_and_datetime() {
        let plain = IncidentDate::parse("2025-07-12").unwrap();
        assert_eq!(plain.date().to_string(), "2025-07-12");
        assert!(plain.timestamp().is_none());

        let exact = IncidentDate::parse("2025-07-12T23:30:00-05:00").unwrap();
        // The writer's calendar day, not UTC's (which is already the 13th).
        assert_eq!(exact.date().to_string(), "2025-07-12");
        assert_eq!(
            exact.timestamp().unwrap().to_string(),
            "2025-07-13T04:30:00Z"
        );
    }

    #[test]
    fn incident_date_rejects_nonsense() {
        for bad in ["2025-13-01", "12 Temmuz 2025", "2025-7-1", "yesterday", ""] {
            let err = IncidentDate::parse(bad).unwrap_err();
            assert!(
                err.contains("expected a date like 2025-07-12"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn timeline_times_resolve_against_the_incident_date() {
        let date = IncidentDate::parse("2025-07-12").unwrap();
        let start = TimelineTime::parse("09:15")
            .unwrap()
            .resolve(&date)
            .unwrap();
        let end = TimelineTime::parse("2025-07-12 10:45")
            .unwrap()
            .resolve(&date)
            .unwrap();
        let exact = TimelineTime::parse("2025-07-12T11:00:00Z")
            .unwrap()
            .resolve(&date)
            .unwrap();
        assert_eq!(end.duration_since(start).as_secs(), 90 * 60);
        assert_eq!(exact.duration_since(start).as_secs(), 105 * 60);
        assert!(TimelineTime::parse("quarter past nine").is_err());
    }
}
