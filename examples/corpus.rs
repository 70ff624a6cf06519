//! Writes a synthetic workspace of realistic incidents, for benchmarks.
//!
//! ```text
//! cargo run --release --example corpus -- --count 1000 --out target/corpus-1000 [--seed 42]
//! ```
//!
//! `DIR/incidents/*.yaml` gets N incidents dated 2019-2026, `DIR/postmortem.toml` a title.
//! The same seed always gives the same files. Each incident is about 6.4 KB, half of it code:
//! an error with a 15-25 line stack trace (Python, Java, Go, Node or Rust style) and two
//! changes in different languages whose `before` and `after` together are 20-40 lines, `after`
//! being `before` with a few lines changed, added or removed. (Real traces have long lines,
//! so the code alone is about 3 KB.) Tags and services come from small pools so tag and
//! service pages list many incidents; some incidents name earlier ones in `related`.
//!
//! Existing `*.yaml` files in `DIR/incidents` are replaced only if `DIR/.corpus` (written
//! last, holding `count=N seed=S`) shows the folder was made by this program.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const MARKER: &str = ".corpus";

fn main() -> ExitCode {
    let (count, out, seed) = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("corpus: {message}");
            eprintln!("usage: corpus --count N --out DIR [--seed S]");
            return ExitCode::from(2);
        }
    };
    match write_corpus(count, &out, seed) {
        Ok((files, bytes)) => {
            println!(
                "wrote {files} incident files, {bytes} bytes ({} bytes per incident) to {}",
                bytes / files.max(1) as u64,
                out.join("incidents").display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("corpus: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args() -> Result<(usize, PathBuf, u64), String> {
    let (mut count, mut out, mut seed) = (None, None, 42);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--count" => count = Some(value()?.parse().map_err(|e| format!("--count: {e}"))?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok((
        count.ok_or("--count is required")?,
        out.ok_or("--out is required")?,
        seed,
    ))
}

fn write_corpus(count: usize, out: &Path, seed: u64) -> Result<(usize, u64), String> {
    let dir = out.join("incidents");
    let marker = out.join(MARKER);
    let io = |what: &str, path: &Path, e: std::io::Error| format!("{what} {}: {e}", path.display());
    if dir.is_dir() {
        let entries = std::fs::read_dir(&dir).map_err(|e| io("cannot list", &dir, e))?;
        let old: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|ext| ext == "yaml"))
            .collect();
        if !old.is_empty() && !marker.is_file() {
            return Err(format!(
                "{} holds incident files this program did not write; choose another --out",
                dir.display()
            ));
        }
        for path in old {
            std::fs::remove_file(&path).map_err(|e| io("cannot remove", &path, e))?;
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| io("cannot create", &dir, e))?;
    // Removed first and written last, so an interrupted run is never taken as complete.
    let _ = std::fs::remove_file(&marker);
    let config = out.join("postmortem.toml");
    let toml = format!(
        "title = \"Synthetic incidents ({count}, seed {seed})\"\n\
         description = \"A generated corpus for benchmarking postmortem.\"\n"
    );
    std::fs::write(&config, toml).map_err(|e| io("cannot write", &config, e))?;

    let mut bytes = 0;
    for (slug, text) in generate(count, seed) {
        let path = dir.join(format!("{slug}.yaml"));
        std::fs::write(&path, &text).map_err(|e| io("cannot write", &path, e))?;
        bytes += text.len() as u64;
    }
    std::fs::write(&marker, format!("count={count} seed={seed}\n"))
        .map_err(|e| io("cannot write", &marker, e))?;
    Ok((count, bytes))
}

/// splitmix64: tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    /// Picks early items more often than late ones, as real tags and services are used.
    fn pick_skewed<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        items[((u * u * items.len() as f64) as usize).min(items.len() - 1)]
    }

    /// Between `count.start()` and `count.end()` different items.
    fn some<'a>(
        &mut self,
        items: &[&'a str],
        count: std::ops::RangeInclusive<i64>,
        skewed: bool,
    ) -> Vec<&'a str> {
        let k = self.range(*count.start(), *count.end()) as usize;
        let mut chosen = Vec::new();
        while chosen.len() < k.min(items.len()) {
            let item = if skewed {
                self.pick_skewed(items)
            } else {
                self.pick(items)
            };
            if !chosen.contains(&item) {
                chosen.push(item);
            }
        }
        chosen
    }
}

// ---------------------------------------------------------------------------------------
// Pools

#[rustfmt::skip]
const TAGS: &[&str] = &[
    "config", "dependency", "database", "cache", "redis", "postgres", "kafka", "network", "dns",
    "tls", "timeout", "memory", "cpu", "disk", "deploy", "rollback", "kubernetes", "terraform",
    "monitoring", "alerting", "capacity", "performance", "security", "auth", "third-party",
    "data-loss", "migration", "feature-flag", "queue", "retry", "race-condition", "regression",
    "upgrade", "certificate", "rate-limit", "cdn", "load-balancer", "cron", "logging",
    "human-error",
];

#[rustfmt::skip]
const SERVICES: &[&str] = &[
    "checkout-api", "auth-service", "payments", "search", "user-profile", "notifications",
    "inventory", "orders", "billing", "gateway", "web-frontend", "mobile-bff",
    "recommendations", "analytics-pipeline", "email-worker", "media-upload", "catalog",
    "pricing", "shipping", "admin-portal", "reporting", "session-store", "feature-flags",
    "ledger", "fraud-detection", "webhooks", "scheduler", "identity", "chat", "status-page",
];

