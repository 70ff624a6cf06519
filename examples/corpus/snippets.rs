//! The files an incident's fix changes, as templates of the code before the fix.
//!
//! Pure data: eleven files in ten languages, each with the lines a fix may add and the
//! language's line comment. `change` turns one into a before/after pair. Their order
//! matters: an incident's second change is drawn by index.

/// A file that was changed: path template, language, and the code before the fix.
pub struct Snippet {
    pub file: &'static str,
    pub language: &'static str,
    pub code: &'static str,
    /// Lines the fix may add, indented like the line they precede.
    pub additions: &'static [&'static str],
    /// How the language starts a line comment; empty if it has none (JSON).
    pub comment: &'static str,
}

pub const SNIPPETS: &[Snippet] = &[
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
