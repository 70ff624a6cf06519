//! Syntax highlighting into short CSS classes.
//!
//! syntect parses the code; instead of its full scope names as classes (which make the HTML
//! some 30 times the size of the code), each token gets one short class from a fixed table
//! (`k` keyword, `s` string, `c` comment, ... as Pygments and Chroma do). Colours live in
//! two stylesheets generated from syntect themes, one light and one dark, so a page follows
//! the reader's `prefers-color-scheme`.
//!
//! Output is per line, with every `<span>` closed on its line, so a diff view can reuse the
//! lines of the before and after code without highlighting anything twice.

use std::sync::LazyLock;

use syntect::highlighting::{FontStyle, Theme};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference};
use syntect::util::LinesWithEndings;

use super::{escape, escape_into};
use crate::model::languages::{language_name, syntaxes};

/// Short class for each scope, most specific first. The first entry whose scope is a prefix
/// of a token's innermost matching scope wins; an empty class means "plain text".
const CLASSES: &[(&str, &str)] = &[
    ("comment", "c"),
    ("punctuation.definition.comment", "c"),
    ("string.regexp", "sr"),
    ("constant.character.escape", "se"),
    ("punctuation.definition.string", "s"),
    ("string", "s"),
    ("markup.raw", "s"),
    ("constant.numeric", "m"),
    ("constant.language", "kc"),
    ("support.constant", "kc"),
    ("constant.other", "no"),
    ("variable.other.constant", "no"),
    ("keyword.operator", "o"),
    ("keyword", "k"),
    ("storage.type", "kt"),
    ("support.type", "kt"),
    ("storage", "kd"),
    ("entity.name.function", "nf"),
    ("variable.function", "nf"),
    ("support.function", "nb"),
    ("entity.name.class", "nc"),
    ("entity.name.type", "nc"),
    ("entity.name.struct", "nc"),
    ("entity.name.enum", "nc"),
    ("entity.other.inherited-class", "nc"),
    ("support.class", "nc"),
    ("entity.name.tag", "nt"),
    ("entity.other.attribute-name", "na"),
    ("entity.name", "nn"),
    ("variable.parameter", "nv"),
    ("variable.language", "bp"),
    ("variable", ""),
    ("markup.heading", "gh"),
    ("markup.inserted", "gi"),
    ("markup.deleted", "gd"),
    ("markup.changed", "gc"),
    ("markup.bold", "gs"),
    ("markup.italic", "ge"),
    ("markup.underline.link", "nl"),
    ("invalid", "err"),
    ("punctuation", "p"),
];

/// Every class the highlighter can emit, for the HTML sanitiser's allow-list.
pub fn class_names() -> impl Iterator<Item = &'static str> {
    CLASSES
        .iter()
        .map(|(_, class)| *class)
        .filter(|c| !c.is_empty())
}

static CLASS_SCOPES: LazyLock<Vec<(Scope, &'static str)>> = LazyLock::new(|| {
    CLASSES
        .iter()
        .filter_map(|(scope, class)| Scope::new(scope).ok().map(|s| (s, *class)))
        .collect()
});

/// The short class for a token with this scope stack, if it has one: that of the innermost
/// scope the table knows.
fn class_for(stack: &[Scope]) -> &'static str {
    thread_local! {
        // A token's class is looked up for every token of every line; grammars use a few
        // hundred distinct scopes, so each is matched against the table once per thread.
        static KNOWN: std::cell::RefCell<std::collections::HashMap<Scope, Option<&'static str>>> =
            Default::default();
    }
    KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        for scope in stack.iter().rev() {
            let class = *known.entry(*scope).or_insert_with(|| {
                CLASS_SCOPES
                    .iter()
                    .find(|(prefix, _)| prefix.is_prefix_of(*scope))
                    .map(|(_, class)| *class)
            });
            if let Some(class) = class {
                return class;
            }
        }
        ""
    })
}

