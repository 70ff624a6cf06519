//! Text: required text that must say something, and the plain text of Markdown prose.

use std::fmt;

use pulldown_cmark::{Event, Options, Parser, TagEnd};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// A string that is not empty or only whitespace: used for every required text field, so
/// `title: ""` is rejected where it is written, with its line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct NonEmptyString(#[schemars(length(min = 1))] String);

impl NonEmptyString {
    /// Wraps `text`, or returns `None` if it is blank.
    pub fn new(text: impl Into<String>) -> Option<Self> {
        let text = text.into();
        (!text.trim().is_empty()).then_some(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, for walks over every field.
    pub(crate) fn inner(&self) -> &String {
        &self.0
    }

    /// The text, for rewriting (it stays non-empty only if the writer keeps it so).
    pub(crate) fn inner_mut(&mut self) -> &mut String {
        &mut self.0
    }
}

impl std::ops::Deref for NonEmptyString {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NonEmptyString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for NonEmptyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::new(text).ok_or_else(|| serde::de::Error::custom("must not be empty"))
    }
}

/// The Markdown extensions prose fields accept: tables, task lists, strikethrough and
/// footnotes.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}

/// The host of an absolute URL (`https://host/…`, `//host/…`), or `None` for a relative
/// link.
pub fn url_host(url: &str) -> Option<&str> {
    let url = url.trim();
    let rest = match url.split_once(':') {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            rest
        }
        _ if url.starts_with("//") => url,
        _ => return None,
    };
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// The text of a Markdown document without markup, for descriptions, feeds, excerpts and
/// search.
pub fn plain_text(markdown: &str) -> String {
    // Most prose has no markup but code spans: the same words without running the parser
    // (a third of the time of a cause's signature, which every loaded file works out).
    plain_without_parser(markdown).unwrap_or_else(|| parsed_plain_text(markdown))
}

/// [`plain_text`] as the Markdown parser reads it.
fn parsed_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::CodeBlock,
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The plain text of `text` when it can be had without the parser, `None` when the parser
/// must read it. Without the parser means: no line that can open a block (a list, a
/// heading or its underline, a thematic break, a quote, a table row), and outside code
/// spans no character that can open other inline markup (emphasis, links, HTML, entities,
/// escapes, strikethrough, table cells). Code spans are then the only markup, and come out
/// as their content when each backtick pairs with the next one: single, even in number in
/// each paragraph, in a paragraph no indentation makes a code block, and with no space (nor
/// any non-ASCII character, to be safe) at either end of the content, where the parser
/// would take a space off. Inside a code span everything is literal: an autolink or HTML
/// could only win by starting first, outside it, where `<` is refused. One pass over the
/// bytes: this runs for most prose of every incident.
fn plain_without_parser(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut in_code = false;
    // Where the scan stands: at the start of a line (only spaces so far), whether that
    // line began indented, whether it starts a paragraph (the text's first line, or one
    // after a blank line), and whether the paragraph's first line was indented.
    let (mut line_start, mut line_indented) = (true, false);
    let (mut paragraph_start, mut paragraph_indented) = (true, false);
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            // NUL becomes U+FFFD, and a carriage return ends a line for the parser alone.
            b'\0' | b'\r' => return None,
            b'\n' => {
                if line_start && in_code {
                    return None; // a blank line ends the paragraph inside a code span
                }
                paragraph_start = line_start;
                (line_start, line_indented) = (true, false);
                continue;
            }
            b' ' | b'\t' if line_start => {
                line_indented = true;
                continue;
            }
            _ => {}
        }
        if line_start {
            if byte.is_ascii_digit() || b"-+=#>*_<|~".contains(&byte) {
                return None;
            }
            if paragraph_start {
                paragraph_indented = line_indented;
            }
            line_start = false;
        }
        if byte == b'`' {
            let next = bytes.get(i + 1).copied();
            let inner = if in_code {
                i.checked_sub(1).map(|p| bytes[p])
            } else {
                next
            };
            let spaced = inner.is_none_or(|b| b.is_ascii_whitespace() || !b.is_ascii());
            if next == Some(b'`') || spaced || paragraph_indented {
                return None;
            }
            in_code = !in_code;
        } else if !in_code && b"\\*_[]<>&~|#".contains(&byte) {
            return None;
        }
    }
    if in_code {
        return None;
    }
    let mut plain = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !plain.is_empty() {
            plain.push(' ');
        }
        plain.extend(word.chars().filter(|&c| c != '`'));
    }
    Some(plain)
}

/// The valid name closest to a misspelling, if one is close enough to be what was meant.
pub fn closest<'a>(typed: &str, valid: &[&'a str]) -> Option<&'a str> {
    valid
        .iter()
        .map(|candidate| (strsim::jaro_winkler(typed, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A CSS class or filter value for any name: lowercase ASCII letters, digits and `-`
/// (`SEV 1` becomes `sev-1`).
pub fn css_slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "x".into()
    } else {
        slug.into()
    }
}

/// `"s"` unless `n` is one: `format!("{n} incident{}", plural(n))`.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_only_near_misses() {
        let valid = ["root_cause", "resolution", "related"];
        assert_eq!(closest("root_casue", &valid), Some("root_cause"));
        assert_eq!(closest("rootcause", &valid), Some("root_cause"));
        assert_eq!(closest("banana", &valid), None);
    }

    #[test]
    fn plain_text_drops_markup_and_keeps_words_apart() {
        assert_eq!(
            plain_text("# Title\n\nSome `code` and *emphasis*."),
            "Title Some code and emphasis."
        );
        assert_eq!(plain_text("- one\n- two"), "one two");
    }

    #[test]
    fn the_shortcut_for_text_without_markup_gives_what_the_parser_gives() {
        // Texts drawn from characters that start blocks and breaks, with lines that
        // begin with them: whenever the shortcut is taken, the parser must agree.
        const PIECES: &[&str] = &[
            "pool", "no leak", " ", "  ", "\n", "\n\n", "\r\n", "\t", "    ", ".", ")", "1", "1.",
            "2)", "-", "--", "---", "+", "=", "===", "!", ":", "'", "\"", "(", "/", "é", "\u{a0}",
            "\r", "\0", "didn't", "x=1", "a-b", "*", "`", "`x`", "` y `", "``", "`a_b`", "`*`",
            "`[`", "`<ab:c`", "d>`", "`a\n# b`", "`a\n- b`", "`&amp;`", "`\\`", "`#", "<b>",
            "&amp;", "[x]", "#",
        ];
        let mut state: u64 = 42;
        let (mut shortcut, mut parsed) = (0, 0);
        for _ in 0..50_000 {
            let mut text = String::new();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for i in 0..(state >> 60) + 1 {
                let pick = (state >> (i * 5 % 55)) as usize % PIECES.len();
                text.push_str(PIECES[pick]);
            }
            if let Some(plain) = plain_without_parser(&text) {
                shortcut += 1;
                assert_eq!(plain, parsed_plain_text(&text), "{text:?}");
            } else {
                parsed += 1;
            }
        }
        // Both ways were taken often enough for the comparison to mean something.
        assert!(shortcut > 3_000 && parsed > 3_000, "{shortcut} {parsed}");
    }

    #[test]
    fn plurals() {
        assert_eq!(format!("1 file{}", plural(1)), "1 file");
        assert_eq!(format!("0 file{}", plural(0)), "0 files");
        assert_eq!(format!("2 file{}", plural(2)), "2 files");
    }
}
