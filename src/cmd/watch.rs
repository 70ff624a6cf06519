//! `postmortem watch`: rebuild on every change, without a server (for users who preview
//! through their own). Also prints the rebuild lines for `serve`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use postmortem::build::BuildOptions;
use postmortem::serve::{self, Failure, Mode, Outcome, Report, Session, Watching};

use super::{DiagnosticError, Global, print_diagnostics};

/// Arguments of `postmortem watch`.
#[derive(clap::Args)]
pub struct Args {
    /// Poll for changes instead of relying on file events (network mounts, containers,
    /// some macOS setups).
    #[arg(long)]
    poll: bool,
}

/// Builds, then rebuilds on every change until Ctrl-C; exits 0 then.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the signal handler")?;
    let shutdown = runtime.block_on(async { Shutdown::listen() })?;
    let mut session = session(global)?;
    let watching = start_watching(&session, args.poll)?;
    let stop = Arc::new(AtomicBool::new(false));
    let cancel = session.cancel_flag();
    let loop_stop = Arc::clone(&stop);
    let quiet = global.quiet;
    let rebuilds = std::thread::spawn(move || {
        serve::run(&mut session, watching, &loop_stop, &mut |report| {
            print_report(&report, quiet, "the site was left as it was");
        });
    });
    if !global.quiet {
        eprintln!("watching for changes; press Ctrl-C to stop");
    }
    runtime.block_on(shutdown.wait());
    stop.store(true, Ordering::Relaxed);
    cancel.store(true, Ordering::Relaxed);
    let _ = rebuilds.join();
    Ok(ExitCode::SUCCESS)
}

/// The session of a workspace, as the global options find it.
pub fn session(global: &Global) -> anyhow::Result<Session> {
    let (_, cwd) = global.workspace()?;
    Session::new(cwd, global.root.clone(), BuildOptions::default())
        .map_err(|d| DiagnosticError(d).into())
}

/// Starts the file watcher.
pub fn start_watching(session: &Session, poll: bool) -> anyhow::Result<Watching> {
    let mode = if poll { Mode::Poll } else { Mode::Native };
    Watching::start(session, mode).context(if poll {
        "cannot watch the workspace"
    } else {
        "cannot watch the workspace (try --poll)"
    })
}

/// Ctrl-C (and SIGTERM on Unix), caught from the moment [`Shutdown::listen`] returns, so
/// a Ctrl-C right after start-up still stops cleanly instead of killing the process.
pub struct Shutdown {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Shutdown {
    /// Starts listening; call inside a tokio runtime.
    pub fn listen() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt()).context("cannot catch Ctrl-C")?,
                terminate: signal(SignalKind::terminate()).context("cannot catch SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Completes on the first signal.
    pub async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Prints what the rebuild loop reports: diagnostics as `check` prints them, then one line
/// per rebuild. `kept` says what happens to the site when a rebuild fails.
pub fn print_report(report: &Report<'_>, quiet: bool, kept: &str) {
    match report {
        Report::Warning(message) => eprintln!("warning: {message}"),
        Report::Pages(_) => {}
        Report::Rebuilt(outcome, _) => print_outcome(outcome, quiet, kept),
    }
}

fn print_outcome(outcome: &Outcome, quiet: bool, kept: &str) {
    let time = jiff::Zoned::now().strftime("%H:%M:%S").to_string();
    match &outcome.result {
        Err(Failure::Invalid(diagnostics)) => {
            print_diagnostics(diagnostics, quiet);
            let errors = postmortem::diagnostic::error_count(diagnostics);
            eprintln!(
                "[{time}] {} failed: {errors} error{}; {kept}",
                name(outcome),
                plural(errors)
            );
        }
        Err(failure @ Failure::Other(_)) => {
            eprintln!("{}\n", failure.text());
            eprintln!("[{time}] {} failed; {kept}", name(outcome));
        }
        Ok(rebuilt) => {
            print_diagnostics(&outcome.warnings, quiet);
            if !quiet {
                eprintln!("[{time}] {}", describe(outcome, rebuilt));
            }
        }
    }
}

/// `rebuild 3 (incidents/a.yaml)`: which rebuild, and of what.
fn name(outcome: &Outcome) -> String {
    let number = if outcome.number == 0 {
        "build".into()
    } else {
        format!("rebuild {}", outcome.number)
    };
    let changed = match outcome.changed.as_slice() {
        [] => String::new(),
        [one] => format!(" ({})", one.display()),
        many => format!(" ({} and {} more)", many[0].display(), many.len() - 1),
    };
    format!("{number}{changed}")
}

/// `rebuild 3 (incidents/a.yaml) in 74 ms (page in 12 ms): 1 incident page, 4 list pages,
/// 2 reports; 5 files written`.
fn describe(outcome: &Outcome, rebuilt: &postmortem::serve::Rebuilt) -> String {
    let elapsed = outcome.elapsed;
    let took = if elapsed.as_secs_f64() < 1.0 {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.2} s", elapsed.as_secs_f64())
    };
    let page = match (rebuilt.full.is_none(), rebuilt.first_page) {
        (true, Some(first)) if rebuilt.incident_pages > 0 => {
            format!(" (page in {} ms)", first.as_millis())
        }
        _ => String::new(),
    };
    let what = match &rebuilt.full {
        Some(reason) => format!(
            "everything ({reason}): {} incident{}, {} pages",
            rebuilt.incidents,
            plural(rebuilt.incidents),
            rebuilt.incident_pages + rebuilt.list_pages
        ),
        None => format!(
            "{} incident page{}, {} list page{}, {} report{}",
            rebuilt.incident_pages,
            plural(rebuilt.incident_pages),
            rebuilt.list_pages,
            plural(rebuilt.list_pages),
            rebuilt.reports,
            plural(rebuilt.reports)
        ),
    };
    let mut line = format!(
        "{} in {took}{page}: {what}; {} file{} written",
        name(outcome),
        rebuilt.written,
        plural(rebuilt.written)
    );
    if rebuilt.removed > 0 {
        line.push_str(&format!(", {} removed", rebuilt.removed));
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
