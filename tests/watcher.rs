//! The watcher of `serve` cannot go blind: the incidents and templates folders renamed
//! away and back, deleted and copied again, replaced by a symlink and back, moved to
//! another file system and back (and `postmortem.toml` likewise), each followed
//! by an edit that must show in the served page, with native events and with `--poll`;
//! and saves within one second (templates, settings, incidents) are all seen with
//! `--poll`, a fixed `postmortem.toml` applied. Waits poll the page with a deadline.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::Workspace;
use common::serve::{Running, incident};

const PAGE: &str = "/incidents/a/";

fn template(marker: &str) -> String {
    format!(
        "{{% extends \"base.html\" %}}{{% block content %}}<h1>{marker} \
         {{{{ page_data.incident.title }}}}</h1>{{% endblock content %}}"
    )
}

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.write("postmortem.toml", "title = \"Site One\"\n");
    ws.incident("a.yaml", incident("Title 0", "Alpha summary."));
    ws.incident("b.yaml", incident("Other", "Beta summary."));
    ws.write("templates/incident.html", template("Look0"));
    ws
}

/// What is done to a folder.
#[derive(Debug, Clone, Copy)]
enum Operation {
    RenamedAwayAndBack,
    DeletedAndCopiedBack,
    ReplacedBySymlink,
    SymlinkReplacedByFolder,
    /// `mv` to another file system and back: a copy and a delete each way.
    MovedToAnotherFileSystemAndBack,
}

const OPERATIONS: [Operation; 5] = [
    Operation::RenamedAwayAndBack,
    Operation::DeletedAndCopiedBack,
    Operation::ReplacedBySymlink,
    Operation::SymlinkReplacedByFolder,
    Operation::MovedToAnotherFileSystemAndBack,
];

/// The edit comes after the server has handled the operation, as a user's would: the
/// operation, then a moment, then the edit (the check after it polls with a deadline).
const SETTLE: Duration = Duration::from_millis(1500);

fn apply(ws: &Workspace, folder: &str, operation: Operation) {
    let path = ws.path(folder);
    let away = ws.path(&format!("{folder}-away"));
    match operation {
        Operation::RenamedAwayAndBack => {
            fs::rename(&path, &away).unwrap();
            fs::rename(&away, &path).unwrap();
        }
        Operation::DeletedAndCopiedBack => {
            let backup = ws.path(&format!("{folder}-backup"));
            let copied = Command::new("cp")
                .arg("-r")
                .arg(&path)
                .arg(&backup)
                .status();
            assert!(copied.unwrap().success());
            fs::remove_dir_all(&path).unwrap();
            let copied = Command::new("cp")
                .arg("-r")
                .arg(&backup)
                .arg(&path)
                .status();
            assert!(copied.unwrap().success());
            fs::remove_dir_all(&backup).unwrap();
        }
        Operation::ReplacedBySymlink => {
            fs::rename(&path, &away).unwrap();
            std::os::unix::fs::symlink(&away, &path).unwrap();
        }
        Operation::SymlinkReplacedByFolder => {
            assert!(path.symlink_metadata().unwrap().is_symlink());
            fs::remove_file(&path).unwrap();
            fs::rename(&away, &path).unwrap();
        }
        Operation::MovedToAnotherFileSystemAndBack => {
            // /dev/shm is a tmpfs where there is one; elsewhere the move is a rename.
            let other =
                tempfile::tempdir_in("/dev/shm").unwrap_or_else(|_| tempfile::tempdir().unwrap());
            let there = other.path().join(folder);
            for (from, to) in [(&path, &there), (&there, &path)] {
                let moved = Command::new("mv").arg(from).arg(to).status();
                assert!(moved.unwrap().success());
            }
        }
    }
}

/// Does `operation` to `postmortem.toml`: renamed away and back, deleted and written
/// again, replaced by a symlink and back.
fn apply_to_settings(ws: &Workspace, step: usize) {
    let path = ws.path("postmortem.toml");
    let away = ws.path("settings-away.toml");
    match step {
        0 => {
            fs::rename(&path, &away).unwrap();
            fs::rename(&away, &path).unwrap();
        }
        1 => {
            let content = fs::read(&path).unwrap();
            fs::remove_file(&path).unwrap();
            fs::write(&path, content).unwrap();
        }
        2 => {
            fs::rename(&path, &away).unwrap();
            std::os::unix::fs::symlink(&away, &path).unwrap();
        }
        _ => {
            fs::remove_file(&path).unwrap();
            fs::rename(&away, &path).unwrap();
        }
    }
}

