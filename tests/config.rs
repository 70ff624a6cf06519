//! `postmortem.toml` like Zola's and mdBook's: `[extra]` for template overrides, `ignore`
//! globs under the incidents folder, and "did you mean" for a misspelt key.

mod common;

use common::{VALID, Workspace, check_json, stderr};

#[test]
fn extra_reaches_templates_and_reports() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID).write(
        "postmortem.toml",
        "title = \"Acme\"\n\n[extra]\nstatus_page = \"https://status.acme.dev/\"\n\
         oncall = { team = \"SRE <night>\", phone = 5550100 }\n",
    );
    // An override that prints the values; what it prints is escaped like any other value.
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/base.html"),
    )
    .unwrap();
    let marked = base.replacen(
        "</body>",
        "<p id=\"extra\">{{ site.extra.status_page }} {{ site.extra.oncall.team }} \
         {{ site.extra.oncall.phone }}</p></body>",
        1,
    );
    assert_ne!(marked, base, "base.html has a </body>");
    ws.write("templates/base.html", marked);
    ws.write(
        "templates/reports-index.md",
        "Status: {{ site.extra.status_page }}\n",
    );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let index = std::fs::read_to_string(ws.path("site/index.html")).unwrap();
    assert!(
        index.contains("<p id=\"extra\">https://status.acme.dev/ SRE &lt;night&gt; 5550100</p>"),
        "{index}"
    );
    let reports = std::fs::read_to_string(ws.path("reports/README.md")).unwrap();
    assert!(
        reports.contains("Status: https://status.acme.dev/"),
        "{reports}"
    );

    // Changing a value renders the pages again (it is part of every page's key).
    ws.write(
        "postmortem.toml",
        "title = \"Acme\"\n\n[extra]\nstatus_page = \"https://status2.acme.dev/\"\n\
         oncall = { team = \"SRE\", phone = 1 }\n",
    );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let index = std::fs::read_to_string(ws.path("site/incidents/a.html"))
        .or_else(|_| std::fs::read_to_string(ws.path("site/incidents/a/index.html")))
        .unwrap();
    assert!(
        index.contains("https://status2.acme.dev/ SRE 1"),
        "incident page re-rendered"
    );
}

