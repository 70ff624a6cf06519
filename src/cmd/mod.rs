//! One module per subcommand. Each turns its arguments into library calls and prints the
//! outcome; none of them holds logic of its own.

pub mod actions;
pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod schema;
pub mod serve;
pub mod watch;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use postmortem::diagnostic::{Diagnostic, Severity};
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

/// Whether stderr gets colours.
pub fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints diagnostics to stderr, errors first, optionally dropping notes and warnings.
pub fn print_diagnostics(diagnostics: &[Diagnostic], quiet: bool) {
    use std::io::Write as _;
    let color = color();
    // Buffered: a history with thousands of notes is one write, not thousands.
    let mut out = std::io::BufWriter::new(std::io::stderr().lock());
    for diagnostic in diagnostics {
        if quiet && diagnostic.severity != Severity::Error {
            continue;
        }
        let _ = writeln!(out, "{}\n", diagnostic.render(color));
    }
    let _ = out.flush();
}

/// Prints a fatal error and its causes.
pub fn print_error(error: &anyhow::Error) {
    if let Some(DiagnosticError(diagnostic)) = error.downcast_ref() {
        eprintln!("{}", diagnostic.render(color()));
        return;
    }
    let style = if color() {
        anstyle::AnsiColor::Red.on_default().bold()
    } else {
        anstyle::Style::new()
    };
    eprintln!("{style}error:{style:#} {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
