//! Write-ups in the shapes teams already use (`tests/fixtures/workspaces/`): each passes
//! `check` as written, and its report and page contain every value of its file.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{run_in, stderr};
use postmortem::model::text::plain_text;
use serde_json::Value;

const WORKSPACES: [&str; 6] = [
    "sre-workbook",
    "atlassian",
    "pagerduty",
    "gitlab",
    "security-disclosure",
    "capacity",
];

/// Fields whose values the outputs show in other words (a badge label, a checkbox).
const SHOWN_OTHERWISE: &[&str] = &["severity", "status", "kind", "decision", "priority", "done"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workspaces")
        .join(name)
}

/// One fixture built into a temporary folder: its incident files, reports and pages.
struct Built {
    _out: tempfile::TempDir,
    site: PathBuf,
    reports: PathBuf,
    /// `(slug, file text)` of each incident file.
    incidents: Vec<(String, String)>,
}

fn build(name: &str) -> Built {
    let root = fixture(name);
    let out = tempfile::tempdir().expect("temp dir");
    let (site, reports) = (out.path().join("site"), out.path().join("reports"));
    let root_arg = root.to_str().unwrap();
    let check = run_in(out.path(), &["--root", root_arg, "check"]);
    assert_eq!(check.status.code(), Some(0), "{name}: {}", stderr(&check));
    assert!(
        stderr(&check).contains("0 errors, 0 warnings"),
        "{name}: {}",
        stderr(&check)
    );
    let args = [
        "--root",
        root_arg,
        "build",
        "--out",
        site.to_str().unwrap(),
        "--reports",
    ];
    let built = run_in(
        out.path(),
        &[&args[..], &[reports.to_str().unwrap()]].concat(),
    );
    assert_eq!(built.status.code(), Some(0), "{name}: {}", stderr(&built));
    let mut incidents = Vec::new();
    for entry in std::fs::read_dir(root.join("incidents")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
            incidents.push((slug, std::fs::read_to_string(&path).unwrap()));
        }
    }
    Built {
        _out: out,
        site,
        reports,
        incidents,
    }
}

/// Every text value of a YAML document with its path, except fields shown otherwise.
fn values(yaml: &str) -> Vec<(String, String)> {
    fn walk(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if !SHOWN_OTHERWISE.contains(&key.as_str()) {
                        walk(&format!("{path}.{key}"), value, out);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), item, out);
                }
            }
            Value::String(text) => out.push((path.to_owned(), text.clone())),
            Value::Number(n) => out.push((path.to_owned(), n.to_string())),
            _ => {}
        }
    }
    let document: Value = serde_saphyr::from_str(yaml).expect("fixture is YAML");
    let mut out = Vec::new();
    walk("", &document, &mut out);
    out
}

/// The lines of a value worth finding, with whether they are part of a Mermaid diagram
/// (which the page draws instead of printing).
fn lines(text: &str) -> Vec<(bool, String)> {
    let mut in_diagram = false;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("```") {
            in_diagram = line == "```mermaid";
            continue;
        }
        out.push((in_diagram, line.to_owned()));
    }
    out
}

