//! Helpers shared by the integration tests: throwaway workspaces and running the binary.
#![allow(dead_code)]

pub mod mutate;
pub mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A minimal valid incident; tests derive broken variants from it.
pub const VALID: &str = "\
title: Cache outage
date: 2025-07-12
status: resolved
severity: high
summary: The cache went away.
error:
  type: TypeError
  message: boom
root_cause:
  summary: A bad setting.
";

/// A temporary workspace with an `incidents/` folder.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("incidents")).expect("incidents dir");
        Self { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes `incidents/<name>`.
    pub fn incident(&self, name: &str, content: impl AsRef<[u8]>) -> &Self {
        self.write(&format!("incidents/{name}"), content)
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(path, content).expect("write file");
        self
    }

    /// Runs `postmortem <args>` inside the workspace.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.root(), args)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run postmortem")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The diagnostics of `postmortem check --format json`.
pub fn check_json(workspace: &Workspace) -> (Output, Vec<serde_json::Value>) {
    let output = workspace.run(&["check", "--format", "json"]);
    let diagnostics = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    (output, diagnostics)
}

/// Every file under `dir` with its content, for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(dir).unwrap_or(e.path()).to_path_buf();
            let content = std::fs::read(e.path()).unwrap_or_default();
            (path, content)
        })
        .collect();
    files.sort();
    files
}

/// The text of every result fragment of a search bundle (gzipped by Pagefind).
pub fn search_fragments(bundle: &std::path::Path) -> Vec<String> {
    use std::io::Read;
    walkdir::WalkDir::new(bundle)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pf_fragment"))
        .filter_map(|e| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(e.path()).ok()?)
                .read_to_string(&mut text)
                .ok()?;
            Some(text)
        })
        .collect()
}
