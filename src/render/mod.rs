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
