//! The site's interface strings, one table per language, so the site speaks the team's
//! language (`language` in postmortem.toml) without a template override per string.
//!
//! Tables live in `templates/i18n/<language>.toml` and are compiled in, like the default
//! templates. English is complete and every other language falls back to it key by key; a
//! workspace's `templates/i18n/<language>.toml` adds a language or replaces strings of a
//! built-in one. Templates print a string with `t(key="section.name", ...)`, which fills
//! `{name}` placeholders from its arguments and picks `one` or `other` by `count`.

use std::path::Path;

use serde::Serialize;

use super::TemplateError;

/// The language whose strings every other language falls back to.
pub const FALLBACK: &str = "en";

/// The built-in tables, by language.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../templates/i18n/en.toml")),
    ("de", include_str!("../../templates/i18n/de.toml")),
];

/// The interface strings of one language, with English for whatever it does not say.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Strings(toml::Table);

impl Strings {
    /// The strings of `language`: English, overlaid by the built-in table of `language`,
    /// overlaid by `<overrides>/i18n/<language>.toml` when that file exists.
    pub fn load(language: &str, overrides: Option<&Path>) -> Result<Self, TemplateError> {
        let built_in = |lang: &str| BUILT_IN.iter().find(|(l, _)| *l == lang).map(|(_, t)| *t);
        let mut table = parse(built_in(FALLBACK).unwrap_or_default(), "i18n/en.toml")?;
        if language != FALLBACK
            && let Some(text) = built_in(language)
        {
            merge(&mut table, parse(text, &format!("i18n/{language}.toml"))?);
        }
        let file = overrides.map(|dir| dir.join("i18n").join(format!("{language}.toml")));
        match file.filter(|f| f.is_file()) {
            Some(file) => {
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| TemplateError(format!("cannot read {}: {e}", file.display())))?;
                merge(&mut table, parse(&text, &file.display().to_string())?);
            }
            None if built_in(language).is_none() => {
                let known: Vec<&str> = BUILT_IN.iter().map(|(l, _)| *l).collect();
                return Err(TemplateError(format!(
                    "no interface strings for language `{language}`: built in are {}; \
                     add templates/i18n/{language}.toml (a copy of en.toml, translated)",
                    known.join(", ")
                )));
            }
            None => {}
        }
        Ok(Self(table))
    }

    /// The table `section` (`script`) as JSON, for the site script.
    pub fn section_json(&self, section: &str) -> String {
        self.0
            .get(section)
            .and_then(|value| serde_json::to_string(value).ok())
            .unwrap_or_else(|| "{}".into())
    }

    /// The text at a dotted key (`page.search`), if it is a plain string.
    pub fn text(&self, key: &str) -> Option<&str> {
        let (path, last) = key.rsplit_once('.').unwrap_or(("", key));
        let mut table = &self.0;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            table = table.get(part)?.as_table()?;
        }
        table.get(last)?.as_str()
    }
}

fn parse(text: &str, name: &str) -> Result<toml::Table, TemplateError> {
    toml::from_str(text).map_err(|e| TemplateError(format!("{name}: {e}")))
}

/// Puts `over` onto `base`, table by table, so a translation may leave keys out.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(over_inner)) => {
                merge(inner, over_inner)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Fills `{name}` placeholders of `text` from `args`.
pub fn fill(text: &str, args: &[(String, String)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_language_has_every_english_key() {
        fn keys(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
            for (key, value) in table {
                let path = format!("{prefix}{key}");
                match value {
                    toml::Value::Table(inner) if !inner.contains_key("other") => {
                        keys(inner, &format!("{path}."), out)
                    }
                    _ => out.push(path),
                }
            }
        }
        let english = parse(BUILT_IN[0].1, "en").expect("English parses");
        let mut expected = Vec::new();
        keys(&english, "", &mut expected);
        for (language, text) in BUILT_IN {
            let table = parse(text, language).expect("parses");
            let mut found = Vec::new();
            keys(&table, "", &mut found);
            let missing: Vec<&String> = expected.iter().filter(|k| !found.contains(k)).collect();
            assert!(missing.is_empty(), "{language} lacks {missing:?}");
            let extra: Vec<&String> = found.iter().filter(|k| !expected.contains(k)).collect();
            assert!(
                extra.is_empty(),
                "{language} has keys English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn a_language_falls_back_to_english_and_an_override_wins() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("i18n")).expect("i18n");
        std::fs::write(
            dir.path().join("i18n/de.toml"),
            "[nav]\ntags = \"Etiketten\"\n",
        )
        .expect("write");
        let german = Strings::load("de", Some(dir.path())).expect("loads");
        assert_eq!(german.text("nav.tags"), Some("Etiketten"));
        assert_eq!(german.text("nav.services"), Some("Dienste"));
        std::fs::write(dir.path().join("i18n/xx.toml"), "[nav]\ntags = \"T\"\n").expect("write");
        let new = Strings::load("xx", Some(dir.path())).expect("a language of one's own");
        assert_eq!(new.text("nav.tags"), Some("T"));
        assert_eq!(
            new.text("nav.services"),
            Some("Services"),
            "English fills the gaps"
        );
        let error = Strings::load("fr", Some(dir.path())).expect_err("no French");
        assert!(error.0.contains("built in are en, de"), "{}", error.0);
    }

    #[test]
    fn placeholders_are_filled() {
        let args = [("count".to_owned(), "3".to_owned())];
        assert_eq!(fill("{count} more, {other}", &args), "3 more, {other}");
    }
}
