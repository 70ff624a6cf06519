//! Tera templates: defaults embedded in the binary, overridable from the workspace.
//!
//! The default templates live in this repository's `templates/` folder and are compiled in,
//! so the binary works anywhere. A file of the same name in the workspace's `templates/`
//! replaces a default; a new name adds a template. `.html` and `.xml` templates escape
//! every value they print; prose goes through the `markdown` filter (sanitised HTML) and
//! code through `highlight`.

use std::path::Path;

use tera::{Context, Kwargs, State, Tera, Value};

use super::{escape, highlight, i18n, markdown};
use crate::model::languages;

/// The default templates, by name.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "incident.html",
        include_str!("../../templates/incident.html"),
    ),
    ("terms.html", include_str!("../../templates/terms.html")),
    ("term.html", include_str!("../../templates/term.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("atom.xml", include_str!("../../templates/atom.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    (
        "patterns.html",
        include_str!("../../templates/patterns.html"),
    ),
    ("pattern.html", include_str!("../../templates/pattern.html")),
    ("actions.html", include_str!("../../templates/actions.html")),
    ("trends.html", include_str!("../../templates/trends.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("report.md", include_str!("../../templates/report.md")),
    (
        "report-macros.md",
        include_str!("../../templates/report-macros.md"),
    ),
    (
        "reports-index.md",
        include_str!("../../templates/reports-index.md"),
    ),
];

/// A template that failed to load or render, with the template's name and line in the
/// message (tera's report).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

impl TemplateError {
    fn from_tera(error: tera::Error) -> Self {
        use std::error::Error as _;
        // tera puts the located report in the kind and the cause (a filter's message, a
        // missing variable) in the source chain: show both.
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(&format!("\ncaused by: {cause}"));
            source = cause.source();
        }
        Self(message)
    }
}

/// Where the page a template links to lives: given the `to` and `slug` of
/// `link(to="tags", slug="redis")`, its path relative to the site root (`tags/redis/`), or
/// `None` if there is no such page kind. The site owns page paths and supplies this, so
/// nothing in `render` knows the layout of the site.
pub type LinkPath = fn(to: &str, slug: Option<&str>) -> Option<String>;

/// The loaded templates.
#[derive(Clone)]
pub struct Templates {
    tera: Tera,
}

impl Templates {
    /// The embedded defaults, overridden by the templates in `overrides` if it exists.
    /// Templates link to pages with `link(to=…, slug=…)`, answered by `link_path`.
    pub fn load(overrides: Option<&Path>, link_path: LinkPath) -> Result<Self, TemplateError> {
        let mut tera = Tera::new();
        register(&mut tera, link_path);
        tera.add_raw_templates(DEFAULTS.iter().copied())
            .map_err(TemplateError::from_tera)?;
        if let Some(dir) = overrides.filter(|d| d.is_dir()) {
            let glob = format!("{}/**/*.{{html,xml,md,txt,json}}", dir.display());
            tera.load_from_glob(&glob)
                .map_err(TemplateError::from_tera)?;
        }
        Ok(Self { tera })
    }

    /// Makes `value` visible to every template as `key` (site settings, asset paths).
    pub fn set_global<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.tera.global_context().insert(key, value);
    }

    /// Renders template `name`.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera
            .render(name, context)
            .map_err(TemplateError::from_tera)
    }
}

/// The filters that turn user text into HTML or shorter text.
fn register_text_filters(tera: &mut Tera) {
    tera.register_filter("markdown", |text: &str, _: Kwargs, _: &State| {
        Value::safe_string(&markdown::to_html(text))
    });
    tera.register_filter("markdown_inline", |text: &str, _: Kwargs, _: &State| {
        Value::safe_string(&markdown::to_inline_html(text))
    });
    tera.register_filter("markdown_name", |text: &str, _: Kwargs, _: &State| {
        Value::safe_string(&markdown::to_name_html(text))
    });
    tera.register_filter("code_spans", |text: &str, _: Kwargs, _: &State| {
        Value::safe_string(&super::code_spans(text))
    });
    tera.register_filter("cut_at_word", |text: &str, kwargs: Kwargs, _: &State| {
        let length = kwargs.get::<usize>("length").ok().flatten().unwrap_or(200);
        super::glance::cut_at_word(text, length)
    });
    tera.register_filter("plain", |text: &str, _: Kwargs, _: &State| {
        crate::model::text::plain_text(text)
    });
}

