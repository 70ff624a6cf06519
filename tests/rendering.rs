//! The rendering bugs seen on real write-ups, each fixed on the site and in the report, and
//! the checks that come with the new format: suggestions, timeline warnings, image rules,
//! every problem of a file in one run.

mod common;

use common::{VALID, Workspace, check_json, stderr};
use serde_json::Value;

fn built(ws: &Workspace, slug: &str) -> (String, String) {
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page =
        std::fs::read_to_string(ws.path(&format!("site/incidents/{slug}/index.html"))).unwrap();
    let report = std::fs::read_to_string(ws.path(&format!("reports/{slug}.md"))).unwrap();
    (page, report)
}

#[test]
fn steps_are_numbered_per_group_and_code_under_step_ten_stays_in_its_item() {
    let mut steps = String::from("resolution:\n  steps:\n");
    for i in 1..=11 {
        steps.push_str(&format!(
            "    - {{group: First, description: \"Step {i}\"}}\n"
        ));
    }
    steps.push_str("    - {group: First, description: Twelfth, command: \"echo twelve\"}\n");
    steps.push_str("    - {group: Second, description: Again one}\n");
    let ws = Workspace::new();
    ws.incident("a.yaml", format!("{VALID}{steps}"));
    let (page, report) = built(&ws, "a");
    assert!(
        report.contains("12. Twelfth\n\n    ```bash\n    echo twelve\n    ```"),
        "{report}"
    );
    assert!(report.contains("### Second\n\n1. Again one"), "{report}");
    let numbers: Vec<&str> = page
        .split("<span class=\"check-icon step-number\">")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .collect();
    assert_eq!(numbers.len(), 13);
    assert_eq!(numbers[11], "12.");
    assert_eq!(numbers[12], "1.", "the second group starts again");
}

#[test]
fn test_names_are_markdown_in_both_outputs() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!("{VALID}verification:\n  tests:\n    - {{name: \"**5.1** – login works\", status: passed}}\n    - {{name: \"1. Check Redis\", status: passed}}\n"),
    );
    let (page, report) = built(&ws, "a");
    assert!(
        report.contains("- [x] **5.1** – login works: passed"),
        "{report}"
    );
    assert!(!report.contains("****"), "{report}");
    assert!(
        report.contains("- [x] **1. Check Redis**: passed"),
        "{report}"
    );
    assert!(
        page.contains("<strong><strong>5.1</strong> – login works</strong>"),
        "{page}"
    );
    assert!(
        page.contains("<strong>1. Check Redis</strong>"),
        "a name is never a list"
    );
}

#[test]
fn block_markdown_in_a_timeline_event_stays_in_its_report_cell() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!("{VALID}timeline:\n  - time: \"09:00\"\n    event: |\n      Support escalates:\n      - 40 tickets\n      - all from the EU\n  - time: \"09:05\"\n    event: One line\n"),
    );
    let (_, report) = built(&ws, "a");
    let row = report
        .lines()
        .find(|l| l.starts_with("| 09:00 |"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        row.contains("<ul><li>40 tickets</li><li>all from the EU</li></ul>"),
        "{row}"
    );
    assert!(!row.contains("<br>- "), "{row}");
    assert!(report.contains("| 09:05 | One line |"), "{report}");
}

#[test]
fn action_links_are_named_by_what_they_point_at() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!("{VALID}prevention:\n  - {{action: A, link: \"https://github.com/acme/api/pull/42\"}}\n  - {{action: B, link: \"https://acme.atlassian.net/browse/OPS-17\"}}\n  - {{action: C, link: \"https://wiki.acme.dev/runbooks/cache\"}}\n"),
    );
    let (page, report) = built(&ws, "a");
    for (label, url) in [
        ("PR #42", "https://github.com/acme/api/pull/42"),
        ("OPS-17", "https://acme.atlassian.net/browse/OPS-17"),
        ("wiki.acme.dev", "https://wiki.acme.dev/runbooks/cache"),
    ] {
        assert!(report.contains(&format!("[{label}]({url})")), "{report}");
        assert!(
            page.contains(&format!("<a href=\"{url}\" rel=\"noopener\">{label}</a>")),
            "{label}"
        );
    }
    assert!(!report.contains("[ticket]") && !page.contains(">ticket</a>"));
}

