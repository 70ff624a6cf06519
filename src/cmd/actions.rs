//! `postmortem actions`: every prevention item and follow-up across incidents, with status,
//! owner and due date, overdue ones marked.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use jiff::civil::Date;
use postmortem::diagnostic::Severity;
use postmortem::knowledge::actions::{self, ActionCounts, ActionEntry, Filter};
use postmortem::model::text::{plain_text, plural};
use postmortem::site::Page;
use serde::Serialize;

use super::{Global, ParseArgs, load_incidents, print_diagnostics};

/// Arguments of `postmortem actions`.
#[derive(clap::Args)]
pub struct Args {
    /// Only items still to do (open or in progress).
    #[arg(long)]
    open: bool,
    /// Only items of this owner (case-insensitive), e.g. `sre-team`.
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
    /// Output format: `human` (one line per item) or `json` (one document for tools).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The day items are overdue against [default: today, or SOURCE_DATE_EPOCH when set].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    today: Option<Date>,
    #[command(flatten)]
    parse: ParseArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

fn parse_day(text: &str) -> Result<Date, String> {
    postmortem::model::Day::parse(text).map(|day| day.0)
}

/// What `--format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    /// The day overdue items are measured against.
    today: Date,
    /// Counts of the items listed.
    counts: ActionCounts,
    /// The items, open ones first, earliest due first.
    actions: Vec<Item<'a>>,
}

/// One item, with where its incident's page is.
#[derive(Serialize)]
struct Item<'a> {
    #[serde(flatten)]
    entry: &'a ActionEntry,
    /// The incident's page, relative to the site root.
    incident_path: String,
}

/// Lists the action items; fails if an incident file has errors.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let (workspace, cwd) = global.workspace()?;
    let loaded = load_incidents(&workspace, &cwd, &args.parse);
    if loaded.error_count() > 0 {
        let errors: Vec<_> = loaded
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        print_diagnostics(&errors, true);
        bail!(
            "{} error{} in incident files; fix them first",
            errors.len(),
            plural(errors.len())
        );
    }
    let today = args.today.unwrap_or_else(postmortem::workspace::today);
    let entries = actions::collect(&loaded.incidents, today);
    let filter = Filter {
        open_only: args.open,
        owner: args.owner,
    };
    let shown: Vec<&ActionEntry> = entries.iter().filter(|e| filter.matches(e)).collect();
    let counts = ActionCounts::of(shown.iter().copied());

    match args.format {
        Format::Json => {
            let items = shown.iter().map(|&entry| Item {
                entry,
                incident_path: Page::Incident(entry.incident.clone()).url_path(),
            });
            let report = Report {
                today,
                counts,
                actions: items.collect(),
            };
            writeln!(
                anstream::stdout(),
                "{}",
                serde_json::to_string_pretty(&report)?
            )?;
        }
        Format::Human => {
            print_lines(&shown)?;
            if !global.quiet {
                let of_all = if shown.len() < entries.len() {
                    format!(" (of {})", entries.len())
                } else {
                    String::new()
                };
                say!(
                    "{} action item{}{of_all}: {} open, {} overdue as of {today}",
                    counts.total,
                    plural(counts.total),
                    counts.open,
                    counts.overdue
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per item: overdue mark, due date, status, owner, action, incident.
fn print_lines(entries: &[&ActionEntry]) -> std::io::Result<()> {
    let red = anstyle::AnsiColor::Red.on_default().bold();
    let owner_width = entries
        .iter()
        .map(|e| e.owner.as_deref().unwrap_or("-").chars().count())
        .max()
        .unwrap_or(0);
    let mut out = std::io::BufWriter::new(anstream::stdout().lock());
    for entry in entries {
        let mark = if entry.overdue { "overdue" } else { "" };
        let due = entry.due.map_or("-".to_owned(), |d| d.to_string());
        let status = entry.status.as_str();
        let owner = entry.owner.as_deref().unwrap_or("-");
        let action = plain_text(&entry.action).replace('\n', " ");
        writeln!(
            out,
            "{red}{mark:<7}{red:#}  {due:<10}  {status:<11}  {owner:<owner_width$}  {action}  ({})",
            entry.incident
        )?;
    }
    out.flush()
}