/// Filters and functions the templates use. Registered before any template is added, so
/// templates that use them parse.
fn register(tera: &mut Tera, link_path: LinkPath) {
    register_text_filters(tera);
    tera.register_filter("highlight", |code: &str, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten();
        let file = kwargs.get::<&str>("file").ok().flatten();
        let syntax = languages::resolve_language(lang, file);
        Value::safe_string(&highlight::highlight_block(code, syntax))
    });
    tera.register_filter("fence", |code: &str, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("");
        fence(code, &languages::fence_language(lang))
    });
    tera.register_filter("md_cell", |text: &str, _: Kwargs, _: &State| md_cell(text));
    tera.register_filter("md_cell_markdown", |text: &str, _: Kwargs, _: &State| {
        md_cell_markdown(text)
    });
    tera.register_filter("md_strong", |text: &str, _: Kwargs, _: &State| {
        md_strong(text)
    });
    tera.register_filter("link_label", |url: &str, _: Kwargs, _: &State| {
        super::links::label(url)
    });
    tera.register_filter("md_text", |text: &str, _: Kwargs, _: &State| md_text(text));
    tera.register_filter("md_code", |text: &str, _: Kwargs, _: &State| md_code(text));
    tera.register_filter("md_indent", |text: &str, kwargs: Kwargs, _: &State| {
        let width = kwargs.get::<usize>("width").ok().flatten().unwrap_or(2);
        let first = kwargs.get::<bool>("first").ok().flatten().unwrap_or(false);
        let indented = indent_continuation(text, width);
        if first {
            format!("{}{indented}", " ".repeat(width))
        } else {
            indented
        }
    });
    tera.register_filter("safe_href", |url: &str, _: Kwargs, _: &State| {
        safe_href(url).to_owned()
    });
    tera.register_function("t", translate);
    tera.register_function(
        "url",
        |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let root: String = state.get("root")?.unwrap_or_default();
            let pretty: bool = state.get("pretty_urls")?.unwrap_or(false);
            Ok(Value::safe_string(&escape(&site_url(&root, path, pretty))))
        },
    );
    tera.register_function(
        "link",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let to: &str = kwargs.must_get("to")?;
            let slug: Option<&str> = kwargs.get("slug")?;
            let path = link_path(to, slug).ok_or_else(|| {
                tera::Error::message(format!(
                    "link: no page `{to}`{}",
                    slug.map(|s| format!(" with slug `{s}`"))
                        .unwrap_or_default()
                ))
            })?;
            let root: String = state.get("root")?.unwrap_or_default();
            let pretty: bool = state.get("pretty_urls")?.unwrap_or(false);
            Ok(Value::safe_string(&escape(&site_url(&root, &path, pretty))))
        },
    );
}

/// `t(key="section.name", ...)`: the interface string at `key` in the `strings` global (the
/// site's language), its `one` or `other` form by `count`, `{name}` placeholders filled from
/// the other arguments. Plain text: printing it escapes it.
fn translate(kwargs: Kwargs, state: &State) -> tera::TeraResult<Value> {
    let key: &str = kwargs.must_get("key")?;
    let strings: Value = state
        .get("strings")?
        .ok_or_else(|| tera::Error::message("t: no interface strings are loaded"))?;
    let entry = strings
        .get_from_path(key)
        .ok_or_else(|| tera::Error::message(format!("t: no interface string `{key}`")))?;
    let count = kwargs.get::<i64>("count")?;
    let plural_key = format!("{key}.{}", if count == Some(1) { "one" } else { "other" });
    let text = if entry.as_map().is_some() {
        strings.get_from_path(&plural_key).and_then(Value::as_str)
    } else {
        entry.as_str()
    };
    let text = text.ok_or_else(|| {
        tera::Error::message(format!("t: `{key}` is not a string or a one/other table"))
    })?;
    let args: Vec<(String, String)> = kwargs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .filter(|(name, _)| name != "key")
        .collect();
    Ok(Value::from(i18n::fill(text, &args)))
}

/// The file that stands for its folder, as web servers map `incidents/x/` to
/// `incidents/x/index.html`: links to folders end in it when the site is opened from disk.
pub const INDEX_FILE: &str = "index.html";

/// A link from the current page (whose way back to the site root is `root`, e.g. `../../`)
/// to `path` (relative to the site root). Folder links end in `index.html` unless the site
/// is served with pretty URLs, so a site opened from disk works too.
pub fn site_url(root: &str, path: &str, pretty: bool) -> String {
    let mut url = format!("{root}{}", path.trim_start_matches('/'));
    if !pretty && (url.is_empty() || url.ends_with('/')) {
        url.push_str(INDEX_FILE);
    }
    url
}

/// A link target that cannot run script: http(s), mailto and relative links pass, anything
/// else (`javascript:`, `data:`, ...) becomes `#`.
pub fn safe_href(url: &str) -> &str {
    let trimmed = url.trim();
    let scheme_end = trimmed.find(':');
    let first_slash = trimmed.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, first_slash) {
        (Some(colon), Some(slash)) => colon < slash,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if !has_scheme {
        return trimmed;
    }
    let lower = trimmed.to_ascii_lowercase();
    if ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        trimmed
    } else {
        "#"
    }
}

/// A fenced code block whose fence is longer than any backtick run inside the code, so any
/// content survives (CommonMark's rule).
pub fn fence(code: &str, lang: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    let code = code.trim_end_matches('\n');
    format!("{ticks}{lang}\n{code}\n{ticks}")
}

