//! The knowledge pages: error patterns, a page per pattern, action items and trends.

use serde::Serialize;

use super::pages::Page;
use super::render::page_context;
use super::{SiteData, SiteError, SiteRenderer};
use crate::knowledge::actions::{ActionCounts, ActionEntry};
use crate::knowledge::{IncidentSummary, PatternGroup};
use crate::model::text::plural;
use crate::render::charts::ChartView;
use crate::render::i18n::fill;

impl SiteRenderer {
    pub(super) fn patterns(&self, data: &SiteData<'_>) -> Result<String, SiteError> {
        let patterns = &data.knowledge.patterns;
        let recurring = patterns.iter().filter(|g| g.incidents.len() > 1).count();
        let description = format!(
            "{} error patterns, {recurring} of them seen more than once.",
            patterns.len()
        );
        let title = self.site.text("page.patterns");
        let meta = self.meta(&Page::Patterns, title, &description, "patterns");
        let views: Vec<PatternView> = patterns
            .iter()
            .map(|g| PatternView::new(g, data.summaries))
            .collect();
        let (recurring, single): (Vec<&PatternView>, Vec<&PatternView>) =
            views.iter().partition(|v| v.count > 1);
        let mut context = page_context(meta);
        context.insert("recurring", &recurring);
        context.insert("single", &single);
        self.render("patterns.html", &context)
    }

    pub(super) fn pattern(&self, slug: &str, data: &SiteData<'_>) -> Result<String, SiteError> {
        let group = data.knowledge.patterns.iter().find(|g| g.slug == slug);
        let Some(group) = group else {
            return Err(SiteError::NoPage(format!("pattern {slug}")));
        };
        let view = PatternView::with_similar(group, &data.knowledge.patterns, data.summaries);
        let title = fill(
            self.site.text("page.pattern"),
            &[("pattern".into(), view.text.to_owned())],
        );
        let description = format!(
            "Seen in {} incident{} from {} to {}.",
            view.count,
            plural(view.count),
            view.first_seen,
            view.last_seen
        );
        let page = Page::Pattern(slug.to_owned());
        let mut context = page_context(self.meta(&page, &title, &description, "patterns"));
        context.insert("pattern", &view);
        self.render("pattern.html", &context)
    }

    pub(super) fn actions(&self, data: &SiteData<'_>) -> Result<String, SiteError> {
        let entries = &data.knowledge.actions;
        let counts = ActionCounts::of(entries);
        let description = format!(
            "{} action items from every incident: {} open, {} overdue.",
            counts.total, counts.open, counts.overdue
        );
        let meta = self.meta(
            &Page::Actions,
            self.site.text("page.actions"),
            &description,
            "actions",
        );
        let (open, closed): (Vec<&ActionEntry>, Vec<&ActionEntry>) =
            entries.iter().partition(|e| e.open);
        let mut context = page_context(meta);
        context.insert("today", &self.site.today);
        context.insert("counts", &counts);
        context.insert("open", &open);
        context.insert("closed", &closed);
        // The owner filter's choices.
        let owners: std::collections::BTreeSet<&str> =
            entries.iter().filter_map(|e| e.owner.as_deref()).collect();
        context.insert("owners", &owners);
        self.render("actions.html", &context)
    }

    pub(super) fn trends(&self, data: &SiteData<'_>) -> Result<String, SiteError> {
        let description = "Incidents per month, by severity and by service, and time to resolve.";
        let meta = self.meta(
            &Page::Trends,
            self.site.text("page.trends"),
            description,
            "trends",
        );
        let charts: Vec<ChartView> = data
            .knowledge
            .trends
            .charts
            .iter()
            .map(ChartView::new)
            .collect();
        let mut context = page_context(meta);
        context.insert("charts", &charts);
        context.insert("incident_count", &data.summaries.len());
        self.render("trends.html", &context)
    }
}

/// A pattern with its incidents, newest first.
#[derive(Serialize)]
struct PatternView<'a> {
    text: &'a str,
    slug: &'a str,
    explicit: bool,
    count: usize,
    first_seen: jiff::civil::Date,
    last_seen: jiff::civil::Date,
    incidents: Vec<&'a IncidentSummary>,
    /// Patterns whose errors are similar, with their incidents.
    similar: Vec<SimilarPatternView<'a>>,
}

/// A similar pattern, why it is similar, and its incidents newest first.
#[derive(Serialize)]
struct SimilarPatternView<'a> {
    text: &'a str,
    slug: &'a str,
    reason: &'a str,
    incidents: Vec<&'a IncidentSummary>,
}

impl<'a> PatternView<'a> {
    /// The pattern of `group`, without its similar patterns: the list of all patterns does
    /// not show them, and each would carry every incident of its pattern again.
    fn new(group: &'a PatternGroup, summaries: &'a [IncidentSummary]) -> Self {
        Self {
            text: &group.text,
            slug: &group.slug,
            explicit: group.explicit,
            count: group.incidents.len(),
            first_seen: group.first_seen,
            last_seen: group.last_seen,
            incidents: newest_first(group, summaries),
            similar: Vec::new(),
        }
    }

    /// The pattern of `group` with the patterns similar to it (out of `groups`), for its
    /// own page.
    fn with_similar(
        group: &'a PatternGroup,
        groups: &'a [PatternGroup],
        summaries: &'a [IncidentSummary],
    ) -> Self {
        let mut view = Self::new(group, summaries);
        view.similar = group
            .similar
            .iter()
            .map(|similar| {
                let other = &groups[similar.group];
                SimilarPatternView {
                    text: &other.text,
                    slug: &other.slug,
                    reason: &similar.reason,
                    incidents: newest_first(other, summaries),
                }
            })
            .collect();
        view
    }
}

/// The incidents of `group`, newest first.
fn newest_first<'a>(
    group: &PatternGroup,
    summaries: &'a [IncidentSummary],
) -> Vec<&'a IncidentSummary> {
    group
        .incidents
        .iter()
        .rev()
        .map(|&i| &summaries[i])
        .collect()
}
