//! Flat rows for spreadsheets and BI tools: one per incident, one per action item.
//!
//! `incidents.json` keeps the nested shape of an incident file, which a spreadsheet cannot
//! take. These rows hold only scalars (lists joined with `; `, prose as plain text), so the
//! same rows serialise as CSV and as JSON, with the same columns in the same order.

use jiff::civil::Date;
use serde::Serialize;

use super::actions::{self, ActionEntry, ActionList};
use crate::load::LoadedIncident;
use crate::model::text::plain_text;
use crate::model::{ActionKind, ActionStatus, Day, Level, error_line};

/// How lists (services, tags, authors) are joined in one cell.
pub const LIST_SEPARATOR: &str = "; ";

/// One incident.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    /// The file name without extension: the incident's identity.
    pub slug: String,
    /// One line naming the failure.
    pub title: String,
    /// When it started, as written (a date or a date-time).
    pub date: String,
    /// The day it started, `YYYY-MM-DD`, for sorting and grouping.
    pub day: Date,
    /// Where it stands, as the workspace names it.
    pub status: String,
    /// How bad it was, as the workspace names it.
    pub severity: String,
    /// Affected services, joined with `; `.
    pub services: String,
    /// Tags, joined with `; `.
    pub tags: String,
    /// Authors of the write-up, joined with `; `.
    pub authors: String,
    /// The error lines (`Type: message`), several joined like the other lists; empty for an
    /// incident without an error.
    pub error: String,
    /// The error patterns that group recurrences, in the same order.
    pub pattern: String,
    /// Start to detection, from the timeline.
    pub minutes_to_detect: Option<i64>,
    /// Start to mitigation.
    pub minutes_to_mitigate: Option<i64>,
    /// Start to resolution.
    pub minutes_to_resolve: Option<i64>,
    /// Prevention items and follow-ups.
    pub action_items: usize,
    /// Those still to do.
    pub open_action_items: usize,
    /// Those still to do whose due date has passed.
    pub overdue_action_items: usize,
    /// The summary as plain text.
    pub summary: String,
    /// The incident file.
    pub source: String,
    /// The incident's page, relative to the site root.
    pub path: String,
}

/// One prevention item or follow-up.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    /// Slug of its incident.
    pub incident: String,
    /// Title of its incident.
    pub incident_title: String,
    /// `prevention` or `follow-up`.
    pub list: ActionList,
    /// What to do, as plain text.
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
    /// Whether it still needs doing.
    pub open: bool,
    /// Whether it is open and past its due date.
    pub overdue: bool,
    /// Ticket or pull request.
    pub link: Option<String>,
    /// Its incident's page, relative to the site root.
    pub incident_path: String,
}

/// One row per incident, in the order given; action items count as overdue against
/// `today`. `page_path` gives an incident's page from its slug (the site layer owns paths).
pub fn incident_rows(
    incidents: &[LoadedIncident],
    today: Date,
    page_path: &dyn Fn(&str) -> String,
) -> Vec<IncidentRow> {
    incidents
        .iter()
        .map(|loaded| {
            let incident = &loaded.incident;
            let items = actions::collect(std::slice::from_ref(loaded), today);
            let durations = &loaded.durations;
            IncidentRow {
                slug: loaded.slug.clone(),
                title: incident.title.to_string(),
                date: incident.date.to_string(),
                day: incident.date.date(),
                status: loaded.status.name.clone(),
                severity: loaded.severity.name.clone(),
                services: incident.services.join(LIST_SEPARATOR),
                tags: incident.tags.join(LIST_SEPARATOR),
                authors: incident.authors.join(LIST_SEPARATOR),
                error: incident
                    .all_errors()
                    .map(|e| error_line(e).trim_end().to_owned())
                    .collect::<Vec<_>>()
                    .join(LIST_SEPARATOR),
                pattern: loaded
                    .patterns
                    .iter()
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join(LIST_SEPARATOR),
                minutes_to_detect: durations.detect_minutes,
                minutes_to_mitigate: durations.mitigate_minutes,
                minutes_to_resolve: durations.resolve_minutes,
                action_items: items.len(),
                open_action_items: items.iter().filter(|i| i.open).count(),
                overdue_action_items: items.iter().filter(|i| i.overdue).count(),
                summary: plain_text(&incident.summary),
                source: loaded.source_name(),
                path: page_path(&loaded.slug),
            }
        })
        .collect()
}

/// One row per action item, in the order `actions` lists them (open first, earliest due
/// first).
pub fn action_rows(
    incidents: &[LoadedIncident],
    today: Date,
    page_path: &dyn Fn(&str) -> String,
) -> Vec<ActionRow> {
    actions::collect(incidents, today)
        .into_iter()
        .map(|entry| action_row(entry, page_path))
        .collect()
}

fn action_row(entry: ActionEntry, page_path: &dyn Fn(&str) -> String) -> ActionRow {
    ActionRow {
        incident_path: page_path(&entry.incident),
        action: plain_text(&entry.action),
        incident: entry.incident,
        incident_title: entry.incident_title,
        list: entry.list,
        group: entry.group,
        kind: entry.kind,
        owner: entry.owner,
        priority: entry.priority,
        due: entry.due,
        status: entry.status,
        open: entry.open,
        overdue: entry.overdue,
        link: entry.link,
    }
}