/// Highlights `code`, returning one HTML fragment per line (without the newline), every
/// span closed on its line. Plain text (or a parse failure) is escaped only.
pub fn highlight_lines(code: &str, syntax: Option<&SyntaxReference>) -> Vec<String> {
    highlight_tracked(code, syntax).lines
}

/// Highlighted lines together with the parser state before each of them, so that another
/// version of the same code can reuse every line it shares (see [`highlight_reusing`]).
pub struct Highlighted {
    /// One HTML fragment per line.
    pub lines: Vec<String>,
    /// `states[i]` is the state before line `i`; the last entry is the state after the
    /// last line. Empty for plain text.
    states: Vec<LineState>,
}

/// Where the parser stands between two lines.
#[derive(Clone, PartialEq, Eq)]
struct LineState {
    parse: ParseState,
    scopes: ScopeStack,
}

impl LineState {
    fn new(syntax: &SyntaxReference) -> Self {
        Self {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        }
    }

    /// Highlights one line (with its newline) and advances the state; `None` if the
    /// grammar fails.
    fn highlight(&mut self, line: &str) -> Option<String> {
        let ops = self.parse.parse_line(line, syntaxes()).ok()?;
        let text = line.trim_end_matches(['\n', '\r']);
        let mut html = LineWriter::default();
        let mut position = 0;
        for (index, op) in ops {
            let index = index.min(text.len());
            if index > position {
                html.push(&text[position..index], class_for(self.scopes.as_slice()));
                position = index;
            }
            self.scopes.apply(&op).ok()?;
        }
        if position < text.len() {
            html.push(&text[position..], class_for(self.scopes.as_slice()));
        }
        Some(html.finish())
    }
}

/// Highlights `code` and remembers the parser state before each line.
pub fn highlight_tracked(code: &str, syntax: Option<&SyntaxReference>) -> Highlighted {
    highlight_reusing(code, syntax, None, |_| None)
}

/// Highlights `code`, reusing lines of `previous` (another version of the same code, in the
/// same language). `same_as(i)` names the line of `previous` that line `i` is identical
/// to, if any; it is reused when the parser arrives at it in the same state, which gives
/// exactly the output highlighting it again would. For the after-code of a change this
/// skips nearly every unchanged line.
pub fn highlight_reusing(
    code: &str,
    syntax: Option<&SyntaxReference>,
    previous: Option<&Highlighted>,
    same_as: impl Fn(usize) -> Option<usize>,
) -> Highlighted {
    let Some(syntax) = syntax else {
        return Highlighted {
            lines: code.lines().map(escape).collect(),
            states: Vec::new(),
        };
    };
    let mut state = LineState::new(syntax);
    let mut lines = Vec::new();
    let mut states = Vec::new();
    for (index, line) in LinesWithEndings::from(code).enumerate() {
        states.push(state.clone());
        let reusable = same_as(index).and_then(|j| {
            let previous = previous?;
            let (html, before, after) = (
                previous.lines.get(j)?,
                previous.states.get(j)?,
                previous.states.get(j + 1)?,
            );
            (*before == state).then_some((html, after))
        });
        if let Some((html, after)) = reusable {
            lines.push(html.clone());
            state = after.clone();
            continue;
        }
        match state.highlight(line) {
            Some(html) => lines.push(html),
            None => {
                // A grammar that fails mid-way leaves the rest of the block plain, not lost.
                let done = lines.len();
                lines.extend(code.lines().skip(done).map(escape));
                return Highlighted {
                    lines,
                    states: Vec::new(),
                };
            }
        }
    }
    states.push(state);
    Highlighted { lines, states }
}

/// Highlights a whole block into `<pre class="hl" data-lang="…"><code>…</code></pre>`.
pub fn highlight_block(code: &str, syntax: Option<&SyntaxReference>) -> String {
    let lines = highlight_lines(code, syntax);
    format!(
        "<pre class=\"hl\" data-lang=\"{}\"><code>{}</code></pre>",
        escape(&language_name(syntax)),
        lines.join("\n")
    )
}