#[rustfmt::skip]
const COMPONENTS: &[&str] = &[
    "Redis", "PostgreSQL", "Kafka", "RabbitMQ", "Elasticsearch", "S3", "DNS", "TLS certificate",
    "Nginx", "Envoy", "gRPC client", "Kubernetes HPA", "Helm chart", "Terraform plan",
    "Feature flag", "Connection pool", "Rate limiter", "CDN", "OAuth token", "Cron job",
    "Database migration", "Memcached", "Load balancer", "JWT validation", "Webhook retry",
    "Batch job", "Schema registry", "Celery worker",
];

#[rustfmt::skip]
const PROBLEMS: &[&str] = &[
    "timeouts", "exhaustion", "config drift", "memory leak", "expired credentials",
    "version mismatch", "retry storm", "deadlock", "slow queries", "disk pressure",
    "stale entries", "missing index", "race condition", "null handling bug", "unbounded queue",
    "wrong default", "clock skew", "schema change", "option rename", "split brain",
];

#[rustfmt::skip]
const EFFECTS: &[&str] = &[
    "breaks", "degrades", "stalls", "takes down", "slows", "corrupts responses of",
    "blocks deploys of", "causes 5xx in", "drops events in", "doubles latency of",
];

#[rustfmt::skip]
const PEOPLE: &[&str] = &[
    "alice.nguyen", "bob.okafor", "carla.mendes", "deniz.yilmaz", "erik.larsen",
    "fatima.rahman", "george.ito", "hana.kowalski", "ivan.petrov", "julia.schmidt",
    "kwame.asante", "lena.fischer",
];

#[rustfmt::skip]
const TEAMS: &[&str] = &[
    "platform-team", "sre", "data-team", "payments-team", "identity-team", "web-team",
    "infra-oncall", "security-team",
];

#[rustfmt::skip]
const FIELDS: &[&str] = &[
    "user_id", "session", "token", "order_id", "currency", "tenant", "price", "locale", "items",
    "address", "config", "region",
];

#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "order", "user", "invoice", "session", "payment", "product", "event",
];

#[rustfmt::skip]
const HOSTS: &[&str] = &[
    "redis-primary.internal", "10.0.3.17", "pg-main.db.svc", "kafka-2.broker", "10.12.0.44",
    "es-data-1.search", "mq.internal", "cache-01.prod",
];

#[rustfmt::skip]
const PORTS: &[&str] = &[
    "6379", "5432", "9092", "8080", "443", "3306", "9200", "5672", "11211",
];

#[rustfmt::skip]
const NUMBERS: &[&str] = &[
    "2", "3", "5", "10", "15", "30", "60", "100", "128", "250", "500", "1000", "5000",
];

#[rustfmt::skip]
const FACTORS: &[&str] = &[
    "No alert on connection pool saturation",
    "The setting was copied into three files and only one was updated",
    "Staging runs with a single replica, so the race never showed there",
    "The dependency was upgraded by an automated pull request without a changelog review",
    "Retries had no jitter, so clients retried in lockstep",
    "The runbook still described the old deployment layout",
    "Health checks only tested that the process was up, not that it could serve",
    "Load tests did not cover the batch window",
    "The error was logged at DEBUG level and never reached the dashboards",
    "Timeouts were longer upstream than downstream",
    "The canary stage was skipped to ship a hot fix",
    "Ownership of the service was unclear after a re-org",
    "Default values differ between the library's major versions",
    "Certificate expiry was tracked in a spreadsheet",
    "The migration locked a hot table during peak traffic",
    "Feature flag defaults were not reviewed",
];

#[rustfmt::skip]
const ACTIONS: &[&str] = &[
    "Add an alert on connection pool utilisation above 80%",
    "Pin the client library and review major upgrades by hand",
    "Move the setting into one shared module and import it everywhere",
    "Add jitter and a retry budget to the HTTP client",
    "Run the integration suite against a multi-replica staging setup",
    "Automate certificate renewal and alert 21 days before expiry",
    "Add a readiness probe that exercises the database connection",
    "Document the rollback procedure in the runbook",
    "Add a load test for the nightly batch window",
    "Raise the log level of connection errors to WARNING",
    "Align upstream and downstream timeouts", "Make the canary stage mandatory for hot fixes",
    "Add a contract test for the configuration schema",
    "Run online schema migrations with a lock timeout",
    "Review feature flag defaults in the release checklist",
];

#[rustfmt::skip]
const LESSONS_WELL: &[&str] = &[
    "The on-call engineer found the failing deploy within minutes",
    "Rolling back was a single command", "Customer support had a status update ready quickly",
    "Dashboards showed the error rate immediately",
];

#[rustfmt::skip]
const LESSONS_WRONG: &[&str] = &[
    "Alerts fired on symptoms, not on the cause",
    "Nobody knew which of the config files was live",
    "The fix needed two deploys because the first one missed a file",
    "Escalation took too long outside office hours",
];

// ---------------------------------------------------------------------------------------
// Dates

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn day_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `minutes` since the epoch, in the writer's local time.
fn time_text(minutes: i64) -> (String, String) {
    let day = minutes.div_euclid(1440);
    let m = minutes.rem_euclid(1440);
    (day_text(day), format!("{:02}:{:02}", m / 60, m % 60))
}

// ---------------------------------------------------------------------------------------
// Errors and stack traces

#[derive(Clone, Copy, PartialEq)]
enum Stack {
    Python,
    Java,
    Go,
    Node,
    Rust,
}

impl Stack {
    const ALL: [Stack; 5] = [Self::Python, Self::Java, Self::Go, Self::Node, Self::Rust];

    /// The language the team's code is in, and how the stack trace is highlighted.
    fn language(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::Java => "java",
            Self::Go => "go",
            Self::Node => "typescript",
            Self::Rust => "rust",
        }
    }

    fn platform(self) -> &'static str {
        match self {
            Self::Python => "Django 5.2 on Kubernetes 1.29",
            Self::Java => "Spring Boot 3.3 on Kubernetes 1.30",
            Self::Go => "Go 1.23 services on ECS",
            Self::Node => "Node.js 22 on Kubernetes 1.29",
            Self::Rust => "Rust (tokio, axum) on Kubernetes 1.31",
        }
    }

    fn versions(self) -> &'static [(&'static str, &'static str)] {
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
    fn errors(self) -> &'static [(&'static str, &'static str)] {
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

