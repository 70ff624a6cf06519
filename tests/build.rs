//! `postmortem build` and `postmortem new` end to end: the pages a site has, escaping of
//! everything a user typed, byte-identical rebuilds, and output folders that are never
//! anything but ours.

mod common;

use common::{VALID, Workspace, snapshot, stderr, stdout};

const RICH: &str = include_str!("fixtures/rich.yaml");

#[test]
fn builds_every_page_of_the_site() {
    let ws = Workspace::new();
    ws.incident("2025-07-12-cache.yaml", RICH)
        .incident("older.yaml", VALID);
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("built 2 incidents"),
        "{}",
        stderr(&output)
    );

    for page in [
        "site/index.html",
        "site/404.html",
        "site/incidents/2025-07-12-cache/index.html",
        "site/incidents/older/index.html",
        "site/tags/index.html",
        "site/tags/redis/index.html",
        "site/services/index.html",
        "site/services/checkout-api/index.html",
        "site/.postmortem-site",
        "reports/README.md",
        "reports/2025-07-12-cache.md",
        "reports/older.md",
    ] {
        assert!(ws.path(page).is_file(), "{page} missing");
    }
    let index = std::fs::read_to_string(ws.path("site/index.html")).unwrap();
    let newest = index.find("Checkout cache").expect("rich incident listed");
    let oldest = index.find("Cache outage").expect("valid incident listed");
    assert!(newest < oldest, "newest first");

    let page =
        std::fs::read_to_string(ws.path("site/incidents/2025-07-12-cache/index.html")).unwrap();
    // Relative links work from any base URL and from disk.
    assert!(
        page.contains("href=\"../../tags/redis/index.html\""),
        "relative tag link"
    );
    assert!(
        page.contains("href=\"../../assets/style."),
        "relative asset link"
    );
    // Derived durations (in the glance panel), diff and highlighting.
    assert!(
        page.contains("<abbr title=\"Time to detect\">TTD</abbr> 12 min"),
        "time to detect"
    );
    assert!(
        page.contains("<abbr title=\"Time to resolve\">TTR</abbr> 1 h 45 min"),
        "time to resolve"
    );
    assert!(page.contains("class=\"diff-table hl\""), "unified diff");
    assert!(
        page.contains(
            "<span class=\"s\">&#39;django.core.cache.backends.redis.RedisCache&#39;</span>"
        ),
        "highlighted python"
    );
    // No script, style, font or icon from elsewhere.
    let html = scraper::Html::parse_document(&page);
    let assets = scraper::Selector::parse("script[src], link[href]:not([rel=canonical])").unwrap();
    let loaded: Vec<&str> = html
        .select(&assets)
        .filter_map(|e| e.value().attr("src").or(e.value().attr("href")))
        .collect();
    assert!(
        loaded.len() >= 2,
        "the page's own script and style: {loaded:?}"
    );
    for url in loaded {
        assert!(!url.contains("//"), "{url} loads from another host");
    }
}

