//! The render cache never changes what a build writes: after each kind of change, a build
//! with a warm cache writes exactly the bytes a clean build of the same files writes, and
//! a damaged entry is rendered again and rewritten.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use postmortem::cache::CacheStats;
use postmortem::pipeline::{self, BuildOptions, BuildSummary};
use postmortem::workspace::Workspace;

const RICH: &str = include_str!("fixtures/rich.yaml");

/// Incident `n`: the rich fixture (highlighted code, related links, actions) under its own
/// title, day, error and tags.
fn incident(n: usize, message: &str) -> String {
    RICH.replace(
        "Checkout cache rejects connection_pool_kwargs",
        &format!("Checkout incident {n}"),
    )
    .replace("date: 2025-07-12", &format!("date: 2025-07-{:02}", 1 + n))
    .replace(
        "got an unexpected keyword argument 'connection_pool_kwargs'\"",
        &format!("{message}\""),
    )
    .replace(
        "tags: [redis, config]",
        &format!("tags: [redis, t{}]", n % 3),
    )
    .replace("id: INC-42", &format!("id: INC-{n}"))
}

/// A workspace of five incidents whose render cache lives outside it (the `cache`
/// setting), built on a fixed day.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cache: PathBuf,
    today: Date,
    version: Option<&'static str>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("ws");
        let cache = dir.path().join("render-cache");
        let fixture = Self {
            root,
            cache,
            _dir: dir,
            today: "2025-07-20".parse().expect("a date"),
            version: None,
        };
        fixture.settings("title = \"Acme\"\n");
        for n in 0..5 {
            let message = if n % 2 == 0 {
                "keyword 'a'"
            } else {
                "keyword 'b'"
            };
            fixture.write(&format!("incidents/i{n}.yaml"), &incident(n, message));
        }
        fixture
    }

    fn write(&self, relative: &str, content: &str) {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
        fs::write(path, content).expect("write");
    }

    fn settings(&self, extra: &str) {
        self.write(
            "postmortem.toml",
            &format!("cache = {:?}\n{extra}", self.cache.display().to_string()),
        );
    }

    /// Builds into `site`/`reports` (with the cache) or `clean-site`/`clean-reports`
    /// (without), and returns every file written, by path.
    fn build(&self, cached: bool) -> (BuildSummary, BTreeMap<String, Vec<u8>>) {
        let workspace = Workspace::discover(&self.root, None).expect("workspace");
        let prefix = if cached { "" } else { "clean-" };
        let (site, reports) = (
            self.root.join(format!("{prefix}site")),
            self.root.join(format!("{prefix}reports")),
        );
        let options = BuildOptions {
            out: Some(site.clone()),
            reports: Some(reports.clone()),
            today: Some(self.today),
            no_cache: !cached,
            version: self.version,
            ..BuildOptions::default()
        };
        let display = |p: &Path| p.strip_prefix(&self.root).unwrap_or(p).to_path_buf();
        let summary = pipeline::build(&workspace, &options, &display, &|_| {})
            .unwrap_or_else(|e| panic!("build: {e}"));
        let mut files = files_under(&site, "site/");
        files.extend(files_under(&reports, "reports/"));
        (summary, files)
    }

    /// A build with the warm cache, checked against a clean build of the same files;
    /// returns what the cache did and how many search records were indexed (none when the
    /// bundle came from the cache).
    fn check(&self, change: &str) -> (CacheStats, usize) {
        let (stats, records, _) = self.check_in_place(change);
        (stats, records)
    }

    /// [`Fixture::check`], also saying how many files the warm build changed if it updated
    /// the previous build's output in place (`None`: it wrote a new site).
    fn check_in_place(&self, change: &str) -> (CacheStats, usize, Option<usize>) {
        let (summary, warm) = self.build(true);
        let (clean_summary, clean) = self.build(false);
        assert!(clean_summary.cache.is_none(), "--no-cache used the cache");
        assert_eq!(
            warm.keys().collect::<Vec<_>>(),
            clean.keys().collect::<Vec<_>>(),
            "after {change}: the same files"
        );
        for (path, bytes) in &clean {
            assert!(
                warm[path] == *bytes,
                "after {change}: {path} differs from a clean build"
            );
        }
        let stats = summary.cache.expect("the cache was used");
        (stats, summary.search.records, summary.in_place)
    }
}

fn files_under(dir: &Path, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).expect("under dir");
            let name = format!("{prefix}{}", relative.to_string_lossy());
            (name, fs::read(e.path()).expect("read"))
        })
        .collect()
}

