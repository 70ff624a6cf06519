//! The workspace: the folder holding `postmortem.toml` and `incidents/`, and its settings.
//!
//! The root is found the way cargo finds `Cargo.toml`: the nearest folder upward from where
//! the user stands that holds `postmortem.toml`, else the current folder. All other paths
//! (incidents, templates, reports, site) are resolved against the root.

mod ignore;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::model::text::closest;
use crate::model::{Vocabularies, Vocabulary, Word};
pub use ignore::Ignore;

/// The name of the settings file that marks a workspace root.
pub const CONFIG_FILE: &str = "postmortem.toml";

/// Where the render cache is kept unless `cache` says otherwise: hidden, beside the
/// settings, and ignored by git (`init` says so in `.gitignore`).
pub const DEFAULT_CACHE: &str = ".postmortem/cache";

/// Incidents per part of the search index unless `search_shard_size` says otherwise: about
/// 400 MB to index at most, and few enough parts at 10,000 incidents that a search word
/// fetches five pieces of index.
pub const DEFAULT_SEARCH_SHARD_SIZE: NonZeroUsize = NonZeroUsize::new(2_000).unwrap();

/// Settings from `postmortem.toml`; every field is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site title, shown in the header and the feed.
    pub title: String,
    /// One sentence about the site, for the index page and search engines.
    pub description: String,
    /// Absolute URL the site is published at, e.g. `https://acme.github.io/incidents/`.
    pub base_url: Option<String>,
    /// Folder of incident files.
    pub incidents: PathBuf,
    /// Folder of template overrides.
    pub templates: PathBuf,
    /// Folder the Markdown reports are written to.
    pub reports: PathBuf,
    /// Folder the site is written to.
    pub output: PathBuf,
    /// Files under the incidents folder that are not incidents (`.gitignore`-style globs).
    pub ignore: Ignore,
    /// Free values for template overrides, as `site.extra` (Zola's `[extra]`).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The site's interface language (`en`, `de`, or one with `templates/i18n/<it>.toml`).
    pub language: String,
    /// IANA time zone of times written without one, e.g. `Europe/Berlin`; UTC when unset.
    pub timezone: Option<String>,
    /// The team's severity levels, most severe first (`[[severity]]` tables with `name`,
    /// `label`, `description`, `aliases`); `critical`, `high`, `medium`, `low` when unset.
    pub severity: Vec<Word>,
    /// The team's statuses, in the order an incident moves through them (`[[status]]`
    /// tables, `closed = true` on those that need no more work); `investigating`,
    /// `identified`, `mitigated`, `resolved` when unset.
    pub status: Vec<Word>,
    /// Hosts the site may load images from (`["grafana.acme.internal"]`); images from other
    /// hosts are shown as links, and `check` warns about them.
    pub remote_images: Vec<String>,
    /// Folder of the render cache, which keeps what each page rendered to across builds.
    pub cache: PathBuf,
    /// Host names `serve` answers besides localhost and its own address (`--allowed-host`),
    /// for a preview shared on a network.
    pub allowed_hosts: Vec<String>,
    /// Settings of `postmortem import`: `[import.headings]` maps more heading wordings to
    /// fields (`"What we saw" = "detection"`), on top of the built-in synonyms.
    pub import: ImportConfig,
    /// Incidents per part of the search index: a smaller part takes less memory to build, a
    /// larger one fewer downloads per search word (see `search::shards`).
    pub search_shard_size: NonZeroUsize,
}

/// The `[import]` table of `postmortem.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// Heading wording → field name, e.g. `"Customer pain" = "impact"`.
    pub headings: std::collections::BTreeMap<String, String>,
}

/// Every key `postmortem.toml` may have, for "did you mean" and the list of valid ones.
pub const CONFIG_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "incidents",
    "templates",
    "reports",
    "output",
    "ignore",
    "extra",
    "language",
    "timezone",
    "severity",
    "status",
    "remote_images",
    "cache",
    "allowed_hosts",
    "import",
    "search_shard_size",
];

impl Default for Config {
    fn default() -> Self {
        Self {
            title: "Incidents".into(),
            description: "Postmortems of our incidents: what broke, why, and what we changed."
                .into(),
            base_url: None,
            incidents: "incidents".into(),
            templates: "templates".into(),
            reports: "reports".into(),
            output: "site".into(),
            ignore: Ignore::default(),
            extra: serde_json::Map::new(),
            language: "en".into(),
            timezone: None,
            severity: Vec::new(),
            status: Vec::new(),
            remote_images: Vec::new(),
            cache: DEFAULT_CACHE.into(),
            allowed_hosts: Vec::new(),
            import: ImportConfig::default(),
            search_shard_size: DEFAULT_SEARCH_SHARD_SIZE,
        }
    }
}

