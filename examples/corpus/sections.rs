//! The sections of an incident that take several draws each.
//!
//! Kept apart from `incident` so that each part reads on its own. Each function takes its
//! numbers from the generator in a fixed order, part of the corpus's definition (see
//! `incident`). Values are drawn into `let`s before they are used, never inside a struct
//! literal, so the order is the one written.

use jiff::ToSpan;
use jiff::civil::Date;
use postmortem::model::{
    ActionItem, Change, ComponentVersion, Day, Environment, EventKind, Resolution, RootCause,
    TimelineEntry,
};

use crate::pools::Status;

use crate::change::before_and_after;
use crate::clock::{Clock, TODAY};
use crate::incident::{Topic, text};
use crate::pools::{
    ACTION_KINDS, ACTIONS, FACTORS, PAST_DUE_STATES, PENDING_STATES, PEOPLE, PRIORITIES, RISKS,
    TEAMS,
};
use crate::rng::Rng;
use crate::snippets::SNIPPETS;
use crate::stack::Stack;
use crate::template::fill;

/// Production, on the stack's platform, with one to three of its library versions.
pub fn environment(stack: Stack, rng: &mut Rng) -> Environment {
    let versions = stack
        .versions()
        .iter()
        .take(rng.range(1, 3) as usize)
        .map(|&(name, version)| ComponentVersion {
            name: text(name),
            version: version.to_owned(),
            note: None,
        })
        .collect();
    Environment {
        name: Some("production".to_owned()),
        platform: Some(stack.platform().to_owned()),
        versions,
        notes: None,
    }
}

/// The milestones up to the incident's current status, and one event between them.
pub fn timeline(topic: &Topic, clock: &Clock, status: Status, rng: &mut Rng) -> Vec<TimelineEntry> {
    let detected = topic.start + rng.range(2, 90).minutes();
    let to_mitigate = rng.range(5, 240);
    let mitigated = detected + to_mitigate.minutes();
    let resolved = mitigated + rng.range(10, 2880).minutes();
    let service = topic.ctx.service;
    let component = topic.component.to_lowercase();
    let mut entries = vec![
        (
            topic.start,
            format!("Deploy of `{service}` rolls out; errors start"),
            Some(EventKind::Started),
        ),
        (
            detected,
            "Alert fires; on-call acknowledges".to_owned(),
            Some(EventKind::Detected),
        ),
        (
            detected + (to_mitigate / 2).minutes(),
            format!("Root cause narrowed to {component}"),
            None,
        ),
    ];
    if matches!(status, Status::Mitigated | Status::Resolved) {
        entries.push((
            mitigated,
            "Rolled back; error rate back to normal".to_owned(),
            Some(EventKind::Mitigated),
        ));
    }
    if status == Status::Resolved {
        entries.push((
            resolved,
            "Fix deployed and verified".to_owned(),
            Some(EventKind::Resolved),
        ));
    }
    entries
        .into_iter()
        .map(|(at, event, kind)| TimelineEntry {
            time: clock.time(at),
            event: text(event),
            kind,
        })
        .collect()
}

pub fn root_cause(topic: &Topic, rng: &mut Rng) -> RootCause {
    let ctx = &topic.ctx;
    let (component, problem) = (topic.component, topic.problem);
    let lower = component.to_lowercase();
    RootCause {
        summary: Some(format!(
            "{component} {problem} in `{}` after a change to its `{}` handling.",
            ctx.service, ctx.field
        )),
        technical: None,
        whys: Vec::new(),
        details: Some(format!(
            "The `{}` path reads `{}` on every request; with {lower} {problem}, each call \
             waited for its full timeout and the worker pool filled up.\n\nUpstream retries \
             multiplied the load.",
            ctx.noun, ctx.field
        )),
        contributing_factors: rng
            .some(FACTORS, 2..=3, false)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        trigger: None,
    }
}

/// Two changes: one in the team's language, one in another (often configuration).
pub fn changes(topic: &Topic, rng: &mut Rng) -> Vec<Change> {
    let own = SNIPPETS
        .iter()
        .position(|s| s.language == topic.stack.language())
        .unwrap_or(0);
    let mut other = rng.below(SNIPPETS.len());
    while SNIPPETS[other].language == SNIPPETS[own].language {
        other = rng.below(SNIPPETS.len());
    }
    [&SNIPPETS[own], &SNIPPETS[other]]
        .into_iter()
        .map(|snippet| {
            let (before, after) = before_and_after(snippet, &topic.ctx, rng);
            let file = fill(snippet.file, &topic.ctx, rng);
            let risk = rng.pick(RISKS);
            Change {
                file: text(file),
                lines: None,
                language: Some(snippet.language.to_owned()),
                description: Some(format!(
                    "Tighten limits and guard the `{}` path.",
                    topic.ctx.noun
                )),
                risk: Some(risk),
                before: Some(before),
                after: Some(after),
            }
        })
        .collect()
}

pub fn resolution() -> Resolution {
    Resolution {
        summary: Some("Rolled back first, then shipped the fix above behind a canary.".into()),
        ..Resolution::default()
    }
}

/// Two to four action items, due one week to four months after the incident: done or
/// dropped when that is past, open otherwise.
pub fn prevention(day: Date, rng: &mut Rng) -> Vec<ActionItem> {
    let actions = rng.some(ACTIONS, 2..=4, false);
    actions
        .into_iter()
        .map(|action| {
            let due = day + rng.range(7, 120).days();
            let status = if due > TODAY {
                rng.pick(PENDING_STATES)
            } else {
                rng.pick(PAST_DUE_STATES)
            };
            let owner = if rng.chance(50) {
                rng.pick(PEOPLE)
            } else {
                rng.pick(TEAMS)
            };
            let priority = rng.pick(PRIORITIES);
            let kind = rng.pick(ACTION_KINDS);
            ActionItem {
                action: text(action),
                group: None,
                kind: Some(kind),
                owner: Some(owner.to_owned()),
                priority: Some(priority),
                due: Some(Day(due)),
                status,
                link: None,
                details: None,
            }
        })
        .collect()
}
