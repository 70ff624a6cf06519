//! The pattern rules, case by case.

use super::*;

/// Real error lines, from the languages, databases and networks our users run, and the
/// pattern each must give.
const CASES: &[(Option<&str>, &str, &str)] = &[
    // Python
    (
        Some("TypeError"),
        "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
        "TypeError: AbstractConnection.__init__() got an unexpected keyword argument <name>",
    ),
    (None, "KeyError: 'user_id'", "KeyError: <name>"),
    (
        Some("FileNotFoundError"),
        "[Errno 2] No such file or directory: '/etc/app/config.yaml'",
        "FileNotFoundError: [Errno <num>] No such file or directory: <name>",
    ),
    (
        Some("ModuleNotFoundError"),
        "No module named 'django_redis'",
        "ModuleNotFoundError: No module named <name>",
    ),
    (
        Some("redis.exceptions.ConnectionError"),
        "Error 111 connecting to 10.0.3.17:6379. Connection refused.",
        "redis.exceptions.ConnectionError: Error <num> connecting to <host>. Connection refused",
    ),
    (
        None,
        "django.db.utils.OperationalError: could not connect to server: Connection refused\n\tIs the server running on host \"db\" (172.18.0.2) and accepting",
        "django.db.utils.OperationalError: could not connect to server: Connection refused",
    ),
    // Java
    (
        Some("java.lang.NullPointerException"),
        "Cannot invoke \"String.length()\" because \"s\" is null",
        "java.lang.NullPointerException: Cannot invoke <name> because <name> is null",
    ),
    (
        None,
        "java.lang.OutOfMemoryError: Java heap space",
        "java.lang.OutOfMemoryError: Java heap space",
    ),
    (
        Some("java.sql.SQLTransientConnectionException"),
        "HikariPool-1 - Connection is not available, request timed out after 30005ms.",
        "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after <num>",
    ),
    (
        None,
        "java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 3",
        "java.lang.ArrayIndexOutOfBoundsException: Index <num> out of bounds for length <num>",
    ),
    // Go
    (
        Some("json.UnmarshalTypeError"),
        "json: cannot unmarshal string into Go struct field OrderEvent.amount_minor of type int64",
        "json.UnmarshalTypeError: json: cannot unmarshal string into Go struct field OrderEvent.amount_minor of type int64",
    ),
    (
        None,
        "panic: runtime error: index out of range [5] with length 3",
        "panic: runtime error: index out of range [<num>] with length <num>",
    ),
    (
        None,
        "dial tcp 10.96.0.10:53: i/o timeout",
        "dial tcp <host>: i/o timeout",
    ),
    (
        None,
        "panic: assignment to entry in nil map [recovered] at consume.go:57",
        "panic: assignment to entry in nil map [recovered] at <path>",
    ),
    // Rust
    (
        None,
        "thread 'main' panicked at src/main.rs:12:5:\ncalled `Option::unwrap()` on a `None` value",
        "thread <name> panicked at <path>:",
    ),
    (
        None,
        "called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }",
        "called `Result::unwrap()` on an `Err` value: Os { code: <num>, kind: NotFound, message: <name> }",
    ),
    (
        Some("reqwest::Error"),
        "error sending request for url (https://api.stripe.com/v1/charges): operation timed out",
        "reqwest::Error: error sending request for url (<url>): operation timed out",
    ),
    // Node
    (
        Some("TypeError"),
        "Cannot read properties of undefined (reading 'map')",
        "TypeError: Cannot read properties of undefined (reading <name>)",
    ),
    (
        None,
        "Error: connect ECONNREFUSED 127.0.0.1:5432",
        "Error: connect ECONNREFUSED <host>",
    ),
    (
        None,
        "Error: getaddrinfo ENOTFOUND api.example.com",
        "Error: getaddrinfo ENOTFOUND <host>",
    ),
    (
        None,
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
    ),
    // PostgreSQL and MySQL
    (
        None,
        "ERROR:  duplicate key value violates unique constraint \"users_email_key\"\nDETAIL:  Key (email)=(ann@example.com) already exists.",
        "ERROR: duplicate key value violates unique constraint <name>",
    ),
    (
        Some("HTTP 504"),
        "canceling statement due to statement timeout",
        "HTTP 504: canceling statement due to statement timeout",
    ),
    (
        None,
        "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
        "FATAL: remaining connection slots are reserved for non-replication superuser connections",
    ),
    (
        None,
        "ERROR 1045 (28000): Access denied for user 'app'@'10.0.4.12' (using password: YES)",
        "ERROR <num> (<num>): Access denied for user <name>@<name> (using password: YES)",
    ),
    (
        None,
        "ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction",
        "ERROR <num> (<num>): Deadlock found when trying to get lock; try restarting transaction",
    ),
    (
        None,
        "psql: error: connection to server at \"orders-db.internal\" (10.0.2.8), port 5432 failed: FATAL:  password authentication failed for user \"checkout\"",
        "psql: error: connection to server at <name> (<host>), port <num> failed: FATAL: password authentication failed for user <name>",
    ),
    // DNS, TLS and network
    (
        Some("Latency"),
        "dial tcp: lookup payments-api.payments.svc.cluster.local: i/o timeout after 5.001s (retried, succeeded)",
        "Latency: dial tcp: lookup <host>: i/o timeout after <num> (retried, succeeded)",
    ),
    (
        Some("x509 certificate expired"),
        "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2025-08-19T04:00:41Z is after 2025-08-19T04:00:00Z",
        "x509 certificate expired: tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time <time> is after <time>",
    ),
    (
        None,
        "curl: (60) SSL certificate problem: unable to get local issuer certificate",
        "curl: (<num>) SSL certificate problem: unable to get local issuer certificate",
    ),
    (
        None,
        ";; connection timed out; no servers could be reached",
        ";; connection timed out; no servers could be reached",
    ),
    (
        Some("ERR_CONNECTION_TIMED_OUT"),
        "ERR_CONNECTION_TIMED_OUT when connecting to localhost:8000",
        "ERR_CONNECTION_TIMED_OUT when connecting to <host>",
    ),
    (
        None,
        "upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.23, server: help.acme.io, request: \"GET /api/articles/1842 HTTP/1.1\"",
        "upstream timed out (<num>: Connection timed out) while reading response header from upstream, client: <host>, server: <host>, request: <name>",
    ),
    (
        None,
        "Get \"http://orders:8080/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
        "Get <name>: context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
    ),
    (
        Some("Error"),
        "ErrorBoundary caught an error in <App>",
        "Error: ErrorBoundary caught an error in <App>",
    ),
    // Ids, hashes and sizes
    (
        None,
        "OCI runtime exec failed: container 4f2a9c81d3e7 not found, request 3fa85f64-5717-4562-b3fc-2c963f66afa6 at 0x7ffd5fbff8a0",
        "OCI runtime exec failed: container <hex> not found, request <uuid> at <hex>",
    ),
    (
        None,
        "Container killed: memory limit 512MiB exceeded by 1,024 KiB (95% of node) for job #48213",
        "Container killed: memory limit <num> exceeded by <num> KiB (<num> of node) for job #<num>",
    ),
];

