//! Running `postmortem serve` (or `watch`) in a test: start it on a free port, talk to it
//! over real HTTP, wait for conditions (never for fixed times), stop it with Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Workspace;

/// How long any condition may take to become true. Generous: debug builds on a shared,
/// busy machine.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `postmortem serve` or `watch`.
pub struct Running {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash), for `serve`.
    pub base: String,
    /// The first line of stdout.
    pub first_line: String,
    stderr: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

/// A response, whatever its status.
pub struct Page {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Running {
    /// Starts `postmortem serve --port 0 <args>` in `ws` and reads the address from the
    /// first line of stdout.
    pub fn serve(ws: &Workspace, args: &[&str]) -> Self {
        let mut all = vec!["serve", "--port", "0"];
        all.extend_from_slice(args);
        let mut running = Self::start(ws, &all);
        let start = running.first_line.find("http://").unwrap_or_else(|| {
            panic!(
                "no address in {:?}; stderr: {}",
                running.first_line,
                running.stderr()
            )
        });
        running.base = running.first_line[start..]
            .trim()
            .trim_end_matches('/')
            .to_owned();
        running
    }

    /// Starts `postmortem watch <args>` in `ws`.
    pub fn watch(ws: &Workspace, args: &[&str]) -> Self {
        let mut all = vec!["watch"];
        all.extend_from_slice(args);
        Self::start(ws, &all)
    }

    fn start(ws: &Workspace, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_postmortem"))
            .args(args)
            .current_dir(ws.root())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start postmortem");
        let stderr = Arc::new(Mutex::new(String::new()));
        let err_pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first_line = String::new();
        if args[0] == "serve" {
            stdout.read_line(&mut first_line).expect("read stdout");
        }
        std::thread::spawn(move || for _ in stdout.lines() {});
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Self {
            child,
            base: String::new(),
            first_line,
            stderr,
            agent,
        }
    }

    /// The process id of the server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// GET `path` (sent as is: `..` and `%2e` are not normalised by the client).
    pub fn get(&self, path: &str) -> Page {
        let url = format!("{}{path}", self.base);
        let mut response = self
            .agent
            .get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response
            .body_mut()
            .with_config()
            .limit(100 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Page {
            status,
            content_type,
            body,
        }
    }

    /// The server's state (`/__postmortem/status`).
    pub fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__postmortem/status").body).expect("status JSON")
    }

    /// Rebuilds since the first build.
    pub fn rebuilds(&self) -> u64 {
        self.status()["rebuilds"].as_u64().unwrap_or(0)
    }

    /// Waits until `condition` holds, polling; panics with `what` after [`TIMEOUT`].
    pub fn wait_for(&self, what: &str, mut condition: impl FnMut() -> bool) {
        let start = Instant::now();
        while !condition() {
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {what}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the page at `path` contains `text`, and returns it.
    pub fn wait_for_page(&self, path: &str, text: &str) -> Page {
        let mut last = None;
        self.wait_for(&format!("{path} to contain {text:?}"), || {
            let page = self.get(path);
            let found = page.body.contains(text);
            last = Some(page);
            found
        });
        last.expect("polled at least once")
    }

    /// Waits for the first build to be served.
    pub fn wait_for_first_build(&self) {
        self.wait_for("the first build", || {
            self.status()["build"].as_u64().unwrap_or(0) >= 1
        });
    }

    /// Sends Ctrl-C (SIGINT) and waits for the exit.
    pub fn interrupt(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -INT {pid}");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "did not exit after Ctrl-C; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An incident whose title and summary are given.
pub fn incident(title: &str, summary: &str) -> String {
    super::VALID
        .replace("title: Cache outage", &format!("title: {title}"))
        .replace(
            "summary: The cache went away.",
            &format!("summary: {summary}"),
        )
}
