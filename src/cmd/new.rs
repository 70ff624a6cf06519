//! `postmortem new`: start an incident file from a commented skeleton.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use postmortem::model::{self, Day, Severity, Status};
use postmortem::workspace::slugify;

use super::Global;

/// Arguments of `postmortem new`.
#[derive(clap::Args)]
pub struct Args {
    /// What broke, in one line.
    title: String,
    /// Date the incident started, YYYY-MM-DD [default: today].
    #[arg(long, value_parser = |s: &str| Day::parse(s))]
    date: Option<Day>,
    /// How bad it is.
    #[arg(long, default_value = "high", value_parser = severity_names())]
    severity: String,
    /// Where it stands.
    #[arg(long, default_value = "investigating", value_parser = status_names())]
    status: String,
    /// A tag; repeat for more.
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// An affected service; repeat for more.
    #[arg(long = "service", value_name = "SERVICE")]
    services: Vec<String>,
}

fn severity_names() -> clap::builder::PossibleValuesParser {
    Severity::ALL.map(Severity::as_str).into()
}

fn status_names() -> clap::builder::PossibleValuesParser {
    Status::ALL.map(Status::as_str).into()
}

/// Name of the schema file `new` keeps beside the incident files for editors.
const SCHEMA_FILE: &str = ".schema.json";

/// Writes `incidents/<date>-<slug>.yaml`; refuses to overwrite.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let (workspace, cwd) = global.workspace()?;
    if args.title.trim().is_empty() {
        bail!("the title must not be empty");
    }
    let date = args.date.unwrap_or_else(|| Day(jiff::Zoned::now().date()));
    let dir = workspace.incidents_dir();
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{date}-{}.yaml", slugify(&args.title)));

    let schema_ref = match &workspace.config.base_url {
        Some(base) => format!("{base}schema.json"),
        None => {
            write_schema(&dir.join(SCHEMA_FILE))?;
            format!("./{SCHEMA_FILE}")
        }
    };
    let text = skeleton(&args, date, &schema_ref);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "{} already exists; choose another title or edit that file",
                path.strip_prefix(&cwd).unwrap_or(&path).display()
            ),
            _ => anyhow::anyhow!("cannot create {}: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let shown = path.strip_prefix(&cwd).unwrap_or(&path);
    if global.quiet {
        println!("{}", shown.display());
    } else {
        println!("{}", shown.display());
        eprintln!(
            "created {}: fill it in, then run `postmortem check` or `postmortem serve`",
            shown.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Keeps the editor schema next to the incidents current (it is generated, never edited).
fn write_schema(path: &Path) -> anyhow::Result<()> {
    let schema = model::schema_json() + "\n";
    if fs::read_to_string(path).is_ok_and(|old| old == schema) {
        return Ok(());
    }
    fs::write(path, schema).with_context(|| format!("cannot write {}", path.display()))
}

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|i| quoted(i))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn skeleton(args: &Args, date: Day, schema: &str) -> String {
    let tags = if args.tags.is_empty() {
        "# tags: [redis, config]".to_owned()
    } else {
        format!("tags: {}", list(&args.tags))
    };
    let services = if args.services.is_empty() {
        "# services: [authentication]".to_owned()
    } else {
        format!("services: {}", list(&args.services))
    };
    format!(
        r#"# yaml-language-server: $schema={schema}
# An incident file for postmortem. `postmortem check` validates it, `postmortem serve`
# previews it, `postmortem schema` lists every field. Prose fields accept Markdown.
# Uncomment the sections you need; delete the ones you do not.

title: {title}
# When it started: a date, or an RFC 3339 date-time such as {date}T09:30:00+02:00.
date: {date}
# investigating | identified | mitigated | resolved
status: {status}
# status_note: Tests pending
# critical | high | medium | low
severity: {severity}
# id: INC-1234                 # an id from your ticket system, unique across incidents
# authors: [Your Name]
{tags}
{services}

# Two or three sentences for someone who reads nothing else.
summary: >-
  What happened, who was affected, and how it was fixed.

# The error as users and logs saw it.
error:
  type: Error                   # error class or code, e.g. TypeError, HTTP 500
  message: The error message, verbatim
  # stack_trace: |
  #   Traceback (most recent call last):
  #     ...
  # stack_trace_language: python
  # logs: |
  #   ERROR "POST /api/login HTTP/1.1" 500

# impact:
#   summary: Login was broken for all users.
#   users: all users
#   duration: 45 minutes

# detection: An alert on the login error rate fired.

# timeline:                     # `kind` gives the page its time to detect, mitigate, resolve
#   - time: "09:00"
#     event: Release 1.2.3 deployed
#     kind: started             # started | detected | mitigated | resolved | other
#   - time: "09:12"
#     event: Error-rate alert fired
#     kind: detected

root_cause:
  summary: Not known yet.
  # details: |
  #   The investigation, in depth.
  # contributing_factors:
  #   - Settings duplicated in three files
  # trigger: Dependency upgrade

# environment:
#   name: production
#   versions:
#     - {{ name: redis-py, version: "5.0.1" }}

# changes:                      # before/after code; shown side by side and as a diff
#   - file: app/settings.py
#     description: Removed the unsupported option.
#     before: |
#       ...
#     after: |
#       ...

# resolution:
#   summary: Removed the option and redeployed.
#   steps:
#     - description: Restart the service
#       command: systemctl restart app

# verification:
#   tests:
#     - name: Cache round trip
#       status: passed          # passed | failed | skipped | pending
#       command: python manage.py shell -c "..."
#       expected: test_value
#   suites:
#     - {{ name: Unit tests, passed: 120, failed: 0, skipped: 2 }}

# metrics:
#   - {{ name: Error rate, before: "12%", after: "0%" }}

# prevention:
#   - action: Alert on cache configuration errors
#     kind: detect              # detect | mitigate | prevent | process
#     owner: platform-team
#     priority: high            # high | medium | low
#     due: {date}
#     status: open              # open | in-progress | done | wont-do

# lessons:
#   went_well: [...]
#   went_wrong: [...]
#   lucky: [...]

# rollback:
#   steps:
#     - description: Revert the settings change
#       command: git revert <sha>

# known_issues: [{{ title: ..., status: ..., solution: ... }}]
# follow_ups: [{{ action: Write the missing tests, status: open }}]
# links: [{{ title: Fix pull request, url: "https://..." }}]
# related: [other-incident-file-name]
# sections: [{{ title: Anything else, body: "Markdown" }}]
"#,
        title = quoted(args.title.trim()),
        status = args.status,
        severity = args.severity,
    )
}
