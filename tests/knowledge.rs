//! The knowledge base end to end: error patterns on the example incidents, the recurrence
//! note of `check`, `postmortem actions`, and the trend charts' numbers and SVG.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{VALID, Workspace, stderr, stdout};
use scraper::{Html, Selector};
use serde_json::Value;

const CLIENT_CLASS: &str = "2025-07-12-redis-client-class-breaks-login";
const POOL_KWARGS: &str = "2025-10-09-redis-connection-pool-kwargs-breaks-registration";
const TLS: &str = "2025-08-19-expired-tls-certificate-takes-down-payments-api";
const REDIS_PATTERN: &str =
    "TypeError: AbstractConnection.__init__() got an unexpected keyword argument <name>";
/// 2025-12-01T12:00:00Z: the day the example site is "built" on.
const BUILD_DAY_EPOCH: &str = "1764590400";

/// The repository's example site, built once into a temporary folder as of 2025-12-01.
fn example_site() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, site) = SITE.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let site = tmp.path().join("site");
        let output = Command::new(env!("CARGO_BIN_EXE_postmortem"))
            .arg("--root")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .arg("build")
            .arg("--out")
            .arg(&site)
            .arg("--reports")
            .arg(tmp.path().join("reports"))
            .env("SOURCE_DATE_EPOCH", BUILD_DAY_EPOCH)
            .output()
            .expect("run postmortem build");
        assert!(output.status.success(), "{}", stderr(&output));
        (tmp, site)
    });
    site
}

fn page(path: &str) -> String {
    let file = example_site().join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The text of every element matching `selector`, whitespace collapsed.
fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).expect("selector");
    document
        .select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn attrs(html: &str, selector: &str, attr: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).expect("selector");
    document
        .select(&selector)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

#[test]
fn the_redis_kwargs_incidents_share_one_pattern_and_its_page_lists_them() {
    let patterns = page("patterns/index.html");
    let recurring = texts(
        &patterns,
        "#recurring + .table-wrap tbody tr td:first-child > a",
    );
    assert_eq!(recurring, [REDIS_PATTERN], "exactly one recurring pattern");
    let listed = attrs(&patterns, ".pattern-incidents a", "href");
    assert_eq!(
        listed,
        [
            format!("../incidents/{POOL_KWARGS}/index.html"),
            format!("../incidents/{CLIENT_CLASS}/index.html")
        ]
    );
    let single = texts(&patterns, "#single + .table-wrap tbody tr td:first-child");
    assert_eq!(
        single.len(),
        6,
        "every other incident has a pattern of its own"
    );
    assert!(!single.iter().any(|p| p == REDIS_PATTERN));

    // The pattern's own page.
    let href = &attrs(
        &patterns,
        "#recurring + .table-wrap td:first-child > a",
        "href",
    )[0];
    let pattern_page = page(&format!(
        "patterns/{}",
        href.trim_start_matches("../patterns/")
    ));
    assert_eq!(texts(&pattern_page, ".pattern-text"), [REDIS_PATTERN]);
    assert_eq!(
        texts(&pattern_page, ".stats dd"),
        ["2", "2025-07-12", "2025-10-09"]
    );
    assert_eq!(
        attrs(&pattern_page, ".incident-list .row-title a", "href"),
        [
            format!("../../incidents/{POOL_KWARGS}/index.html"),
            format!("../../incidents/{CLIENT_CLASS}/index.html")
        ]
    );
}

#[test]
fn incident_pages_show_their_pattern_recurrence_and_related_reasons() {
    let line = |slug: &str| {
        texts(
            &page(&format!("incidents/{slug}/index.html")),
            ".pattern-line",
        )[0]
        .clone()
    };
    assert_eq!(
        line(POOL_KWARGS),
        format!("Pattern {REDIS_PATTERN} · seen 1 time before")
    );
    assert_eq!(
        line(CLIENT_CLASS),
        format!("Pattern {REDIS_PATTERN} · first of 2 occurrences")
    );
    let tls = line(TLS);
    assert!(tls.ends_with("· not seen in any other incident"), "{tls}");
    assert!(tls.contains("current time <time> is after <time>"), "{tls}");

    // The committed Markdown reports say the same, so the recurrence shows in git too.
    let report = |slug: &str| {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("reports/{slug}.md"));
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    };
    assert!(
        report(POOL_KWARGS).contains(&format!(
            "**Pattern:** `{REDIS_PATTERN}` (seen 1 time before)"
        )),
        "{POOL_KWARGS}.md"
    );
    assert!(
        report(CLIENT_CLASS).contains(&format!(
            "**Pattern:** `{REDIS_PATTERN}` (first of 2 occurrences)"
        )),
        "{CLIENT_CLASS}.md"
    );

    let related = page(&format!("incidents/{POOL_KWARGS}/index.html"));
    let reasons = texts(&related, "#related .reason");
    assert_eq!(
        reasons[0],
        "same error pattern; listed as related; shared services: authentication, cache; shared tags: redis, django, cache, config"
    );
    assert!(reasons.len() <= 5);
}

