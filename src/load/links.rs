//! Links in an incident file: URL fields (`url`, `link`) and the links of Markdown prose.
//!
//! A mistyped URL (`htp//x`) or a `javascript:` link renders as a dead link, or as `#`
//! once sanitised, without a word; here it is an error at its place in the file, as every
//! other mistake is. A field is known by its key. The parsed incident is checked first; only
//! when it has a problem is the file read a second time, into a tree of spanned values, to
//! say where (a Markdown link is found in the source by its target, after the field's
//! start), so a file without problems costs no second parse.

use std::path::Path;

use pulldown_cmark::{Event, LinkType, Parser, Tag};
use serde_saphyr::Spanned;

use super::yaml_tree::Node;

use crate::diagnostic::Diagnostic;
use crate::model::Incident;
use crate::model::text::markdown_options;
use crate::workspace::line_column;

/// Keys whose text is a URL.
const URL_KEYS: &[&str] = &["url", "link"];

/// Keys whose text (or list of texts) is Markdown, wherever they occur in the format.
const MARKDOWN_KEYS: &[&str] = &[
    "summary",
    "details",
    "description",
    "detection",
    "event",
    "trigger",
    "impact",
    "note",
    "notes",
    "solution",
    "body",
    "action",
    "contributing_factors",
    "lessons",
    "went_well",
    "went_wrong",
    "lucky",
    "learned",
    "items",
];

/// Schemes a link may use: those the site keeps (`render::templates::safe_href`).
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Every problem with the URLs and the link schemes of `incident`, read from the file
/// `file` whose text is `source`. (Links to files beside the incident are `attachments`'
/// to find, or to report missing.)
pub fn link_problems(incident: &Incident, file: &Path, source: &str) -> Vec<Diagnostic> {
    if !super::texts::any_text(incident, &mut has_problem) {
        return Vec::new();
    }
    let root =
        serde_saphyr::from_str_with_options::<Spanned<Node>>(source, super::yaml_tree::options());
    let mut walk = Walk {
        file,
        source,
        problems: Vec::new(),
    };
    if let Ok(root) = root {
        walk.node(&root, "", None);
    }
    if walk.problems.is_empty() {
        // Found in the incident but not in the text: say so for the whole file.
        walk.problems.push(Diagnostic::file_error(
            file,
            "a URL or link in this file is invalid (`postmortem check` could not find its line)",
        ));
    }
    walk.problems
}

/// Whether `text`, under the key `key` (the nearest above it), is a URL or Markdown with a
/// problem.
fn has_problem(key: Option<&str>, text: &str) -> bool {
    match key {
        Some(key) if URL_KEYS.contains(&key) => url_problem(text.trim()).is_some(),
        // Without `[` or `<` a text has no link.
        Some(key) if MARKDOWN_KEYS.contains(&key) && text.contains(['[', '<']) => {
            markdown_targets(text)
                .iter()
                .any(|target| target_problem(target).is_some())
        }
        _ => false,
    }
}

struct Walk<'a> {
    file: &'a Path,
    source: &'a str,
    problems: Vec<Diagnostic>,
}

impl Walk<'_> {
    /// Checks `node` at `path`; `key` is the nearest key above it (a list's items share it).
    fn node(&mut self, node: &Spanned<Node>, path: &str, key: Option<&str>) {
        match &node.value {
            Node::Text(text) => match key {
                Some(key) if URL_KEYS.contains(&key) => self.url_field(node, text, path),
                Some(key) if MARKDOWN_KEYS.contains(&key) => self.markdown(node, text, path),
                _ => {}
            },
            Node::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.node(item, &format!("{path}[{i}]"), key);
                }
            }
            Node::Map(entries) => {
                for (name, value) in entries {
                    let name = &name.value.0;
                    let inner = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    self.node(value, &inner, Some(name));
                }
            }
            Node::Other => {}
        }
    }

    fn url_field(&mut self, node: &Spanned<Node>, text: &str, path: &str) {
        if let Some(problem) = url_problem(text.trim()) {
            let (line, mut column) = (node.referenced.line() as usize, node.referenced.column());
            // A quoted value starts at its quote; point at the text.
            let start = node.referenced.span().byte_offset().unwrap_or(0) as usize;
            if self.source[start.min(self.source.len())..].starts_with(['"', '\'']) {
                column += 1;
            }
            self.problems.push(
                Diagnostic::at(
                    self.file,
                    self.source,
                    line,
                    column as usize,
                    format!("`{path}`: {problem}"),
                )
                .with_width(text.chars().count())
                .with_help("write an absolute http(s) URL, e.g. https://tickets.acme.dev/INC-1234"),
            );
        }
    }

    fn markdown(&mut self, node: &Spanned<Node>, text: &str, path: &str) {
        let span = node.referenced.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let end = start + span.byte_len().unwrap_or(0) as usize;
        // Targets are looked for in order, each after the last one found.
        let mut cursor = start;
        for target in markdown_targets(text) {
            let problem = target_problem(&target);
            let found = self
                .source
                .get(cursor..end.max(cursor))
                .and_then(|window| window.find(&target))
                .map(|at| cursor + at);
            if let Some(at) = found {
                cursor = at + target.len();
            }
            let Some(problem) = problem else { continue };
            let (line, column) = match found {
                Some(at) => line_column(self.source, at),
                None => (
                    node.referenced.line() as usize,
                    node.referenced.column() as usize,
                ),
            };
            self.problems.push(
                Diagnostic::at(
                    self.file,
                    self.source,
                    line,
                    column,
                    format!("`{path}`: link {problem}"),
                )
                .with_width(if found.is_some() {
                    target.chars().count()
                } else {
                    1
                })
                .with_help(
                    "links may be http(s), mailto, `#anchor` or a file beside the incident file",
                ),
            );
        }
    }
}

/// What is wrong with a Markdown link's target, if anything: only URLs (with a scheme, or
/// protocol-relative) are checked here; `#anchors` and site paths need nothing, and files
/// beside the incident are `attachments`' to find.
fn target_problem(target: &str) -> Option<String> {
    let scheme_end = target.find(':');
    let first_separator = target.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, first_separator) {
        (Some(colon), Some(separator)) => colon < separator,
        (Some(_), None) => true,
        (None, _) => false,
    };
    (has_scheme || target.starts_with("//"))
        .then(|| url_problem(target))
        .flatten()
}

/// The targets of the links and images of a Markdown text, in order.
fn markdown_targets(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, markdown_options())
        .filter_map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if link_type != LinkType::Email => Some(dest_url.into_string()),
            Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.into_string()),
            _ => None,
        })
        .collect()
}

/// What is wrong with an absolute URL, if anything: not a URL, a scheme that can run
/// script or that the site drops, or a web URL without a host.
fn url_problem(text: &str) -> Option<String> {
    let with_scheme = if text.starts_with("//") {
        format!("https:{text}")
    } else {
        text.to_owned()
    };
    let url = match url::Url::parse(&with_scheme) {
        Ok(url) => url,
        Err(error) => return Some(format!("`{text}` is not a URL ({error})")),
    };
    let scheme = url.scheme();
    if !SAFE_SCHEMES.contains(&scheme) {
        return Some(format!(
            "`{text}` uses the scheme `{scheme}:`, which the site does not link (it could run script or leave the browser)"
        ));
    }
    // `http:/x` parses, with the path taken for a host; insist on the `//` that was meant.
    let wants_host = scheme != "mailto";
    if wants_host && (!text.contains("//") || url.host_str().is_none_or(str::is_empty)) {
        return Some(format!("`{text}` has no host after `{scheme}://`"));
    }
    None
}
