//! Every Markdown field of an incident, with its path: what images, attachments and
//! diagrams are looked for in, and what reports rewrite links in.
//!
//! One list, written once as a macro body, gives both the reading and the rewriting walk,
//! so the two never disagree about which fields are Markdown.

use super::{ActionItem, Incident, Step};

/// Calls `$f(path, text)` for every Markdown field of `$incident`; `$($mut)?` picks the walk.
macro_rules! walk {
    ($incident:expr, $f:expr, $iter:ident, $inner:ident, $($mut:ident)?) => {{
        let i = $incident;
        let f = $f;
        f("summary".to_owned(), i.summary.$inner());
        if let Some(text) = & $($mut)? i.detection { f("detection".into(), text); }
        if let Some(impact) = & $($mut)? i.impact {
            opt(f, "impact.summary", & $($mut)? impact.summary);
            opt(f, "impact.details", & $($mut)? impact.details);
        }
        if let Some(env) = & $($mut)? i.environment {
            opt(f, "environment.notes", & $($mut)? env.notes);
            for (n, v) in env.versions.$iter().enumerate() {
                opt(f, &format!("environment.versions[{n}].note"), & $($mut)? v.note);
            }
        }
        for (n, e) in i.timeline.$iter().enumerate() {
            f(format!("timeline[{n}].event"), e.event.$inner());
        }
        let cause = & $($mut)? i.root_cause;
        opt(f, "root_cause.summary", & $($mut)? cause.summary);
        opt(f, "root_cause.technical", & $($mut)? cause.technical);
        opt(f, "root_cause.details", & $($mut)? cause.details);
        opt(f, "root_cause.trigger", & $($mut)? cause.trigger);
        list(f, "root_cause.contributing_factors", & $($mut)? cause.contributing_factors);
        list(f, "root_cause.whys", & $($mut)? cause.whys);
        for (n, a) in i.alternatives.$iter().enumerate() {
            f(format!("alternatives[{n}].option"), a.option.$inner());
            list(f, &format!("alternatives[{n}].pros"), & $($mut)? a.pros);
            list(f, &format!("alternatives[{n}].cons"), & $($mut)? a.cons);
            opt(f, &format!("alternatives[{n}].reason"), & $($mut)? a.reason);
        }
        for (n, c) in i.changes.$iter().enumerate() {
            opt(f, &format!("changes[{n}].description"), & $($mut)? c.description);
        }
        if let Some(r) = & $($mut)? i.resolution {
            opt(f, "resolution.summary", & $($mut)? r.summary);
            steps(f, "resolution.steps", & $($mut)? r.steps);
        }
        if let Some(v) = & $($mut)? i.verification {
            opt(f, "verification.summary", & $($mut)? v.summary);
            steps(f, "verification.steps", & $($mut)? v.steps);
            for (n, t) in v.tests.$iter().enumerate() {
                f(format!("verification.tests[{n}].name"), t.name.$inner());
                opt(f, &format!("verification.tests[{n}].note"), & $($mut)? t.note);
            }
            for (n, s) in v.suites.$iter().enumerate() {
                opt(f, &format!("verification.suites[{n}].note"), & $($mut)? s.note);
            }
        }
        for (n, m) in i.metrics.$iter().enumerate() {
            opt(f, &format!("metrics[{n}].note"), & $($mut)? m.note);
        }
        actions(f, "prevention", & $($mut)? i.prevention);
        actions(f, "follow_ups", & $($mut)? i.follow_ups);
        if let Some(l) = & $($mut)? i.lessons {
            opt(f, "lessons.summary", & $($mut)? l.summary);
            list(f, "lessons.went_well", & $($mut)? l.went_well);
            list(f, "lessons.went_wrong", & $($mut)? l.went_wrong);
            list(f, "lessons.lucky", & $($mut)? l.lucky);
            list(f, "lessons.learned", & $($mut)? l.learned);
            for (n, g) in l.groups.$iter().enumerate() {
                list(f, &format!("lessons.groups[{n}].items"), & $($mut)? g.items);
            }
        }
        if let Some(r) = & $($mut)? i.rollback {
            opt(f, "rollback.summary", & $($mut)? r.summary);
            steps(f, "rollback.steps", & $($mut)? r.steps);
        }
        for (n, k) in i.known_issues.$iter().enumerate() {
            opt(f, &format!("known_issues[{n}].details"), & $($mut)? k.details);
            opt(f, &format!("known_issues[{n}].solution"), & $($mut)? k.solution);
            opt(f, &format!("known_issues[{n}].impact"), & $($mut)? k.impact);
            for (m, c) in k.changes.$iter().enumerate() {
                opt(f, &format!("known_issues[{n}].changes[{m}].description"), & $($mut)? c.description);
            }
        }
        for (n, s) in i.sections.$iter().enumerate() {
            f(format!("sections[{n}].body"), s.body.$inner());
        }
    }};
}

/// The helpers of one walk, for shared (`&String`) or unique (`&mut String`) access.
macro_rules! helpers {
    ($name:ident, $iter:ident, $inner:ident, $($mut:ident)?) => {
        mod $name {
            use super::*;

            pub type Visit<'a, 'b> = dyn FnMut(String, &'b $($mut)? String) + 'a;

            pub fn opt<'b>(f: &mut Visit<'_, 'b>, path: &str, text: &'b $($mut)? Option<String>) {
                if let Some(text) = text {
                    f(path.to_owned(), text);
                }
            }

            pub fn list<'b>(f: &mut Visit<'_, 'b>, path: &str, items: &'b $($mut)? [String]) {
                for (n, text) in items.$iter().enumerate() {
                    f(format!("{path}[{n}]"), text);
                }
            }

            pub fn steps<'b>(f: &mut Visit<'_, 'b>, path: &str, items: &'b $($mut)? [Step]) {
                for (n, step) in items.$iter().enumerate() {
                    f(format!("{path}[{n}].description"), step.description.$inner());
                }
            }

            pub fn actions<'b>(
                f: &mut Visit<'_, 'b>,
                path: &str,
                items: &'b $($mut)? [ActionItem],
            ) {
                for (n, item) in items.$iter().enumerate() {
                    let ActionItem { action, details, .. } = item;
                    f(format!("{path}[{n}].action"), action.$inner());
                    opt(f, &format!("{path}[{n}].details"), details);
                }
            }

            pub fn all<'b>(i: &'b $($mut)? Incident, f: &mut Visit<'_, 'b>) {
                walk!(i, f, $iter, $inner, $($mut)?);
            }
        }
    };
}

helpers!(read, iter, inner,);
helpers!(write, iter_mut, inner_mut, mut);

impl Incident {
    /// Every Markdown field that says something, with its path (`timeline[2].event`).
    pub fn markdown_fields(&self) -> Vec<(String, &str)> {
        let mut fields = Vec::new();
        read::all(self, &mut |path, text: &String| {
            if !text.trim().is_empty() {
                fields.push((path, text.as_str()));
            }
        });
        fields
    }

    /// Rewrites every Markdown field with `f(path, text)`.
    pub fn rewrite_markdown(&mut self, f: &mut dyn FnMut(String, &mut String)) {
        write::all(self, f);
    }
}
