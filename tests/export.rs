//! Data for other tools: `postmortem export` (CSV and JSON rows, read back here with the
//! csv crate) and the authors in the Atom feed.

mod common;

use common::{VALID, Workspace, stderr, stdout};

/// Two incidents whose text needs quoting in CSV, one with two action items.
fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.incident(
        "2025-07-12-cache.yaml",
        VALID
            .replace("title: Cache outage", "title: 'Cache \"outage\", part 1'")
            .replace(
                "  message: boom",
                "  message: |\n    boom, twice\n    and \"again\"",
            )
            + "services: [auth, \"billing, eu\"]\nauthors: [Ada Lovelace, \"Grace <Hopper> & co\"]\n\
               timeline:\n  - time: 2025-07-12T09:00:00Z\n    event: Started\n    kind: started\n  \
               - time: 2025-07-12T09:20:00Z\n    event: Paged\n    kind: detected\n  \
               - time: 2025-07-12T11:00:00Z\n    event: Fixed\n    kind: resolved\n\
               prevention:\n  - action: Add an **alert**, with a runbook\n    owner: sre\n    \
               due: 2025-08-01\n    status: open\n\
               follow_ups:\n  - action: Write the docs\n    status: done\n",
    )
    .incident(
        "2025-09-01-queue.yaml",
        VALID
            .replace("title: Cache outage", "title: Queue stall")
            .replace("date: 2025-07-12", "date: 2025-09-01")
            .replace("severity: high", "severity: critical"),
    );
    ws
}

fn records(csv_text: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let rows = reader.records().map(|r| r.expect("a valid row")).collect();
    (header, rows)
}

fn column<'a>(header: &csv::StringRecord, row: &'a csv::StringRecord, name: &str) -> &'a str {
    let index = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no {name}"));
    &row[index]
}

