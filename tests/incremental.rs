//! Incremental equals full: a `serve` session, driven in-process through random edits of a
//! generated workspace, leaves its live output byte-identical to a fresh `build` of the
//! same files after every edit. The search bundle is re-indexed in the background by
//! Pagefind, so instead of its bytes the records it is given are compared.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use postmortem::knowledge;
use postmortem::load;
use postmortem::pipeline::{self, BuildOptions, Progress};
use postmortem::search::{BUNDLE_DIR, SearchRecord};
use postmortem::serve::{Change, Session};
use postmortem::workspace::{Workspace, display_path};

/// A small deterministic random source (xorshift), so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn some<'a>(&mut self, items: &[&'a str]) -> Vec<&'a str> {
        items
            .iter()
            .copied()
            .filter(|_| self.below(3) == 0)
            .collect()
    }
}

const SEVERITIES: &[&str] = &["critical", "high", "medium", "low"];
const STATUSES: &[&str] = &["investigating", "identified", "mitigated", "resolved"];
const TAGS: &[&str] = &["redis", "config", "dns", "deploy", "tls", "Redis"];
const SERVICES: &[&str] = &["auth", "checkout", "search", "billing"];
const ERRORS: &[&str] = &[
    "got an unexpected keyword argument 'CLIENT_CLASS'",
    "got an unexpected keyword argument 'pool_kwargs'",
    "connection refused to 10.0.0.5:6379",
    "certificate has expired",
    "disk full on /var/lib/data",
];

/// What one incident file says; rendered to YAML by [`Spec::yaml`].
#[derive(Clone)]
struct Spec {
    title: String,
    date: String,
    severity: String,
    status: String,
    tags: Vec<String>,
    services: Vec<String>,
    error: String,
    related: Vec<String>,
    cause: String,
    action_due: String,
}

impl Spec {
    fn random(rng: &mut Rng, n: usize) -> Self {
        let strings = |v: Vec<&str>| v.into_iter().map(String::from).collect();
        Self {
            title: format!("Incident number {n}"),
            date: format!("2025-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
            severity: rng.pick(SEVERITIES).into(),
            status: rng.pick(STATUSES).into(),
            tags: strings(rng.some(TAGS)),
            services: strings(rng.some(SERVICES)),
            error: rng.pick(ERRORS).into(),
            related: Vec::new(),
            cause: format!("cause {}", rng.below(1000)),
            action_due: format!("2025-{:02}-15", 1 + rng.below(12)),
        }
    }

    fn yaml(&self) -> String {
        let list = |v: &[String]| format!("[{}]", v.join(", "));
        format!(
            "title: {:?}\ndate: {}\nstatus: {}\nseverity: {}\nsummary: What happened to {:?}.\n\
             tags: {}\nservices: {}\nrelated: {}\nerror:\n  type: TypeError\n  message: {:?}\n\
             root_cause:\n  summary: {:?}\ntimeline:\n  - {{time: \"09:00\", event: start, kind: started}}\n  \
             - {{time: \"10:30\", event: fixed, kind: resolved}}\nprevention:\n  \
             - {{action: Add an alert, owner: sre, due: {}}}\n",
            self.title,
            self.date,
            self.status,
            self.severity,
            self.title,
            list(&self.tags),
            list(&self.services),
            list(&self.related),
            self.error,
            self.cause,
            self.action_due,
        )
    }
}

/// The workspace under test and the session previewing it.
struct Preview {
    root: PathBuf,
    specs: BTreeMap<String, Spec>,
    session: Session,
    options: BuildOptions,
    next: usize,
}

impl Preview {
    fn file(&self, slug: &str) -> PathBuf {
        self.root.join("incidents").join(format!("{slug}.yaml"))
    }

    fn write(&self, slug: &str) -> PathBuf {
        let path = self.file(slug);
        fs::write(&path, self.specs[slug].yaml()).expect("write incident");
        path
    }

    /// Rebuilds after a change to `paths`, looking at the files first as `serve` does (the
    /// rebuild takes its stamps from that look); returns whether it succeeded.
    fn rebuild(&mut self, paths: &[PathBuf], settings: bool) -> bool {
        let mut change = Change {
            paths: paths.iter().cloned().collect(),
            settings,
        };
        let roots = self.session.watch_roots();
        change.merge(self.session.look(&roots));
        let outcome = self
            .session
            .rebuild(&change, &mut |_| {})
            .expect("a change to report");
        outcome.result.is_ok()
    }

