//! The planner, and which pages each kind of change affects.

use std::collections::BTreeSet;

use super::*;
use crate::knowledge::test_support::incident;
use crate::knowledge::{Knowledge, summaries};
use crate::load::LoadedIncident;
use crate::site::SiteInfo;

fn info() -> SiteInfo {
    SiteInfo {
        title: "t".into(),
        description: "d".into(),
        base_url: None,
        version: "test",
        today: "2025-12-01".parse().expect("a date"),
        extra: Default::default(),
        language: "en".into(),
        strings: Default::default(),
        vocabularies: Default::default(),
        remote_images: Vec::new(),
    }
}

fn inventory(incidents: &[LoadedIncident], global: u128) -> Inventory {
    let info = info();
    let mut incidents = incidents.to_vec();
    crate::knowledge::sort_newest_first(&mut incidents);
    let summaries = summaries(&incidents);
    let knowledge = Knowledge::new(&incidents, info.today, &info.vocabularies.severity);
    let data = SiteData::new(&info, &incidents, &summaries, &knowledge);
    Inventory::new(&data, Digest(global), &["style.1.css".into()])
}

fn three() -> Vec<LoadedIncident> {
    vec![
        incident(
            "a",
            "2025-07-12",
            "unexpected keyword argument 'x'",
            "tags: [redis]\nservices: [auth]\ndetection: first\n",
        ),
        incident(
            "b",
            "2025-08-01",
            "unexpected keyword argument 'y'",
            "tags: [redis]\n",
        ),
        incident("c", "2025-09-01", "disk full", "tags: [disk]\n"),
    ]
}

/// Replaces incident `slug` with one whose file says `extra` too.
fn edit(
    incidents: &[LoadedIncident],
    slug: &str,
    date: &str,
    message: &str,
    extra: &str,
) -> Vec<LoadedIncident> {
    incidents
        .iter()
        .map(|i| {
            if i.slug == slug {
                incident(slug, date, message, extra)
            } else {
                i.clone()
            }
        })
        .collect()
}

fn rendered(plan: &Plan) -> BTreeSet<String> {
    plan.render.iter().map(Page::path).collect()
}

