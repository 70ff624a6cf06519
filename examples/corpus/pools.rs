//! The words incidents are made of.
//!
//! Pure data, kept apart from the code that draws from it so each can be read alone. The
//! order of every pool matters: draws pick by index, and the skewed draws favour the first
//! entries (tags and services), so reordering or extending a pool changes every corpus and
//! with it the published benchmark figures.

use postmortem::model::{ActionKind, ActionStatus, Level};

/// The default statuses, as the generator chooses among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Investigating,
    Identified,
    Mitigated,
    Resolved,
}

impl Status {
    /// The name files use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Investigating => "investigating",
            Self::Identified => "identified",
            Self::Mitigated => "mitigated",
            Self::Resolved => "resolved",
        }
    }
}

/// The default severities, as the generator chooses among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    /// The name files use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

#[rustfmt::skip]
pub const TAGS: &[&str] = &[
    "config", "dependency", "database", "cache", "redis", "postgres", "kafka", "network", "dns",
    "tls", "timeout", "memory", "cpu", "disk", "deploy", "rollback", "kubernetes", "terraform",
    "monitoring", "alerting", "capacity", "performance", "security", "auth", "third-party",
    "data-loss", "migration", "feature-flag", "queue", "retry", "race-condition", "regression",
    "upgrade", "certificate", "rate-limit", "cdn", "load-balancer", "cron", "logging",
    "human-error",
];

#[rustfmt::skip]
pub const SERVICES: &[&str] = &[
    "checkout-api", "auth-service", "payments", "search", "user-profile", "notifications",
    "inventory", "orders", "billing", "gateway", "web-frontend", "mobile-bff",
    "recommendations", "analytics-pipeline", "email-worker", "media-upload", "catalog",
    "pricing", "shipping", "admin-portal", "reporting", "session-store", "feature-flags",
    "ledger", "fraud-detection", "webhooks", "scheduler", "identity", "chat", "status-page",
];

#[rustfmt::skip]
pub const COMPONENTS: &[&str] = &[
    "Redis", "PostgreSQL", "Kafka", "RabbitMQ", "Elasticsearch", "S3", "DNS", "TLS certificate",
    "Nginx", "Envoy", "gRPC client", "Kubernetes HPA", "Helm chart", "Terraform plan",
    "Feature flag", "Connection pool", "Rate limiter", "CDN", "OAuth token", "Cron job",
    "Database migration", "Memcached", "Load balancer", "JWT validation", "Webhook retry",
    "Batch job", "Schema registry", "Celery worker",
];

#[rustfmt::skip]
pub const PROBLEMS: &[&str] = &[
    "timeouts", "exhaustion", "config drift", "memory leak", "expired credentials",
    "version mismatch", "retry storm", "deadlock", "slow queries", "disk pressure",
    "stale entries", "missing index", "race condition", "null handling bug", "unbounded queue",
    "wrong default", "clock skew", "schema change", "option rename", "split brain",
];

#[rustfmt::skip]
pub const EFFECTS: &[&str] = &[
    "breaks", "degrades", "stalls", "takes down", "slows", "corrupts responses of",
    "blocks deploys of", "causes 5xx in", "drops events in", "doubles latency of",
];

#[rustfmt::skip]
pub const PEOPLE: &[&str] = &[
    "alice.nguyen", "bob.okafor", "carla.mendes", "deniz.yilmaz", "erik.larsen",
    "fatima.rahman", "george.ito", "hana.kowalski", "ivan.petrov", "julia.schmidt",
    "kwame.asante", "lena.fischer",
];

#[rustfmt::skip]
pub const TEAMS: &[&str] = &[
    "platform-team", "sre", "data-team", "payments-team", "identity-team", "web-team",
    "infra-oncall", "security-team",
];

#[rustfmt::skip]
pub const FIELDS: &[&str] = &[
    "user_id", "session", "token", "order_id", "currency", "tenant", "price", "locale", "items",
    "address", "config", "region",
];

#[rustfmt::skip]
pub const NOUNS: &[&str] = &[
    "order", "user", "invoice", "session", "payment", "product", "event",
];

#[rustfmt::skip]
pub const HOSTS: &[&str] = &[
    "redis-primary.internal", "10.0.3.17", "pg-main.db.svc", "kafka-2.broker", "10.12.0.44",
    "es-data-1.search", "mq.internal", "cache-01.prod",
];

#[rustfmt::skip]
pub const PORTS: &[&str] = &[
    "6379", "5432", "9092", "8080", "443", "3306", "9200", "5672", "11211",
];

#[rustfmt::skip]
pub const NUMBERS: &[&str] = &[
    "2", "3", "5", "10", "15", "30", "60", "100", "128", "250", "500", "1000", "5000",
];

#[rustfmt::skip]
pub const FACTORS: &[&str] = &[
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
pub const ACTIONS: &[&str] = &[
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
pub const LESSONS_WELL: &[&str] = &[
    "The on-call engineer found the failing deploy within minutes",
    "Rolling back was a single command", "Customer support had a status update ready quickly",
    "Dashboards showed the error rate immediately",
];

#[rustfmt::skip]
pub const LESSONS_WRONG: &[&str] = &[
    "Alerts fired on symptoms, not on the cause",
    "Nobody knew which of the config files was live",
    "The fix needed two deploys because the first one missed a file",
    "Escalation took too long outside office hours",
];

/// Offsets of incidents that give exact times; the rest write local times.
pub const OFFSETS: &[&str] = &["Z", "+01:00", "+02:00", "-05:00", "+05:30", "-08:00"];

/// The status of an incident of the last two months.
pub const RECENT_STATUSES: &[Status] = &[
    Status::Investigating,
    Status::Identified,
    Status::Mitigated,
    Status::Resolved,
    Status::Resolved,
];

pub const SEVERITIES: &[Severity] = &[
    Severity::Critical,
    Severity::High,
    Severity::High,
    Severity::Medium,
    Severity::Medium,
    Severity::Medium,
    Severity::Low,
    Severity::Low,
];

pub const STATUS_NOTES: &[&str] = &["Production ready", "Monitoring for a week", "Tests pending"];

pub const USERS: &[&str] = &[
    "all users",
    "EU customers",
    "logged-in users",
    "internal staff only",
    "mobile users",
];

pub const DETECTIONS: &[&str] = &[
    "PagerDuty alert on the 5xx rate",
    "Customer reports through support",
    "Synthetic check failed from two regions",
    "An engineer noticed errors in the deploy dashboard",
];

pub const RISKS: &[Level] = &[Level::Low, Level::Low, Level::Medium, Level::High];

/// The state of an action item due after the corpus's "today".
pub const PENDING_STATES: &[ActionStatus] = &[ActionStatus::Open, ActionStatus::InProgress];

/// The state of an action item that was due before it.
pub const PAST_DUE_STATES: &[ActionStatus] = &[
    ActionStatus::Done,
    ActionStatus::Done,
    ActionStatus::Done,
    ActionStatus::WontDo,
    ActionStatus::Open,
];

pub const PRIORITIES: &[Level] = &[Level::High, Level::Medium, Level::Low];

pub const ACTION_KINDS: &[ActionKind] = &[
    ActionKind::Detect,
    ActionKind::Mitigate,
    ActionKind::Prevent,
    ActionKind::Process,
];
