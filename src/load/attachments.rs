//! Files an incident's Markdown links to (screenshots, graphs, logs), and diagrams.
//!
//! A relative link or image resolves against the incident file's folder, then against a
//! folder named after the incident (`incidents/<slug>/`). The file is copied next to the
//! incident's page under the name the link gives, so the link works unchanged on the site,
//! and reports link the file where it lies, so it shows on GitHub and GitLab too. A link to
//! a file that is not there is an error; an image from another host is a warning, since the
//! site loads nothing from other hosts unless `remote_images` allows the host.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use pulldown_cmark::{Event, Parser, Tag};

use super::Settings;
use super::check::Locator;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Digest, Incident, diagram};

/// A file linked from an incident, copied next to its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its name next to the page: the link's path, normalised, `/`-separated.
    pub name: String,
    /// The file on disk.
    pub source: PathBuf,
    /// Digest of its bytes.
    pub digest: Digest,
    /// The links to it, as written.
    pub links: Vec<String>,
}

/// A link found in Markdown.
struct Link {
    destination: String,
    image: bool,
}

fn links(markdown: &str) -> Vec<Link> {
    // Every link and image starts with `[`, `![` or `<`: most prose has none, and parsing
    // it all for nothing is a good part of `check`.
    if !markdown.contains(['[', '<']) {
        return Vec::new();
    }
    Parser::new_ext(markdown, crate::model::text::markdown_options())
        .filter_map(|event| match event {
            Event::Start(Tag::Image { dest_url, .. }) => Some(Link {
                destination: dest_url.into_string(),
                image: true,
            }),
            Event::Start(Tag::Link { dest_url, .. }) => Some(Link {
                destination: dest_url.into_string(),
                image: false,
            }),
            _ => None,
        })
        .collect()
}

use crate::model::text::url_host as remote_host;

/// Whether a relative link names a file (not `#anchor` or `/site-path`).
fn is_file_link(destination: &str) -> bool {
    !(destination.is_empty()
        || destination.starts_with(['#', '/', '?'])
        || remote_host(destination).is_some())
}

/// The link's path, decoded and normalised; `None` when it leaves the incident's folder.
pub fn normalise(destination: &str) -> Option<String> {
    let path = destination.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut parts: Vec<&str> = Vec::new();
    for part in decoded.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() || parts == ["index.html"] {
        return None;
    }
    Some(parts.join("/"))
}

/// Finds, checks and digests every file the incident's Markdown links to; checks remote
/// images and diagrams. Problems go to `diagnostics`.
pub fn find(
    incident: &Incident,
    path: &Path,
    settings: &Settings,
    at: &Locator<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Attachment> {
    let places = Places::of(path, at);
    let mut found: Vec<Attachment> = Vec::new();
    for (field, text) in incident.markdown_fields() {
        // Where the field starts, only when a problem is to be placed: finding it reads
        // the file a second time into a positioned tree, the dearest part of `check` when
        // done for every field of every file.
        let start = std::cell::OnceCell::new();
        let from = || *start.get_or_init(|| at.span(&field).map_or(0, |s| s.start));
        diagnostics.extend(check_diagrams(text, &field, &from, at));
        for link in links(text) {
            let span = || at.find(&link.destination, from());
            if let Some(host) = remote_host(&link.destination) {
                let allowed = settings.remote_images.iter().any(|h| h == host);
                if link.image && !allowed && host.contains('.') {
                    let span = span();
                    diagnostics.push(
                        at.diagnostic(span, format!("image from another host in `{field}`: {host}"))
                            .with_severity(Severity::Warning)
                            .with_help(format!(
                                "the site shows it as a link; save the image next to the \
                                 incident file, or add \"{host}\" to remote_images in postmortem.toml"
                            )),
                    );
                }
            } else if is_file_link(&link.destination) {
                let problem = places.attach(link.destination.clone(), &mut found);
                diagnostics.extend(problem.map(|(message, help)| {
                    let d = at.diagnostic(span(), message.replace("{field}", &field));
                    match help {
                        Some(help) => d.with_help(help),
                        None => d,
                    }
                }));
            }
        }
    }
    found
}

/// Where an incident's linked files may be, on disk and as the user sees them.
struct Places {
    folder: PathBuf,
    own: PathBuf,
    shown_folder: PathBuf,
    shown_own: PathBuf,
}

impl Places {
    fn of(path: &Path, at: &Locator<'_>) -> Self {
        let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let shown_folder = at.file().parent().unwrap_or(Path::new("")).to_path_buf();
        let slug = super::slug_of(path);
        Self {
            own: folder.join(&slug),
            folder,
            shown_own: shown_folder.join(&slug),
            shown_folder,
        }
    }

    /// Adds the file `destination` names to `found`; the problem (message with a
    /// `{field}` placeholder, help) if there is none.
    fn attach(
        &self,
        destination: String,
        found: &mut Vec<Attachment>,
    ) -> Option<(String, Option<String>)> {
        let Some(name) = normalise(&destination) else {
            return Some((
                format!("`{destination}` in `{{field}}` leaves the incident's folder"),
                Some(
                    "keep linked files next to the incident file or in a folder named after it"
                        .into(),
                ),
            ));
        };
        if let Some(known) = found.iter_mut().find(|a| a.name == name) {
            if !known.links.contains(&destination) {
                known.links.push(destination);
            }
            return None;
        }
        let candidates = [self.folder.join(&name), self.own.join(&name)];
        let Some(source) = candidates.iter().find(|c| c.is_file()) else {
            return Some((
                format!("`{destination}` in `{{field}}` names no file"),
                Some(format!(
                    "put it at {} or {}",
                    shown(&self.shown_folder.join(&name)),
                    shown(&self.shown_own.join(&name))
                )),
            ));
        };
        match std::fs::read(source) {
            Ok(bytes) => {
                found.push(Attachment {
                    name,
                    source: source.clone(),
                    digest: Digest::of_bytes(&bytes),
                    links: vec![destination],
                });
                None
            }
            Err(e) => Some((format!("cannot read `{name}`: {e}"), None)),
        }
    }
}

fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// An error for each ` ```mermaid ` block of `text` that does not draw, at its line.
fn check_diagrams(
    text: &str,
    field: &str,
    from: &dyn Fn() -> usize,
    at: &Locator<'_>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut search = None;
    for source in diagram::blocks(text) {
        let search = search.get_or_insert_with(from);
        let fence = at.find("mermaid", *search);
        *search = fence.as_ref().map_or(*search, |f| f.end);
        let Err(error) = diagram::svg(&source, "check") else {
            continue;
        };
        // The line of the diagram the problem is on, found again in the file.
        let line = error
            .span
            .as_ref()
            .and_then(|s| source.get(..s.start))
            .map_or(0, |before| before.matches('\n').count());
        let text_line = source.lines().nth(line).unwrap_or_default().trim();
        let span = (!text_line.is_empty())
            .then(|| at.find(text_line, *search))
            .flatten()
            .or(fence);
        problems.push(
            at.diagnostic(span, format!("the Mermaid diagram in `{field}` does not parse: {}", error.message))
                .with_help("diagrams are drawn when the site is built; see https://mermaid.js.org/intro/syntax-reference.html"),
        );
    }
    problems
}
