//! What the site's knowledge pages are given: `patterns/`, one `patterns/<slug>/` per
//! pattern, `actions/` and `trends/`.
//!
//! The site renders each [`Page`] with its template like any other page (adding `page`,
//! `root` and `site`); assembling the values here keeps the site module about layout.

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::Knowledge;
use super::actions::{self, ActionCounts, ActionEntry};
use super::patterns::PatternGroup;
use crate::render::view::IncidentSummary;

/// One page to render. Its values are built only when it is rendered, so a 10,000-incident
/// site never holds the values of every pattern page at once.
pub struct Page<'a> {
    /// Path relative to the site root, ending in `/`.
    pub path: String,
    /// Title.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Navigation entry it belongs to.
    pub section: &'static str,
    /// Template name.
    pub template: &'static str,
    /// Builds the page's own values.
    pub context: Box<dyn Fn() -> Context + Send + Sync + 'a>,
}

/// A pattern with its incidents, newest first.
#[derive(Serialize)]
struct PatternView<'a> {
    text: &'a str,
    slug: &'a str,
    path: &'a str,
    explicit: bool,
    count: usize,
    first_seen: Date,
    last_seen: Date,
    incidents: Vec<&'a IncidentSummary>,
}

impl<'a> PatternView<'a> {
    fn new(group: &'a PatternGroup, summaries: &'a [IncidentSummary]) -> Self {
        Self {
            text: &group.text,
            slug: &group.slug,
            path: &group.path,
            explicit: group.explicit,
            count: group.incidents.len(),
            first_seen: group.first_seen,
            last_seen: group.last_seen,
            incidents: group
                .incidents
                .iter()
                .rev()
                .map(|&i| &summaries[i])
                .collect(),
        }
    }
}

/// Every knowledge page. `summaries` are in the order `knowledge` was derived from;
/// `today` decides which action items are overdue.
pub fn site_pages<'a>(
    knowledge: &'a Knowledge,
    summaries: &'a [IncidentSummary],
    today: Date,
) -> Vec<Page<'a>> {
    let mut pages = Vec::new();
    let recurring = knowledge
        .patterns
        .iter()
        .filter(|g| g.incidents.len() > 1)
        .count();
    pages.push(Page {
        path: "patterns/".into(),
        title: "Error patterns".into(),
        description: format!(
            "{} error patterns, {recurring} of them seen more than once.",
            knowledge.patterns.len(),
        ),
        section: "patterns",
        template: "patterns.html",
        context: Box::new(move || {
            let views: Vec<PatternView> = knowledge
                .patterns
                .iter()
                .map(|g| PatternView::new(g, summaries))
                .collect();
            let (recurring, single): (Vec<&PatternView>, Vec<&PatternView>) =
                views.iter().partition(|v| v.count > 1);
            let mut context = Context::new();
            context.insert("recurring", &recurring);
            context.insert("single", &single);
            context
        }),
    });
    for group in &knowledge.patterns {
        let view = PatternView::new(group, summaries);
        pages.push(Page {
            path: view.path.to_owned(),
            title: format!("Pattern: {}", view.text),
            description: format!(
                "Seen in {} incident{} from {} to {}.",
                view.count,
                if view.count == 1 { "" } else { "s" },
                view.first_seen,
                view.last_seen
            ),
            section: "patterns",
            template: "pattern.html",
            context: Box::new(move || {
                let mut context = Context::new();
                context.insert("pattern", &PatternView::new(group, summaries));
                context
            }),
        });
    }

    let counts = {
        let mut entries = knowledge.actions.clone();
        actions::mark_overdue(&mut entries, today);
        ActionCounts::of(&entries)
    };
    pages.push(Page {
        path: "actions/".into(),
        title: "Action items".into(),
        description: format!(
            "{} action items from every incident: {} open, {} overdue.",
            counts.total, counts.open, counts.overdue
        ),
        section: "actions",
        template: "actions.html",
        context: Box::new(move || {
            let mut entries = knowledge.actions.clone();
            actions::mark_overdue(&mut entries, today);
            let (open, closed): (Vec<&ActionEntry>, Vec<&ActionEntry>) =
                entries.iter().partition(|e| e.open);
            let mut context = Context::new();
            context.insert("today", &today);
            context.insert("counts", &ActionCounts::of(&entries));
            context.insert("open", &open);
            context.insert("closed", &closed);
            context
        }),
    });

    pages.push(Page {
        path: "trends/".into(),
        title: "Trends".into(),
        description: "Incidents per month, by severity and by service, and time to resolve.".into(),
        section: "trends",
        template: "trends.html",
        context: Box::new(move || {
            let mut context = Context::new();
            context.insert("charts", &knowledge.trends.charts);
            context.insert("incident_count", &summaries.len());
            context
        }),
    });
    pages
}
