//! One incident at a time, as the model's own types.
//!
//! Building `postmortem::model::Incident` rather than text means the corpus can only hold
//! what the file format allows, and serde writes it the way the loader reads it.
//!
//! The order of the draws is the corpus: each function below takes its numbers from the
//! shared generator in a fixed order, and moving one draw changes every incident after it.
//! So `incident` draws its parts one after another, in the order the fields appear in a
//! file, and the sections that need several draws live in `sections`.

use std::collections::HashSet;

use jiff::civil::DateTime;
use postmortem::model::{Choice, ErrorDetails, Impact, Incident, Lessons, Link, NonEmptyString};
use postmortem::workspace::slugify;
use serde_saphyr::{Location, Spanned};

use crate::clock::{self, Clock};
use crate::pools::{
    COMPONENTS, DETECTIONS, EFFECTS, FIELDS, HOSTS, LESSONS_WELL, LESSONS_WRONG, NOUNS, PEOPLE,
    PORTS, PROBLEMS, RECENT_STATUSES, SERVICES, SEVERITIES, STATUS_NOTES, Status, TAGS, USERS,
};
use crate::rng::Rng;
use crate::sections;
use crate::stack::Stack;
use crate::template::{Ctx, fill};
use crate::traces;

/// An incident and the name of its file, without `.yaml`.
pub struct Generated {
    pub slug: String,
    pub incident: Incident,
}

/// Generates `count` incidents, oldest first.
pub fn generate(count: usize, seed: u64) -> Vec<Generated> {
    let mut rng = Rng::new(seed);
    let starts = clock::starts(count, &mut rng);
    let mut taken = HashSet::new();
    let mut generated: Vec<Generated> = Vec::with_capacity(count);
    for (index, start) in starts.into_iter().enumerate() {
        let topic = Topic::draw(start, &mut rng);
        let slug = unique_slug(&topic, &mut taken);
        let incident = incident(index, &topic, &generated, &mut rng);
        generated.push(Generated { slug, incident });
    }
    generated
}

/// What an incident is about: drawn first, as everything after refers to it.
pub struct Topic {
    pub start: DateTime,
    pub stack: Stack,
    /// The failing service first.
    pub services: Vec<&'static str>,
    pub tags: Vec<&'static str>,
    pub ctx: Ctx,
    pub component: &'static str,
    pub problem: &'static str,
    pub title: String,
}

impl Topic {
    fn draw(start: DateTime, rng: &mut Rng) -> Self {
        let stack = rng.pick(&Stack::ALL);
        let services = rng.some(SERVICES, 1..=3, true);
        let tags = rng.some(TAGS, 2..=5, true);
        let noun = rng.pick(NOUNS);
        let field = rng.pick(FIELDS);
        let host = rng.pick(HOSTS);
        let port = rng.pick(PORTS);
        let ctx = Ctx {
            service: services[0],
            noun,
            field,
            host,
            port,
        };
        let component = rng.pick(COMPONENTS);
        let problem = rng.pick(PROBLEMS);
        let effect = rng.pick(EFFECTS);
        let title = format!("{component} {problem} {effect} {}", ctx.service);
        Self {
            start,
            stack,
            services,
            tags,
            ctx,
            component,
            problem,
            title,
        }
    }
}

/// `YYYY-MM-DD-title`, with `-2`, `-3`... when an incident of the same day and title
/// already has it.
fn unique_slug(topic: &Topic, taken: &mut HashSet<String>) -> String {
    let base = format!("{}-{}", topic.start.date(), slugify(&topic.title));
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(slug.clone());
    slug
}

/// The incident numbered `index`, after the `earlier` ones.
fn incident(index: usize, topic: &Topic, earlier: &[Generated], rng: &mut Rng) -> Incident {
    let clock = Clock::draw(topic.start, rng);
    let status = status(topic, rng);
    let severity = rng.pick(SEVERITIES);
    let id = rng.chance(60).then(|| format!("INC-{}", 1000 + index));
    let status_note =
        (status == Status::Resolved && rng.chance(30)).then(|| rng.pick(STATUS_NOTES).to_owned());
    let percent = rng.range(2, 100);
    let minutes = rng.range(8, 240);
    let summary = summary(topic, percent, minutes);
    let authors = rng.some(PEOPLE, 1..=2, false);
    let environment = sections::environment(topic.stack, rng);
    let error = error(topic, rng);
    let impact = impact(topic, percent, rng);
    let detection = rng.pick(DETECTIONS);
    let timeline = sections::timeline(topic, &clock, status, rng);
    let root_cause = sections::root_cause(topic, rng);
    let changes = sections::changes(topic, rng);
    let resolution =
        matches!(status, Status::Resolved | Status::Mitigated).then(sections::resolution);
    let prevention = sections::prevention(topic.start.date(), rng);
    let lessons = lessons(rng);
    let links = id.as_deref().map(ticket).into_iter().collect();
    let related = related(index, earlier, rng);
    Incident {
        title: text(topic.title.clone()),
        date: clock.date(),
        id: id.map(unspanned),
        status: Choice::new(status.name()),
        status_note,
        severity: Choice::new(severity.name()),
        review: Vec::new(),
        summary: text(summary),
        authors: owned(&authors),
        lead: None,
        owner: None,
        responders: Vec::new(),
        document_title: None,
        alternatives: Vec::new(),
        tags: owned(&topic.tags),
        services: owned(&topic.services),
        environment: Some(environment),
        error: Some(error),
        errors: Vec::new(),
        impact: Some(impact),
        detection: Some(detection.to_owned()),
        timeline,
        root_cause,
        changes,
        resolution,
        verification: None,
        metrics: Vec::new(),
        prevention,
        lessons,
        rollback: None,
        known_issues: Vec::new(),
        follow_ups: Vec::new(),
        links,
        related,
        sections: Vec::new(),
    }
}

