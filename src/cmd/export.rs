//! `postmortem export`: incidents or action items as flat rows, CSV or JSON, for
//! spreadsheets and BI tools.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use jiff::civil::Date;
use postmortem::diagnostic::Severity;
use postmortem::knowledge::export;
use postmortem::model::text::plural;
use postmortem::site::Page;
use serde::Serialize;

use super::{Global, ParseArgs, load_incidents, print_diagnostics};

/// Arguments of `postmortem export`.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  postmortem export > incidents.csv
  postmortem export --what actions > actions.csv
  postmortem export --format json | jq '.[] | select(.severity == \"critical\")'")]
pub struct Args {
    /// Row format: `csv` (a header line, then one line per row) or `json` (an array of
    /// objects with the same columns).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// What a row is: an incident, or an action item (prevention or follow-up).
    #[arg(long, value_enum, default_value_t = What::Incidents)]
    what: What,
    /// The day action items are overdue against [default: today, or SOURCE_DATE_EPOCH].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    today: Option<Date>,
    #[command(flatten)]
    parse: ParseArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum What {
    Incidents,
    Actions,
}

fn parse_day(text: &str) -> Result<Date, String> {
    postmortem::model::Day::parse(text).map(|day| day.0)
}

/// Writes the rows to stdout; fails if an incident file has errors.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let (workspace, cwd) = global.workspace()?;
    let mut loaded = load_incidents(&workspace, &cwd, &args.parse);
    let errors: Vec<_> = std::mem::take(&mut loaded.diagnostics)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        print_diagnostics(&errors, true);
        bail!(
            "{} error{} in incident files; fix them first (`postmortem check`)",
            errors.len(),
            plural(errors.len())
        );
    }
    // Newest first, as the site lists them.
    postmortem::knowledge::sort_newest_first(&mut loaded.incidents);
    let today = args.today.unwrap_or_else(postmortem::workspace::today);
    let path = |slug: &str| Page::Incident(slug.to_owned()).url_path();
    let rows = match args.what {
        What::Incidents => write(
            args.format,
            &export::incident_rows(&loaded.incidents, today, &path),
        )?,
        What::Actions => write(
            args.format,
            &export::action_rows(&loaded.incidents, today, &path),
        )?,
    };
    if !global.quiet {
        let what = match args.what {
            What::Incidents => "incident",
            What::Actions => "action item",
        };
        say!("exported {rows} {what}{}", plural(rows));
    }
    Ok(ExitCode::SUCCESS)
}

/// A CSV error with its I/O error (a closed pipe, say) as the error itself, which csv's
/// own error does not offer as a source.
fn csv_error(error: csv::Error) -> anyhow::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => anyhow::anyhow!("cannot write CSV: {other:?}"),
    }
}

/// Writes `rows` to stdout; returns how many.
fn write<T: Serialize>(format: Format, rows: &[T]) -> anyhow::Result<usize> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, rows).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Csv => {
            // RFC 4180 ends records with CRLF; line breaks inside a quoted value stay as written.
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut out);
            for row in rows {
                csv.serialize(row).map_err(csv_error)?;
            }
            csv.flush()?;
        }
    }
    out.flush()?;
    Ok(rows.len())
}