/// Builds one line of HTML, merging neighbouring tokens of the same class into one span.
#[derive(Default)]
struct LineWriter {
    html: String,
    open: &'static str,
}

impl LineWriter {
    fn push(&mut self, text: &str, class: &'static str) {
        if class != self.open && !text.trim().is_empty() {
            if !self.open.is_empty() {
                self.html.push_str("</span>");
            }
            if !class.is_empty() {
                self.html.push_str("<span class=\"");
                self.html.push_str(class);
                self.html.push_str("\">");
            }
            self.open = class;
        }
        escape_into(text, &mut self.html);
    }

    fn finish(mut self) -> String {
        if !self.open.is_empty() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

/// Which of the two generated stylesheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeKind {
    /// For light backgrounds and print.
    Light,
    /// For `prefers-color-scheme: dark`.
    Dark,
}

/// The stylesheet for one theme: a colour per short class, taken from a syntect theme.
pub fn stylesheet(kind: ThemeKind) -> String {
    let themes = two_face::theme::extra();
    let theme = match kind {
        ThemeKind::Light => themes.get(two_face::theme::EmbeddedThemeName::Github),
        ThemeKind::Dark => themes.get(two_face::theme::EmbeddedThemeName::OneHalfDark),
    };
    theme_css(theme, kind)
}

/// The backgrounds code is shown on (`--bg-code`, the diff's added and removed lines and
/// their changed words in `style.css`), per theme: every colour of a theme is made to reach
/// [`MIN_CONTRAST`] on each of them.
fn backgrounds(kind: ThemeKind) -> &'static [[u8; 3]] {
    match kind {
        ThemeKind::Light => &[
            [0xf6, 0xf8, 0xfa],
            [0xe6, 0xff, 0xec],
            [0xff, 0xeb, 0xe9],
            [0xc2, 0xf0, 0xcd],
            [0xff, 0xd3, 0xcf],
        ],
        ThemeKind::Dark => &[
            [0x1b, 0x1f, 0x27],
            [0x12, 0x30, 0x1c],
            [0x3b, 0x1a, 0x1c],
            [0x1c, 0x4a, 0x2b],
            [0x5c, 0x25, 0x29],
        ],
    }
}

/// WCAG AA for body text, with a little room for rounding.
const MIN_CONTRAST: f64 = 4.6;

/// `color`, darkened (light theme) or lightened (dark theme) just enough to reach
/// [`MIN_CONTRAST`] on every background of the theme: the themes' comments and constants are
/// too faint to read (GitHub's comments are 2.7:1 on its own code background).
fn readable(color: syntect::highlighting::Color, kind: ThemeKind) -> [u8; 3] {
    let target = match kind {
        ThemeKind::Light => 0.0,
        ThemeKind::Dark => 255.0,
    };
    let start = [color.r, color.g, color.b].map(f64::from);
    let mut rgb = [color.r, color.g, color.b];
    for step in 0..=20 {
        let t = f64::from(step) / 20.0;
        rgb = start.map(|c| (c + (target - c) * t).round().clamp(0.0, 255.0) as u8);
        let worst = backgrounds(kind)
            .iter()
            .map(|bg| contrast(rgb, *bg))
            .fold(f64::INFINITY, f64::min);
        if worst >= MIN_CONTRAST {
            break;
        }
    }
    rgb
}

