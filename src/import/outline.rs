//! The shape of a Markdown document, by source line: front matter, headings (ATX and
//! setext), and the top-level blocks between them, as pulldown-cmark sees them. Everything
//! here points into the source by line, so the importer can say where each line went.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Front matter at the very start of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontMatter {
    /// Between `---` lines.
    Yaml(String),
    /// Between `+++` lines.
    Toml(String),
}

/// A top-level block of the body.
#[derive(Debug, Clone)]
pub struct Block {
    /// Source lines (indices into [`Outline::lines`]).
    pub lines: Range<usize>,
    /// What it is.
    pub kind: Kind,
}

/// Kinds of top-level blocks the importer looks into.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A heading, with its plain text.
    Heading { level: u8, text: String },
    /// A list, with the line range of each item and its task mark.
    List { items: Vec<Item> },
    /// A fenced or indented code block: the first word of its info string (the
    /// language), whether more words follow it (`title="app.py"`: a field that takes the
    /// block would lose them), and its text.
    Code {
        info: String,
        attributes: bool,
        text: String,
    },
    /// A table.
    Table,
    /// A paragraph.
    Paragraph,
    /// A thematic break (`---`).
    Rule,
    /// Anything else (quotes, HTML, footnote definitions).
    Other,
}

/// One item of a list.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its source lines.
    pub lines: Range<usize>,
    /// `Some(true)` for `[x]`, `Some(false)` for `[ ]`.
    pub checked: Option<bool>,
}

/// A document split into lines and blocks.
#[derive(Debug)]
pub struct Outline<'a> {
    /// Every line of the source, without its line break.
    pub lines: Vec<&'a str>,
    /// Front matter, and the lines it takes.
    pub front: Option<(FrontMatter, Range<usize>)>,
    /// The top-level blocks of the body, in order.
    pub blocks: Vec<Block>,
}

impl<'a> Outline<'a> {
    /// Reads `source`.
    pub fn of(source: &'a str) -> Self {
        let lines: Vec<&str> = source
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let front = front_matter(&lines);
        let skip = front.as_ref().map_or(0, |(_, r)| r.end);
        let offset: usize = lines[..skip].iter().map(|l| l.len() + 1).sum();
        let body = source.get(offset..).unwrap_or_default();
        let starts = line_starts(body);
        let line_of = |byte: usize| skip + starts.partition_point(|s| *s <= byte).saturating_sub(1);
        let blocks = blocks(body, &line_of);
        Self {
            lines,
            front,
            blocks,
        }
    }

    /// The text of `lines`, joined.
    pub fn text(&self, lines: Range<usize>) -> String {
        self.lines[lines.start.min(self.lines.len())..lines.end.min(self.lines.len())].join("\n")
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// `---` YAML or `+++` TOML front matter on the first line, up to its closing line.
fn front_matter(lines: &[&str]) -> Option<(FrontMatter, Range<usize>)> {
    let first = lines.first()?.trim_end();
    let fence = match first {
        "---" => "---",
        "+++" => "+++",
        _ => return None,
    };
    let end = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == fence || (fence == "---" && l.trim_end() == "..."))?
        + 1;
    let text = lines[1..end].join("\n");
    let matter = if fence == "---" {
        FrontMatter::Yaml(text)
    } else {
        FrontMatter::Toml(text)
    };
    Some((matter, 0..end + 1))
}

/// Options the importer parses with: those the site renders with, plus footnotes.
fn options() -> Options {
    crate::model::text::markdown_options() | Options::ENABLE_FOOTNOTES
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The top-level blocks of `body`; `line_of` turns a byte offset into a line index.
fn blocks(body: &str, line_of: &dyn Fn(usize) -> usize) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut depth = 0usize;
    let mut text = String::new();
    let mut items: Vec<Item> = Vec::new();
    let span = |r: &Range<usize>| line_of(r.start)..line_of(r.end.max(r.start + 1) - 1) + 1;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    text.clear();
                    items.clear();
                }
                if depth == 1 && matches!(tag, Tag::Item) {
                    items.push(Item {
                        lines: span(&range),
                        checked: None,
                    });
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let kind = match end {
                        TagEnd::Heading(level) => Kind::Heading {
                            level: level_number(level),
                            text: text.trim().to_owned(),
                        },
                        TagEnd::List(_) => Kind::List {
                            items: std::mem::take(&mut items),
                        },
                        TagEnd::CodeBlock => {
                            let info = code_info(body, &range);
                            let mut words = info.split_whitespace();
                            Kind::Code {
                                info: words.next().unwrap_or_default().to_owned(),
                                attributes: words.next().is_some(),
                                text: std::mem::take(&mut text),
                            }
                        }
                        TagEnd::Table => Kind::Table,
                        TagEnd::Paragraph => Kind::Paragraph,
                        _ => Kind::Other,
                    };
                    out.push(Block {
                        lines: span(&range),
                        kind,
                    });
                }
            }
            Event::TaskListMarker(done) if (2..=3).contains(&depth) => {
                if let Some(item) = items.last_mut() {
                    item.checked = Some(done);
                }
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::Rule if depth == 0 => out.push(Block {
                lines: span(&range),
                kind: Kind::Rule,
            }),
            Event::Html(_) if depth == 0 => out.push(Block {
                lines: span(&range),
                kind: Kind::Other,
            }),
            _ => {}
        }
    }
    out
}

/// The info string of a fenced code block (`python title="app.py"`), empty for indented
/// code.
fn code_info(body: &str, range: &Range<usize>) -> String {
    let first = body
        .get(range.clone())
        .and_then(|b| b.lines().next())
        .unwrap_or_default()
        .trim_start();
    first
        .strip_prefix("```")
        .or_else(|| first.strip_prefix("~~~"))
        .map(|rest| rest.trim_start_matches(['`', '~']).trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_of_both_kinds_and_front_matter_are_found_by_line() {
        let source = "---\ntitle: X\n---\nTitle\n=====\n\n## Impact\n\n```\n# not a heading\n```\n\nNotes\n-----\n- [x] done\n- [ ] open\n";
        let outline = Outline::of(source);
        assert!(
            matches!(outline.front, Some((FrontMatter::Yaml(ref t), ref r)) if t == "title: X" && *r == (0..3))
        );
        let headings: Vec<(u8, &str, Range<usize>)> = outline
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                Kind::Heading { level, text } => Some((*level, text.as_str(), b.lines.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                (1, "Title", 3..5),
                (2, "Impact", 6..7),
                (2, "Notes", 12..14)
            ]
        );
        let list = outline.blocks.iter().find_map(|b| match &b.kind {
            Kind::List { items } => Some(items.clone()),
            _ => None,
        });
        let checked: Vec<Option<bool>> =
            list.unwrap_or_default().iter().map(|i| i.checked).collect();
        assert_eq!(checked, [Some(true), Some(false)]);
    }
}
