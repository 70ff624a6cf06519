//! Live preview: `postmortem serve` and `postmortem watch`.
//!
//! Writing an incident is where users spend their time with the tool, so every save must
//! show up at once, errors included, without losing the page they look at. The preview is
//! three parts, composed the way mdBook composes them:
//!
//! - [`session`]: a [`Session`] that keeps what was loaded and written, and asks the
//!   pipeline to build once and then to update only what a change affects;
//! - [`watch`]: file events (native or polled), filtered and settled into [`Change`]s;
//! - [`rescan`]: a look at every file every few seconds, for the events that get lost;
//! - [`server`]: the site over HTTP with live reload and an error overlay (`serve` only).
//!
//! [`run`] is the loop both commands share: first build, then one rebuild per settled
//! change, until told to stop. The server runs beside it and only reads what it publishes.

mod outcome;
pub mod rescan;
mod search;
pub mod server;
pub mod session;
mod shutdown;
mod sources;
pub mod watch;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

pub use outcome::{Failure, Outcome, Rebuilt};
pub use rescan::RESCAN;
pub use session::Session;
pub use shutdown::Shutdown;
pub use watch::{Change, Mode, WatchRoots, Watcher};

/// What the loop tells its caller.
pub enum Report<'a> {
    /// The pages of the changed incidents are written (paths relative to the site); the
    /// rest of the rebuild follows.
    Pages(&'a [String]),
    /// A rebuild finished (or failed).
    Rebuilt(&'a Outcome, &'a Session),
    /// A watcher problem; the loop goes on.
    Warning(String),
}

/// A started watcher and the channels it reports on.
pub struct Watching {
    watcher: Watcher,
    changes: Receiver<Change>,
    errors: Receiver<String>,
}

impl Watching {
    /// Adds a change that came meanwhile to `change`; false once the watcher stopped
    /// sending events (its thread ended).
    fn events_alive(&self, change: &mut Change) -> bool {
        match self.changes.try_recv() {
            Ok(more) => {
                change.merge(more);
                true
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => false,
        }
    }

    /// Starts watching what `session` reads. Fails only if the watcher cannot be created
    /// at all (for instance, out of inotify instances); a folder that cannot be watched is
    /// reported once the loop runs.
    pub fn start(session: &Session, mode: Mode) -> notify::Result<Self> {
        let (change_tx, changes) = mpsc::channel();
        let (error_tx, errors) = mpsc::channel();
        let watcher = Watcher::start(session.watch_roots(), mode, change_tx, error_tx)?;
        Ok(Self {
            watcher,
            changes,
            errors,
        })
    }
}

/// How often the loop looks at its stop flag while idle.
const STOP_TICK: Duration = Duration::from_millis(100);

/// Builds, then rebuilds after every settled change until `stop` is set, handing each
/// outcome to `report`. Every [`RESCAN`] without events, the files are looked at anyway
/// (see [`rescan`]) and lost watches are set up again, so a missed event, or a watcher
/// that died, costs at most that long; a dead watcher is reported, not silent.
pub fn run(
    session: &mut Session,
    mut watching: Watching,
    stop: &AtomicBool,
    report: &mut dyn FnMut(Report<'_>),
) {
    // The session was given its workspace: the first build reads no settings again.
    session.look(&session.watch_roots());
    rebuild(session, &mut watching, &Change::default(), stop, report);
    let mut events_lost = false;
    let stopped = || stop.load(Ordering::Relaxed);
    while let Some(mut change) =
        watch::next_change(&watching.changes, STOP_TICK, Some(RESCAN), &stopped)
    {
        let roots = session.watch_roots();
        let missed = session.look(&roots);
        if change.is_empty() {
            if !watching.events_alive(&mut change) && !events_lost {
                events_lost = true;
                report(Report::Warning(format!(
                    "file events stopped; changes are still seen within {} s by looking at \
                     the files",
                    RESCAN.as_secs()
                )));
            }
            let rewatched = watching.watcher.set_roots(roots);
            if change.is_empty() && missed.is_empty() && !rewatched {
                report_problems(&mut watching, report);
                continue;
            }
        }
        change.merge(missed);
        rebuild(session, &mut watching, &change, stop, report);
    }
}

fn rebuild(
    session: &mut Session,
    watching: &mut Watching,
    change: &Change,
    stop: &AtomicBool,
    report: &mut dyn FnMut(Report<'_>),
) {
    // Watch a re-created folder before scanning it, so no file written into it is missed.
    watching.watcher.set_roots(session.watch_roots());
    if let Some(outcome) = session.rebuild(change, &mut |pages| report(Report::Pages(pages))) {
        if stop.load(Ordering::Relaxed) {
            return; // stopped by Ctrl-C half-way: nothing to tell
        }
        report(Report::Rebuilt(&outcome, session));
    }
    // postmortem.toml may have moved the folders; files already in a new one sent nothing.
    if watching.watcher.set_roots(session.watch_roots())
        && let Some(outcome) = session.rebuild(&Change::default(), &mut |pages| {
            report(Report::Pages(pages))
        })
    {
        report(Report::Rebuilt(&outcome, session));
    }
    report_problems(watching, report);
}

/// Tells what went wrong with the watches since last time.
fn report_problems(watching: &mut Watching, report: &mut dyn FnMut(Report<'_>)) {
    for problem in watching.watcher.problems.drain(..) {
        report(Report::Warning(problem));
    }
    while let Ok(problem) = watching.errors.try_recv() {
        report(Report::Warning(format!(
            "file events failed ({problem}); changes are still seen within {} s by looking \
             at the files",
            RESCAN.as_secs()
        )));
    }
}
