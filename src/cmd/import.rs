//! `postmortem import`: Markdown write-ups to incident files, with an accounting of where
//! every line went. The conversion is `postmortem::import`; this module finds the files,
//! writes (or, with `--dry-run`, does not write) and prints.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use postmortem::import::{self, Accounting, Imported, Synonyms};
use postmortem::load::Settings;
use rayon::prelude::*;

use super::Global;

/// Arguments of `postmortem import`.
#[derive(clap::Args)]
pub struct Args {
    /// Markdown files, or folders of them (`.md`, `.markdown`, searched recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Folder to write the incident files to [default: the workspace's incidents folder].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replace incident files that already exist.
    #[arg(long)]
    force: bool,
    /// Output format: `human`, or `json` (one object per file and line).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// What happened to one source file.
#[derive(serde::Serialize)]
struct Outcome {
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    /// `written`, `would-write`, `exists` or `failed`.
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    review: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accounting: Option<Accounting>,
}

pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let (workspace, cwd) = global.workspace()?;
    let synonyms = Synonyms::new(&workspace.config.import.headings)
        .map_err(|e| anyhow::anyhow!("postmortem.toml: {e}"))?;
    let out = match &args.out {
        Some(dir) => cwd.join(dir),
        None => workspace.incidents_dir(),
    };
    let schema = match &workspace.config.base_url {
        Some(base) => format!("{base}schema.json"),
        None => format!("./{}", super::new::SCHEMA_FILE),
    };
    let options = import::Options {
        settings: Settings::of(&workspace),
        synonyms,
        schema,
    };
    let sources = sources(&args.paths, &cwd)?;
    let shown = super::display_from(&cwd);
    type Found = (Imported, Option<PathBuf>);
    let results: Vec<(String, Result<Found, String>)> = sources
        .par_iter()
        .map(|path| {
            let origin = shown(path).display().to_string().replace('\\', "/");
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let result = fs::read(path)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned()))
                .and_then(|text| {
                    let folder = path.parent().unwrap_or(Path::new("."));
                    let exists = |link: &str| folder.join(link).is_file();
                    import::import(&text, &origin, &stem, &exists, &options)
                });
            let result = result.map(|imported| (imported, path.parent().map(Path::to_path_buf)));
            (origin, result)
        })
        .collect();
    if !args.dry_run && results.iter().any(|(_, r)| r.is_ok()) {
        fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
        if workspace.config.base_url.is_none() {
            super::new::write_schema(&out.join(super::new::SCHEMA_FILE), &workspace.vocabularies)?;
        }
    }
    let mut taken = std::collections::HashSet::new();
    let mut outcomes = Vec::new();
    for (source, result) in results {
        outcomes.push(match result {
            Ok((imported, folder)) => {
                let name = unique(&imported.file_name, &mut taken);
                let path = out.join(&name);
                let folder = folder.unwrap_or_default();
                write_one(&args, source, &path, shown(&path), imported, &folder)
            }
            Err(error) => Outcome {
                source,
                file: None,
                result: "failed",
                error: Some(error),
                review: Vec::new(),
                accounting: None,
            },
        });
    }
    print(&args, &outcomes, global.quiet)?;
    let failed = outcomes
        .iter()
        .any(|o| matches!(o.result, "failed" | "exists"));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `name`, or `name-2.yaml`, `name-3.yaml`… when an earlier document of this run took it.
fn unique(name: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let stem = name.trim_end_matches(".yaml");
    let mut candidate = name.to_owned();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{stem}-{n}.yaml");
        n += 1;
    }
    candidate
}

fn write_one(
    args: &Args,
    source: String,
    path: &Path,
    shown: PathBuf,
    imported: Imported,
    folder: &Path,
) -> Outcome {
    let mut outcome = Outcome {
        source,
        file: Some(shown.display().to_string().replace('\\', "/")),
        result: "would-write",
        error: None,
        review: imported.review,
        accounting: Some(imported.accounting),
    };
    if path.exists() && !args.force {
        outcome.result = "exists";
        outcome.error = Some(format!(
            "{} already exists; pass --force to replace it",
            shown.display()
        ));
        return outcome;
    }
    if args.dry_run {
        return outcome;
    }
    // Written beside the target and renamed over it, so a failed write leaves no half file.
    let temporary = path.with_extension("yaml.partial");
    let written =
        fs::write(&temporary, imported.yaml.as_bytes()).and_then(|()| fs::rename(&temporary, path));
    let written = written.and_then(|()| copy_attachments(&imported.attachments, folder, path));
    match written {
        Ok(()) => outcome.result = "written",
        Err(e) => {
            let _ = fs::remove_file(&temporary);
            outcome.result = "failed";
            outcome.error = Some(format!("cannot write {}: {e}", shown.display()));
        }
    }
    outcome
}

/// Copies the images the incident shows into the folder named after it; a file already
/// there with other bytes is left alone (it is the user's).
fn copy_attachments(
    attachments: &[import::Attachment],
    from: &Path,
    incident: &Path,
) -> std::io::Result<()> {
    let Some(own) = incident
        .file_stem()
        .map(|stem| incident.with_file_name(stem))
    else {
        return Ok(());
    };
    for attachment in attachments {
        let target = own.join(&attachment.name);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(from.join(&attachment.link), &target)?;
    }
    Ok(())
}

/// The Markdown files `paths` name, in a stable order.
fn sources(paths: &[PathBuf], cwd: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        let path = cwd.join(path);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&path)
                .into_iter()
                .filter_map(Result::ok)
                .map(walkdir::DirEntry::into_path)
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|x| x == "md" || x == "markdown")
                })
                .collect();
            files.sort();
            found.extend(files);
        } else if path.is_file() {
            found.push(path);
        } else {
            anyhow::bail!("{}: no such file or folder", path.display());
        }
    }
    Ok(found)
}

fn print(args: &Args, outcomes: &[Outcome], quiet: bool) -> anyhow::Result<()> {
    let mut stdout = std::io::BufWriter::new(anstream::stdout().lock());
    for outcome in outcomes {
        if args.format == Format::Json {
            writeln!(stdout, "{}", serde_json::to_string(outcome)?)?;
            continue;
        }
        if let Some(error) = &outcome.error {
            say!("error: {}: {error}", outcome.source);
            continue;
        }
        if quiet {
            continue;
        }
        let verb = if outcome.result == "written" {
            "→"
        } else {
            "→ (dry run)"
        };
        writeln!(
            stdout,
            "{} {verb} {}",
            outcome.source,
            outcome.file.as_deref().unwrap_or("?")
        )?;
        if let Some(a) = &outcome.accounting {
            writeln!(stdout, "{}", describe(a))?;
        }
        if !outcome.review.is_empty() {
            writeln!(stdout, "  needs review: {}", outcome.review.join(", "))?;
        }
    }
    stdout.flush()?;
    Ok(())
}

/// The accounting in a few lines: fields by lines, then free sections, markup, dropped.
fn describe(a: &Accounting) -> String {
    let fields: Vec<String> = a.fields.iter().map(|(f, n)| format!("{f} {n}")).collect();
    let mut text = format!(
        "  {} lines: {}\n  {} kept as free sections, {} headings and rules, {} dropped",
        a.lines,
        fields.join(", "),
        a.sections,
        a.markup,
        a.dropped
    );
    if !a.dropped_lines.is_empty() {
        let lines: Vec<String> = a.dropped_lines.iter().map(ToString::to_string).collect();
        text.push_str(&format!(" (lines {})", lines.join(", ")));
    }
    text
}