fn errors(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or(""),
                d["help"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn every_problem_of_a_file_in_one_run_with_suggestions_for_every_enum() {
    let ws = Workspace::new();
    ws.write(
        "postmortem.toml",
        "[[severity]]\nname = \"SEV1\"\n[[severity]]\nname = \"SEV2\"\naliases = [\"P2\"]\n",
    );
    let yaml = [
        "title: Cache outage\ndate: 2025-07-12\nstatus: closd\nseverity: sev 2\nsummary: s\n",
        "services: envoy\nroot_cause: r\nprevention:\n  - action: a\n    status: completed\n",
        "    kind: monitoring\n  - action: b\n    priority: urgent\nchanges:\n  - file: a.py\n",
        "    risk: hgih\ntimeline:\n  - time: \"9:00 tomorrow\"\n    event: e\n",
    ]
    .concat();
    ws.incident("a.yaml", yaml);
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(1));
    let found = errors(&diagnostics);
    let expect = [
        (
            "3:9",
            "invalid value `closd` for `status`",
            "did you mean `closed`?",
        ),
        (
            "4:11",
            "invalid value `sev 2` for `severity`",
            "did you mean `SEV2`?",
        ),
        (
            "6:11",
            "expected a list of names such as `[auth, api]`, found the text `envoy`",
            "",
        ),
        (
            "10:13",
            "invalid value `completed` for `prevention[0].status`",
            "did you mean `done`?",
        ),
        (
            "11:11",
            "invalid value `monitoring` for `prevention[0].kind`",
            "did you mean `detect`?",
        ),
        (
            "13:15",
            "invalid value `urgent` for `prevention[1].priority`",
            "did you mean `high`?",
        ),
        (
            "16:11",
            "invalid value `hgih` for `changes[0].risk`",
            "did you mean `high`?",
        ),
        (
            "18:11",
            "`timeline[0].time` is invalid: invalid time `9:00 tomorrow`",
            "",
        ),
    ];
    for (at, message, help) in expect {
        assert!(
            found
                .iter()
                .any(|f| f.starts_with(at) && f.contains(message) && f.contains(help)),
            "{at} {message} {help} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
}

#[test]
fn timelines_that_go_back_or_start_twice_get_warnings_naming_the_entries() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!("{VALID}timeline:\n  - {{time: \"10:00\", event: a, kind: started}}\n  - {{time: \"09:30\", event: b, kind: detected}}\n  - {{time: \"11:00\", event: c, kind: started}}\n"),
    );
    let output = ws.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "warnings only");
    let err = stderr(&output);
    assert!(
        err.contains("warning: timeline entry 2 happened before entry 1, which comes first"),
        "{err}"
    );
    assert!(err.contains("^^^^^^^ this time"), "the later entry: {err}");
    assert!(
        err.contains("------- is earlier than this one"),
        "the earlier entry: {err}"
    );
    assert!(
        err.contains("warning: timeline entries 1 and 3 both mark the start"),
        "{err}"
    );
    assert!(
        err.contains("warning: timeline entry 2 happened before the start (entry 1)"),
        "{err}"
    );
    assert!(err.contains("0 errors, 3 warnings"), "{err}");
}

#[test]
fn image_rules_missing_files_foreign_hosts_and_allowed_hosts() {
    let ws = Workspace::new();
    ws.write("incidents/shots/ok.png", b"png");
    ws.incident(
        "a.yaml",
        format!("{VALID}detection: |\n  ![ok](shots/ok.png) ![gone](shots/gone.png)\n  ![graph](https://grafana.acme.dev/x.png) [up](../../etc/passwd)\n"),
    );
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(1));
    let found = errors(&diagnostics);
    assert!(
        found.iter().any(|f| f.starts_with("12:31:")
            && f.contains("`shots/gone.png` in `detection` names no file")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("13:49:") && f.contains("leaves the incident's folder")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|f| f
            .starts_with("13:12:warning image from another host in `detection`: grafana.acme.dev")),
        "{found:#?}"
    );
    assert!(
        found.iter().all(|f| !f.contains("/tmp")),
        "paths as the user sees them: {found:#?}"
    );

    ws.incident(
        "a.yaml",
        format!(
            "{VALID}detection: |\n  ![ok](shots/ok.png) ![graph](https://grafana.acme.dev/x.png)\n"
        ),
    );
    ws.write(
        "postmortem.toml",
        "remote_images = [\"grafana.acme.dev\"]\n",
    );
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(0), "{diagnostics:#?}");
    assert!(
        diagnostics.is_empty(),
        "an allowed host is no news: {diagnostics:#?}"
    );
    let (page, _) = built(&ws, "a");
    assert!(
        page.contains("<img src=\"https://grafana.acme.dev/x.png\""),
        "allowed host loads"
    );
    assert_eq!(
        std::fs::read(ws.path("site/incidents/a/shots/ok.png")).unwrap(),
        b"png"
    );
}
