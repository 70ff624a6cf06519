//! `postmortem man`: the manual page (roff), generated from the clap definition like the
//! help, so the two never disagree.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

/// Arguments of `postmortem man`.
#[derive(clap::Args)]
#[command(after_help = "\
Read it with `postmortem man | man -l -`, or install the pages:
  postmortem man --dir ~/.local/share/man/man1")]
pub struct Args {
    /// Write postmortem.1 and one page per subcommand (postmortem-build.1, ...) into this
    /// folder instead of printing postmortem.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints the main page, or writes every page into `--dir`.
pub fn run(args: Args, command: clap::Command) -> anyhow::Result<ExitCode> {
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&page)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
