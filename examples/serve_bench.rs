//! Measures the live preview: time from saving one incident to its updated HTML on disk.
//!
//! ```text
//! cargo run --release --example serve_bench -- --bin target/release/postmortem \
//!     --corpus target/bench/corpus-1000 --work target/bench/serve-1000 [--edits 20]
//! ```
//!
//! Copies the corpus's `incidents/` and `postmortem.toml` into `--work` (so the corpus
//! stays as generated), starts `postmortem serve --port 0` there and waits for the first
//! build. Then, `--edits` times, it changes the title of a different incident the way
//! editors save (write a temporary file, rename it over the original), takes the time just
//! before the rename, and polls the incident's page (`stat` every millisecond, read when it
//! changed) until the new title is in it. Between edits it waits for the server's rebuild
//! line, so edits never merge. The title is the worst single-field edit: it also changes
//! the index and the incident's tag and service pages.
//!
//! Prints p50 / p95 / max of save-to-page, the server's own rebuild times (from its log
//! line), the server's CPU time over the edits and its peak memory (Linux /proc), and the
//! load average before and after: the machine is shared, so note the noise.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error>;

struct Args {
    bin: PathBuf,
    corpus: PathBuf,
    work: PathBuf,
    edits: usize,
}

fn main() -> Result<(), Error> {
    let args = parse_args()?;
    prepare(&args.corpus, &args.work)?;
    let files = incident_files(&args.work.join("incidents"))?;
    if files.len() < args.edits {
        return Err(format!("only {} incidents", files.len()).into());
    }
    let load_before = load_average();
    let server = Server::start(&args.bin, &args.work)?;
    let first = server.wait_for_line(|l| l.contains("] build "), Duration::from_secs(600))?;
    eprintln!("{first}");
    let (cpu_start, started) = (server.cpu_seconds(), Instant::now());

    let mut save_to_page = Vec::new();
    let mut rebuild_ms = Vec::new();
    let step = files.len() / args.edits;
    for edit in 0..args.edits {
        let file = &files[edit * step];
        let slug = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let page = args.work.join(format!("site/incidents/{slug}/index.html"));
        let title = format!("Bench edit {edit} of {slug}");
        let before = modified(&page);
        let saved = save_with_title(file, &title)?;
        wait_for_page(&page, before, &title, saved)?;
        save_to_page.push(saved.elapsed());
        let line = server.wait_for_line(
            |l| l.contains(&format!("rebuild {} ", edit + 1)),
            Duration::from_secs(120),
        )?;
        rebuild_ms.push(rebuild_time(&line).unwrap_or(f64::NAN));
    }
    let cpu = server.cpu_seconds() - cpu_start;
    let wall = started.elapsed().as_secs_f64();
    let peak = server.peak_memory_mb();
    server.stop();
    let load_after = load_average();

    let incidents = files.len();
    let ms: Vec<f64> = save_to_page
        .iter()
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    println!(
        "| {incidents} | {} | {} | {} | {} | {} | {cpu:.2} s in {wall:.1} s | {} MB | {load_before} → {load_after} |",
        fmt(percentile(&ms, 50)),
        fmt(percentile(&ms, 95)),
        fmt(percentile(&ms, 100)),
        fmt(percentile(&rebuild_ms, 50)),
        fmt(percentile(&rebuild_ms, 95)),
        peak.map_or("?".into(), |mb| mb.to_string()),
    );
    Ok(())
}

fn parse_args() -> Result<Args, Error> {
    let (mut bin, mut corpus, mut work, mut edits) = (None, None, None, 20);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--bin" => bin = Some(PathBuf::from(value)),
            "--corpus" => corpus = Some(PathBuf::from(value)),
            "--work" => work = Some(PathBuf::from(value)),
            "--edits" => edits = value.parse()?,
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    let usage = "usage: serve_bench --bin BIN --corpus DIR --work DIR [--edits N]";
    Ok(Args {
        bin: bin.ok_or(usage)?,
        corpus: corpus.ok_or(usage)?,
        work: work.ok_or(usage)?,
        edits,
    })
}

