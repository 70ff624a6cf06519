//! The rules of `ARCHITECTURE.md` that a machine can check: the layers import downward
//! only, page paths are written in one place, and files and functions stay small.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, bottom first, as `ARCHITECTURE.md` lists them.
const LAYERS: &[&str] = &[
    "model",
    "diagnostic",
    "workspace",
    "load",
    "import",
    "knowledge",
    "render",
    "site",
    "search",
    "cache",
    "pipeline",
    "serve",
    "cmd",
];

const MAX_FILE_LINES: usize = 500;
const MAX_FN_LINES: usize = 80;

/// Every `.rs` file under `src/`, with its text.
fn sources() -> BTreeMap<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = fs::read_to_string(e.path()).expect("readable source");
            let relative = e
                .path()
                .strip_prefix(&root)
                .expect("under src")
                .to_path_buf();
            (relative, text)
        })
        .collect()
}

/// The layer a file belongs to: its first path component (`site/pages.rs` is `site`).
fn layer_of(file: &Path) -> Option<&'static str> {
    let first = file.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    LAYERS.iter().copied().find(|layer| *layer == name)
}

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

/// The code of a file without its unit tests (which may use test helpers of any layer
/// below, but are not part of the layering) and without comments.
fn code_of(file: &Path, text: &str) -> String {
    if file.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let code = text.split("\n#[cfg(test)]").next().unwrap_or(text);
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The layers a piece of code names: `crate::x` in the library, `postmortem::x` in the
/// binary.
fn used_layers(code: &str) -> Vec<&'static str> {
    let mut used = Vec::new();
    for prefix in ["crate::", "postmortem::"] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(layer) = LAYERS.iter().copied().find(|l| *l == name) {
                used.push(layer);
            }
        }
    }
    used
}

#[test]
fn every_layer_imports_only_from_itself_and_below() {
    let mut problems = Vec::new();
    for (file, text) in sources() {
        let Some(own) = layer_of(&file) else { continue };
        for used in used_layers(&code_of(&file, &text)) {
            if rank(used) > rank(own) {
                problems.push(format!(
                    "{}: {own} uses {used}, a layer above it",
                    file.display()
                ));
            }
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layer_check_sees_an_upward_import() {
    let code = code_of(
        Path::new("load/mod.rs"),
        "use crate::render::escape;\n// crate::site\n",
    );
    assert_eq!(used_layers(&code), ["render"]);
    assert!(rank("render") > rank(layer_of(Path::new("load/mod.rs")).unwrap()));
    assert_eq!(layer_of(Path::new("workspace.rs")), Some("workspace"));
}

/// String literals that name where a page is written: a page folder at the start, or a
/// data file.
fn output_path_literals(code: &str) -> Vec<String> {
    const FOLDERS: &[&str] = &[
        "incidents/",
        "tags/",
        "services/",
        "patterns/",
        "actions/",
        "trends/",
        "search/",
        "assets/",
        "pagefind/",
    ];
    const FILES: &[&str] = &[
        // (`404.html` and `sitemap.xml` are also template names.)
        "incidents.json",
        "feed.xml",
        "robots.txt",
        "schema.json",
    ];
    let mut found = Vec::new();
    for literal in code.split('"').skip(1).step_by(2) {
        let folder = FOLDERS.iter().any(|f| {
            literal.starts_with(f)
                || literal.starts_with(&f[..f.len() - 1]) && literal.contains("/{")
        });
        if folder || FILES.contains(&literal) {
            found.push(literal.to_owned());
        }
    }
    found
}

#[test]
fn page_paths_are_written_only_in_site_pages() {
    let mut problems = Vec::new();
    for (file, text) in sources() {
        if file == Path::new("site/pages.rs") {
            continue;
        }
        for literal in output_path_literals(&code_of(&file, &text)) {
            problems.push(format!("{}: \"{literal}\"", file.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "build page paths with site::Page:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_path_check_sees_a_path_literal() {
    let code =
        r#"let a = format!("incidents/{}/", slug); let b = "feed.xml"; let c = "incidents";"#;
    assert_eq!(output_path_literals(code), ["incidents/{}/", "feed.xml"]);
}

#[test]
fn source_files_stay_small() {
    let long: Vec<String> = sources()
        .iter()
        .map(|(file, text)| (file, text.lines().count()))
        .filter(|(_, lines)| *lines > MAX_FILE_LINES)
        .map(|(file, lines)| format!("{}: {lines} lines", file.display()))
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_FILE_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// Functions of rustfmt-formatted code longer than `max` lines: `(name, lines)`. A
/// function starts at its `fn` line and ends at the first later line that closes a brace
/// at the same indentation (rustfmt puts it there); bodiless signatures end at their `;`.
fn long_functions(code: &str, max: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(at) = trimmed.find("fn ") else {
            continue;
        };
        let head = &trimmed[..at];
        let is_fn = head.split_whitespace().all(|word| {
            matches!(
                word,
                "pub" | "pub(crate)" | "pub(super)" | "async" | "const" | "unsafe"
            )
        });
        if !is_fn || trimmed.ends_with(';') {
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        let name: String = trimmed[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let end = lines[start..]
            .iter()
            .enumerate()
            .position(|(offset, l)| {
                let closes = l.starts_with(indent) && l[indent.len()..].starts_with('}');
                closes || offset == 0 && l.trim_end().ends_with("{}")
            })
            .map_or(lines.len(), |offset| start + offset);
        let length = end - start + 1;
        if length > max {
            found.push((name, length));
        }
    }
    found
}

#[test]
fn functions_stay_short() {
    let mut long = Vec::new();
    for (file, text) in sources() {
        for (name, lines) in long_functions(&code_of(&file, &text), MAX_FN_LINES) {
            long.push(format!("{}: fn {name}: {lines} lines", file.display()));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_FN_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_function_check_measures_from_fn_to_its_closing_brace() {
    let code = "impl A {\n    pub fn long(\n        x: u8,\n    ) -> u8 {\n        let y = {\n            x\n        };\n        y\n    }\n\n    fn short() {}\n}\nfn trait_item();\n";
    assert_eq!(long_functions(code, 5), [("long".to_owned(), 8)]);
    assert!(long_functions(code, 8).is_empty());
}
