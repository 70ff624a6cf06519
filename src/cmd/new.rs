//! `postmortem new`: start an incident file from a commented skeleton.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use postmortem::model::{self, Day, Vocabularies, Vocabulary};
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
    /// How bad it is: one of the workspace's severities [default: the second, e.g. high].
    #[arg(long)]
    severity: Option<String>,
    /// Where it stands: one of the workspace's statuses [default: the first, e.g.
    /// investigating].
    #[arg(long)]
    status: Option<String>,
    /// A tag; repeat for more.
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// An affected service; repeat for more.
    #[arg(long = "service", value_name = "SERVICE")]
    services: Vec<String>,
}

/// The level `given` names, or `default`; a usage error (exit code 2) naming the valid
/// values when it names none.
fn level(given: Option<&str>, vocabulary: &Vocabulary, default: usize) -> String {
    let Some(given) = given else {
        let rank = default.min(vocabulary.levels.len() - 1);
        return vocabulary.levels[rank].name.clone();
    };
    match vocabulary.resolve(given) {
        Some(rank) => vocabulary.levels[rank].name.clone(),
        None => {
            use clap::CommandFactory as _;
            let names = vocabulary.names().join(", ");
            let hint = postmortem::load::suggestion(given, &vocabulary.accepted())
                .map(|best| format!(" (did you mean `{best}`?)"))
                .unwrap_or_default();
            crate::Cli::command()
                .error(
                    clap::error::ErrorKind::InvalidValue,
                    format!(
                        "invalid value `{given}` for --{}{hint}; the workspace's values: {names}",
                        vocabulary.field
                    ),
                )
                .exit()
        }
    }
}

/// Name of the schema file `new` keeps beside the incident files for editors.
pub const SCHEMA_FILE: &str = ".schema.json";

/// Writes `incidents/<date>-<slug>.yaml`; refuses to overwrite.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let (workspace, cwd) = global.workspace()?;
    if args.title.trim().is_empty() {
        bail!("the title must not be empty");
    }
    let date = args.date.unwrap_or_else(|| Day(jiff::Zoned::now().date()));
    let vocabularies = &workspace.vocabularies;
    let severity = level(args.severity.as_deref(), &vocabularies.severity, 1);
    let status = level(args.status.as_deref(), &vocabularies.status, 0);
    let dir = workspace.incidents_dir();
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{date}-{}.yaml", slugify(&args.title)));

    let schema_ref = match &workspace.config.base_url {
        Some(base) => format!("{base}schema.json"),
        None => {
            write_schema(&dir.join(SCHEMA_FILE), vocabularies)?;
            format!("./{SCHEMA_FILE}")
        }
    };
    let text = skeleton(&args, date, &schema_ref, vocabularies, [&severity, &status]);
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
    writeln!(anstream::stdout(), "{}", shown.display())?;
    if !global.quiet {
        say!(
            "created {}: fill it in, then run `postmortem check` or `postmortem serve`",
            shown.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Keeps the editor schema next to the incidents current (it is generated, never edited).
pub fn write_schema(path: &Path, vocabularies: &Vocabularies) -> anyhow::Result<()> {
    let schema = model::schema_json(vocabularies) + "\n";
    if fs::read_to_string(path).is_ok_and(|old| old == schema) {
        return Ok(());
    }
    fs::write(path, schema).with_context(|| format!("cannot write {}", path.display()))
}

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// A name as a YAML scalar: quoted when YAML would read it as something else (`P1` is a
/// string, but `1`, `yes` or `null` are not).
fn quoted_if_needed(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_alphanumeric() || "-_ ".contains(c))
        && name.starts_with(|c: char| c.is_alphabetic())
        && !matches!(
            name.to_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off" | "y" | "n"
        );
    if plain { name.to_owned() } else { quoted(name) }
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

/// The file `new` writes, with `{{placeholders}}`.
const SKELETON: &str = include_str!("new/skeleton.yaml");

fn skeleton(
    args: &Args,
    date: Day,
    schema: &str,
    vocabularies: &Vocabularies,
    [severity, status]: [&str; 2],
) -> String {
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
    let date = date.to_string();
    let severities = vocabularies.severity.names().join(" | ");
    let statuses = vocabularies.status.names().join(" | ");
    let values = [
        ("schema", schema),
        ("title", &quoted(args.title.trim())),
        ("date", &date),
        ("status", &quoted_if_needed(status)),
        ("severity", &quoted_if_needed(severity)),
        ("statuses", &statuses),
        ("severities", &severities),
        ("tags", &tags),
        ("services", &services),
    ];
    fill(SKELETON, &values)
}

/// `template` with each `{{name}}` replaced by its value, in one pass, so a value that
/// itself holds `{{…}}` (a title can) is never filled in again.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn placeholders_are_filled_once() {
        let values = [("title", "\"{{date}}\""), ("date", "2025-07-12")];
        assert_eq!(
            fill("title: {{title}}\ndate: {{date}} {{other}}", &values),
            "title: \"{{date}}\"\ndate: 2025-07-12 {{other}}"
        );
    }
}
