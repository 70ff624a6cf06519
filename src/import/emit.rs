//! Writing a draft as YAML that reads like a file written by hand with `new`: the model's
//! key order, the schema line, block scalars for text of several lines, and every scalar
//! quoted that YAML would read as something other than the same string.
//!
//! Emitting is the easy direction; the importer reads every file it writes back through
//! the real loader (`load::parse_incident`), so a quoting mistake cannot go unnoticed.

use std::fmt::Write as _;

use super::draft::{Action, Draft, Entry};

/// A scalar for a `key: value` line or a `- value` item at `indent` spaces: plain when
/// YAML reads it back as the same string, else double-quoted, or a literal block when it
/// has several lines.
pub fn scalar(text: &str, indent: usize) -> String {
    if text.contains('\n') && !needs_escapes(text) {
        return block(text, indent);
    }
    if is_plain_safe(text) {
        text.to_owned()
    } else {
        quoted(text)
    }
}

/// A JSON string, which is a YAML double-quoted scalar once the characters YAML cannot
/// hold literally (JSON escapes only those below U+0020: DEL, the C1 controls but NEL,
/// U+FFFE and U+FFFF stay) are escaped too.
pub fn quoted(text: &str) -> String {
    let json = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    let printable = |c: char| {
        !(c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) && c != '\u{85}')
            && c != '\u{fffe}'
            && c != '\u{ffff}'
    };
    if json.chars().all(printable) {
        return json;
    }
    json.chars()
        .map(|c| {
            if printable(c) {
                c.to_string()
            } else {
                format!("\\u{:04x}", u32::from(c))
            }
        })
        .collect()
}

/// Control characters (other than tab and newline) and carriage returns have no literal
/// form in YAML.
fn needs_escapes(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}' || c == '\u{85}')
}

/// Words YAML 1.1 or 1.2 reads as booleans or null.
const RESERVED: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
];

/// Whether `text` may stand unquoted: it starts with a letter or digit, holds no `: `,
/// ` #`, no indicator YAML would act on, and does not read as a boolean, null, number,
/// date or time.
pub fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !first.is_alphanumeric() || text.ends_with([' ', ':', '\t']) {
        return false;
    }
    if text.contains(": ")
        || text.contains(" #")
        || text.contains('\t')
        || text.chars().any(|c| "{}[],&*!|>'\"%@`#".contains(c))
        || needs_escapes(text)
        || text.contains('\n')
    {
        return false;
    }
    let lower = text.to_lowercase();
    if RESERVED.contains(&lower.as_str()) {
        return false;
    }
    // Numbers (1e3, 0x1F, 1_000, .5, 12:30 sexagesimal), dates and times: anything that
    // starts with a digit and holds only number-ish characters, or starts like a date.
    let numberish = text
        .chars()
        .all(|c| c.is_ascii_hexdigit() || "+-._:xXoO".contains(c));
    let datelike = text.len() >= 10 && text.as_bytes()[4] == b'-' && first.is_ascii_digit();
    !(first.is_ascii_digit() && (numberish || datelike))
        && !lower.starts_with(".inf")
        && lower != ".nan"
}

/// A literal block scalar, `|-` (no final line break). Text whose first line is blank or
/// starts with a space would need an indentation indicator; it is double-quoted instead.
fn block(text: &str, indent: usize) -> String {
    let text = text.trim_end();
    if text.starts_with([' ', '\n']) {
        return quoted(text);
    }
    let pad = " ".repeat(indent + 2);
    let mut out = String::from("|-");
    for line in text.split('\n') {
        out.push('\n');
        if !line.trim().is_empty() {
            out.push_str(&pad);
            out.push_str(line.trim_end_matches(['\r']));
        }
    }
    out
}

/// Lines of YAML, built in order.
pub struct Writer {
    out: String,
}

impl Writer {
    fn new() -> Self {
        Self { out: String::new() }
    }

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `key: value` at `indent`, with a comment when given.
    fn field(&mut self, indent: usize, key: &str, value: &str, comment: Option<&str>) {
        let pad = " ".repeat(indent);
        let value = scalar(value, indent);
        let _ = match comment {
            Some(c) if !value.contains('\n') => writeln!(self.out, "{pad}{key}: {value}  # {c}"),
            Some(c) => writeln!(self.out, "{pad}# {c}\n{pad}{key}: {value}"),
            None => writeln!(self.out, "{pad}{key}: {value}"),
        };
    }

    fn opt(&mut self, indent: usize, key: &str, value: Option<&String>) {
        if let Some(value) = value {
            self.field(indent, key, value, None);
        }
    }

    /// A list of strings under `key`.
    fn strings(&mut self, indent: usize, key: &str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let pad = " ".repeat(indent);
        self.line(&format!("{pad}{key}:"));
        for item in items {
            let value = scalar(item, indent + 2);
            self.line(&format!("{pad}  - {value}"));
        }
    }

