//! `postmortem serve`: build, serve the site, rebuild on every change and reload the
//! browser. The same rebuild loop as `watch`, plus the preview server.
//!
//! The first line on stdout is the address, so scripts and tests can read it:
//! `Serving site at http://127.0.0.1:3000/`. Everything else goes to stderr.

use std::io::Write as _;
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use postmortem::pipeline::BuildOptions;
use postmortem::serve::server::{self, Access, Live, Port};
use postmortem::serve::{self, Report, Session, Shutdown};

use super::watch::{print_report, start_watching};
use super::{Global, display_from};

/// The port tried first when none is given.
const DEFAULT_PORT: u16 = 3000;

/// Arguments of `postmortem serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Port to listen on; 0 picks any free port. Without it, 3000 or the next free one is
    /// used; with it, a busy port is an error.
    #[arg(long, short, value_name = "N")]
    port: Option<u16>,
    /// Address to listen on. The default only accepts connections from this computer;
    /// 0.0.0.0 serves the site to anyone who can reach it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Also answer requests for this host name (repeatable), for a preview shared with
    /// `--bind`; `.lan` allows every name under `lan`. `localhost`, loopback addresses and
    /// the --bind address are always answered; anything else gets 403 (see SECURITY.md).
    #[arg(long = "allowed-host", value_name = "NAME", value_parser = server::parse_allowed_host)]
    allowed_hosts: Vec<String>,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Poll for changes instead of relying on file events (network mounts, containers,
    /// some macOS setups).
    #[arg(long)]
    poll: bool,
    /// Render everything again, without reading or writing the render cache
    /// (`.postmortem/cache/`, or `cache` in postmortem.toml).
    #[arg(long)]
    no_cache: bool,
}

/// Serves until Ctrl-C; exits 0 then.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server")?;
    let shutdown = runtime
        .block_on(async { Shutdown::listen() })
        .context("cannot catch Ctrl-C")?;
    let (workspace, cwd) = global.workspace()?;
    let access = access(&args, &workspace.config.allowed_hosts)?;
    let options = BuildOptions {
        no_cache: args.no_cache,
        ..BuildOptions::default()
    };
    let mut session = Session::new(cwd.clone(), global.root.clone(), workspace, options);
    let watching = start_watching(&session, args.poll)?;
    let port = match args.port {
        Some(port) => Port::Exactly(port),
        None => Port::Preferred(DEFAULT_PORT),
    };
    let bound = server::bind(args.bind, port)?;
    let url = format!("http://{}/", bound.addr);
    let site = display_from(&cwd)(&session.site_dir());
    let mut stdout = anstream::stdout();
    writeln!(stdout, "Serving {} at {url}", site.display())
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    announce(&args, &bound, global.quiet);

    let live = Live::new(session.site_dir());
    let stop = Arc::new(AtomicBool::new(false));
    let cancel = session.cancel_flag();
    let rebuilds = {
        let live = Arc::clone(&live);
        let stop = Arc::clone(&stop);
        let quiet = global.quiet;
        std::thread::spawn(move || {
            serve::run(&mut session, watching, &stop, &mut |report| {
                print_report(&report, quiet, "still serving the last good site");
                publish(&live, &report);
            });
        })
    };
    if args.open {
        open_browser(&url);
    }
    let served = runtime.block_on(server::serve(
        bound,
        Arc::clone(&live),
        access,
        shutdown.wait(),
    ));
    stop.store(true, Ordering::Relaxed);
    cancel.store(true, Ordering::Relaxed);
    let _ = rebuilds.join();
    served.context("the server stopped")?;
    if !global.quiet {
        say!("stopped");
    }
    Ok(ExitCode::SUCCESS)
}

/// The names served: `--allowed-host` and `allowed_hosts`, each checked.
fn access(args: &Args, configured: &[String]) -> anyhow::Result<Access> {
    let mut names = args.allowed_hosts.clone();
    for name in configured {
        let name = server::parse_allowed_host(name)
            .map_err(|e| anyhow::anyhow!("postmortem.toml: allowed_hosts: {e}"))?;
        names.push(name);
    }
    Ok(Access::new(args.bind, names))
}

/// Says who can connect and whether the port moved.
fn announce(args: &Args, bound: &server::Bound, quiet: bool) {
    if let Some(wanted) = bound.moved_from {
        say!(
            "note: port {wanted} is in use; serving on port {} instead",
            bound.addr.port()
        );
    }
    if !args.bind.is_loopback() {
        say!(
            "warning: listening on {}: anyone who can reach this computer can read the site \
             (by address; names need --allowed-host NAME); see SECURITY.md",
            args.bind
        );
    } else if !quiet {
        say!("only this computer can connect (--bind 0.0.0.0 to share); press Ctrl-C to stop");
    }
}

/// Tells open pages what happened: which pages changed, so only those reload.
fn publish(live: &Live, report: &Report<'_>) {
    match report {
        Report::Warning(problem) => live.update(|state| state.watcher = Some(problem.clone())),
        Report::Pages(pages) => live.update(|state| {
            state.build += 1;
            state.changed = pages.to_vec();
            state.everything = false;
        }),
        Report::Rebuilt(outcome, session) => {
            live.set_site(session.site_dir());
            live.update(|state| {
                state.rebuilds = outcome.number;
                state.incidents = session.incident_count();
                state.error = outcome.result.as_ref().err().map(|f| f.text());
                let Ok(rebuilt) = &outcome.result else {
                    return;
                };
                if rebuilt.full.is_some() {
                    state.build += 1;
                    state.changed.clear();
                    state.everything = true;
                } else if !rebuilt.counts.pages.is_empty() {
                    state.build += 1;
                    state.changed = rebuilt.counts.pages.clone();
                    state.everything = false;
                }
            });
        }
    }
}

/// Opens `url` with the desktop's opener, without waiting for it.
fn open_browser(url: &str) {
    let opener: (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(opener.0)
        .args(&opener.1)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        say!(
            "warning: cannot open a browser ({}: {e}); open {url}",
            opener.0
        );
    }
}
