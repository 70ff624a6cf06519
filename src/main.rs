//! The `postmortem` command line: parses arguments and hands each subcommand to its module
//! in `cmd/`, which calls the library. Nothing else happens here.

mod cmd;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Pagefind's index build makes millions of small allocations from several threads, and
/// glibc's per-thread arenas keep much of what is freed: at 10,000 incidents the build's
/// peak is about 300 MB lower with mimalloc (see the README's memory profile).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  postmortem init                       set up this folder, with a GitHub Pages workflow
  postmortem new \"Redis CLIENT_CLASS option breaks login\" --severity high --tag redis
  postmortem import docs/postmortems    bring existing Markdown postmortems in
  postmortem check                      validate every incident file (for CI)
  postmortem check --format json        the same, as JSON lines for editors and tools
  postmortem build                      write reports/ and site/
  postmortem build --base-url https://acme.github.io/incidents/
  postmortem actions --open --owner sre-team
  postmortem serve --open               preview at http://127.0.0.1:3000/, live reload
  postmortem schema > incident.schema.json
  postmortem export --format csv > incidents.csv
  postmortem completions bash > ~/.local/share/bash-completion/completions/postmortem";

/// Turn structured incident files (YAML) into Markdown reports and a searchable static site.
#[derive(Parser)]
#[command(name = "postmortem", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: cmd::Global,
}

#[derive(Subcommand)]
enum Command {
    /// Set up a workspace: settings, an example incident and a CI workflow that publishes.
    Init(cmd::init::Args),
    /// Write a new incident file from a commented skeleton.
    New(cmd::new::Args),
    /// Validate every incident file; exits 1 if any has an error.
    Check(cmd::check::Args),
    /// Turn Markdown postmortems into incident files, accounting for every line.
    Import(cmd::import::Args),
    /// Build the Markdown reports and the static site.
    Build(cmd::build::Args),
    /// Build, serve the site on 127.0.0.1, rebuild on every change and reload the browser.
    Serve(cmd::serve::Args),
    /// Build, then rebuild on every change (without a server).
    Watch(cmd::watch::Args),
    /// Print the JSON Schema of incident files.
    Schema(cmd::schema::Args),
    /// List the action items of every incident, overdue ones marked.
    Actions(cmd::actions::Args),
    /// Export incidents or action items as CSV or JSON rows, for spreadsheets and BI tools.
    Export(cmd::export::Args),
    /// Print a shell completion script.
    Completions(cmd::completions::Args),
    /// Print the man page, or write one per subcommand into a folder.
    Man(cmd::man::Args),
}

/// The global options each subcommand does nothing with. They stay accepted (scripts pass
/// `--quiet` everywhere), but that subcommand's help, man page and completions do not list
/// them, so every option a subcommand lists works there.
const UNUSED_GLOBALS: &[(&str, &[&str])] = &[
    ("init", &["verbose"]),
    ("new", &["verbose"]),
    ("check", &["verbose"]),
    ("import", &["verbose"]),
    ("serve", &["verbose"]),
    ("watch", &["verbose"]),
    ("actions", &["verbose"]),
    ("export", &["verbose"]),
    ("schema", &["root", "quiet", "verbose"]),
    ("completions", &["root", "quiet", "verbose"]),
    ("man", &["root", "quiet", "verbose"]),
];

/// The command line as clap sees it: the derived definition, less the global options a
/// subcommand does not use. Parsing, completions and man pages all start from it.
fn command() -> clap::Command {
    let mut command = Cli::command();
    let globals: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .cloned()
        .collect();
    for (name, unused) in UNUSED_GLOBALS {
        command = command.mut_subcommand(name, |mut sub| {
            // A subcommand's own argument of the same id stops clap propagating the global
            // one; the value still reaches `Cli::global`.
            for arg in globals
                .iter()
                .filter(|a| unused.contains(&a.get_id().as_str()))
            {
                sub = sub.arg(arg.clone().global(false).hide(true));
            }
            sub
        });
    }
    command
}

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let result = match cli.command {
        Command::Init(args) => cmd::init::run(args, &cli.global),
        Command::New(args) => cmd::new::run(args, &cli.global),
        Command::Check(args) => cmd::check::run(args, &cli.global),
        Command::Import(args) => cmd::import::run(args, &cli.global),
        Command::Build(args) => cmd::build::run(args, &cli.global),
        Command::Serve(args) => cmd::serve::run(args, &cli.global),
        Command::Watch(args) => cmd::watch::run(args, &cli.global),
        Command::Schema(args) => cmd::schema::run(args, &cli.global),
        Command::Actions(args) => cmd::actions::run(args, &cli.global),
        Command::Export(args) => cmd::export::run(args, &cli.global),
        Command::Completions(args) => cmd::completions::run(args, command()),
        Command::Man(args) => cmd::man::run(args, command()),
    };
    match result {
        Ok(code) => code,
        // A reader that stopped early (`| head`) is not an error.
        Err(error) if cmd::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            cmd::print_error(&error);
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn unused_globals_name_real_subcommands_and_options() {
        let command = command();
        for (name, unused) in UNUSED_GLOBALS {
            let sub = command
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("no subcommand {name}"));
            for id in *unused {
                let arg = sub
                    .get_arguments()
                    .find(|a| a.get_id() == id)
                    .unwrap_or_else(|| panic!("{name} has no {id}"));
                assert!(arg.is_hide_set(), "{name} --{id} should be hidden");
            }
        }
    }
}
