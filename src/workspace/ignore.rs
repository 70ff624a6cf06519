//! `ignore` in `postmortem.toml`: files under the incidents folder that are not incidents
//! (drafts, templates for new write-ups, fixtures of another tool).
//!
//! The rules are the ones people know from `.gitignore`, kept small: a pattern is matched
//! against the path relative to the incidents folder with `/` between folders; a pattern
//! without `/` matches a file or folder name at any depth; `*` stays within one name and
//! `**` crosses folders; a folder that matches is skipped with everything in it.

use std::path::Path;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// The compiled `ignore` patterns. Read from the settings file as a list of strings; a
/// pattern that is not a valid glob is an error at its place in the file.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    /// The patterns as written, for messages and digests.
    patterns: Vec<String>,
    /// Patterns with a `/`, matched against the whole relative path.
    paths: GlobSet,
    /// Patterns without one, matched against each name.
    names: GlobSet,
}

impl Ignore {
    /// Compiles `patterns`; the error names the first invalid one.
    pub fn new(patterns: Vec<String>) -> Result<Self, String> {
        let mut paths = GlobSetBuilder::new();
        let mut names = GlobSetBuilder::new();
        for pattern in &patterns {
            let trimmed = pattern.trim().trim_start_matches('/').trim_end_matches('/');
            if trimmed.is_empty() {
                return Err("an empty `ignore` pattern would ignore every file".into());
            }
            let glob = glob(trimmed).map_err(|e| format!("invalid `ignore` pattern: {e}"))?;
            if trimmed.contains('/') {
                paths.add(glob);
            } else {
                names.add(glob);
            }
        }
        let build = |set: GlobSetBuilder| set.build().map_err(|e| e.to_string());
        Ok(Self {
            paths: build(paths)?,
            names: build(names)?,
            patterns,
        })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether the file or folder at `relative` (to the incidents folder) is ignored. Its
    /// ancestors are not looked at: the folder walk skips an ignored folder before it
    /// reaches what is inside.
    pub fn is_ignored(&self, relative: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let slashed = relative.to_string_lossy().replace('\\', "/");
        self.paths.is_match(&slashed)
            || relative
                .file_name()
                .is_some_and(|name| self.names.is_match(name))
    }
}

fn glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

impl<'de> serde::Deserialize<'de> for Ignore {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let patterns = Vec::<String>::deserialize(deserializer)?;
        Self::new(patterns).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(patterns: &[&str]) -> Ignore {
        Ignore::new(patterns.iter().map(|p| p.to_string()).collect()).expect("valid patterns")
    }

    #[test]
    fn names_match_at_any_depth_and_paths_from_the_top() {
        let set = ignore(&["*.draft.yaml", "drafts", "archive/old-*.yaml"]);
        assert!(set.is_ignored(Path::new("a.draft.yaml")));
        assert!(set.is_ignored(Path::new("2024/b.draft.yaml")));
        assert!(set.is_ignored(Path::new("team/drafts")));
        assert!(set.is_ignored(Path::new("archive/old-1.yaml")));
        assert!(!set.is_ignored(Path::new("2024/archive/old-1.yaml")));
        assert!(
            !set.is_ignored(Path::new("archive/sub/old-1.yaml")),
            "* stays in a name"
        );
        assert!(!set.is_ignored(Path::new("draft.yaml")));
    }

    #[test]
    fn double_star_crosses_folders() {
        let set = ignore(&["examples/**/*.yaml"]);
        assert!(set.is_ignored(Path::new("examples/a/b/c.yaml")));
        assert!(!set.is_ignored(Path::new("real/c.yaml")));
    }

    #[test]
    fn invalid_and_empty_patterns_are_errors() {
        assert!(Ignore::new(vec!["[oops".into()]).is_err());
        assert!(Ignore::new(vec!["/".into()]).is_err());
        assert!(!Ignore::default().is_ignored(Path::new("a.yaml")));
    }
}