#[test]
fn base_url_gives_pretty_links_and_canonical_urls() {
    let ws = Workspace::new();
    ws.incident("a.yaml", RICH);
    let output = ws.run(&["build", "--base-url", "https://acme.github.io/incidents"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = std::fs::read_to_string(ws.path("site/incidents/a/index.html")).unwrap();
    assert!(
        page.contains(
            "<link rel=\"canonical\" href=\"https://acme.github.io/incidents/incidents/a/\">"
        ),
        "canonical"
    );
    assert!(
        page.contains("href=\"../../tags/redis/\""),
        "pretty relative link"
    );
    let not_found = std::fs::read_to_string(ws.path("site/404.html")).unwrap();
    assert!(
        not_found.contains("href=\"/incidents/assets/style."),
        "404 links from the base path"
    );

    let bad = ws.run(&["build", "--base-url", "acme.github.io"]);
    assert_eq!(bad.status.code(), Some(2), "rejected by argument parsing");
    assert!(stderr(&bad).contains("absolute http"), "{}", stderr(&bad));
}

/// Every string a user can type, carrying a script payload.
fn hostile_incident() -> String {
    // Tags, then a break out of a double- and a single-quoted attribute (`\"` is a quote
    // in YAML's double-quoted strings).
    let p = r#"<script>alert(1)</script><img src=x onerror=alert(1)>\"><svg onload=alert(1)>' onmouseover='alert(1)"#;
    format!(
        r#"title: "{p}"
date: 2025-07-12
status: mitigated
status_note: "{p}"
severity: high
summary: "{p} [x](javascript:alert(1))"
id: "{p}"
authors: ["{p}"]
tags: ["{p}"]
services: ["{p}"]
environment: {{ name: "{p}", platform: "{p}", notes: "{p}", versions: [{{ name: "{p}", version: "{p}", note: "{p}" }}] }}
error: {{ type: "{p}", message: "{p}", stack_trace: "{p}", stack_trace_language: "{p}", logs: "{p}" }}
impact: {{ summary: "{p}", users: "{p}", duration: "{p}", details: "{p}" }}
detection: "{p}"
timeline: [{{ time: "09:00", event: "{p}", kind: started }}]
root_cause: {{ summary: "{p}", details: "{p}", contributing_factors: ["{p}"], trigger: "{p}" }}
changes: [{{ file: "{p}", lines: "{p}", language: "{p}", description: "{p}", before: "{p}", after: "{p}x" }}]
resolution: {{ summary: "{p}", time_to_resolve: "{p}", steps: [{{ description: "{p}", group: "{p}", command: "{p}", language: "{p}" }}] }}
verification:
  summary: "{p}"
  tests: [{{ name: "{p}", group: "{p}", status: failed, command: "{p}", expected: "{p}", output: "{p}", output_language: "{p}", note: "{p}" }}]
  suites: [{{ name: "{p}", command: "{p}", duration: "{p}", note: "{p}" }}]
metrics: [{{ name: "{p}", before: "{p}", after: "{p}", note: "{p}" }}]
prevention: [{{ action: "{p}", group: "{p}", owner: "{p}", link: "https://x.example/?q=\"><script>alert(1)</script>", details: "{p}" }}]
follow_ups: [{{ action: "{p}" }}]
lessons: {{ went_well: ["{p}"], went_wrong: ["{p}"], lucky: ["{p}"], learned: ["{p}"] }}
rollback: {{ summary: "{p}", steps: [{{ description: "{p}" }}] }}
known_issues: [{{ title: "{p}", status: "{p}", details: "{p}", error: "{p}", solution: "{p}", impact: "{p}", changes: [{{ file: "{p}", after: "{p}" }}] }}]
links: [{{ title: "{p}", url: "https://x.example/?q=\"><script>alert(1)</script>", reference: "{p}" }}]
sections: [{{ title: "{p}", body: "{p}" }}]
"#
    )
}

/// Parses `html` like a browser and fails if any element could run script: an event
/// handler attribute, a `javascript:` URL, or a script that is not our own deferred file.
fn assert_inert(path: &str, html: &str) {
    let document = scraper::Html::parse_document(html);
    for node in document.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        for (name, value) in element.attrs() {
            assert!(
                !name.starts_with("on"),
                "{path}: event handler {name}={value:?} on <{}>",
                element.name()
            );
            let value = value.trim().to_ascii_lowercase();
            assert!(
                !value.starts_with("javascript:"),
                "{path}: {name}={value:?} on <{}>",
                element.name()
            );
        }
        if element.name() == "script" {
            // One inline script exists: the 404 page's, which finds the site's root when
            // there is no base URL. It must be the template's own text, byte for byte.
            let text: String = node
                .children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect();
            let ours = path.ends_with("404.html")
                && text.len() > 100
                && include_str!("../templates/base.html").contains(&text);
            assert!(
                ours || element
                    .attr("src")
                    .is_some_and(|s| s.contains("assets/site.")),
                "{path}: inline or foreign script"
            );
        }
    }
}

#[test]
fn nothing_a_user_typed_reaches_html_unescaped() {
    let ws = Workspace::new();
    ws.incident("hostile.yaml", hostile_incident())
        .incident("valid.yaml", format!("{VALID}related: [hostile]\n"));
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut pages = 0;
    for (path, content) in snapshot(&ws.path("site")) {
        if path.extension().is_some_and(|e| e == "html") {
            pages += 1;
            let html = String::from_utf8_lossy(&content);
            assert_inert(&path.display().to_string(), &html);
            // No payload tag survives, not even as text inside <title> or an attribute value
            // (Markdown fields keep sanitised HTML, so a lone quote may stay as text there;
            // `assert_inert` catches one that becomes an attribute).
            for raw in ["<script>alert(1)", "<svg onload"] {
                assert!(!html.contains(raw), "{}: raw {raw}", path.display());
            }
        }
    }
    assert!(pages >= 8, "checked {pages} pages");
    // The Markdown report escapes plain text too, group headings and owners included.
    let report = std::fs::read_to_string(ws.path("reports/hostile.md")).unwrap();
    for raw in ["### <script>", "owner: <script>"] {
        assert!(!report.contains(raw), "reports/hostile.md: {raw}");
    }
    assert!(
        report.contains("### &lt;script>alert(1)"),
        "escaped heading"
    );
    let page = std::fs::read_to_string(ws.path("site/incidents/hostile/index.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "shown as text"
    );
}

#[test]
fn building_twice_gives_identical_bytes() {
    let ws = Workspace::new();
    ws.incident("a.yaml", RICH)
        .incident("b.yaml", VALID)
        .incident("c.yaml", hostile_incident());
    assert_eq!(
        ws.run(&["build", "--out", "one", "--reports", "r1"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        ws.run(&["build", "--out", "two", "--reports", "r2"])
            .status
            .code(),
        Some(0)
    );
    let one = snapshot(&ws.path("one"));
    assert!(one.len() > 10);
    assert_eq!(
        one,
        snapshot(&ws.path("two")),
        "site differs between builds"
    );
    assert_eq!(
        snapshot(&ws.path("r1")),
        snapshot(&ws.path("r2")),
        "reports differ between builds"
    );
}

#[test]
fn refused_output_folders_keep_every_file() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("docs/notes.txt", "mine")
        .write("templates/extra.txt", "x");
    let before = snapshot(ws.root());
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    for out in [
        ".",
        "incidents",
        "templates",
        "docs",
        "..",
        home.as_str(),
        "/",
    ] {
        let output = ws.run(&["build", "--out", out]);
        assert_eq!(output.status.code(), Some(1), "--out {out} must be refused");
        assert!(
            stderr(&output).contains("refusing to write the site"),
            "--out {out}: {}",
            stderr(&output)
        );
        assert_eq!(snapshot(ws.root()), before, "--out {out} changed files");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID);
    assert_eq!(ws.run(&["build"]).status.code(), Some(0));
    let site = snapshot(&ws.path("site"));

    ws.incident("b.yaml", VALID.replace("severity: high", "severity: huge"));
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("1 error in incident files; nothing was written"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(&ws.path("site")), site);

    std::fs::remove_file(ws.path("incidents/b.yaml")).unwrap();
    ws.write("templates/incident.html", "{% extends \"base.html\" %}\n{% block content %}{{ page_data.nope(\n{% endblock content %}\n");
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("incident.html:2:"),
        "template error names file and line: {err}"
    );
    assert_eq!(snapshot(&ws.path("site")), site);
}

#[test]
fn template_overrides_replace_defaults() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("templates/404.html", "<p>custom {{ site.title }}</p>")
        .write("templates/static/style.css", "body{color:hotpink}");
    assert_eq!(ws.run(&["build"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(ws.path("site/404.html")).unwrap(),
        "<p>custom Incidents</p>"
    );
    let css = snapshot(&ws.path("site/assets"))
        .into_iter()
        .find(|(p, _)| p.to_string_lossy().starts_with("style."))
        .unwrap();
    assert_eq!(css.1, b"body{color:hotpink}");
}

/// The site script as built into `site/assets/`.
fn built_script(ws: &Workspace) -> String {
    let (_, js) = snapshot(&ws.path("site/assets"))
        .into_iter()
        .find(|(p, _)| p.to_string_lossy().starts_with("site."))
        .expect("site script");
    String::from_utf8(js).unwrap()
}

#[test]
fn a_script_part_in_the_workspace_replaces_that_part_only() {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID)
        .write("templates/static/site-filters.js", "window.mine = 1;\n");
    assert_eq!(ws.run(&["build"]).status.code(), Some(0));
    let script = built_script(&ws);
    assert!(script.contains("window.mine = 1;"), "{script}");
    assert!(
        !script.contains("document.getElementById(\"filters\")"),
        "the default index filters are gone"
    );
    assert!(
        script.contains("document.getElementById(\"search-page\")"),
        "the other parts stay"
    );
}

#[test]
fn every_page_carries_the_ranking_the_index_was_built_with() {
    use postmortem::search::record::RANKING;
    let ws = Workspace::new();
    ws.incident("2025-07-12-cache.yaml", RICH)
        .incident("older.yaml", VALID);
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // The page's JSON is the Rust value, as Pagefind takes it (`metaWeights`, by field).
    let expected: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&RANKING).unwrap()).unwrap();
    let weights = RANKING.meta_weights;
    for (name, weight) in [
        ("title", weights.title),
        ("keywords", weights.keywords),
        ("date", weights.date),
        ("severity", weights.severity),
        ("status", weights.status),
    ] {
        assert_eq!(
            expected["metaWeights"][name].as_f64(),
            Some(f64::from(weight)),
            "{name} in {expected}"
        );
    }
    let form = scraper::Selector::parse("form#site-search").unwrap();
    let mut pages = 0;
    for (path, content) in snapshot(&ws.path("site")) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8_lossy(&content);
        let document = scraper::Html::parse_document(&html);
        let ranking = document
            .select(&form)
            .next()
            .and_then(|form| form.attr("data-ranking"))
            .unwrap_or_else(|| panic!("{}: no data-ranking on the search form", path.display()));
        let ranking: serde_json::Value = serde_json::from_str(ranking)
            .unwrap_or_else(|e| panic!("{}: {e}: {ranking}", path.display()));
        assert_eq!(ranking, expected, "{}", path.display());
        pages += 1;
    }
    assert!(pages > 5, "only {pages} pages");

    // Every field the records carry is weighed, and nothing else.
    let mut weighed: Vec<&String> = expected["metaWeights"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    weighed.sort();
    let fragments = common::search_fragments(&ws.path("site/pagefind"));
    assert_eq!(fragments.len(), 2);
    for fragment in fragments {
        let json: serde_json::Value =
            serde_json::from_str(&fragment[fragment.find('{').unwrap()..]).unwrap();
        let mut fields: Vec<&String> = json["meta"].as_object().unwrap().keys().collect();
        fields.sort();
        assert_eq!(fields, weighed, "{}", json["url"]);
    }

    // The script takes the weights from the page and keeps none of its own.
    let script = built_script(&ws);
    assert!(script.contains("data-ranking") && !script.contains("metaWeights"));
}

