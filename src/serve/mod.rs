//! Live preview: `postmortem serve` and `postmortem watch`.
//!
//! Writing an incident is where users spend their time with the tool, so every save must
//! show up at once, errors included, without losing the page they look at. The preview is
//! three parts, composed the way mdBook composes them:
//!
//! - [`session`]: a [`Session`] that keeps what was loaded and written, and asks the
//!   pipeline to build once and then to update only what a change affects;
//! - [`watch`]: file events (native or polled), filtered and settled into [`Change`]s;
//! - [`server`]: the site over HTTP with live reload and an error overlay (`serve` only).
//!
//! [`run`] is the loop both commands share: first build, then one rebuild per settled
//! change, until told to stop. The server runs beside it and only reads what it publishes.

mod outcome;
mod search;
pub mod server;
pub mod session;
mod shutdown;
mod sources;
pub mod watch;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

pub use outcome::{Failure, Outcome, Rebuilt};
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
    mode: Mode,
    changes: Receiver<Change>,
    errors: Receiver<String>,
}

impl Watching {
    /// Starts watching what `session` reads. Fails only if the watcher cannot be created
    /// at all (for instance, out of inotify instances); a folder that cannot be watched is
    /// reported once the loop runs.
    pub fn start(session: &Session, mode: Mode) -> notify::Result<Self> {
        let (change_tx, changes) = mpsc::channel();
        let (error_tx, errors) = mpsc::channel();
        let watcher = Watcher::start(session.watch_roots(), mode, change_tx, error_tx)?;
        Ok(Self {
            watcher,
            mode,
            changes,
            errors,
        })
    }
}

/// How often the loop looks at its stop flag while idle.
const STOP_TICK: Duration = Duration::from_millis(100);

/// Builds, then rebuilds after every settled change until `stop` is set (or the watcher
/// dies), handing each outcome to `report`.
pub fn run(
    session: &mut Session,
    mut watching: Watching,
    stop: &AtomicBool,
    report: &mut dyn FnMut(Report<'_>),
) {
    // The session was given its workspace: the first build reads no settings again.
    let first = Change::default();
    rebuild(session, &mut watching, &first, stop, report);
    let idle_rescan = (watching.mode == Mode::Poll).then_some(watch::POLL_RESCAN);
    while let Some(change) = watch::next_change(&watching.changes, STOP_TICK, idle_rescan, &|| {
        stop.load(Ordering::Relaxed)
    }) {
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
    for problem in watching.watcher.problems.drain(..) {
        report(Report::Warning(problem));
    }
    while let Ok(problem) = watching.errors.try_recv() {
        report(Report::Warning(problem));
    }
}
