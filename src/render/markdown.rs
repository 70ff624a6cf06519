//! Markdown prose to safe HTML.
//!
//! pulldown-cmark renders CommonMark with tables, task lists and strikethrough; fenced code
//! is highlighted like every other code block. ammonia then cleans the whole HTML, so raw
//! HTML a writer typed (or pasted from a log) can never run script or break the page; the
//! allow-list keeps what our own rendering produces: task-list checkboxes and highlight
//! classes.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::highlight;
use crate::model::{Digest, diagram};

/// Hosts images may be loaded from (`remote_images` in `postmortem.toml`); set once per
/// build, read by every rendering.
static REMOTE_IMAGES: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Sets the hosts images may be loaded from; images from other hosts become links.
pub fn allow_remote_images(hosts: &[String]) {
    if let Ok(mut allowed) = REMOTE_IMAGES.write() {
        *allowed = hosts.to_vec();
    }
}

/// Whether an image at `url` may be loaded: a relative one always, a remote one only from
/// an allowed host.
fn may_load(url: &str) -> bool {
    match crate::model::text::url_host(url) {
        None => !url.trim_start().to_ascii_lowercase().starts_with("data:"),
        Some(host) => REMOTE_IMAGES
            .read()
            .is_ok_and(|allowed| allowed.iter().any(|h| h == host)),
    }
}

/// The names of a task list's boxes: to do, done.
const TASK_LABELS: [&str; 2] = ["to do", "done"];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input", "section"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
        .set_tag_attribute_value("input", "disabled", "")
        // Footnotes link both ways by id.
        .add_tag_attributes("a", ["id", "aria-label"])
        .add_tag_attributes("li", ["id"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") => (value == "checkbox").then_some(value.into()),
            ("input", "aria-label") => TASK_LABELS.contains(&value).then_some(value.into()),
            ("a" | "li", "id") => value.starts_with("fn").then_some(value.into()),
            ("img", "src") => may_load(value).then_some(value.into()),
            _ => Some(value.into()),
        })
        .add_allowed_classes("span", highlight::class_names())
        .add_allowed_classes("pre", ["hl"])
        .add_allowed_classes("sup", ["footnote-ref"])
        .add_allowed_classes("section", ["footnotes"])
        .add_allowed_classes("a", ["footnote-back"])
        .add_allowed_classes("figure", ["diagram"])
        .add_tag_attributes("pre", ["data-lang"]);
    builder
});

/// The URL schemes links and images may use on the site (ammonia's list).
static SCHEMES: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| SANITIZER.clone_url_schemes());

/// Whether the site keeps a link with this (lower-case) scheme.
pub fn allowed_scheme(scheme: &str) -> bool {
    SCHEMES.contains(scheme)
}

fn options() -> Options {
    crate::model::text::markdown_options()
}

/// Renders Markdown to sanitised HTML: fenced code highlighted, ` ```mermaid ` blocks drawn
/// as inline SVG, footnotes numbered with links both ways, images from hosts that are not
/// allowed shown as links.
pub fn to_html(markdown: &str) -> String {
    // Ids and placeholders carry a digest of the text: stable between builds, distinct
    // between the texts of one page, and not something a writer can type in advance.
    let key = format!("{:08x}", Digest::of_bytes(markdown.as_bytes()).0 as u32);
    let mut diagrams: Vec<String> = Vec::new();
    let mut notes = Footnotes::new(&key);
    let mut code: Option<(String, String)> = None;
    let mut events: Vec<Event<'_>> = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        if notes.take(&event) {
            continue;
        }
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                code = Some((language_of(&kind), String::new()));
                continue;
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, body)) = code.as_mut() {
                    body.push_str(&text);
                }
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                let Some((language, body)) = code.take() else {
                    continue;
                };
                Event::Html(code_block(&language, &body, &key, &mut diagrams).into())
            }
            Event::FootnoteReference(label) => Event::Html(notes.reference(&label).into()),
            // A task's box says what it means: unlabelled boxes are unnamed form fields.
            Event::TaskListMarker(done) => Event::Html(
                format!(
                    "<input disabled=\"\" type=\"checkbox\"{} aria-label=\"{}\">",
                    if done { " checked=\"\"" } else { "" },
                    TASK_LABELS[usize::from(done)]
                )
                .into(),
            ),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !may_load(&dest_url) => {
                notes.in_remote_image += 1;
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) if notes.in_remote_image > 0 => {
                notes.in_remote_image -= 1;
                Event::End(TagEnd::Link)
            }
            other => other,
        };
        notes.push(event, &mut events);
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html.push_str(&notes.section());
    let mut clean = SANITIZER.clean(&html).to_string();
    for (n, svg) in diagrams.iter().enumerate() {
        let mark = placeholder(&key, n);
        clean = clean.replace(&format!("<p>{mark}</p>"), svg);
        clean = clean.replace(&mark, svg);
    }
    clean
}

