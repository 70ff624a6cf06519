//! `postmortem import`: a team's Markdown postmortems to incident files, losing nothing.
//!
//! This layer owns reading a Markdown write-up (`outline`: front matter, headings, blocks
//! by source line), mapping headings to fields by one table of synonyms (`synonyms`),
//! metadata and dates (`meta`), what each field makes of a section (`fields`, `timeline`),
//! writing the YAML (`emit`), and the accounting of where every source line went
//! (`account`), checked against the file as the real loader reads it back.
//!
//! What the document does not state is never guessed: a required value it lacks gets the
//! workspace's default, a `review` entry, and a comment on its line.

mod account;
mod changes;
mod dates;
mod draft;
mod emit;
mod error;
mod fields;
mod footnotes;
pub mod fuzz;
mod links;
mod meta;
mod outline;
mod sections;
pub mod synonyms;
mod timeline;

use std::ops::Range;
use std::path::Path;

pub use account::Accounting;
use draft::{Draft, Section};
pub use emit::{is_plain_safe, scalar};
pub use links::Attachment;
use outline::{Kind, Outline};
pub use synonyms::Synonyms;

use crate::load::Settings;

/// What importing needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    /// The workspace's vocabularies and time zone.
    pub settings: Settings,
    /// Heading wordings → fields.
    pub synonyms: Synonyms,
    /// The `$schema` reference written on the first line.
    pub schema: String,
}

/// One imported document.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The incident file's name: `<date>-<slug of the title>.yaml`.
    pub file_name: String,
    /// Its text.
    pub yaml: String,
    /// Where every source line went.
    pub accounting: Accounting,
    /// Fields listed for review.
    pub review: Vec<String>,
    /// Images next to the source that the incident shows: copy each into the folder named
    /// after the incident (`incidents/<slug>/`).
    pub attachments: Vec<Attachment>,
}

/// Where one source line went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dest {
    /// Into a field (metadata lines, whose value was read, included).
    Field(&'static str),
    /// A metadata value read into a field: its wording may be normalised (a date).
    Meta(&'static str),
    /// Into a free section.
    Section,
    /// A heading that names a field, or markup without words (`---`, a table rule).
    Heading,
}

/// A heading of the body.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub level: u8,
    pub text: String,
    pub lines: Range<usize>,
}

/// The state of one import.
pub(crate) struct Builder<'a> {
    pub outline: Outline<'a>,
    pub draft: Draft,
    pub dest: Vec<Option<Dest>>,
    pub options: &'a Options,
}

/// Imports the Markdown `source`; `origin` is where it came from (a path or URL, kept in
/// the links), `stem` its file name without extension (a date in it is used when the text
/// states none); `exists` says whether a relative link names a file next to the source.
pub fn import(
    source: &str,
    origin: &str,
    stem: &str,
    exists: &dyn Fn(&str) -> bool,
    options: &Options,
) -> Result<Imported, String> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let (source, attachments) = links::rewrite(source, exists);
    let outline = Outline::of(&source);
    let lines = outline.lines.len();
    let mut b = Builder {
        outline,
        draft: Draft::default(),
        dest: vec![None; lines],
        options,
    };
    b.front_matter();
    let heads = b.heads();
    let (title, heads) = b.title(heads);
    let intro_end = heads.first().map_or(lines, |h| h.lines.start);
    // Text before the title (a note above it) belongs to the introduction as well.
    let (before, after) = title
        .as_ref()
        .map_or((0..0, 0), |t| (0..t.lines.start, t.lines.end));
    let mut intro = b.metadata(before, true);
    intro.extend(b.metadata(after..intro_end, true));
    b.sections(&heads);
    b.intro(intro);
    b.footnotes();
    b.defaults(stem, title.as_ref().map(|t| t.text.as_str()));
    b.draft.links.push(draft::Link {
        title: "Imported from".into(),
        url: None,
        reference: Some(origin.to_owned()),
    });
    let yaml = emit::emit(&b.draft, &options.schema, origin);
    let parsed = crate::load::parse_incident(Path::new(origin), &yaml);
    let Some(incident) = parsed.incident.filter(|_| parsed.diagnostics.is_empty()) else {
        let problems: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        return Err(format!(
            "the incident written for {origin} does not read back ({}); this is a bug in \
             `postmortem import`, please report it with the file",
            problems.join("; ")
        ));
    };
    let accounting = account::account(&b.outline, &b.dest, &incident);
    let day = b.draft.date.get(..10).unwrap_or("1970-01-01");
    let slug = crate::workspace::slugify(&b.draft.title);
    // A title that starts with its date ("2025-04-22: CI stuck") names the day once.
    let slug = match slug.strip_prefix(day).map(|s| s.trim_start_matches('-')) {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => slug,
    };
    Ok(Imported {
        file_name: format!("{day}-{slug}.yaml"),
        yaml,
        accounting,
        review: b.draft.review.iter().map(|r| r.field.clone()).collect(),
        attachments,
    })
}

