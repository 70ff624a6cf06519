//! Markdown prose to safe HTML.
//!
//! pulldown-cmark renders CommonMark with tables, task lists and strikethrough; fenced code
//! is highlighted like every other code block. ammonia then cleans the whole HTML, so raw
//! HTML a writer typed (or pasted from a log) can never run script or break the page; the
//! allow-list keeps what our own rendering produces: task-list checkboxes and highlight
//! classes.

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::highlight;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .set_tag_attribute_value("input", "disabled", "")
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") => (value == "checkbox").then_some(value.into()),
            _ => Some(value.into()),
        })
        .add_allowed_classes("span", highlight::class_names())
        .add_allowed_classes("pre", ["hl"])
        .add_tag_attributes("pre", ["data-lang"]);
    builder
});

fn options() -> Options {
    crate::model::text::markdown_options()
}

/// Renders Markdown to sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let mut code: Option<(String, String)> = None;
    let events = Parser::new_ext(markdown, options()).filter_map(|event| match event {
        Event::Start(Tag::CodeBlock(kind)) => {
            let language = match kind {
                CodeBlockKind::Fenced(info) => {
                    info.split_whitespace().next().unwrap_or("").to_owned()
                }
                CodeBlockKind::Indented => String::new(),
            };
            code = Some((language, String::new()));
            None
        }
        Event::Text(text) if code.is_some() => {
            if let Some((_, body)) = code.as_mut() {
                body.push_str(&text);
            }
            None
        }
        Event::End(TagEnd::CodeBlock) => {
            let (language, body) = code.take()?;
            let block = highlight::highlight_block(
                body.trim_end_matches('\n'),
                crate::model::languages::find_language(&language),
            );
            Some(Event::Html(block.into()))
        }
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut html, events);
    SANITIZER.clean(&html).to_string()
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
    fn inline_form() {
        assert_eq!(
            to_inline_html("**Library** compatibility"),
            "<strong>Library</strong> compatibility"
        );
    }
}
