//! The site's search in a real browser: Debian's Chromium, driven through chromedriver,
//! against sites built by the binary and served on 127.0.0.1 like any static host.
//!
//! One test per acceptance point of the search issue, plus keyboard use and the index
//! page's filter chips. Ignored by plain `cargo test` (they need `chromium` and
//! `chromium-driver`); `.ci/run` runs them with `--include-ignored`, and a missing browser
//! fails them rather than skipping them.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::path::Path;

use std::path::PathBuf;
use std::process::Command;

use browser::{Browser, RESULTS_JS, Server, one_browser, with_browser};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value, json};

const CLIENT_CLASS_SLUG: &str = "2025-07-12-redis-client-class-breaks-login";
const CLIENT_CLASS_TITLE: &str = "Redis CLIENT_CLASS option breaks login";
const ERROR_LINE: &str =
    "TypeError: AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'";
const PAYLOAD: &str = "<img src=x onerror=alert(1)>";

/// Builds the site of the workspace at `root` into a temporary folder (reports go there
/// too, so the workspace is not touched). `extra` are more `build` arguments.
fn build_site(root: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let reports = out.path().join("reports");
    let mut args = vec![
        "build",
        "--quiet",
        "--root",
        root.to_str().expect("utf-8 path"),
        "--out",
        site.to_str().expect("utf-8 path"),
        "--reports",
        reports.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let output = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(&args)
        .output()
        .expect("run postmortem build");
    assert!(
        output.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (out, site)
}

/// The example workspace: this repository.
fn examples() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Result rows of the header box.
const HEADER_RESULTS: &str = "#site-search-list a.search-option";
/// Result rows of the search page.
const PAGE_RESULTS: &str = "#search-results a.result-link";

/// Waits until `css` lists results (at least `min`), and returns them.
async fn results(browser: &Browser, css: &str, min: usize) -> Vec<Value> {
    browser
        .wait_for(
            &format!("at least {min} results in {css}"),
            RESULTS_JS,
            vec![json!(css)],
            |v| v.as_array().is_some_and(|rows| rows.len() >= min),
        )
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits until the text of `css` contains `needle`; returns the text.
async fn text_containing(browser: &Browser, css: &str, needle: &str) -> String {
    let script = "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;";
    browser
        .wait_for(
            &format!("{css} to say {needle:?}"),
            script,
            vec![json!(css)],
            |v| v.as_str().is_some_and(|text| text.contains(needle)),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits until the page at `path_part` has loaded; returns its `<h1>`.
async fn page_loaded(browser: &Browser, path_part: &str) -> String {
    let script = "return document.readyState === 'complete' && location.pathname.includes(arguments[0]) \
                  ? (document.querySelector('h1') || {}).textContent || '' : null;";
    browser
        .wait_for(
            &format!("a page at {path_part}"),
            script,
            vec![json!(path_part)],
            |v| v.is_string(),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn field<'a>(row: &'a Value, name: &str) -> &'a str {
    row.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Presses a key wherever the focus is, as a person would.
async fn press_key(browser: &Browser, key: char) {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser
        .client
        .perform_actions(actions)
        .await
        .expect("press key");
}

async fn active_element_id(browser: &Browser) -> String {
    browser
        .eval(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn typing_client_class_shows_its_incident_first_and_clicking_opens_it() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        browser.goto(&server.url("")).await;

        browser.type_into("#site-search-q", "CLIENT_CLASS").await;
        let rows = results(&browser, HEADER_RESULTS, 1).await;
        let first = &rows[0];
        assert_eq!(field(first, "title"), CLIENT_CLASS_TITLE, "{rows:#?}");
        assert!(field(first, "href").contains(CLIENT_CLASS_SLUG), "{first}");
        assert_eq!(field(first, "date"), "2025-07-12");
        assert_eq!(field(first, "severity"), "high");
        assert_eq!(field(first, "status"), "resolved");
        assert!(
            first.get("marks").and_then(Value::as_u64).unwrap_or(0) > 0,
            "matched words are marked: {first}"
        );

        browser
            .click(&format!("{HEADER_RESULTS}:first-child"))
            .await;
        let h1 = page_loaded(&browser, CLIENT_CLASS_SLUG).await;
        assert_eq!(h1, CLIENT_CLASS_TITLE);
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn the_whole_pasted_error_line_finds_its_incident_first() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        // On the search page...
        browser.goto(&server.url("search/index.html")).await;
        browser.type_into("#search-q", ERROR_LINE).await;
        let rows = results(&browser, PAGE_RESULTS, 1).await;
        assert_eq!(field(&rows[0], "title"), CLIENT_CLASS_TITLE, "{rows:#?}");
        let url = browser.client.current_url().await.expect("url");
        assert!(
            url.query_pairs().any(|(k, v)| k == "q" && v == ERROR_LINE),
            "the query is in the URL: {url}"
        );

        // ...and in the header box of any page.
        browser.goto(&server.url("tags/index.html")).await;
        browser.type_into("#site-search-q", ERROR_LINE).await;
        let rows = results(&browser, HEADER_RESULTS, 1).await;
        assert_eq!(field(&rows[0], "title"), CLIENT_CLASS_TITLE, "{rows:#?}");

        // A line that differs in a detail still finds it, among the closest matches.
        browser.goto(&server.url("search/index.html")).await;
        browser
            .type_into("#search-q", &ERROR_LINE.replace("TypeError", "ValueError"))
            .await;
        let rows = results(&browser, PAGE_RESULTS, 1).await;
        assert_eq!(field(&rows[0], "title"), CLIENT_CLASS_TITLE, "{rows:#?}");
        text_containing(&browser, "#search-summary", "contain most").await;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn choosing_severity_critical_narrows_to_critical_incidents() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        browser.goto(&server.url("search/index.html?q=redis")).await;
        let all = results(&browser, PAGE_RESULTS, 2).await;
        let severities = browser::tally(all.iter().map(|r| field(r, "severity")));
        assert!(
            severities.len() > 1 && severities.contains_key("critical"),
            "the query should find several severities: {severities:?}"
        );

        browser
            .click("[data-facet=severity] label:has(> input[value=critical])")
            .await;
        let narrowed = browser
            .wait_for(
                "only critical results",
                RESULTS_JS,
                vec![json!(PAGE_RESULTS)],
                |v| {
                    v.as_array().is_some_and(|rows| {
                        !rows.is_empty()
                            && rows.len() < all.len()
                            && rows.iter().all(|r| field(r, "severity") == "critical")
                    })
                },
            )
            .await;
        let url = browser.client.current_url().await.expect("url");
        assert!(
            url.query()
                .unwrap_or_default()
                .contains("severity=critical"),
            "the filter is in the URL: {url}"
        );

        // The same link, opened fresh, shows the same results with the filter chosen.
        browser.goto(url.as_str()).await;
        let again = results(&browser, PAGE_RESULTS, 1).await;
        assert_eq!(json!(again), narrowed);
        let checked = browser
        .eval(
            "return document.querySelector('[data-facet=severity] input[value=critical]').checked;",
            vec![],
        )
        .await;
        assert_eq!(checked, json!(true));
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn a_query_without_a_match_says_so() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        browser.goto(&server.url("search/index.html")).await;
        browser.type_into("#search-q", "xylophonequartz").await;
        text_containing(&browser, "#search-summary", "No incidents match").await;
        assert!(results(&browser, PAGE_RESULTS, 0).await.is_empty());

        browser.goto(&server.url("")).await;
        browser.type_into("#site-search-q", "xylophonequartz").await;
        text_containing(&browser, "#site-search-status", "No incidents match").await;
        assert!(results(&browser, HEADER_RESULTS, 0).await.is_empty());
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn search_works_on_a_site_served_under_a_sub_path() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(
        examples(),
        &["--base-url", "https://acme.github.io/incidents/"],
    );
    let server = Server::start(&site, "/incidents/");
    with_browser(move |browser| async move {
        browser.goto(&server.url("")).await;
        browser.type_into("#site-search-q", "CLIENT_CLASS").await;
        let rows = results(&browser, HEADER_RESULTS, 1).await;
        assert_eq!(field(&rows[0], "title"), CLIENT_CLASS_TITLE);
        let expected = server.url(&format!("incidents/{CLIENT_CLASS_SLUG}/"));
        assert_eq!(
            field(&rows[0], "href"),
            expected,
            "pretty URL under the sub-path"
        );
        browser
            .click(&format!("{HEADER_RESULTS}:first-child"))
            .await;
        assert_eq!(
            page_loaded(&browser, CLIENT_CLASS_SLUG).await,
            CLIENT_CLASS_TITLE
        );

        // The search page, reached by pressing Enter in the box, works there too.
        browser.type_into("#site-search-q", "CLIENT_CLASS").await;
        results(&browser, HEADER_RESULTS, 1).await;
        press_key(&browser, Key::Enter.into()).await;
        page_loaded(&browser, "/search/").await;
        let rows = results(&browser, PAGE_RESULTS, 1).await;
        assert_eq!(field(&rows[0], "title"), CLIENT_CLASS_TITLE);
        let url = browser.client.current_url().await.expect("url");
        assert_eq!(url.path(), "/incidents/search/");

        // Nothing was fetched from outside the sub-path.
        let outside: Vec<String> = server
            .take_log()
            .into_iter()
            .map(|(url, _)| url)
            .filter(|url| !url.starts_with("/incidents/"))
            .collect();
        assert!(
            outside.is_empty(),
            "requests outside the sub-path: {outside:?}"
        );
    })
    .await;
}

/// Every field of this incident carries a script payload.
fn hostile_workspace() -> common::Workspace {
    let p = "<script>alert(2)</script><img src=x onerror=alert(3)>";
    let ws = common::Workspace::new();
    ws.incident(
        "hostile.yaml",
        format!(
            r#"title: "Hostile {p} title"
date: 2025-07-12
status: mitigated
severity: high
summary: "Hostile summary {p} quoted"
tags: ["{p}"]
services: ["{p}"]
error: {{ type: "{p}", message: "Hostile error {p}", stack_trace: "{p}", logs: "{p}" }}
root_cause: {{ summary: "{p}", details: "{p}", contributing_factors: ["{p}"] }}
changes: [{{ file: "{p}", description: "{p}", before: "{p}", after: "{p}x" }}]
prevention: [{{ action: "{p}" }}]
lessons: {{ learned: ["{p}"] }}
"#
        ),
    );
    ws
}

/// Checks that nothing ran: no dialog is open, no element from a payload exists in the
/// results, and the payload is shown as text. Call [`count_dialogs`] after loading the page.
async fn assert_shown_as_text(browser: &Browser, container: &str, expected_text: &str) {
    assert_eq!(browser.open_dialog().await, None, "a dialog opened");
    assert_eq!(
        browser.eval("return window.__dialogs", vec![]).await,
        json!(0),
        "a payload called alert, confirm or prompt"
    );
    let injected = browser
        .eval(
            "return document.querySelectorAll(arguments[0] + ' img, ' + arguments[0] + ' script').length;",
            vec![json!(container)],
        )
        .await;
    assert_eq!(
        injected,
        json!(0),
        "markup from an incident reached the page"
    );
    text_containing(browser, container, expected_text).await;
}

/// Replaces the page's dialogs with a counter, so a payload that runs is counted even if
/// its dialog would have been dismissed before anyone looked.
async fn count_dialogs(browser: &Browser) {
    browser
        .eval(
            "window.__dialogs = 0; \
             window.alert = window.confirm = window.prompt = function () { window.__dialogs++; }; \
             return 1",
            vec![],
        )
        .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn html_in_an_incident_never_runs_in_results_and_shows_as_text() {
    let _one = one_browser().await;
    // The example incident about a WAF rule quotes the payload.
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        browser.goto(&server.url("search/index.html")).await;
        count_dialogs(&browser).await;
        browser.type_into("#search-q", PAYLOAD).await;
        let rows = results(&browser, PAGE_RESULTS, 1).await;
        assert!(
            rows.iter().any(|r| field(r, "excerpt").contains(PAYLOAD)),
            "the payload is shown in an excerpt: {rows:#?}"
        );
        assert_shown_as_text(&browser, "#search-results", PAYLOAD).await;
        browser.goto(&server.url("")).await;
        count_dialogs(&browser).await;
        browser.type_into("#site-search-q", PAYLOAD).await;
        results(&browser, HEADER_RESULTS, 1).await;
        assert_shown_as_text(&browser, "#site-search-list", PAYLOAD).await;
        drop(server);

        // An incident with a payload in every field: title, excerpt and badges stay text.
        let ws = hostile_workspace();
        let (_dir, site) = build_site(ws.root(), &[]);
        let server = Server::start(&site, "/");
        browser
            .goto(&server.url("search/index.html?q=hostile"))
            .await;
        count_dialogs(&browser).await;
        let rows = results(&browser, PAGE_RESULTS, 1).await;
        assert_eq!(
            field(&rows[0], "title"),
            "Hostile <script>alert(2)</script><img src=x onerror=alert(3)> title"
        );
        assert_shown_as_text(&browser, "#search-results", "<img src=x onerror=alert(3)>").await;
        browser.goto(&server.url("")).await;
        count_dialogs(&browser).await;
        browser.type_into("#site-search-q", "onerror").await;
        results(&browser, HEADER_RESULTS, 1).await;
        assert_shown_as_text(&browser, "#site-search-list", "<script>alert(2)</script>").await;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn the_keyboard_reaches_search_and_moves_through_results() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {

    // `/` focuses the header box; arrows choose a result, Enter opens it.
    browser.goto(&server.url("services/index.html")).await;
    page_loaded(&browser, "services").await;
    press_key(&browser, '/').await;
    assert_eq!(active_element_id(&browser).await, "site-search-q");
    browser.type_into("#site-search-q", "redis").await;
    let rows = results(&browser, HEADER_RESULTS, 2).await;
    press_key(&browser, Key::Down.into()).await;
    press_key(&browser, Key::Down.into()).await;
    let selected = browser
        .eval(
            "return document.getElementById('site-search-q').getAttribute('aria-activedescendant');",
            vec![],
        )
        .await;
    assert_eq!(selected, json!("site-search-option-1"));
    press_key(&browser, Key::Enter.into()).await;
    let second = field(&rows[1], "href").to_owned();
    let slug = second
        .trim_end_matches("index.html")
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(page_loaded(&browser, &slug).await, field(&rows[1], "title"));

    // Escape closes the list.
    browser.type_into("#site-search-q", "redis").await;
    results(&browser, HEADER_RESULTS, 1).await;
    press_key(&browser, Key::Escape.into()).await;
    let hidden = browser
        .eval(
            "return document.getElementById('site-search-popup').hidden;",
            vec![],
        )
        .await;
    assert_eq!(hidden, json!(true));

    // On the search page, `/` focuses its own box and arrows walk the result links.
    browser.goto(&server.url("search/index.html?q=redis")).await;
    let rows = results(&browser, PAGE_RESULTS, 2).await;
    browser.click("h1").await;
    press_key(&browser, '/').await;
    assert_eq!(active_element_id(&browser).await, "search-q");
    press_key(&browser, Key::Down.into()).await;
    press_key(&browser, Key::Down.into()).await;
    let focused = browser
        .eval("return document.activeElement.href;", vec![])
        .await;
    assert_eq!(focused.as_str(), Some(field(&rows[1], "href")));
    press_key(&browser, Key::Up.into()).await;
    press_key(&browser, Key::Up.into()).await;
    assert_eq!(active_element_id(&browser).await, "search-q");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn index_chips_narrow_the_list_and_it_lists_everything_without_them() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
    browser.goto(&server.url("index.html")).await;
    let visible = "return Array.from(document.querySelectorAll('.incident-row')).filter(r => !r.hidden).map(r => r.dataset.severity);";
    let all = browser
        .wait_for("the index list", visible, vec![], |v| {
            v.as_array().is_some_and(|a| a.len() == 8)
        })
        .await;
    browser
        .click("#filters label:has(> input[name=severity][value=critical])")
        .await;
    browser
        .wait_for("only critical rows", visible, vec![], |v| {
            v.as_array().is_some_and(|rows| {
                !rows.is_empty()
                    && rows.len() < 8
                    && rows.iter().all(|s| s.as_str() == Some("critical"))
            })
        })
        .await;
    let url = browser.client.current_url().await.expect("url");
    assert_eq!(url.query(), Some("severity=critical"));
    assert_eq!(all.as_array().map(Vec::len), Some(8));
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn index_chips_chosen_in_a_link_are_chosen_when_it_opens() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        browser
            .goto(&server.url("index.html?severity=critical&severity=high&status=resolved"))
            .await;
        let state = "return document.getElementById('filters').hidden ? null : { \
                     checked: Array.from(document.querySelectorAll('#filters input:checked')).map(i => i.name + '=' + i.value), \
                     rows: Array.from(document.querySelectorAll('.incident-row')).filter(r => !r.hidden).map(r => [r.dataset.severity, r.dataset.status]), \
                     count: document.getElementById('filter-count').textContent };";
        let shown = browser
            .wait_for("the chips from the link", state, vec![], |v| !v.is_null())
            .await;
        assert_eq!(
            shown["checked"],
            json!(["severity=critical", "severity=high", "status=resolved"]),
            "{shown}"
        );
        let rows = shown["rows"].as_array().cloned().unwrap_or_default();
        assert!(
            !rows.is_empty()
                && rows.len() < 8
                && rows.iter().all(|r| {
                    (r[0] == "critical" || r[0] == "high") && r[1] == "resolved"
                }),
            "{shown}"
        );
        assert_eq!(shown["count"], json!(rows.len().to_string()));

        // Clearing them lists everything again, and the URL loses its query.
        browser.click("#filters button[type=reset]").await;
        browser
            .wait_for("every row again", state, vec![], |v| {
                v["rows"].as_array().is_some_and(|rows| rows.len() == 8)
            })
            .await;
        let url = browser.client.current_url().await.expect("url");
        assert_eq!(url.query(), None, "{url}");
    })
    .await;
}

/// Stands in for Pagefind: keeps the options the script sets, finds nothing.
const RECORDING_PAGEFIND: &str = "\
export function options(o) { window.__pagefindOptions = o; return Promise.resolve(); }
export function search() { return Promise.resolve({ results: [], filters: {} }); }
export function filters() { return Promise.resolve({}); }
";

/// The numbers of a JSON object, by key, in key order (whatever order the map keeps).
fn numbers(object: &Value) -> Vec<(String, Option<f64>)> {
    let mut numbers: Vec<(String, Option<f64>)> = object
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_f64())).collect())
        .unwrap_or_default();
    numbers.sort_by(|a, b| a.0.cmp(&b.0));
    numbers
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn the_script_hands_pagefind_the_ranking_the_build_wrote() {
    let _one = one_browser().await;
    let (_dir, site) = build_site(examples(), &[]);
    std::fs::write(site.join("pagefind/pagefind.js"), RECORDING_PAGEFIND)
        .expect("replace pagefind.js");
    let server = Server::start(&site, "/");
    let expected: Value =
        serde_json::from_str(&postmortem::search::record::RANKING.to_json()).expect("JSON");
    assert_eq!(numbers(&expected["metaWeights"]).len(), 5, "{expected}");
    with_browser(move |browser| async move {
        for (page, start) in [
            ("search/index.html?q=redis", None),
            ("tags/index.html", Some("#site-search-q")),
        ] {
            browser.goto(&server.url(page)).await;
            if let Some(input) = start {
                browser.type_into(input, "redis").await;
            }
            let options = browser
                .wait_for(
                    "the options given to Pagefind",
                    "return window.__pagefindOptions || null;",
                    vec![],
                    |v| !v.is_null(),
                )
                .await;
            // JavaScript has one kind of number: 10.0 comes back as 10.
            assert_eq!(
                numbers(&options["ranking"]["metaWeights"]),
                numbers(&expected["metaWeights"]),
                "{page}: {options}"
            );
            assert_eq!(
                options["ranking"].as_object().map(|o| o.len()),
                Some(1),
                "{page}: {options}"
            );
            assert_eq!(options["noWorker"], json!(true), "{page}: {options}");
            assert_eq!(
                options["basePath"],
                json!("/pagefind/"),
                "{page}: {options}"
            );
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn search_works_under_serve_and_follows_an_edit() {
    let _one = one_browser().await;
    let ws = common::Workspace::new();
    let incidents = examples().join("incidents");
    for entry in std::fs::read_dir(&incidents)
        .expect("example incidents")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") {
            ws.incident(&name, std::fs::read(entry.path()).expect("read example"));
        }
    }
    let server = common::serve::Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let base = server.base.clone();
    let file = ws.path(&format!("incidents/{CLIENT_CLASS_SLUG}.yaml"));
    with_browser(move |browser| async move {
        let search = format!("{base}/search/index.html?q=CLIENT_CLASS");
        browser.goto(&search).await;
        let rows = results(&browser, PAGE_RESULTS, 1).await;
        assert_eq!(field(&rows[0], "title"), CLIENT_CLASS_TITLE, "{rows:#?}");

        // A new title reaches the index in the background; searching again finds it.
        let text = std::fs::read_to_string(&file).expect("read incident");
        let edited = text.replacen(
            &format!("title: {CLIENT_CLASS_TITLE}"),
            "title: Redis CLIENT_CLASS breaks login again",
            1,
        );
        assert_ne!(text, edited, "the title line was found");
        std::fs::write(&file, edited).expect("save incident");
        let bundle = file
            .parent()
            .and_then(|p| p.parent())
            .expect("workspace")
            .join("site/pagefind");
        let deadline = std::time::Instant::now() + common::serve::TIMEOUT;
        while !common::search_fragments(&bundle)
            .iter()
            .any(|f| f.contains("breaks login again"))
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the index never followed the edit"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        browser.goto(&search).await;
        let rows = results(&browser, PAGE_RESULTS, 1).await;
        assert_eq!(
            field(&rows[0], "title"),
            "Redis CLIENT_CLASS breaks login again",
            "{rows:#?}"
        );
    })
    .await;
    drop(server);
}

/// Seven incidents, one a day, odd ones critical; five mention "zephyr". With two
/// incidents per shard, the bundle is four Pagefind indexes the browser merges.
fn sharded_workspace() -> common::Workspace {
    let ws = common::Workspace::new();
    ws.write("postmortem.toml", "search_shard_size = 2\n");
    for day in 1..=7 {
        let severity = if day % 2 == 1 { "critical" } else { "low" };
        let word = if day == 2 || day == 5 {
            "breeze"
        } else {
            "zephyr"
        };
        ws.incident(
            &format!("day-{day}.yaml"),
            format!(
                "title: Outage of day {day}\ndate: 2025-01-0{day}\nstatus: resolved\n\
                 severity: {severity}\nsummary: A {word} took the queue down.\n\
                 error:\n  type: QueueError\n  message: queue {day} gone\n\
                 root_cause:\n  summary: A bad setting.\n"
            ),
        );
    }
    ws
}

/// The dates of the search page's results for `query` (URL parameters), once `count` show.
async fn result_dates(
    browser: &Browser,
    server: &Server,
    query: &str,
    count: usize,
) -> Vec<String> {
    browser
        .goto(&server.url(&format!("search/index.html?{query}")))
        .await;
    let rows = results(browser, PAGE_RESULTS, count).await;
    rows.iter().map(|r| field(r, "date").to_owned()).collect()
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn a_search_over_several_shards_sorts_filters_and_counts_as_one_index() {
    let _one = one_browser().await;
    let ws = sharded_workspace();
    let (_dir, site) = build_site(ws.root(), &[]);
    let list = std::fs::read_to_string(site.join("pagefind/shards.json")).expect("shard list");
    assert!(list.contains(r#""shards":["3","2","1","0"]"#), "{list}");
    assert!(site.join("pagefind/0/pagefind-entry.json").is_file());
    assert!(!site.join("pagefind/0/pagefind.js").exists(), "one engine");
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        let newest = result_dates(&browser, &server, "q=zephyr&sort=newest", 5).await;
        let days = [
            "2025-01-07",
            "2025-01-06",
            "2025-01-04",
            "2025-01-03",
            "2025-01-01",
        ];
        assert_eq!(newest, days, "newest first, across shards");
        let oldest = result_dates(&browser, &server, "q=zephyr&sort=oldest", 5).await;
        let mut ascending = days.to_vec();
        ascending.reverse();
        assert_eq!(oldest, ascending, "oldest first, across shards");
        let mut relevant = result_dates(&browser, &server, "q=zephyr", 5).await;
        relevant.sort();
        assert_eq!(relevant, ascending, "every shard answers a plain search");

        // A chosen filter narrows every shard, and the counts beside the filter are those
        // of the query's results in all shards together (not of the whole site: 4 and 3).
        let critical = result_dates(
            &browser,
            &server,
            "q=zephyr&severity=critical&sort=newest",
            3,
        )
        .await;
        assert_eq!(critical, ["2025-01-07", "2025-01-03", "2025-01-01"]);
        let counts = browser
            .wait_for(
                "counts of the query's results",
                "return ['critical', 'low'].map(v => (document.querySelector(\
                 '[data-facet=severity] [data-count-for=' + v + ']') || {}).textContent);",
                vec![],
                |v| v == &json!(["3", "2"]),
            )
            .await;
        assert_eq!(counts, json!(["3", "2"]));
    })
    .await;
}