#[test]
fn csv_has_one_row_per_incident_and_survives_commas_quotes_and_newlines() {
    let ws = workspace();
    let output = ws.run(&["export", "--today", "2025-10-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("exported 2 incidents"),
        "{}",
        stderr(&output)
    );
    let text = stdout(&output);
    assert!(text.starts_with("slug,title,date,"), "{text}");
    assert_eq!(
        text.matches("\r\n").count(),
        3,
        "CRLF after the header and each row"
    );
    let (header, rows) = records(&text);
    assert_eq!(rows.len(), 2);
    for name in [
        "slug",
        "title",
        "date",
        "status",
        "severity",
        "services",
        "tags",
        "pattern",
        "minutes_to_detect",
        "minutes_to_resolve",
        "action_items",
        "path",
    ] {
        assert!(
            header.iter().any(|h| h == name),
            "column {name}: {header:?}"
        );
    }
    // Newest first, as the site lists them.
    assert_eq!(column(&header, &rows[0], "slug"), "2025-09-01-queue");
    let cache = &rows[1];
    assert_eq!(column(&header, cache, "title"), "Cache \"outage\", part 1");
    assert_eq!(column(&header, cache, "services"), "auth; billing, eu");
    assert_eq!(
        column(&header, cache, "authors"),
        "Ada Lovelace; Grace <Hopper> & co"
    );
    assert_eq!(
        column(&header, cache, "error"),
        "TypeError: boom, twice\nand \"again\"",
        "a newline inside a cell"
    );
    assert_eq!(column(&header, cache, "minutes_to_detect"), "20");
    assert_eq!(column(&header, cache, "minutes_to_mitigate"), "");
    assert_eq!(column(&header, cache, "minutes_to_resolve"), "120");
    assert_eq!(column(&header, cache, "action_items"), "2");
    assert_eq!(column(&header, cache, "open_action_items"), "1");
    assert_eq!(column(&header, cache, "overdue_action_items"), "1");
    assert_eq!(column(&header, cache, "severity"), "high");
    assert_eq!(column(&header, &rows[0], "severity"), "critical");
    assert_eq!(
        column(&header, cache, "path"),
        "incidents/2025-07-12-cache/"
    );
}

#[test]
fn csv_of_action_items_has_one_row_per_item() {
    let ws = workspace();
    let output = ws.run(&["export", "--what", "actions", "--today", "2025-10-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (header, rows) = records(&stdout(&output));
    assert_eq!(rows.len(), 2);
    let open = &rows[0];
    assert_eq!(
        column(&header, open, "action"),
        "Add an alert, with a runbook"
    );
    assert_eq!(column(&header, open, "list"), "prevention");
    assert_eq!(column(&header, open, "owner"), "sre");
    assert_eq!(column(&header, open, "due"), "2025-08-01");
    assert_eq!(column(&header, open, "overdue"), "true");
    assert_eq!(column(&header, open, "incident"), "2025-07-12-cache");
    assert_eq!(column(&header, &rows[1], "status"), "done");
    assert_eq!(column(&header, &rows[1], "list"), "follow-up");
}

#[test]
fn json_has_the_same_rows_and_columns() {
    let ws = workspace();
    let csv_out = stdout(&ws.run(&["export", "--today", "2025-10-01"]));
    let json_out = ws.run(&["export", "--format", "json", "--today", "2025-10-01"]);
    assert_eq!(json_out.status.code(), Some(0), "{}", stderr(&json_out));
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&stdout(&json_out)).expect("a JSON array of objects");
    let (header, csv_rows) = records(&csv_out);
    assert_eq!(rows.len(), csv_rows.len());
    let mut keys: Vec<&str> = rows[0].keys().map(String::as_str).collect();
    let mut columns: Vec<&str> = header.iter().collect();
    // In the text, the first object's keys come in the CSV's column order.
    let text = stdout(&json_out);
    let first = &text[..text.find('}').unwrap()];
    let offsets: Vec<usize> = columns
        .iter()
        .map(|c| {
            first
                .find(&format!("\"{c}\":"))
                .unwrap_or_else(|| panic!("{c}"))
        })
        .collect();
    assert!(offsets.is_sorted(), "same order: {offsets:?}");
    keys.sort_unstable();
    columns.sort_unstable();
    assert_eq!(keys, columns, "same columns");
    assert_eq!(rows[1]["minutes_to_resolve"], 120);
    assert_eq!(rows[1]["title"], "Cache \"outage\", part 1");
}

#[test]
fn export_refuses_invalid_files() {
    let ws = workspace();
    ws.incident("broken.yaml", "title: [x\n");
    let output = ws.run(&["export"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("broken.yaml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_feed_entry_has_an_author() {
    let ws = workspace();
    let output = ws.run(&["build", "--base-url", "https://acme.dev/incidents/"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let feed = std::fs::read_to_string(ws.path("site/feed.xml")).unwrap();
    let feed = roxmltree::Document::parse(&feed).expect("feed.xml is XML");
    let atom = "http://www.w3.org/2005/Atom";
    let names = |node: roxmltree::Node| -> Vec<String> {
        node.children()
            .filter(|c| c.has_tag_name((atom, "author")))
            .map(|a| {
                a.children()
                    .find(|n| n.has_tag_name((atom, "name")))
                    .and_then(|n| n.text())
                    .expect("an author has a name")
                    .to_owned()
            })
            .collect()
    };
    let root = feed.root_element();
    assert_eq!(
        names(root),
        ["Incidents"],
        "the feed's author stands in for entries without"
    );
    let entries: Vec<_> = root
        .children()
        .filter(|c| c.has_tag_name((atom, "entry")))
        .collect();
    assert_eq!(entries.len(), 2);
    let title = |e: &roxmltree::Node| {
        e.children()
            .find(|c| c.has_tag_name((atom, "title")))
            .and_then(|c| c.text())
            .unwrap()
            .to_owned()
    };
    let cache = entries
        .iter()
        .find(|e| title(e).starts_with("Cache"))
        .unwrap();
    assert_eq!(names(*cache), ["Ada Lovelace", "Grace <Hopper> & co"]);
    let queue = entries.iter().find(|e| title(e) == "Queue stall").unwrap();
    assert!(names(*queue).is_empty());
}
