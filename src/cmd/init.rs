//! `postmortem init`: a workspace ready to publish, in one command.
//!
//! It writes a commented `postmortem.toml`, an example incident, a `.gitignore` for the
//! generated site and a CI workflow that checks incidents on pull requests and publishes
//! the site from the main branch. It never overwrites: if any of its files exists, it
//! writes none and says which.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::Global;

/// Arguments of `postmortem init`.
#[derive(clap::Args)]
pub struct Args {
    /// Folder to set up [default: `--root`, else the current folder].
    dir: Option<PathBuf>,
    /// Which CI to write a publishing workflow for.
    #[arg(long, value_enum, default_value_t = Ci::Github)]
    ci: Ci,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Ci {
    /// GitHub Actions, publishing to GitHub Pages.
    Github,
    /// GitLab CI, publishing to GitLab Pages.
    Gitlab,
    /// No CI file.
    None,
}

/// Creates the workspace files; exit code 1 (and nothing written) if any exists.
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    // `init DIR` and `init --root DIR` name the same thing: the workspace root to create.
    let root = match (&args.dir, &global.root) {
        (Some(dir), Some(root)) if cwd.join(dir) != cwd.join(root) => bail!(
            "init got two folders, {} and --root {}; give one",
            dir.display(),
            root.display()
        ),
        (Some(dir), _) | (None, Some(dir)) => cwd.join(dir),
        (None, None) => cwd.clone(),
    };
    let files = files(&root, args.ci);

    let existing: Vec<&str> = files
        .iter()
        .filter(|(path, _)| root.join(path).exists())
        .map(|(path, _)| *path)
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} already exist{} in {}; nothing was written (move {} aside, or run init in another folder)",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" },
            root.display(),
            if existing.len() == 1 { "it" } else { "them" },
        );
    }
    for (path, content) in &files {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, content).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !global.quiet {
        say!("created in {}:", root.display());
        for (path, _) in &files {
            say!("  {path}");
        }
        say!(
            "next: `postmortem check`, then `postmortem build` (or `postmortem serve` to preview)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Every file `init` writes, relative to the workspace root.
fn files(root: &Path, ci: Ci) -> Vec<(&'static str, String)> {
    let title = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|name| !name.is_empty())
        .map(|name| format!("{name} incidents"))
        .unwrap_or_else(|| "Incidents".into());
    // A date in the past month keeps the example realistic; it is fixed at init time.
    let date = jiff::Zoned::now()
        .date()
        .saturating_sub(jiff::Span::new().days(7))
        .to_string();
    // GitLab Pages publishes `public/`: the setting says so, so local builds and the CI
    // job write the same folder, and the ignore file names it.
    let mut settings =
        include_str!("init/postmortem.toml").replace("{title}", &title.replace('"', "'"));
    let output = if ci == Ci::Gitlab {
        settings = settings.replace(
            "# output = \"site\"           # generated site (do not commit)",
            "output = \"public\"           # generated site, published by GitLab Pages (do not commit)",
        );
        "public"
    } else {
        "site"
    };
    let mut files = vec![
        ("postmortem.toml", settings),
        (
            ".gitignore",
            include_str!("init/gitignore")
                .replace("/site/", &format!("/{output}/"))
                .replace("/.site.*", &format!("/.{output}.*")),
        ),
        (
            "incidents/example-expired-tls-certificate.yaml",
            include_str!("init/example.yaml").replace("{date}", &date),
        ),
        (
            "incidents/.schema.json",
            postmortem::model::schema_json(&Default::default()) + "\n",
        ),
    ];
    match ci {
        Ci::Github => files.push((
            ".github/workflows/postmortem.yml",
            ci_file(include_str!("init/github-workflow.yml"), output),
        )),
        Ci::Gitlab => files.push((
            ".gitlab-ci.yml",
            ci_file(include_str!("init/gitlab-ci.yml"), output),
        )),
        Ci::None => {}
    }
    files
}

/// A CI file from its template: this version of postmortem pinned, the site folder, and
/// the install script (a prebuilt binary, else `cargo install`) at the indentation of its
/// placeholder.
fn ci_file(template: &str, output: &str) -> String {
    let install =
        include_str!("init/install.sh").replace("{repository}", env!("CARGO_PKG_REPOSITORY"));
    let mut text = String::with_capacity(template.len() + 2 * install.len());
    for line in template.lines() {
        match line.trim_start().strip_prefix("{install}") {
            Some("") => {
                let indent = &line[..line.len() - line.trim_start().len()];
                for script_line in install.lines() {
                    if script_line.is_empty() {
                        text.push('\n');
                    } else {
                        text.push_str(indent);
                        text.push_str(script_line);
                        text.push('\n');
                    }
                }
            }
            _ => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    text.replace("{version}", env!("CARGO_PKG_VERSION"))
        .replace("{output}", output)
}
