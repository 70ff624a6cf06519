//! Presentation: incidents to HTML and Markdown, in memory.
//!
//! Templates (embedded, overridable by name), Markdown (sanitised), syntax highlighting,
//! before/after diffs, trend charts as SVG, the view of one incident page, Markdown
//! reports, what an incident page shows at a glance (`glance`), and HTML escaping. Nothing here knows where a page is written: templates link
//! to other pages through the `link` function, which the site answers.

pub mod charts;
pub mod diff;
pub mod glance;
pub mod highlight;
pub mod i18n;
pub mod links;
pub mod markdown;
pub mod report;
pub mod report_prose;
pub mod templates;
pub mod view;
pub mod word_diff;

pub use i18n::Strings;
pub use templates::{LinkPath, TemplateError, Templates};
pub use view::{IncidentPage, RelatedLink};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

/// Appends `text` to `out`, escaped as [`escape`] does.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Plain text with its `` `backticked` `` parts as code: the reasons of related and similar
/// links name types and callables that way. Everything is escaped; a backtick without a
/// partner stays as it is.
fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(length) = rest[open + 1..].find('`') else {
            break;
        };
        escape_into(&rest[..open], &mut out);
        out.push_str("<code>");
        escape_into(&rest[open + 1..open + 1 + length], &mut out);
        out.push_str("</code>");
        rest = &rest[open + 2 + length..];
    }
    escape_into(rest, &mut out);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reasons_show_backticked_names_as_code_and_escape_the_rest() {
        assert_eq!(
            super::code_spans("callable written as `__init__` vs `<A>.__init__` & more"),
            "callable written as <code>__init__</code> vs <code>&lt;A&gt;.__init__</code> &amp; more"
        );
        assert_eq!(
            super::code_spans("one ` alone <b>"),
            "one ` alone &lt;b&gt;"
        );
    }
}
