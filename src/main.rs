//! The `postmortem` command line: parses arguments and hands each subcommand to its module
//! in `cmd/`, which calls the library. Nothing else happens here.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  postmortem init                       set up this folder, with a GitHub Pages workflow
  postmortem new \"Redis CLIENT_CLASS option breaks login\" --severity high --tag redis
  postmortem check                      validate every incident file (for CI)
  postmortem check --format json        the same, as JSON lines for editors and tools
  postmortem build                      write reports/ and site/
  postmortem build --base-url https://acme.github.io/incidents/
  postmortem actions --open --owner sre-team
  postmortem serve --open               preview at http://127.0.0.1:3000/, live reload
  postmortem schema > incident.schema.json";

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => cmd::init::run(args, &cli.global),
        Command::New(args) => cmd::new::run(args, &cli.global),
        Command::Check(args) => cmd::check::run(args, &cli.global),
        Command::Build(args) => cmd::build::run(args, &cli.global),
        Command::Serve(args) => cmd::serve::run(args, &cli.global),
        Command::Watch(args) => cmd::watch::run(args, &cli.global),
        Command::Schema(args) => cmd::schema::run(args, &cli.global),
        Command::Actions(args) => cmd::actions::run(args, &cli.global),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            cmd::print_error(&error);
            ExitCode::FAILURE
        }
    }
}