fn language_of(kind: &CodeBlockKind<'_>) -> String {
    match kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_owned(),
        CodeBlockKind::Indented => String::new(),
    }
}

fn placeholder(key: &str, n: usize) -> String {
    format!("postmortem-diagram-{key}-{n}")
}

/// A highlighted code block, or, for Mermaid, a placeholder for its drawing (put in after
/// the sanitiser, which does not know SVG; the drawing is cleaned by its own).
fn code_block(language: &str, body: &str, key: &str, diagrams: &mut Vec<String>) -> String {
    if diagram::is_mermaid(language) {
        let id = format!("mermaid-{key}-{}", diagrams.len());
        if let Ok(svg) = diagram::svg(body, &id) {
            let mark = placeholder(key, diagrams.len());
            diagrams.push(format!("<figure class=\"diagram\">{svg}</figure>"));
            return format!("<p>{mark}</p>");
        }
    }
    highlight::highlight_block(
        body.trim_end_matches('\n'),
        crate::model::languages::find_language(language),
    )
}

/// Footnotes: references numbered in order of first use, definitions gathered and shown at
/// the end, each linking back to where it was cited.
struct Footnotes<'a> {
    key: String,
    numbers: HashMap<String, usize>,
    definitions: HashMap<String, Vec<Event<'a>>>,
    /// The definition being read, if any.
    current: Option<(String, Vec<Event<'a>>)>,
    in_remote_image: usize,
}

impl<'a> Footnotes<'a> {
    fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            numbers: HashMap::new(),
            definitions: HashMap::new(),
            current: None,
            in_remote_image: 0,
        }
    }

    fn id(&self, label: &str) -> String {
        let label: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("{}-{label}", self.key)
    }

    /// Starts or ends a definition; says whether `event` was one of those.
    fn take(&mut self, event: &Event<'a>) -> bool {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.current = Some((label.to_string(), Vec::new()));
                true
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events)) = self.current.take() {
                    self.definitions.entry(label).or_insert(events);
                }
                true
            }
            _ => false,
        }
    }

    /// Adds `event` to the definition being read, or to the text.
    fn push(&mut self, event: Event<'a>, text: &mut Vec<Event<'a>>) {
        match self.current.as_mut() {
            Some((_, events)) => events.push(event),
            None => text.push(event),
        }
    }

    fn reference(&mut self, label: &CowStr<'_>) -> String {
        let next = self.numbers.len() + 1;
        let first = !self.numbers.contains_key(label.as_ref());
        let number = *self.numbers.entry(label.to_string()).or_insert(next);
        let id = self.id(label);
        let back = if first {
            format!(" id=\"fnref-{id}\"")
        } else {
            String::new()
        };
        format!("<sup class=\"footnote-ref\"><a href=\"#fn-{id}\"{back}>{number}</a></sup>")
    }

    /// The definitions that were cited, in the order of their numbers.
    fn section(&mut self) -> String {
        let mut cited: Vec<(usize, String)> =
            self.numbers.iter().map(|(l, n)| (*n, l.clone())).collect();
        if cited.is_empty() {
            return String::new();
        }
        cited.sort();
        let mut out = String::from("<section class=\"footnotes\"><ol>");
        for (_, label) in cited {
            let id = self.id(&label);
            let mut body = String::new();
            let events = self.definitions.remove(&label).unwrap_or_default();
            pulldown_cmark::html::push_html(&mut body, events.into_iter());
            let back = format!(
                " <a href=\"#fnref-{id}\" class=\"footnote-back\" aria-label=\"Back to the text\">↩</a>"
            );
            let body = body.trim_end();
            let body = match body.strip_suffix("</p>") {
                Some(head) => format!("{head}{back}</p>"),
                None => format!("{body}{back}"),
            };
            out.push_str(&format!("<li id=\"fn-{id}\">{body}</li>"));
        }
        out.push_str("</ol></section>");
        out
    }
}

