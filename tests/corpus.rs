//! The benchmark corpus generator, `examples/corpus`: the README's speed figures are
//! measured on what it writes (`bench/*.sh`), so it must write incidents that `check`
//! accepts, the same files for the same seed, and never replace files it did not write.
//!
//! Examples have no `CARGO_BIN_EXE_*`, so the generator is built once with the same cargo
//! and profile as these tests, and run as the bench scripts run it.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{run_in, snapshot, stderr, stdout};
use serde_json::Value;

/// The generator's executable, built on first use.
fn generator() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args([
            "build",
            "--locked",
            "--example",
            "corpus",
            "--message-format=json",
        ]);
        cargo.args([
            "--manifest-path",
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        ]);
        if !cfg!(debug_assertions) {
            cargo.arg("--release");
        }
        let output = cargo.output().expect("run cargo");
        assert!(
            output.status.success(),
            "cargo build --example corpus failed:\n{}{}",
            stdout(&output),
            stderr(&output)
        );
        stdout(&output)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "corpus")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the corpus executable")
    })
}

/// Runs the generator with `args`.
fn corpus(args: &[&str]) -> Output {
    Command::new(generator())
        .args(args)
        .output()
        .expect("run the corpus generator")
}

/// Generates `count` incidents with `seed` into `out`, asserting it succeeds.
fn generate(out: &Path, count: usize, seed: u64) {
    let out_arg = out.to_str().expect("temp paths are UTF-8");
    let (count, seed) = (count.to_string(), seed.to_string());
    let output = corpus(&["--count", &count, "--out", out_arg, "--seed", &seed]);
    assert!(
        output.status.success(),
        "corpus failed: {}",
        stderr(&output)
    );
    assert!(
        stdout(&output).starts_with(&format!("wrote {count} incident files, ")),
        "{}",
        stdout(&output)
    );
}

fn incident_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("incidents"))
        .expect("incidents folder")
        .map(|entry| entry.expect("folder entry").path())
        .collect();
    files.sort();
    files
}

#[test]
fn generated_incidents_pass_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    generate(dir.path(), 20, 42);

    let files = incident_files(dir.path());
    assert_eq!(files.len(), 20, "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f.extension().is_some_and(|e| e == "yaml"))
    );
    let marker = std::fs::read_to_string(dir.path().join(".corpus")).expect("marker");
    assert_eq!(marker, "count=20 seed=42\n");

    let output = run_in(dir.path(), &["check", "--format", "json"]);
    let diagnostics: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let problems: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["severity"] != "note")
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(output.status.success(), "{}", stderr(&output));

    let output = run_in(dir.path(), &["check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("checked 20 incident files: 0 errors, 0 warnings"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn files_leave_absent_fields_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    generate(dir.path(), 20, 3);
    for file in incident_files(dir.path()) {
        let text = std::fs::read_to_string(&file).expect("read incident");
        for line in text.lines() {
            assert!(
                !line.ends_with(": null") && !line.ends_with(": []"),
                "{}: {line}",
                file.display()
            );
        }
        assert!(text.starts_with("title: "), "{}", file.display());
    }
}

#[test]
fn same_seed_same_files_other_seed_other_incidents() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    generate(dirs[0].path(), 20, 42);
    generate(dirs[1].path(), 20, 42);
    generate(dirs[2].path(), 20, 7);

    let first = snapshot(dirs[0].path());
    assert_eq!(first.len(), 22, "20 incidents, postmortem.toml and .corpus");
    assert!(first == snapshot(dirs[1].path()), "seed 42 twice differs");

    let contents = |dir: &Path| -> HashSet<Vec<u8>> {
        snapshot(&dir.join("incidents"))
            .into_iter()
            .map(|(_, content)| content)
            .collect()
    };
    let (a, b) = (contents(dirs[0].path()), contents(dirs[2].path()));
    assert_eq!((a.len(), b.len()), (20, 20));
    assert!(a.is_disjoint(&b), "seeds 42 and 7 share an incident file");
}

#[test]
fn replaces_only_folders_it_made() {
    let dir = tempfile::tempdir().expect("temp dir");
    generate(dir.path(), 20, 42);
    // Its own folder: the old incidents go, whatever the new count.
    generate(dir.path(), 5, 42);
    assert_eq!(incident_files(dir.path()).len(), 5);
    let marker = std::fs::read_to_string(dir.path().join(".corpus")).expect("marker");
    assert_eq!(marker, "count=5 seed=42\n");

    // Someone else's incidents: refused, and left as they were.
    let theirs = tempfile::tempdir().expect("temp dir");
    let incidents = theirs.path().join("incidents");
    std::fs::create_dir(&incidents).expect("incidents folder");
    std::fs::write(incidents.join("mine.yaml"), "title: mine\n").expect("write");
    let before = snapshot(theirs.path());
    let out = theirs.path().to_str().expect("temp paths are UTF-8");
    let output = corpus(&["--count", "3", "--out", out]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("did not write"),
        "{}",
        stderr(&output)
    );
    assert!(
        snapshot(theirs.path()) == before,
        "a refused run changed files"
    );
}

#[test]
fn bad_arguments_print_usage() {
    for args in [
        &["--out", "x"][..],
        &["--count", "many", "--out", "x"],
        &["--count", "3", "--out", "x", "--seed", "-1"],
        &["--count", "3", "--out", "x", "--colour"],
        &["--count"],
    ] {
        let output = corpus(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains("usage: corpus --count N --out DIR [--seed S]"));
    }
}
