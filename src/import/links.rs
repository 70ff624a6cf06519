//! Relative links and images of a write-up. An image whose file lies next to the source
//! (below its folder) is kept and its file copied beside the incident; any other relative
//! link would point at nothing once the text moves, so it becomes its text followed by the
//! target in code (`cache.py (`../src/cache.py`)`): what it said is kept, nothing breaks.

use pulldown_cmark::{Event, Parser, Tag};

use crate::load::attachments::normalise;
use crate::model::text::url_host;

/// A file the incident links to, to copy into the incident's own folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The link as written, relative to the source's folder.
    pub link: String,
    /// Its name in the incident's folder.
    pub name: String,
}

/// Whether a link target names a file relative to the document.
fn is_relative_file(destination: &str) -> bool {
    let scheme = destination.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    !(destination.is_empty()
        || destination.starts_with(['#', '/', '?'])
        || scheme
        || url_host(destination).is_some())
}

/// `source` with relative links rewritten (line breaks unchanged), and the images to copy.
/// `exists` says whether a relative path names a file next to the source.
pub fn rewrite(source: &str, exists: &dyn Fn(&str) -> bool) -> (String, Vec<Attachment>) {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut attachments = Vec::new();
    let options =
        crate::model::text::markdown_options() | pulldown_cmark::Options::ENABLE_FOOTNOTES;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        let (destination, image) = match &event {
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url.to_string(), true),
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url.to_string(), false),
            _ => continue,
        };
        if !is_relative_file(&destination) || edits.last().is_some_and(|(r, _)| r.end > range.start)
        {
            continue;
        }
        if image
            && exists(&destination)
            && let Some(name) = normalise(&destination)
            && !destination.split(['/', '\\']).any(|p| p == "..")
        {
            attachments.push(Attachment {
                link: destination,
                name,
            });
            continue;
        }
        let written = &source[range.clone()];
        let Some(split) = written.rfind("](") else {
            continue;
        };
        if !written.ends_with(')') || written.contains('\n') {
            continue;
        }
        let label = written[..split]
            .trim_start_matches('!')
            .trim_start_matches('[');
        let code = if destination.contains('`') {
            destination.clone()
        } else {
            format!("`{destination}`")
        };
        edits.push((range, format!("{label} ({code})")));
    }
    let mut out = source.to_owned();
    for (range, text) in edits.into_iter().rev() {
        out.replace_range(range, &text);
    }
    attachments.sort_by(|a, b| a.name.cmp(&b.name));
    attachments.dedup_by(|a, b| a.name == b.name);
    (out, attachments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_become_text_and_present_images_are_kept() {
        let source = "See [cache.py](../src/cache.py) and [docs](https://x.io/d).\n![graph](img/latency.png) ![gone](img/missing.png)\n`[code](not/a/link)`\n";
        let (out, attachments) = rewrite(source, &|p| p == "img/latency.png");
        assert_eq!(
            out,
            "See cache.py (`../src/cache.py`) and [docs](https://x.io/d).\n![graph](img/latency.png) gone (`img/missing.png`)\n`[code](not/a/link)`\n"
        );
        assert_eq!(
            attachments,
            [Attachment {
                link: "img/latency.png".into(),
                name: "img/latency.png".into()
            }]
        );
    }
}