/// Fills `@SVC@` (kebab), `@svc@` (snake), `@Svc@` (Pascal), `@NOUN@`, `@FIELD@`, `@HOST@`,
/// `@PORT@` and `@N@` (a fresh number each time).
fn fill(template: &str, ctx: &Ctx, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut parts = template.split('@');
    out.push_str(parts.next().unwrap_or_default());
    let mut in_token = true;
    for part in parts {
        if in_token {
            match part {
                "SVC" => out.push_str(ctx.service),
                "svc" => out.push_str(&ctx.service.replace('-', "_")),
                "Svc" => out.push_str(&pascal(ctx.service)),
                "NOUN" => out.push_str(ctx.noun),
                "Noun" => out.push_str(&pascal(ctx.noun)),
                "FIELD" => out.push_str(ctx.field),
                "HOST" => out.push_str(ctx.host),
                "PORT" => out.push_str(ctx.port),
                "N" => out.push_str(rng.pick(NUMBERS)),
                other => {
                    // Not a token: an `@` in the text itself.
                    out.push('@');
                    out.push_str(other);
                    continue;
                }
            }
        } else {
            out.push_str(part);
        }
        in_token = !in_token;
    }
    out
}

fn pascal(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// What one incident's text is about.
struct Ctx<'a> {
    service: &'a str,
    noun: &'a str,
    field: &'a str,
    host: &'a str,
    port: &'a str,
}