#[test]
fn a_warm_cache_writes_what_a_clean_build_writes_after_every_kind_of_change() {
    let mut fx = Fixture::new();
    let (first, indexed) = fx.check("a first build");
    assert_eq!((first.hits, indexed), (0, 5));
    assert!(first.written > 10, "{first:?}");

    let (same, indexed, in_place) = fx.check_in_place("no change");
    assert_eq!((same.misses, same.written), (0, 0), "{same:?}");
    assert_eq!(indexed, 0, "the search bundle came from the cache");
    assert_eq!(in_place, Some(0), "nothing to write");

    fx.write(
        "incidents/i1.yaml",
        &incident(1, "keyword 'b'").replace("Nobody could pay.", "Few could pay."),
    );
    let (edited, indexed, in_place) = fx.check_in_place("an incident edited");
    assert_eq!(indexed, 5, "a record changed: the bundle is built again");
    // Its page and report, the lists that show it, and the search bundle's changed files;
    // nothing else is rendered or written.
    assert!(
        edited.misses > 0 && edited.misses < first.written / 2,
        "{edited:?}"
    );
    assert!(in_place.is_some_and(|n| n > 0), "{in_place:?}");
    // Updated in place, it keeps the incidents' outputs but not the lists it rendered
    // again (they change with every edit): fewer entries written than rendered.
    assert!(edited.written < edited.misses, "{edited:?}");

    let code =
        incident(2, "keyword 'a'").replacen("'socket_timeout': 5,", "'socket_timeout': 9,", 1);
    fx.write("incidents/i2.yaml", &code);
    fx.check("code in an incident edited");

    fx.write("incidents/i0.yaml", &incident(0, "keyword 'b'"));
    fx.check("an error changed, moving an incident to another pattern");

    let related = incident(3, "keyword 'b'").replace("tags: [", "related: [i4]\ntags: [");
    fx.write("incidents/i3.yaml", &related);
    fx.check("a related link added");

    fx.write("incidents/i5.yaml", &incident(5, "keyword 'c'"));
    fx.check("an incident added");

    fs::remove_file(fx.root.join("incidents/i2.yaml")).expect("remove");
    fx.check("an incident deleted");

    fs::rename(
        fx.root.join("incidents/i5.yaml"),
        fx.root.join("incidents/i6.yaml"),
    )
    .expect("rename");
    fx.check("an incident renamed");

    let template =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/incident.html"))
            .expect("the default template");
    let edited = template.replace(
        "{% endblock content %}",
        "<!-- edited -->\n{% endblock content %}",
    );
    fx.write("templates/incident.html", &edited);
    let (template_edit, indexed, in_place) = fx.check_in_place("a template edited");
    assert_eq!(in_place, None, "every page changed: a new site, swapped in");
    assert_eq!(indexed, 0, "records do not show templates");
    assert!(
        template_edit.misses >= 5,
        "every incident page again: {template_edit:?}"
    );

    fs::remove_file(fx.root.join("templates/incident.html")).expect("remove");
    fx.check("the template edit undone");

    fx.write("templates/static/style.css", "body { color: red }\n");
    fx.check("a stylesheet replaced");

    fx.settings("title = \"Acme incidents\"\n");
    fx.check("the title setting changed");

    fx.settings("title = \"Acme incidents\"\nbase_url = \"https://acme.example/incidents/\"\n");
    let (base_url, indexed) = fx.check("a base URL set (pretty links, another search bundle)");
    assert!(base_url.misses > 0 && indexed == 5, "{base_url:?}");

    fx.today = "2025-09-01".parse().expect("a date");
    let (day, _) = fx.check("a new day (action items overdue)");
    assert_eq!(
        day.misses, 1,
        "only the action items page shows the day: {day:?}"
    );

    fx.version = Some("99.0.0");
    let (version, _) = fx.check("postmortem's version changed");
    assert_eq!(
        version.hits, 0,
        "nothing of another version is reused: {version:?}"
    );
}

#[test]
fn an_edit_indexes_only_the_search_shards_whose_incidents_changed() {
    let fx = Fixture::new();
    // Shards of two, counted from the oldest: {i0, i1}, {i2, i3}, {i4}.
    fx.settings("search_shard_size = 2\n");
    let (_, indexed) = fx.check("a first build in shards");
    assert_eq!(indexed, 5);

    fx.write(
        "incidents/i0.yaml",
        &incident(0, "keyword 'a'").replace("Nobody could pay.", "Few could pay."),
    );
    let (_, indexed) = fx.check("the oldest incident edited");
    assert_eq!(indexed, 2, "only the oldest shard");

    fx.write("incidents/i5.yaml", &incident(5, "keyword 'c'"));
    let (_, indexed) = fx.check("a newest incident added");
    assert_eq!(indexed, 2, "only the newest shard: {{i4, i5}}");

    fs::remove_file(fx.root.join("incidents/i2.yaml")).expect("remove");
    let (_, indexed) = fx.check("an incident deleted");
    assert_eq!(
        indexed, 3,
        "the shards after it move up: {{i3, i4}}, {{i5}}"
    );

    let (same, indexed) = fx.check("no change");
    assert_eq!((same.misses, indexed), (0, 0), "{same:?}");
}

