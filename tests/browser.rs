//! The live preview in a real browser: Debian's Chromium, driven through chromedriver with
//! fantoccini. An incident page is opened under `postmortem serve`, the file is edited, and
//! the page must show the new title (and keep its scroll position) with nobody reloading
//! it; a broken save must show the overlay, and fixing it must remove the overlay.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver: `cargo test -- --include-ignored`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Workspace;
use common::serve::{Running, TIMEOUT, incident};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// chromedriver on a port of its choosing; killed when dropped.
struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    fn start() -> Self {
        let mut child = Command::new("/usr/bin/chromedriver")
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start /usr/bin/chromedriver");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split("started successfully on port ")
                    .nth(1)
                    .map(|rest| rest.trim_end_matches('.').to_owned())
            })
            .expect("chromedriver says its port");
        std::thread::spawn(move || for _ in lines {});
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn chromium(driver: &ChromeDriver, profile: &std::path::Path) -> Client {
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=800,600",
                format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!("an object literal");
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// Polls `script` (which returns a value) until `done` accepts what it returns.
async fn wait_until(
    client: &Client,
    what: &str,
    script: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let value = client.execute(script, vec![]).await.unwrap_or_default();
        if done(&value) {
            return value;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "timed out waiting for {what}: {value}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
#[ignore = "needs chromium"]
fn an_open_page_follows_saves_without_a_manual_reload() {
    let ws = Workspace::new();
    // A long summary, so the page can be scrolled and the position checked after reload.
    let long = "A paragraph of the summary that takes some room. ".repeat(400);
    ws.incident("a.yaml", incident("Browser title", &long));
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let driver = ChromeDriver::start();
    let profile = tempfile::tempdir().expect("profile dir");
    let page = format!("{}/incidents/a/", server.base);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = chromium(&driver, profile.path()).await;
        client.goto(&page).await.expect("open the page");
        let h1 = client.find(Locator::Css("h1")).await.expect("h1");
        assert_eq!(h1.text().await.unwrap(), "Browser title");
        // Wait until the live-reload stream is connected, then scroll and mark the page.
        wait_until(
            &client,
            "the event stream",
            "return typeof EventSource",
            |v| v == "function",
        )
        .await;
        client
            .execute(
                "window.scrollTo(0, 400); window.__before = true; return 1",
                vec![],
            )
            .await
            .expect("scroll");

        // Save a new title: the page reloads by itself and keeps its place.
        ws.incident("a.yaml", incident("Saved in the editor", &long));
        wait_until(
            &client,
            "the new title",
            "return document.querySelector('h1') && document.querySelector('h1').textContent",
            |v| v == "Saved in the editor",
        )
        .await;
        let marker = client
            .execute("return window.__before === true", vec![])
            .await;
        assert_eq!(marker.unwrap(), false, "it was a reload, not a patch");
        wait_until(
            &client,
            "the scroll position",
            "return window.scrollY",
            |v| v.as_f64().is_some_and(|y| (y - 400.0).abs() < 2.0),
        )
        .await;

        // A broken save: the overlay shows the diagnostic over the last good page.
        ws.incident(
            "a.yaml",
            incident("Broken", &long).replace("status: resolved", "status: <b>nope</b>"),
        );
        let text = wait_until(
            &client,
            "the error overlay",
            "var o = document.getElementById('postmortem-overlay'); \
             return o && !o.hidden ? o.querySelector('pre').textContent : null",
            |v| v.is_string(),
        )
        .await;
        let text = text.as_str().unwrap_or_default();
        assert!(text.contains("incidents/a.yaml:"), "{text}");
        assert!(text.contains("<b>nope</b>"), "shown as text: {text}");
        let bold = client
            .execute(
                "return document.querySelectorAll('#postmortem-overlay b').length",
                vec![],
            )
            .await;
        assert_eq!(bold.unwrap(), 0, "never parsed as HTML");
        let h1 = client.find(Locator::Css("h1")).await.expect("h1");
        assert_eq!(h1.text().await.unwrap(), "Saved in the editor");

        // Fixed: the overlay goes and the page shows the fix.
        ws.incident("a.yaml", incident("Fixed in the editor", &long));
        wait_until(
            &client,
            "the fix",
            "var o = document.getElementById('postmortem-overlay'); \
             return [o && o.hidden, document.querySelector('h1').textContent]",
            |v| v == &json!([true, "Fixed in the editor"]),
        )
        .await;

        // The index lists the incident: it follows a new title too (it is rendered after
        // the incident's own page, and reloads when its turn comes).
        client
            .goto(&format!("{}/", server.base))
            .await
            .expect("open the index");
        ws.incident("a.yaml", incident("Listed under a new title", &long));
        wait_until(
            &client,
            "the index to list the new title",
            "return document.body.textContent.indexOf('Listed under a new title') >= 0",
            |v| v == true,
        )
        .await;
        client.close().await.expect("close the browser");
    });
    assert_eq!(server.interrupt().code(), Some(0));
}
