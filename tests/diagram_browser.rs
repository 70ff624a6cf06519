//! Diagrams and footnotes in a real browser (Debian's Chromium through chromedriver): a
//! ` ```mermaid ` block shows as an SVG drawing with scripts turned off and nothing loaded
//! from another host; footnotes link to their text and back.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver: `cargo test -- --include-ignored`.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::{Server, one_browser, with_browser_args};
use common::{VALID, Workspace, stderr};
use serde_json::{Value, json};

const PAGE: &str = "incidents/a/index.html";

fn site() -> Workspace {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!(
            "{VALID}detection: |\n  The alert fired[^alert] and the graph showed it[^graph].\n\n  \
             [^alert]: Burn-rate alert on the login SLO.\n  [^graph]: The error panel of the login dashboard.\n\
             sections:\n  - title: Flow\n    body: |\n      ```mermaid\n      flowchart LR\n        \
             A[Deploy 1.2.3] --> B{{Error rate above 5%?}}\n        B -- yes --> C[Roll back]\n      ```\n"
        ),
    );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    ws
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn a_mermaid_block_is_an_svg_drawing_without_script_or_other_hosts() {
    let _one = one_browser().await;
    let ws = site();
    let server = Server::start(&ws.path("site"), "/");
    let url = server.url(PAGE);
    let origin = server.url("");
    with_browser_args(
        &["--blink-settings=scriptEnabled=false"],
        move |browser| async move {
            browser.goto(&url).await;
            let drawn = browser
                .wait_for(
                    "the diagram",
                    "var s = document.querySelector('figure.diagram > svg'); \
                 if (!s) return null; var r = s.getBoundingClientRect(); \
                 return [r.width, r.height, s.textContent.indexOf('Roll back') >= 0, \
                         document.querySelectorAll('figure.diagram script').length]",
                    vec![],
                    |v| v.is_array(),
                )
                .await;
            assert!(
                drawn[0].as_f64().unwrap_or(0.0) > 100.0,
                "drawn wide: {drawn}"
            );
            assert!(
                drawn[1].as_f64().unwrap_or(0.0) > 20.0,
                "drawn tall: {drawn}"
            );
            assert_eq!(drawn[2], true, "labels are in the drawing: {drawn}");
            assert_eq!(drawn[3], 0, "no script in the drawing");
            // With scripts off, the drawing's text is laid out by the SVG itself.
            let label_width = browser
                .eval(
                    "var n = [...document.querySelectorAll('figure.diagram svg .node')]; \
                 return n.length && n[0].getBoundingClientRect().width",
                    vec![],
                )
                .await;
            assert!(label_width.as_f64().unwrap_or(0.0) > 10.0, "{label_width}");
            let requests = browser
                .eval(
                    "return performance.getEntriesByType('resource').map(e => e.name)",
                    vec![],
                )
                .await;
            let requests: Vec<&str> = requests
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            for request in &requests {
                assert!(
                    request.starts_with(&origin),
                    "a request to another host: {request}"
                );
            }
        },
    )
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn footnotes_link_to_their_text_and_back() {
    let _one = one_browser().await;
    let ws = site();
    let server = Server::start(&ws.path("site"), "/");
    let url = server.url(PAGE);
    with_browser_args(&[], move |browser| async move {
        browser.goto(&url).await;
        let refs = browser
            .eval(
                "return [...document.querySelectorAll('sup.footnote-ref a')].map(a => a.textContent)",
                vec![],
            )
            .await;
        assert_eq!(refs, json!(["1", "2"]));
        browser.click("sup.footnote-ref a").await;
        let note = browser
            .wait_for(
                "the footnote",
                "var t = document.querySelector(':target'); return t && t.textContent",
                vec![],
                |v| v.is_string(),
            )
            .await;
        assert!(note.as_str().unwrap_or("").contains("Burn-rate alert"), "{note}");
        browser.click(":target a.footnote-back").await;
        let back = browser
            .wait_for(
                "the reference",
                "var t = document.querySelector(':target'); return t && t.textContent",
                vec![],
                |v| v.is_string(),
            )
            .await;
        assert_eq!(back, "1", "back at the first reference");
    })
    .await;
}
