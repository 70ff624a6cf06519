//! Similar errors and similar causes end to end: the notes of `check`, the pattern pages,
//! the related incidents with their reasons, and `incidents.json`.

mod common;

use common::{Workspace, check_json, stderr};
use serde_json::Value;

const CLIENT_CLASS: &str = "2025-07-12-redis-client-class-breaks-login";
const POOL_KWARGS: &str = "2025-10-09-redis-connection-pool-kwargs-breaks-registration";

/// A workspace with the two Redis keyword-argument examples of this repository.
fn redis_workspace() -> Workspace {
    let ws = Workspace::new();
    for slug in [CLIENT_CLASS, POOL_KWARGS] {
        let source = format!("{}/incidents/{slug}.yaml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&source).expect("example incident");
        ws.incident(&format!("{slug}.yaml"), text);
    }
    ws
}

/// An incident on `date` whose error names the callable without its class.
fn bare_callable(date: &str) -> String {
    format!(
        "title: Cache settings break the worker\ndate: {date}\nstatus: resolved\nseverity: high\n\
         summary: The worker could not start.\nerror:\n  type: TypeError\n  message: \
         \"__init__() got an unexpected keyword argument 'COMPRESSOR'\"\nroot_cause:\n  \
         summary: An option of another cache backend in the settings.\n"
    )
}

fn notes(ws: &Workspace) -> Vec<(String, String)> {
    let (output, diagnostics) = check_json(ws);
    assert!(output.status.success(), "{}", stderr(&output));
    diagnostics
        .iter()
        .filter(|d| d["severity"] == "note")
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let name = file.rsplit('/').next().unwrap_or(file).to_owned();
            (name, d["message"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

fn build(ws: &Workspace) {
    let output = ws.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

fn read(ws: &Workspace, path: &str) -> String {
    std::fs::read_to_string(ws.path(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn incidents_json(ws: &Workspace) -> Vec<Value> {
    let json: Value = serde_json::from_str(&read(ws, "site/incidents.json")).expect("JSON");
    json["incidents"].as_array().cloned().unwrap_or_default()
}

fn record<'a>(records: &'a [Value], slug: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["slug"] == slug)
        .unwrap_or_else(|| panic!("no record {slug}"))
}

#[test]
fn a_callable_written_without_its_class_is_linked_to_both_redis_examples() {
    let ws = redis_workspace();
    ws.incident(
        "2025-12-01-worker-cache-settings.yaml",
        bare_callable("2025-12-01"),
    );
    let notes = notes(&ws);
    let similar: Vec<&String> = notes
        .iter()
        .filter(|(file, _)| file == "2025-12-01-worker-cache-settings.yaml")
        .map(|(_, message)| message)
        .collect();
    assert_eq!(similar.len(), 1, "{notes:?}");
    let note = similar[0];
    assert!(
        note.starts_with("error is similar to 2 earlier incidents: "),
        "{note}"
    );
    assert!(
        note.contains(CLIENT_CLASS) && note.contains(POOL_KWARGS),
        "{note}"
    );
    assert!(
        note.contains("callable written as `__init__` vs `AbstractConnection.__init__`"),
        "the reason is given: {note}"
    );

    build(&ws);
    let records = incidents_json(&ws);
    let pattern = record(&records, CLIENT_CLASS)["pattern"]["path"]
        .as_str()
        .expect("pattern path")
        .to_owned();
    let page = read(&ws, &format!("site/{pattern}index.html"));
    let similar_section = page
        .split("class=\"similar-patterns\"")
        .nth(1)
        .expect("similar section");
    assert!(
        similar_section.contains("incidents/2025-12-01-worker-cache-settings/"),
        "the Redis pattern page lists the new incident as similar"
    );
    assert!(similar_section.contains("callable written as"));
}

#[test]
fn links_do_not_depend_on_dates_and_the_earlier_incident_says_it_recurred() {
    let ws = redis_workspace();
    // Written up late: dated before both examples.
    ws.incident(
        "2025-01-05-worker-cache-settings.yaml",
        bare_callable("2025-01-05"),
    );
    let notes = notes(&ws);
    let on = |slug: &str| {
        notes
            .iter()
            .filter(|(file, m)| {
                file == &format!("{slug}.yaml") && m.starts_with("error is similar")
            })
            .count()
    };
    assert_eq!(
        on("2025-01-05-worker-cache-settings"),
        0,
        "nothing was earlier: {notes:?}"
    );
    assert_eq!((on(CLIENT_CLASS), on(POOL_KWARGS)), (1, 1), "{notes:?}");

    build(&ws);
    let records = incidents_json(&ws);
    let early = record(&records, "2025-01-05-worker-cache-settings");
    let similar: Vec<&str> = early["similar"]
        .as_array()
        .expect("similar links")
        .iter()
        .map(|s| s["slug"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(similar.len(), 2);
    assert!(similar.contains(&CLIENT_CLASS) && similar.contains(&POOL_KWARGS));
    let related = early["related"].as_array().expect("related");
    let reason = related[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("similar error, recurred later ("),
        "{reason}"
    );
    let page = read(
        &ws,
        "site/incidents/2025-01-05-worker-cache-settings/index.html",
    );
    assert!(page.contains("similar error, recurred later"));
}

/// Two incidents without an error whose causes tell one mechanism, and a third that does not.
#[test]
fn incidents_without_errors_are_linked_by_cause_with_the_shared_terms() {
    let ws = Workspace::new();
    let incident = |title: &str, date: &str, cause: &str| {
        format!(
            "title: {title}\ndate: {date}\nstatus: resolved\nseverity: high\nsummary: s.\n\
             root_cause:\n  summary: {cause:?}\n"
        )
    };
    ws.incident(
        "a.yaml",
        incident(
            "Checkout slow",
            "2025-03-01",
            "The ledger replica slowed down and checkout retried every query without backoff, \
             so the retries exhausted the database connection pool.",
        ),
    );
    ws.incident(
        "b.yaml",
        incident(
            "Checkout down",
            "2025-06-01",
            "Retries without backoff from checkout exhausted its database connection pool \
             while the ledger replica was slow.",
        ),
    );
    ws.incident(
        "c.yaml",
        incident(
            "Payments down",
            "2025-07-01",
            "The TLS certificate of the payments gateway expired because renewal was manual.",
        ),
    );
    let notes = notes(&ws);
    let on_b: Vec<&(String, String)> = notes.iter().filter(|(f, _)| f == "b.yaml").collect();
    assert_eq!(on_b.len(), 1, "{notes:?}");
    assert!(
        on_b[0].1.starts_with(
            "root cause is similar to 1 earlier incident: a (same mechanism: retry storm \
                 (retries without backoff); shared terms: "
        ),
        "{}",
        on_b[0].1
    );
    build(&ws);
    let records = incidents_json(&ws);
    let links = record(&records, "a")["similar"]
        .as_array()
        .expect("similar")
        .clone();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["slug"], "b");
    assert_eq!(links[0]["kind"], "similar-cause");
    let score = links[0]["score"].as_u64().expect("score");
    // A shared mechanism scores 60 and more as the words agree.
    assert!((60..=100).contains(&score), "{score}");
    let reason = links[0]["reason"].as_str().unwrap_or_default();
    let terms = reason
        .strip_prefix("same mechanism: retry storm (retries without backoff); shared terms: ")
        .expect("mechanism and terms")
        .split(", ")
        .count();
    assert!(terms >= 3, "{reason}");
    assert_eq!(record(&records, "c")["similar"], Value::Array(Vec::new()));
}
