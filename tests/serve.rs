//! `postmortem serve` and `postmortem watch` end to end: a real server on a free port, real
//! HTTP requests, real file changes, and waits that poll for a condition with a timeout.

mod common;

use std::fs;
use std::time::Duration;

use common::serve::{Running, incident};
use common::{Workspace, stderr};

const PAGE: &str = "/incidents/a/";

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.incident("a.yaml", incident("First title", "Alpha summary."));
    ws.incident("b.yaml", incident("Other incident", "Beta summary."));
    ws
}

/// Writes `incidents/<name>` with a new title, the way `fs::write` does (in place).
fn retitle(ws: &Workspace, name: &str, title: &str) {
    ws.incident(name, incident(title, "Alpha summary."));
}

#[test]
fn serves_the_site_on_loopback_with_live_reload_only_in_responses() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    assert!(
        server.first_line.contains("http://127.0.0.1:"),
        "{}",
        server.first_line
    );
    server.wait_for_first_build();
    assert!(server.stderr().contains("only this computer can connect"));

    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.body.contains("<h1>First title</h1>"));
    assert!(
        page.body.contains("/__postmortem/events"),
        "script injected"
    );
    let script = page.body.find("/__postmortem/events").unwrap();
    assert!(
        script < page.body.rfind("</body>").unwrap(),
        "before </body>"
    );

    // Never in what is written to disk.
    let on_disk = fs::read_to_string(ws.path("site/incidents/a/index.html")).unwrap();
    assert!(on_disk.contains("<h1>First title</h1>"));
    assert!(!on_disk.contains("__postmortem"), "build output is clean");
    assert!(ws.path("reports/a.md").is_file(), "reports are written too");

    let status = server.status();
    assert_eq!(status["incidents"], 2);
    assert_eq!(status["error"], serde_json::Value::Null);
    assert_eq!(server.interrupt().code(), Some(0), "Ctrl-C exits with 0");
}

#[test]
fn a_saved_change_shows_in_the_served_page_and_its_lists() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    retitle(&ws, "a.yaml", "Second title");
    server.wait_for_page(PAGE, "<h1>Second title</h1>");
    server.wait_for_page("/", "Second title");
    // The other incident shares the error pattern: its related links name the new title.
    server.wait_for_page("/incidents/b/", "Second title");
    server.wait_for("the report", || {
        fs::read_to_string(ws.path("reports/a.md")).is_ok_and(|r| r.contains("Second title"))
    });
    server.wait_for("the search index, re-indexed in the background", || {
        common::search_fragments(&ws.path("site/pagefind"))
            .iter()
            .any(|f| f.contains("Second title"))
    });
    server.wait_for("incidents.json and the pattern page", || {
        let json = fs::read_to_string(ws.path("site/incidents.json")).unwrap_or_default();
        let patterns = fs::read_to_string(ws.path("site/patterns/index.html")).unwrap_or_default();
        json.contains("Second title") && patterns.contains("Second title")
    });
    server.wait_for("one line per rebuild, saying what and how long", || {
        server.stderr().lines().any(|line| {
            line.contains("rebuild 1 (incidents/a.yaml) in ")
                && line.contains(" ms (page in ")
                // The other incident shares the error pattern, so its page lists this one
                // as related and is re-rendered too.
                && line.contains("): 2 incident pages, ")
        })
    });
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn a_new_incident_whose_error_was_seen_before_gets_the_check_note() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    // `a` and `b` share an error, but the first build does not recite the history.
    assert!(!server.stderr().contains("note:"), "{}", server.stderr());
    ws.incident("c.yaml", incident("Third time", "Gamma summary."));
    server.wait_for("the recurrence note", || {
        let stderr = server.stderr();
        let lines: Vec<&str> = stderr.lines().collect();
        lines.windows(2).any(|pair| {
            pair[0].starts_with("note: error matches pattern `")
                && pair[0].ends_with("seen in 2 earlier incidents: a, b")
                && pair[1] == " --> incidents/c.yaml"
        })
    });
    assert_eq!(server.interrupt().code(), Some(0));
}

