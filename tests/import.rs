//! `postmortem import` on Markdown fixtures written here, one per common shape: golden
//! YAML, `check` and `build` pass, nothing dropped; the review list, dry runs, the
//! no-overwrite rule, idempotence and a workspace's own heading wordings.
//!
//! After an intended change, regenerate the goldens with
//! `UPDATE_GOLDEN=1 cargo test --test import` and review the diff.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Workspace, snapshot, stderr, stdout};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/import/{name}.yaml"))
}

/// A workspace with every fixture copied to `postmortems/`.
fn workspace() -> Workspace {
    let ws = Workspace::new();
    for entry in fs::read_dir(fixtures()).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        ws.write(
            &format!("postmortems/{name}"),
            fs::read(&path).expect("fixture"),
        );
    }
    ws
}

fn outcomes(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_fixture_imports_as_its_golden_checks_and_builds() {
    let ws = workspace();
    let output = ws.run(&["import", "postmortems", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let outcomes = outcomes(&output);
    assert!(outcomes.len() >= 9, "{outcomes:#?}");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut differ = Vec::new();
    for outcome in &outcomes {
        let source = outcome["source"].as_str().expect("source");
        assert_eq!(outcome["result"], "written", "{outcome:#}");
        let accounting = &outcome["accounting"];
        assert_eq!(accounting["dropped"], 0, "{source}: {accounting:#}");
        let lines = accounting["lines"].as_u64().expect("lines");
        let fields: u64 = accounting["fields"]
            .as_object()
            .expect("fields")
            .values()
            .filter_map(Value::as_u64)
            .sum();
        let sections = accounting["sections"].as_u64().expect("sections");
        let markup = accounting["markup"].as_u64().expect("markup");
        assert_eq!(
            fields + sections + markup,
            lines,
            "{source}: every line counted once"
        );
        let written =
            fs::read_to_string(ws.path(outcome["file"].as_str().expect("file"))).expect("written");
        let expected = golden(&stem(source));
        if update {
            fs::create_dir_all(expected.parent().expect("parent")).expect("golden dir");
            fs::write(&expected, &written).expect("write golden");
        } else if fs::read_to_string(&expected).ok().as_deref() != Some(written.as_str()) {
            differ.push(format!("{source} (got:\n{written})"));
        }
    }
    assert!(
        differ.is_empty(),
        "differs from its golden:\n{}",
        differ.join("\n")
    );
    let (check, diagnostics) = common::check_json(&ws);
    assert!(check.status.success(), "{}", stderr(&check));
    // The timeline across midnight reads in order: its times of day roll to the next day.
    let midnight: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| {
            d["file"]
                .as_str()
                .is_some_and(|f| f.contains("batch-billing"))
        })
        .collect();
    assert!(midnight.is_empty(), "{midnight:#?}");
    let build = ws.run(&["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let report = fs::read_to_string(
        ws.path("reports/2025-06-30-batch-billing-run-overran-into-the-morning.md"),
    )
    .expect("report");
    assert!(
        report.contains("2h 10m") || report.contains("2 h 10 min"),
        "time to detect across midnight:\n{report}"
    );
    // The image next to the setext fixture is copied beside its incident.
    assert!(
        ws.path("incidents/2025-02-03-disk-full-on-the-build-cache-host/disk.png")
            .is_file()
    );
}

/// The incident file a fixture imports to, alone in a fresh workspace.
fn import_one(fixture: &str) -> (Workspace, String, PathBuf) {
    let ws = workspace();
    let output = ws.run(&[
        "import",
        &format!("postmortems/{fixture}.md"),
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let outcomes = outcomes(&output);
    let file = ws.path(outcomes[0]["file"].as_str().expect("file"));
    let text = fs::read_to_string(&file).expect("written");
    (ws, text, file)
}

#[test]
fn what_is_not_stated_is_defaulted_listed_for_review_warned_and_marked() {
    let (ws, text, file) = import_one("gitlab");
    assert!(
        text.contains("review: [\"status\", \"severity\"]"),
        "{text}"
    );
    assert!(
        text.contains("severity: high  # review: not stated in the original"),
        "{text}"
    );
    let (_, diagnostics) = common::check_json(&ws);
    let warned: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("imported, needs review"))
        })
        .collect();
    assert_eq!(warned.len(), 1, "{diagnostics:#?}");
    assert_eq!(warned[0]["severity"], "warning");
    let build = ws.run(&["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let slug = stem(&file.display().to_string());
    let page =
        fs::read_to_string(ws.path(&format!("site/incidents/{slug}/index.html"))).expect("page");
    assert!(page.contains("imported, needs review"), "the page marks it");

    // Reviewed: the list emptied, the warning and the mark are gone.
    let reviewed: String = text
        .lines()
        .filter(|l| !l.starts_with("review:"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&file, reviewed).expect("edit");
    let (_, diagnostics) = common::check_json(&ws);
    assert!(!diagnostics.iter().any(|d| {
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("needs review"))
    }));
    assert!(ws.run(&["build"]).status.success());
    let page =
        fs::read_to_string(ws.path(&format!("site/incidents/{slug}/index.html"))).expect("page");
    assert!(!page.contains("imported, needs review"));
}

#[test]
fn a_dry_run_writes_nothing_and_says_what_it_would_write() {
    let ws = workspace();
    let before = snapshot(ws.root());
    let output = ws.run(&["import", "postmortems", "--dry-run", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let outcomes = outcomes(&output);
    assert!(
        outcomes
            .iter()
            .all(|o| o["result"] == "would-write" && o["file"].is_string())
    );
    assert_eq!(snapshot(ws.root()), before, "nothing written");
    let human = ws.run(&["import", "postmortems/traps.md", "--dry-run"]);
    assert!(
        stdout(&human).contains("(dry run) incidents/2025-02-28-no.yaml"),
        "{}",
        stdout(&human)
    );
    assert_eq!(snapshot(ws.root()), before);
}

#[test]
fn an_existing_incident_is_kept_unless_forced_and_imports_are_identical() {
    let (ws, first, file) = import_one("midnight-table");
    fs::write(&file, "edited by hand\n").expect("edit");
    let again = ws.run(&[
        "import",
        "postmortems/midnight-table.md",
        "--format",
        "json",
    ]);
    assert!(!again.status.success(), "refused");
    assert_eq!(outcomes(&again)[0]["result"], "exists");
    assert_eq!(fs::read_to_string(&file).expect("kept"), "edited by hand\n");
    let forced = ws.run(&["import", "postmortems/midnight-table.md", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(
        fs::read_to_string(&file).expect("replaced"),
        first,
        "same bytes as the first import"
    );
    let (_, other, _) = import_one("midnight-table");
    assert_eq!(other, first, "another workspace, the same bytes");
}

#[test]
fn a_workspace_adds_heading_wordings_and_an_unknown_field_is_refused() {
    let ws = workspace();
    ws.write(
        "postmortem.toml",
        "[import.headings]\n\"Customer pain\" = \"impact\"\n",
    );
    ws.write(
        "notes/pain.md",
        "# Slow pages\n\nDate: 2025-05-05\n\n## Customer pain\n\nPages took 9 s.\n",
    );
    let output = ws.run(&["import", "notes/pain.md", "--dry-run", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(outcomes(&output)[0]["accounting"]["fields"]["impact"], 1);
    ws.write(
        "postmortem.toml",
        "[import.headings]\n\"Customer pain\" = \"pain\"\n",
    );
    let output = ws.run(&["import", "notes/pain.md", "--dry-run"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("`pain`, which is not a field"),
        "{}",
        stderr(&output)
    );
}
