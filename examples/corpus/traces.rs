//! Stack traces and log lines, in each stack's own format.
//!
//! Real traces are the bulk of a real incident file and the hardest text for search and
//! highlighting, so these imitate each runtime's layout (Python's `Traceback`, Java's
//! `at`/`Caused by`, Go's goroutine dump, Node's `at`, Rust's backtrace) with long,
//! realistic frames. Each trace is 15-25 lines: a window of one of the frame tables below,
//! filled with the incident's names and random line numbers.

use jiff::Span;
use jiff::civil::DateTime;

use crate::rng::Rng;
use crate::stack::Stack;
use crate::template::{Ctx, fill, pascal, snake};

/// The stack trace of an error `kind: message` on `stack`.
pub fn stack_trace(stack: Stack, kind: &str, message: &str, ctx: &Ctx, rng: &mut Rng) -> String {
    let lines = rng.range(15, 25) as usize;
    let error = format!("{kind}: {message}");
    let out = match stack {
        Stack::Python => python(error, lines, ctx, rng),
        Stack::Java => java(error, lines, ctx, rng),
        Stack::Go => go(error, lines, ctx, rng),
        Stack::Node => node(error, lines, ctx, rng),
        Stack::Rust => rust(error, lines, ctx, rng),
    };
    out.join("\n")
}

