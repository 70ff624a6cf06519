//! `postmortem check`: every kind of mistake gets a located, specific error; all files are
//! reported in one run; the JSON and human formats carry the same diagnostics.

mod common;

use common::{VALID, Workspace, check_json, stderr};
use serde_json::Value;

/// The single diagnostic for `file`, asserting there is exactly one.
fn only<'a>(diagnostics: &'a [Value], file: &str) -> &'a Value {
    let found: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .collect();
    assert_eq!(found.len(), 1, "diagnostics for {file}: {diagnostics:#?}");
    found[0]
}

fn at(d: &Value) -> (u64, u64) {
    (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap())
}

fn text(d: &Value) -> String {
    format!(
        "{} {}",
        d["message"].as_str().unwrap_or(""),
        d["help"].as_str().unwrap_or("")
    )
}

#[test]
fn every_error_kind_is_located_and_explained_in_one_run() {
    let ws = Workspace::new();
    ws.incident("syntax.yaml", format!("{VALID}tags: [a, b\n"))
        .incident(
            "wrong-type.yaml",
            format!("{VALID}changes:\n  - file: a.py\n  - file: b.py\n  - file: c.py\n    before: [1, 2]\n"),
        )
        .incident("unknown-field.yaml", format!("{VALID}root_casue: typo\n"))
        .incident("unknown-nested.yaml", VALID.replace("  message: boom", "  mesage: boom"))
        .incident("bad-severity.yaml", VALID.replace("severity: high", "severity: huge"))
        .incident("bad-status.yaml", VALID.replace("status: resolved", "status: done"))
        .incident("missing.yaml", VALID.replace("root_cause:\n  summary: A bad setting.\n", ""))
        .incident("empty-title.yaml", VALID.replace("title: Cache outage", "title: \"  \""))
        .incident("bad-date.yaml", VALID.replace("date: 2025-07-12", "date: 2025-02-30"))
        .incident("valid.yaml", VALID);

    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(diagnostics.len(), 9, "{diagnostics:#?}");

    let d = only(&diagnostics, "syntax.yaml");
    assert_eq!(at(d), (11, 7));
    assert!(text(d).contains("unclosed bracket"), "{d}");

    let d = only(&diagnostics, "wrong-type.yaml");
    assert_eq!(at(d), (15, 13));
    assert!(text(d).contains("`changes[2].before`"), "{d}");
    assert!(text(d).contains("expected text"), "{d}");

    let d = only(&diagnostics, "unknown-field.yaml");
    assert_eq!(at(d), (11, 1));
    assert!(text(d).contains("unknown field `root_casue`"), "{d}");
    assert!(text(d).contains("did you mean `root_cause`?"), "{d}");

    let d = only(&diagnostics, "unknown-nested.yaml");
    assert_eq!(at(d), (8, 3));
    assert!(text(d).contains("unknown field `mesage` in `error`"), "{d}");
    assert!(text(d).contains("did you mean `message`?"), "{d}");

    let d = only(&diagnostics, "bad-severity.yaml");
    assert_eq!(at(d), (4, 11));
    assert!(
        text(d).contains("invalid value `huge` for `severity`"),
        "{d}"
    );
    assert!(text(d).contains("critical, high, medium, low"), "{d}");

    let d = only(&diagnostics, "bad-status.yaml");
    assert_eq!(at(d), (3, 9));
    assert!(
        text(d).contains("investigating, identified, mitigated, resolved"),
        "{d}"
    );

    let d = only(&diagnostics, "missing.yaml");
    assert_eq!(at(d), (1, 1), "where the document starts: {d}");
    assert!(
        text(d).contains("missing required field `root_cause`"),
        "{d}"
    );

    let d = only(&diagnostics, "empty-title.yaml");
    assert_eq!(at(d), (1, 8));
    assert!(text(d).contains("`title` must not be empty"), "{d}");

    let d = only(&diagnostics, "bad-date.yaml");
    assert_eq!(at(d), (2, 7));
    assert!(text(d).contains("invalid date `2025-02-30`"), "{d}");
    assert!(text(d).contains("2025-07-12"), "names a valid example: {d}");
}

#[test]
fn human_format_shows_location_source_line_and_caret() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID.replace("severity: high", "severity: huge"));
    let output = ws.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let expected = "error: invalid value `huge` for `severity`\n --> incidents/a.yaml:4:11\n  |\n4 | severity: huge\n  |           ^^^^\n";
    assert!(err.contains(expected), "{err}");
    assert!(
        err.contains("checked 1 incident file: 1 error, 0 warnings"),
        "{err}"
    );
}

