//! `check` looks at links: URL fields must be absolute http(s) URLs (or mailto), Markdown
//! links may not use script or unknown schemes, and relative links must name a file beside
//! the incident. Each problem is an error at the link's line and column.

mod common;

use common::{VALID, Workspace, check_json};
use serde_json::Value;

/// Line, column and message of each error of `check --format json`.
fn errors(ws: &Workspace) -> Vec<(u64, u64, String)> {
    let (output, diagnostics) = check_json(ws);
    let errors: Vec<(u64, u64, String)> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d: &Value| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let code = if errors.is_empty() { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(code), "{diagnostics:?}");
    errors
}

#[test]
fn bad_url_fields_are_errors_at_their_value() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!(
            "{VALID}links:\n  - title: Typo\n    url: \"htp//x\"\n  - title: Script\n    \
             url: javascript:alert(1)\n  - title: No host\n    url: https://\n  - title: Mail\n    \
             url: mailto:sre@acme.dev\n  - title: Fine\n    url: https://tickets.acme.dev/INC-1\n\
             prevention:\n  - action: Rotate\n    link: 'data:text/html,<b>x</b>'\n"
        ),
    );
    let errors = errors(&ws);
    let at: Vec<(u64, u64)> = errors.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(at, [(13, 11), (15, 10), (17, 10), (24, 12)], "{errors:#?}");
    assert!(
        errors[0]
            .2
            .contains("`links[0].url`: `htp//x` is not a URL"),
        "{errors:#?}"
    );
    assert!(errors[1].2.contains("scheme `javascript:`"), "{errors:#?}");
    assert!(errors[2].2.contains("`links[2].url`"), "{errors:#?}");
    assert!(errors[3].2.contains("`prevention[0].link`"), "{errors:#?}");
    assert!(errors[3].2.contains("scheme `data:`"), "{errors:#?}");
}

#[test]
fn markdown_links_are_checked_where_they_are_written() {
    let ws = Workspace::new();
    ws.write("incidents/runbook.md", "# Runbook\n")
        .write("incidents/img/graph.png", [0u8; 4]);
    let incident = VALID.replace(
        "summary: The cache went away.",
        "summary: |\n  The cache went away; see the [runbook](runbook.md),\n  \
         the [graph](img/graph.png#top \"Graph\") and [home](https://acme.dev/).\n  \
         Then [click](javascript:alert(1)) and ![chart](charts/missing.png).\n  \
         [Jump](#timeline), [mail](mailto:sre@acme.dev), <https://acme.dev/a>.",
    ) + "lessons:\n  - Check [the dashboard](htps:/grafana)\n";
    ws.incident("a.yaml", incident);
    let errors = errors(&ws);
    let at: Vec<(u64, u64)> = errors.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(at, [(8, 16), (8, 50), (16, 27)], "{errors:#?}");
    assert!(
        errors[0]
            .2
            .starts_with("`summary`: link `javascript:alert(1)`"),
        "{errors:#?}"
    );
    assert!(
        errors[1]
            .2
            .contains("`charts/missing.png` in `summary` names no file"),
        "{errors:#?}"
    );
    assert!(
        errors[2]
            .2
            .starts_with("`lessons[0]`: link `htps:/grafana`"),
        "{errors:#?}"
    );
}

#[test]
fn code_and_plain_text_fields_are_not_read_as_markdown() {
    let ws = Workspace::new();
    // `arr[0](x)` is a Markdown link in prose, and nothing at all in code.
    ws.incident(
        "a.yaml",
        format!(
            "{VALID}changes:\n  - file: app.js\n    before: \"arr[0](x)\"\n    after: \"arr[1](y)\"\n"
        ),
    );
    assert!(errors(&ws).is_empty());
}

#[test]
fn build_refuses_what_check_refuses() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        VALID.replace(
            "summary: The cache went away.",
            "summary: \"[x](javascript:alert(1))\"",
        ),
    );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!ws.path("site").exists(), "nothing written");
}
