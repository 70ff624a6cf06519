//! The three real write-ups in `../shared/seeds/` imported as they are: `check` passes,
//! the accounting drops nothing, and what makes each write-up useful (code, commands,
//! config keys, numbers, error lines, checklist items, lessons) is in the generated report.
//!
//! The seeds live outside the repository (they are not ours to copy in), so this test runs
//! only where they are, as on the development machine; on a fresh clone (CI) it says so and
//! passes without checking anything. The fixtures of `tests/import.rs`, written here, carry
//! the acceptance in CI.

mod common;

use std::path::{Path, PathBuf};

use common::{Workspace, stderr, stdout};

fn seeds() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    dir.is_dir().then_some(dir)
}

/// Distinctive strings of each seed, as its report must carry them.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "redis-client-class",
        &[
            "ERR-REDIS-250712-001",
            "REC-REDIS-CLIENT-CLASS-ERROR-250712-001",
            "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
            "File \"redis/connection.py\", line 747, in __init__",
            "return self._cache.get(key, default)",
            "django.core.cache.backends.locmem.LocMemCache",
            "'LOCATION': 'context7-local-cache'",
            "'LOCATION': 'context7-postgresql-cache'",
            "'LOCATION': 'context7-fallback-cache'",
            "'MAX_ENTRIES': 1000",
            "'CULL_FREQUENCY': 3",
            "SESSION_ENGINE = 'django.contrib.sessions.backends.db'",
            "SESSION_CACHE_ALIAS = 'default'",
            "dashboard_project/postgresql_settings.py",
            "dashboard_project/production_settings.py",
            "python manage.py shell -c",
            "10/10 tests passing",
            "Symptom: CLIENT_CLASS parameter rejection",
            "Always verify Redis client library compatibility",
            "Pattern-based solution templates",
            "Include cache fallback tests in CI/CD pipeline",
            "Time to Resolution:** < 30 minutes",
            "Monitor for `CLIENT_CLASS` parameter errors",
            "Regular compatibility audits",
            "Central Protocol v1.0",
            "Context7 ERP error learning system",
        ],
    ),
    (
        "redis-blocking-cache-setup",
        &[
            "ERR_CONNECTION_TIMED_OUT",
            "brew services start redis",
            "redis-cli ping",
            "REDIS_REQUIRED=\"false\"",
            "REDIS_CONNECT_TIMEOUT=\"5\"",
            "_cache_initialization_lock: asyncio.Lock | None = None",
            "async def initialize_cache()",
            "@app.on_event(\"startup\")",
            "from app.database import engine",
            "checks[\"cache\"] = cache_status",
            ".venv/bin/pytest tests/ -q",
            "1463 passed, 139 failed (integration tests), 20 skipped",
            "40 passed in 3.63s",
            "find . -type d -name __pycache__ -exec rm -rf {} +",
            "uvicorn app.main:app --reload --host 0.0.0.0 --port 8000",
            "\"message\": \"EFIR Budget Planning API\"",
            "curl http://localhost:8000/health/ready",
            "Server fails fast when REDIS_REQUIRED=true and Redis down",
            "Startup completes in < 10 seconds (actual: ~5 seconds)",
            "Test concurrent initialization (thread safety)",
            "--cov=app --cov-report=term-missing",
            "prepared statement \"__asyncpg_stmt_2__\" already exists",
            "connect_args={\"statement_cache_size\": 0}",
            "SyntaxError: from __future__ imports must occur at the beginning of the file",
            "Lines modified: 145-151 (reduced from 19 lines to 7 lines)",
            "REDIS_MAX_RETRIES=\"3\"",
        ],
    ),
    (
        "redis-connection-pool-kwargs",
        &[
            "got an unexpected keyword argument 'connection_pool_kwargs'",
            "ERROR \"POST /api/auth/registration/ HTTP/1.1\" 500 21725",
            "c8v2/C8V2/settings.py",
            "Lines 271-299",
            "'socket_connect_timeout': 5",
            "'KEY_PREFIX': 'quatarly_session'",
            "'TIMEOUT': 86400,  # 24 hours for sessions",
            "os.getenv('REDIS_URL', 'redis://localhost:6379/2')",
            "`socket_keepalive_options` - TCP keepalive options",
            "`COMPRESSOR` - This is specific to `django-redis` package",
            "pip install django-redis",
            "'CLIENT_CLASS': 'django_redis.client.DefaultClient'",
            "python manage.py check",
            "System check identified no issues (0 silenced).",
            "cache.set('test_key', 'test_value', 60)",
            "python manage.py runserver 0.0.0.0:8000",
            "Default max connections: 50",
            "redis-py 5.0.1",
            "`SITE_ID = 1` is set",
            "Separate Redis database for sessions (db 2)",
            "UserWarning: app_settings.USERNAME_REQUIRED is deprecated",
            "dj_rest_auth/registration/serializers.py",
            "Quit the server with CTRL-BREAK.",
            "\"POST /api/auth/registration/ HTTP/1.1\" 201 XXX",
            "ACCOUNT_LOGIN_METHODS = {'username'}",
            "Removed unsupported `connection_pool_kwargs` parameter",
        ],
    ),
];

#[test]
fn the_seeds_import_check_and_keep_what_matters() {
    let Some(seeds) = seeds() else {
        eprintln!("../shared/seeds is not here (a fresh clone): nothing to check");
        return;
    };
    let ws = Workspace::new();
    let seeds = seeds.display().to_string();
    let output = ws.run(&["import", &seeds, "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let outcomes: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(outcomes.len(), 3);
    for outcome in &outcomes {
        assert_eq!(outcome["result"], "written");
        assert_eq!(outcome["accounting"]["dropped"], 0, "{outcome:#}");
    }
    let check = ws.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let build = ws.run(&["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    for (seed, strings) in EXPECTED {
        assert!(strings.len() >= 25, "{seed}: {} strings", strings.len());
        let outcome = outcomes
            .iter()
            .find(|o| o["source"].as_str().is_some_and(|s| s.contains(seed)))
            .expect("an outcome per seed");
        let file = outcome["file"].as_str().expect("file");
        let slug = Path::new(file)
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let report =
            std::fs::read_to_string(ws.path(&format!("reports/{slug}.md"))).expect("report");
        let missing: Vec<&&str> = strings.iter().filter(|s| !report.contains(**s)).collect();
        assert!(
            missing.is_empty(),
            "{seed}: missing from the report: {missing:#?}"
        );
    }
}