    fn slugs(&self) -> Vec<String> {
        self.specs.keys().cloned().collect()
    }
}

/// One edit of kind `kind` (0 to 11) to a random incident, with random values; returns
/// its name and whether the rebuild succeeded.
fn edit(preview: &mut Preview, rng: &mut Rng, kind: usize) -> (String, bool) {
    let slugs = preview.slugs();
    let slug = slugs[rng.below(slugs.len())].clone();
    let spec = preview.specs.get_mut(&slug).expect("known slug");
    let what = match kind % 12 {
        0 => {
            spec.severity = rng.pick(SEVERITIES).into();
            "severity"
        }
        1 => {
            spec.status = rng.pick(STATUSES).into();
            "status"
        }
        2 => {
            spec.tags = rng.some(TAGS).into_iter().map(String::from).collect();
            "tags"
        }
        3 => {
            spec.services = rng.some(SERVICES).into_iter().map(String::from).collect();
            "services"
        }
        4 => {
            spec.error = rng.pick(ERRORS).into();
            "error"
        }
        5 => {
            let others: Vec<&String> = slugs.iter().filter(|s| **s != slug).collect();
            spec.related = vec![others[rng.below(others.len())].clone()];
            "related"
        }
        6 => {
            spec.date = format!("2024-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
            "date"
        }
        7 => {
            spec.cause = format!("another cause {}", rng.below(1000));
            "cause"
        }
        8 => return add(preview, rng),
        9 if slugs.len() > 3 => return delete(preview, &slug),
        10 => return rename(preview, &slug),
        _ => {
            spec.title = format!("Retitled {}", rng.below(1000));
            "title"
        }
    };
    let path = preview.write(&slug);
    (format!("{what} of {slug}"), preview.rebuild(&[path], false))
}

fn add(preview: &mut Preview, rng: &mut Rng) -> (String, bool) {
    preview.next += 1;
    let slug = format!("new-{}", preview.next);
    preview
        .specs
        .insert(slug.clone(), Spec::random(rng, preview.next));
    let path = preview.write(&slug);
    (format!("new {slug}"), preview.rebuild(&[path], false))
}

fn delete(preview: &mut Preview, slug: &str) -> (String, bool) {
    preview.specs.remove(slug);
    // Links to it would make the set invalid; the writer removes them too.
    let mut touched = vec![preview.file(slug)];
    fs::remove_file(preview.file(slug)).expect("delete incident");
    for other in preview.slugs() {
        let spec = preview.specs.get_mut(&other).expect("known slug");
        if spec.related.iter().any(|r| r == slug) {
            spec.related.clear();
            touched.push(preview.write(&other));
        }
    }
    (format!("delete {slug}"), preview.rebuild(&touched, false))
}

fn rename(preview: &mut Preview, slug: &str) -> (String, bool) {
    preview.next += 1;
    let to = format!("renamed-{}", preview.next);
    let spec = preview.specs.remove(slug).expect("known slug");
    preview.specs.insert(to.clone(), spec);
    fs::rename(preview.file(slug), preview.file(&to)).expect("rename");
    let mut touched = vec![preview.file(slug), preview.file(&to)];
    for other in preview.slugs() {
        let spec = preview.specs.get_mut(&other).expect("known slug");
        if spec.related.iter().any(|r| r == slug) {
            spec.related = vec![to.clone()];
            touched.push(preview.write(&other));
        }
    }
    (
        format!("rename {slug} to {to}"),
        preview.rebuild(&touched, false),
    )
}

/// Every file under `dir` but the search bundle, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        // The background indexer writes the bundle meanwhile (temporary files come and go).
        .filter_entry(|e| e.depth() != 1 || e.file_name() != BUNDLE_DIR)
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).expect("inside");
            let name = relative.to_string_lossy().replace('\\', "/");
            (name, fs::read(e.path()).expect("readable"))
        })
        .collect()
}

