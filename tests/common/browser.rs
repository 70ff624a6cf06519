//! Browser tests' helpers (also used by `examples/search_bytes.rs`): a built site served on
//! 127.0.0.1, and Debian's Chromium driven through chromedriver (WebDriver, via fantoccini).
//!
//! Nothing here sleeps and hopes: [`Browser::wait_for`] polls a condition in the page until
//! it holds or a deadline passes, and says what it last saw when it gives up.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long a condition may take: generous, as CI machines are shared.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Only one browser at a time: the machine has two cores, and parallel browsers only make
/// timeouts flaky. (An async lock: each test runs on a runtime of its own.)
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Waits for the browser lock; hold the guard for the whole test.
pub async fn one_browser() -> tokio::sync::MutexGuard<'static, ()> {
    ONE_BROWSER.lock().await
}

/// Requests a [`Server`] answered, `(url, bytes sent)`.
type RequestLog = Arc<Mutex<Vec<(String, u64)>>>;

/// A static file server for a built site, mounted at `prefix` (`/` or `/incidents/`), like
/// any static host: folders serve their `index.html`, nothing is served outside the prefix.
/// Responses are never cached, and it logs the bytes it sends, for the bench. It runs on a
/// thread of its own and stops when dropped.
pub struct Server {
    pub port: u16,
    pub prefix: String,
    log: RequestLog,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(site: &Path, prefix: &str) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let log = RequestLog::default();
        // A missing path answers 404 with the site's 404.html, at any depth, as static hosts do.
        let files = tower_http::services::ServeDir::new(site)
            .not_found_service(tower_http::services::ServeFile::new(site.join("404.html")));
        let app = match prefix.trim_end_matches('/') {
            "" => axum::Router::new().fallback_service(files),
            mount => axum::Router::new().nest_service(mount, files),
        }
        .layer(axum::middleware::from_fn_with_state(log.clone(), account));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("serve");
            });
        });
        Self {
            port,
            prefix: prefix.to_owned(),
            log,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The absolute URL of `path` (relative to the mounted site).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}{}", self.port, self.prefix, path)
    }

    /// Requests so far, `(url, bytes sent)`, and forgets them.
    pub fn take_log(&self) -> Vec<(String, u64)> {
        self.log
            .lock()
            .map(|mut log| std::mem::take(&mut *log))
            .unwrap_or_default()
    }
}

