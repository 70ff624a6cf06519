//! `postmortem completions SHELL`: a completion script generated from the clap definition,
//! so it always offers exactly the subcommands and options this binary has.

use std::io::Write as _;
use std::process::ExitCode;

use clap_complete::Shell;

/// Arguments of `postmortem completions`.
#[derive(clap::Args)]
#[command(after_help = "\
Install, for example:
  bash  postmortem completions bash > ~/.local/share/bash-completion/completions/postmortem
  zsh   postmortem completions zsh > ~/.zfunc/_postmortem   (with fpath+=~/.zfunc in .zshrc)
  fish  postmortem completions fish > ~/.config/fish/completions/postmortem.fish
  pwsh  postmortem completions powershell >> $PROFILE
  elvish  postmortem completions elvish >> ~/.config/elvish/rc.elv")]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the script to stdout.
pub fn run(args: Args, mut command: clap::Command) -> anyhow::Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "postmortem", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
