//! One module per subcommand. Each turns its arguments into library calls and prints the
//! outcome; none of them holds logic of its own.
//!
//! Terminal conventions, for every subcommand: output goes through anstream, which keeps or
//! strips colours by `NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE` and whether the stream is a
//! terminal; stdout is written with `writeln!` and `?`, and a reader that stops early
//! (`postmortem export | head`) ends the command quietly (see [`is_broken_pipe`]); lines
//! for people go to stderr through [`say!`], which never panics on a closed stream.

/// Writes one line to stderr, like `eprintln!`, but through anstream (colours kept only
/// where they belong) and without panicking when stderr is closed.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(anstream::stderr(), $($arg)*);
    }};
}

pub mod actions;
pub mod build;
pub mod check;
pub mod completions;
pub mod export;
pub mod import;
pub mod init;
pub mod man;
pub mod new;
pub mod schema;
pub mod serve;
pub mod watch;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use postmortem::cache::{self, Cache};
use postmortem::diagnostic::{Diagnostic, Severity};
use postmortem::load::{self, Loaded};
use postmortem::workspace::{self, Workspace};

/// Options every subcommand takes.
#[derive(clap::Args)]
pub struct Global {
    /// Workspace root (default: nearest folder upward holding postmortem.toml, else the
    /// current folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail, such as how long each stage took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

impl Global {
    /// The workspace these options point at.
    pub fn workspace(&self) -> anyhow::Result<(Workspace, PathBuf)> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let workspace = Workspace::discover(&cwd, self.root.as_deref()).map_err(DiagnosticError)?;
        Ok((workspace, cwd))
    }
}

/// A diagnostic raised as an error (a broken postmortem.toml, say).
#[derive(Debug)]
pub struct DiagnosticError(pub Diagnostic);

impl std::fmt::Display for DiagnosticError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for DiagnosticError {}

/// Shows paths the way the user typed them: relative to where they stand.
pub fn display_from(cwd: &Path) -> impl Fn(&Path) -> PathBuf + Sync + '_ {
    move |path| workspace::display_path(path, cwd)
}

/// `--no-cache` of the commands that read every incident file.
#[derive(clap::Args)]
pub struct ParseArgs {
    /// Parse every file again, without reading or writing the cache of what files parsed to
    /// (`.postmortem/cache/`, or `cache` in postmortem.toml).
    #[arg(long)]
    pub no_cache: bool,
}

/// Every incident file of `workspace`, shown relative to `cwd`: what `check`, `export` and
/// `actions` read. Unchanged files are read back from the memo of parsed files, unless
/// `--no-cache`; this load's parses are kept there for the next command.
pub fn load_incidents(workspace: &Workspace, cwd: &Path, args: &ParseArgs) -> Loaded {
    let cache = (!args.no_cache)
        .then(|| Cache::of_this_build(workspace.cache_dir(), env!("CARGO_PKG_VERSION")));
    let settings = load::Settings::of(workspace);
    let dir = workspace.incidents_dir();
    cache::load_dir(cache.as_ref(), &dir, &settings, &display_from(cwd))
}

/// Prints diagnostics to stderr, errors first, optionally dropping notes and warnings.
pub fn print_diagnostics(diagnostics: &[Diagnostic], quiet: bool) {
    use rayon::prelude::*;
    let stderr = anstream::stderr();
    // A history's notes number in the thousands, and laying them out costs more than
    // loading the files did: they are rendered on every core, in colour only where the
    // stream keeps it, then written in order as one buffered write.
    let color = !matches!(stderr.current_choice(), anstream::ColorChoice::Never);
    let shown: Vec<String> = diagnostics
        .par_iter()
        .filter(|d| !quiet || d.severity == Severity::Error)
        .map(|d| d.render(color))
        .collect();
    let mut out = std::io::BufWriter::new(stderr.lock());
    for text in shown {
        let _ = writeln!(out, "{text}\n");
    }
    let _ = out.flush();
}

/// Prints a fatal error and its causes.
pub fn print_error(error: &anyhow::Error) {
    if let Some(DiagnosticError(diagnostic)) = error.downcast_ref() {
        say!("{}", diagnostic.render(true));
        return;
    }
    let style = anstyle::AnsiColor::Red.on_default().bold();
    say!("{style}error:{style:#} {error}");
    for cause in error.chain().skip(1) {
        say!("  caused by: {cause}");
    }
}

/// Whether `error` is a write to a pipe whose reader has gone (`| head`): the output was
/// wanted only so far, which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