impl Builder<'_> {
    /// Marks `lines` (the non-blank ones) as gone to `dest`, unless already placed.
    pub fn mark(&mut self, lines: Range<usize>, dest: Dest) {
        for i in lines {
            if let Some(slot) = self.dest.get_mut(i)
                && slot.is_none()
                && !self.outline.lines[i].trim().is_empty()
            {
                *slot = Some(dest);
            }
        }
    }

    /// The text of `lines`, trimmed of blank lines around it.
    pub fn text(&self, lines: Range<usize>) -> String {
        self.outline
            .text(lines)
            .trim_matches('\n')
            .trim_end()
            .to_owned()
    }

    /// The text of `lines` less the lines in `taken` (moved to another field).
    pub fn text_without(&self, lines: Range<usize>, taken: &[usize]) -> String {
        if taken.is_empty() {
            return self.text(lines);
        }
        let kept: Vec<&str> = lines
            .filter(|i| !taken.contains(i))
            .map(|i| self.outline.lines[i])
            .collect();
        let text = kept.join("\n");
        let trimmed: Vec<&str> = text.split("\n\n\n").collect();
        trimmed
            .join("\n\n")
            .trim_matches('\n')
            .trim_end()
            .to_owned()
    }

    /// Whether `lines` hold nothing but blanks and rules.
    pub fn is_blank(&self, lines: Range<usize>) -> bool {
        self.outline.lines[lines]
            .iter()
            .all(|l| !l.chars().any(char::is_alphanumeric))
    }

    fn front_matter(&mut self) {
        let Some((matter, lines)) = self.outline.front.clone() else {
            return;
        };
        let unknown = error::front_matter(
            &mut self.draft,
            &matter,
            &self.options.settings.vocabularies,
        );
        if unknown {
            let (lang, body) = match &matter {
                outline::FrontMatter::Yaml(t) => ("yaml", t),
                outline::FrontMatter::Toml(t) => ("toml", t),
            };
            self.draft.sections.push(Section {
                title: "Front matter".into(),
                body: format!("```{lang}\n{body}\n```"),
            });
            self.mark(lines, Dest::Section);
        } else {
            self.mark(lines, Dest::Meta("front matter"));
        }
    }

    fn heads(&self) -> Vec<Head> {
        self.outline
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                Kind::Heading { level, text } => Some(Head {
                    level: *level,
                    text: text.clone(),
                    lines: b.lines.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// The document's title: a level-1 heading before any other heading, when it is the
    /// only level-1 heading or the body's sections are below it.
    fn title(&mut self, mut heads: Vec<Head>) -> (Option<Head>, Vec<Head>) {
        let first_is_title = heads.first().is_some_and(|h| {
            h.level == 1 && (heads.iter().skip(1).all(|o| o.level > 1) || heads.len() == 1)
        });
        if !first_is_title {
            return (None, heads);
        }
        let title = heads.remove(0);
        self.mark(title.lines.clone(), Dest::Meta("title"));
        let text = meta::clean(&title.text);
        if self.draft.title.is_empty() {
            self.draft.title = text;
        } else if self.draft.title != text {
            self.draft.document_title = Some(text);
        }
        (Some(title), heads)
    }
}

#[cfg(test)]
mod tests;