fn stack_trace(stack: Stack, kind: &str, message: &str, ctx: &Ctx, rng: &mut Rng) -> String {
    let svc = ctx.service.replace('-', "_");
    let lines = rng.range(15, 25) as usize;
    let mut out: Vec<String> = Vec::new();
    match stack {
        Stack::Python => {
            const FRAMES: &[&str] = &[
                "/usr/local/lib/python3.12/site-packages/django/core/handlers/exception.py|inner|response = get_response(request)",
                "/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py|_get_response|response = wrapped_callback(request, *callback_args, **callback_kwargs)",
                "/srv/@svc@/views.py|get|data = self.service.load(@NOUN@_id)",
                "/srv/@svc@/services.py|load|cached = cache.get(self.key(@NOUN@_id))",
                "/usr/local/lib/python3.12/site-packages/django/core/cache/backends/redis.py|get|return self._cache.get(key, default)",
                "/usr/local/lib/python3.12/site-packages/redis/commands/core.py|get|return self.execute_command(\"GET\", name)",
                "/usr/local/lib/python3.12/site-packages/redis/client.py|execute_command|conn = self.connection or pool.get_connection(command_name)",
                "/usr/local/lib/python3.12/site-packages/redis/connection.py|get_connection|connection = self.make_connection()",
                "/usr/local/lib/python3.12/site-packages/redis/connection.py|__init__|super().__init__(**kwargs)",
                "/srv/@svc@/tasks.py|sync_@NOUN@s|for item in client.fetch_all(batch_size=@N@):",
                "/usr/local/lib/python3.12/site-packages/celery/app/trace.py|__protected_call__|return self.run(*args, **kwargs)",
                "/usr/local/lib/python3.12/site-packages/psycopg/connection.py|connect|raise last_ex.with_traceback(None)",
            ];
            out.push("Traceback (most recent call last):".into());
            let frames = ((lines - 1) / 2).min(11);
            let start = rng.below(FRAMES.len() - frames + 1);
            for frame in &FRAMES[start..start + frames] {
                let mut f = frame.split('|');
                let (file, func, code) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
                let file = file.replace("@svc@", &svc);
                out.push(format!(
                    "  File \"{file}\", line {}, in {func}",
                    rng.range(12, 900)
                ));
                out.push(format!("    {}", fill(code, ctx, rng)));
            }
            out.push(format!("{kind}: {message}"));
        }
        Stack::Java => {
            const FRAMES: &[&str] = &[
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
            out.push(format!("{kind}: {message}"));
            // The trace, then its cause in four lines.
            let frames = (lines - 5).min(FRAMES.len());
            let start = rng.below(FRAMES.len() - frames + 1);
            let noun = pascal(ctx.noun);
            for frame in &FRAMES[start..start + frames] {
                let frame = frame
                    .replace("@svc@", &svc.replace('_', ""))
                    .replace("@Noun@", &noun);
                out.push(format!(
                    "\tat {}",
                    frame.replace("@L@", &rng.range(40, 1200).to_string())
                ));
            }
            out.push("Caused by: java.net.SocketTimeoutException: Read timed out".into());
            for frame in [
                "sun.nio.ch.NioSocketImpl.timedRead",
                "java.net.Socket$SocketInputStream.read",
            ] {
                let file = if frame.starts_with("sun") {
                    "NioSocketImpl"
                } else {
                    "Socket"
                };
                out.push(format!(
                    "\tat java.base/{frame}({file}.java:{})",
                    rng.range(40, 1200)
                ));
            }
            out.push(format!("\t... {} more", rng.range(20, 80)));
        }
        Stack::Go => {
            const FRAMES: &[&str] = &[
                "github.com/acme/@SVC@/internal/store.(*@Noun@Store).Get|/app/internal/store/@noun@.go",
                "github.com/acme/@SVC@/internal/service.(*Service).Load@Noun@|/app/internal/service/service.go",
                "github.com/acme/@SVC@/internal/api.(*Handler).get@Noun@|/app/internal/api/handlers.go",
                "net/http.HandlerFunc.ServeHTTP|/usr/local/go/src/net/http/server.go",
                "github.com/acme/@SVC@/internal/api.withTimeout.func1|/app/internal/api/middleware.go",
                "github.com/go-chi/chi/v5.(*Mux).routeHTTP|/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go",
                "net/http.serverHandler.ServeHTTP|/usr/local/go/src/net/http/server.go",
                "net/http.(*conn).serve|/usr/local/go/src/net/http/server.go",
                "created by net/http.(*Server).Serve in goroutine 1|/usr/local/go/src/net/http/server.go",
            ];
            out.push(format!("{kind}: {message}"));
            out.push(String::new());
            out.push(format!("goroutine {} [running]:", rng.range(20, 9000)));
            let frames = ((lines - 3) / 2).min(FRAMES.len());
            let noun = pascal(ctx.noun);
            for frame in &FRAMES[FRAMES.len() - frames..] {
                let mut f = frame.split('|');
                let (func, file) = (f.next().unwrap(), f.next().unwrap());
                let func = func.replace("@SVC@", ctx.service).replace("@Noun@", &noun);
                let args = if func.starts_with("created") {
                    ""
                } else {
                    "(0xc000a1e2d0, 0xc0001f4000)"
                };
                out.push(format!("{func}{args}"));
                out.push(format!(
                    "\t{}:{} +0x{:x}",
                    file.replace("@noun@", ctx.noun),
                    rng.range(30, 3300),
                    rng.range(0x20, 0x4ff)
                ));
            }
        }
        Stack::Node => {
            const FRAMES: &[&str] = &[
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
            out.push(format!("{kind}: {message}"));
            let frames = (lines - 1).min(FRAMES.len());
            let start = rng.below(FRAMES.len() - frames + 1);
            let noun = pascal(ctx.noun);
            for frame in &FRAMES[start..start + frames] {
                let frame = frame
                    .replace("@Noun@", &noun)
                    .replace("@noun@", ctx.noun)
                    .replace("@L@", &rng.range(5, 700).to_string())
                    .replace("@C@", &rng.range(3, 40).to_string());
                out.push(format!("    at {frame}"));
            }
        }
        Stack::Rust => {
            const FRAMES: &[&str] = &[
                "@svc@::store::@Noun@Store::get|./src/store.rs",
                "@svc@::service::Service::load_@noun@|./src/service.rs",
                "@svc@::api::get_@noun@::{{closure}}|./src/api.rs",
                "<axum::handler::future::IntoServiceFuture<F> as core::future::future::Future>::poll|/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/axum-0.7.5/src/handler/future.rs",
                "<tower::util::map_response::MapResponseFuture<F,N> as core::future::future::Future>::poll|/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tower-0.4.13/src/util/map_response.rs",
                "tokio::runtime::task::core::Core<T,S>::poll|/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/task/core.rs",
                "tokio::runtime::task::harness::Harness<T,S>::poll|/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/task/harness.rs",
                "tokio::runtime::scheduler::multi_thread::worker::Context::run_task|/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/scheduler/multi_thread/worker.rs",
                "tokio::runtime::scheduler::multi_thread::worker::Context::run|/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.39.2/src/runtime/scheduler/multi_thread/worker.rs",
                "std::sys::pal::unix::thread::Thread::new::thread_start|/rustc/3f5fd8dd41153bc5fdca9427e9e05be2c767ba23/library/std/src/sys/pal/unix/thread.rs",
            ];
            out.push(format!(
                "thread 'tokio-runtime-worker' panicked at src/store.rs:{}:{}:",
                rng.range(20, 400),
                rng.range(5, 60)
            ));
            out.push(format!("{kind}: {message}"));
            out.push("stack backtrace:".into());
            let frames = ((lines - 3) / 2).min(FRAMES.len());
            for (i, frame) in FRAMES[..frames].iter().enumerate() {
                let mut f = frame.split('|');
                let (func, file) = (f.next().unwrap(), f.next().unwrap());
                let func = func
                    .replace("@svc@", &svc)
                    .replace("@Noun@", &pascal(ctx.noun))
                    .replace("@noun@", ctx.noun);
                out.push(format!("{i:>4}: {func}"));
                out.push(format!(
                    "             at {file}:{}:{}",
                    rng.range(10, 900),
                    rng.range(5, 60)
                ));
            }
        }
    }
    out.join("\n")
}

fn log_lines(kind: &str, message: &str, day: &str, start: i64, ctx: &Ctx, rng: &mut Rng) -> String {
    let (_, hm) = time_text(start);
    let mut second = 0;
    (0..rng.range(2, 3))
        .map(|i| {
            let level = if i == 0 { "WARN" } else { "ERROR" };
            second += rng.range(0, 19);
            format!(
                "{day}T{hm}:{second:02}.{:03}Z {level} {} request_id={:08x} {kind}: {message}",
                rng.range(0, 999),
                ctx.service,
                rng.next() as u32
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------------------
// Code changes

/// A file that was changed: path template, language, and the code before the fix.
struct Snippet {
    file: &'static str,
    language: &'static str,
    code: &'static str,
    /// Lines the fix may add, indented like the line they follow.
    additions: &'static [&'static str],
    comment: &'static str,
}

const SNIPPETS: &[Snippet] = &[
    Snippet {
        file: "@svc@/settings.py",
        language: "python",
        comment: "# ",
        code: r#"CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://@HOST@:@PORT@/1",
        "TIMEOUT": @N@,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": @N@,
            "SOCKET_TIMEOUT": @N@,
            "CONNECTION_POOL_KWARGS": {"max_connections": @N@},
        },
    }
}

SESSION_ENGINE = "django.contrib.sessions.backends.cache""#,
        additions: &[
            "\"retry_on_timeout\": True,",
            "\"health_check_interval\": @N@,",
            "# Fall back to the database when the cache is down",
            "\"IGNORE_EXCEPTIONS\": True,",
        ],
    },
    Snippet {
        file: "@svc@/clients.py",
        language: "python",
        comment: "# ",
        code: r#"def fetch_@NOUN@(session, @NOUN@_id, retries=@N@):
    """Load one @NOUN@ from @SVC@, retrying on timeouts."""
    url = f"{BASE_URL}/@NOUN@s/{@NOUN@_id}"
    for attempt in range(retries):
        try:
            response = session.get(url, timeout=@N@)
            response.raise_for_status()
            return response.json()
        except requests.Timeout:
            log.warning("timeout fetching %s (attempt %d)", url, attempt)
            time.sleep(@N@ * attempt)
    raise ServiceUnavailable(url)"#,
        additions: &[
            "if response.status_code == 404:",
            "    return None",
            "time.sleep(random.uniform(0, @N@) * 2 ** attempt)",
            "# Never retry more than the caller's deadline allows",
        ],
    },
    Snippet {
        file: "deploy/@SVC@/values.yaml",
        language: "yaml",
        comment: "# ",
        code: r#"replicaCount: @N@
image:
  repository: registry.acme.io/@SVC@
  tag: "2024.@N@.1"
resources:
  requests:
    cpu: @N@m
    memory: @N@Mi
  limits:
    memory: @N@Mi
readinessProbe:
  httpGet:
    path: /healthz
    port: @PORT@
  periodSeconds: @N@
env:
  - name: DB_POOL_SIZE
    value: "@N@"
  - name: CACHE_URL
    value: redis://@HOST@:@PORT@/0"#,
        additions: &[
            "failureThreshold: @N@",
            "timeoutSeconds: @N@",
            "# Probe the dependency, not just the process",
            "- name: CACHE_TIMEOUT_MS\n    value: \"@N@\"",
        ],
    },
    Snippet {
        file: "internal/config/@NOUN@.go",
        language: "go",
        comment: "// ",
        code: r#"func NewStore(cfg Config) (*Store, error) {
	pool, err := pgxpool.New(context.Background(), cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	pool.Config().MaxConns = @N@
	pool.Config().MaxConnIdleTime = @N@ * time.Second
	client := &http.Client{
		Timeout: @N@ * time.Second,
	}
	return &Store{
		pool:   pool,
		client: client,
		ttl:    @N@ * time.Minute,
	}, nil
}"#,
        additions: &[
            "pool.Config().HealthCheckPeriod = @N@ * time.Second",
            "if cfg.DatabaseURL == \"\" {\n\t\treturn nil, errors.New(\"DATABASE_URL is empty\")\n\t}",
            "// Bound every call so a slow dependency cannot pin a goroutine",
            "Transport: &http.Transport{MaxIdleConnsPerHost: @N@},",
        ],
    },
    Snippet {
        file: "src/services/@NOUN@-service.ts",
        language: "typescript",
        comment: "// ",
        code: r#"export class @Svc@Client {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly http: HttpClient, private readonly ttlMs = @N@) {}

  async get@Svc@(id: string): Promise<Record | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.expires > Date.now()) {
      return hit.value;
    }
    const response = await this.http.get(`/v1/@NOUN@s/${id}`, { timeout: @N@ });
    const value = response.data.@FIELD@;
    this.cache.set(id, { value, expires: Date.now() + this.ttlMs });
    return value;
  }
}"#,
        additions: &[
            "if (!response.data) {\n      return undefined;\n    }",
            "// Do not cache failures: they would be served for the whole TTL",
            "if (this.cache.size > @N@) this.cache.clear();",
            "const value = response.data?.@FIELD@ ?? null;",
        ],
    },
    Snippet {
        file: "src/store.rs",
        language: "rust",
        comment: "// ",
        code: r#"pub async fn connect(config: &Config) -> anyhow::Result<Store> {
    let pool = PgPoolOptions::new()
        .max_connections(@N@)
        .acquire_timeout(Duration::from_secs(@N@))
        .connect(&config.database_url)
        .await
        .context("connecting to the database")?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(@N@))
        .build()?;
    Ok(Store {
        pool,
        client,
        cache_ttl: Duration::from_secs(@N@),
    })
}"#,
        additions: &[
            ".idle_timeout(Duration::from_secs(@N@))",
            ".connect_timeout(Duration::from_secs(@N@))",
            "// Fail fast: a request should never wait on the pool longer than its own deadline",
            "tracing::info!(max = @N@, \"database pool ready\");",
        ],
    },
    Snippet {
        file: "config/@SVC@.toml",
        language: "toml",
        comment: "# ",
        code: r#"[server]
bind = "0.0.0.0:@PORT@"
workers = @N@
request_timeout_ms = @N@

[database]
url = "postgres://@SVC@@@HOST@:5432/@svc@"
max_connections = @N@
statement_timeout_ms = @N@

[cache]
url = "redis://@HOST@:6379/0"
ttl_seconds = @N@
max_entries = @N@"#,
        additions: &[
            "idle_timeout_ms = @N@",
            "# Keep below the load balancer's idle timeout",
            "retry_budget = @N@",
            "fallback = \"database\"",
        ],
    },
    Snippet {
        file: "migrations/20240@N@_@NOUN@s.sql",
        language: "sql",
        comment: "-- ",
        code: r#"CREATE TABLE @NOUN@s (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    @FIELD@     TEXT,
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE @NOUN@s ADD COLUMN amount_cents BIGINT;
UPDATE @NOUN@s SET amount_cents = @N@ WHERE amount_cents IS NULL;

SELECT id, status FROM @NOUN@s
WHERE tenant_id = $1 AND status = 'pending'
ORDER BY created_at DESC
LIMIT @N@;"#,
        additions: &[
            "CREATE INDEX CONCURRENTLY @NOUN@s_tenant_status_idx ON @NOUN@s (tenant_id, status);",
            "SET lock_timeout = '@N@s';",
            "-- Backfill in batches to keep locks short",
            "AND created_at > now() - interval '@N@ days'",
        ],
    },
    Snippet {
        file: "config/@SVC@.json",
        language: "json",
        comment: "",
        code: r#"{
  "service": "@SVC@",
  "port": @PORT@,
  "upstreams": {
    "@NOUN@s": {
      "url": "http://@HOST@:@PORT@",
      "timeoutMs": @N@,
      "retries": @N@
    }
  },
  "cache": {
    "enabled": true,
    "ttlSeconds": @N@,
    "maxEntries": @N@
  },
  "featureFlags": ["new-@NOUN@-flow", "strict-@FIELD@-validation"]
}"#,
        additions: &[
            "\"circuitBreaker\": { \"failureThreshold\": @N@, \"resetMs\": @N@ },",
            "\"backoffMs\": @N@,",
            "\"staleWhileRevalidate\": true,",
            "\"healthPath\": \"/healthz\",",
        ],
    },
    Snippet {
        file: "src/main/java/com/acme/@svc@/@Noun@Repository.java",
        language: "java",
        comment: "// ",
        code: r#"@Repository
public class @Noun@Repository {
    private final JdbcTemplate jdbc;

    public @Noun@Repository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setQueryTimeout(@N@);
    }

    public Optional<@Noun@> findById(long id) {
        List<@Noun@> rows = jdbc.query(
            "SELECT * FROM @NOUN@s WHERE id = ?",
            new @Noun@RowMapper(), id);
        return rows.stream().findFirst();
    }
}"#,
        additions: &[
            "this.jdbc.setFetchSize(@N@);",
            "// Bounded so a slow query cannot hold a pool connection forever",
            "if (id <= 0) {\n            return Optional.empty();\n        }",
            "log.debug(\"loaded {} @NOUN@ rows\", rows.size());",
        ],
    },
    Snippet {
        file: "scripts/deploy-@SVC@.sh",
        language: "bash",
        comment: "# ",
        code: r#"#!/usr/bin/env bash
set -euo pipefail

SERVICE=@SVC@
NAMESPACE=production
TIMEOUT=@N@s

echo "Deploying $SERVICE $VERSION"
kubectl -n "$NAMESPACE" set image "deployment/$SERVICE" \
  "$SERVICE=registry.acme.io/$SERVICE:$VERSION"
kubectl -n "$NAMESPACE" rollout status "deployment/$SERVICE" --timeout="$TIMEOUT"

for i in $(seq 1 @N@); do
  curl -fsS "http://$SERVICE.$NAMESPACE.svc:@PORT@/healthz" && break
  sleep @N@
done"#,
        additions: &[
            "kubectl -n \"$NAMESPACE\" rollout undo \"deployment/$SERVICE\"",
            "# Abort if the canary error rate is above 1%",
            ": \"${VERSION:?set VERSION}\"",
            "kubectl -n \"$NAMESPACE\" annotate \"deployment/$SERVICE\" deployed-by=\"$USER\" --overwrite",
        ],
    },
];