#[test]
fn the_actions_page_marks_overdue_items_as_of_the_build_day() {
    let actions = page("actions/index.html");
    assert_eq!(texts(&actions, ".stat-overdue dd"), ["5"]);
    let overdue_dates = texts(
        &actions,
        "#open + .table-wrap tr.overdue td:first-child time",
    );
    assert_eq!(
        overdue_dates,
        [
            "2025-09-30",
            "2025-10-01",
            "2025-10-31",
            "2025-11-24",
            "2025-11-30"
        ]
    );
    assert!(
        texts(&actions, ".lead")[0].contains("2025-12-01"),
        "says which day overdue is measured against"
    );
}

/// The SVG of chart `id`, as written into the page.
fn svg<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\""
        ))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + html[start..].find("</svg>").expect("closed") + "</svg>".len();
    &html[start..end]
}

/// The `<desc>` of a chart (every label and value) and its value labels, parsed as XML.
fn chart_numbers(html: &str, id: &str) -> (String, Vec<String>) {
    let svg = svg(html, id);
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{id}: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"), "{id}");
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert!(title.is_some_and(|t| !t.is_empty()), "{id} has a title");
    let desc = root
        .children()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_owned();
    let values = root
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some("value"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect();
    (desc, values)
}

#[test]
fn trend_charts_count_the_example_incidents() {
    let trends = page("trends/index.html");
    let (desc, values) = chart_numbers(&trends, "per-month");
    assert_eq!(
        desc,
        "2025-07: 1; 2025-08: 1; 2025-09: 1; 2025-10: 1; 2025-11: 3; 2025-12: 1"
    );
    assert_eq!(values, ["1", "1", "1", "1", "3", "1"]);

    let (desc, values) = chart_numbers(&trends, "by-severity");
    assert_eq!(desc, "critical: 2; high: 3; medium: 2; low: 1");
    assert_eq!(values, ["2", "3", "2", "1"]);

    let (desc, _) = chart_numbers(&trends, "by-service");
    assert!(
        desc.starts_with("checkout-api: 4; cache: 3; authentication: 2; payments-api: 2; "),
        "{desc}"
    );
    assert_eq!(desc.matches(';').count(), 9, "top ten of twelve: {desc}");

    // TLS: started 04:00, resolved 11:30; poison message: 21 h 55 min.
    let (desc, values) = chart_numbers(&trends, "time-to-resolve");
    assert_eq!(desc, "2025-08: 7 h 30 min; 2025-09: 21 h 55 min");
    assert_eq!(values, ["7 h 30 min", "21 h 55 min"]);

    // The same numbers are in a table for readers without the chart.
    let cells = texts(&trends, "#by-severity-section tbody td");
    assert_eq!(
        cells,
        ["critical", "2", "high", "3", "medium", "2", "low", "1"]
    );
}

const FIRST_KWARGS: &str =
    "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'";

fn with_message(date: &str, message: &str) -> String {
    VALID
        .replace("date: 2025-07-12", &format!("date: {date}"))
        .replace("message: boom", &format!("message: \"{message}\""))
}

#[test]
fn check_notes_a_new_incident_whose_error_was_seen_before() {
    let ws = Workspace::new();
    ws.incident(
        "2025-07-12-login.yaml",
        with_message("2025-07-12", FIRST_KWARGS),
    )
    .incident(
        "2025-08-01-disk.yaml",
        with_message("2025-08-01", "No space left on device"),
    );
    let before = ws.run(&["check"]);
    assert_eq!(before.status.code(), Some(0));
    assert!(!stderr(&before).contains("note:"), "{}", stderr(&before));

    ws.incident(
        "2025-10-09-registration.yaml",
        with_message(
            "2025-10-09",
            "AbstractConnection.__init__() got an unexpected keyword argument 'connection_pool_kwargs'",
        ),
    );
    let after = ws.run(&["check"]);
    assert_eq!(after.status.code(), Some(0), "a note is not an error");
    let err = stderr(&after);
    assert!(
        err.contains(&format!(
            "note: error matches pattern `{REDIS_PATTERN}` seen in 1 earlier incident: 2025-07-12-login\n --> incidents/2025-10-09-registration.yaml"
        )),
        "{err}"
    );
    assert_eq!(err.matches("note:").count(), 1, "{err}");
    assert!(err.contains("0 errors, 0 warnings, 1 note"), "{err}");
    let build = ws.run(&["build"]);
    assert!(
        !stderr(&build).contains("note:"),
        "build does not repeat notes"
    );

    let (output, diagnostics) = common::check_json(&ws);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["severity"], "note");

    // Linking the earlier incident acknowledges it.
    ws.incident(
        "2025-10-09-registration.yaml",
        format!(
            "{}related: [2025-07-12-login]\n",
            with_message(
                "2025-10-09",
                "AbstractConnection.__init__() got an unexpected keyword argument 'x'"
            )
        ),
    );
    assert!(!stderr(&ws.run(&["check"])).contains("note:"));
}

