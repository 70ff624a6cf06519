//! Publishing: every internal link of the example site resolves (at a domain root and
//! under a sub-path), the feed, sitemap, incidents.json and schema.json say what they
//! should, and `init` creates a workspace that checks, builds and deploys.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Workspace, run_in, snapshot, stderr, stdout};
use url::Url;

/// Builds this repository's example incidents into a temporary folder.
fn build_examples(base_url: Option<&str>) -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let reports = out.path().join("reports");
    let mut args = vec![
        "--root",
        repo.to_str().unwrap(),
        "build",
        "--out",
        site.to_str().unwrap(),
    ];
    args.extend(["--reports", reports.to_str().unwrap()]);
    if let Some(base) = base_url {
        args.extend(["--base-url", base]);
    }
    let output = run_in(repo, &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    out
}

/// Crawls every HTML page of `site` as if served at `base`, and returns the internal links
/// that do not resolve to a file of the site (or to an id on their page).
fn broken_links(site: &Path, base: &str) -> Vec<String> {
    let base = Url::parse(base).unwrap();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, content) in snapshot(site) {
        let path = path.to_string_lossy().replace('\\', "/");
        if !path.ends_with(".html") {
            continue;
        }
        let page_url = base.join(&path).unwrap();
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&content));
        let selector =
            scraper::Selector::parse("a[href], link[href], script[src], img[src]").unwrap();
        for element in html.select(&selector) {
            let target = element
                .value()
                .attr("href")
                .or(element.value().attr("src"))
                .unwrap_or_default();
            let Ok(resolved) = page_url.join(target) else {
                broken.push(format!("{path}: unparsable {target}"));
                continue;
            };
            if resolved.host_str() != base.host_str() {
                // A link to elsewhere (written in an incident) is fine; loading a script,
                // style, icon or image from elsewhere is not: the site must be self-contained.
                let rel = element.value().attr("rel").unwrap_or_default();
                if element.value().name() != "a" && !matches!(rel, "canonical" | "alternate") {
                    broken.push(format!("{path}: loads {target} from another host"));
                }
                continue;
            }
            checked += 1;
            let Some(relative) = resolved.path().strip_prefix(base.path()) else {
                broken.push(format!("{path}: {target} leaves the site ({resolved})"));
                continue;
            };
            let mut file = site.join(relative);
            if relative.is_empty() || relative.ends_with('/') {
                file = file.join("index.html");
            }
            if !file.is_file() {
                broken.push(format!(
                    "{path}: {target} -> {} does not exist",
                    file.display()
                ));
                continue;
            }
            if let Some(fragment) = resolved.fragment().filter(|f| !f.is_empty())
                && file.extension().is_some_and(|e| e == "html")
            {
                let target_html = std::fs::read_to_string(&file).unwrap();
                if !target_html.contains(&format!("id=\"{fragment}\"")) {
                    broken.push(format!("{path}: {target} has no #{fragment}"));
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} links checked");
    broken
}

#[test]
fn every_internal_link_resolves_at_a_root_and_under_a_sub_path() {
    let root = build_examples(None);
    // Without a base URL the site is relative: serve it anywhere, here at a domain root.
    let broken = broken_links(&root.path().join("site"), "http://incidents.test/");
    assert!(broken.is_empty(), "{broken:#?}");

    let sub = build_examples(Some("https://acme.github.io/incidents/"));
    let broken = broken_links(
        &sub.path().join("site"),
        "https://acme.github.io/incidents/",
    );
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn feed_and_sitemap_list_every_incident() {
    let base = "https://acme.github.io/incidents/";
    let out = build_examples(Some(base));
    let site = out.path().join("site");
    let incidents: BTreeSet<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents"))
            .unwrap()
            .flatten()
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".yaml")
                    .map(str::to_owned)
            })
            .collect();
    let pages: BTreeSet<String> = incidents
        .iter()
        .map(|slug| format!("{base}incidents/{slug}/"))
        .collect();

    let feed = std::fs::read_to_string(site.join("feed.xml")).unwrap();
    let feed = roxmltree::Document::parse(&feed).expect("feed.xml is XML");
    let atom = "http://www.w3.org/2005/Atom";
    assert_eq!(feed.root_element().tag_name().namespace(), Some(atom));
    let entries: Vec<_> = feed
        .descendants()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    let child = |n: &roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((atom, name)))
            .and_then(|c| c.text())
            .map(str::to_owned)
    };
    let linked: BTreeSet<String> = entries.iter().filter_map(|e| child(e, "id")).collect();
    assert_eq!(linked, pages, "one entry per incident");
    let updated: Vec<String> = entries
        .iter()
        .map(|e| child(e, "updated").unwrap())
        .collect();
    assert!(
        updated.iter().all(|u| jiff::Timestamp::from_str(u).is_ok()),
        "RFC 3339: {updated:?}"
    );
    let published: Vec<String> = entries
        .iter()
        .map(|e| child(e, "published").unwrap())
        .collect();
    let mut newest_first = published.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(published, newest_first, "newest first");
    assert!(
        entries
            .iter()
            .all(|e| child(e, "summary").is_some_and(|s| s.len() > 40)),
        "summaries"
    );

    let sitemap = std::fs::read_to_string(site.join("sitemap.xml")).unwrap();
    let sitemap = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is XML");
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    let locs: BTreeSet<String> = sitemap
        .descendants()
        .filter(|n| n.has_tag_name((ns, "loc")))
        .filter_map(|n| n.text())
        .map(str::to_owned)
        .collect();
    assert!(pages.is_subset(&locs), "every incident page in the sitemap");
    assert!(
        locs.contains(base) && locs.contains(&format!("{base}tags/")),
        "index and tags"
    );
    assert!(
        locs.iter()
            .all(|l| l.starts_with(base) && !l.contains("404")),
        "{locs:#?}"
    );

    let robots = std::fs::read_to_string(site.join("robots.txt")).unwrap();
    assert!(
        robots.contains(&format!("Sitemap: {base}sitemap.xml")),
        "{robots}"
    );
}

