//! Interrupted and concurrent builds: killed at random moments and at the swap, a build
//! leaves the old or the new site in place, the next build removes what it left and says
//! when site and reports are from different builds; Ctrl-C and SIGTERM clean up; two builds
//! into one folder take turns.
#![cfg(unix)]

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{VALID, Workspace, stderr};
use postmortem::site::write::{reports_build_id, site_build_id};

/// Incidents in the workspace: enough that a debug build takes a while to write.
const INCIDENTS: usize = 80;

fn workspace() -> Workspace {
    let ws = Workspace::new();
    for i in 0..INCIDENTS {
        let body = VALID
            .replace("Cache outage", &format!("Outage number {i}"))
            .replace(
                "summary: The cache went away.",
                &format!(
                    "summary: |\n  Incident {i}: the cache went away after deploy {i}.\n\n  ```python\n  def f(x):\n      return x * {i}\n  ```\ntags: [t{}, t{}]\nservices: [s{}]",
                    i % 7,
                    i % 11,
                    i % 5
                ),
            );
        ws.incident(&format!("i{i:03}.yaml"), body);
    }
    ws
}

/// A pseudo-random sequence (xorshift), so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// `postmortem build`; with `fresh`, without the render cache, so that it writes a new site
/// into a staging folder and swaps it in (a warm build may update the site in place).
fn spawn(ws: &Workspace, fresh: bool) -> Child {
    let args: &[&str] = if fresh {
        &["build", "--no-cache"]
    } else {
        &["build"]
    };
    Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(args)
        .current_dir(ws.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn postmortem")
}

/// Staging folders beside the site and the reports.
fn staging_folders(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".new-") || n.contains(".old-"))
        .collect()
}

/// Whether a staging folder of the site holds the site marker: the build is at the swap.
fn at_swap(root: &Path) -> bool {
    staging_folders(root)
        .iter()
        .any(|n| n.starts_with(".site.") && root.join(n).join(".postmortem-site").is_file())
}

/// Changes one incident, so each build's reports (and so its build id) differ.
fn edit(ws: &Workspace, run: usize) {
    let body = VALID.replace("Cache outage", &format!("Outage edited in run {run}"));
    ws.incident("i000.yaml", body);
}

#[test]
fn killed_builds_leave_a_site_and_the_next_build_repairs_everything() {
    let runs: usize = std::env::var("POSTMORTEM_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let ws = workspace();
    let first = ws.run(&["build"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // Time a build of a new site, as most of the killed ones are.
    edit(&ws, usize::MAX);
    let started = Instant::now();
    let warm = ws.run(&["build", "--no-cache"]);
    let full = started.elapsed();
    assert_eq!(warm.status.code(), Some(0), "{}", stderr(&warm));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut leftovers, mut mismatches, mut finished, mut at_swap_runs) = (0, 0, 0, 0);
    for run in 0..runs {
        edit(&ws, run);
        // Every fourth run is killed as the new site is swapped in; the others at a random
        // moment of a build, mostly of a new site, every fourth of an update in place.
        let mut child = spawn(&ws, run % 4 != 1);
        let deadline = Instant::now() + full * 3 + Duration::from_secs(5);
        if run % 4 == 3 {
            while !at_swap(ws.root()) && Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::hint::spin_loop();
            }
            at_swap_runs += 1;
        } else {
            let until =
                Instant::now() + Duration::from_millis(rng.below(full.as_millis() as u64 + 50));
            while Instant::now() < until {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        }
        assert!(
            ws.path("site/.postmortem-site").is_file(),
            "run {run}: no site after the kill"
        );
        leftovers += staging_folders(ws.root()).len();
        let mismatched = site_build_id(&ws.path("site")) != reports_build_id(&ws.path("reports"));
        mismatches += usize::from(mismatched);

        let next = ws.run(&["build"]);
        let err = stderr(&next);
        assert_eq!(next.status.code(), Some(0), "run {run}: {err}");
        assert_eq!(
            staging_folders(ws.root()),
            Vec::<String>::new(),
            "run {run}: the next build left staging folders"
        );
        let (site, reports) = (
            site_build_id(&ws.path("site")),
            reports_build_id(&ws.path("reports")),
        );
        assert!(
            site.is_some() && site == reports,
            "run {run}: {site:?} {reports:?}"
        );
        assert_eq!(
            mismatched,
            err.contains("were from different builds"),
            "run {run}: a mismatch is reported exactly when there was one: {err}"
        );
    }
    eprintln!(
        "{runs} killed builds ({at_swap_runs} at the swap, {finished} finished before the kill): \
         {leftovers} staging folders left by the kills, all removed by the next build; \
         {mismatches} site/reports pairs from different builds, all reported and repaired \
         (a build took {full:?})"
    );
}

#[test]
fn ctrl_c_and_sigterm_remove_the_staging_folders() {
    use rustix::process::{Pid, Signal, kill_process};
    let ws = workspace();
    assert_eq!(ws.run(&["build"]).status.code(), Some(0));
    let mut interrupted = 0;
    for (run, signal) in [Signal::INT, Signal::TERM, Signal::INT, Signal::TERM]
        .into_iter()
        .enumerate()
    {
        edit(&ws, run);
        let mut child = spawn(&ws, true);
        // Once its staging folder exists, the build is writing.
        let deadline = Instant::now() + Duration::from_secs(60);
        while staging_folders(ws.root()).is_empty() && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let pid = Pid::from_raw(child.id() as i32).unwrap();
        let _ = kill_process(pid, signal);
        let status = child.wait().unwrap();
        if status.code() == Some(130) {
            interrupted += 1;
        } else {
            assert_eq!(status.code(), Some(0), "run {run}: {status:?}");
        }
        assert_eq!(
            staging_folders(ws.root()),
            Vec::<String>::new(),
            "run {run}: {signal:?} left staging folders"
        );
        assert!(ws.path("site/.postmortem-site").is_file());
    }
    assert!(interrupted > 0, "no build was interrupted");
}

#[test]
fn a_second_build_waits_for_the_first_and_says_who_holds_the_folder() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID);
    // This test holds the lock as a running build would.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(ws.path(".site.lock"))
        .unwrap();
    lock.lock().unwrap();
    std::fs::write(
        ws.path(".site.lock"),
        format!("pid {}\n", std::process::id()),
    )
    .unwrap();
    let mut child = spawn(&ws, true);
    let mut stream = child.stderr.take().unwrap();
    // Read what it says until it says it waits, in a thread so that the test can time out.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut said = Vec::new();
        let mut byte = [0u8; 1];
        while stream.read(&mut byte).is_ok_and(|n| n == 1) {
            said.push(byte[0]);
            if byte[0] == b'\n' {
                let _ = tx.send(String::from_utf8_lossy(&said).into_owned());
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&said).into_owned());
    });
    let mut said = String::new();
    while !said.contains("waiting for another build") {
        said = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("it says it waits");
    }
    assert!(
        said.contains(&format!("pid {}", std::process::id())),
        "{said}"
    );
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    assert!(!ws.path("site").exists(), "nothing written while it waits");
    drop(lock);
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(ws.path("site/index.html").is_file());
}

#[test]
fn builds_started_together_take_turns() {
    let ws = workspace();
    for round in 0..2 {
        edit(&ws, round);
        let children: Vec<Child> = (0..3).map(|_| spawn(&ws, true)).collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                stderr(&output)
            );
        }
        assert_eq!(staging_folders(ws.root()), Vec::<String>::new());
        let site = site_build_id(&ws.path("site"));
        assert!(site.is_some() && site == reports_build_id(&ws.path("reports")));
    }
}
