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
    fn plurals() {
        assert_eq!(format!("1 file{}", plural(1)), "1 file");
        assert_eq!(format!("0 file{}", plural(0)), "0 files");
        assert_eq!(format!("2 file{}", plural(2)), "2 files");
    }
}
