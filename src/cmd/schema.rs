//! `postmortem schema`: the JSON Schemas derived from the model types.

use std::io::Write as _;
use std::process::ExitCode;

use super::Global;

/// Arguments of `postmortem schema`.
#[derive(clap::Args)]
pub struct Args {
    /// Print the schema of the site's `incidents.json` instead of the incident file format.
    #[arg(long)]
    incidents_json: bool,
}

/// Prints the schema to stdout.
pub fn run(args: Args, _: &Global) -> anyhow::Result<ExitCode> {
    let schema = if args.incidents_json {
        postmortem::site::publish::incidents_json_schema()
    } else {
        postmortem::model::schema_json()
    };
    writeln!(anstream::stdout(), "{schema}")?;
    Ok(ExitCode::SUCCESS)
}
