//! `postmortem build`: write the Markdown reports and the static site.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use anyhow::anyhow;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use postmortem::model::text::plural;
use postmortem::pipeline::{self, BuildError, BuildOptions, BuildSummary, Progress};
use postmortem::workspace::normalize_base_url;

use super::{Global, display_from, print_diagnostics};

/// Arguments of `postmortem build`.
#[derive(clap::Args)]
pub struct Args {
    /// Site output folder [default: `output` in postmortem.toml, else `site`].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Reports folder [default: `reports` in postmortem.toml, else `reports`].
    #[arg(long, value_name = "DIR")]
    reports: Option<PathBuf>,
    /// Absolute URL the site will be published at, e.g. https://acme.github.io/incidents/
    #[arg(long, value_name = "URL", value_parser = normalize_base_url)]
    base_url: Option<String>,
    /// Parse and render everything again, without reading or writing the cache
    /// (`.postmortem/cache/`, or `cache` in postmortem.toml).
    #[arg(long)]
    no_cache: bool,
}

/// Builds; exit code 1 if anything stopped the build (and then nothing was written).
pub fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let (workspace, cwd) = global.workspace()?;
    let display = display_from(&cwd);
    // Ctrl-C or SIGTERM: remove this build's staging folders (after a swap under way ends),
    // then exit; the old or the new site stays in place either way.
    let _ = ctrlc::set_handler(|| {
        postmortem::site::write::remove_own_staging();
        std::process::exit(130);
    });
    let options = BuildOptions {
        out: args.out.map(|p| cwd.join(p)),
        reports: args.reports.map(|p| cwd.join(p)),
        base_url: args.base_url,
        no_cache: args.no_cache,
        ..BuildOptions::default()
    };
    // A progress bar only on a terminal, and only once a build has enough pages to wait
    // for; indicatif draws nothing when stderr is a pipe or CI log.
    let bar: OnceLock<ProgressBar> = OnceLock::new();
    let progress = |event: Progress| match event {
        Progress::Start(total) if total >= 200 && !global.quiet => {
            let b = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} incidents {wide_bar} {eta}",
            ) {
                b.set_style(style);
            }
            let _ = bar.set(b);
        }
        Progress::Page => {
            if let Some(b) = bar.get() {
                b.inc(1);
            }
        }
        Progress::Start(_) => {}
        Progress::Waiting(holder) => say!("{holder}"),
    };
    let result = pipeline::build(&workspace, &options, &display, &progress);
    if let Some(b) = bar.get() {
        b.finish_and_clear(); // whatever the outcome
    }
    match result {
        Ok(summary) => {
            print_summary(&summary, global, &display);
            Ok(ExitCode::SUCCESS)
        }
        // The interrupt's handler exits with 130 once it removed the staging folders; a
        // write that failed because they went first must not exit with 1 before it.
        Err(_) if postmortem::site::write::interrupted() => Ok(ExitCode::from(130)),
        Err(BuildError::Invalid(diagnostics)) => {
            print_diagnostics(&diagnostics, global.quiet);
            Err(anyhow!(
                "{}; nothing was written",
                BuildError::Invalid(diagnostics)
            ))
        }
        Err(error @ BuildError::Write(_)) => Err(anyhow!(error)),
        Err(error) => Err(anyhow!("{error}\nnothing was written")),
    }
}

/// What this build repaired of an earlier, interrupted one.
fn print_repairs(summary: &BuildSummary) {
    for repair in pipeline::repairs(summary.leftovers, summary.mismatch.as_ref()) {
        say!("warning: {repair}");
    }
}

/// Prints the warnings of a build and what it wrote.
fn print_summary(summary: &BuildSummary, global: &Global, display: &dyn Fn(&Path) -> PathBuf) {
    print_diagnostics(&summary.diagnostics, global.quiet);
    print_repairs(summary);
    if global.verbose {
        let phases: Vec<String> = summary
            .phases
            .iter()
            .map(|(name, time)| format!("{name} {:.2}s", time.as_secs_f64()))
            .collect();
        say!("stages: {}", phases.join(", "));
        let search = &summary.search;
        if !search.from_cache {
            say!(
                "search index: {} records, {} files, {:.1} MB; indexer busy {:.2}s, \
                 mostly alongside rendering, which then waited {:.2}s for it",
                search.records,
                search.files,
                search.bytes as f64 / 1e6,
                search.busy.as_secs_f64(),
                search.waited.as_secs_f64()
            );
        } else {
            say!(
                "search index: {} files, {:.1} MB, from the render cache (no record changed)",
                search.files,
                search.bytes as f64 / 1e6,
            );
        }
        if let Some(cache) = &summary.cache {
            say!(
                "render cache: {} reused, {} rendered, {} entries written{}{}",
                cache.hits,
                cache.misses,
                cache.written,
                if cache.pruned > 0 {
                    format!(", {} old ones removed", cache.pruned)
                } else {
                    String::new()
                },
                if cache.bytes > 0 {
                    format!(", {:.1} MB on disk", cache.bytes as f64 / 1e6)
                } else {
                    String::new()
                },
            );
        }
    }
    if let Some(cache) = summary.cache.as_ref().filter(|c| c.failed > 0) {
        say!(
            "warning: {} render cache entr{} could not be written to {}; the site is complete, \
             but the next build renders {} again",
            cache.failed,
            if cache.failed == 1 { "y" } else { "ies" },
            display(&summary.cache_dir).display(),
            if cache.failed == 1 { "it" } else { "them" },
        );
    }
    if !global.quiet {
        let r = &summary.reports;
        say!(
            "built {} incident{} in {:.2}s: {} pages in {}{}, {} reports in {} ({} written, {} unchanged{})",
            summary.incidents,
            plural(summary.incidents),
            summary.elapsed.as_secs_f64(),
            summary.pages,
            display(&summary.outputs.site).display(),
            in_place(summary.in_place),
            r.written + r.unchanged,
            display(&summary.outputs.reports).display(),
            r.written,
            r.unchanged,
            if r.removed > 0 {
                format!(", {} removed", r.removed)
            } else {
                String::new()
            },
        );
    }
}

/// How the site was written, if it was updated in place rather than replaced.
fn in_place(changed: Option<usize>) -> String {
    match changed {
        Some(0) => " (up to date)".into(),
        Some(n) => format!(" (updated in place: {n} file{} changed)", plural(n)),
        None => String::new(),
    }
}