/// Text that fits one GFM table cell: pipes escaped, line breaks as `<br>`.
pub fn md_cell(text: &str) -> String {
    text.trim()
        .replace('|', "\\|")
        .replace("\r\n", "\n")
        .replace('\n', "<br>")
}

/// Markdown for one table cell: a single paragraph as it is (line breaks as `<br>`); blocks
/// (lists, code, several paragraphs) as sanitised HTML on one line, which GitHub and GitLab
/// render inside cells, where Markdown blocks cannot go.
pub fn md_cell_markdown(text: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut paragraphs = 0;
    let mut blocks = false;
    for event in Parser::new_ext(text, crate::model::text::markdown_options()) {
        match event {
            Event::Start(Tag::Paragraph) => paragraphs += 1,
            Event::Start(tag) if is_block(&tag) => blocks = true,
            _ => {}
        }
    }
    if paragraphs <= 1 && !blocks {
        return md_cell(text);
    }
    let html = markdown::to_html(text);
    md_cell(&html.trim().replace(">\n", ">"))
}

fn is_block(tag: &pulldown_cmark::Tag<'_>) -> bool {
    use pulldown_cmark::Tag;
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Table(_)
            | Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
    )
}

/// Inline Markdown in bold, unless the writer already emphasised it (`**5.1** – …` would
/// otherwise become `****5.1**…**`).
pub fn md_strong(text: &str) -> String {
    let text = text.trim();
    if text.contains("**") || text.contains("__") {
        text.to_owned()
    } else {
        format!("**{text}**")
    }
}

/// Plain text (a title, a name) for Markdown: a `<` that would open a tag, comment or
/// autolink is escaped, so a forge shows it instead of interpreting it. Other text stays
/// as typed (`< 30 minutes` needs no escape and stays readable in the source).
pub fn md_text(text: &str) -> String {
    let text = text.trim();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let opens_markup = c == '<'
            && chars
                .peek()
                .is_some_and(|next| next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?'));
        if opens_markup {
            out.push_str("&lt;");
        } else {
            out.push(c);
        }
    }
    out
}

/// Inline code whose delimiter is longer than any backtick run inside (CommonMark's rule).
pub fn md_code(text: &str) -> String {
    let text = text.trim().replace('\n', " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Indents every line after the first, so multi-line Markdown stays inside a list item.
pub fn indent_continuation(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut lines = text.trim_end().lines();
    let mut out = lines.next().unwrap_or_default().to_owned();
    for line in lines {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fence("a\n", "py"), "```py\na\n```");
        assert_eq!(fence("x ```` y", ""), "`````\nx ```` y\n`````");
    }

    #[test]
    fn urls_are_relative_and_work_from_disk() {
        assert_eq!(
            site_url("../../", "tags/redis/", false),
            "../../tags/redis/index.html"
        );
        assert_eq!(site_url("../../", "tags/redis/", true), "../../tags/redis/");
        assert_eq!(site_url("", "", false), "index.html");
        assert_eq!(
            site_url("../", "assets/style.css", false),
            "../assets/style.css"
        );
    }

    #[test]
    fn hrefs_cannot_run_script() {
        assert_eq!(
            safe_href("https://example.com/x?a=1"),
            "https://example.com/x?a=1"
        );
        assert_eq!(safe_href("../x#y"), "../x#y");
        assert_eq!(
            safe_href("mailto:oncall@example.com"),
            "mailto:oncall@example.com"
        );
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert_eq!(safe_href(bad), "#", "{bad}");
        }
    }

    #[test]
    fn plain_text_and_code_survive_markdown() {
        assert_eq!(md_text("a <img src=x> & b"), "a &lt;img src=x> & b");
        assert_eq!(
            md_text("< 30 minutes, </b>, <!--"),
            "< 30 minutes, &lt;/b>, &lt;!--"
        );
        assert_eq!(md_code("INC-1"), "`INC-1`");
        assert_eq!(md_code("a `b` c"), "``a `b` c``");
        assert_eq!(md_code("`x`"), "`` `x` ``");
        assert_eq!(md_cell("`a|b`"), "`a\\|b`");
    }

    #[test]
    fn cells_and_continuations() {
        assert_eq!(md_cell("a | b\nc"), "a \\| b<br>c");
        assert_eq!(
            indent_continuation("one\n\n```\ncode\n```\n", 2),
            "one\n\n  ```\n  code\n  ```"
        );
    }

    #[test]
    fn override_with_syntax_error_names_template_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "ok\n{% if %}\n").unwrap();
        let err = Templates::load(Some(dir.path()), |_, _| None)
            .err()
            .expect("must fail");
        assert!(err.0.contains("index.html"), "{err}");
        assert!(err.0.contains(":2:"), "{err}");
    }

    #[test]
    fn override_replaces_a_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("404.html"), "custom {{ 1 + 1 }}").unwrap();
        let templates = Templates::load(Some(dir.path()), |_, _| None).unwrap();
        assert_eq!(
            templates.render("404.html", &Context::new()).unwrap(),
            "custom 2"
        );
    }
}