#[test]
fn real_error_lines_give_their_patterns() {
    let mut failures = Vec::new();
    for (kind, message, expected) in CASES {
        let got = fingerprint(*kind, message);
        if got != *expected {
            failures.push(format!(
                "{message}\n  expected {expected}\n       got {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(CASES.len() >= 30);
}

/// An error type and message.
type Error = (Option<&'static str>, &'static str);

fn same(a: Error, b: Error) -> bool {
    fingerprint(a.0, a.1) == fingerprint(b.0, b.1)
}

#[test]
fn the_same_failure_matches_across_incidents() {
    let pairs: &[(Error, Error)] = &[
        (
            (
                Some("TypeError"),
                "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
            ),
            (
                Some("TypeError"),
                "AbstractConnection.__init__() got an unexpected keyword argument 'connection_pool_kwargs'",
            ),
        ),
        (
            (None, "Error: connect ECONNREFUSED 127.0.0.1:5432"),
            (None, "Error: connect ECONNREFUSED [::1]:6379"),
        ),
        (
            (
                None,
                "dial tcp: lookup payments-api.payments.svc.cluster.local: i/o timeout",
            ),
            (
                None,
                "dial tcp: lookup orders-db.orders.svc.cluster.local: i/o timeout",
            ),
        ),
        (
            (
                None,
                "java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 3",
            ),
            (
                None,
                "java.lang.ArrayIndexOutOfBoundsException: Index 12 out of bounds for length 12",
            ),
        ),
        (
            (
                Some("TypeError"),
                "Cannot read properties of undefined (reading 'map')",
            ),
            (
                Some("TypeError"),
                "TypeError: Cannot read properties of undefined (reading \"length\")",
            ),
        ),
        (
            (
                None,
                "x509: certificate has expired or is not yet valid: current time 2025-08-19T04:00:41Z is after 2025-08-19T04:00:00Z",
            ),
            (
                None,
                "x509: certificate has expired or is not yet valid: current time 2026-01-02T10:11:12Z is after 2026-01-01T00:00:00Z",
            ),
        ),
        (
            (
                None,
                "ERROR:  duplicate key value violates unique constraint \"users_email_key\"",
            ),
            (
                None,
                "ERROR: duplicate key value violates unique constraint \"orders_pkey\"\nDETAIL: Key (id)=(7) already exists.",
            ),
        ),
        (
            (
                None,
                "FileNotFoundError: [Errno 2] No such file or directory: '/etc/app.yaml'",
            ),
            (
                None,
                "FileNotFoundError:  [Errno 2]  No such file or directory: '/srv/other.yaml'",
            ),
        ),
    ];
    for (a, b) in pairs {
        assert!(
            same(*a, *b),
            "should match:\n  {}\n  {}",
            fingerprint(a.0, a.1),
            fingerprint(b.0, b.1)
        );
    }
}

#[test]
fn different_failures_do_not_match() {
    let pairs: &[(Error, Error)] = &[
        // Same words, different type.
        (
            (Some("TypeError"), "got an unexpected keyword argument 'x'"),
            (Some("ValueError"), "got an unexpected keyword argument 'x'"),
        ),
        // Same type, different failure.
        (
            (
                Some("TypeError"),
                "Cannot read properties of undefined (reading 'map')",
            ),
            (Some("TypeError"), "x.map is not a function"),
        ),
        // The identifier outside quotes names what failed.
        (
            (
                None,
                "json: cannot unmarshal string into Go struct field OrderEvent.amount_minor of type int64",
            ),
            (
                None,
                "json: cannot unmarshal number into Go struct field OrderEvent.currency of type string",
            ),
        ),
        // Refused versus timed out.
        (
            (None, "dial tcp 10.0.0.1:5432: connect: connection refused"),
            (None, "dial tcp 10.0.0.1:5432: i/o timeout"),
        ),
        // Code in backticks identifies: Option versus Result.
        (
            (None, "called `Option::unwrap()` on a `None` value"),
            (
                None,
                "called `Result::unwrap()` on an `Err` value: ParseIntError",
            ),
        ),
        // Numbers glued to names stay: int32 versus int64.
        (
            (None, "value out of range for type int32"),
            (None, "value out of range for type int64"),
        ),
        // HTTP status types differ.
        (
            (Some("HTTP 502"), "upstream error"),
            (Some("HTTP 504"), "upstream error"),
        ),
        // Apostrophes are not quotes.
        (
            (None, "can't open file 'a.py': No such file"),
            (None, "can't read file 'a.py': No such file"),
        ),
    ];
    for (a, b) in pairs {
        assert!(
            !same(*a, *b),
            "should differ:\n  {}\n  {}",
            fingerprint(a.0, a.1),
            fingerprint(b.0, b.1)
        );
    }
}

#[test]
fn explicit_pattern_wins() {
    let mut error: ErrorDetails = serde_json::from_value(serde_json::json!({
        "type": "TypeError",
        "message": "boom 42",
    }))
    .unwrap();
    assert_eq!(
        pattern_of(&error),
        Pattern {
            text: "TypeError: boom <num>".into(),
            explicit: false
        }
    );
    error.pattern = Some("  Redis   kwargs ".into());
    assert_eq!(
        pattern_of(&error),
        Pattern {
            text: "Redis kwargs".into(),
            explicit: true
        }
    );
}

#[test]
fn quotes_close_only_before_a_boundary() {
    assert_eq!(
        replace_quoted("user 'root'@'localhost' can't"),
        "user <name>@<name> can't"
    );
    assert_eq!(replace_quoted(r#"a "b \" c" d"#), "a <name> d");
    assert_eq!(replace_quoted("unclosed 'quote"), "unclosed 'quote");
    assert_eq!(replace_quoted("“curly” ‘too’"), "<name> <name>");
}

#[test]
fn numbers_glued_to_names_stay() {
    assert_eq!(
        replace_numbers("x509 int64 utf-8 v1.2 HTTP/2 2fa_token"),
        "x509 int64 utf-8 v1.2 HTTP/2 2fa_token"
    );
    assert_eq!(
        replace_numbers("5.001s 200ms 1,024 95% id=7 #3 (4)"),
        "<num> <num> <num> <num> id=<num> #<num> (<num>)"
    );
}

#[test]
fn the_error_line_repeats_no_type_and_drops_none_it_needs() {
    let error = |kind: &str, message: &str| ErrorDetails {
        kind: Some(kind.into()),
        message: crate::model::NonEmptyString::new(message).expect("not blank"),
        pattern: None,
        stack_trace: None,
        stack_trace_language: None,
        logs: None,
    };
    let line = |kind: &str, message: &str| error_line(&error(kind, message));
    assert_eq!(line("TypeError", "TypeError: boom"), "TypeError: boom");
    assert_eq!(line("TypeError", "boom"), "TypeError: boom");
    // A longer name that merely starts like the type is not a repetition of it.
    assert_eq!(
        line("Timeout", "TimeoutError: slow"),
        "Timeout: TimeoutError: slow"
    );
    let untyped = ErrorDetails {
        kind: None,
        ..error("x", "just a message")
    };
    assert_eq!(error_line(&untyped), "just a message");
}