/// WCAG contrast ratio of two sRGB colours.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let luminance = |c: [u8; 3]| {
        let [r, g, b] = c.map(|v| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        });
        0.2126 * r + 0.7152 * g + 0.0722 * b
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn theme_css(theme: &Theme, kind: ThemeKind) -> String {
    use std::fmt::Write as _;
    let highlighter = syntect::highlighting::Highlighter::new(theme);
    let mut css = String::new();
    let base = highlighter.get_default();
    let _ = writeln!(
        css,
        ".hl{{color:{};background:{}}}",
        hex(readable(base.foreground, kind)),
        hex([base.background.r, base.background.g, base.background.b])
    );
    let mut seen = Vec::new();
    for (scope, class) in CLASSES {
        if class.is_empty() || seen.contains(class) {
            continue;
        }
        seen.push(*class);
        let Ok(scope) = Scope::new(scope) else {
            continue;
        };
        let style = highlighter.style_for_stack(&[scope]);
        let mut rule = format!("color:{}", hex(readable(style.foreground, kind)));
        if style.font_style.contains(FontStyle::BOLD) {
            rule.push_str(";font-weight:bold");
        }
        if style.font_style.contains(FontStyle::ITALIC) {
            rule.push_str(";font-style:italic");
        }
        let _ = writeln!(css, ".hl .{class}{{{rule}}}");
    }
    css
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::languages::find_language;

    #[test]
    fn python_gets_short_classes_and_balanced_lines() {
        let code = "# comment\nCACHES = {'default': 300}  # x\ndef f(a):\n    return \"\"\"multi\nline\"\"\"\n";
        let lines = highlight_lines(code, find_language("python"));
        assert_eq!(lines.len(), 5);
        assert!(
            lines[0].contains("<span class=\"c\"># comment</span>"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].contains("<span class=\"s\">&#39;default&#39;</span>"),
            "{}",
            lines[1]
        );
        assert!(
            lines[1].contains("<span class=\"m\">300</span>"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("<span class=\"k\">def"),
            "{}",
            lines[2]
        );
        assert!(
            lines[2].contains("<span class=\"nf\">f</span>"),
            "{}",
            lines[2]
        );
        // The string spans two lines; each line closes and reopens its span.
        for line in &lines {
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
        assert!(
            lines[4].starts_with("<span class=\"s\">line"),
            "{}",
            lines[4]
        );
    }

    #[test]
    fn reusing_lines_gives_the_same_output_as_highlighting_again() {
        let python = find_language("python");
        let before = "x = 1\ns = \"\"\"start\nmiddle\"\"\"\ny = 2\n";
        // Line 1 of `after` is identical text but starts inside no string, so it must not
        // be reused; the other shared lines are.
        let after = "x = 1\nmiddle\"\"\"\ny = 2\nz = 3\n";
        let first = highlight_tracked(before, python);
        let same = |i: usize| [Some(0), Some(2), Some(3), None][i];
        let reused = highlight_reusing(after, python, Some(&first), same);
        assert_eq!(reused.lines, highlight_lines(after, python));
    }

    #[test]
    fn plain_text_is_escaped_only() {
        let lines = highlight_lines("<script>alert(1)</script>\nb", None);
        assert_eq!(lines, ["&lt;script&gt;alert(1)&lt;/script&gt;", "b"]);
    }

    #[test]
    fn stylesheets_differ_by_theme_and_cover_classes() {
        let light = stylesheet(ThemeKind::Light);
        let dark = stylesheet(ThemeKind::Dark);
        assert_ne!(light, dark);
        for class in ["k", "s", "c", "m", "nf"] {
            assert!(
                light.contains(&format!(".hl .{class}{{")),
                "{class} in {light}"
            );
        }
    }

    #[test]
    fn every_colour_of_both_themes_reads_on_every_code_background() {
        for kind in [ThemeKind::Light, ThemeKind::Dark] {
            let css = stylesheet(kind);
            let colours: Vec<[u8; 3]> = css
                .split("color:#")
                .skip(1)
                .filter_map(|rest| {
                    let hex = rest.get(..6)?;
                    let n = u32::from_str_radix(hex, 16).ok()?;
                    Some([(n >> 16) as u8, (n >> 8) as u8, n as u8])
                })
                .collect();
            assert!(colours.len() > 10, "{css}");
            for colour in colours {
                for bg in backgrounds(kind) {
                    let ratio = contrast(colour, *bg);
                    assert!(ratio >= 4.5, "{kind:?} {colour:?} on {bg:?}: {ratio:.2}");
                }
            }
        }
    }
}
