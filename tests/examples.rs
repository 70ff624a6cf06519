//! The repository's own example workspace (`incidents/`) builds, and the three incidents
//! converted from real write-ups keep everything the originals said.
//!
//! The originals are long Markdown documents (kept outside this repository). Each list
//! below holds strings copied from one of them: code, commands, config keys, numbers,
//! error messages, file paths, log lines, versions, and key phrases of the prose. Every
//! string must appear verbatim in the Markdown report generated from the incident file, so
//! a conversion that drops or mangles part of an original fails here, naming what is gone.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// Slugs of the incidents converted from the three seed write-ups.
const CLIENT_CLASS: &str = "2025-07-12-redis-client-class-breaks-login";
const POOL_KWARGS: &str = "2025-10-09-redis-connection-pool-kwargs-breaks-registration";
const BLOCKING_SETUP: &str = "2025-12-05-redis-blocking-cache-setup-hangs-backend";

/// What one build of the example workspace produced.
struct Built {
    /// Every file in the reports folder, by file name.
    reports: BTreeMap<String, String>,
    /// Slugs of every file in `incidents/`.
    slugs: Vec<String>,
}

/// Builds the example workspace once into temporary folders and reads the reports back.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let tmp = tempfile::tempdir().expect("temp dir");
        let site = tmp.path().join("site");
        let reports = tmp.path().join("reports");
        let output = Command::new(env!("CARGO_BIN_EXE_postmortem"))
            .arg("--root")
            .arg(root)
            .arg("build")
            .arg("--out")
            .arg(&site)
            .arg("--reports")
            .arg(&reports)
            .output()
            .expect("run postmortem build");
        assert!(
            output.status.success(),
            "`postmortem build` of the example workspace failed ({}):\nstdout:\n{}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        assert!(
            site.join("index.html").is_file(),
            "the build wrote no site/index.html"
        );

        let reports = std::fs::read_dir(&reports)
            .expect("reports folder")
            .map(|entry| {
                let path = entry.expect("reports entry").path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&path).expect("read report");
                (name, text)
            })
            .collect();
        let mut slugs: Vec<String> = std::fs::read_dir(root.join("incidents"))
            .expect("incidents folder")
            .filter_map(|entry| {
                let name = entry.expect("incidents entry").file_name();
                let name = name.to_string_lossy();
                name.strip_suffix(".yaml").map(str::to_owned)
            })
            .collect();
        slugs.sort();
        Built { reports, slugs }
    })
}

/// The generated report of `slug`.
fn report(slug: &str) -> &'static str {
    let file = format!("{slug}.md");
    built()
        .reports
        .get(&file)
        .unwrap_or_else(|| panic!("no report {file} was generated"))
}