/// The text a reader sees on a page, and the addresses and alternative texts it carries.
fn page_text(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let mut text: Vec<String> = vec![document.root_element().text().collect::<String>()];
    for element in document.select(&scraper::Selector::parse("*").unwrap()) {
        for attribute in ["href", "src", "alt", "datetime"] {
            if let Some(value) = element.value().attr(attribute) {
                text.push(value.to_owned());
            }
        }
    }
    normalise(&text.join(" "))
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parts of a line between footnote references (`a[^1] b` gives `a` and ` b`); a
/// footnote's definition whole.
fn footnote_free_parts(line: &str) -> Vec<String> {
    if line.starts_with("[^") {
        return vec![line.to_owned()];
    }
    let mut parts = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("[^") {
        parts.push(rest[..start].to_owned());
        rest = rest[start..].split_once(']').map_or("", |(_, after)| after);
    }
    parts.push(rest.to_owned());
    parts
}

/// Strips a list marker, as reports may show a list item as HTML.
fn without_marker(line: &str) -> &str {
    line.strip_prefix("- ").unwrap_or(line)
}

#[test]
fn every_template_passes_check_and_every_value_reaches_the_report_and_the_page() {
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0;
    for name in WORKSPACES {
        let built = build(name);
        for (slug, yaml) in &built.incidents {
            let report =
                std::fs::read_to_string(built.reports.join(format!("{slug}.md"))).expect("report");
            let html =
                std::fs::read_to_string(built.site.join(format!("incidents/{slug}/index.html")))
                    .expect("page");
            let page = page_text(&html);
            for (path, value) in values(yaml) {
                for (in_diagram, line) in lines(&value) {
                    checked += 1;
                    // Reports link attached files where they lie: the alternative text stays.
                    let shown = match line.split_once("](") {
                        Some((alt, _)) if line.starts_with("![") => alt.to_owned(),
                        _ => line.clone(),
                    };
                    if !report.contains(&shown) && !report.contains(without_marker(&shown)) {
                        missing
                            .entry(format!("{name} report"))
                            .or_default()
                            .push(format!("{path}: {line}"));
                    }
                    // The date is shown as a reader writes it (`28 Feb 2024, 22:40 UTC`), with
                    // the file's text as its title.
                    if path == ".date" {
                        if !html.contains(&format!("title=\"{line}\">")) {
                            missing
                                .entry(format!("{name} page"))
                                .or_default()
                                .push(format!("{path}: {line}"));
                        }
                        continue;
                    }
                    // A footnote reference is shown as its number: look for the text around it.
                    for part in footnote_free_parts(&line) {
                        let words = normalise(&plain_text(&part));
                        if !in_diagram && !words.is_empty() && !page.contains(&words) {
                            missing
                                .entry(format!("{name} page"))
                                .or_default()
                                .push(format!("{path}: {words}"));
                        }
                    }
                }
            }
            let diagrams = yaml.matches("```mermaid").count();
            assert_eq!(
                html.matches("<figure class=\"diagram\"><svg").count(),
                diagrams,
                "{slug}"
            );
            assert_eq!(
                report.matches("```mermaid").count(),
                diagrams,
                "{slug}: reports keep the fences"
            );
        }
    }
    assert!(checked > 250, "only {checked} values checked");
    assert!(missing.is_empty(), "values missing: {missing:#?}");
}

#[test]
fn team_vocabularies_and_aliases_reach_badges_filters_and_data() {
    let sre = build("sre-workbook");
    let slug = "2024-03-14-search-index-rebuild-overloads-catalog";
    let page =
        std::fs::read_to_string(sre.site.join(format!("incidents/{slug}/index.html"))).unwrap();
    // `sev1` is the alias of SEV1, shown by its label in the colours of the most severe level.
    assert!(
        page.contains(
            "<span class=\"badge severity-critical\"><span class=\"visually-hidden\">Severity: </span>SEV1 – outage</span>"
        ),
        "{page}"
    );
    // `closed` is an alias of the default resolved status.
    assert!(page.contains(
        "<span class=\"badge status-resolved\"><span class=\"visually-hidden\">Status: </span>resolved</span>"
    ));
    let index = std::fs::read_to_string(sre.site.join("index.html")).unwrap();
    assert!(
        index.contains("data-severity=\"sev1\""),
        "filter value is the level's slug"
    );
    assert!(
        index.contains("value=\"sev1\"> SEV1 – outage"),
        "filters use the team's labels"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(sre.site.join("incidents.json")).unwrap())
            .unwrap();
    assert_eq!(json["incidents"][0]["incident"]["severity"], "SEV1");
    assert_eq!(json["incidents"][0]["incident"]["status"], "resolved");
    assert_eq!(
        json["vocabularies"]["severity"]["levels"][3]["name"],
        "SEV4"
    );
    let trends = std::fs::read_to_string(sre.site.join("trends/index.html")).unwrap();
    for label in ["SEV1 – outage", "SEV2", "SEV3", "SEV4"] {
        assert!(trends.contains(label), "trends count {label}");
    }
    let report = std::fs::read_to_string(sre.reports.join(format!("{slug}.md"))).unwrap();
    assert!(
        report.contains("| **Severity** | SEV1 – outage |"),
        "{report}"
    );

    let atlassian = build("atlassian");
    let slug = "2023-11-02-feature-flag-disables-card-payments";
    let page = std::fs::read_to_string(atlassian.site.join(format!("incidents/{slug}/index.html")))
        .unwrap();
    assert!(page.contains(">P2 Major</span>"), "P1…P4 vocabulary");
    // `review` is an alias of `in review`, the second of three statuses: still open.
    assert!(
        page.contains(
            "<span class=\"badge status-mitigated\"><span class=\"visually-hidden\">Status: </span>in review</span>"
        ),
        "{page}"
    );
    let index = std::fs::read_to_string(atlassian.site.join("index.html")).unwrap();
    assert!(
        index.contains("<p class=\"index-counts\">1 incident, 1 still open.</p>"),
        "a status before `approved` is open"
    );
}

#[test]
fn local_zoned_and_approximate_times_and_a_timeline_across_midnight() {
    let sre = build("sre-workbook");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(sre.site.join("incidents.json")).unwrap())
            .unwrap();
    let record = &json["incidents"][0];
    // 23:05 → 23:19 → ~00:40 (next day) → 01:30, in America/Los_Angeles.
    assert_eq!(record["minutes_to"]["detect"], 14);
    assert_eq!(record["minutes_to"]["mitigate"], 95);
    assert_eq!(record["minutes_to"]["resolve"], 145);
    assert_eq!(
        record["updated"], "2024-03-15T08:30:00Z",
        "01:30 PDT on the next day"
    );
    let slug = "2024-03-14-search-index-rebuild-overloads-catalog";
    let page =
        std::fs::read_to_string(sre.site.join(format!("incidents/{slug}/index.html"))).unwrap();
    assert!(
        page.contains("<abbr title=\"Time to mitigate\">TTM</abbr> ~1 h 35 min"),
        "approximate"
    );
    assert!(page.contains(
        "<time datetime=\"2024-03-15T07:40:00Z\" class=\"approximate\" title=\"approximate time\">~00:40</time>"
    ));
    assert!(
        page.contains("<li class=\"new-day\"><time datetime=\"2024-03-15\">2024-03-15</time></li>")
    );

    let pagerduty = build("pagerduty");
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(pagerduty.site.join("incidents.json")).unwrap(),
    )
    .unwrap();
    // `16:58 UTC`-style entries and a `2024-06-20 14:02 UTC` date.
    assert_eq!(json["incidents"][0]["minutes_to"]["detect"], 7);
    assert_eq!(json["incidents"][0]["minutes_to"]["resolve"], 53);
}