fn actions_workspace() -> Workspace {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!(
            "{VALID}prevention:
  - {{ action: \"Rotate the **keys**\", owner: sre-team, due: 2025-08-01, link: \"https://t/1\" }}
  - {{ action: Add an alert, owner: SRE-Team, due: 2025-12-01, status: in-progress, kind: detect, priority: high }}
  - {{ action: Old fix, owner: dev-team, due: 2025-07-20, status: done }}
follow_ups:
  - {{ action: Write the runbook, owner: dev-team }}
"
        ),
    );
    ws
}

fn run_actions(ws: &Workspace, args: &[&str]) -> (Output, Vec<String>) {
    let mut all = vec!["actions", "--today", "2025-10-01"];
    all.extend_from_slice(args);
    let output = ws.run(&all);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = stdout(&output).lines().map(str::to_owned).collect();
    (output, lines)
}

#[test]
fn actions_lists_every_item_with_overdue_ones_marked() {
    let ws = actions_workspace();
    let (output, lines) = run_actions(&ws, &[]);
    assert_eq!(
        lines,
        [
            "overdue  2025-08-01  open         sre-team  Rotate the keys  (a)",
            "         2025-12-01  in-progress  SRE-Team  Add an alert  (a)",
            "         -           open         dev-team  Write the runbook  (a)",
            "         2025-07-20  done         dev-team  Old fix  (a)",
        ]
    );
    assert!(
        stderr(&output).contains("4 action items: 3 open, 1 overdue as of 2025-10-01"),
        "{}",
        stderr(&output)
    );

    let (_, open) = run_actions(&ws, &["--open"]);
    assert_eq!(open.len(), 3);
    assert!(!open.iter().any(|l| l.contains("Old fix")));

    let (_, dev) = run_actions(&ws, &["--owner", "DEV-team", "--open"]);
    assert_eq!(
        dev,
        ["         -           open         dev-team  Write the runbook  (a)"]
    );
}

#[test]
fn actions_json_has_a_stable_shape() {
    let ws = actions_workspace();
    let (output, _) = run_actions(&ws, &["--owner", "sre-team", "--format", "json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(json["today"], "2025-10-01");
    assert_eq!(
        json["counts"],
        serde_json::json!({ "total": 2, "open": 2, "overdue": 1 })
    );
    let actions = json["actions"].as_array().expect("actions array");
    assert_eq!(actions.len(), 2);
    assert_eq!(
        actions[0],
        serde_json::json!({
            "incident": "a",
            "incident_title": "Cache outage",
            "incident_path": "incidents/a/",
            "list": "prevention",
            "action": "Rotate the **keys**",
            "group": null,
            "kind": null,
            "owner": "sre-team",
            "priority": null,
            "due": "2025-08-01",
            "status": "open",
            "open": true,
            "overdue": true,
            "link": "https://t/1",
        })
    );
    assert_eq!(actions[1]["kind"], "detect");
    assert_eq!(actions[1]["priority"], "high");
    assert_eq!(actions[1]["status"], "in-progress");
    assert_eq!(actions[1]["overdue"], false);
}

#[test]
fn actions_takes_the_day_from_source_date_epoch_and_refuses_broken_files() {
    let ws = actions_workspace();
    let output = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["actions", "--format", "json"])
        .current_dir(ws.root())
        .env("SOURCE_DATE_EPOCH", BUILD_DAY_EPOCH)
        .output()
        .expect("run");
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["today"], "2025-12-01");
    assert_eq!(json["counts"]["overdue"], 1);

    ws.incident(
        "broken.yaml",
        VALID.replace("severity: high", "severity: huge"),
    );
    let output = ws.run(&["actions"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("broken.yaml:4:11"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn what_users_typed_is_escaped_on_the_knowledge_pages() {
    let p = "<script>alert(1)</script>";
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!(
            "{}services: [\"{p}\"]\nprevention: [{{ action: \"{p}\", owner: \"{p}\" }}]\n",
            with_message("2025-07-12", p)
        ),
    );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for page in [
        "patterns/index.html",
        "actions/index.html",
        "trends/index.html",
    ] {
        let html = std::fs::read_to_string(ws.path(&format!("site/{page}"))).unwrap();
        assert!(!html.contains(p), "{page} has the raw payload");
        // Shown as text; the patterns page shows it normalised, as `alert(<num>)`.
        assert!(
            html.contains("&lt;script&gt;alert("),
            "{page} shows it as text"
        );
        let scripts = Html::parse_document(&html)
            .select(&Selector::parse("script").unwrap())
            .count();
        assert_eq!(scripts, 1, "{page}: only our own script");
    }
}
