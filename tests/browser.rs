//! The live preview in a real browser: Debian's Chromium, driven through chromedriver with
//! fantoccini. An incident page is opened under `postmortem serve`, the file is edited, and
//! the page must show the new title (and keep its scroll position) with nobody reloading
//! it; a broken save must show the overlay, and fixing it must remove the overlay.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver: `cargo test -- --include-ignored`.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::{one_browser, with_browser};
use common::Workspace;
use common::serve::{Running, incident};
use serde_json::json;

const H1_JS: &str =
    "return document.querySelector('h1') && document.querySelector('h1').textContent";

#[tokio::test]
#[ignore = "needs chromium"]
async fn an_open_page_follows_saves_without_a_manual_reload() {
    let _one = one_browser().await;
    let ws = Workspace::new();
    // A long summary, so the page can be scrolled and the position checked after reload.
    let long = "A paragraph of the summary that takes some room. ".repeat(400);
    ws.incident("a.yaml", incident("Browser title", &long));
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let base = server.base.clone();
    with_browser(move |browser| async move {
        browser.goto(&format!("{base}/incidents/a/")).await;
        assert_eq!(browser.eval(H1_JS, vec![]).await, "Browser title");
        // Once the page listens for changes, scroll and mark it.
        browser
            .wait_for(
                "the live-reload stream",
                "return document.documentElement.getAttribute('data-live')",
                vec![],
                |v| v == "connected",
            )
            .await;
        browser
            .eval(
                "window.scrollTo(0, 400); window.__before = true; return 1",
                vec![],
            )
            .await;

        // Save a new title: the page reloads by itself and keeps its place.
        ws.incident("a.yaml", incident("Saved in the editor", &long));
        browser
            .wait_for("the new title", H1_JS, vec![], |v| {
                v == "Saved in the editor"
            })
            .await;
        let marker = browser
            .eval("return window.__before === true", vec![])
            .await;
        assert_eq!(marker, false, "it was a reload, not a patch");
        browser
            .wait_for(
                "the scroll position",
                "return window.scrollY",
                vec![],
                |v| v.as_f64().is_some_and(|y| (y - 400.0).abs() < 2.0),
            )
            .await;

        // A broken save: the overlay shows the diagnostic over the last good page.
        ws.incident(
            "a.yaml",
            incident("Broken", &long).replace("status: resolved", "status: <b>nope</b>"),
        );
        let text = browser
            .wait_for(
                "the error overlay",
                "var o = document.getElementById('postmortem-overlay'); \
                 return o && !o.hidden ? o.querySelector('pre').textContent : null",
                vec![],
                |v| v.is_string(),
            )
            .await;
        let text = text.as_str().unwrap_or_default();
        assert!(text.contains("incidents/a.yaml:"), "{text}");
        assert!(text.contains("<b>nope</b>"), "shown as text: {text}");
        let bold = browser
            .eval(
                "return document.querySelectorAll('#postmortem-overlay b').length",
                vec![],
            )
            .await;
        assert_eq!(bold, 0, "never parsed as HTML");
        assert_eq!(browser.eval(H1_JS, vec![]).await, "Saved in the editor");

        // Fixed: the overlay goes and the page shows the fix.
        ws.incident("a.yaml", incident("Fixed in the editor", &long));
        browser
            .wait_for(
                "the fix",
                "var o = document.getElementById('postmortem-overlay'); \
                 return [o && o.hidden, document.querySelector('h1').textContent]",
                vec![],
                |v| v == &json!([true, "Fixed in the editor"]),
            )
            .await;

        // The index lists the incident: it follows a new title too (it is rendered after
        // the incident's own page, and reloads when its turn comes).
        browser.goto(&format!("{base}/")).await;
        browser
            .wait_for(
                "the index's live-reload stream",
                "return document.documentElement.getAttribute('data-live')",
                vec![],
                |v| v == "connected",
            )
            .await;
        ws.incident("a.yaml", incident("Listed under a new title", &long));
        browser
            .wait_for(
                "the index to list the new title",
                "return document.body.textContent.indexOf('Listed under a new title') >= 0",
                vec![],
                |v| v == true,
            )
            .await;
        assert_eq!(server.interrupt().code(), Some(0));
    })
    .await;
}
