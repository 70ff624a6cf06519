//! The CI files `init` writes: they pin this version, cache the binary under a key that
//! names the version, install a prebuilt binary (checked) or build that exact version, and
//! publish the folder the settings name. The install script is run for real, against a fake
//! release served from disk and a fake `cargo`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{run_in, stderr};
use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).expect("valid YAML")
}

/// `output` in the postmortem.toml that `init` wrote, or its default.
fn configured_output(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("postmortem.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).expect("valid TOML");
    table
        .get("output")
        .and_then(|v| v.as_str())
        .unwrap_or("site")
        .to_owned()
}

fn init(ci: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["init", "--ci", ci]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    dir
}

#[test]
fn github_workflow_pins_caches_by_version_and_uploads_the_output() {
    let dir = init("github");
    let workflow = yaml(&dir.path().join(".github/workflows/postmortem.yml"));
    let env = &workflow["env"];
    assert_eq!(env["POSTMORTEM_VERSION"], VERSION);
    assert_eq!(env["POSTMORTEM_OUTPUT"], configured_output(dir.path()));
    for job in ["check", "deploy"] {
        let steps = workflow["jobs"][job]["steps"].as_array().unwrap();
        let cache = steps
            .iter()
            .find(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/cache@"))
            })
            .unwrap_or_else(|| panic!("{job} caches the binary"));
        let key = cache["with"]["key"].as_str().unwrap();
        assert!(
            key.contains("${{ env.POSTMORTEM_VERSION }}"),
            "{job}: {key}"
        );
        assert_eq!(cache["with"]["path"], "${{ env.POSTMORTEM_BIN }}");
        let install = steps
            .iter()
            .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with("Install")))
            .unwrap_or_else(|| panic!("{job} installs postmortem"));
        assert_eq!(install["if"], "steps.cache.outputs.cache-hit != 'true'");
        let script = install["run"].as_str().unwrap();
        assert!(script.contains(&format!("{REPOSITORY}/releases/download/v")));
        assert!(script.contains("sha256sum -c"));
        assert!(script.contains("cargo install --locked --version \"$POSTMORTEM_VERSION\""));
    }
    let check = serde_json::to_string(&workflow["jobs"]["check"]["steps"]).unwrap();
    assert!(
        check.contains(r#""path":".postmortem/cache/parsed""#),
        "the check job keeps the parses: {check}"
    );
    let deploy = serde_json::to_string(&workflow["jobs"]["deploy"]["steps"]).unwrap();
    assert!(deploy.contains(r#"postmortem build --out \"$POSTMORTEM_OUTPUT\""#));
    let upload = workflow["jobs"]["deploy"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .expect("uploads the site");
    assert_eq!(upload["with"]["path"], "${{ env.POSTMORTEM_OUTPUT }}");
    let ignored = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(
        ignored.lines().any(|l| l == "/.postmortem-bin/"),
        "{ignored}"
    );
}

#[test]
fn gitlab_ci_pins_caches_by_version_and_publishes_the_output() {
    let dir = init("gitlab");
    let ci = yaml(&dir.path().join(".gitlab-ci.yml"));
    let variables = &ci["variables"];
    assert_eq!(variables["POSTMORTEM_VERSION"], VERSION);
    assert_eq!(
        variables["POSTMORTEM_OUTPUT"],
        configured_output(dir.path())
    );
    assert_eq!(
        variables["POSTMORTEM_OUTPUT"], "public",
        "what GitLab Pages publishes"
    );
    assert_eq!(
        ci["default"]["cache"]["key"],
        "postmortem-$POSTMORTEM_VERSION"
    );
    assert_eq!(ci["default"]["cache"]["paths"][0], ".postmortem-bin");
    let install = serde_json::to_string(&ci["default"]["before_script"]).unwrap();
    assert!(install.contains("sha256sum -c"));
    assert!(install.contains("cargo install --locked --version"));
    assert_eq!(
        ci["check"]["cache"][0], ci["default"]["cache"],
        "and the binary"
    );
    assert_eq!(
        ci["check"]["cache"][1]["paths"][0],
        ".postmortem/cache/parsed"
    );
    assert_eq!(ci["pages"]["artifacts"]["paths"][0], "$POSTMORTEM_OUTPUT");
    let pages = serde_json::to_string(&ci["pages"]["script"]).unwrap();
    assert!(
        pages.contains(r#"postmortem build --out \"$POSTMORTEM_OUTPUT\""#),
        "{pages}"
    );
}

/// The install script of the generated GitHub workflow, with the release host replaced by
/// a folder on disk.
fn install_script(release_root: &Path) -> String {
    let dir = init("github");
    let workflow = yaml(&dir.path().join(".github/workflows/postmortem.yml"));
    let script = workflow["jobs"]["check"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| {
            s["run"]
                .as_str()
                .filter(|r| r.contains("releases/download"))
        })
        .expect("install step")
        .to_owned();
    script.replace(REPOSITORY, &format!("file://{}", release_root.display()))
}

/// Runs `script` with `path` first on PATH; returns whether it succeeded and the output.
fn run_script(script: &str, bin: &Path, path: &Path) -> (bool, String) {
    let output = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("POSTMORTEM_VERSION", VERSION)
        .env("POSTMORTEM_BIN", bin)
        .env(
            "PATH",
            format!(
                "{}:{}",
                path.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("sh runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn write_executable(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// A release folder like the one the release workflow publishes, with a fake binary.
fn fake_release(root: &Path, tamper: bool) {
    let arch = if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else {
        "x86_64"
    };
    let name = format!("postmortem-{arch}-unknown-linux-musl");
    let staging = root.join("staging");
    write_executable(
        &staging.join(&name).join("postmortem"),
        "#!/bin/sh\necho prebuilt\n",
    );
    let download = root.join(format!("releases/download/v{VERSION}"));
    std::fs::create_dir_all(&download).unwrap();
    let archive = format!("{name}.tar.gz");
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(download.join(&archive))
        .arg("-C")
        .arg(&staging)
        .arg(&name)
        .status()
        .unwrap();
    assert!(tar.success());
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&download)
        .output()
        .unwrap();
    let mut sum = String::from_utf8(sum.stdout).unwrap();
    if tamper {
        sum = format!("{}{}", "0".repeat(64), &sum[64..]);
    }
    std::fs::write(download.join(format!("{archive}.sha256")), sum).unwrap();
}

#[cfg(unix)]
#[test]
fn install_script_takes_the_checked_prebuilt_binary_else_builds_the_pinned_version() {
    let tmp = tempfile::tempdir().unwrap();
    let release = tmp.path().join("release");
    fake_release(&release, false);
    // A cargo that says how it was called, so the fallback can be seen.
    let tools = tmp.path().join("tools");
    write_executable(
        &tools.join("cargo"),
        "#!/bin/sh\necho \"cargo $*\" >> \"$POSTMORTEM_BIN/../cargo.log\"\n\
         root=$(echo \"$*\" | sed 's/.*--root \\([^ ]*\\).*/\\1/')\n\
         mkdir -p \"$root/bin\" && printf '#!/bin/sh\\necho built\\n' > \"$root/bin/postmortem\" \
         && chmod +x \"$root/bin/postmortem\"\n",
    );
    let script = install_script(&release);

    let bin = tmp.path().join("a/bin");
    let (ok, log) = run_script(&script, &bin, &tools);
    assert!(ok, "{log}");
    let installed = Command::new(bin.join("postmortem")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&installed.stdout), "prebuilt\n");
    assert!(
        !tmp.path().join("a/cargo.log").exists(),
        "no build when a binary exists"
    );

    // No release for this version: cargo install of exactly this version.
    std::fs::remove_dir_all(release.join("releases")).unwrap();
    let bin = tmp.path().join("b/bin");
    let (ok, log) = run_script(&script, &bin, &tools);
    assert!(ok, "{log}");
    let calls = std::fs::read_to_string(tmp.path().join("b/cargo.log")).unwrap();
    assert!(
        calls.contains(&format!(
            "cargo install --locked --version {VERSION} --root"
        )),
        "{calls}"
    );
    assert!(calls.trim_end().ends_with("postmortem-cli"), "{calls}");
    let installed = Command::new(bin.join("postmortem")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&installed.stdout), "built\n");

    // A checksum that does not match stops the install.
    let tampered = tmp.path().join("tampered");
    fake_release(&tampered, true);
    let bin = tmp.path().join("c/bin");
    let (ok, log) = run_script(&install_script(&tampered), &bin, &tools);
    assert!(!ok, "a bad checksum must fail: {log}");
    assert!(!bin.join("postmortem").exists());
}
