//! Prose for the Markdown reports, made as safe as the site's: raw HTML a writer typed is
//! escaped so that it shows as text, and a link or image whose target has a scheme the site
//! does not link (`javascript:`, `data:`, `vbscript:` …) is replaced by its text. Forges
//! sanitise reports themselves, but other Markdown renderers may not. Everything else is
//! left as written, byte for byte, so a report stays the writer's Markdown.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::model::text::markdown_options;

/// Rounds of link removal before giving up on keeping any link: each round removes at least
/// one, and a link's text can hold another (an image inside a link).
const ROUNDS: usize = 16;

/// `text` with raw HTML escaped and links to unsafe schemes replaced by their text.
pub fn safe_prose(text: &str) -> String {
    let mut text = text.to_owned();
    for _ in 0..ROUNDS {
        let edits = unsafe_links(&text);
        if edits.is_empty() {
            return apply(&text, raw_html(&text));
        }
        text = apply(&text, edits);
    }
    // Pathological nesting: no link and no HTML at all.
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "\\<")
}

/// Whether a link to `url` may stay: relative, or with a scheme the site's sanitiser keeps.
pub fn safe_target(url: &str) -> bool {
    // Browsers ignore ASCII whitespace and control characters anywhere in a URL.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_ascii_whitespace())
        .collect();
    let Some((scheme, _)) = cleaned.split_once(':') else {
        return true;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    !is_scheme || super::markdown::allowed_scheme(&scheme.to_ascii_lowercase())
}

/// A link or image being read: where it is written, whether its target is unsafe, and
/// where its text is.
struct Open {
    whole: Range<usize>,
    unsafe_target: bool,
    inner: Option<Range<usize>>,
}

/// Edits that replace each outermost unsafe link or image by the source of its text.
fn unsafe_links(text: &str) -> Vec<(Range<usize>, String)> {
    let mut edits = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        let ends_link = matches!(
            event,
            Event::End(pulldown_cmark::TagEnd::Link | pulldown_cmark::TagEnd::Image)
        );
        if ends_link {
            let Some(done) = open.pop() else { continue };
            let inside_unsafe = open.iter().any(|o| o.unsafe_target);
            if done.unsafe_target && !inside_unsafe {
                let inner = done.inner.map(|r| text[r].to_owned()).unwrap_or_default();
                edits.push((done.whole, inner));
            }
            if let Some(parent) = open.last_mut() {
                extend(&mut parent.inner, &range);
            }
            continue;
        }
        for o in &mut open {
            extend(&mut o.inner, &range);
        }
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event {
            open.push(Open {
                whole: range,
                unsafe_target: !safe_target(dest_url),
                inner: None,
            });
        }
    }
    edits
}

fn extend(inner: &mut Option<Range<usize>>, with: &Range<usize>) {
    *inner = Some(match inner.take() {
        Some(r) => r.start.min(with.start)..r.end.max(with.end),
        None => with.clone(),
    });
}

/// Edits that escape the `<` of every piece of raw HTML, so it shows as text.
fn raw_html(text: &str) -> Vec<(Range<usize>, String)> {
    Parser::new_ext(text, markdown_options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)))
        .map(|(_, range)| {
            let escaped = text[range.clone()].replace('<', "&lt;");
            (range, escaped)
        })
        .collect()
}

/// `text` with each range replaced; a range overlapping an earlier one is skipped.
fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at || range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_shows_as_text() {
        let text = "Hi <script>alert(1)</script> and <img src=x onerror=alert(2)>.\n\n<div>\nblock\n</div>\n";
        let safe = safe_prose(text);
        assert_eq!(
            safe,
            "Hi &lt;script>alert(1)&lt;/script> and &lt;img src=x onerror=alert(2)>.\n\n&lt;div>\nblock\n&lt;/div>\n"
        );
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(&safe, markdown_options()));
        assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<div"));
    }

    #[test]
    fn unsafe_links_become_their_text() {
        for (text, expected) in [
            (
                "see [the page](javascript:alert(1)) now",
                "see the page now",
            ),
            ("[x](JavaScript:alert(1))", "x"),
            ("[x](<java\tscript:alert(1)>)", "x"),
            ("![chart](data:image/png;base64,AAAA)", "chart"),
            ("[x](vbscript:msgbox)", "x"),
            ("<javascript:alert(1)>", "javascript:alert(1)"),
            (
                "[x][r]\n\n[r]: javascript:alert(1)\n",
                "x\n\n[r]: javascript:alert(1)\n",
            ),
            ("[![i](data:x)](javascript:y)", "i"),
            ("[**bold** text](data:text/html,hi)", "**bold** text"),
        ] {
            assert_eq!(safe_prose(text), expected, "{text}");
        }
    }

    #[test]
    fn safe_markdown_is_left_as_written() {
        let text = "A [link](https://example.com) and [rel](../x.png), `<code>`, \
                    ![img](pic.png) [mail](mailto:a@b.c) [anchor](#top)\n\n```\n<b>\n```\n";
        assert_eq!(safe_prose(text), text);
    }
}
