//! The preview server: the built site over HTTP, plus live reload.
//!
//! Files are served by tower-http's `ServeDir` behind axum; this module adds what a
//! preview of a user's files needs on top:
//!
//! - **Access.** Only requests for this server's own names and addresses are answered
//!   (see [`Access`]): other web pages cannot read the site through DNS rebinding.
//! - **Containment.** `ServeDir` rejects `..` but follows symlinks wherever they point, so
//!   every request path is decoded and checked here first (no `..`, no encoded `/` or `\`,
//!   no drive letters), and the file it names is canonicalised and must lie inside the
//!   canonical site folder. Anything else is the site's 404 page, with status 404.
//! - **Freshness.** Pages change several times a second while someone types; HTTP dates
//!   have one-second resolution, so conditional requests could be answered "not modified"
//!   with a stale page. Validators are stripped and every response says `no-store`.
//! - **Live reload.** HTML responses (and only those, and only here, never in what `build`
//!   writes) get a small script and a hidden error overlay before `</body>`. The script
//!   listens to `/__postmortem/events` (server-sent events of [`LiveState`]) and reloads the
//!   page in place when the site changed, or shows the overlay while a save is broken.
//!   `/__postmortem/status` returns the same state as JSON, for tools and tests. Incident
//!   slugs start with a letter or digit, so these paths never shadow a page.
//! - **Content types** for the search bundle (`.pf_meta`, `.pf_index`, `.pf_fragment`,
//!   `.pagefind`: binary) and `.wasm`, which browsers only compile when labelled so.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{Stream, StreamExt};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower_http::services::ServeDir;

pub use access::{Access, Refusal, parse_allowed_host};
pub use inject::inject;

use crate::site::Page;
use crate::site::pages::INDEX_FILE;

/// Path of the server-sent events stream.
pub const EVENTS_PATH: &str = "/__postmortem/events";
/// Path of the state as JSON.
pub const STATUS_PATH: &str = "/__postmortem/status";

/// Live-reload streams open at once: one per open tab of the preview.
pub const MAX_LIVE_CLIENTS: usize = 64;
/// How often an idle live stream sends a comment.
const LIVE_KEEP_ALIVE: Duration = Duration::from_secs(5);
/// The longest file name most file systems allow; a longer segment names no file.
const MAX_SEGMENT: usize = 255;

/// What open pages need to know about the site.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct LiveState {
    /// Moves whenever the site's files changed; open pages reload when it does.
    pub build: u64,
    /// Rebuilds since the first build, successful or not.
    pub rebuilds: u64,
    /// Incidents in the site served.
    pub incidents: usize,
    /// The diagnostics of the last rebuild, while it failed.
    pub error: Option<String>,
    /// Pages (relative to the site, e.g. `incidents/a/index.html`) that changed when
    /// `build` last moved: only they reload...
    pub changed: Vec<String>,
    /// ...unless everything may have changed.
    pub everything: bool,
    /// What went wrong with watching the files, if anything did: shown on every page.
    pub watcher: Option<String>,
}

/// State shared between the rebuild loop and the server.
pub struct Live {
    state: watch::Sender<LiveState>,
    site: RwLock<PathBuf>,
    stop: watch::Sender<bool>,
    /// One permit per open live-reload stream, given back when its tab goes away.
    live_clients: Arc<Semaphore>,
}

impl Live {
    /// Serves `site`.
    pub fn new(site: PathBuf) -> Arc<Self> {
        Arc::new(Self {
            state: watch::Sender::new(LiveState::default()),
            site: RwLock::new(site),
            stop: watch::Sender::new(false),
            live_clients: Arc::new(Semaphore::new(MAX_LIVE_CLIENTS)),
        })
    }

    /// Changes the state and tells every open page.
    pub fn update(&self, change: impl FnOnce(&mut LiveState)) {
        self.state.send_modify(change);
    }

    /// The current state.
    pub fn state(&self) -> LiveState {
        self.state.borrow().clone()
    }

    /// Serves another folder (`output` changed in postmortem.toml).
    pub fn set_site(&self, site: PathBuf) {
        if let Ok(mut current) = self.site.write() {
            *current = site;
        }
    }

