//! `postmortem serve` under clients that misbehave: slow and idle ones are dropped, live
//! streams are capped and given back when their tab goes, over-long paths are the 404 page,
//! and it keeps answering throughout. Waits poll for a condition with a deadline.

mod common;

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Workspace;
use common::serve::{Running, incident};

/// Longer than the server's header timeout (5 s) plus a busy machine's delays.
const DEADLINE: Duration = Duration::from_secs(40);

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.incident("a.yaml", incident("First title", "Alpha summary."));
    ws
}

fn addr(server: &Running) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Whether the server closed `stream` (reads end or fail); `stream` is non-blocking.
fn closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {} // an answer (408, or nothing): keep reading to the end
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
}

/// The resident memory of a process, in kB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Opens `count` connections that each send the start of a request's head.
fn open_slow(addr: &str, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).expect("connect");
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                .expect("send");
            stream.set_nonblocking(true).expect("non-blocking");
            stream
        })
        .collect()
}

/// Trickles a header line into every open connection until the server closed all of them
/// or the deadline passed; returns how many it closed.
fn trickle_until_closed(streams: &mut [TcpStream], server: &Running) -> usize {
    let start = Instant::now();
    let mut open: Vec<bool> = vec![true; streams.len()];
    while open.iter().any(|o| *o) && start.elapsed() < DEADLINE {
        for (stream, open) in streams.iter_mut().zip(open.iter_mut()) {
            if *open && (closed(stream) || stream.write_all(b"X-Slow: 1\r\n").is_err()) {
                *open = false;
            }
        }
        // The server keeps answering others meanwhile.
        assert_eq!(server.get("/incidents/a/").status, 200);
        std::thread::sleep(Duration::from_millis(200));
    }
    open.iter().filter(|o| !**o).count()
}

#[test]
fn slow_clients_are_dropped_and_others_still_answered() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let addr = addr(&server);
    let before = rss_kb(server.pid());
    let mut slow = open_slow(&addr, 200);
    let dropped = trickle_until_closed(&mut slow, &server);
    println!("slow clients dropped: {dropped} of 200");
    assert_eq!(dropped, 200, "every slow client is dropped");

    // Connections that say nothing at all are dropped too.
    let mut held: Vec<TcpStream> = (0..200)
        .map(|_| {
            let stream = TcpStream::connect(&addr).expect("connect");
            stream.set_nonblocking(true).expect("non-blocking");
            stream
        })
        .collect();
    server.wait_for("a page while 200 connections are held", || {
        server.get("/").status == 200
    });
    let during = rss_kb(server.pid());
    let start = Instant::now();
    while !held.iter_mut().all(closed) {
        assert!(start.elapsed() < DEADLINE, "idle connections still open");
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(held);
    drop(slow);
    assert_eq!(server.get("/incidents/a/").status, 200);
    let after = rss_kb(server.pid());
    println!("RSS kB: before {before}, with 200 held connections {during}, after {after}");
    assert_eq!(server.interrupt().code(), Some(0));
}

/// Opens a live stream; its status.
fn open_live(addr: &str) -> (u16, TcpStream) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .write_all(b"GET /__postmortem/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, stream)
}

#[test]
fn live_streams_are_capped_and_given_back_when_tabs_go() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let addr = addr(&server);
    let before = rss_kb(server.pid());
    let mut streams = Vec::new();
    loop {
        let (status, stream) = open_live(&addr);
        if status != 200 {
            assert_eq!(status, 503, "refused above the cap");
            break;
        }
        streams.push(stream);
        assert!(streams.len() <= 1000, "no cap on live streams");
    }
    let cap = streams.len();
    println!("live streams accepted: {cap}");
    assert!((8..=256).contains(&cap), "{cap}");
    // Pages still load.
    assert_eq!(server.get("/incidents/a/").status, 200);

    // Ten tabs go away: ten new ones get a stream.
    streams.truncate(cap - 10);
    let start = Instant::now();
    let mut reopened = 0;
    while reopened < 10 {
        assert!(
            start.elapsed() < DEADLINE,
            "closed streams were not given back"
        );
        let (status, stream) = open_live(&addr);
        if status == 200 {
            streams.push(stream);
            reopened += 1;
        } else {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    assert_eq!(open_live(&addr).0, 503, "the cap still holds");
    let during = rss_kb(server.pid());
    drop(streams);
    // Every place comes back once the tabs are gone.
    let start = Instant::now();
    let mut again = Vec::new();
    while again.len() < cap {
        assert!(start.elapsed() < DEADLINE, "places not given back");
        let (status, stream) = open_live(&addr);
        if status == 200 {
            again.push(stream);
        } else {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    drop(again);
    println!(
        "RSS kB: before {before}, with {cap} live streams {during}, after {}",
        rss_kb(server.pid())
    );
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn over_long_paths_are_the_404_page() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    let not_found = server.get("/no-such-page/");
    assert_eq!(not_found.status, 404);
    let long_segment = format!("/incidents/{}/", "a".repeat(300));
    let long_path =
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .repeat(60);
    let encoded = format!("/{}", "%61".repeat(256));
    for path in [&long_segment, &long_path, &encoded] {
        let page = server.get(path);
        assert_eq!(page.status, 404, "{}: {}", path.len(), page.body);
        assert_eq!(page.body, not_found.body, "the site's 404 page");
    }
    assert_eq!(server.interrupt().code(), Some(0));
}

#[test]
fn thousands_of_sequential_requests_keep_answering() {
    let ws = workspace();
    let server = Running::serve(&ws, &[]);
    server.wait_for_first_build();
    for i in 0..2000 {
        let path = ["/", "/incidents/a/", "/incidents.json", "/missing"][i % 4];
        let expected = if path == "/missing" { 404 } else { 200 };
        assert_eq!(server.get(path).status, expected, "request {i}: {path}");
    }
    assert_eq!(server.interrupt().code(), Some(0));
}