/// Two or three log lines at the incident's start, a few seconds apart.
pub fn log_lines(kind: &str, message: &str, start: DateTime, ctx: &Ctx, rng: &mut Rng) -> String {
    let mut second = 0;
    (0..rng.range(2, 3))
        .map(|i| {
            let level = if i == 0 { "WARN" } else { "ERROR" };
            second += rng.range(0, 19);
            let at = start + Span::new().seconds(second).milliseconds(rng.range(0, 999));
            format!(
                "{}Z {level} {} request_id={:08x} {kind}: {message}",
                at.strftime("%Y-%m-%dT%H:%M:%S%.3f"),
                ctx.service,
                rng.next() as u32
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn python(error: String, lines: usize, ctx: &Ctx, rng: &mut Rng) -> Vec<String> {
    let mut out = vec!["Traceback (most recent call last):".to_owned()];
    let frames = ((lines - 1) / 2).min(11);
    let start = rng.below(PYTHON.len() - frames + 1);
    for (file, func, code) in &PYTHON[start..start + frames] {
        let file = file.replace("@svc@", &snake(ctx.service));
        let line = rng.range(12, 900);
        out.push(format!("  File \"{file}\", line {line}, in {func}"));
        out.push(format!("    {}", fill(code, ctx, rng)));
    }
    out.push(error);
    out
}

/// The trace, then its cause in four lines.
fn java(error: String, lines: usize, ctx: &Ctx, rng: &mut Rng) -> Vec<String> {
    let mut out = vec![error];
    let frames = (lines - 5).min(JAVA.len());
    let start = rng.below(JAVA.len() - frames + 1);
    let package = ctx.service.replace('-', "");
    let noun = pascal(ctx.noun);
    for frame in &JAVA[start..start + frames] {
        let frame = frame.replace("@svc@", &package).replace("@Noun@", &noun);
        let line = rng.range(40, 1200).to_string();
        out.push(format!("\tat {}", frame.replace("@L@", &line)));
    }
    out.push("Caused by: java.net.SocketTimeoutException: Read timed out".into());
    for (frame, file) in JAVA_CAUSE {
        let line = rng.range(40, 1200);
        out.push(format!("\tat java.base/{frame}({file}.java:{line})"));
    }
    out.push(format!("\t... {} more", rng.range(20, 80)));
    out
}

/// A goroutine dump of the outermost frames.
fn go(error: String, lines: usize, ctx: &Ctx, rng: &mut Rng) -> Vec<String> {
    let mut out = vec![error, String::new()];
    out.push(format!("goroutine {} [running]:", rng.range(20, 9000)));
    let frames = ((lines - 3) / 2).min(GO.len());
    let noun = pascal(ctx.noun);
    for (func, file) in &GO[GO.len() - frames..] {
        let func = func.replace("@SVC@", ctx.service).replace("@Noun@", &noun);
        let args = if func.starts_with("created") {
            ""
        } else {
            "(0xc000a1e2d0, 0xc0001f4000)"
        };
        out.push(format!("{func}{args}"));
        let file = file.replace("@noun@", ctx.noun);
        let (line, offset) = (rng.range(30, 3300), rng.range(0x20, 0x4ff));
        out.push(format!("\t{file}:{line} +0x{offset:x}"));
    }
    out
}

fn node(error: String, lines: usize, ctx: &Ctx, rng: &mut Rng) -> Vec<String> {
    let mut out = vec![error];
    let frames = (lines - 1).min(NODE.len());
    let start = rng.below(NODE.len() - frames + 1);
    let noun = pascal(ctx.noun);
    for frame in &NODE[start..start + frames] {
        // Every frame draws a line and a column, even one that shows neither.
        let (line, column) = (rng.range(5, 700), rng.range(3, 40));
        let frame = frame
            .replace("@Noun@", &noun)
            .replace("@noun@", ctx.noun)
            .replace("@L@", &line.to_string())
            .replace("@C@", &column.to_string());
        out.push(format!("    at {frame}"));
    }
    out
}

/// A panic message and the innermost frames of its backtrace.
fn rust(error: String, lines: usize, ctx: &Ctx, rng: &mut Rng) -> Vec<String> {
    let (line, column) = (rng.range(20, 400), rng.range(5, 60));
    let mut out = vec![
        format!("thread 'tokio-runtime-worker' panicked at src/store.rs:{line}:{column}:"),
        error,
        "stack backtrace:".into(),
    ];
    let frames = ((lines - 3) / 2).min(RUST.len());
    for (i, (func, file)) in RUST[..frames].iter().enumerate() {
        let func = func
            .replace("@svc@", &snake(ctx.service))
            .replace("@Noun@", &pascal(ctx.noun))
            .replace("@noun@", ctx.noun);
        out.push(format!("{i:>4}: {func}"));
        let (line, column) = (rng.range(10, 900), rng.range(5, 60));
        out.push(format!("             at {file}:{line}:{column}"));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Frame tables

/// Python frames: file, function, and the line of code shown.
#[rustfmt::skip]
const PYTHON: &[(&str, &str, &str)] = &[
    ("/usr/local/lib/python3.12/site-packages/django/core/handlers/exception.py", "inner", "response = get_response(request)"),
    ("/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py", "_get_response", "response = wrapped_callback(request, *callback_args, **callback_kwargs)"),
    ("/srv/@svc@/views.py", "get", "data = self.service.load(@NOUN@_id)"),
    ("/srv/@svc@/services.py", "load", "cached = cache.get(self.key(@NOUN@_id))"),
    ("/usr/local/lib/python3.12/site-packages/django/core/cache/backends/redis.py", "get", "return self._cache.get(key, default)"),
    ("/usr/local/lib/python3.12/site-packages/redis/commands/core.py", "get", "return self.execute_command(\"GET\", name)"),
    ("/usr/local/lib/python3.12/site-packages/redis/client.py", "execute_command", "conn = self.connection or pool.get_connection(command_name)"),
    ("/usr/local/lib/python3.12/site-packages/redis/connection.py", "get_connection", "connection = self.make_connection()"),
    ("/usr/local/lib/python3.12/site-packages/redis/connection.py", "__init__", "super().__init__(**kwargs)"),
    ("/srv/@svc@/tasks.py", "sync_@NOUN@s", "for item in client.fetch_all(batch_size=@N@):"),
    ("/usr/local/lib/python3.12/site-packages/celery/app/trace.py", "__protected_call__", "return self.run(*args, **kwargs)"),
    ("/usr/local/lib/python3.12/site-packages/psycopg/connection.py", "connect", "raise last_ex.with_traceback(None)"),
];

/// Java frames, `@L@` being the line number.
const JAVA: &[&str] = &[
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:@L@)",
    "com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:@L@)",
    "org.springframework.jdbc.datasource.DataSourceUtils.fetchConnection(DataSourceUtils.java:@L@)",
    "org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:@L@)",
    "com.acme.@svc@.repository.@Noun@Repository.findById(@Noun@Repository.java:@L@)",
    "com.acme.@svc@.service.@Noun@Service.load(@Noun@Service.java:@L@)",
    "com.acme.@svc@.web.@Noun@Controller.get(@Noun@Controller.java:@L@)",
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:@L@)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:@L@)",
    "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:@L@)",
    "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:@L@)",
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:@L@)",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:@L@)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:@L@)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:@L@)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:@L@)",
    "java.base/java.lang.Thread.run(Thread.java:@L@)",
];

/// Go frames, innermost first: function and file.
#[rustfmt::skip]
const GO: &[(&str, &str)] = &[
    ("github.com/acme/@SVC@/internal/store.(*@Noun@Store).Get", "/app/internal/store/@noun@.go"),
    ("github.com/acme/@SVC@/internal/service.(*Service).Load@Noun@", "/app/internal/service/service.go"),
    ("github.com/acme/@SVC@/internal/api.(*Handler).get@Noun@", "/app/internal/api/handlers.go"),
    ("net/http.HandlerFunc.ServeHTTP", "/usr/local/go/src/net/http/server.go"),
    ("github.com/acme/@SVC@/internal/api.withTimeout.func1", "/app/internal/api/middleware.go"),
    ("github.com/go-chi/chi/v5.(*Mux).routeHTTP", "/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go"),
    ("net/http.serverHandler.ServeHTTP", "/usr/local/go/src/net/http/server.go"),
    ("net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go"),
    ("created by net/http.(*Server).Serve in goroutine 1", "/usr/local/go/src/net/http/server.go"),
];

/// Node frames, `@L@:@C@` being line and column.
const NODE: &[&str] = &[
    "@Noun@Service.load (/app/src/services/@noun@-service.ts:@L@:@C@)",
    "async @Noun@Controller.get (/app/src/controllers/@noun@-controller.ts:@L@:@C@)",
    "async Promise.all (index 0)",
    "async /app/src/routes/@noun@s.ts:@L@:@C@",
    "Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:@L@:@C@)",
    "next (/app/node_modules/express/lib/router/route.js:@L@:@C@)",
    "Route.dispatch (/app/node_modules/express/lib/router/route.js:@L@:@C@)",
    "/app/node_modules/express/lib/router/index.js:@L@:@C@",
    "Function.process_params (/app/node_modules/express/lib/router/index.js:@L@:@C@)",
    "authMiddleware (/app/src/middleware/auth.ts:@L@:@C@)",
    "RedisClient.sendCommand (/app/node_modules/ioredis/built/Redis.js:@L@:@C@)",
    "Socket.<anonymous> (/app/node_modules/ioredis/built/Redis.js:@L@:@C@)",
    "TCPConnectWrap.afterConnect [as oncomplete] (node:net:@L@:@C@)",
    "processTicksAndRejections (node:internal/process/task_queues:@L@:@C@)",
    "runNextTicks (node:internal/process/task_queues:@L@:@C@)",
    "listOnTimeout (node:internal/timers:@L@:@C@)",
    "process.processTimers (node:internal/timers:@L@:@C@)",
    "Server.emit (node:events:@L@:@C@)",
    "parserOnIncoming (node:_http_server:@L@:@C@)",
    "HTTPParser.parserOnHeadersComplete (node:_http_common:@L@:@C@)",
    "Immediate.<anonymous> (/app/node_modules/express/lib/router/index.js:@L@:@C@)",
    "process.processImmediate (node:internal/timers:@L@:@C@)",
    "async Queue.process (/app/src/jobs/queue.ts:@L@:@C@)",
    "async Worker.run (/app/src/jobs/worker.ts:@L@:@C@)",
];

/// Rust frames, innermost first: function and file.
#[rustfmt::skip]
const RUST: &[(&str, &str)] = &[
    ("@svc@::store::@Noun@Store::get", "./src/store.rs"),
    ("@svc@::service::Service::load_@noun@", "./src/service.rs"),
    ("@svc@::api::get_@noun@::{{closure}}", "./src/api.rs"),
    ("<axum::handler::future::IntoServiceFuture<F> as core::future::future::Future>::poll", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/axum-0.7.5/src/handler/future.rs"),
    ("<tower::util::map_response::MapResponseFuture<F,N> as core::future::future::Future>::poll", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tower-0.4.13/src/util/map_response.rs"),
    ("tokio::runtime::task::core::Core<T,S>::poll", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/task/core.rs"),
    ("tokio::runtime::task::harness::Harness<T,S>::poll", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/task/harness.rs"),
    ("tokio::runtime::scheduler::multi_thread::worker::Context::run_task", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/scheduler/multi_thread/worker.rs"),
    ("tokio::runtime::scheduler::multi_thread::worker::Context::run", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/scheduler/multi_thread/worker.rs"),
    ("std::sys::pal::unix::thread::Thread::new::thread_start", "/rustc/3f5fd8dd41153bc5fdca9427e9e05be2c767ba23/library/std/src/sys/pal/unix/thread.rs"),
];

/// The two frames of the `Caused by` section of a Java trace: method and file.
const JAVA_CAUSE: [(&str, &str); 2] = [
    ("sun.nio.ch.NioSocketImpl.timedRead", "NioSocketImpl"),
    ("java.net.Socket$SocketInputStream.read", "Socket"),
];