    /// A one-line list (`[a, b]`) of short names.
    fn inline(&mut self, key: &str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
        self.line(&format!("{key}: [{}]", items.join(", ")));
    }
}

/// `text` fit for a YAML comment, which ends at a line break and holds only printable
/// characters: the others (a path or a quoted value may hold them) become `?`.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| {
            let unprintable = c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}');
            if unprintable { '?' } else { c }
        })
        .collect()
}

/// The file for `draft`; `schema` is the `$schema` reference, `source` where it came from.
pub fn emit(draft: &Draft, schema: &str, source: &str) -> String {
    let mut w = Writer::new();
    w.line(&format!("# yaml-language-server: $schema={schema}"));
    w.line(&format!(
        "# Imported by `postmortem import` from {}.",
        comment(source)
    ));
    if !draft.review.is_empty() {
        w.line("# The fields under `review` hold defaults: check them, then empty the list.");
    }
    w.line("");
    header(&mut w, draft);
    body(&mut w, draft);
    w.out
}

fn header(w: &mut Writer, d: &Draft) {
    let why = |field: &str| {
        d.review_of(field)
            .map(|r| format!("review: {}", comment(r)))
    };
    w.field(0, "title", &d.title, why("title").as_deref());
    w.opt(0, "document_title", d.document_title.as_ref());
    // The date stays plain: it is the one scalar that is meant to read as a date.
    let date = if is_plain_date(&d.date) {
        d.date.clone()
    } else {
        quoted(&d.date)
    };
    match why("date") {
        Some(c) => w.line(&format!("date: {date}  # {c}")),
        None => w.line(&format!("date: {date}")),
    }
    w.opt(0, "id", d.id.as_ref());
    w.field(0, "status", &d.status, why("status").as_deref());
    w.opt(0, "status_note", d.status_note.as_ref());
    w.field(0, "severity", &d.severity, why("severity").as_deref());
    let review: Vec<String> = d.review.iter().map(|r| r.field.clone()).collect();
    w.inline("review", &review);
    if let Some(summary) = &d.summary {
        w.field(0, "summary", summary, why("summary").as_deref());
    }
    w.inline("authors", &d.authors);
    w.opt(0, "lead", d.lead.as_ref());
    w.opt(0, "owner", d.owner.as_ref());
    w.inline("responders", &d.responders);
    w.inline("tags", &d.tags);
    w.inline("services", &d.services);
    if let Some(name) = &d.environment {
        w.line("environment:");
        w.field(2, "name", name, None);
    }
}