/// Checks the live output against a fresh build of the same files.
fn assert_same_as_a_fresh_build(preview: &Preview, step: &str) {
    let fresh = tempfile::tempdir().expect("temp dir");
    let options = BuildOptions {
        out: Some(fresh.path().join("site")),
        reports: Some(fresh.path().join("reports")),
        // Rendered from scratch: not from the entries the session's cache holds.
        no_cache: true,
        ..preview.options.clone()
    };
    let workspace = Workspace::discover(&preview.root, None).expect("workspace");
    let cwd = preview.root.clone();
    let display = move |p: &Path| display_path(p, &cwd);
    pipeline::build(&workspace, &options, &display, &|_: Progress| {})
        .unwrap_or_else(|e| panic!("{step}: fresh build failed: {e}"));
    for folder in ["site", "reports"] {
        let live = files(&preview.root.join(folder));
        let built = files(&fresh.path().join(folder));
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<BTreeSet<_>>();
        assert_eq!(names(&live), names(&built), "{step}: files of {folder}/");
        for (name, bytes) in &built {
            assert!(live[name] == *bytes, "{step}: {folder}/{name} differs");
        }
    }
    let settings = load::Settings::of(&workspace);
    let loaded = load::load_dir(
        &workspace.incidents_dir(),
        &settings,
        &|p| p.to_path_buf(),
        None,
    );
    let mut incidents = loaded.incidents;
    knowledge::sort_newest_first(&mut incidents);
    let summaries = knowledge::summaries(&incidents);
    let expected: Vec<SearchRecord> = incidents
        .iter()
        .zip(&summaries)
        .map(|(loaded, summary)| SearchRecord::new(loaded, summary, false))
        .collect();
    let live: Vec<SearchRecord> = preview
        .session
        .search_records()
        .into_iter()
        .cloned()
        .collect();
    assert!(live == expected, "{step}: the search records differ");
}

fn start(rng: &mut Rng) -> (tempfile::TempDir, Preview) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    fs::create_dir(root.join("incidents")).expect("incidents folder");
    fs::write(root.join("postmortem.toml"), "title = \"Preview\"\n").expect("settings");
    let specs: BTreeMap<String, Spec> = (0..12)
        .map(|n| (format!("incident-{n:02}"), Spec::random(rng, n)))
        .collect();
    let options = BuildOptions {
        out: Some(root.join("site")),
        reports: Some(root.join("reports")),
        base_url: None,
        today: Some("2025-06-01".parse().expect("a date")),
        ..BuildOptions::default()
    };
    let workspace = Workspace::discover(&root, None).expect("workspace");
    let session = Session::new(root.clone(), None, workspace, options.clone());
    let mut preview = Preview {
        root,
        specs,
        session,
        options,
        next: 100,
    };
    for slug in preview.slugs() {
        preview.write(&slug);
    }
    assert!(preview.rebuild(&[], true), "first build");
    (dir, preview)
}

#[test]
fn every_save_leaves_what_a_fresh_build_would_write() {
    let mut rng = Rng(0x5eed_cafe_f00d);
    let (_dir, mut preview) = start(&mut rng);
    assert_same_as_a_fresh_build(&preview, "first build");
    let mut kinds = BTreeSet::new();
    for step in 0..36 {
        let (name, ok) = match step {
            // A broken file, then fixed, and templates changed twice, at fixed points.
            10 => {
                let slug = preview.slugs()[0].clone();
                let path = preview.file(&slug);
                fs::write(&path, "title: [unclosed\n").expect("break");
                assert!(!preview.rebuild(&[path], false), "a broken file fails");
                let path = preview.write(&slug);
                (
                    "fix of a broken file".to_owned(),
                    preview.rebuild(&[path], false),
                )
            }
            20 | 28 => {
                let templates = preview.root.join("templates");
                fs::create_dir_all(&templates).expect("templates folder");
                let term = format!(
                    "{{% extends \"base.html\" %}}{{% block content %}}<h1>{{{{ page.title }}}}</h1>\
                     <p>step {step}: {{{{ incidents | length }}}}</p>{{% endblock content %}}"
                );
                fs::write(templates.join("term.html"), term).expect("template");
                ("template change".to_owned(), preview.rebuild(&[], true))
            }
            // Every kind of edit, in turn, each to a random incident.
            _ => edit(&mut preview, &mut rng, step),
        };
        assert!(ok, "step {step}: {name} failed");
        kinds.insert(
            name.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
        assert_same_as_a_fresh_build(&preview, &format!("step {step}: {name}"));
    }
    // The edits covered every kind of change, not only a lucky few.
    let wanted = [
        "severity", "status", "tags", "services", "error", "related", "date", "new", "delete",
        "rename", "fix", "template",
    ];
    for kind in wanted {
        assert!(kinds.contains(kind), "no {kind} edit in {kinds:?}");
    }
}
