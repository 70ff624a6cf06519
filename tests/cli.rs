//! The command line as a tool among others: completions and man pages from the clap
//! definition, help that lists only options that work, `init --root`, colours by the usual
//! variables, and readers that stop early.

mod common;

use std::process::{Command, Stdio};

use common::{VALID, Workspace, run_in, stderr, stdout};

const SUBCOMMANDS: &[&str] = &[
    "init",
    "new",
    "check",
    "build",
    "serve",
    "watch",
    "schema",
    "actions",
    "export",
    "completions",
    "man",
];

#[test]
fn every_shell_gets_a_completion_script_naming_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run_in(dir.path(), &["completions", shell]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completes {sub}");
        }
        // Options are completed where they work: `--format` of check, `--what` of export.
        assert!(script.contains("what"), "{shell}: export's options");
    }
    let bad = run_in(dir.path(), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_page_describes_every_subcommand_and_writes_one_page_each() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.contains(".TH postmortem 1"), "a roff page: {page}");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    for sub in SUBCOMMANDS {
        assert!(page.contains(&format!("postmortem\\-{sub}")), "lists {sub}");
    }

    let out = dir.path().join("man1");
    let output = run_in(dir.path(), &["man", "--dir", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for sub in SUBCOMMANDS {
        let text = std::fs::read_to_string(out.join(format!("postmortem-{sub}.1")))
            .unwrap_or_else(|e| panic!("postmortem-{sub}.1: {e}"));
        assert!(text.contains(".TH postmortem-"), "{sub}");
    }
    let build = std::fs::read_to_string(out.join("postmortem-build.1")).unwrap();
    assert!(
        build.contains("base\\-url"),
        "the build page lists its options"
    );
}

/// The long options a subcommand's help lists.
fn listed_options(sub: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &[sub, "--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
        .split_whitespace()
        .filter_map(|word| word.strip_prefix("--"))
        .map(|o| {
            o.trim_end_matches([',', '.'])
                .split('=')
                .next()
                .unwrap()
                .to_owned()
        })
        .filter(|o| !o.is_empty() && o.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect()
}

#[test]
fn help_lists_only_options_that_work_there() {
    let schema = listed_options("schema");
    for unused in ["root", "quiet", "verbose"] {
        assert!(
            !schema.contains(&unused.to_owned()),
            "schema lists --{unused}: {schema:?}"
        );
    }
    assert!(schema.contains(&"incidents-json".to_owned()));
    for sub in ["completions", "man"] {
        let options = listed_options(sub);
        assert!(
            !options.iter().any(|o| o == "root" || o == "quiet"),
            "{sub}: {options:?}"
        );
    }
    // --verbose only changes what build prints.
    assert!(listed_options("build").contains(&"verbose".to_owned()));
    for sub in [
        "check", "init", "new", "actions", "export", "serve", "watch",
    ] {
        let options = listed_options(sub);
        assert!(
            !options.contains(&"verbose".to_owned()),
            "{sub}: {options:?}"
        );
        assert!(options.contains(&"root".to_owned()), "{sub}: {options:?}");
    }
    // Still accepted where unused, as scripts pass them everywhere.
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["schema", "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn init_sets_up_the_root_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["init", "--root", "team", "--ci", "none"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(dir.path().join("team/postmortem.toml").is_file());
    assert!(
        !dir.path().join("postmortem.toml").exists(),
        "not the current folder"
    );
    let check = run_in(dir.path(), &["--root", "team", "check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    let both = run_in(dir.path(), &["init", "one", "--root", "two"]);
    assert_eq!(both.status.code(), Some(1));
    assert!(stderr(&both).contains("give one"), "{}", stderr(&both));
    assert!(!dir.path().join("one").exists() && !dir.path().join("two").exists());
}

/// `check` of a broken file with the given colour variables (and no others); stderr.
fn check_stderr(vars: &[(&str, &str)]) -> String {
    let ws = Workspace::new();
    ws.incident("a.yaml", VALID.replace("severity: high", "severity: huge"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_postmortem"));
    command.arg("check").current_dir(ws.root());
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        command.env_remove(var);
    }
    command.envs(vars.iter().copied());
    let output = command.output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn colours_follow_no_color_clicolor_and_clicolor_force() {
    let escape = "\u{1b}[";
    // stderr is a pipe here: no colour unless forced.
    assert!(!check_stderr(&[]).contains(escape));
    let forced = check_stderr(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains(escape), "{forced}");
    assert!(forced.contains("error"), "{forced}");
    assert!(!check_stderr(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(escape));
    assert!(!check_stderr(&[("CLICOLOR", "0")]).contains(escape));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let ws = Workspace::new();
    // Enough output that it cannot all sit in the pipe's buffer.
    let long = "The cache went away again. ".repeat(100);
    for i in 0..40 {
        ws.incident(
            &format!("i{i:02}.yaml"),
            VALID.replace("The cache went away.", &long)
                + "prevention:\n  - action: Add a dead-letter topic\n    status: open\n",
        );
    }
    let commands: &[&[&str]] = &[
        &["export"],
        &["export", "--format", "json"],
        &["export", "--what", "actions"],
        &["actions"],
        &["actions", "--format", "json"],
        &["check", "--format", "json"],
        &["schema"],
        &["completions", "bash"],
    ];
    for args in commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_postmortem"))
            .args(*args)
            .current_dir(ws.root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        // The reader goes away before reading anything.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("exits");
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("error"),
            "{args:?}: {err}"
        );
    }
}