#[test]
fn without_a_base_url_there_is_no_feed_but_the_data_files() {
    let out = build_examples(None);
    let site = out.path().join("site");
    assert!(!site.join("feed.xml").exists() && !site.join("sitemap.xml").exists());
    assert!(site.join("incidents.json").is_file() && site.join("robots.txt").is_file());
}

use std::str::FromStr;

#[test]
fn incidents_json_matches_its_documented_schema() {
    let out = build_examples(Some("https://acme.github.io/incidents/"));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("site/incidents.json")).unwrap(),
    )
    .unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema_text = stdout(&run_in(repo, &["schema", "--incidents-json"]));
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    assert_eq!(json["format_version"], 1);
    // The keys the README documents, so a rename breaks this test, not the schema alone
    // (which is generated from the same type and would follow the rename).
    let keys = |value: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(&json),
        [
            "base_url",
            "format_version",
            "generator",
            "incidents",
            "title"
        ]
    );
    let incidents = json["incidents"].as_array().unwrap();
    for key in [
        "slug",
        "source",
        "path",
        "url",
        "updated",
        "minutes_to",
        "incident",
    ] {
        assert!(incidents[0].get(key).is_some(), "incidents[0].{key}");
    }
    let files = std::fs::read_dir(repo.join("incidents"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .count();
    assert_eq!(incidents.len(), files);
    let tls = incidents
        .iter()
        .find(|i| i["slug"] == "2025-08-19-expired-tls-certificate-takes-down-payments-api")
        .unwrap();
    assert_eq!(
        tls["url"],
        "https://acme.github.io/incidents/incidents/2025-08-19-expired-tls-certificate-takes-down-payments-api/"
    );
    assert_eq!(tls["incident"]["severity"], "critical");
    assert!(
        tls["minutes_to"]["resolve"].as_i64().is_some_and(|m| m > 0),
        "{}",
        tls["minutes_to"]
    );
    assert!(
        tls["pattern"]["text"]
            .as_str()
            .is_some_and(|p| p.starts_with("x509")),
        "{}",
        tls["pattern"]
    );
    let redis = incidents
        .iter()
        .find(|i| i["slug"] == "2025-07-12-redis-client-class-breaks-login")
        .unwrap();
    let related: Vec<&str> = redis["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["slug"].as_str())
        .collect();
    assert!(
        related.contains(&"2025-10-09-redis-connection-pool-kwargs-breaks-registration"),
        "{related:?}"
    );

    // A document that breaks the shape is caught: the schema is not vacuous.
    let mut broken = json.clone();
    broken["incidents"][0]["incident"]["severity"] = "apocalyptic".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn schema_json_is_what_the_schema_command_prints() {
    let out = build_examples(None);
    let published = std::fs::read_to_string(out.path().join("site/schema.json")).unwrap();
    let printed = stdout(&run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["schema"]));
    assert_eq!(published, printed);
}

#[test]
fn pages_carry_sharing_metadata() {
    let out = build_examples(Some("https://acme.github.io/incidents/"));
    let page = std::fs::read_to_string(out.path().join(
        "site/incidents/2025-08-19-expired-tls-certificate-takes-down-payments-api/index.html",
    ))
    .unwrap();
    let html = scraper::Html::parse_document(&page);
    let meta = |selector: &str| {
        let selector = scraper::Selector::parse(selector).unwrap();
        html.select(&selector)
            .next()
            .and_then(|e| e.value().attr("content"))
            .map(str::to_owned)
    };
    let title = meta("meta[property='og:title']").unwrap();
    assert!(title.contains("certificate"), "{title}");
    let description = meta("meta[name='description']").unwrap();
    assert_eq!(
        Some(description.clone()),
        meta("meta[property='og:description']")
    );
    assert!(
        description.len() > 40 && description.chars().count() <= 160,
        "{description}"
    );
    assert_eq!(
        meta("meta[property='og:url']").unwrap(),
        "https://acme.github.io/incidents/incidents/2025-08-19-expired-tls-certificate-takes-down-payments-api/"
    );
    let assets: Vec<String> = snapshot(&out.path().join("site/assets"))
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    assert!(
        assets
            .iter()
            .all(|a| a.split('.').count() == 3 && a.split('.').nth(1).unwrap().len() == 8),
        "fingerprinted: {assets:?}"
    );
}

#[test]
fn init_creates_a_workspace_that_checks_builds_and_deploys() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["init", "acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ws = dir.path().join("acme");
    for file in [
        "postmortem.toml",
        ".gitignore",
        "incidents/example-expired-tls-certificate.yaml",
        ".github/workflows/postmortem.yml",
    ] {
        assert!(ws.join(file).is_file(), "{file}");
        assert!(stderr(&output).contains(file), "says it created {file}");
    }
    let check = run_in(&ws, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let build = run_in(&ws, &["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(ws.join("site/index.html").is_file());
    assert!(
        std::fs::read_to_string(ws.join(".gitignore"))
            .unwrap()
            .contains("/site/")
    );

    let workflow: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(ws.join(".github/workflows/postmortem.yml")).unwrap(),
    )
    .expect("valid YAML");
    assert!(
        workflow["on"].get("pull_request").is_some(),
        "checks pull requests"
    );
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    let jobs = workflow["jobs"].as_object().unwrap();
    assert_eq!(jobs.keys().collect::<Vec<_>>(), ["check", "deploy"]);
    let steps = |job: &str| serde_json::to_string(&workflow["jobs"][job]["steps"]).unwrap();
    assert!(steps("check").contains("postmortem check"));
    for action in [
        "actions/checkout",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ] {
        assert!(steps("deploy").contains(action), "deploy uses {action}");
    }
    assert!(steps("deploy").contains("--base-url"));
    assert_eq!(workflow["jobs"]["deploy"]["permissions"]["pages"], "write");
}

#[test]
fn init_never_overwrites() {
    let ws = Workspace::new();
    ws.write("postmortem.toml", "title = \"mine\"\n")
        .write("incidents/keep.yaml", common::VALID);
    let before = snapshot(ws.root());
    let output = ws.run(&["init"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("postmortem.toml already exists"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("nothing was written"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(ws.root()), before);
}

#[test]
fn init_for_gitlab_writes_a_pages_job() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["init", "--ci", "gitlab"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ci: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(dir.path().join(".gitlab-ci.yml")).unwrap(),
    )
    .expect("valid YAML");
    assert_eq!(ci["pages"]["artifacts"]["paths"][0], "$POSTMORTEM_OUTPUT");
    assert_eq!(ci["variables"]["POSTMORTEM_OUTPUT"], "public");
    assert!(
        serde_json::to_string(&ci["pages"]["script"])
            .unwrap()
            .contains("--base-url")
    );
    // The settings name the folder GitLab publishes, so a local build writes it too and
    // the ignore file covers it.
    let build = run_in(dir.path(), &["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(dir.path().join("public/index.html").is_file());
    assert!(!dir.path().join("site").exists());
    let ignored = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(ignored.lines().any(|l| l == "/public/"), "{ignored}");
    assert!(
        serde_json::to_string(&ci["check"]["script"])
            .unwrap()
            .contains("postmortem check")
    );
    assert!(!dir.path().join(".github").exists());
}
