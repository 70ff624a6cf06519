//! The staging sinks and the output folder rules.

use super::*;
use std::collections::BTreeMap;

fn write_site(files: &[(&str, &str)], out: &Path) {
    let staging = Staging::create(out).unwrap();
    for (path, content) in files {
        staging.put(path, content.as_bytes()).unwrap();
    }
    staging.commit("test").unwrap();
}

#[test]
fn writes_and_replaces_our_own_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    check_output_dir(&out, &[]).unwrap();
    write_site(&[("index.html", "one"), ("a/b/index.html", "deep")], &out);
    assert_eq!(
        fs::read_to_string(out.join("a/b/index.html")).unwrap(),
        "deep"
    );
    assert!(out.join(MARKER_FILE).is_file());

    check_output_dir(&out, &[]).unwrap();
    write_site(&[("index.html", "two")], &out);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
    assert!(!out.join("a").exists(), "files of the old site are gone");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers, ["site"], "no staging or backup folders remain");
}

#[test]
fn an_uncommitted_staging_folder_vanishes_and_the_old_site_stays() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    write_site(&[("index.html", "old")], &out);
    let staging = Staging::create(&out).unwrap();
    staging.put("index.html", b"half").unwrap();
    drop(staging);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["site"]);
}

#[test]
fn refuses_folders_we_did_not_make() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let err = check_output_dir(&out, &[]).unwrap_err();
    assert!(err.to_string().contains("did not write"), "{err}");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn refuses_protected_folders_and_their_parents() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let incidents = root.join("incidents");
    fs::create_dir(&incidents).unwrap();
    fs::write(root.join(MARKER_FILE), "").unwrap(); // even a marker does not make the root ours
    for out in [root.to_path_buf(), incidents.clone(), root.join("site/..")] {
        let err = check_output_dir(&out, &[root, &incidents]).unwrap_err();
        assert!(
            err.to_string().contains("holds your files"),
            "{}: {err}",
            out.display()
        );
    }
    assert!(check_output_dir(&root.join("site"), &[root.join("incidents").as_path()]).is_ok());
}

/// Stages and commits `reports` into `dir`, as a build does.
fn write_reports(
    reports: &BTreeMap<String, String>,
    dir: &Path,
) -> Result<ReportStats, WriteError> {
    let staging = ReportStaging::create(dir, reports.keys().map(String::as_str))?;
    for (name, text) in reports {
        staging.put(name, text.as_bytes()).unwrap();
    }
    staging.commit("test")
}

#[test]
fn reports_never_touch_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README.md"), "# my notes").unwrap();
    let mut reports = BTreeMap::new();
    reports.insert("a.md".to_string(), format!("{MARKER} x -->\nA"));
    reports.insert("README.md".to_string(), format!("{MARKER} x -->\nindex"));
    let err = write_reports(&reports, dir.path()).unwrap_err();
    assert!(matches!(err, WriteError::ForeignReport(_)), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("README.md")).unwrap(),
        "# my notes"
    );
    assert!(
        !dir.path().join("a.md").exists(),
        "nothing written when refused"
    );
}

#[test]
fn uncommitted_reports_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs::create_dir(&reports).unwrap();
    fs::write(reports.join("a.md"), format!("{MARKER} x -->\nold")).unwrap();
    let staging = ReportStaging::create(&reports, ["a.md"]).unwrap();
    staging.put("a.md", b"new").unwrap();
    drop(staging);
    assert_eq!(
        fs::read_to_string(reports.join("a.md")).unwrap(),
        format!("{MARKER} x -->\nold")
    );
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["reports"], "no staging folder left behind");
}

#[test]
fn reports_update_in_place_and_remove_stale_ones() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.md"), "hand written").unwrap();
    let mut reports = BTreeMap::new();
    reports.insert("a.md".to_string(), format!("{MARKER} x -->\nA"));
    reports.insert("b.md".to_string(), format!("{MARKER} x -->\nB"));
    assert_eq!(
        write_reports(&reports, dir.path()).unwrap(),
        ReportStats {
            written: 2,
            unchanged: 0,
            removed: 0
        }
    );
    reports.remove("b.md");
    assert_eq!(
        write_reports(&reports, dir.path()).unwrap(),
        ReportStats {
            written: 0,
            unchanged: 1,
            removed: 1
        }
    );
    assert!(!dir.path().join("b.md").exists());
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.md")).unwrap(),
        "hand written"
    );
}

#[test]
fn every_full_write_gives_the_site_a_new_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert_eq!(site_stamp(&out), None);
    write_site(&[("index.html", "x")], &out);
    let first = site_stamp(&out).unwrap();
    assert_eq!(site_stamp(&out), Some(first), "reading it changes nothing");
    write_site(&[("index.html", "x")], &out);
    assert_ne!(
        site_stamp(&out),
        Some(first),
        "the same pages, written again"
    );
}

#[test]
fn a_file_holds_exactly_its_bytes_across_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    // Longer than one block of the comparison, and not a multiple of it.
    let content: Vec<u8> = (0..700_001u32).map(|i| (i % 251) as u8).collect();
    fs::write(&path, &content).unwrap();
    assert!(holds(&path, &content));
    let mut last_differs = content.clone();
    *last_differs.last_mut().unwrap() ^= 1;
    assert!(!holds(&path, &last_differs), "same size, one byte apart");
    assert!(!holds(&path, &content[..content.len() - 1]), "shorter");
    assert!(!holds(&dir.path().join("missing"), b""), "no file");
    assert!(!holds(dir.path(), b""), "a folder");
    fs::write(&path, b"").unwrap();
    assert!(holds(&path, b""));
}