    fn site(&self) -> PathBuf {
        self.site
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Ends the event streams, so that a graceful shutdown does not wait for open tabs.
    pub fn shut_down(&self) {
        self.stop.send_replace(true);
    }

    async fn stopped(&self) {
        let mut stop = self.stop.subscribe();
        let _ = stop.wait_for(|stopped| *stopped).await;
    }
}

/// Which port to listen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Port {
    /// This one, or the next free one of the following few; said aloud when moved.
    Preferred(u16),
    /// Exactly this one: the user asked for it, so a busy port is an error. 0 is any.
    Exactly(u16),
}

/// A listening socket.
pub struct Bound {
    listener: StdListener,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The preferred port, when it was busy and another was taken.
    pub moved_from: Option<u16>,
}

/// How many ports after a busy preferred one are tried.
const PORT_TRIES: u16 = 20;

/// Binds `ip` and `port`.
pub fn bind(ip: IpAddr, port: Port) -> io::Result<Bound> {
    let (first, tries) = match port {
        Port::Preferred(port) => (port, PORT_TRIES),
        Port::Exactly(port) => (port, 1),
    };
    let mut last_error = None;
    for offset in 0..tries {
        let Some(candidate) = first.checked_add(offset) else {
            break;
        };
        match StdListener::bind((ip, candidate)) {
            Ok(listener) => {
                let addr = listener.local_addr()?;
                return Ok(Bound {
                    listener,
                    addr,
                    moved_from: (offset > 0).then_some(first),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(e) => return Err(bind_error(ip, candidate, e)),
        }
    }
    let error = last_error.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse));
    Err(match port {
        Port::Exactly(p) => io::Error::new(
            error.kind(),
            format!(
                "port {p} on {ip} is in use by another program; choose another with --port, \
                 or --port 0 for any free port"
            ),
        ),
        Port::Preferred(p) => io::Error::new(
            error.kind(),
            format!(
                "ports {p} to {} on {ip} are all in use; choose one with --port, or --port 0 \
                 for any free port",
                p.saturating_add(PORT_TRIES - 1)
            ),
        ),
    })
}

fn bind_error(ip: IpAddr, port: u16, error: io::Error) -> io::Error {
    io::Error::new(
        error.kind(),
        format!("cannot listen on {ip} port {port}: {error}"),
    )
}

/// The routes of the preview server, each behind the `Host` and `Origin` checks.
pub fn router(live: Arc<Live>, access: Arc<Access>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(STATUS_PATH, get(status))
        .fallback(site_file)
        .layer(middleware::from_fn_with_state(access, access::guard))
        .with_state(live)
}

/// Serves until `signal` completes, then stops taking requests, ends the event streams
/// and waits a moment for requests in flight. Slow, idle and surplus clients are dropped
/// (see `listen`).
pub async fn serve(
    bound: Bound,
    live: Arc<Live>,
    access: Access,
    signal: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    bound.listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(bound.listener)?;
    let router = router(Arc::clone(&live), Arc::new(access));
    listen::run(listener, router, live, signal).await
}

async fn status(State(live): State<Arc<Live>>) -> Response {
    let mut response = axum::Json(live.state()).into_response();
    no_store(response.headers_mut());
    response
}

async fn events(State(live): State<Arc<Live>>) -> Response {
    let Ok(permit) = Arc::clone(&live.live_clients).try_acquire_owned() else {
        let text = format!(
            "More than {MAX_LIVE_CLIENTS} pages of this preview are open; close some tabs \
             (pages without live reload still show the site).\n"
        );
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
        no_store(response.headers_mut());
        return response;
    };
    live_stream(live, permit).into_response()
}

/// The state, then every change of it, until the server stops or the client goes away
/// (which drops the stream and with it `permit`).
fn live_stream(
    live: Arc<Live>,
    permit: OwnedSemaphorePermit,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let updates = live.state.subscribe();
    let stream = futures_util::stream::unfold((updates, true), |(mut updates, first)| async move {
        if !first && updates.changed().await.is_err() {
            return None;
        }
        let state = updates.borrow_and_update().clone();
        let event = Event::default()
            .event("state")
            .retry(Duration::from_millis(500))
            .data(serde_json::to_string(&state).unwrap_or_default());
        Some((Ok(event), (updates, false)))
    });
    let stop = async move { live.stopped().await };
    let stream = stream.take_until(Box::pin(stop)).map(move |event| {
        let _held = &permit;
        event
    });
    // A keep-alive now and then also finds tabs that went away without closing.
    Sse::new(stream).keep_alive(KeepAlive::new().interval(LIVE_KEEP_ALIVE))
}

/// Any other path: a file of the site, checked to stay inside it.
async fn site_file(State(live): State<Arc<Live>>, mut request: Request) -> Response {
    // The state before the file: a page read after a rebuild but tagged with the build
    // before it reloads once more; the other order could miss a change.
    let state = live.state();
    let root = live.site();
    let head = request.method() == Method::HEAD;
    let Some(relative) = request_path(request.uri().path()) else {
        return not_found(&state, &root, head).await;
    };
    if !stays_inside(&root, &relative) {
        return not_found(&state, &root, head).await;
    }
    for name in [
        header::IF_MODIFIED_SINCE,
        header::IF_UNMODIFIED_SINCE,
        header::IF_NONE_MATCH,
        header::IF_MATCH,
        header::IF_RANGE,
    ] {
        request.headers_mut().remove(name);
    }
    let response = match ServeDir::new(&root).try_call(request).await {
        Ok(response) => response.map(Body::new),
        // What `ServeDir` itself answers with 404: missing, unreadable, or a file used as
        // a folder (ENOTDIR).
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound
                    | io::ErrorKind::PermissionDenied
                    | io::ErrorKind::NotADirectory
                    | io::ErrorKind::InvalidFilename
            ) =>
        {
            return not_found(&state, &root, head).await;
        }
        Err(error) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
        }
    };
    if response.status() == StatusCode::NOT_FOUND {
        return not_found(&state, &root, head).await;
    }
    finish(response, &relative, &state, head).await
}