/// Incidents older than two months are settled; recent ones may still be open.
fn status(topic: &Topic, rng: &mut Rng) -> Status {
    if clock::days_ago(topic.start.date()) <= 60 {
        rng.pick(RECENT_STATUSES)
    } else if rng.chance(95) {
        Status::Resolved
    } else {
        Status::Mitigated
    }
}

fn summary(topic: &Topic, percent: i64, minutes: i64) -> String {
    format!(
        "For about {minutes} minutes `{}` failed {percent}% of requests because of {} {}.",
        topic.ctx.service,
        topic.component.to_lowercase(),
        topic.problem,
    )
}

/// The error, its stack trace and, for three incidents in ten, the log lines.
fn error(topic: &Topic, rng: &mut Rng) -> ErrorDetails {
    let (kind, template) = rng.pick(topic.stack.errors());
    let message = fill(template, &topic.ctx, rng);
    let trace = traces::stack_trace(topic.stack, kind, &message, &topic.ctx, rng);
    let logs = rng
        .chance(30)
        .then(|| traces::log_lines(kind, &message, topic.start, &topic.ctx, rng));
    ErrorDetails {
        kind: Some(kind.to_owned()),
        message: text(message),
        pattern: None,
        stack_trace: Some(trace),
        stack_trace_language: topic.stack.trace_language().map(str::to_owned),
        logs,
    }
}

fn impact(topic: &Topic, percent: i64, rng: &mut Rng) -> Impact {
    let service = topic.ctx.service;
    let down = topic.services.last().unwrap_or(&service);
    Impact {
        summary: Some(format!(
            "{percent}% of `{service}` requests failed; {down} was unavailable for most users."
        )),
        users: Some(rng.pick(USERS).to_owned()),
        duration: None,
        details: None,
    }
}

/// For half the incidents, one thing that went well and one that went wrong.
fn lessons(rng: &mut Rng) -> Option<Lessons> {
    if !rng.chance(50) {
        return None;
    }
    let went_well = rng.pick(LESSONS_WELL);
    let went_wrong = rng.pick(LESSONS_WRONG);
    Some(Lessons {
        went_well: vec![went_well.to_owned()],
        went_wrong: vec![went_wrong.to_owned()],
        ..Lessons::default()
    })
}

fn ticket(id: &str) -> Link {
    Link {
        title: text("Incident ticket"),
        url: Some(format!("https://tracker.acme.io/browse/{id}")),
        reference: Some(id.to_owned()),
    }
}

/// For one incident in four (after the first six), one or two of the 300 before it, named
/// by slug or now and then by id.
fn related(index: usize, earlier: &[Generated], rng: &mut Rng) -> Vec<Spanned<String>> {
    let mut named: Vec<String> = Vec::new();
    if index > 5 && rng.chance(25) {
        for _ in 0..rng.range(1, 2) {
            let other = &earlier[index - 1 - rng.below(index.min(300))];
            let name = match &other.incident.id {
                Some(id) if rng.chance(20) => id.value.clone(),
                _ => other.slug.clone(),
            };
            if !named.contains(&name) {
                named.push(name);
            }
        }
    }
    named.into_iter().map(unspanned).collect()
}

/// Required text; the generator's text is never blank.
pub fn text(text: impl Into<String>) -> NonEmptyString {
    NonEmptyString::new(text).expect("generated text is never blank")
}

/// A value the generator made, so it has no place in any file to point to.
fn unspanned(value: String) -> Spanned<String> {
    Spanned::new(value, Location::UNKNOWN, Location::UNKNOWN)
}

pub fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|&item| item.to_owned()).collect()
}