/// The code before the fix (10-14 lines) and after it (a few lines changed, added, removed).
fn change_code(snippet: &Snippet, ctx: &Ctx, rng: &mut Rng) -> (String, String) {
    let mut before: Vec<String> = fill(snippet.code, ctx, rng)
        .lines()
        .map(String::from)
        .collect();
    // Vary the length: keep the first 11-14 lines, less a trailing blank one.
    let keep = rng.range(11, 14) as usize;
    if before.len() > keep {
        before.truncate(keep);
        while before.last().is_some_and(|l| l.trim().is_empty()) {
            before.pop();
        }
    }
    let mut after = before.clone();
    // Change one or two values.
    for _ in 0..rng.range(1, 2) {
        let numbered: Vec<usize> = (1..after.len())
            .filter(|&i| after[i].chars().any(|c| c.is_ascii_digit()))
            .collect();
        if numbered.is_empty() {
            break;
        }
        let i = numbered[rng.below(numbered.len())];
        after[i] = replace_first_number(&after[i], rng.pick(NUMBERS));
    }
    // Comment out a line now and then, as a fix often does.
    if !snippet.comment.is_empty() && rng.chance(30) && after.len() > 3 {
        let i = rng.range(1, after.len() as i64 - 2) as usize;
        let indent = indent_of(&after[i]).to_owned();
        after[i] = format!("{indent}{}{}", snippet.comment, after[i].trim_start());
    }
    // Remove a line.
    if rng.chance(40) && after.len() > 4 {
        let i = rng.range(1, after.len() as i64 - 2) as usize;
        after.remove(i);
    }
    // Add one or two lines, indented like the line they precede (or follow, if blank).
    for _ in 0..rng.range(1, 2) {
        let i = rng.range(1, after.len() as i64 - 1) as usize;
        let next = if after[i].trim().is_empty() {
            &after[i - 1]
        } else {
            &after[i]
        };
        let indent = indent_of(next).to_owned();
        let added = fill(rng.pick(snippet.additions), ctx, rng);
        let added: Vec<String> = added.lines().map(|l| format!("{indent}{l}")).collect();
        after.splice(i..i, added);
    }
    (before.join("\n"), after.join("\n"))
}

fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

fn replace_first_number(line: &str, new: &str) -> String {
    let Some(start) = line.find(|c: char| c.is_ascii_digit()) else {
        return line.to_owned();
    };
    let end = line[start..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(line.len(), |n| start + n);
    format!("{}{new}{}", &line[..start], &line[end..])
}

// ---------------------------------------------------------------------------------------
// YAML output

/// A double-quoted YAML string.
fn q(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key: |-` and the text indented below it. The text's first line must not start with a
/// space (YAML would take it as the block's indentation).
fn block(out: &mut String, indent: usize, key: &str, text: &str) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}{key}: |-");
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}  {line}");
        }
    }
}

fn flow_list(items: &[&str]) -> String {
    format!("[{}]", items.join(", "))
}

// ---------------------------------------------------------------------------------------
// Incidents

/// Generates `count` incidents, oldest first, as (slug, YAML text).
fn generate(count: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    let first = days_from_civil(2019, 1, 1);
    let last = days_from_civil(2026, 10, 31);
    let today = days_from_civil(2026, 11, 1);
    let mut starts: Vec<i64> = (0..count)
        .map(|_| rng.range(first, last) * 1440 + rng.range(0, 1439))
        .collect();
    starts.sort_unstable();

    let mut slugs: Vec<String> = Vec::with_capacity(count);
    let mut ids: Vec<Option<String>> = Vec::with_capacity(count);
    let mut taken = HashSet::new();
    let mut files = Vec::with_capacity(count);
    for (index, &start) in starts.iter().enumerate() {
        let mut y = String::with_capacity(6000);
        let stack = Stack::ALL[rng.below(Stack::ALL.len())];
        let services = rng.some(SERVICES, 1..=3, true);
        let tags = rng.some(TAGS, 2..=5, true);
        let ctx = Ctx {
            service: services[0],
            noun: rng.pick(NOUNS),
            field: rng.pick(FIELDS),
            host: rng.pick(HOSTS),
            port: rng.pick(PORTS),
        };
        let component = rng.pick(COMPONENTS);
        let problem = rng.pick(PROBLEMS);
        let title = format!(
            "{component} {problem} {} {}",
            rng.pick(EFFECTS),
            ctx.service
        );

        let day = start.div_euclid(1440);
        let date = day_text(day);
        let mut slug = format!("{date}-{}", slugify(&title));
        let mut n = 2;
        while taken.contains(&slug) {
            slug = format!("{date}-{}-{n}", slugify(&title));
            n += 1;
        }
        taken.insert(slug.clone());

        // With an offset, every time is written as an RFC 3339 date-time in that offset.
        let offset = rng
            .chance(40)
            .then(|| rng.pick(&["Z", "+01:00", "+02:00", "-05:00", "+05:30", "-08:00"]));
        let at = |minutes: i64| -> String {
            let (d, hm) = time_text(minutes);
            match offset {
                Some(off) => format!("{d}T{hm}:00{off}"),
                None if d == date => hm,
                None => format!("{d} {hm}"),
            }
        };

        let age = today - day;
        let status = if age > 60 {
            if rng.chance(95) {
                "resolved"
            } else {
                "mitigated"
            }
        } else {
            rng.pick(&[
                "investigating",
                "identified",
                "mitigated",
                "resolved",
                "resolved",
            ])
        };
        let severity = rng.pick(&[
            "critical", "high", "high", "medium", "medium", "medium", "low", "low",
        ]);
        let id = rng.chance(60).then(|| format!("INC-{}", 1000 + index));

        let _ = writeln!(y, "title: {}", q(&title));
        let _ = writeln!(
            y,
            "date: {}",
            q(&if offset.is_some() {
                at(start)
            } else {
                date.clone()
            })
        );
        if let Some(id) = &id {
            let _ = writeln!(y, "id: {id}");
        }
        let _ = writeln!(y, "status: {status}");
        if status == "resolved" && rng.chance(30) {
            let _ = writeln!(
                y,
                "status_note: {}",
                q(rng.pick(&["Production ready", "Monitoring for a week", "Tests pending"]))
            );
        }
        let _ = writeln!(y, "severity: {severity}");
        let pct = rng.range(2, 100);
        let minutes = rng.range(8, 240);
        let _ = writeln!(
            y,
            "summary: {}",
            q(&format!(
                "For about {minutes} minutes `{}` failed {pct}% of requests because of {} {problem}.",
                ctx.service,
                component.to_lowercase(),
            ))
        );
        let authors = rng.some(PEOPLE, 1..=2, false);
        let _ = writeln!(y, "authors: {}", flow_list(&authors));
        let _ = writeln!(y, "tags: {}", flow_list(&tags));
        let _ = writeln!(y, "services: {}", flow_list(&services));

        y.push_str("environment:\n  name: production\n");
        let _ = writeln!(y, "  platform: {}", q(stack.platform()));
        y.push_str("  versions:\n");
        for (name, version) in stack.versions().iter().take(rng.range(1, 3) as usize) {
            let _ = writeln!(y, "    - name: {name}\n      version: {}", q(version));
        }

        let (kind, template) = stack.errors()[rng.below(stack.errors().len())];
        let message = fill(template, &ctx, &mut rng);
        y.push_str("error:\n");
        let _ = writeln!(y, "  type: {}", q(kind));
        let _ = writeln!(y, "  message: {}", q(&message));
        block(
            &mut y,
            2,
            "stack_trace",
            &stack_trace(stack, kind, &message, &ctx, &mut rng),
        );
        if matches!(stack, Stack::Python | Stack::Java) {
            let _ = writeln!(y, "  stack_trace_language: {}", stack.language());
        }
        if rng.chance(30) {
            block(
                &mut y,
                2,
                "logs",
                &log_lines(kind, &message, &date, start, &ctx, &mut rng),
            );
        }

        y.push_str("impact:\n");
        let _ = writeln!(
            y,
            "  summary: {}",
            q(&format!(
                "{pct}% of `{}` requests failed; {} was unavailable for most users.",
                ctx.service,
                services.last().unwrap_or(&ctx.service)
            ))
        );
        let _ = writeln!(
            y,
            "  users: {}",
            q(rng.pick(&[
                "all users",
                "EU customers",
                "logged-in users",
                "internal staff only",
                "mobile users"
            ]))
        );
        let _ = writeln!(
            y,
            "detection: {}",
            q(rng.pick(&[
                "PagerDuty alert on the 5xx rate",
                "Customer reports through support",
                "Synthetic check failed from two regions",
                "An engineer noticed errors in the deploy dashboard",
            ]))
        );

        // Timeline: milestones up to the current status, plus an event or two between.
        let detected = start + rng.range(2, 90);
        let mitigated = detected + rng.range(5, 240);
        let resolved = mitigated + rng.range(10, 2880);
        let mut timeline = vec![
            (
                start,
                format!("Deploy of `{}` rolls out; errors start", ctx.service),
                Some("started"),
            ),
            (
                detected,
                "Alert fires; on-call acknowledges".to_owned(),
                Some("detected"),
            ),
            (
                detected + (mitigated - detected) / 2,
                format!("Root cause narrowed to {}", component.to_lowercase()),
                None,
            ),
        ];
        if status != "investigating" && status != "identified" {
            timeline.push((
                mitigated,
                "Rolled back; error rate back to normal".to_owned(),
                Some("mitigated"),
            ));
        }
        if status == "resolved" {
            timeline.push((
                resolved,
                "Fix deployed and verified".to_owned(),
                Some("resolved"),
            ));
        }
        y.push_str("timeline:\n");
        for (time, event, kind) in timeline {
            let _ = writeln!(y, "  - time: {}\n    event: {}", q(&at(time)), q(&event));
            if let Some(kind) = kind {
                let _ = writeln!(y, "    kind: {kind}");
            }
        }

        y.push_str("root_cause:\n");
        let _ = writeln!(
            y,
            "  summary: {}",
            q(&format!(
                "{component} {problem} in `{}` after a change to its `{}` handling.",
                ctx.service, ctx.field
            ))
        );
        let details = format!(
            "The `{}` path reads `{}` on every request; with {} {problem}, each call waited for \
             its full timeout and the worker pool filled up.\n\nUpstream retries multiplied the load.",
            ctx.noun,
            ctx.field,
            component.to_lowercase()
        );
        block(&mut y, 2, "details", &details);
        y.push_str("  contributing_factors:\n");
        for factor in rng.some(FACTORS, 2..=3, false) {
            let _ = writeln!(y, "    - {}", q(factor));
        }

        // Two changes: one in the team's language, one in another (often configuration).
        let own = SNIPPETS
            .iter()
            .position(|s| s.language == stack.language())
            .unwrap_or(0);
        let mut other = rng.below(SNIPPETS.len());
        while SNIPPETS[other].language == SNIPPETS[own].language {
            other = rng.below(SNIPPETS.len());
        }
        y.push_str("changes:\n");
        for snippet in [&SNIPPETS[own], &SNIPPETS[other]] {
            let (before, after) = change_code(snippet, &ctx, &mut rng);
            let file = fill(snippet.file, &ctx, &mut rng);
            let _ = writeln!(y, "  - file: {}", q(&file));
            let _ = writeln!(y, "    language: {}", snippet.language);
            let _ = writeln!(
                y,
                "    description: {}",
                q(&format!(
                    "Tighten limits and guard the `{}` path.",
                    ctx.noun
                ))
            );
            let _ = writeln!(
                y,
                "    risk: {}",
                rng.pick(&["low", "low", "medium", "high"])
            );
            block(&mut y, 4, "before", &before);
            block(&mut y, 4, "after", &after);
        }

        if status == "resolved" || status == "mitigated" {
            let _ = writeln!(
                y,
                "resolution:\n  summary: {}",
                q("Rolled back first, then shipped the fix above behind a canary.")
            );
        }

        y.push_str("prevention:\n");
        for action in rng.some(ACTIONS, 2..=4, false) {
            let due = day + rng.range(7, 120);
            let state = if due > today {
                rng.pick(&["open", "in-progress"])
            } else {
                rng.pick(&["done", "done", "done", "wont-do", "open"])
            };
            let owner = if rng.chance(50) {
                rng.pick(PEOPLE)
            } else {
                rng.pick(TEAMS)
            };
            let _ = writeln!(y, "  - action: {}", q(action));
            let _ = writeln!(
                y,
                "    owner: {owner}\n    due: {}\n    status: {state}",
                day_text(due)
            );
            let _ = writeln!(y, "    priority: {}", rng.pick(&["high", "medium", "low"]));
            let _ = writeln!(
                y,
                "    kind: {}",
                rng.pick(&["detect", "mitigate", "prevent", "process"])
            );
        }

        if rng.chance(50) {
            let _ = writeln!(
                y,
                "lessons:\n  went_well:\n    - {}",
                q(rng.pick(LESSONS_WELL))
            );
            let _ = writeln!(y, "  went_wrong:\n    - {}", q(rng.pick(LESSONS_WRONG)));
        }
        if let Some(id) = &id {
            let _ = writeln!(
                y,
                "links:\n  - title: Incident ticket\n    url: https://tracker.acme.io/browse/{id}\n    reference: {id}"
            );
        }

        // Now and then, earlier incidents this one resembles.
        if index > 5 && rng.chance(25) {
            y.push_str("related:\n");
            let mut named = HashSet::new();
            for _ in 0..rng.range(1, 2) {
                let earlier = index - 1 - rng.below(index.min(300));
                let name = match &ids[earlier] {
                    Some(id) if rng.chance(20) => id.clone(),
                    _ => slugs[earlier].clone(),
                };
                if named.insert(name.clone()) {
                    let _ = writeln!(y, "  - {name}");
                }
            }
        }

        slugs.push(slug.clone());
        ids.push(id);
        files.push((slug, y));
    }
    files
}

/// Lowercase letters, digits and single hyphens.
fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}