/// Content type, caching and, for HTML, the live-reload script.
async fn finish(
    mut response: Response,
    relative: &Path,
    state: &LiveState,
    head: bool,
) -> Response {
    if let Some(kind) = content_type(relative) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    }
    no_store(response.headers_mut());
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html || head || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
        }
    };
    let html = inject(&String::from_utf8_lossy(&bytes), state, false);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// The site's 404 page (with the script, so it too reloads), or a note that there is no
/// site yet.
async fn not_found(state: &LiveState, root: &Path, head: bool) -> Response {
    let page = PathBuf::from(Page::NotFound.path());
    let html = if stays_inside(root, &page) {
        tokio::fs::read_to_string(root.join(&page)).await.ok()
    } else {
        None
    };
    let html = html.unwrap_or_else(|| NO_PAGE.to_owned());
    let mut response = if head {
        (StatusCode::NOT_FOUND, Body::empty()).into_response()
    } else {
        (StatusCode::NOT_FOUND, inject(&html, state, true)).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_store(headers);
    response
}

/// Shown for unknown paths while the site has no 404 page (before the first good build).
const NO_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not found</title></head><body><h1>Not found</h1><p>There is no page here, or the \
site has not been built yet; this page reloads when it is.</p></body></html>";

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// The decoded path of a request, relative to the site, or `None` if any segment tries to
/// leave it, or that names no file: `..`, a segment longer than a file name may be, an
/// encoded separator (`%2f`, `%5c`), a NUL or a drive letter. Empty and
/// `.` segments are skipped, so `//etc/passwd` is `etc/passwd` inside the site.
pub fn request_path(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/') {
        let decoded = percent_decode_str(segment).decode_utf8().ok()?;
        match &*decoded {
            "" | "." => {}
            ".." => return None,
            name if name.contains(['/', '\\', '\0', ':']) || name.len() > MAX_SEGMENT => {
                return None;
            }
            name => relative.push(name),
        }
    }
    Some(relative)
}

/// Whether `relative` (and the `index.html` served for a folder) resolves, after
/// following symlinks, to a file inside `root`. Paths that do not exist pass: `ServeDir`
/// answers them with 404.
pub fn stays_inside(root: &Path, relative: &Path) -> bool {
    let Ok(root) = root.canonicalize() else {
        return true; // no site: nothing can be served from it
    };
    let inside = |path: &Path| match path.canonicalize() {
        Ok(real) => real.starts_with(&root),
        Err(_) => path.symlink_metadata().is_err(), // a dangling link is refused too
    };
    let target = root.join(relative);
    inside(&target) && (!target.is_dir() || inside(&target.join(INDEX_FILE)))
}

/// Types `ServeDir` would not guess, or guess too vaguely.
fn content_type(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()? {
        "wasm" => Some("application/wasm"),
        "pf_meta" | "pf_index" | "pf_fragment" | "pagefind" => Some("application/octet-stream"),
        "js" | "mjs" => Some("text/javascript; charset=utf-8"),
        _ => None,
    }
}

mod access;
mod inject;
mod listen;
#[cfg(test)]
mod tests;
