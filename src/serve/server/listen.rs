//! Taking connections, within limits.
//!
//! `axum::serve` holds every connection for as long as the client likes: 200 clients that
//! send a header byte now and then, or that open a connection and say nothing, are held
//! for ever, and each costs memory. This loop drives hyper itself so that:
//!
//! - a request's head must arrive within [`HEADER_TIMEOUT`] (hyper's header read timeout,
//!   which also runs while a kept-alive connection waits for its next request);
//! - a connection that makes no progress either way for [`IDLE_TIMEOUT`] (a client that
//!   stopped reading a response) is closed;
//! - at most [`MAX_CONNECTIONS`] are served at once; more wait in the listen queue until a
//!   slot frees, which the timeouts guarantee.

use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Live;

/// How long a client may take to send a request's head (or to start the next one).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection may make no progress at all while a response is sent.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections served at once (each is a few kilobytes and one task).
pub const MAX_CONNECTIONS: u32 = 512;
/// How long a shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Serves `router` on `listener` until `signal` completes, then ends the event streams
/// and waits a moment for requests in flight.
pub async fn run(
    listener: TcpListener,
    router: Router,
    live: Arc<Live>,
    signal: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS as usize));
    let mut signal = pin!(signal);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut signal => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait for connections to close
                    // rather than spin.
                    if !is_transient(&error) {
                        return Err(error);
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        tokio::spawn(connection(
            stream,
            router.clone(),
            Arc::clone(&live),
            permit,
        ));
    }
    drop(listener);
    live.shut_down();
    // Every connection holds a slot until it ends.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(MAX_CONNECTIONS)).await;
    Ok(())
}

fn is_transient(error: &io::Error) -> bool {
    !matches!(
        error.kind(),
        io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
    )
}

/// Serves one connection until it ends, times out, or the server shuts down.
async fn connection(
    stream: TcpStream,
    router: Router,
    live: Arc<Live>,
    slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let progress = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let io = TokioIo::new(Tracked {
        inner: stream,
        progress: Arc::clone(&progress),
        started,
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(64 * 1024);
    let conn = builder.serve_connection(io, TowerToHyperService::new(router));
    let mut conn = pin!(conn);
    let mut stopped = pin!(live.stopped());
    let mut shutting_down = false;
    let mut check = tokio::time::interval(IDLE_TIMEOUT / 4);
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            () = &mut stopped, if !shutting_down => {
                conn.as_mut().graceful_shutdown();
                shutting_down = true;
            }
            _ = check.tick() => {
                let last = Duration::from_millis(progress.load(Ordering::Relaxed));
                if started.elapsed().saturating_sub(last) > IDLE_TIMEOUT {
                    break; // dropping the connection closes it
                }
            }
        }
    }
    drop(slot);
}

/// A socket that notes when it last moved bytes (milliseconds since `started`).
struct Tracked {
    inner: TcpStream,
    progress: Arc<AtomicU64>,
    started: Instant,
}

impl Tracked {
    fn moved(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.progress.store(now, Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.moved();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
