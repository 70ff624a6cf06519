//! `postmortem serve` answers only its own names: forged `Host` and foreign `Origin`
//! headers (DNS rebinding, other pages) get 403 on every path, the live stream included.
//! Requests are written by hand on a raw socket, so every header is exactly as a browser
//! under attack (or `curl -H`) would send it.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use common::Workspace;
use common::serve::{Running, incident};

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.incident("a.yaml", incident("Secret outage", "Alpha summary."));
    ws
}

/// `127.0.0.1:PORT` of a running server.
fn addr(server: &Running) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// What came back: the status and the whole head and body as text.
struct Answer {
    status: u16,
    text: String,
}

/// Sends `GET path` with exactly `headers` (each `Name: value`), and reads the answer:
/// the head and, unless `head_only`, the body up to the close.
fn request(addr: &str, path: &str, headers: &[&str], head_only: bool) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut text = format!("GET {path} HTTP/1.1\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("Connection: close\r\n\r\n");
    stream.write_all(text.as_bytes()).expect("send");
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buf[..n]);
        if head_only && received.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&received).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    Answer { status, text }
}

fn get(addr: &str, path: &str, host: &str) -> Answer {
    request(addr, path, &[&format!("Host: {host}")], false)
}

/// Everything `serve` answers: pages, the data files, the 404 page (with the overlay),
/// the state and the live stream.
const PATHS: &[&str] = &[
    "/",
    "/incidents/a/",
    "/incidents.json",
    "/schema.json",
    "/no-such-page/",
    "/__postmortem/status",
    "/__postmortem/events",
];

#[test]
fn forged_hosts_are_refused_on_every_path() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let addr = addr(&server);
    let port = addr.rsplit(':').next().unwrap().to_owned();
    let forged = [
        "evil.example.com".to_owned(),
        format!("evil.example.com:{port}"),
        "EVIL.Example.COM.".to_owned(),
        "localhost.evil.example".to_owned(),
        format!("127.0.0.1.nip.io:{port}"),
        "[2001:db8::1]".to_owned(),
        format!("[2001:db8::1]:{port}"),
        format!("10.0.0.7:{port}"),
        "0.0.0.0".to_owned(),
        String::new(),
        "evil.example.com:x".to_owned(),
        "::1".to_owned(),
    ];
    let mut refused = 0;
    for host in &forged {
        for path in PATHS {
            let answer = get(&addr, path, host);
            assert_eq!(answer.status, 403, "Host {host:?} {path}: {}", answer.text);
            assert!(!answer.text.contains("Secret outage"), "{host} {path}");
            assert!(
                !answer.text.to_ascii_lowercase().contains("access-control-"),
                "no CORS headers: {}",
                answer.text
            );
            assert!(answer.text.contains("text/plain"), "{}", answer.text);
        }
        refused += 1;
    }
    // A name gets the flag that allows it.
    let answer = get(
        &addr,
        "/incidents.json",
        &format!("evil.example.com:{port}"),
    );
    assert!(
        answer
            .text
            .contains("postmortem serve --allowed-host evil.example.com"),
        "{}",
        answer.text
    );
    // No Host at all (HTTP/1.0).
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET /incidents.json HTTP/1.0\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.0 403"), "{text}");
    refused += 1;
    println!("Host forms refused: {refused}");
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn its_own_names_are_answered() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let addr = addr(&server);
    let port = addr.rsplit(':').next().unwrap().to_owned();
    for host in [
        addr.clone(),
        "localhost".to_owned(),
        format!("localhost:{port}"),
        "LocalHost.".to_owned(),
        "127.0.0.1".to_owned(),
        "127.1.2.3".to_owned(),
        "[::1]".to_owned(),
        format!("[::1]:{port}"),
        format!("[::ffff:127.0.0.1]:{port}"),
    ] {
        let answer = get(&addr, "/incidents.json", &host);
        assert_eq!(answer.status, 200, "Host {host}: {}", answer.text);
        assert!(answer.text.contains("Secret outage"));
        assert!(!answer.text.to_ascii_lowercase().contains("access-control-"));
    }
    // The live stream too: its head comes, and it stays open.
    let answer = request(
        &addr,
        "/__postmortem/events",
        &[&format!("Host: localhost:{port}")],
        true,
    );
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.text.contains("text/event-stream"), "{}", answer.text);
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn pages_of_other_sites_are_refused() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let addr = addr(&server);
    let own = format!("Host: {addr}");
    for origin in [
        "http://evil.example.com",
        &format!(
            "http://evil.example.com:{}",
            addr.rsplit(':').next().unwrap()
        ),
        "null",
        "http://localhost:1",
        "file://",
    ] {
        for path in PATHS {
            let answer = request(&addr, path, &[&own, &format!("Origin: {origin}")], false);
            assert_eq!(
                answer.status, 403,
                "Origin {origin} {path}: {}",
                answer.text
            );
            assert!(!answer.text.contains("Secret outage"));
        }
    }
    // Its own pages (module scripts send Origin even to their own site).
    let answer = request(
        &addr,
        "/incidents.json",
        &[&own, &format!("Origin: http://{addr}")],
        false,
    );
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn allowed_hosts_come_from_the_flag_and_the_settings() {
    let ws = workspace();
    ws.write(
        "postmortem.toml",
        "allowed_hosts = [\"docs.example.org\", \".lan\"]\n",
    );
    let server = Running::serve(&ws, &["--allowed-host", "preview.example.com"]);
    server.wait_for_first_build();
    let addr = addr(&server);
    for host in [
        "preview.example.com",
        "Preview.Example.com:8080",
        "docs.example.org",
        "laptop.lan",
        "lan",
    ] {
        let answer = get(&addr, "/incidents.json", host);
        assert_eq!(answer.status, 200, "Host {host}: {}", answer.text);
    }
    for host in ["other.example.com", "evil-lan", "x.preview.example.com"] {
        assert_eq!(get(&addr, "/incidents.json", host).status, 403, "{host}");
    }
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn a_bad_allowed_host_is_refused_at_start() {
    let ws = workspace();
    let output = ws.run(&["serve", "--port", "0", "--allowed-host", "http://x/"]);
    assert!(!output.status.success());
    let stderr = common::stderr(&output);
    assert!(stderr.contains("--allowed-host"), "{stderr}");
    assert!(stderr.contains("not a host name"), "{stderr}");
}