#[test]
fn images_are_copied_next_to_the_page_and_reports_link_them_where_they_lie() {
    let built = build("pagerduty");
    let slug = "2024-06-20-dns-resolver-timeouts-fail-api-logins";
    let copied = built
        .site
        .join(format!("incidents/{slug}/graphs/coredns-memory.png"));
    let original = fixture("pagerduty").join("incidents/graphs/coredns-memory.png");
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        std::fs::read(&original).unwrap()
    );
    let page =
        std::fs::read_to_string(built.site.join(format!("incidents/{slug}/index.html"))).unwrap();
    assert!(
        page.contains("<img src=\"graphs/coredns-memory.png\""),
        "the link works as written"
    );
    let report = std::fs::read_to_string(built.reports.join(format!("{slug}.md"))).unwrap();
    let link = report
        .split("](")
        .filter_map(|rest| rest.split(')').next())
        .find(|l| l.ends_with("coredns-memory.png"))
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(
        std::fs::canonicalize(built.reports.join(link.replace("%20", " "))).unwrap(),
        std::fs::canonicalize(&original).unwrap(),
        "the report's link leads to the file from the reports folder"
    );
    // In the folder named after the incident, too.
    let capacity = build("capacity");
    let slug = "2024-02-28-log-volume-fills-build-cache-disks";
    assert!(
        capacity
            .site
            .join(format!("incidents/{slug}/disk-usage.png"))
            .is_file()
    );
}
