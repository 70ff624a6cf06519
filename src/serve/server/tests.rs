//! Paths, types and the reload script of the preview server.

use super::access::host_of;
use super::*;

#[test]
fn traversal_is_refused() {
    for bad in [
        "/../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/incidents/..%2f..%2fetc/passwd",
        "/%2fetc%2fpasswd",
        "/..%5c..%5cwindows",
        "/C:/Windows/win.ini",
        "/a%00b",
    ] {
        assert_eq!(request_path(bad), None, "{bad}");
    }
    assert_eq!(
        request_path("//etc/passwd"),
        Some(PathBuf::from("etc/passwd"))
    );
    assert_eq!(
        request_path("/incidents/a%20b/./index.html"),
        Some(PathBuf::from("incidents/a b/index.html"))
    );
    assert_eq!(request_path("/"), Some(PathBuf::new()));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("inside")).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    std::fs::write(site.join("inside/index.html"), "ok").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path(), site.join("up")).unwrap();
    std::os::unix::fs::symlink(site.join("inside/index.html"), site.join("ok.html")).unwrap();
    assert!(!stays_inside(&site, Path::new("leak.txt")));
    assert!(!stays_inside(&site, Path::new("up/secret.txt")));
    assert!(!stays_inside(&site, Path::new("up")));
    assert!(stays_inside(&site, Path::new("ok.html")));
    assert!(stays_inside(&site, Path::new("inside")));
    assert!(stays_inside(&site, Path::new("missing.html")));
}

#[test]
fn script_goes_before_the_last_body_end_and_errors_are_escaped() {
    let state = LiveState {
        build: 7,
        error: Some("a.yaml:1:1: error: <script>alert(1)</script>".into()),
        ..LiveState::default()
    };
    let html = inject("<p></body></p><x></BODY></html>", &state, false);
    assert!(html.ends_with("</BODY></html>"), "{html}");
    assert!(html.contains("})(7, false);"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    let ok = inject("<p>x</p>", &LiveState::default(), true);
    assert!(ok.contains("})(0, true);"));
    assert!(ok.contains("id=\"postmortem-overlay\" role=\"alert\" hidden"));
}

#[test]
fn search_bundle_types() {
    assert_eq!(
        content_type(Path::new("pagefind/wasm.en.pagefind")),
        Some("application/octet-stream")
    );
    assert_eq!(
        content_type(Path::new("pagefind/index/en_1.pf_index")),
        Some("application/octet-stream")
    );
    assert_eq!(
        content_type(Path::new("pagefind/x.wasm")),
        Some("application/wasm")
    );
    assert_eq!(content_type(Path::new("index.html")), None);
}

#[test]
fn a_busy_exact_port_is_an_error_and_a_preferred_one_moves() {
    let ip: IpAddr = [127, 0, 0, 1].into();
    let taken = bind(ip, Port::Exactly(0)).unwrap();
    let port = taken.addr.port();
    let err = bind(ip, Port::Exactly(port)).err().expect("busy");
    assert!(err.to_string().contains("in use"), "{err}");
    let moved = bind(ip, Port::Preferred(port)).unwrap();
    assert_eq!(moved.moved_from, Some(port));
    assert_ne!(moved.addr.port(), port);
}

#[test]
fn hosts_are_split_from_their_ports() {
    assert_eq!(host_of("localhost:3000"), Some("localhost"));
    assert_eq!(host_of("[::1]:3000"), Some("::1"));
    assert_eq!(host_of("[::1]"), Some("::1"));
    assert_eq!(host_of("a.b"), Some("a.b"));
    for bad in ["", "::1", "[::1", "[::1]x", "a b", "a:b", "[evil]:1", "a/b"] {
        assert_eq!(host_of(bad), None, "{bad}");
    }
    let open = Access::new([0, 0, 0, 0].into(), []);
    assert!(
        open.allows_host("192.168.1.20"),
        "any address with --bind 0.0.0.0"
    );
    assert!(!open.allows_host("evil.example.com"));
    let lan = Access::new([192, 168, 1, 20].into(), [".lan".to_owned()]);
    assert!(lan.allows_host("192.168.1.20"));
    assert!(!lan.allows_host("192.168.1.21"));
    assert!(lan.allows_host("box.lan"));
    assert!(!lan.allows_host("evillan"));
}

#[test]
fn a_watcher_problem_shows_on_the_page_escaped() {
    let quiet = inject("<p>x</p></body>", &LiveState::default(), false);
    assert!(quiet.contains("id=\"postmortem-watch\" role=\"status\" hidden"));
    let state = LiveState {
        watcher: Some("file events failed (<b>queue overflow</b>)".into()),
        ..LiveState::default()
    };
    let html = inject("<p>x</p></body>", &state, false);
    assert!(html.contains("id=\"postmortem-watch\" role=\"status\" style="));
    assert!(html.contains("file events failed (&lt;b&gt;queue overflow&lt;/b&gt;)"));
}
