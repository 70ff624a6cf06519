//! The application's own frames of a stack trace, as Sentry groups by them.
//!
//! Two traces of one failure differ in line numbers, addresses, library versions and the
//! frames of frameworks around the code; the functions of the application that were
//! running are what identify it. A frame is the application's unless its file or module
//! is a library's (`site-packages/`, `node_modules/`, `java.`, `runtime.`, `std::`…).
//! Each frame becomes `function@file` with the file's name only, no folder or line.

/// Folders of libraries and runtimes, found in a frame's file.
#[rustfmt::skip]
const LIBRARY_FOLDERS: &[&str] = &[
    "site-packages", "dist-packages", "node_modules", "/usr/lib", "/usr/local/lib", "lib/python",
    "<frozen", "node:internal", "/go/src/", "go/pkg/mod", "/rustc/", ".cargo/registry",
    "asyncio/", "threading.py", "gunicorn/", "uvicorn/", "starlette/", "django/", "flask/",
    "werkzeug/", "sqlalchemy/", "celery/", "express/",
];

/// [`LIBRARY_FOLDERS`] in one automaton, ASCII case ignored: every frame line is tested.
static LIBRARY_FOLDER_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(LIBRARY_FOLDERS)
            .expect("the folders are a fixed, small table")
    });

/// Module prefixes of libraries, runtimes and frameworks, found at the start of a frame's
/// function.
#[rustfmt::skip]
const LIBRARY_MODULES: &[&str] = &[
    "java.", "javax.", "jdk.", "sun.", "kotlin.", "kotlinx.", "scala.", "org.springframework.",
    "org.apache.", "io.netty.", "com.fasterxml.", "org.hibernate.", "com.zaxxer.", "reactor.",
    "system.", "microsoft.", "std::", "core::", "alloc::", "tokio::", "hyper::", "futures::",
    "runtime.", "net/http.", "net.", "database/sql.",
];

/// How many of the application's frames identify a trace.
pub const FRAMES_KEPT: usize = 4;

/// The first [`FRAMES_KEPT`] frames of the application in `trace`, in the trace's order.
pub fn app_frames(trace: &str) -> Vec<String> {
    let lines: Vec<&str> = trace.lines().map(str::trim).collect();
    let mut frames = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or("");
        let Some((function, file)) = frame(line, next) else {
            continue;
        };
        // The tables are ASCII, so ASCII case folding finds them without a lowercase copy
        // of every frame.
        let library_module = LIBRARY_MODULES.iter().any(|m| {
            function
                .as_bytes()
                .get(..m.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(m.as_bytes()))
        });
        if library_module || LIBRARY_FOLDER_FINDER.is_match(file) {
            continue;
        }
        let name = file
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(file)
            .split(':')
            .next()
            .unwrap_or_default();
        frames.push(format!("{}@{name}", last_segment(function)));
        if frames.len() == FRAMES_KEPT {
            break;
        }
    }
    frames
}

/// `(function, file)` of one frame line; `next` is the line after it (Go and Rust put the
/// file there).
fn frame<'a>(line: &'a str, next: &'a str) -> Option<(&'a str, &'a str)> {
    // Python: File "app/orders.py", line 12, in submit
    if let Some(rest) = line.strip_prefix("File \"") {
        let (file, rest) = rest.split_once('"')?;
        let function = rest.rsplit_once(" in ")?.1.trim();
        return Some((function, file));
    }
    // Java, Node, .NET: at pkg.Class.method(File.java:12) / at fn (/app/x.js:1:2) /
    // at Ns.Class.Method() in C:\src\File.cs:line 42
    if let Some(rest) = line.strip_prefix("at ") {
        if let Some((function, file)) = rest.split_once(" in ") {
            return Some((function.split('(').next()?.trim(), file.trim()));
        }
        // A bare `at file:line` (an anonymous function, or Rust's line under its frame)
        // names no function.
        let (function, file) = rest.split_once('(')?;
        return Some((function.trim(), file.trim_end_matches(')')));
    }
    // Go: pkg.(*T).Method(...) then a tab-indented /path/file.go:57 +0x1d
    // Rust: 3: app::orders::submit then at ./src/orders.rs:12:5
    let file = next
        .strip_prefix("at ")
        .unwrap_or(next)
        .split_whitespace()
        .next()?;
    let is_file = file.contains(['/', '\\']) && file.contains(':');
    let function = line
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ':')
        .trim();
    // Drop the arguments: `pkg.(*T).Method(0xc000)` → `pkg.(*T).Method`.
    let function = match function.rfind('(') {
        Some(at) if at > 0 && function.ends_with(')') => &function[..at],
        _ => function,
    };
    let named = !function.is_empty() && !function.contains(' ') && !line.starts_with('/');
    (is_file && named && function.contains(['.', ':'])).then_some((function, file))
}

/// `submit` of `app.orders.submit`, `app::orders::submit` or `Orders.submit`; `(*T).M`
/// keeps `M`.
pub fn last_segment(path: &str) -> &str {
    let path = path.trim_end_matches("()");
    path.rsplit(['.', ':', '/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_applications_frames_of_each_language() {
        let python = "Traceback (most recent call last):\n  File \"/srv/app/orders/views.py\", line 41, in submit\n    charge(order)\n  File \"/usr/lib/python3.11/site-packages/stripe/api.py\", line 9, in request\n    raise\n";
        assert_eq!(app_frames(python), ["submit@views.py"]);
        let java = "java.lang.IllegalStateException: closed\n\tat com.acme.orders.OrderService.place(OrderService.java:88)\n\tat org.springframework.web.Foo.bar(Foo.java:1)\n\tat com.acme.api.Checkout.post(Checkout.java:20)";
        assert_eq!(
            app_frames(java),
            ["place@OrderService.java", "post@Checkout.java"]
        );
        let go = "goroutine 1 [running]:\nmain.(*Consumer).handle(0xc000)\n\t/src/consume.go:57 +0x1d\nruntime.goexit()\n\t/usr/local/go/src/runtime/asm.s:1 +0x1";
        assert_eq!(app_frames(go), ["handle@consume.go"]);
        let node = "TypeError: x\n    at handle (/app/src/api.js:10:5)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)";
        assert_eq!(app_frames(node), ["handle@api.js"]);
        let dotnet = "   at Acme.Billing.Invoice.Total() in C:\\src\\Invoice.cs:line 42\n   at System.Linq.Enumerable.Sum()";
        assert_eq!(app_frames(dotnet), ["Total@Invoice.cs"]);
        let rust = "   2: billing::invoice::total\n             at ./src/invoice.rs:12:5\n   3: std::rt::lang_start\n             at /rustc/abc/library/std/src/rt.rs:1:1";
        assert_eq!(app_frames(rust), ["total@invoice.rs"]);
    }
}
