//! `postmortem schema`: the JSON Schema of incident files, from the model types.

use std::process::ExitCode;

use super::Global;

/// Arguments of `postmortem schema`.
#[derive(clap::Args)]
pub struct Args {}

/// Prints the schema to stdout.
pub fn run(_: Args, _: &Global) -> anyhow::Result<ExitCode> {
    println!("{}", postmortem::model::schema_json());
    Ok(ExitCode::SUCCESS)
}
