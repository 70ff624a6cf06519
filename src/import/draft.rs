//! What the importer found, before it is written: the incident's fields as text, in the
//! model's key order, with the reason for every value that is a default.

/// A value the source did not state: the field and what to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The field, as written in the file (`severity`).
    pub field: String,
    /// Why it needs a look, for the comment on its line.
    pub reason: String,
}

/// One timeline entry.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub time: String,
    pub event: String,
    pub kind: Option<&'static str>,
}

/// An action item.
#[derive(Debug, Clone, Default)]
pub struct Action {
    pub action: String,
    pub group: Option<String>,
    pub owner: Option<String>,
    pub done: Option<bool>,
    pub details: Option<String>,
}

/// The error as seen.
#[derive(Debug, Clone, Default)]
pub struct Error {
    pub kind: Option<String>,
    pub message: String,
    pub stack_trace: Option<String>,
    pub language: Option<String>,
    pub logs: Option<String>,
}

/// A change with before and after.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub file: String,
    pub lines: Option<String>,
    pub language: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub description: Option<String>,
}

/// A known issue.
#[derive(Debug, Clone, Default)]
pub struct Issue {
    pub title: String,
    pub details: Option<String>,
}

/// Lessons under a heading.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub title: String,
    pub items: Vec<String>,
}

/// Why it happened.
#[derive(Debug, Clone, Default)]
pub struct Cause {
    pub summary: Option<String>,
    pub technical: Option<String>,
    pub contributing_factors: Vec<String>,
    pub trigger: Option<String>,
    pub whys: Vec<String>,
}

/// What the team learned.
#[derive(Debug, Clone, Default)]
pub struct Lessons {
    pub summary: Option<String>,
    pub went_well: Vec<String>,
    pub went_wrong: Vec<String>,
    pub lucky: Vec<String>,
    pub learned: Vec<String>,
    pub groups: Vec<Group>,
}

impl Lessons {
    pub fn is_empty(&self) -> bool {
        self.summary.is_none()
            && self.went_well.is_empty()
            && self.went_wrong.is_empty()
            && self.lucky.is_empty()
            && self.learned.is_empty()
            && self.groups.is_empty()
    }
}

/// Who and what was affected.
#[derive(Debug, Clone, Default)]
pub struct Impact {
    pub summary: Option<String>,
    pub users: Option<String>,
    pub duration: Option<String>,
}

/// A link.
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub title: String,
    pub url: Option<String>,
    pub reference: Option<String>,
}

/// A free section.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub body: String,
}

/// Every field the importer fills, as text.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub document_title: Option<String>,
    pub date: String,
    pub id: Option<String>,
    pub status: String,
    pub status_note: Option<String>,
    pub severity: String,
    pub review: Vec<Review>,
    pub summary: Option<String>,
    pub authors: Vec<String>,
    pub lead: Option<String>,
    pub owner: Option<String>,
    pub responders: Vec<String>,
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub environment: Option<String>,
    pub error: Option<Error>,
    pub impact: Impact,
    pub detection: Option<String>,
    pub timeline: Vec<Entry>,
    pub root_cause: Cause,
    pub changes: Vec<Change>,
    pub resolution: Option<String>,
    pub verification: Option<String>,
    pub prevention: Vec<Action>,
    pub lessons: Lessons,
    pub rollback: Option<String>,
    pub known_issues: Vec<Issue>,
    pub follow_ups: Vec<Action>,
    pub links: Vec<Link>,
    pub sections: Vec<Section>,
}

impl Draft {
    /// The prose field a heading or label maps to (a synonym table target), if it is one.
    pub fn prose_field(&mut self, target: &str) -> Option<&mut Option<String>> {
        Some(match target {
            "summary" => &mut self.summary,
            "impact" => &mut self.impact.summary,
            "detection" => &mut self.detection,
            "root_cause" => &mut self.root_cause.summary,
            "technical" => &mut self.root_cause.technical,
            "trigger" => &mut self.root_cause.trigger,
            "resolution" => &mut self.resolution,
            "verification" => &mut self.verification,
            "rollback" => &mut self.rollback,
            _ => return None,
        })
    }

    /// The reason `field` is listed for review, if it is.
    pub fn review_of(&self, field: &str) -> Option<&str> {
        self.review
            .iter()
            .find(|r| r.field == field)
            .map(|r| r.reason.as_str())
    }

    /// Lists `field` for review (once).
    pub fn needs_review(&mut self, field: &str, reason: impl Into<String>) {
        if self.review_of(field).is_none() {
            self.review.push(Review {
                field: field.to_owned(),
                reason: reason.into(),
            });
        }
    }
}

/// Appends `text` to a prose field, a blank line apart.
pub fn append(field: &mut Option<String>, text: &str) {
    let text = text.trim_matches('\n');
    if text.trim().is_empty() {
        return;
    }
    match field {
        Some(existing) => {
            existing.push_str("\n\n");
            existing.push_str(text);
        }
        None => *field = Some(text.to_owned()),
    }
}
