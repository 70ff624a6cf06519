//! Static assets: stylesheets, script and icon, embedded and fingerprinted.
//!
//! Each asset's file name carries a hash of its content (`style.3f2a9c1e.css`), so hosts
//! may cache them forever and a changed stylesheet is never served stale. A file of the same
//! name in the workspace's `templates/static/` replaces a default.
//!
//! The site script is written as one file per job (`SCRIPT_PARTS`) and joined into one
//! asset here: pages load one script, as they would from disk (`file://`, where modules
//! cannot be loaded), and a workspace can still replace a single part by its name.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::pages::Page;
use crate::render::highlight::{self, ThemeKind};

/// The default assets, by name. The script is not among them: it is [`SCRIPT_PARTS`] joined.
const DEFAULTS: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../templates/static/style.css"),
    ),
    ("icon.svg", include_str!("../../templates/static/icon.svg")),
];

/// The name of the site script, and of a workspace file that replaces all of it.
const SCRIPT: &str = "site.js";

/// The parts of the site script, by name, in the order they run: a part runs after the
/// parts it uses (they share one global, `postmortem`).
const SCRIPT_PARTS: &[(&str, &str)] = &[
    (
        "site-url-state.js",
        include_str!("../../templates/static/site-url-state.js"),
    ),
    (
        "site-search.js",
        include_str!("../../templates/static/site-search.js"),
    ),
    (
        "site-filters.js",
        include_str!("../../templates/static/site-filters.js"),
    ),
    (
        "site-search-box.js",
        include_str!("../../templates/static/site-search-box.js"),
    ),
    (
        "site-search-page.js",
        include_str!("../../templates/static/site-search-page.js"),
    ),
    (
        "site-actions.js",
        include_str!("../../templates/static/site-actions.js"),
    ),
    (
        "site-print.js",
        include_str!("../../templates/static/site-print.js"),
    ),
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
    let mut add = |name: &str, content: Vec<u8>| -> String {
        let file = fingerprinted(name, &content);
        let path = Page::Asset(file.clone()).url_path();
        files.push((file, content));
        path
    };
    let embedded = |name: &str| {
        DEFAULTS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, text)| *text)
    };
    let paths = AssetPaths {
        style: add(
            "style.css",
            read(overrides, "style.css", embedded("style.css"))?,
        ),
        highlight_light: add(
            "highlight-light.css",
            read(
                overrides,
                "highlight-light.css",
                &highlight::stylesheet(ThemeKind::Light),
            )?,
        ),
        highlight_dark: add(
            "highlight-dark.css",
            read(
                overrides,
                "highlight-dark.css",
                &highlight::stylesheet(ThemeKind::Dark),
            )?,
        ),
        script: add(SCRIPT, script(overrides)?),
        icon: add(
            "icon.svg",
            read(overrides, "icon.svg", embedded("icon.svg"))?,
        ),
    };
    Ok(Assets { files, paths })
}

/// The workspace's file `name` if it has one, else `default`.
fn read(overrides: Option<&Path>, name: &str, default: &str) -> std::io::Result<Vec<u8>> {
    Ok(own(overrides, name)?.unwrap_or_else(|| default.as_bytes().to_vec()))
}

/// The workspace's file `name`, if it has one.
fn own(overrides: Option<&Path>, name: &str) -> std::io::Result<Option<Vec<u8>>> {
    match overrides.map(|dir| dir.join(name)).filter(|p| p.is_file()) {
        Some(path) => std::fs::read(path).map(Some),
        None => Ok(None),
    }
}

/// The site script: the workspace's own `site.js` if it has one, else the parts joined,
/// each the workspace's file of that name or the default, under a line that names it.
fn script(overrides: Option<&Path>) -> std::io::Result<Vec<u8>> {
    if let Some(whole) = own(overrides, SCRIPT)? {
        return Ok(whole);
    }
    let names: Vec<&str> = SCRIPT_PARTS.iter().map(|(name, _)| *name).collect();
    let mut joined = format!(
        "// postmortem site script: progressive enhancement only. Every page works without it.\n\
         // Joined from templates/static/{{{}}}.\n",
        names.join(",")
    )
    .into_bytes();
    for (name, default) in SCRIPT_PARTS {
        let part = read(overrides, name, default)?;
        // The `;` ends a part whose last statement has none (`(function () {...})()` in an
        // override), which would otherwise call the next part's opening parenthesis.
        joined.extend_from_slice(format!("\n;// ---- {name} ----\n").as_bytes());
        joined.extend_from_slice(&part);
        if !part.ends_with(b"\n") {
            joined.push(b'\n');
        }
    }
    Ok(joined)
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

    /// The content of the script asset.
    fn script_of(assets: &Assets) -> String {
        let (_, js) = assets
            .files
            .iter()
            .find(|(name, _)| Page::Asset(name.clone()).url_path() == assets.paths.script)
            .unwrap();
        String::from_utf8(js.clone()).unwrap()
    }

    #[test]
    fn the_script_joins_its_parts_in_order() {
        let script = script_of(&build(None).unwrap());
        let mut from = 0;
        for (name, text) in SCRIPT_PARTS {
            let at = script[from..]
                .find(&format!("// ---- {name} ----\n{text}"))
                .unwrap_or_else(|| panic!("{name} missing or out of order"));
            from += at + text.len();
        }
        assert!(script.starts_with("// postmortem site script"));
    }

    #[test]
    fn a_workspace_part_replaces_that_part_only() {
        let dir = tempfile::tempdir().unwrap();
        let (name, default) = SCRIPT_PARTS[1];
        std::fs::write(dir.path().join(name), "(function () { mine(); })()").unwrap();
        let script = script_of(&build(Some(dir.path())).unwrap());
        assert!(!script.contains(default));
        assert!(
            script.contains("(function () { mine(); })()\n\n;// ---- "),
            "the next part cannot be called as a function: {script}"
        );
        for (other, text) in SCRIPT_PARTS.iter().filter(|(n, _)| *n != name) {
            assert!(script.contains(text), "{other} kept");
        }
        assert_ne!(
            build(Some(dir.path())).unwrap().paths.script,
            build(None).unwrap().paths.script,
            "a new fingerprint"
        );
    }

    #[test]
    fn a_workspace_site_js_replaces_the_whole_script() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.js"), "whole();").unwrap();
        std::fs::write(dir.path().join(SCRIPT_PARTS[0].0), "part();").unwrap();
        assert_eq!(script_of(&build(Some(dir.path())).unwrap()), "whole();");
    }
}
