//! Output bounded by input: one incident with thousands of tags or services must not make a
//! build write gigabytes, and `check` says when a list of names is suspiciously long.

mod common;

use std::path::Path;
use std::time::Instant;

use common::{VALID, Workspace, stderr, stdout};

/// `VALID` with `tags` and `services` lists of the given lengths, one entry per line.
fn with_lists(tags: usize, services: usize) -> String {
    let mut text = VALID.to_owned();
    for (field, n) in [("tags", tags), ("services", services)] {
        text.push_str(&format!("{field}:\n"));
        for i in 0..n {
            text.push_str(&format!("  - {field}-{i}\n"));
        }
    }
    text
}

fn size_of(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[test]
fn an_incident_with_two_thousand_tags_builds_a_small_site() {
    let ws = Workspace::new();
    ws.incident("huge.yaml", with_lists(2_000, 20)).incident(
        "small.yaml",
        VALID.replace("Cache outage", "Small one") + "tags: [tags-1]\n",
    );
    let started = Instant::now();
    let output = ws.run(&["build"]);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let site = size_of(&ws.path("site"));
    eprintln!("2,000 tags: site {site} bytes, build {took:?}");
    // Listing every tag of the incident on each of its 2,000 tag pages wrote 362 MB; a page
    // for each of them, 16.6 MB. An incident is listed on the pages of its first 50 tags
    // and services only, so the site is a few pages and one long list.
    assert!(site < 3_000_000, "site is {site} bytes");
    assert!(ws.path("site/tags/tags-49/index.html").is_file());
    assert!(
        !ws.path("site/tags/tags-50").exists(),
        "no page past the 50th"
    );
    // `tags/NAME/index.html`, not the list of every tag.
    let largest_term_page = walkdir::WalkDir::new(ws.path("site/tags"))
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .max()
        .unwrap_or(0);
    assert!(
        largest_term_page < 10_000,
        "a tag page of {largest_term_page} bytes"
    );

    let page = std::fs::read_to_string(ws.path("site/tags/tags-1/index.html")).unwrap();
    assert!(
        page.contains("and 1992 more"),
        "the tags past the cap are counted"
    );
    assert!(
        page.contains("and 12 more"),
        "the services past the cap are counted"
    );
    assert!(
        page.contains("Small one"),
        "every incident of the tag is listed"
    );
    assert_eq!(page.matches("href=\"../../tags/tags-7/").count(), 1);
    assert_eq!(page.matches("href=\"../../tags/tags-8/").count(), 0);
    // The incident's own page still lists them all, linking those with a page.
    let incident = std::fs::read_to_string(ws.path("site/incidents/huge/index.html")).unwrap();
    assert!(incident.contains("<span class=\"chip chip-tags\">tags-1999</span>"));
    assert!(incident.contains(">tags-49</a>"));
    assert!(!incident.contains(">tags-50</a>") && !incident.contains("tags/tags-50/"));
}

#[test]
fn check_warns_about_long_lists_and_refuses_absurd_ones() {
    let ws = Workspace::new();
    ws.incident("long.yaml", with_lists(51, 51));
    let output = ws.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "a warning only: {err}");
    // `tags:` is line 11, its entries start on line 12; entry 51 is on line 62.
    assert!(err.contains("warning: `tags` has 51 entries"), "{err}");
    assert!(err.contains("incidents/long.yaml:62:5"), "{err}");
    assert!(err.contains("warning: `services` has 51 entries"), "{err}");
    assert!(
        err.contains("only the first 50 get pages of their own"),
        "{err}"
    );

    let ws = Workspace::new();
    ws.incident("absurd.yaml", with_lists(5_001, 1));
    let output = ws.run(&["check"]);
    let err = stderr(&output);
    assert_ne!(output.status.code(), Some(0), "refused: {err}");
    assert!(
        err.contains("error: `tags` has 5001 entries, more than 5000"),
        "{err}"
    );
    // Entry 5,001 of `tags` is on line 12 + 5,000.
    assert!(err.contains("incidents/absurd.yaml:5012:5"), "{err}");
    let _ = stdout(&output);
}
