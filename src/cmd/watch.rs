//! `postmortem watch`: rebuild on every change, without a server (for users who preview
//! through their own). Also prints the rebuild lines for `serve`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use postmortem::model::text::plural;
use postmortem::pipeline::BuildOptions;
use postmortem::serve::{self, Failure, Mode, Outcome, Report, Session, Shutdown, Watching};

use super::{Global, print_diagnostics};

/// Arguments of `postmortem watch`.
#[derive(clap::Args)]
pub struct Args {
    /// Poll for changes instead of relying on file events (network mounts, containers,
    /// some macOS setups).
    #[arg(long)]
    poll: bool,
    /// Render everything again, without reading or writing the render cache
    /// (`.postmortem/cache/`, or `cache` in postmortem.toml).
    #[arg(long)]
    no_cache: bool,
}

/// Builds, then rebuilds on every change until Ctrl-C; exits 0 then.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the signal handler")?;
    let shutdown = runtime
        .block_on(async { Shutdown::listen() })
        .context("cannot catch Ctrl-C")?;
    let mut session = session(global, args.no_cache)?;
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
        say!("watching for changes; press Ctrl-C to stop");
    }
    runtime.block_on(shutdown.wait());
    stop.store(true, Ordering::Relaxed);
    cancel.store(true, Ordering::Relaxed);
    let _ = rebuilds.join();
    Ok(ExitCode::SUCCESS)
}

/// The session of a workspace, as the global options find it.
pub fn session(global: &Global, no_cache: bool) -> anyhow::Result<Session> {
    let (workspace, cwd) = global.workspace()?;
    let options = BuildOptions {
        no_cache,
        ..BuildOptions::default()
    };
    Ok(Session::new(cwd, global.root.clone(), workspace, options))
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

/// Prints what the rebuild loop reports: diagnostics as `check` prints them, then one line
/// per rebuild. `kept` says what happens to the site when a rebuild fails.
pub fn print_report(report: &Report<'_>, quiet: bool, kept: &str) {
    match report {
        Report::Warning(message) => say!("warning: {message}"),
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
            say!(
                "[{time}] {} failed: {errors} error{}; {kept}",
                outcome.name(),
                plural(errors)
            );
        }
        Err(failure @ Failure::Other(_)) => {
            say!("{}\n", failure.text());
            say!("[{time}] {} failed; {kept}", outcome.name());
        }
        Ok(rebuilt) => {
            print_diagnostics(&outcome.warnings, quiet);
            if !quiet {
                say!("[{time}] {}", outcome.describe(rebuilt));
            }
        }
    }
}