#[test]
fn ignored_files_and_folders_are_not_incidents() {
    let ws = Workspace::new();
    let broken = "title: [unfinished\n";
    ws.incident("real.yaml", VALID)
        .incident("next.draft.yaml", broken)
        .incident("2024/old.draft.yaml", broken)
        .incident("templates/skeleton.yaml", broken)
        .incident(
            "archive/keep.yaml",
            VALID.replace("Cache outage", "Archived outage"),
        )
        .write(
            "postmortem.toml",
            "ignore = [\"*.draft.yaml\", \"templates\", \"archive/skip-*.yaml\"]\n",
        );
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(0), "{diagnostics:?}");
    assert!(stderr(&output).is_empty() || !stderr(&output).contains("error"));
    let build = ws.run(&["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let listed = std::fs::read_to_string(ws.path("site/incidents.json")).unwrap();
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let mut slugs: Vec<&str> = listed["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["keep", "real"]);

    // Without the list, the drafts are checked again (and fail).
    ws.write("postmortem.toml", "");
    let (output, diagnostics) = check_json(&ws);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        diagnostics
            .iter()
            .filter(|d| d["severity"] == "error")
            .count(),
        3,
        "{diagnostics:?}"
    );
}

/// What `check` says of a workspace whose `postmortem.toml` is `settings`, which must be
/// an error.
fn settings_error(settings: &str) -> String {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("postmortem.toml", settings);
    let output = ws.run(&["check"]);
    assert_eq!(output.status.code(), Some(1), "{settings}");
    stderr(&output)
}

#[test]
fn an_invalid_ignore_pattern_is_an_error_at_its_place() {
    let err = settings_error("title = \"x\"\nignore = [\"[oops\"]\n");
    assert!(err.contains("postmortem.toml:2:"), "{err}");
    assert!(err.contains("invalid `ignore` pattern"), "{err}");
}

#[test]
fn a_misspelt_key_gets_a_suggestion() {
    for (typo, meant) in [
        ("titel", "title"),
        ("base-url", "base_url"),
        ("ouput", "output"),
        ("ignores", "ignore"),
        ("extras", "extra"),
    ] {
        let ws = Workspace::new();
        ws.incident("a.yaml", VALID).write(
            "postmortem.toml",
            format!("description = \"d\"\n{typo} = \"x\"\n"),
        );
        let output = ws.run(&["check"]);
        assert_eq!(output.status.code(), Some(1), "{typo}");
        let err = stderr(&output);
        assert!(err.contains("postmortem.toml:2:1"), "{typo}: {err}");
        assert!(err.contains(&format!("unknown field `{typo}`")), "{err}");
        assert!(
            err.contains(&format!("did you mean `{meant}`?")),
            "{typo}: {err}"
        );
    }
    // Nothing close: every valid key, and where values of one's own go.
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("postmortem.toml", "favourite_colour = \"teal\"\n");
    let err = stderr(&ws.run(&["check"]));
    assert!(!err.contains("did you mean"), "{err}");
    assert!(
        err.contains("valid settings: title, description, base_url"),
        "{err}"
    );
    assert!(err.contains("[extra]"), "{err}");
}

#[test]
fn a_search_shard_size_of_zero_is_an_error_at_its_place() {
    let err = settings_error("title = \"x\"\nsearch_shard_size = 0\n");
    assert!(err.contains("postmortem.toml:2:21"), "{err}");
    assert!(err.contains("1 or more (2000 by default)"), "{err}");
}

/// The pages of a build of `ws`, by path relative to the site.
fn page(ws: &Workspace, path: &str) -> String {
    std::fs::read_to_string(ws.path(&format!("site/{path}")))
        .unwrap_or_else(|e| panic!("site/{path}: {e}"))
}

#[test]
fn the_interface_speaks_the_configured_language() {
    let ws = Workspace::new();
    ws.incident(
        "a.yaml",
        format!("{VALID}authors: [Ada]\nprevention:\n  - action: Alert\n    owner: sre\n    due: 2025-08-01\n"),
    )
    .write("postmortem.toml", "language = \"de\"\n");
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let index = page(&ws, "index.html");
    assert!(index.contains("<html lang=\"de\">"), "lang attribute");
    for german in [
        "Zum Inhalt springen",
        ">Vorfälle</a>",
        ">Schlagwörter</a>",
        ">Maßnahmen</a>",
        "Erstellt mit",
        "Filter zurücksetzen",
    ] {
        assert!(index.contains(german), "index lacks {german}");
    }
    let incident = page(&ws, "incidents/a/index.html");
    for german in [
        "Verfasst von Ada",
        "<h2>Zusammenfassung</h2>",
        "<h2>Ursache</h2>",
        "<h2>Vorbeugung</h2>",
        "Quelle:",
        "fällig",
    ] {
        assert!(incident.contains(german), "incident page lacks {german}");
    }
    for english in [
        "<h2>Summary</h2>",
        "Root cause",
        "Skip to content",
        "Written by",
        "On this page",
    ] {
        assert!(
            !incident.contains(english),
            "incident page still says {english}"
        );
    }
    let search = page(&ws, "search/index.html");
    assert!(search.contains("<title>Suche · "), "page title");
    // The site script's messages travel in the header form, as JSON.
    assert!(search.contains("Suche läuft…"), "script strings");
    assert!(page(&ws, "actions/index.html").contains("<h1>Maßnahmen</h1>"));
    assert!(page(&ws, "404.html").contains("Seite nicht gefunden"));

    // English stays the default.
    ws.write("postmortem.toml", "");
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let incident = page(&ws, "incidents/a/index.html");
    assert!(incident.contains("<html lang=\"en\">") && incident.contains("<h2>Summary</h2>"));
    assert!(incident.contains("Written by Ada"));
}

#[test]
fn a_workspace_can_change_strings_or_add_a_language() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("postmortem.toml", "language = \"de\"\n")
        .write(
            "templates/i18n/de.toml",
            "[nav]\ntags = \"Etiketten & Co\"\n",
        );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let index = page(&ws, "index.html");
    assert!(
        index.contains(">Etiketten &amp; Co</a>"),
        "override, escaped"
    );
    assert!(index.contains(">Dienste</a>"), "the rest stays German");

    // A language postmortem does not ship: the workspace's table, English for the rest.
    ws.write("postmortem.toml", "language = \"nl\"\n").write(
        "templates/i18n/nl.toml",
        "[incident]\nsummary = \"Samenvatting\"\n",
    );
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let incident = page(&ws, "incidents/a/index.html");
    assert!(incident.contains("<html lang=\"nl\">"));
    assert!(incident.contains("<h2>Samenvatting</h2>") && incident.contains("<h2>Root cause</h2>"));

    // Without a table: an error that says what exists, and nothing is written.
    ws.write("postmortem.toml", "language = \"fr\"\n");
    let output = ws.run(&["build", "--out", "other"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no interface strings for language `fr`"),
        "{}",
        stderr(&output)
    );
    assert!(!ws.path("other").exists());
    ws.write("postmortem.toml", "language = \"../x\"\n");
    let output = ws.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("invalid language"),
        "{}",
        stderr(&output)
    );
}