/// Asserts that every string copied from the original write-up (`original`) and every
/// piece of report layout that carries its meaning (`layout`: checklist state, table rows,
/// diff lines) appears in the report of `slug`, listing all that do not.
fn assert_kept(slug: &str, original: &[&str], layout: &[&str]) {
    assert!(
        original.len() >= 25,
        "{slug}: check at least 25 strings from the original, not {}",
        original.len()
    );
    let text = report(slug);
    let missing: Vec<String> = original
        .iter()
        .filter(|s| !text.contains(*s))
        .map(|s| format!("  missing from the original: {s:?}"))
        .chain(
            layout
                .iter()
                .filter(|s| !text.contains(*s))
                .map(|s| format!("  missing from the layout: {s:?}")),
        )
        .collect();
    assert!(
        missing.is_empty(),
        "reports/{slug}.md lost {} string(s) of the original write-up:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn example_workspace_builds_and_the_index_lists_every_incident() {
    let built = built();
    assert!(
        built.slugs.len() >= 6,
        "expected the three seeds and at least three more examples, found {:?}",
        built.slugs
    );
    for slug in [CLIENT_CLASS, POOL_KWARGS, BLOCKING_SETUP] {
        assert!(
            built.slugs.iter().any(|s| s == slug),
            "incidents/{slug}.yaml is missing"
        );
    }
    let index = built
        .reports
        .get("README.md")
        .expect("reports/README.md was not generated");
    for slug in &built.slugs {
        assert!(
            index.contains(&format!("]({slug}.md)")),
            "reports/README.md does not link incident {slug}"
        );
        assert!(
            built.reports.contains_key(&format!("{slug}.md")),
            "no report for incident {slug}"
        );
    }
    let count = format!("{} incidents", built.slugs.len());
    assert!(
        index.contains(&count),
        "reports/README.md does not say {count:?}"
    );
}

/// "Redis CLIENT_CLASS Error Pattern Resolution Report" (12 Temmuz 2025).
#[test]
fn client_class_report_keeps_the_original() {
    assert_kept(
        CLIENT_CLASS,
        &[
            // Identifiers and status
            "ERR-REDIS-250712-001",
            "REC-REDIS-CLIENT-CLASS-ERROR-250712-001",
            "Production Ready",
            // Error and stack trace
            "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
            "File \"django/core/cache/backends/redis.py\", line 188, in get",
            "return self._cache.get(key, default)",
            "File \"redis/connection.py\", line 747, in __init__",
            "super().__init__(**kwargs)",
            "Login functionality completely broken, cache operations failing",
            "Authentication, session management, cache operations",
            // Root cause and affected files
            "Redis client library compatibility issue with Django Redis backend",
            "`CLIENT_CLASS` parameter no longer supported in newer Redis versions",
            "Redis settings in multiple files causing conflicts",
            "`dashboard_project/settings.py` - Main settings",
            "`dashboard_project/postgresql_settings.py` - PostgreSQL configuration",
            "`dashboard_project/production_settings.py` - Production settings",
            // Configuration changes
            "# Force local memory cache to avoid Redis CLIENT_CLASS compatibility issues",
            "# Cache configuration - Force local memory cache to avoid Redis CLIENT_CLASS compatibility issues",
            "'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',",
            "'LOCATION': 'context7-local-cache',",
            "'LOCATION': 'context7-postgresql-cache',",
            "'TIMEOUT': 300,  # 5 minutes default timeout",
            "'MAX_ENTRIES': 1000,",
            "'CULL_FREQUENCY': 3,",
            "# Session configuration - use database for reliability",
            "SESSION_ENGINE = 'django.contrib.sessions.backends.db'  # More reliable than cached_db",
            "SESSION_CACHE_ALIAS = 'default'",
            "Changed from `cached_db` to `db` for better reliability",
            "Force local memory cache fallback to avoid Redis compatibility issues",
            // Verification
            "python manage.py shell -c \"from django.core.cache import cache; cache.clear(); print('",
            "Cache cleared successfully')\"",
            "10/10 tests passing",
            "100% restored",
            "No critical issues",
            // Performance and success metrics
            "Local memory cache provides sufficient performance for development",
            "No significant impact on page load times",
            "Minimal increase in memory usage",
            "< 30 minutes",
            "Minimal (development environment)",
            "0% (prevented through pattern detection)",
            "100% (10/10 tests)",
            "Comprehensive and reusable",
            // Prevention
            "Monitor for `CLIENT_CLASS` parameter errors",
            "Implement fallback to local memory cache",
            "Ensure consistent cache configuration across all settings files",
            "Test cache functionality after dependency updates",
            "Automated testing of authentication workflows",
            // Knowledge base entry
            "Error Pattern: ERR-REDIS-250712-001",
            "Type: Redis Configuration Error",
            "Symptom: CLIENT_CLASS parameter rejection",
            "Test: Cache clear + login functionality",
            "# Redis fallback configuration template",
            "'LOCATION': 'context7-fallback-cache',",
            // Lessons
            "Always verify Redis client library compatibility",
            "Implement cache fallback mechanisms",
            "Include cache operations in comprehensive test suites",
            "Regular compatibility audits",
            "Pattern-based solution templates",
            // Next steps
            "Continue monitoring for any cache-related issues",
            "Include Redis fallback in deployment guides",
            "Plan for Redis library upgrade when compatibility is restored",
            "Include cache fallback tests in CI/CD pipeline",
            // Conclusion
            "Central Protocol v1.0 + Error Pattern Documentation",
            "10/10 Perfect Score Maintained",
            "Context7 ERP System - Learning from Every Error to Build Better Systems",
        ],
        &[
            "| **Date** | 2025-07-12 |",
            "| **Status** | resolved (Production Ready) |",
            "| Comprehensive test suite | 10 | 0 | 0 |",
            "- [x] **Cache clear test**: passed",
            "- [x] **Monitor System Health:** Continue monitoring",
            "- [x] **Test Production Impact:** Verify production environment compatibility",
            "- [ ] **Redis Upgrade Strategy:** Plan for Redis library upgrade",
            "| Login status | Completely broken | 100% functional |",
            "-SESSION_ENGINE = 'django.contrib.sessions.backends.cached_db'",
            "+SESSION_ENGINE = 'django.contrib.sessions.backends.db'",
            "[Redis connection_pool_kwargs option breaks user registration](2025-10-09-redis-connection-pool-kwargs-breaks-registration.md)",
        ],
    );
}

/// "Redis Configuration Fix - October 9, 2025".
#[test]
fn connection_pool_kwargs_report_keeps_the_original() {
    assert_kept(
        POOL_KWARGS,
        &[
            // Error and logs
            "AbstractConnection.__init__() got an unexpected keyword argument 'connection_pool_kwargs'",
            "ERROR \"POST /api/auth/registration/ HTTP/1.1\" 500 21725",
            "ERROR Internal Server Error: /api/auth/registration/",
            // Root cause
            "is **not supported** in Django's built-in `RedisCache` backend (Django 4.0+)",
            "This parameter was being passed in the `OPTIONS` dictionary",
            // Before and after
            "c8v2/C8V2/settings.py",
            "271-299",
            "'BACKEND': 'django.core.cache.backends.redis.RedisCache',",
            "'LOCATION': os.getenv('REDIS_URL', 'redis://localhost:6379/1'),",
            "'LOCATION': os.getenv('REDIS_URL', 'redis://localhost:6379/2'),",
            "'socket_connect_timeout': 5,",
            "'connection_pool_kwargs': {  # ",
            "NOT SUPPORTED",
            "'max_connections': 50,",
            "'retry_on_timeout': True,",
            "# Note: connection_pool_kwargs is not supported in Django's RedisCache",
            "# The backend manages connection pooling automatically",
            "'KEY_PREFIX': 'quatarly',",
            "'VERSION': 1,",
            "'TIMEOUT': 300,  # 5 minutes default",
            "# Separate cache for sessions",
            "'KEY_PREFIX': 'quatarly_session',",
            "'TIMEOUT': 86400,  # 24 hours for sessions",
            // Allauth
            "241-254",
            "# Allauth settings - Updated for django-allauth 0.57.0+",
            "ACCOUNT_LOGIN_METHODS = {'username'}",
            "ACCOUNT_EMAIL_VERIFICATION = 'none'",
            "ACCOUNT_UNIQUE_EMAIL = True",
            "ACCOUNT_SIGNUP_FIELDS = ['username*', 'email*', 'password1*', 'password2*']",
            "ACCOUNT_USERNAME_REQUIRED = True",
            "ACCOUNT_EMAIL_REQUIRED = True",
            "Prevent deprecation warnings from `dj_rest_auth` package",
            // Understanding Django's RedisCache backend
            "`socket_keepalive_options` - TCP keepalive options",
            "`connection_pool_class` - Custom connection pool class",
            "`username` - Redis username (Redis 6.0+)",
            "`connection_pool_kwargs` - This is specific to `django-redis` package",
            "`CLIENT_CLASS` - This is specific to `django-redis` package",
            "`COMPRESSOR` - This is specific to `django-redis` package",
            "**automatically manages connection pooling**",
            "Default max connections: 50",
            "pip install django-redis",
            "'BACKEND': 'django_redis.cache.RedisCache',",
            "'CLIENT_CLASS': 'django_redis.client.DefaultClient',",
            "'CONNECTION_POOL_KWARGS': {",
            // Verification steps
            "redis-cli ping",
            "PONG",
            "cd c8v2",
            "python manage.py check",
            "System check identified no issues (0 silenced).",
            "cache.set('test_key', 'test_value', 60)",
            "print(cache.get('test_key'))  # Should print: test_value",
            "cache.delete('test_key')",
            "python manage.py shell",
            "python manage.py runserver 0.0.0.0:8000",
            "# In another terminal",
            "curl -X POST http://localhost:8000/api/auth/registration/ \\",
            "-H \"Content-Type: application/json\" \\",
            "-d '{\"username\":\"testuser\",\"email\":\"test@example.com\",\"password1\":\"testpass123\",\"password2\":\"testpass123\"}'",
            // Expected behaviour after the fix
            "October 09, 2025 - 21:XX:XX",
            "Django version 5.0.1, using settings 'C8V2.settings'",
            "Starting development server at http://0.0.0.0:8000/",
            "Quit the server with CTRL-BREAK.",
            "\"POST /api/auth/registration/ HTTP/1.1\" 201 XXX",
            // Other potential issues checked
            "redis-py 5.0.1",
            "Django 5.2.3 works with redis-py 4.0+ and 5.0+",
            "`SITE_ID = 1` is set",
            "`django.contrib.sites` is in INSTALLED_APPS",
            "Cache backend is now working for throttling",
            "Separate Redis database for sessions (db 2)",
            // Remaining warnings
            "UserWarning: app_settings.USERNAME_REQUIRED is deprecated",
            "UserWarning: app_settings.EMAIL_REQUIRED is deprecated",
            "dj_rest_auth/registration/serializers.py",
            "None - these are just deprecation warnings from the package, not errors",
            // Summary
            "**Fixed:** Removed unsupported `connection_pool_kwargs` parameter",
            "**Documented:** Proper usage of Django's RedisCache backend",
            "handle user registration properly",
        ],
        &[
            "| **Date** | 2025-10-09 |",
            "| **Severity** | critical |",
            "### 1. `c8v2/C8V2/settings.py` (lines 271-299)",
            "### 2. `c8v2/C8V2/settings.py` (lines 241-254)",
            "-            'connection_pool_kwargs': {",
            "+        'KEY_PREFIX': 'quatarly',",
            "- [x] **Fixed:** Removed unsupported `connection_pool_kwargs` parameter",
            "- [x] **1. Check Redis is running**: passed",
            "| redis-py | `5.0.1` |",
            "[Redis CLIENT_CLASS option breaks login](2025-07-12-redis-client-class-breaks-login.md)",
        ],
    );
}

/// "Redis Architectural Fix - Implementation Complete" (December 5, 2025).
#[test]
fn blocking_cache_setup_report_keeps_the_original() {
    assert_kept(
        BLOCKING_SETUP,
        &[
            "Claude Code",
            "~2.5 hours",
            "Core Implementation Complete, Tests Pending",
            // Problem and root cause
            "ERR_CONNECTION_TIMED_OUT",
            "localhost:8000",
            "Redis cache initialization (`cache.setup()`) was called synchronously at module import time (cache.py line 35-36)",
            "the first request would hang trying to import the cache module",
            // Phase 1
            "Installed Redis 8.4.0 via Homebrew (`/opt/homebrew/bin/brew`)",
            "brew services start redis",
            "`redis-cli ping` returns PONG",
            "`REDIS_REQUIRED=\"false\"` (graceful degradation in dev)",
            "`REDIS_CONNECT_TIMEOUT=\"5\"`",
            "`REDIS_SOCKET_TIMEOUT=\"5\"`",
            "`REDIS_MAX_RETRIES=\"3\"`",
            // Phase 2 and files modified
            "backend/.env.local",
            "35-41",
            "_cache_initialized: bool = False",
            "_cache_initialization_lock: asyncio.Lock | None = None",
            "_cache_initialization_error: Exception | None = None",
            "`_get_initialization_lock()` - Thread-safe lock creation",
            "`async def initialize_cache()` - Deferred Redis setup with timeout protection",
            "`validate_redis_config()` - Startup configuration validation",
            "+178 lines",
            "from app.database import engine",
            "`@app.on_event(\"startup\")`",
            "Checks database connectivity (Supabase) with 10s timeout",
            "Checks Supabase Auth API (non-blocking)",
            "Closes Redis client gracefully",
            "+80 lines",
            "from app.core.cache import get_cache_status",
            "checks[\"cache\"] = cache_status",
            "overall_status = \"degraded\"",
            "145-163",
            "reduced from 19 lines to 7 lines",
            "-12 lines",
            // Automated tests
            "test_cache_initialization.py",
            "with 20 comprehensive test scenarios",
            "with 13 startup/shutdown integration tests",
            ".venv/bin/pytest tests/core/test_cache_initialization.py tests/test_startup.py -v",
            "40 passed in 3.63s",
            ".venv/bin/pytest tests/test_health.py::test_readiness_redis_check_success -v",
            "1 passed in 3.59s",
            ".venv/bin/pytest tests/ -q",
            "1463 passed, 139 failed (integration tests), 20 skipped",
            "139 failures are pre-existing integration tests requiring database connectivity",
            "ZERO breaking changes from Redis refactoring",
            "(197 lines)",
            // Manual tests
            "find . -type d -name __pycache__ -exec rm -rf {} +",
            "cd backend && source .venv/bin/activate",
            "uvicorn app.main:app --reload --host 0.0.0.0 --port 8000",
            "{\"event\": \"application_startup_begin\"}",
            "{\"event\": \"cache_setup_configured\", \"url\": \"redis://localhost:6379/0\"}",
            "curl http://localhost:8000/health/ready",
            "\"message\": \"EFIR Budget Planning API\",",
            "\"note\": \"Service reachable (requires auth)\"",
            "\"error\": \"... pgbouncer prepared statement issue ...\"",
            "Graceful degradation working (database error didn't crash server)",
            // Success criteria
            "Server starts with Redis stopped (graceful degradation)",
            "Server fails fast when REDIS_REQUIRED=true and Redis down",
            "Cache decorators pass-through when Redis unavailable",
            "Well-documented configuration in .env.example",
            // Remaining work
            "- [ ] Test concurrent initialization (thread safety)",
            "- [ ] Test startup with REDIS_REQUIRED=true blocking",
            ".venv/bin/pytest tests/ -v --tb=short",
            "REDIS_ENABLED=true REDIS_REQUIRED=false uvicorn app.main:app --reload",
            "# Expected: Server fails to start with clear error",
            ".venv/bin/pytest tests/ --cov=app --cov-report=term-missing",
            "REDIS_REQUIRED=\"false\"  # Fail startup if true and Redis unavailable",
            "REDIS_MAX_RETRIES=\"3\"  # Maximum retry attempts",
            ".venv/bin/ruff check . --fix",
            ".venv/bin/mypy app",
            // Known issues
            "prepared statement \"__asyncpg_stmt_2__\" already exists",
            "HINT: pgbouncer with pool_mode set to \"transaction\" or \"statement\"",
            "Add `statement_cache_size=0` to database connection configuration",
            "connect_args={\"statement_cache_size\": 0},  # Add this",
            "SyntaxError: from __future__ imports must occur at the beginning of the file",
            "Non-blocking, Pre-existing",
            // Performance metrics
            "| Server startup time | ∞ (hung) | ~5 seconds |",
            "| First request response | ∞ (timeout) | <100ms |",
            "4 checks",
            // Rollback and next steps
            "git checkout HEAD -- app/core/cache.py app/main.py app/routes/health.py",
            "git checkout HEAD -- .env.local",
            "REDIS_ENABLED=\"false\"",
            "pkill -f \"uvicorn app.main:app\"",
            "Test all three scenarios (Redis on/off/required)",
            "Review and commit all changes",
            "Core implementation is solid and working perfectly",
        ],
        &[
            "| **Date** | 2025-12-05 |",
            "| **Status** | mitigated (Core Implementation Complete, Tests Pending) |",
            "### 1. `backend/.env.local` (lines 35-41)",
            "### 2. `backend/app/core/cache.py` (lines 35-36)\n\nhigh risk",
            "| All existing tests<br>`.venv/bin/pytest tests/ -q` | 1463 | 139 | 20 |",
            "| 40 | 0 | 0 | 3.63s |",
            "- [x] Started Redis service",
            "- [x] **Server starts with Redis running**: passed",
            "- [x] **Server starts with Redis stopped (graceful degradation)**: passed",
            "- [ ] **Server fails fast when REDIS_REQUIRED=true and Redis down**: pending",
            "- [ ] **Helpful troubleshooting guide**: pending",
            "- [ ] Test concurrent initialization (thread safety)",
            "- [x] **Immediate**: Run the server and test that it works",
            "### Issue 1: Database prepared statement error (Non-blocking, Pre-existing)",
        ],
    );
}