#[test]
fn cross_file_problems_name_both_sides() {
    let ws = Workspace::new();
    ws.incident("same.yaml", VALID)
        .incident("same.yml", VALID)
        .incident("first.yaml", format!("{VALID}id: INC-1\n"))
        .incident("second.yaml", format!("{VALID}id: INC-1\n"))
        .incident(
            "linker.yaml",
            format!("{VALID}related: [first, frist, INC-1]\n"),
        );
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(1));
    // All five share one error, so notes about the recurrence come too; count the errors.
    let diagnostics: Vec<Value> = diagnostics
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(diagnostics.len(), 3, "{diagnostics:#?}");

    let d = only(&diagnostics, "same.yml");
    assert!(
        text(d).contains("two incident files have the slug `same`"),
        "{d}"
    );
    assert!(text(d).contains("same.yaml"), "{d}");

    let d = only(&diagnostics, "second.yaml");
    assert_eq!(at(d), (11, 5));
    assert!(text(d).contains("id `INC-1` is already used"), "{d}");
    assert!(text(d).contains("first.yaml"), "{d}");

    let d = only(&diagnostics, "linker.yaml");
    assert_eq!(at(d), (11, 18));
    assert!(text(d).contains("unknown incident `frist`"), "{d}");
    assert!(text(d).contains("did you mean `first`?"), "{d}");
}

#[test]
fn hostile_files_fail_fast_with_clear_errors() {
    let ws = Workspace::new();
    let mut not_utf8 = VALID.as_bytes().to_vec();
    not_utf8.extend_from_slice(b"detection: caf\xe9\n");
    ws.incident("latin1.yaml", not_utf8);

    let big = format!(
        "{VALID}detection: |\n{}",
        "  padding line of a huge log\n".repeat(200_000)
    );
    ws.incident("huge.yaml", big);

    // Billion laughs: nine levels of nine aliases each.
    let mut bomb = format!("{VALID}sections:\n  - title: &a lol\n    body: lol\n");
    bomb.push_str("tags: &t0 [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n");
    for level in 1..9 {
        let refs = vec![format!("*t{}", level - 1); 9].join(", ");
        bomb.push_str(&format!("x{level}: &t{level} [{refs}]\n"));
    }
    ws.incident("bomb.yaml", bomb);

    let deep = format!(
        "{VALID}detection: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    ws.incident("deep.yaml", deep);
    let deep_block: String = (0..1_000)
        .map(|i| format!("{}- \n", " ".repeat(i)))
        .collect();
    ws.incident("deep-block.yaml", format!("{VALID}tags:\n{deep_block}"));

    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(1));

    let d = only(&diagnostics, "latin1.yaml");
    assert_eq!(at(d), (11, 15));
    assert!(text(d).contains("not valid UTF-8"), "{d}");

    let d = only(&diagnostics, "huge.yaml");
    assert!(text(d).contains("at most 5 MB"), "{d}");

    // The schema stops the bomb at its first unknown key, before any alias is expanded;
    // where a field would take it, the parser's budgets do (see `load::parse` tests).
    let d = only(&diagnostics, "bomb.yaml");
    assert_eq!(at(d), (15, 1), "{d}");
    assert!(text(d).contains("unknown field `x1`"), "{d}");

    let d = only(&diagnostics, "deep.yaml");
    assert_eq!(at(d).0, 11, "{d}");
    assert!(text(d).contains("`detection`"), "{d}");
    let d = only(&diagnostics, "deep-block.yaml");
    assert!(at(d).0 >= 11, "{d}");
    assert!(text(d).contains("`tags[0]`"), "{d}");
}

#[test]
fn an_alias_bomb_in_a_valid_field_is_stopped_by_the_budget() {
    // Aliases to one 1 MB string, repeated: each use copies it. The budget stops this
    // long before it costs gigabytes.
    let ws = Workspace::new();
    let big = "x".repeat(1_000_000);
    let refs = vec!["*s"; 4_000].join(", ");
    ws.incident(
        "amplify.yaml",
        format!("{VALID}detection: &s \"{big}\"\ntags: [{refs}]\n"),
    );
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(1));
    let d = only(&diagnostics, "amplify.yaml");
    assert!(text(d).contains("expands too many aliases"), "{d}");
}

