//! Mermaid diagrams: found in Markdown, and drawn to SVG at build time.
//!
//! A ` ```mermaid ` block becomes an inline SVG on the site, so pages need no script and
//! work from disk; reports keep the block, which GitHub and GitLab draw. Drawing is done by
//! merman, a pure-Rust Mermaid implementation whose layout and text measuring are
//! deterministic (the same file draws the same bytes on every machine). Loading draws every
//! diagram once, so one that does not parse is an error with its line; the page draws it
//! again.
//!
//! The SVG carries the user's labels, so it is cleaned like any other user content: only
//! SVG drawing elements and simple text markup survive, no script, no event handlers, no
//! link or image that would load anything, and no stylesheet that refers to anything
//! outside the diagram.

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// A diagram that could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramError {
    /// What is wrong.
    pub message: String,
    /// Byte range of the problem in the diagram's text, when known.
    pub span: Option<std::ops::Range<usize>>,
}

/// The text of every ` ```mermaid ` block of a Markdown text, in order.
pub fn blocks(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    // A Mermaid block names itself: prose without the word is not parsed for nothing.
    let named = markdown
        .as_bytes()
        .windows(MERMAID.len())
        .any(|w| w.eq_ignore_ascii_case(MERMAID.as_bytes()));
    if !named {
        return found;
    }
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, super::text::markdown_options()) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_mermaid(&info) => {
                current = Some(String::new());
            }
            Event::Text(text) if current.is_some() => {
                if let Some(body) = current.as_mut() {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => found.extend(current.take()),
            _ => {}
        }
    }
    found
}

const MERMAID: &str = "mermaid";

/// Whether a fence's info string names Mermaid.
pub fn is_mermaid(info: &str) -> bool {
    info.split_whitespace()
        .next()
        .is_some_and(|lang| lang.eq_ignore_ascii_case(MERMAID))
}

/// Draws `source` as a cleaned SVG whose ids start with `id` (unique on its page).
pub fn svg(source: &str, id: &str) -> Result<String, DiagramError> {
    let mut request = merman::SvgRequest::default();
    request.options.diagram_id = Some(id.to_owned());
    let output = merman::Renderer::new().render(merman::RenderRequest::svg(
        source,
        merman::OperationControl::new(),
        request,
    ));
    let svg = match output {
        Ok(merman::RenderOutput::Svg(Some(svg))) => svg.svg().to_string(),
        Ok(_) | Err(merman::RenderError::NoDiagram) => {
            return Err(DiagramError {
                message:
                    "no diagram type: start with flowchart, sequenceDiagram, timeline or gantt"
                        .into(),
                span: None,
            });
        }
        Err(merman::RenderError::Parse(diagnostic)) => {
            let details = diagnostic.terminal_diagnostic_details();
            return Err(DiagramError {
                message: diagnostic.terminal_safe_message(),
                span: details.span.map(|s| s.start..s.end),
            });
        }
        Err(other) => {
            return Err(DiagramError {
                message: other.to_string(),
                span: None,
            });
        }
    };
    clean(&svg)
}

/// Keeps only what draws: see the module documentation.
fn clean(svg: &str) -> Result<String, DiagramError> {
    if refers_outside(svg) {
        return Err(DiagramError {
            message: "the diagram refers to a file or address outside it (an image, a font, \
                      a stylesheet); diagrams may only draw"
                .into(),
            span: None,
        });
    }
    // Label paragraphs lose their `<p>` (not allowed inside a `<span>`), and the empty
    // placeholder rectangles of labels go (a `<rect>` needs a size).
    Ok(SANITIZER
        .clean(svg)
        .to_string()
        .replace("<rect></rect>", ""))
}

/// Whether a style or attribute loads something: `url(` that is not a `#fragment`, or
/// `@import`.
fn refers_outside(svg: &str) -> bool {
    let lower = svg.to_ascii_lowercase();
    lower.contains("@import")
        || lower.match_indices("url(").any(|(i, _)| {
            let target = lower[i + 4..].trim_start_matches(['\'', '"', ' ']);
            !target.starts_with('#')
        })
}

/// SVG drawing elements and the text markup merman puts in labels.
const TAGS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "marker",
    "symbol",
    "use",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "style",
    "filter",
    "feDropShadow",
    "feGaussianBlur",
    "feOffset",
    "feFlood",
    "feComposite",
    "feMerge",
    "feMergeNode",
    "feBlend",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "foreignObject",
    "div",
    "span",
    "b",
    "i",
    "strong",
    "em",
    "br",
    "code",
];

const ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "style",
    "d",
    "x",
    "y",
    "x1",
    "x2",
    "y1",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "dx",
    "dy",
    "width",
    "height",
    "viewBox",
    "transform",
    "points",
    "fill",
    "fill-rule",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "alignment-baseline",
    "marker-end",
    "marker-start",
    "markerHeight",
    "markerWidth",
    "markerUnits",
    "refX",
    "refY",
    "orient",
    "filter",
    "flood-color",
    "flood-opacity",
    "stdDeviation",
    "clip-rule",
    "clip-path",
    "offset",
    "stop-color",
    "stop-opacity",
    "preserveAspectRatio",
    "aria-roledescription",
    "aria-label",
    "aria-hidden",
    "xmlns",
    "data-id",
    "data-type",
    "data-look",
    "data-edge",
    "data-et",
    "data-from",
    "data-to",
    "data-points",
    "data-color-id",
    "href",
];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(TAGS)
        .add_generic_attributes(ATTRIBUTES)
        .clean_content_tags(["script"].into_iter().collect())
        .strip_comments(true)
        // `href` only within the diagram (`<use href="#marker">`).
        .attribute_filter(|_, attribute, value| match attribute {
            "href" => value.starts_with('#').then_some(value.into()),
            _ => Some(value.into()),
        });
    builder
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_kinds_draw_and_nonsense_does_not() {
        for source in [
            "flowchart LR\n  A[Deploy] --> B{Errors?}\n  B -- yes --> C[Roll back]\n",
            "sequenceDiagram\n  Client->>API: POST /login\n  API-->>Client: 500\n",
            "timeline\n  title Outage\n  2025-07-12 : Deploy : Alert\n",
            "gantt\n  dateFormat HH:mm\n  section Impact\n  Outage :a1, 16:58, 42m\n",
        ] {
            let svg = svg(source, "d1").unwrap_or_else(|e| panic!("{source}: {e:?}"));
            assert!(svg.starts_with("<svg") && svg.contains("d1"), "{svg}");
        }
        let error = svg("flowchart LR\n  A --> B\n  C[unclosed\n", "x").unwrap_err();
        assert!(error.message.contains("missing `]`"), "{error:?}");
        assert!(error.span.is_some());
        assert!(svg("hello world", "x").is_err());
    }

    #[test]
    fn labels_cannot_run_script_or_load_anything() {
        let source = "flowchart LR\n  A[\"<img src=https://evil.example/x.png onerror=alert(1)> <script>alert(2)</script>\"] --> B\n  click A href \"javascript:alert(3)\"\n  C[\"<a href='https://evil.example'>x</a>\"]\n";
        let svg = svg(source, "d").unwrap();
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "evil.example",
            "<img",
            "<a ",
        ] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
        assert!(svg.contains("<svg") && svg.contains("viewBox"), "{svg}");
    }

    #[test]
    fn blocks_are_found_in_markdown() {
        let markdown = "Text\n\n```mermaid\nflowchart LR\n  A-->B\n```\n\n```python\nx\n```\n";
        assert_eq!(blocks(markdown), ["flowchart LR\n  A-->B\n"]);
    }
}
