//! Where a build may write: the same rules with or without a trailing slash, a reports
//! folder of its own, and reports whose prose is safe in any Markdown renderer.

mod common;

use common::{VALID, Workspace, snapshot, stderr};

#[cfg(unix)]
#[test]
fn a_trailing_slash_does_not_get_past_the_symlink_check() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID);
    std::fs::create_dir(ws.path("real")).unwrap();
    std::os::unix::fs::symlink(ws.path("real"), ws.path("link")).unwrap();
    let before = snapshot(ws.root());
    for out in ["link", "link/", "link//", "link/."] {
        let output = ws.run(&["build", "--out", out]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "--out {out}: {err}");
        assert!(err.contains("symbolic link"), "--out {out}: {err}");
        assert_eq!(snapshot(ws.root()), before, "--out {out} changed files");
    }
}

#[test]
fn out_with_and_without_a_trailing_slash_is_one_folder() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID);
    let output = ws.run(&["build", "--out", "public/", "--reports", "md/"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let site = snapshot(&ws.path("public"));
    let output = ws.run(&["build", "--out", "public", "--reports", "md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(snapshot(&ws.path("public")), site);
    // No staging or old folder was left beside it under another name.
    let names: Vec<String> = std::fs::read_dir(ws.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains(".new-") && !n.contains(".old-")),
        "{names:?}"
    );
}

#[test]
fn reports_are_never_written_among_the_sources() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("templates/extra.txt", "x");
    let before = snapshot(ws.root());
    for reports in [
        "incidents",
        "incidents/",
        "./incidents",
        "incidents/a",
        "templates",
        "templates/",
        ".",
        "./",
        "site",
        "site/",
        "site/reports",
        ".postmortem/cache",
    ] {
        let output = ws.run(&["build", "--reports", reports]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "--reports {reports}: {err}");
        // `--reports site` is refused as a site folder that would hold the reports.
        assert!(
            err.contains("refusing to write"),
            "--reports {reports}: {err}"
        );
        assert_eq!(
            snapshot(ws.root()),
            before,
            "--reports {reports} changed files"
        );
    }
    // A folder of their own, also beside the incidents folder, is fine.
    let output = ws.run(&["build", "--reports", "docs/incidents"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(ws.path("docs/incidents/a.md").is_file());
}

#[test]
fn reports_show_raw_html_as_text() {
    let ws = Workspace::new();
    let incident = VALID.replace(
        "summary: The cache went away.",
        "summary: |\n  Hi <script>alert(1)</script> <img src=x onerror=alert(2)> **still bold**\n\n  <iframe src=\"https://evil.example\"></iframe>\n",
    );
    ws.incident("a.yaml", incident);
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = std::fs::read_to_string(ws.path("reports/a.md")).unwrap();
    for raw in ["<script", "<img", "<iframe", "</script"] {
        assert!(!report.contains(raw), "{raw} in the report:\n{report}");
    }
    assert!(
        report.contains(
            "Hi &lt;script>alert(1)&lt;/script> &lt;img src=x onerror=alert(2)> **still bold**"
        ),
        "{report}"
    );
    assert!(
        report.contains("&lt;iframe src=\"https://evil.example\">&lt;/iframe>"),
        "{report}"
    );
}