#[test]
fn valid_workspace_passes_and_says_so() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID).incident("b.yml", VALID);
    let output = ws.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("checked 2 incident files: 0 errors"),
        "{}",
        stderr(&output)
    );
    let quiet = ws.run(&["check", "--quiet"]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
}

#[test]
fn unknown_languages_are_a_warning_not_an_error() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!("{VALID}changes:\n  - file: httpd.conf\n    language: apache2\n    after: x\n"),
    );
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(0));
    let d = only(&diagnostics, "a.yaml");
    assert_eq!(d["severity"], "warning");
    assert!(
        text(d).contains("`changes[0].language`: unknown language `apache2`"),
        "{d}"
    );
}

#[test]
fn file_names_must_make_good_urls() {
    let ws = Workspace::new();
    ws.incident("Redis Outage.yaml", VALID);
    let (_, diagnostics) = check_json(&ws);
    let d = only(&diagnostics, "Redis Outage.yaml");
    assert!(text(d).contains("redis-outage.yaml"), "{d}");
}

#[test]
fn missing_incidents_folder_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::run_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("incidents folder not found"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn broken_config_is_located() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("postmortem.toml", "title = \"x\"\ntilte = \"y\"\n");
    let output = ws.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("postmortem.toml:2:1"), "{err}");
    assert!(err.contains("tilte"), "{err}");
}

#[test]
fn the_suggestion_for_an_unknown_related_incident_is_stable_and_never_itself() {
    let ws = Workspace::new();
    // The three slugs are equally close to the typo.
    ws.incident("2025-01-01-aa.yaml", VALID)
        .incident("2025-01-01-bb.yaml", VALID)
        .incident(
            "2025-01-01-cc.yaml",
            format!("{VALID}related: [2025-01-01-xx]\n"),
        );
    let mut helps = std::collections::BTreeSet::new();
    for _ in 0..5 {
        let (output, diagnostics) = check_json(&ws);
        assert_eq!(output.status.code(), Some(1));
        let errors: Vec<Value> = diagnostics
            .into_iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        let d = only(&errors, "2025-01-01-cc.yaml");
        helps.insert(d["help"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(helps.len(), 1, "{helps:?}");
    let help = helps.pop_first().unwrap_or_default();
    assert!(help.starts_with("did you mean `2025-01-01-"), "{help}");
    assert!(!help.contains("cc"), "not the incident itself: {help}");
}

/// `check` keeps what files without a problem parsed to (under `.postmortem/cache/`) and
/// reads it back on the next run: the second run reports exactly what the first did, down
/// to the line of a duplicate `id` and of an unknown `related` entry, which come from where
/// the parser found them. A file changed since is parsed again; `--no-cache` writes nothing.
#[test]
fn a_second_check_reads_the_parses_back_and_reports_the_same() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!("id: INC-1\n{VALID}related:\n  - b\n  - nowhere\n"),
    )
    .incident("b.yaml", format!("id: INC-1\n{VALID}"))
    .incident("c.yaml", VALID);
    let (first, found) = check_json(&ws);
    let kept = ws.path(".postmortem/cache/parsed");
    assert_eq!(
        std::fs::read_dir(&kept).map(Iterator::count).unwrap_or(0),
        1
    );
    // The memo is written again (a new file, renamed into place) only if a run parsed a
    // file it did not hold or left one of its entries unread.
    let memo = kept.join("memo");
    let written = || {
        use std::os::unix::fs::MetadataExt;
        let metadata = std::fs::metadata(&memo).unwrap();
        (metadata.ino(), metadata.modified().unwrap())
    };
    let before = written();
    let (second, again) = check_json(&ws);
    assert_eq!(
        written(),
        before,
        "every parse was read back, none made again"
    );
    assert_eq!(again, found);
    assert_eq!(second.status.code(), first.status.code());
    let located: Vec<(u64, u64)> = found
        .iter()
        .filter(|d| text(d).contains("INC-1") || text(d).contains("nowhere"))
        .map(at)
        .collect();
    assert_eq!(located.len(), 2, "{found:#?}");
    assert!(located.iter().all(|&(line, _)| line > 0), "{found:#?}");

    ws.incident("c.yaml", VALID.replace("severity: high", "severity: huge"));
    let (_, edited) = check_json(&ws);
    assert!(
        edited.iter().any(|d| text(d).contains("huge")),
        "{edited:#?}"
    );

    let fresh = Workspace::new();
    fresh.incident("c.yaml", VALID);
    assert_eq!(fresh.run(&["check", "--no-cache"]).status.code(), Some(0));
    assert!(!fresh.path(".postmortem").exists());
}
