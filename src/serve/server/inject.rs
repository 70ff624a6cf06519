//! What the preview adds to the HTML it serves: the live-reload script, the error overlay
//! and the line that says file watching failed. Never part of what `build` writes.

use super::LiveState;
use crate::render::escape;

const LIVE_JS: &str = include_str!("../live.js");

/// `html` with the live-reload script and the (hidden unless failing) error overlay
/// before `</body>`. A `not_found` page reloads on any change: its page may exist now.
pub fn inject(html: &str, state: &LiveState, not_found: bool) -> String {
    let overlay = overlay(state.error.as_deref());
    let script = LIVE_JS.replace(
        "__POSTMORTEM_PAGE__",
        &format!("{}, {not_found}", state.build),
    );
    let banner = watch_banner(state.watcher.as_deref());
    let snippet = format!("{overlay}{banner}<script>{script}</script>");
    match rfind_ignore_case(html, "</body>") {
        Some(at) => format!("{}{snippet}{}", &html[..at], &html[at..]),
        None => format!("{html}{snippet}"),
    }
}

/// The error overlay; every byte of `error` is escaped.
fn overlay(error: Option<&str>) -> String {
    format!(
        "<div id=\"postmortem-overlay\" role=\"alert\"{hidden} style=\"position:fixed;inset:0;\
z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:rgba(24,24,27,.94);\
color:#fafafa;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace\">\
<button type=\"button\" aria-label=\"Hide\" style=\"float:right;font:inherit;cursor:pointer\">\
hide</button><p style=\"margin:0 0 1rem;color:#fca5a5;font-weight:bold\">postmortem: the last \
change broke the build. This is the last good version of the page; it reloads when the \
file is fixed.</p><pre style=\"white-space:pre-wrap;margin:0\">{text}</pre></div>",
        hidden = if error.is_some() { "" } else { " hidden" },
        text = escape(error.unwrap_or_default()),
    )
}

fn rfind_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let needle = needle.as_bytes();
    (0..=bytes.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| bytes[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// A line at the bottom of the page while file events fail; every byte of `problem` is
/// escaped.
fn watch_banner(problem: Option<&str>) -> String {
    format!(
        "<div id=\"postmortem-watch\" role=\"status\"{hidden} style=\"position:fixed;left:0;\
right:0;bottom:0;z-index:2147483646;margin:0;padding:.5rem 1rem;background:#78350f;color:#fff;\
font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace\">postmortem: \
<span>{text}</span></div>",
        hidden = if problem.is_some() { "" } else { " hidden" },
        text = escape(problem.unwrap_or_default()),
    )
}