/// A workspace root and its settings.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The root folder.
    pub root: PathBuf,
    /// Its settings.
    pub config: Config,
    /// Its severity and status vocabularies.
    pub vocabularies: Vocabularies,
    /// The zone of times written without one.
    pub zone: jiff::tz::TimeZone,
}

impl Workspace {
    /// Finds the workspace for a command run in `cwd`, or at `explicit_root` if given, and
    /// reads its settings.
    pub fn discover(cwd: &Path, explicit_root: Option<&Path>) -> Result<Self, Diagnostic> {
        let root = match explicit_root {
            Some(root) => {
                let root = cwd.join(root);
                if !root.is_dir() {
                    return Err(Diagnostic::file_error(
                        &root,
                        "workspace root is not a folder",
                    ));
                }
                root
            }
            None => cwd
                .ancestors()
                .find(|dir| dir.join(CONFIG_FILE).is_file())
                .unwrap_or(cwd)
                .to_path_buf(),
        };
        let path = root.join(CONFIG_FILE);
        let config = Self::read_config(&path, cwd)?;
        let shown = display_path(&path, cwd);
        let problem = |message: String| Diagnostic::file_error(&shown, message);
        let zone = match &config.timezone {
            None => jiff::tz::TimeZone::UTC,
            Some(name) => jiff::tz::db().get(name).map_err(|_| {
                problem(format!("unknown timezone `{name}`"))
                    .with_help("use an IANA name such as Europe/Berlin, America/New_York or UTC")
            })?,
        };
        let vocabularies = vocabularies(&config).map_err(problem)?;
        Ok(Self {
            root,
            config,
            vocabularies,
            zone,
        })
    }

    /// A workspace at `root` with default settings (for tests and tools).
    pub fn with_defaults(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            config: Config::default(),
            vocabularies: Vocabularies::default(),
            zone: jiff::tz::TimeZone::UTC,
        }
    }

    fn read_config(path: &Path, cwd: &Path) -> Result<Config, Diagnostic> {
        let shown = display_path(path, cwd);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(Diagnostic::file_error(&shown, format!("cannot read: {e}"))),
        };
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(&text, span.start))
                .unwrap_or((0, 0));
            let message = e.message().trim().to_owned();
            let help = config_help(&message);
            Diagnostic::at(&shown, &text, line, column, message).with_help(help)
        })?;
        if !is_language_tag(&config.language) {
            return Err(Diagnostic::file_error(
                &shown,
                format!("invalid language `{}`", config.language),
            )
            .with_help("use a language tag such as `en`, `de` or `pt-BR`"));
        }
        if let Some(url) = config.base_url.take() {
            config.base_url = Some(normalize_base_url(&url).map_err(|problem| {
                Diagnostic::file_error(&shown, format!("invalid base_url `{url}`: {problem}"))
            })?);
        }
        Ok(config)
    }

    /// Where incident files live.
    pub fn incidents_dir(&self) -> PathBuf {
        self.root.join(&self.config.incidents)
    }

    /// Where template overrides live.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join(&self.config.templates)
    }

    /// Where Markdown reports go.
    pub fn reports_dir(&self) -> PathBuf {
        self.root.join(&self.config.reports)
    }

    /// Where the site goes.
    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.config.output)
    }

    /// Where the render cache is kept.
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join(&self.config.cache)
    }
}

/// Whether `tag` looks like a BCP 47 language tag (`de`, `pt-BR`): it names a file and goes
/// into `<html lang>`, so nothing else is let through.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// What to say under a settings error: the key meant, for a misspelt one; else every valid
/// key (values for templates belong under `[extra]`).
fn config_help(message: &str) -> String {
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    match unknown.and_then(|key| closest(key, CONFIG_KEYS)) {
        Some(key) => format!("did you mean `{key}`?"),
        // The only count among the settings.
        None if message.contains("nonzero") => format!(
            "search_shard_size is a number of incidents, 1 or more ({} by default)",
            DEFAULT_SEARCH_SHARD_SIZE
        ),
        None if unknown.is_some() => format!(
            "valid settings: {}; put values of your own under [extra]",
            CONFIG_KEYS.join(", ")
        ),
        None => format!("valid settings: {}", CONFIG_KEYS.join(", ")),
    }
}

