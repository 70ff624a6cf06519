//! Markdown reports: golden files for a fixture that uses every section, and the reports
//! committed in this repository must match what the current build produces.
//!
//! After an intended change to the report template, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test reports` and review the diff.

mod common;

use std::path::Path;

use common::{Workspace, snapshot, stderr};

fn update() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

#[test]
fn rich_incident_report_matches_golden_file() {
    let ws = Workspace::new();
    ws.incident(
        "2025-07-12-checkout-cache.yaml",
        include_str!("fixtures/rich.yaml"),
    )
    .incident(
        "older.yaml",
        common::VALID.replace("title: Cache outage", "title: Older cache outage")
            + "related: [2025-07-12-checkout-cache]\n",
    );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for (generated, golden) in [
        (
            "reports/2025-07-12-checkout-cache.md",
            "tests/golden/rich.md",
        ),
        ("reports/README.md", "tests/golden/README.md"),
    ] {
        let actual = std::fs::read_to_string(ws.path(generated)).unwrap();
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join(golden);
        if update() {
            std::fs::write(&golden, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert!(
            actual == expected,
            "{generated} differs from {}:\n{actual}",
            golden.display()
        );
    }
}

#[test]
fn committed_reports_are_current() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let root = repo.to_str().unwrap();
    let site = out.path().join("site");
    let reports = out.path().join("reports");
    let output = common::run_in(
        repo,
        &[
            "--root",
            root,
            "build",
            "--out",
            site.to_str().unwrap(),
            "--reports",
            reports.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fresh = snapshot(&reports);
    let committed = snapshot(&repo.join("reports"));
    let names = |files: &[(std::path::PathBuf, Vec<u8>)]| {
        files
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&committed),
        names(&fresh),
        "reports/ lists other files than a build writes; run `cargo run -- build`"
    );
    for ((path, old), (_, new)) in committed.iter().zip(&fresh) {
        assert!(
            old == new,
            "reports/{} is stale; run `cargo run -- build` and commit reports/",
            path.display()
        );
    }
}