fn removed(plan: &Plan) -> BTreeSet<String> {
    plan.remove.iter().map(Page::path).collect()
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[test]
fn against_nothing_everything_is_rendered_and_against_itself_nothing() {
    let site = inventory(&three(), 1);
    let full = plan(&Inventory::default(), &site);
    assert_eq!(full.render.len(), site.len());
    assert!(full.remove.is_empty());
    assert!(plan(&site, &site).is_empty());
}

#[test]
fn a_changed_key_renders_that_page_and_a_missing_page_is_removed() {
    let mut before = Inventory::default();
    before.insert(Page::Index, Digest(1));
    before.insert(Page::Trends, Digest(2));
    before.insert(Page::Pattern("gone".into()), Digest(3));
    let mut after = Inventory::default();
    after.insert(Page::Index, Digest(1));
    after.insert(Page::Trends, Digest(9));
    after.insert(Page::Actions, Digest(4));
    let plan = plan(&before, &after);
    assert_eq!(plan.render, [Page::Actions, Page::Trends]);
    assert_eq!(plan.remove, [Page::Pattern("gone".into())]);
}

#[test]
fn a_new_template_or_setting_renders_every_page() {
    let plan = plan(&inventory(&three(), 1), &inventory(&three(), 2));
    assert_eq!(plan.render.len(), inventory(&three(), 2).len());
}

#[test]
fn text_that_no_list_shows_renders_the_incident_alone() {
    let before = three();
    let after = edit(
        &before,
        "a",
        "2025-07-12",
        "unexpected keyword argument 'x'",
        "tags: [redis]\nservices: [auth]\ndetection: second\n",
    );
    let plan = plan(&inventory(&before, 1), &inventory(&after, 1));
    assert_eq!(
        rendered(&plan),
        set(&["incidents/a/index.html", "a.md", "incidents.json"])
    );
    assert!(plan.remove.is_empty());
}

#[test]
fn a_new_title_renders_every_list_and_related_page_that_shows_it() {
    let before = three();
    let mut after = before.clone();
    let source = "title: Renamed\ndate: 2025-07-12\nstatus: resolved\nseverity: high\n\
                  summary: s\nerror:\n  type: TypeError\n  message: \"unexpected keyword \
                  argument 'x'\"\nroot_cause:\n  summary: r\ntags: [redis]\n\
                  services: [auth]\ndetection: first\n";
    let file = after[0].file.clone();
    let settings = crate::load::Settings::default();
    let (loaded, diagnostics) = crate::load::load_source(&file, &file, source, &settings);
    after[0] = loaded.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let plan = plan(&inventory(&before, 1), &inventory(&after, 1));
    let got = rendered(&plan);
    for page in [
        "incidents/a/index.html",
        "a.md",
        // b shares a's error pattern, so it links to a by title.
        "incidents/b/index.html",
        "index.html",
        "search/index.html",
        "README.md",
        "tags/redis/index.html",
        "services/auth/index.html",
        "patterns/index.html",
        "incidents.json",
    ] {
        assert!(got.contains(page), "{page} in {got:?}");
    }
    for page in [
        "incidents/c/index.html",
        "tags/disk/index.html",
        "trends/index.html",
    ] {
        assert!(!got.contains(page), "{page} should stay: {got:?}");
    }
}

#[test]
fn a_changed_error_removes_the_pattern_page_it_leaves_empty() {
    let before = three();
    let after = edit(
        &before,
        "c",
        "2025-09-01",
        "out of memory",
        "tags: [disk]\n",
    );
    let (old, new) = (inventory(&before, 1), inventory(&after, 1));
    let plan = plan(&old, &new);
    let pattern_pages = |inventory: &Inventory| -> BTreeSet<String> {
        inventory
            .pages()
            .filter(|p| matches!(p, Page::Pattern(_)))
            .map(Page::path)
            .collect()
    };
    let gone: BTreeSet<String> = pattern_pages(&old)
        .difference(&pattern_pages(&new))
        .cloned()
        .collect();
    assert_eq!(gone.len(), 1, "the disk-full pattern is gone");
    assert_eq!(removed(&plan), gone);
    assert!(rendered(&plan).contains("patterns/index.html"));
}

#[test]
fn a_deleted_incident_takes_its_pages_and_empty_terms_with_it() {
    let before = three();
    let after: Vec<LoadedIncident> = before.iter().filter(|i| i.slug != "c").cloned().collect();
    let plan = plan(&inventory(&before, 1), &inventory(&after, 1));
    let gone = removed(&plan);
    for page in ["incidents/c/index.html", "c.md", "tags/disk/index.html"] {
        assert!(gone.contains(page), "{page} in {gone:?}");
    }
    assert!(!gone.contains("tags/redis/index.html"));
    assert!(
        rendered(&plan).contains("tags/index.html"),
        "the counts changed"
    );
}

#[test]
fn similar_patterns_are_in_the_key_of_a_patterns_own_page_only() {
    let kwarg = |name: &str| {
        format!("AbstractConnection.__init__() got an unexpected keyword argument '{name}'")
    };
    let mut incidents = vec![
        incident("old", "2025-07-12", &kwarg("CLIENT_CLASS"), ""),
        incident("new", "2025-10-09", &kwarg("pool_kwargs"), ""),
        incident(
            "late",
            "2025-01-02",
            "__init__() got an unexpected keyword argument 'compressor'",
            "",
        ),
    ];
    crate::knowledge::sort_newest_first(&mut incidents);
    let (info, summaries) = (info(), summaries(&incidents));
    let mut knowledge = Knowledge::new(&incidents, info.today, &info.vocabularies.severity);
    let inventory = |knowledge: &Knowledge| {
        let data = SiteData::new(&info, &incidents, &summaries, knowledge);
        Inventory::new(&data, Digest(1), &[])
    };
    let with = inventory(&knowledge);
    let group = knowledge
        .patterns
        .iter()
        .position(|g| !g.similar.is_empty());
    let group = group.expect("a pattern with a similar one");
    let page = Page::Pattern(knowledge.patterns[group].slug.clone());
    knowledge.patterns[group].similar.clear();
    let without = inventory(&knowledge);
    assert_ne!(with.key(&page), without.key(&page), "its page shows them");
    assert_eq!(
        with.key(&Page::Patterns),
        without.key(&Page::Patterns),
        "the list of all patterns does not"
    );
}
