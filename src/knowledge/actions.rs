//! Action items across incidents: what the team promised, who owns it, and what is late.
//!
//! Each write-up ends with prevention items and follow-ups; read one at a time, nobody sees
//! that half of them were never done. This module lists them all, in the order someone
//! working through them would want: open items first, the most overdue at the top.
//!
//! Whether an item is overdue depends on the day it is looked at, which callers pass in
//! (the command line and the build read the clock once, with `workspace::today`), so the
//! logic and its tests never depend on when they run.

use std::cmp::Reverse;

use jiff::civil::Date;
use serde::Serialize;

use crate::load::LoadedIncident;
use crate::model::{ActionItem, ActionKind, ActionStatus, Day, Level};

/// Which list of an incident an item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionList {
    /// `prevention`: stops it from happening again.
    Prevention,
    /// `follow_ups`: other work left to do.
    FollowUp,
}

/// One action item with the incident it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct ActionEntry {
    /// Slug of the incident.
    pub incident: String,
    /// Title of the incident.
    pub incident_title: String,
    /// Prevention item or follow-up.
    pub list: ActionList,
    /// What to do, as written (Markdown).
    pub action: String,
    /// Group heading, as written.
    pub group: Option<String>,
    /// What it does against recurrence.
    pub kind: Option<ActionKind>,
    /// Person or team responsible.
    pub owner: Option<String>,
    /// How urgent it is.
    pub priority: Option<Level>,
    /// Due date.
    pub due: Option<Day>,
    /// Progress.
    pub status: ActionStatus,
    /// Whether it still needs doing (open or in progress).
    pub open: bool,
    /// Whether it is open and its due date has passed.
    pub overdue: bool,
    /// Ticket or pull request.
    pub link: Option<String>,
}

/// Every prevention item and follow-up of `incidents`, sorted: open before closed, then by
/// due date (earliest first, undated last), then newest incident first; open items due
/// before `today` are marked overdue.
pub fn collect(incidents: &[LoadedIncident], today: Date) -> Vec<ActionEntry> {
    let mut entries: Vec<(ActionEntry, Date)> = Vec::new();
    for loaded in incidents {
        let incident = &loaded.incident;
        let lists = [
            (ActionList::Prevention, &incident.prevention),
            (ActionList::FollowUp, &incident.follow_ups),
        ];
        for (list, items) in lists {
            for item in items {
                entries.push((entry(loaded, list, item), incident.date.date()));
            }
        }
    }
    // A stable sort keeps each incident's own order among equals.
    entries.sort_by(|(a, a_date), (b, b_date)| {
        let key = |e: &ActionEntry, date: Date| (!e.open, e.due.is_none(), e.due, Reverse(date));
        key(a, *a_date)
            .cmp(&key(b, *b_date))
            .then_with(|| a.incident.cmp(&b.incident))
    });
    let mut entries: Vec<ActionEntry> = entries.into_iter().map(|(e, _)| e).collect();
    mark_overdue(&mut entries, today);
    entries
}

fn entry(loaded: &LoadedIncident, list: ActionList, item: &ActionItem) -> ActionEntry {
    ActionEntry {
        incident: loaded.slug.clone(),
        incident_title: loaded.incident.title.to_string(),
        list,
        action: item.action.to_string(),
        group: item.group.clone(),
        kind: item.kind,
        owner: item.owner.clone(),
        priority: item.priority,
        due: item.due,
        status: item.status,
        open: item.status.is_open(),
        overdue: false,
        link: item.link.clone(),
    }
}

/// Marks open items whose due date is before `today`.
fn mark_overdue(entries: &mut [ActionEntry], today: Date) {
    for entry in entries {
        entry.overdue = entry.open && entry.due.is_some_and(|Day(due)| due < today);
    }
}

/// Which items to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only open and in-progress items.
    pub open_only: bool,
    /// Only items of this owner (case-insensitive).
    pub owner: Option<String>,
}

impl Filter {
    /// Whether `entry` passes.
    pub fn matches(&self, entry: &ActionEntry) -> bool {
        (!self.open_only || entry.open)
            && self.owner.as_deref().is_none_or(|wanted| {
                entry
                    .owner
                    .as_deref()
                    .is_some_and(|owner| owner.trim().eq_ignore_ascii_case(wanted.trim()))
            })
    }
}

/// Counts for a heading: all items, open ones, overdue ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ActionCounts {
    /// Items listed.
    pub total: usize,
    /// Open or in progress.
    pub open: usize,
    /// Open and past due.
    pub overdue: usize,
}

impl ActionCounts {
    /// Counts `entries`.
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a ActionEntry>) -> Self {
        let mut counts = Self::default();
        for entry in entries {
            counts.total += 1;
            counts.open += usize::from(entry.open);
            counts.overdue += usize::from(entry.overdue);
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::test_support::incident;

    fn entries() -> Vec<ActionEntry> {
        let a = incident(
            "a",
            "2025-07-12",
            "boom",
            "prevention:\n  - { action: done one, owner: Ann, due: 2025-01-01, status: done }\n  - { action: late, owner: ann, due: 2025-08-01 }\n  - { action: undated, owner: bob }\nfollow_ups:\n  - { action: soon, owner: Bob, due: 2025-12-01, status: in-progress }\n",
        );
        let b = incident(
            "b",
            "2025-09-01",
            "boom",
            "prevention:\n  - { action: due today, due: 2025-10-01 }\n",
        );
        collect(&[a, b], "2025-10-01".parse().unwrap())
    }

    #[test]
    fn open_items_first_by_due_date_with_overdue_marked() {
        let entries = entries();
        let got: Vec<(&str, bool)> = entries
            .iter()
            .map(|e| (e.action.as_str(), e.overdue))
            .collect();
        assert_eq!(
            got,
            [
                ("late", true),
                ("due today", false),
                ("soon", false),
                ("undated", false),
                ("done one", false),
            ]
        );
    }

    #[test]
    fn filters_by_open_and_owner() {
        let entries = entries();
        let pick = |filter: Filter| -> Vec<String> {
            entries
                .iter()
                .filter(|e| filter.matches(e))
                .map(|e| e.action.clone())
                .collect()
        };
        let ann = Filter {
            owner: Some("ANN".into()),
            ..Filter::default()
        };
        assert_eq!(pick(ann), ["late", "done one"]);
        let open_bob = Filter {
            open_only: true,
            owner: Some("bob".into()),
        };
        assert_eq!(pick(open_bob), ["soon", "undated"]);
        assert_eq!(
            ActionCounts::of(&entries),
            ActionCounts {
                total: 5,
                open: 4,
                overdue: 1
            }
        );
    }
}