/// Renders a short Markdown text (a list item, a table cell) without the paragraph around
/// it, when it is a single paragraph.
pub fn to_inline_html(markdown: &str) -> String {
    let html = to_html(markdown);
    let trimmed = html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_owned();
    }
    html
}

/// Renders a name (a test, an option) as inline Markdown: emphasis, code and links, but
/// never a block, so `1. Check Redis` stays text instead of becoming a list.
pub fn to_name_html(markdown: &str) -> String {
    let text = markdown.trim();
    let marker_end = text
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(0, |(i, _)| i);
    let escaped = if marker_end > 0 && text[marker_end..].starts_with(['.', ')']) {
        format!("{}\\{}", &text[..marker_end], &text[marker_end..])
    } else if text.starts_with(['#', '>', '-', '+', '*', '=']) && !text.starts_with("**") {
        format!("\\{text}")
    } else {
        text.to_owned()
    };
    to_inline_html(&escaped.replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_gfm_extensions() {
        let html =
            to_html("- [x] done\n- [ ] todo\n\n~~old~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            html.contains("<input") && html.contains("checked"),
            "{html}"
        );
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised() {
        for payload in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg onload=alert(1)>",
            "<input type=text autofocus onfocus=alert(1)>",
        ] {
            let html = to_html(payload);
            assert!(!html.contains("<script"), "{payload} -> {html}");
            assert!(!html.contains("onerror"), "{payload} -> {html}");
            assert!(!html.contains("onload"), "{payload} -> {html}");
            assert!(!html.contains("onfocus"), "{payload} -> {html}");
            assert!(!html.contains("javascript:"), "{payload} -> {html}");
            assert!(!html.contains("type=\"text\""), "{payload} -> {html}");
        }
    }

    #[test]
    fn fenced_code_is_highlighted_and_kept_through_the_sanitiser() {
        let html = to_html("```python\nx = 'a'  # note\n```\n");
        assert!(
            html.contains("<pre class=\"hl\" data-lang=\"python\"><code>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"c\"># note</span>"), "{html}");
        // Classes a writer makes up are dropped.
        let html = to_html("<span class=\"evil\">x</span>");
        assert!(!html.contains("evil"), "{html}");
    }

    #[test]
    fn footnotes_link_both_ways() {
        let html =
            to_html("A claim[^1] and another[^note].\n\n[^1]: The source.\n[^note]: More.\n");
        assert!(!html.contains("[^1]"), "{html}");
        let refs: Vec<&str> = html
            .matches("<sup class=\"footnote-ref\"><a href=\"#fn-")
            .collect();
        assert_eq!(refs.len(), 2, "{html}");
        assert!(html.contains("id=\"fnref-"), "{html}");
        assert!(
            html.contains("<section class=\"footnotes\"><ol><li id=\"fn-"),
            "{html}"
        );
        assert!(html.contains("class=\"footnote-back\""), "{html}");
        assert!(html.find("The source").unwrap() < html.find("More.").unwrap());
    }

    #[test]
    fn mermaid_becomes_svg_and_other_code_stays_code() {
        let html = to_html("```mermaid\nflowchart LR\n  A[Deploy] --> B[Alert]\n```\n");
        assert!(
            html.starts_with("<figure class=\"diagram\"><svg"),
            "{}",
            &html[..80]
        );
        assert!(html.contains("Deploy"), "{html}");
        assert!(!html.contains("postmortem-diagram-"), "{html}");
        let code = to_html("```text\nflowchart LR\n```\n");
        assert!(code.contains("<pre class=\"hl\""), "{code}");
    }

    #[test]
    fn images_from_other_hosts_become_links() {
        let html = to_html("![graph](https://grafana.example.com/x.png) ![local](shot.png)");
        assert!(
            html.contains("<a href=\"https://grafana.example.com/x.png\""),
            "{html}"
        );
        assert!(!html.contains("<img src=\"https://"), "{html}");
        assert!(html.contains("<img src=\"shot.png\""), "{html}");
        let raw = to_html("<img src=\"https://tracker.example.com/pixel.gif\">");
        assert!(!raw.contains("tracker.example.com"), "{raw}");
    }

    #[test]
    fn inline_form() {
        assert_eq!(
            to_inline_html("**Library** compatibility"),
            "<strong>Library</strong> compatibility"
        );
    }
}