/// The configured vocabularies, or the defaults; every name and alias must be unique.
fn vocabularies(config: &Config) -> Result<Vocabularies, String> {
    let mut vocabularies = Vocabularies::default();
    for (field, words, target) in [
        ("severity", &config.severity, &mut vocabularies.severity),
        ("status", &config.status, &mut vocabularies.status),
    ] {
        if words.is_empty() {
            continue;
        }
        let mut seen: Vec<String> = Vec::new();
        for word in words {
            for name in std::iter::once(&word.name).chain(&word.aliases) {
                let key = name.trim().to_lowercase();
                if key.is_empty() {
                    return Err(format!("a `{field}` name or alias is empty"));
                }
                if seen.contains(&key) {
                    return Err(format!("`{name}` names two {field} levels"));
                }
                seen.push(key);
            }
        }
        *target = Vocabulary::new(
            if field == "status" {
                "status"
            } else {
                "severity"
            },
            words.clone(),
        );
    }
    Ok(vocabularies)
}

/// Checks that a base URL is absolute http(s) and ends with `/`, so that joining a relative
/// path to it never drops its last segment.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("expected an absolute http:// or https:// URL")?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(
            "expected a host after the scheme, e.g. https://acme.github.io/incidents/".into(),
        );
    }
    if url.contains(['?', '#']) {
        return Err("a base URL cannot have a query or fragment".into());
    }
    let mut url = url.to_owned();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

/// Shows `path` relative to `cwd` when it lies below it, as compilers do, so that terminals
/// and editors can open it.
pub fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    path.strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// 1-based line and column of a byte offset (the column as a terminal shows it).
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    crate::diagnostic::line_column(text, offset)
}

/// A readable ASCII slug for any title: "Ünïcode Straße outage" becomes
/// `unicode-strasse-outage`.
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode(title).to_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    // Keep file names comfortably short; cut at a word boundary.
    let mut cut = slug;
    if cut.len() > 80 {
        cut = &cut[..80];
        if let Some(end) = cut.rfind('-') {
            cut = &cut[..end];
        }
    }
    if cut.is_empty() {
        "incident".into()
    } else {
        cut.into()
    }
}

/// The day against which items are overdue: `SOURCE_DATE_EPOCH` when set (the convention
/// for reproducible builds), else today in the local time zone. The only place that reads
/// the clock; callers pass the result on.
pub fn today() -> jiff::civil::Date {
    let zone = jiff::tz::TimeZone::system();
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .map(|at| at.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or_else(|| jiff::Timestamp::now().to_zoned(zone).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_transliterates_and_collapses() {
        assert_eq!(
            slugify("Redis CLIENT_CLASS option breaks login"),
            "redis-client-class-option-breaks-login"
        );
        assert_eq!(slugify("Ünïcode Straße: outage!"), "unicode-strasse-outage");
        assert_eq!(slugify("Ödeme servisi çöktü"), "odeme-servisi-coktu");
        assert_eq!(slugify("支付服务中断"), "zhi-fu-fu-wu-zhong-duan");
        assert_eq!(slugify("!!!"), "incident");
        assert!(slugify(&"word ".repeat(40)).len() <= 80);
    }

    #[test]
    fn base_url_is_checked_and_normalized() {
        assert_eq!(
            normalize_base_url("https://acme.github.io/incidents").unwrap(),
            "https://acme.github.io/incidents/"
        );
        assert!(normalize_base_url("acme.github.io").is_err());
        assert!(normalize_base_url("https:///x").is_err());
        assert!(normalize_base_url("https://a.b/?q=1").is_err());
    }

    #[test]
    fn config_keys_are_the_fields_of_config() {
        // serde lists the fields it expects; the suggestions must offer the same.
        let error = toml::from_str::<Config>("no_such_key = 1").expect_err("unknown key");
        let message = error.message();
        let expected: Vec<&str> = message
            .split("expected one of ")
            .nth(1)
            .expect("serde lists the fields")
            .split(", ")
            .map(|field| field.trim().trim_matches('`'))
            .collect();
        assert_eq!(expected, CONFIG_KEYS);
    }

    #[test]
    fn language_tags_are_checked() {
        for good in ["en", "de", "pt-BR", "zh-Hant-TW"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "e", "EN", "../x", "de_DE", "en-", "english"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncdé\nx", 8), (3, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }
}