/// A `build` killed between writing the site and the reports leaves a pair of two builds;
/// `serve`'s first build says so and writes both again, as the next `build` would.
#[test]
fn a_site_and_reports_of_two_builds_are_reported_and_repaired() {
    let ws = workspace();
    let output = ws.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let id_file = ws.path("reports/.postmortem-build");
    fs::write(&id_file, "an-interrupted-build\n").expect("write build id");
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    server.wait_for("the repair warning", || {
        server
            .stderr()
            .contains("build an-interrupted-build) were from different builds")
    });
    let site = postmortem::site::write::site_build_id(&ws.path("site"));
    let reports = postmortem::site::write::reports_build_id(&ws.path("reports"));
    assert!(site.is_some() && site == reports, "{site:?} {reports:?}");
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn a_new_severity_reaches_the_counts_of_the_index_and_the_search_page() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    ws.incident(
        "a.yaml",
        incident("First title", "Alpha summary.").replace("severity: high", "severity: low"),
    );
    let low = "value=\"low\"> low <span class=\"count\" data-count-for=\"low\">1</span>";
    server.wait_for_page("/", low);
    server.wait_for_page("/search/", low);
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn a_dangling_link_is_the_same_error_as_in_check() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    std::os::unix::fs::symlink(ws.path("nowhere.yaml"), ws.path("incidents/broken.yaml")).unwrap();
    let check = stderr(&ws.run(&["check"]));
    assert!(check.contains("cannot list folder"), "{check}");
    server.wait_for("the error under serve", || {
        server.status()["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot list folder"))
    });
    server.wait_for_page(PAGE, "<h1>First title</h1>");
    fs::remove_file(ws.path("incidents/broken.yaml")).unwrap();
    server.wait_for("the error to clear", || server.status()["error"].is_null());
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn an_edit_rewrites_only_the_files_whose_bytes_changed() {
    use std::os::unix::fs::MetadataExt;
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let inode = |p: &str| fs::metadata(ws.path(p)).unwrap().ino();
    let (index, other) = (
        inode("site/index.html"),
        inode("site/incidents/b/index.html"),
    );
    // The root cause shows on the incident's page only, not in any list.
    let edited =
        incident("First title", "Alpha summary.").replace("A bad setting.", "A very bad setting.");
    ws.incident("a.yaml", edited);
    server.wait_for_page(PAGE, "A very bad setting.");
    // Once the rebuild is over, not while list pages may still be on their way.
    server.wait_for("the rebuild line", || {
        server.stderr().contains("rebuild 1 ")
    });
    assert_eq!(inode("site/index.html"), index, "index not rewritten");
    assert_eq!(
        inode("site/incidents/b/index.html"),
        other,
        "other page untouched"
    );
    let log = server.stderr();
    assert!(log.contains("1 incident page, 0 list pages"), "{log}");
    server.interrupt();
}

