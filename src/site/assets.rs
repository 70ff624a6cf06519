//! Static assets: stylesheets, script and icon, embedded and fingerprinted.
//!
//! Each asset's file name carries a hash of its content (`style.3f2a9c1e.css`), so hosts
//! may cache them forever and a changed stylesheet is never served stale. A file of the same
//! name in the workspace's `templates/static/` replaces a default.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::pages::Page;
use crate::render::highlight::{self, ThemeKind};

/// The default assets, by name.
const DEFAULTS: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../templates/static/style.css"),
    ),
    ("site.js", include_str!("../../templates/static/site.js")),
    ("icon.svg", include_str!("../../templates/static/icon.svg")),
];

/// Paths of the fingerprinted assets, relative to the site root, for templates.
#[derive(Debug, Clone, Serialize)]
pub struct AssetPaths {
    /// Main stylesheet.
    pub style: String,
    /// Highlighting colours for light backgrounds and print.
    pub highlight_light: String,
    /// Highlighting colours for dark mode.
    pub highlight_dark: String,
    /// Site script.
    pub script: String,
    /// Favicon.
    pub icon: String,
}

/// The asset files and the paths templates link to.
pub struct Assets {
    /// `(file name, content)`; each is the page [`Page::Asset`] of its name.
    pub files: Vec<(String, Vec<u8>)>,
    /// Where each asset ended up.
    pub paths: AssetPaths,
}

/// Builds the assets, reading overrides from `overrides` (the workspace's
/// `templates/static/`) when it exists.
pub fn build(overrides: Option<&Path>) -> std::io::Result<Assets> {
    let mut files = Vec::new();
    let mut add = |name: &str, default: &str| -> std::io::Result<String> {
        let content = match overrides.map(|dir| dir.join(name)).filter(|p| p.is_file()) {
            Some(path) => std::fs::read(path)?,
            None => default.as_bytes().to_vec(),
        };
        let file = fingerprinted(name, &content);
        let path = Page::Asset(file.clone()).url_path();
        files.push((file, content));
        Ok(path)
    };
    let embedded = |name: &str| {
        DEFAULTS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, text)| *text)
    };
    let paths = AssetPaths {
        style: add("style.css", embedded("style.css"))?,
        highlight_light: add(
            "highlight-light.css",
            &highlight::stylesheet(ThemeKind::Light),
        )?,
        highlight_dark: add(
            "highlight-dark.css",
            &highlight::stylesheet(ThemeKind::Dark),
        )?,
        script: add("site.js", embedded("site.js"))?,
        icon: add("icon.svg", embedded("icon.svg"))?,
    };
    Ok(Assets { files, paths })
}

/// `<stem>.<first 8 hex digits of sha256>.<ext>`.
fn fingerprinted(name: &str, content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_with_content() {
        let a = fingerprinted("style.css", b"body{}");
        let b = fingerprinted("style.css", b"body{color:red}");
        assert!(a.starts_with("style.") && a.ends_with(".css"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, fingerprinted("style.css", b"body{}"));
    }

    #[test]
    fn overrides_replace_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("style.css"), "body{color:hotpink}").unwrap();
        let assets = build(Some(dir.path())).unwrap();
        let (_, css) = assets
            .files
            .iter()
            .find(|(name, _)| Page::Asset(name.clone()).url_path() == assets.paths.style)
            .unwrap();
        assert_eq!(css, b"body{color:hotpink}");
        assert_eq!(assets.files.len(), 5);
    }
}
