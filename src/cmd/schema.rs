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

/// Prints the schema to stdout, with the workspace's severities and statuses.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let (workspace, _) = global.workspace()?;
    let vocabularies = &workspace.vocabularies;
    if args.incidents_json {
        writeln!(
            anstream::stdout(),
            "{}",
            postmortem::site::publish::incidents_json_schema(vocabularies)
        )?;
    } else {
        writeln!(
            anstream::stdout(),
            "{}",
            postmortem::model::schema_json(vocabularies)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