/// `YYYY-MM-DD`, which YAML and the model both read as that date.
fn is_plain_date(text: &str) -> bool {
    text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn body(w: &mut Writer, d: &Draft) {
    if let Some(e) = &d.error {
        w.line("");
        w.line("error:");
        w.opt(2, "type", e.kind.as_ref());
        w.field(2, "message", &e.message, None);
        w.opt(2, "stack_trace", e.stack_trace.as_ref());
        w.opt(
            2,
            "stack_trace_language",
            e.language.as_ref().filter(|_| e.stack_trace.is_some()),
        );
        w.opt(2, "logs", e.logs.as_ref());
    }
    let i = &d.impact;
    if i.summary.is_some() || i.users.is_some() || i.duration.is_some() {
        w.line("");
        w.line("impact:");
        w.opt(2, "summary", i.summary.as_ref());
        w.opt(2, "users", i.users.as_ref());
        w.opt(2, "duration", i.duration.as_ref());
    }
    if let Some(text) = &d.detection {
        w.line("");
        w.field(0, "detection", text, None);
    }
    timeline(w, &d.timeline);
    cause(w, d);
    changes(w, d);
    for (key, text) in [
        ("resolution", &d.resolution),
        ("verification", &d.verification),
    ] {
        if let Some(text) = text {
            w.line("");
            w.field(0, key, text, None);
        }
    }
    actions(w, "prevention", &d.prevention);
    lessons(w, d);
    if let Some(text) = &d.rollback {
        w.line("");
        w.field(0, "rollback", text, None);
    }
    rest(w, d);
}

fn timeline(w: &mut Writer, entries: &[Entry]) {
    if entries.is_empty() {
        return;
    }
    w.line("");
    w.line("timeline:");
    for entry in entries {
        w.line(&format!("  - time: {}", quoted(&entry.time)));
        w.field(4, "event", &entry.event, None);
        if let Some(kind) = entry.kind {
            w.line(&format!("    kind: {kind}"));
        }
    }
}

fn cause(w: &mut Writer, d: &Draft) {
    let c = &d.root_cause;
    w.line("");
    if let Some(reason) = d.review_of("root_cause") {
        w.line(&format!("# review: {}", comment(reason)));
    }
    w.line("root_cause:");
    w.opt(2, "summary", c.summary.as_ref());
    w.opt(2, "technical", c.technical.as_ref());
    w.strings(2, "contributing_factors", &c.contributing_factors);
    w.opt(2, "trigger", c.trigger.as_ref());
    w.strings(2, "whys", &c.whys);
}

fn changes(w: &mut Writer, d: &Draft) {
    if d.changes.is_empty() {
        return;
    }
    w.line("");
    w.line("changes:");
    for change in &d.changes {
        w.line(&format!("  - file: {}", scalar(&change.file, 4)));
        w.opt(4, "lines", change.lines.as_ref());
        w.opt(4, "language", change.language.as_ref());
        w.opt(4, "description", change.description.as_ref());
        w.opt(4, "before", change.before.as_ref());
        w.opt(4, "after", change.after.as_ref());
    }
}

fn actions(w: &mut Writer, key: &str, items: &[Action]) {
    if items.is_empty() {
        return;
    }
    w.line("");
    w.line(&format!("{key}:"));
    for item in items {
        let action = scalar(&item.action, 4);
        w.line(&format!("  - action: {action}"));
        w.opt(4, "group", item.group.as_ref());
        w.opt(4, "owner", item.owner.as_ref());
        match item.done {
            Some(true) => w.line("    status: done"),
            Some(false) => w.line("    status: open"),
            None => {}
        }
        w.opt(4, "details", item.details.as_ref());
    }
}

fn lessons(w: &mut Writer, d: &Draft) {
    let l = &d.lessons;
    if l.is_empty() {
        return;
    }
    w.line("");
    w.line("lessons:");
    w.opt(2, "summary", l.summary.as_ref());
    w.strings(2, "went_well", &l.went_well);
    w.strings(2, "went_wrong", &l.went_wrong);
    w.strings(2, "lucky", &l.lucky);
    w.strings(2, "learned", &l.learned);
    if !l.groups.is_empty() {
        w.line("  groups:");
        for group in &l.groups {
            w.line(&format!("    - title: {}", scalar(&group.title, 6)));
            w.strings(6, "items", &group.items);
        }
    }
}

fn rest(w: &mut Writer, d: &Draft) {
    if !d.known_issues.is_empty() {
        w.line("");
        w.line("known_issues:");
        for issue in &d.known_issues {
            w.line(&format!("  - title: {}", scalar(&issue.title, 4)));
            w.opt(4, "details", issue.details.as_ref());
        }
    }
    actions(w, "follow_ups", &d.follow_ups);
    if !d.links.is_empty() {
        w.line("");
        w.line("links:");
        for link in &d.links {
            w.line(&format!("  - title: {}", scalar(&link.title, 4)));
            w.opt(4, "url", link.url.as_ref());
            w.opt(4, "reference", link.reference.as_ref());
        }
    }
    if !d.sections.is_empty() {
        w.line("");
        w.line("sections:");
        for section in &d.sections {
            w.line(&format!("  - title: {}", scalar(&section.title, 4)));
            w.field(4, "body", &section.body, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_yaml_would_misread_are_quoted() {
        for trap in [
            "no",
            "On",
            "YES",
            "null",
            "~",
            "1e3",
            "12:30",
            "0x1F",
            "1_000",
            "2025-07-12",
            "a # b",
            "key: value",
            "*alias",
            "&anchor",
            "!tag",
            "%directive",
            "@at",
            "`tick`",
            "- dash",
            "? question",
            "[list]",
            "{map}",
            "trailing ",
            " leading",
            "",
            "'single'",
            "\"double\"",
            "a\tb",
            "|pipe",
            ">fold",
            ".inf",
            "3.14",
            "-1",
            "+1",
        ] {
            assert!(!is_plain_safe(trap), "{trap:?} must be quoted");
        }
        for fine in [
            "Redis",
            "P1",
            "SEV2",
            "redis-py 5.0.1",
            "login (all users)",
            "v1.2.3",
        ] {
            assert!(is_plain_safe(fine), "{fine:?} can stay plain");
        }
    }

    #[test]
    fn text_of_several_lines_is_a_literal_block() {
        assert_eq!(scalar("a\n  b\n\n# c", 2), "|-\n    a\n      b\n\n    # c");
        assert_eq!(scalar("  indented\nnext", 0), "\"  indented\\nnext\"");
        assert_eq!(scalar("bell\u{7}\nline", 0), "\"bell\\u0007\\nline\"");
    }

    #[test]
    fn characters_yaml_cannot_hold_are_escaped() {
        let text = "del\u{7f} c1\u{9b} nel\u{85} \u{ffff}";
        let yaml = scalar(text, 0);
        assert_eq!(yaml, "\"del\\u007f c1\\u009b nel\u{85} \\uffff\"");
        let read: String = serde_saphyr::from_str(&yaml).expect("YAML reads it");
        assert_eq!(read, text);
    }
}