/// A fresh copy of the corpus's sources in `work` (its old output is removed too).
fn prepare(corpus: &Path, work: &Path) -> Result<(), Error> {
    if work.join("incidents").is_dir() && !work.join(".serve-bench").is_file() {
        return Err(format!("{} was not made by serve_bench", work.display()).into());
    }
    if work.exists() {
        std::fs::remove_dir_all(work)?;
    }
    std::fs::create_dir_all(work.join("incidents"))?;
    std::fs::write(work.join(".serve-bench"), "scratch copy for serve_bench\n")?;
    std::fs::copy(corpus.join("postmortem.toml"), work.join("postmortem.toml"))?;
    for file in incident_files(&corpus.join("incidents"))? {
        if let Some(name) = file.file_name() {
            std::fs::copy(&file, work.join("incidents").join(name))?;
        }
    }
    Ok(())
}

fn incident_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Replaces the title the way editors save: a temporary file renamed over the original.
/// Returns the moment just before the rename.
fn save_with_title(file: &Path, title: &str) -> Result<Instant, Error> {
    let text = std::fs::read_to_string(file)?;
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let line = lines
        .iter_mut()
        .find(|l| l.starts_with("title:"))
        .ok_or("no title line")?;
    *line = format!("title: \"{title}\"");
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("x");
    let temp = file.with_file_name(format!(".{name}.bench-tmp"));
    std::fs::write(&temp, lines.join("\n") + "\n")?;
    let saved = Instant::now();
    std::fs::rename(&temp, file)?;
    Ok(saved)
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Polls until `page` holds `title`: a `stat` every millisecond, a read when it changed.
fn wait_for_page(
    page: &Path,
    mut last: Option<std::time::SystemTime>,
    title: &str,
    since: Instant,
) -> Result<(), Error> {
    let escaped = title.replace('&', "&amp;");
    loop {
        let now = modified(page);
        if now != last {
            last = now;
            if std::fs::read_to_string(page).is_ok_and(|html| html.contains(&escaped)) {
                return Ok(());
            }
        }
        if since.elapsed() > Duration::from_secs(120) {
            return Err(format!("{} never showed {title:?}", page.display()).into());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// `... in 24 ms: ...` or `... in 1.20 s: ...` from a rebuild line, in milliseconds.
fn rebuild_time(line: &str) -> Option<f64> {
    let after = line.split(" in ").nth(1)?;
    let mut words = after.split_whitespace();
    let value: f64 = words.next()?.parse().ok()?;
    match words.next()?.trim_end_matches(':') {
        "ms" => Some(value),
        "s" => Some(value * 1000.0),
        _ => None,
    }
}

fn percentile(values: &[f64], p: usize) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn fmt(ms: f64) -> String {
    format!("{ms:.0} ms")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// The server under test, with its stderr lines on a channel.
struct Server {
    child: Child,
    lines: Receiver<String>,
}

impl Server {
    fn start(bin: &Path, dir: &Path) -> Result<Self, Error> {
        let mut child = Command::new(bin)
            .args(["serve", "--port", "0"])
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self { child, lines })
    }

    fn wait_for_line(
        &self,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<String, Error> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left)?;
            if line.contains("error") {
                eprintln!("{line}");
            }
            if wanted(&line) {
                return Ok(line);
            }
        }
    }

    /// User plus system CPU time of the server so far (Linux).
    fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name, which is in parentheses.
        let fields: Vec<&str> = stat
            .rsplit_once(") ")
            .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (ticks(11) + ticks(12)) / 100.0 // utime, stime in clock ticks (100 Hz on Linux)
    }

    /// Peak resident memory (VmHWM), in MB (Linux).
    fn peak_memory_mb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024)
    }

    /// Ctrl-C, as a user stops it.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