/// Every entry file of the cache at `dir`, with its bytes.
fn entries(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(&dir.join("v1"), "")
}

#[test]
fn damaged_entries_are_rendered_again_and_rewritten() {
    let fx = Fixture::new();
    fx.check("a first build");
    let sound = entries(&fx.cache);
    assert!(sound.len() > 10, "{}", sound.len());
    // Every entry damaged, in turn truncated, replaced by garbage, or made an entry of
    // another version of postmortem (whose version string follows the magic line, the
    // format number and the version's length).
    for (n, (name, bytes)) in sound.iter().enumerate() {
        let damaged = match n % 3 {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => b"not an entry at all".to_vec(),
            _ => {
                let mut other = bytes.clone();
                let at = "postmortem-cache\n".len() + 4 + 2;
                other[at] = if other[at] == b'9' { b'8' } else { b'9' };
                other
            }
        };
        fs::write(fx.cache.join("v1").join(name), damaged).expect("damage");
    }

    // Without its site the build renders everything rather than updating it in place.
    fs::remove_dir_all(fx.root.join("site")).expect("remove the site");
    let (stats, _) = fx.check("every entry damaged");
    let count = sound.len() as u64;
    assert_eq!((stats.hits, stats.misses, stats.written), (0, count, count));
    let now = entries(&fx.cache);
    let differ: Vec<&String> = sound
        .keys()
        .filter(|name| now.get(*name) != sound.get(*name))
        .collect();
    assert!(differ.is_empty(), "not rewritten as they were: {differ:?}");
    assert_eq!(now.len(), sound.len(), "no other entry");
}

#[test]
fn the_cache_is_kept_in_the_workspace_unless_moved_or_turned_off() {
    let ws = tempfile::tempdir().expect("temp dir");
    fs::create_dir(ws.path().join("incidents")).expect("folder");
    fs::write(ws.path().join("incidents/a.yaml"), incident(1, "x")).expect("write");
    let build = |no_cache: bool| {
        let workspace = Workspace::discover(ws.path(), None).expect("workspace");
        let options = BuildOptions {
            no_cache,
            ..BuildOptions::default()
        };
        pipeline::build(&workspace, &options, &|p| p.to_path_buf(), &|_| {}).expect("build")
    };
    let default = ws.path().join(".postmortem/cache");
    assert!(build(true).cache.is_none());
    assert!(!default.exists(), "--no-cache writes no cache");
    let stats = build(false).cache.expect("the cache");
    assert!(stats.written > 0 && !entries(&default).is_empty());
}

#[test]
fn a_site_changed_since_the_last_build_is_written_whole_again() {
    let fx = Fixture::new();
    fx.check("a first build");
    assert_eq!(fx.check_in_place("no change").2, Some(0));

    // A page deleted by hand comes back: the record no longer describes the folder.
    fs::remove_file(fx.root.join("site/patterns/index.html")).expect("remove a page");
    assert_eq!(fx.check_in_place("a page deleted by hand").2, None);
    assert_eq!(fx.check_in_place("no change after that").2, Some(0));

    // Another writer of the site (`serve`, a build without the cache) writes a new site:
    // the next build does not trust what it recorded before.
    let workspace = Workspace::discover(&fx.root, None).expect("workspace");
    let options = BuildOptions {
        out: Some(fx.root.join("site")),
        reports: Some(fx.root.join("reports")),
        today: Some(fx.today),
        no_cache: true,
        ..BuildOptions::default()
    };
    pipeline::build(&workspace, &options, &|p: &Path| p.to_path_buf(), &|_| {})
        .expect("a build without the cache");
    fx.write("incidents/i1.yaml", &incident(1, "keyword 'c'"));
    assert_eq!(fx.check_in_place("an edit after another writer").2, None);

    // An update that stops half-way leaves no record behind: the next build is whole.
    let records = fx.cache.join("builds");
    assert_eq!(fs::read_dir(&records).expect("records").count(), 1);
    for record in fs::read_dir(&records).expect("records").flatten() {
        fs::remove_file(record.path()).expect("forget");
    }
    assert_eq!(fx.check_in_place("no record").2, None);
}
