//! `postmortem schema`: the JSON Schemas derived from the model types.

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
    if args.incidents_json {
        println!("{}", postmortem::site::publish::incidents_json_schema());
    } else {
        println!("{}", postmortem::model::schema_json());
    }
    Ok(ExitCode::SUCCESS)
}
