//! When incidents happen, and how their files write times.
//!
//! Incidents start between 2019 and October 2026; the corpus is dated 2026-11-01, so
//! incidents of its last two months can still be open and action items can be due in the
//! future. A file either gives an offset, and then writes every time as an RFC 3339
//! date-time in it, or writes local times: `HH:MM` on the incident's first day and
//! `YYYY-MM-DD HH:MM` after it. Both forms are common in real postmortems, and both are
//! parsed and compared by the site.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time, date};
use postmortem::model::{IncidentDate, TimelineTime};

use crate::pools::OFFSETS;
use crate::rng::Rng;

const FIRST_DAY: Date = date(2019, 1, 1);
const LAST_DAY: Date = date(2026, 10, 31);
/// The day the corpus is written.
pub const TODAY: Date = date(2026, 11, 1);

/// `count` start times to the minute, oldest first.
pub fn starts(count: usize, rng: &mut Rng) -> Vec<DateTime> {
    let days = i64::from((LAST_DAY - FIRST_DAY).get_days());
    let mut starts: Vec<DateTime> = (0..count)
        .map(|_| {
            let day = FIRST_DAY + rng.range(0, days).days();
            day.to_datetime(Time::midnight()) + rng.range(0, 1439).minutes()
        })
        .collect();
    starts.sort_unstable();
    starts
}

/// Whole days from `day` to [`TODAY`].
pub fn days_ago(day: Date) -> i64 {
    i64::from((TODAY - day).get_days())
}

/// How one incident's file writes its times.
pub struct Clock {
    start: DateTime,
    /// `Z` or `±HH:MM` when the file gives exact times.
    offset: Option<&'static str>,
}

impl Clock {
    /// Draws whether the incident that starts at `start` gives an offset (40%), and which.
    pub fn draw(start: DateTime, rng: &mut Rng) -> Self {
        let offset = rng.chance(40).then(|| rng.pick(OFFSETS));
        Self { start, offset }
    }

    /// The incident's `date`: the start as a date-time when the file gives an offset,
    /// else the calendar day.
    pub fn date(&self) -> IncidentDate {
        let text = match self.offset {
            Some(_) => self.text(self.start),
            None => self.start.date().to_string(),
        };
        IncidentDate::parse(&text).expect("the clock writes dates the model reads")
    }

    /// A timeline entry's `time`.
    pub fn time(&self, at: DateTime) -> TimelineTime {
        TimelineTime::parse(&self.text(at)).expect("the clock writes times the model reads")
    }

    fn text(&self, at: DateTime) -> String {
        match self.offset {
            Some(offset) => format!("{}{offset}", at.strftime("%Y-%m-%dT%H:%M:%S")),
            None if at.date() == self.start.date() => at.strftime("%H:%M").to_string(),
            None => at.strftime("%Y-%m-%d %H:%M").to_string(),
        }
    }
}