/// Logs each request with the size of its response, and forbids caching, so that every
/// page load downloads what it needs afresh.
async fn account(
    axum::extract::State(log): axum::extract::State<RequestLog>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let url = request.uri().to_string();
    let mut response = next.run(request).await;
    let bytes = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    if let Ok(mut log) = log.lock() {
        log.push((url, bytes));
    }
    response
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Headless Chromium behind its own chromedriver; both end when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium. Panics with a clear message if
    /// either is missing: these tests must not pass by not running.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// [`Browser::start`] with more Chromium arguments.
    pub async fn start_with(extra_args: &[&str]) -> Self {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: apt-get install chromium chromium-driver"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-dev-shm-usage",
            "--disable-breakpad",
            "--window-size=1280,900",
        ]
        .iter()
        .chain(extra_args)
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": args }),
        );
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
        Self {
            client,
            driver,
            _profile: profile,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.expect("run script")
    }

    /// Polls `script` until `done` accepts its value; returns that value. Panics after
    /// [`TIMEOUT`] with `what` and the last value seen.
    pub async fn wait_for(
        &self,
        what: &str,
        script: &str,
        args: Vec<Value>,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let value = self
                .client
                .execute(script, args.clone())
                .await
                .unwrap_or(Value::Null);
            if done(&value) {
                return value;
            }
            if Instant::now() >= deadline {
                let page = self
                    .client
                    .execute(PAGE_STATE_JS, vec![])
                    .await
                    .unwrap_or(Value::Null);
                panic!(
                    "timed out waiting for {what}; last saw {value}\npage: {page}\nbrowser console:\n{}",
                    self.console().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types `text` into the element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self
            .client
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .expect("find input");
        input.click().await.expect("focus input");
        input.send_keys(text).await.expect("type");
    }

    /// Presses one key (a `fantoccini::key::Key` as char, or any character).
    pub async fn press(&self, css: &str, key: impl Into<char>) {
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .expect("find element");
        element
            .send_keys(&key.into().to_string())
            .await
            .expect("press key");
    }

    pub async fn click(&self, css: &str) {
        let element = self
            .client
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .expect("find element to click");
        element.click().await.expect("click");
    }

    /// The text of an open alert, confirm or prompt dialog, if one is open.
    pub async fn open_dialog(&self) -> Option<String> {
        self.client.get_alert_text().await.ok()
    }

    /// Runs a Chrome DevTools Protocol command (e.g. `Emulation.setDeviceMetricsOverride`)
    /// through chromedriver; returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp {
                cmd: cmd.to_owned(),
                params,
            })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// Shows pages as a screen `width`×`height` CSS pixels at `scale` device pixels each
    /// would; `mobile` also emulates a phone (viewport meta tag, overlay scrollbars).
    pub async fn emulate_screen(&self, width: u32, height: u32, scale: f64, mobile: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile }),
        )
        .await;
    }

    /// Makes pages see `prefers-color-scheme: dark` (or light).
    pub async fn emulate_dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] }),
        )
        .await;
    }

    /// The browser console's messages since the last call, one per line.
    pub async fn console(&self) -> String {
        let entries = self
            .client
            .issue_cmd(ConsoleLog)
            .await
            .unwrap_or(Value::Null);
        entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| format!("{} {}", e["level"], e["message"]))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The browser has quit with its session (see `with_browser`); end its driver.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Runs `test` with a fresh browser and always ends the browser's session afterwards, even
/// when the test fails, so no browser outlives its test; then reports the test's outcome.
pub async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Arc<Browser>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    with_browser_args(&[], test).await;
}

/// [`with_browser`] with more Chromium arguments (e.g. scripts turned off).
pub async fn with_browser_args<F, Fut>(extra_args: &[&str], test: F)
where
    F: FnOnce(Arc<Browser>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let browser = Arc::new(Browser::start_with(extra_args).await);
    // A spawned task's panic comes back as an error instead of unwinding past the cleanup.
    let outcome = tokio::spawn(test(browser.clone())).await;
    let _ = browser.client.clone().close().await;
    drop(browser);
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("test task failed: {error}"),
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Where a page stands, for failure messages: its URL, inputs and what it fetched.
const PAGE_STATE_JS: &str = r#"
return {
  url: location.href,
  inputs: Array.from(document.querySelectorAll('input[name=q]')).map(i => i.id + '=' + i.value),
  fetched: performance.getEntriesByType('resource').map(e => e.name.replace(location.origin, '') + ' ' + Math.round(e.duration) + 'ms'),
};
"#;

/// Result rows as shown: `{title, href, severity, status, date, excerpt}` for each element
/// matching `css` (a result link or option).
pub const RESULTS_JS: &str = r#"
return Array.from(document.querySelectorAll(arguments[0])).map(a => ({
  title: (a.querySelector('.result-title') || {}).textContent || '',
  href: a.href,
  date: (a.querySelector('time') || {}).textContent || '',
  severity: ((a.querySelector('.result-meta .badge[class*="severity-"]') || {}).textContent || ''),
  status: ((a.querySelector('.result-meta .badge[class*="status-"]') || {}).textContent || ''),
  excerpt: (a.querySelector('.result-excerpt') || {}).textContent || '',
  marks: a.querySelectorAll('mark').length,
}));
"#;

/// Counts by key, for messages.
pub fn tally<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    counts
}

/// chromedriver's (non-standard) command for the browser console log.
#[derive(Debug)]
struct ConsoleLog;

impl fantoccini::wd::WebDriverCompatibleCommand for ConsoleLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// chromedriver's command for the DevTools protocol.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