#[test]
fn a_broken_save_shows_the_check_diagnostic_in_an_overlay_over_the_last_good_page() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let broken = incident("Broken title", "Alpha summary.")
        .replace("status: resolved", "status: <script>alert(1)</script>");
    ws.incident("a.yaml", &broken);
    server.wait_for("the error", || !server.status()["error"].is_null());

    // The terminal shows what `check` shows.
    let check = stderr(&ws.run(&["check"]));
    let first = check
        .lines()
        .find(|l| l.starts_with(" --> incidents/a.yaml:"))
        .unwrap_or_else(|| panic!("{check}"));
    server.wait_for("the diagnostic in the terminal", || {
        server.stderr().contains(first)
    });

    // The browser keeps the last good page, with the diagnostic over it, escaped.
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<h1>First title</h1>"),
        "old page still served"
    );
    assert!(!page.body.contains("Broken title"));
    let overlay = page
        .body
        .find("id=\"postmortem-overlay\"")
        .expect("overlay");
    let overlay = &page.body[overlay..];
    assert!(!overlay.starts_with("id=\"postmortem-overlay\" role=\"alert\" hidden"));
    assert!(overlay.contains(&escape(first)), "{overlay}");
    assert!(overlay.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.body.contains("<script>alert(1)"), "nothing unescaped");

    // Fixing the file removes the overlay.
    retitle(&ws, "a.yaml", "Fixed title");
    server.wait_for_page(PAGE, "<h1>Fixed title</h1>");
    // The files change first, then open pages are told.
    server.wait_for("the error to clear", || server.status()["error"].is_null());
    let page = server.get(PAGE);
    assert!(
        page.body
            .contains("id=\"postmortem-overlay\" role=\"alert\" hidden")
    );
    assert_eq!(server.interrupt().code(), Some(0));
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn a_broken_first_build_serves_the_error_until_fixed() {
    let ws = Workspace::new();
    ws.incident("a.yaml", "title: [unclosed\n");
    let server = Running::serve(&ws, &[]);
    server.wait_for("the error", || !server.status()["error"].is_null());
    let page = server.get(PAGE);
    assert_eq!(page.status, 404, "no site yet");
    assert!(
        page.body.contains("incidents/a.yaml:1:"),
        "overlay: {}",
        page.body
    );
    assert!(!ws.path("site").exists(), "nothing written");

    ws.incident("a.yaml", incident("First title", "Alpha summary."));
    server.wait_for_page(PAGE, "<h1>First title</h1>");
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn no_request_leaves_the_site_folder() {
    let ws = workspace();
    ws.write("secret.txt", "TOP SECRET");
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let secret = ws.path("secret.txt");
    let site = ws.path("site");
    std::os::unix::fs::symlink(&secret, site.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(ws.root(), site.join("up")).unwrap();
    let absolute = format!("/{}", secret.display());
    let encoded_absolute = format!("/{}", absolute.replace('/', "%2f"));
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/incidents/..%2f..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        absolute.as_str(),
        encoded_absolute.as_str(),
        "/leak.txt",
        "/up/secret.txt",
        "/up/",
        "/no/such/page/",
    ] {
        let page = server.get(path);
        assert_eq!(page.status, 404, "{path}");
        assert!(!page.body.contains("TOP SECRET"), "{path}");
        assert!(
            page.body.contains("Page not found"),
            "{path}: the site's 404 page"
        );
        assert!(page.content_type.starts_with("text/html"), "{path}");
    }
    server.interrupt();
}

#[test]
fn content_types_fit_the_files() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let bundle = ws.path("site/pagefind");
    fs::create_dir_all(&bundle).unwrap();
    for name in [
        "pagefind-entry.json",
        "pagefind.js",
        "wasm.en.pagefind",
        "wasm_bg.wasm",
        "x.pf_meta",
        "x.pf_index",
        "x.pf_fragment",
    ] {
        fs::write(bundle.join(name), b"\0asm").unwrap();
    }
    for (path, expected) in [
        ("/pagefind/pagefind-entry.json", "application/json"),
        ("/pagefind/pagefind.js", "text/javascript"),
        ("/pagefind/wasm.en.pagefind", "application/octet-stream"),
        ("/pagefind/wasm_bg.wasm", "application/wasm"),
        ("/pagefind/x.pf_meta", "application/octet-stream"),
        ("/pagefind/x.pf_index", "application/octet-stream"),
        ("/pagefind/x.pf_fragment", "application/octet-stream"),
        ("/", "text/html"),
    ] {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.content_type.starts_with(expected),
            "{path}: {}",
            page.content_type
        );
    }
    let css = fs::read_dir(ws.path("site/assets"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .unwrap();
    assert!(
        server
            .get(&format!("/assets/{css}"))
            .content_type
            .starts_with("text/css")
    );
    server.interrupt();
}

#[test]
fn survives_atomic_saves_and_editor_files() {
    let ws = workspace();
    fs::create_dir_all(ws.path("templates")).unwrap();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let target = ws.path("incidents/a.yaml");

    // Write a temporary file, rename it over the target (most editors, `sed -i`).
    let temp = ws.path("incidents/.a.yaml.tmp1234");
    fs::write(&temp, incident("Atomic title", "Alpha summary.")).unwrap();
    fs::rename(&temp, &target).unwrap();
    server.wait_for_page(PAGE, "<h1>Atomic title</h1>");

    // vim: probe file, swap file, backup by rename, new file, backup removed.
    server.wait_for("the rebuild to be counted", || server.rebuilds() >= 1);
    let before = server.rebuilds();
    ws.write("incidents/4913", "");
    fs::remove_file(ws.path("incidents/4913")).unwrap();
    ws.write("incidents/.a.yaml.swp", "swap");
    ws.write("incidents/.#a.yaml", "lock");
    fs::rename(&target, ws.path("incidents/a.yaml~")).unwrap();
    fs::write(&target, incident("Vim title", "Alpha summary.")).unwrap();
    fs::remove_file(ws.path("incidents/a.yaml~")).unwrap();
    server.wait_for_page(PAGE, "<h1>Vim title</h1>");
    server.wait_for("the rebuild to be counted", || server.rebuilds() > before);
    let log = server.stderr();
    assert!(
        !log.contains(".swp") && !log.contains("4913") && !log.contains(".#a"),
        "{log}"
    );
    server.wait_for("no error", || server.status()["error"].is_null());
    let rebuilds = server.rebuilds() - before;
    assert!(
        (1..=3).contains(&rebuilds),
        "{rebuilds} rebuilds for one vim save"
    );

    // Editor files beside the templates are not a template change: without the filter,
    // any of them would make the next rebuild render everything.
    ws.write("templates/.base.html.swp", "swap");
    ws.write("templates/4913", "");
    ws.write("templates/base.html~", "backup");
    ws.incident("b.yaml", incident("Beta retitled", "Beta summary."));
    server.wait_for_page("/incidents/b/", "<h1>Beta retitled</h1>");
    server.wait_for("the rebuild line of b", || {
        server.stderr().contains("(incidents/b.yaml) in ")
    });
    let log = server.stderr();
    let tail = &log[log.find("(incidents/b.yaml) in ").unwrap_or(0)..];
    assert!(!tail.contains("everything"), "{log}");
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn a_burst_of_100_saves_gives_a_few_rebuilds() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let before = server.rebuilds();
    let start = std::time::Instant::now();
    for i in 0..100 {
        retitle(&ws, "a.yaml", &format!("Burst {i}"));
        std::thread::sleep(Duration::from_millis(10)); // 100 saves in about a second
    }
    let burst = start.elapsed();
    server.wait_for_page(PAGE, "<h1>Burst 99</h1>");
    server.wait_for("the rebuild to be counted", || server.rebuilds() > before);
    let rebuilds = server.rebuilds() - before;
    eprintln!("100 saves in {burst:?}: {rebuilds} rebuilds");
    assert!(
        (1..=15).contains(&rebuilds),
        "{rebuilds} rebuilds for 100 saves"
    );
    // In-place writes can be read half-written (an error for a moment); the last one wins.
    server.wait_for("no error", || server.status()["error"].is_null());
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn the_incidents_folder_can_be_deleted_and_created_again() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    fs::remove_dir_all(ws.path("incidents")).unwrap();
    server.wait_for("the missing folder to be reported", || {
        server.status()["error"]
            .as_str()
            .is_some_and(|e| e.contains("incidents folder not found"))
    });
    let page = server.get(PAGE);
    assert!(
        page.body.contains("<h1>First title</h1>"),
        "last good site stays"
    );

    fs::create_dir(ws.path("incidents")).unwrap();
    ws.incident("a.yaml", incident("Reborn title", "Alpha summary."));
    ws.incident("b.yaml", incident("Other incident", "Beta summary."));
    server.wait_for_page(PAGE, "<h1>Reborn title</h1>");
    server.wait_for("the error to clear", || server.status()["error"].is_null());

    // The new folder is watched too.
    retitle(&ws, "a.yaml", "Watched again");
    server.wait_for_page(PAGE, "<h1>Watched again</h1>");
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn created_deleted_and_renamed_incidents() {
    let ws = workspace();
    ws.incident(
        "c.yaml",
        format!("{}tags: [rare-tag]\n", incident("Tagged", "Gamma summary.")),
    );
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    assert_eq!(server.get("/tags/rare-tag/").status, 200);

    ws.incident("d.yaml", incident("Brand new", "Delta summary."));
    server.wait_for_page("/incidents/d/", "<h1>Brand new</h1>");
    server.wait_for_page("/", "Brand new");

    fs::remove_file(ws.path("incidents/c.yaml")).unwrap();
    server.wait_for("the deleted incident's page to go", || {
        server.get("/incidents/c/").status == 404
    });
    assert_eq!(
        server.get("/tags/rare-tag/").status,
        404,
        "its only tag goes too"
    );
    server.wait_for("its report to go too", || !ws.path("reports/c.md").exists());

    fs::rename(ws.path("incidents/d.yaml"), ws.path("incidents/e.yaml")).unwrap();
    server.wait_for_page("/incidents/e/", "<h1>Brand new</h1>");
    server.wait_for("the old name to go", || {
        server.get("/incidents/d/").status == 404
    });
    assert!(!server.get("/").body.contains("incidents/d/"));
    server.wait_for("no error", || server.status()["error"].is_null());
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn a_template_with_a_syntax_error_keeps_the_last_good_site() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    ws.write(
        "templates/incident.html",
        "{% extends \"base.html\" %}\n{% if %}\n",
    );
    server.wait_for("the template error", || {
        server.status()["error"]
            .as_str()
            .is_some_and(|e| e.contains("incident.html"))
    });
    let page = server.get(PAGE);
    assert!(page.body.contains("<h1>First title</h1>"));
    assert!(
        !page.body.contains("role=\"alert\" hidden"),
        "overlay shown"
    );

    ws.write(
        "templates/incident.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Custom {{ page_data.incident.title }}</h1>{% endblock content %}",
    );
    server.wait_for_page(PAGE, "<h1>Custom First title</h1>");
    server.wait_for("the error to clear", || server.status()["error"].is_null());
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn polling_sees_changes_too() {
    let ws = workspace();
    let server = Running::serve(&ws, &["--poll"]);
    server.wait_for_first_build();
    retitle(&ws, "a.yaml", "Polled title");
    server.wait_for_page(PAGE, "<h1>Polled title</h1>");
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn an_explicit_busy_port_is_a_clear_error() {
    let ws = workspace();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = ws.run(&["serve", "--port", &port]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("port {port}")) && err.contains("in use"),
        "{err}"
    );
    assert!(!ws.path("site").exists(), "nothing built");
}

#[test]
fn binding_beyond_loopback_warns() {
    let ws = workspace();
    let server = Running::serve(&ws, &["--bind", "0.0.0.0"]);
    assert!(
        server.first_line.contains("http://0.0.0.0:"),
        "{}",
        server.first_line
    );
    server.wait_for("the warning", || {
        server.stderr().contains("warning: listening on 0.0.0.0")
    });
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn watch_rebuilds_without_a_server() {
    let ws = workspace();
    let watcher = Running::watch(&ws, &[]);
    let page = ws.path("site/incidents/a/index.html");
    watcher.wait_for("the first build", || {
        fs::read_to_string(&page).is_ok_and(|p| p.contains("First title"))
    });
    retitle(&ws, "a.yaml", "Watched title");
    watcher.wait_for("the rebuild", || {
        fs::read_to_string(&page).is_ok_and(|p| p.contains("<h1>Watched title</h1>"))
    });
    assert!(!fs::read_to_string(&page).unwrap().contains("__postmortem"));
    assert_eq!(watcher.interrupt().code(), Some(0));
}

#[test]
fn a_saved_picture_is_copied_again_without_touching_its_incident() {
    let ws = Workspace::new();
    ws.write("incidents/a/graph.png", b"first picture");
    ws.incident(
        "a.yaml",
        incident("With a graph", "The graph ![errors](graph.png)"),
    );
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    assert_eq!(server.get("/incidents/a/graph.png").body, "first picture");
    let rebuilds = server.rebuilds();
    ws.write("incidents/a/graph.png", b"second picture");
    server.wait_for("the new picture", || {
        server.get("/incidents/a/graph.png").body == "second picture"
    });
    // The picture is written during the rebuild and the count goes up at its end: wait
    // for the count rather than read it the moment the picture appears.
    server.wait_for("the rebuild to be counted", || server.rebuilds() > rebuilds);
    // What serve wrote is what a build writes.
    let built = tempfile::tempdir().unwrap();
    let out = built.path().join("site");
    let output = ws.run(&["build", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        fs::read(out.join("incidents/a/graph.png")).unwrap(),
        b"second picture"
    );
    assert_eq!(server.interrupt().code(), Some(0));
}