/// Writes `path` and gives it a modification time inside the same whole second as the
/// last write, a few nanoseconds later: what two saves within one second look like.
fn write_in_same_second(path: &Path, content: &str, second: u64, nanos: u32) {
    fs::write(path, content).unwrap();
    let time = UNIX_EPOCH + Duration::new(second, nanos);
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

/// Runs every folder operation on both folders, each followed by an edit that must show;
/// returns how many were survived.
fn survive_folder_operations(args: &[&str]) -> usize {
    let ws = workspace();
    let server = Running::serve(&ws, args);
    server.wait_for_first_build();
    server.wait_for_page(PAGE, "Look0 Title 0");
    let mut survived = 0;
    for (i, operation) in OPERATIONS.iter().enumerate() {
        apply(&ws, "incidents", *operation);
        std::thread::sleep(SETTLE);
        let title = format!("Title {}", i + 1);
        ws.incident("a.yaml", incident(&title, "Alpha summary."));
        server.wait_for_page(PAGE, &format!("Look0 {title}"));
        survived += 1;
    }
    let last = format!("Title {}", OPERATIONS.len());
    for (i, operation) in OPERATIONS.iter().enumerate() {
        apply(&ws, "templates", *operation);
        std::thread::sleep(SETTLE);
        let look = format!("Look{}", i + 1);
        ws.write("templates/incident.html", template(&look));
        server.wait_for_page(PAGE, &format!("{look} {last}"));
        survived += 1;
    }
    for step in 0..4 {
        apply_to_settings(&ws, step);
        std::thread::sleep(SETTLE);
        let title = format!("Site {step} edited");
        ws.write("postmortem.toml", format!("title = \"{title}\"\n"));
        server.wait_for_page(PAGE, &title);
        survived += 1;
    }
    server.wait_for("no error", || server.status()["error"].is_null());
    assert_eq!(server.interrupt().code(), Some(0));
    survived
}

#[test]
fn folder_operations_are_survived_with_native_events() {
    let survived = survive_folder_operations(&[]);
    println!("folder operations survived (native): {survived}");
    assert_eq!(survived, 2 * OPERATIONS.len() + 4);
}

#[test]
fn folder_operations_are_survived_with_polling() {
    let survived = survive_folder_operations(&["--poll"]);
    println!("folder operations survived (--poll): {survived}");
    assert_eq!(survived, 2 * OPERATIONS.len() + 4);
}

#[test]
fn polling_sees_two_saves_within_one_second() {
    let ws = workspace();
    let server = Running::serve(&ws, &["--poll"]);
    server.wait_for_first_build();
    server.wait_for_page(PAGE, "Look0 Title 0");
    let second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 10;

    // An incident: same size, same second.
    let a = ws.path("incidents/a.yaml");
    write_in_same_second(&a, &incident("Title A", "Alpha summary."), second, 100);
    server.wait_for_page(PAGE, "Look0 Title A");
    write_in_same_second(&a, &incident("Title B", "Alpha summary."), second, 200);
    server.wait_for_page(PAGE, "Look0 Title B");

    // A template.
    let t = ws.path("templates/incident.html");
    write_in_same_second(&t, &template("LookA"), second, 100);
    server.wait_for_page(PAGE, "LookA Title B");
    write_in_same_second(&t, &template("LookB"), second, 200);
    server.wait_for_page(PAGE, "LookB Title B");

    // The settings: a broken file, then the fix in the same second, which is applied.
    let config = ws.path("postmortem.toml");
    write_in_same_second(&config, "title = \"Site Two\"\n", second, 100);
    server.wait_for_page(PAGE, "Site Two");
    write_in_same_second(&config, "title = \"Site Two\n", second, 200);
    server.wait_for("the settings error", || !server.status()["error"].is_null());
    write_in_same_second(&config, "title = \"Site 3\"\n", second, 300);
    server.wait_for_page(PAGE, "Site 3");
    server.wait_for("the error to clear", || server.status()["error"].is_null());
    assert_eq!(server.interrupt().code(), Some(0));
}
