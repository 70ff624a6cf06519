use std::time::{Duration, SystemTime};

use super::*;

fn entry(n: usize) -> IncidentEntry {
    IncidentEntry {
        page: format!("<html>page {n}</html>"),
        report: format!("# report {n}"),
        record: SearchRecord {
            url: format!("incidents/{n}/"),
            html: format!("<p>record {n}</p>"),
        },
    }
}

#[test]
fn entries_come_back_under_their_key_only() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path().to_path_buf(), "1.0 build");
    assert_eq!(cache.incident(Digest(1)), None);
    cache.put_incident(Digest(1), &entry(1));
    assert_eq!(cache.incident(Digest(1)), Some(entry(1)));
    assert_eq!(cache.incident(Digest(2)), None);

    let (index, search) = (Page::Index, Page::Search);
    cache.put_page(&index, Digest(7), b"index");
    assert_eq!(
        cache.page(&index, Digest(7)).as_deref(),
        Some(&b"index"[..])
    );
    assert_eq!(cache.page(&search, Digest(7)), None, "same key, other page");

    let files = vec![("a.pf".to_owned(), b"x".to_vec()), ("b".to_owned(), vec![])];
    cache.put_bundle(Digest(9), &files);
    assert_eq!(cache.bundle(Digest(9)), Some(files));

    let stats = cache.stats();
    assert_eq!((stats.hits, stats.misses, stats.written), (3, 3, 3));

    let other = Cache::open(dir.path().to_path_buf(), "1.1 build");
    assert_eq!(other.incident(Digest(1)), None, "another version's entry");
}

#[test]
fn an_unwritable_cache_only_loses_the_saving() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    let cache = Cache::open(file, "1.0");
    cache.put_incident(Digest(1), &entry(1));
    assert_eq!(cache.incident(Digest(1)), None);
    assert_eq!(cache.stats().failed, 1);
}

#[test]
fn pruning_keeps_what_was_used_and_the_newest_of_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let old = Cache::open(dir.path().to_path_buf(), "1.0");
    for n in 0..6 {
        old.put_incident(Digest(n), &entry(n as usize));
        // Entry n was written n hours ago.
        let path = old.path(Cache::id("incident", Digest(n), ""));
        let when = SystemTime::now() - Duration::from_secs(3600 * n as u64);
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
    let stray = dir.path().join("notes.txt");
    fs::write(&stray, "not ours").unwrap();

    // A later build uses two of them: the newest other, half as much again, stays.
    let build = Cache::open(dir.path().to_path_buf(), "1.0");
    assert!(build.incident(Digest(4)).is_some() && build.incident(Digest(5)).is_some());
    let stats = build.prune();
    assert_eq!(stats.pruned, 3);
    let kept: Vec<u128> = (0..6)
        .filter(|&n| build.path(Cache::id("incident", Digest(n), "")).exists())
        .collect();
    assert_eq!(kept, [0, 4, 5]);
    let size: u64 = build.entry_files().iter().map(|f| f.bytes).sum();
    assert_eq!(stats.bytes, size);
    assert!(stray.exists(), "only entry files are pruned");
}

#[test]
fn a_build_lists_the_entries_only_when_what_it_wrote_can_pass_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let build = |written: &[u128]| {
        let cache = Cache::open(dir.path().to_path_buf(), "1.0");
        for &n in written {
            cache.put_incident(Digest(n), &entry(n as usize));
        }
        let stats = cache.prune_if_written();
        (stats, cache.entry_files().len())
    };
    let (first, _) = build(&[0, 1, 2, 3]);
    let one = first.bytes / 4;

    // Five entries, within twice the four used: not listed, although a listing would
    // remove the four this build did not use; the count grows by what it wrote.
    let (skipped, files) = build(&[9]);
    assert_eq!((skipped.pruned, skipped.bytes, files), (0, 5 * one, 5));

    // Four more pass twice the four used: listed, and pruned to half as much again.
    let (pruned, files) = build(&[5, 6, 7, 8]);
    assert_eq!((pruned.pruned, pruned.bytes, files), (3, 6 * one, 6));

    // A damaged record of the sizes only means the folder is listed.
    fs::write(dir.path().join("v1.size"), "garbage").unwrap();
    let (listed, files) = build(&[4]);
    assert_eq!((listed.pruned, listed.bytes, files), (6, one, 1));
}
