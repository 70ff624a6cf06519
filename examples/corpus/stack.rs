//! The five technology stacks an incident can happen on.
//!
//! A stack decides the team's language, its platform and library versions, the errors it
//! throws and the shape of its stack traces, so that one incident's parts agree with each
//! other. The tables here are data; `traces` writes the stack traces themselves.

#[derive(Clone, Copy, PartialEq)]
pub enum Stack {
    Python,
    Java,
    Go,
    Node,
    Rust,
}

impl Stack {
    pub const ALL: [Stack; 5] = [Self::Python, Self::Java, Self::Go, Self::Node, Self::Rust];

    /// The language the team's code is in, and how the stack trace is highlighted.
    pub fn language(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::Java => "java",
            Self::Go => "go",
            Self::Node => "typescript",
            Self::Rust => "rust",
        }
    }

    /// The language named for the stack trace's highlighting. Only Python and Java
    /// incidents name one, so the corpus also has traces shown as plain text.
    pub fn trace_language(self) -> Option<&'static str> {
        matches!(self, Self::Python | Self::Java).then(|| self.language())
    }

    pub fn platform(self) -> &'static str {
        match self {
            Self::Python => "Django 5.2 on Kubernetes 1.29",
            Self::Java => "Spring Boot 3.3 on Kubernetes 1.30",
            Self::Go => "Go 1.23 services on ECS",
            Self::Node => "Node.js 22 on Kubernetes 1.29",
            Self::Rust => "Rust (tokio, axum) on Kubernetes 1.31",
        }
    }

    pub fn versions(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Python => &[
                ("redis-py", "5.0.1"),
                ("django-redis", "5.4.0"),
                ("psycopg", "3.2.1"),
            ],
            Self::Java => &[
                ("spring-boot", "3.3.2"),
                ("HikariCP", "5.1.0"),
                ("lettuce", "6.3.2"),
            ],
            Self::Go => &[
                ("go-redis", "9.5.1"),
                ("pgx", "5.6.0"),
                ("grpc-go", "1.64.0"),
            ],
            Self::Node => &[("ioredis", "5.4.1"), ("pg", "8.12.0"), ("undici", "6.19.2")],
            Self::Rust => &[
                ("sqlx", "0.8.0"),
                ("reqwest", "0.12.5"),
                ("tokio", "1.39.2"),
            ],
        }
    }

    /// Error type and message templates.
    pub fn errors(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Python => &[
                (
                    "TypeError",
                    "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
                ),
                (
                    "redis.exceptions.ConnectionError",
                    "Error 111 connecting to @HOST@:@PORT@. Connection refused.",
                ),
                (
                    "psycopg.OperationalError",
                    "connection to server at \"@HOST@\", port @PORT@ failed: timeout expired",
                ),
                ("KeyError", "'@FIELD@'"),
                (
                    "AttributeError",
                    "'NoneType' object has no attribute '@FIELD@'",
                ),
                (
                    "TimeoutError",
                    "timed out after @N@ seconds waiting for a connection",
                ),
            ],
            Self::Java => &[
                (
                    "java.lang.NullPointerException",
                    "Cannot invoke \"String.length()\" because \"@FIELD@\" is null",
                ),
                (
                    "java.net.SocketTimeoutException",
                    "Read timed out after @N@ ms",
                ),
                (
                    "org.springframework.dao.DataAccessResourceFailureException",
                    "Unable to acquire JDBC Connection",
                ),
                ("java.lang.OutOfMemoryError", "Java heap space"),
                (
                    "java.lang.IllegalStateException",
                    "Connection pool shut down",
                ),
            ],
            Self::Go => &[
                (
                    "panic",
                    "runtime error: invalid memory address or nil pointer dereference",
                ),
                (
                    "context.DeadlineExceeded",
                    "context deadline exceeded after @N@s calling @SVC@",
                ),
                (
                    "*net.OpError",
                    "dial tcp @HOST@:@PORT@: connect: connection refused",
                ),
                (
                    "x509.CertificateInvalidError",
                    "x509: certificate has expired or is not yet valid",
                ),
            ],
            Self::Node => &[
                (
                    "TypeError",
                    "Cannot read properties of undefined (reading '@FIELD@')",
                ),
                ("Error", "connect ECONNREFUSED @HOST@:@PORT@"),
                (
                    "FetchError",
                    "request to http://@SVC@.internal/v1/@NOUN@s failed, reason: socket hang up",
                ),
                ("RangeError", "Maximum call stack size exceeded"),
            ],
            Self::Rust => &[
                ("panic", "called `Option::unwrap()` on a `None` value"),
                (
                    "sqlx::Error::PoolTimedOut",
                    "pool timed out while waiting for an open connection",
                ),
                (
                    "reqwest::Error",
                    "error sending request for url (http://@SVC@:@PORT@/v1/@NOUN@s): operation timed out",
                ),
                (
                    "serde_json::Error",
                    "missing field `@FIELD@` at line 1 column @N@",
                ),
            ],
        }
    }
}