#[test]
fn new_writes_a_file_that_passes_check_and_never_overwrites() {
    let ws = Workspace::new();
    let output = ws.run(&[
        "new",
        "Ödeme servisi çöktü: 502 on /pay",
        "--date",
        "2025-03-04",
        "--severity",
        "critical",
        "--tag",
        "payments",
        "--service",
        "pay-api",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let created = "incidents/2025-03-04-odeme-servisi-coktu-502-on-pay.yaml";
    assert_eq!(stdout(&output).trim(), created);
    let text = std::fs::read_to_string(ws.path(created)).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=./.schema.json\n"),
        "{text}"
    );
    assert!(
        text.contains("title: \"Ödeme servisi çöktü: 502 on /pay\""),
        "{text}"
    );
    assert!(
        text.contains("severity: critical") && text.contains("tags: [\"payments\"]"),
        "{text}"
    );
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 40,
        "commented skeleton"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("incidents/.schema.json")).unwrap())
            .unwrap();
    assert_eq!(schema["title"], "postmortem incident");

    let check = ws.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    let again = ws.run(&[
        "new",
        "Ödeme servisi çöktü: 502 on /pay",
        "--date",
        "2025-03-04",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(ws.path(created)).unwrap(),
        text,
        "not overwritten"
    );

    let bad = ws.run(&["new", "x", "--severity", "huge"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("critical"), "{}", stderr(&bad));
}

#[test]
fn schema_describes_the_format() {
    let ws = Workspace::new();
    let output = ws.run(&["schema"]);
    assert_eq!(output.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for field in [
        "title",
        "date",
        "status",
        "severity",
        "summary",
        "root_cause",
    ] {
        assert!(required.contains(&field), "{field} required");
    }
    assert!(
        !required.contains(&"error"),
        "an incident may have no error"
    );
    let severity = serde_json::to_string(&schema["$defs"]["Severity"]).unwrap();
    for value in ["critical", "high", "medium", "low", "Outage or data loss"] {
        assert!(severity.contains(value), "{value} documented in {severity}");
    }
    // Sections written as prose or as structure say so.
    let impact = serde_json::to_string(&schema["properties"]["impact"]).unwrap();
    assert!(impact.contains("ProseOrImpact"), "{impact}");
    let prose = serde_json::to_string(&schema["$defs"]["ProseOrImpact"]).unwrap();
    assert!(
        prose.contains("text/markdown") && prose.contains("Impact"),
        "{prose}"
    );
}

#[test]
fn schema_and_new_follow_the_configured_vocabularies() {
    let ws = Workspace::new();
    ws.write(
        "postmortem.toml",
        "[[severity]]\nname = \"SEV1\"\nlabel = \"Critical\"\ndescription = \"Customer-facing outage\"\naliases = [\"P1\"]\n\n\
         [[severity]]\nname = \"SEV2\"\n\n[[status]]\nname = \"open\"\n\n[[status]]\nname = \"closed\"\n",
    );
    let output = ws.run(&["schema"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let consts = |def: &str| -> Vec<String> {
        schema["$defs"][def]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["const"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(consts("Severity"), ["SEV1", "P1", "SEV2"]);
    assert_eq!(consts("Status"), ["open", "closed"]);
    let severity = serde_json::to_string(&schema["$defs"]["Severity"]).unwrap();
    assert!(severity.contains("Customer-facing outage"), "{severity}");
    assert!(!severity.contains("critical"), "{severity}");

    let made = ws.run(&["new", "Queue backs up", "--severity", "p1"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let file = stdout(&made).trim().to_owned();
    let text = std::fs::read_to_string(ws.path(&file)).unwrap();
    assert!(text.contains("severity: SEV1\n"), "{text}");
    assert!(text.contains("status: open\n"), "{text}");
    assert!(text.contains("# SEV1 | SEV2"), "{text}");
    let check = ws.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let bad = ws.run(&["new", "x", "--severity", "critical"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("SEV1, SEV2"), "{}", stderr(&bad));
}

#[test]
fn a_term_named_twice_by_one_incident_counts_it_once_everywhere() {
    let ws = Workspace::new();
    ws.incident("a.yaml", format!("{VALID}tags: [redis, Redis]\n"))
        .incident("b.yaml", format!("{VALID}tags: [redis]\n"));
    let output = ws.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = |path: &str| std::fs::read_to_string(ws.path(path)).unwrap();
    for listing in ["site/index.html", "site/search/index.html"] {
        assert!(
            page(listing).contains(
                "value=\"redis\"> redis <span class=\"count\" data-count-for=\"redis\">2</span>"
            ),
            "{listing}: two incidents"
        );
    }
    assert!(
        page("site/tags/index.html").contains(">redis</a> <span class=\"count\">2</span>"),
        "the tags page agrees"
    );
}
