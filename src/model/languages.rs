//! Code languages: the names writers give them (`py`, `sh`, `Dockerfile`) and the
//! syntaxes we know.
//!
//! One table serves validation (a warning for a language we cannot highlight), the site's
//! highlighting and the reports' fence info, so the three always agree on what a name means.

use std::cell::RefCell;
use std::sync::LazyLock;

use syntect::parsing::{SyntaxReference, SyntaxSet};

use super::kept::{Kept, remembered};

/// syntect's syntaxes plus the ones it lacks (TOML, Dockerfile, TypeScript, ...), loaded
/// once, on first use.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// Every syntax we know.
pub fn syntaxes() -> &'static SyntaxSet {
    &SYNTAXES
}

/// How many names a thread keeps the syntax of ([`super::kept`]); far more than a history
/// names. syntect finds a syntax by comparing the name with every syntax's names and
/// extensions, for every code block of every incident.
const MAX_KEPT: usize = 1_000;

/// The syntax for a language name or alias (`python`, `py`, `sh`, `yml`, `Dockerfile`).
/// `None` means plain text.
pub fn find_language(name: &str) -> Option<&'static SyntaxReference> {
    thread_local!(static KEPT: Kept<Option<&'static SyntaxReference>> = RefCell::default());
    remembered(&KEPT, name, MAX_KEPT, look_up_language)
}

fn look_up_language(name: &str) -> Option<&'static SyntaxReference> {
    let name = name.trim();
    let lower = name.to_ascii_lowercase();
    let token = match lower.as_str() {
        "" | "text" | "plain" | "plaintext" | "txt" | "log" | "output" | "none" => return None,
        "shell" | "sh" | "zsh" | "console" | "shell-session" | "terminal" => "bash",
        "yml" => "yaml",
        "dotenv" | "env" => "bash",
        "golang" => "go",
        "jsonc" | "json5" => "json",
        "py3" | "python3" | "pycon" => "python",
        "ts" => "typescript",
        "rs" => "rust",
        "dockerfile" => "Dockerfile",
        "nginx" => "nginx",
        "apache" | "apacheconf" | "httpd" | "htaccess" => "Apache Conf",
        other => other,
    };
    let syntaxes = syntaxes();
    syntaxes
        .find_syntax_by_token(token)
        .or_else(|| syntaxes.find_syntax_by_name(name))
        .filter(|syntax| syntax.name != "Plain Text")
}

/// The language of a file, from its name or extension (`settings.py`, `Dockerfile`,
/// `.env.local`). `None` means plain text.
pub fn language_for_file(path: &str) -> Option<&'static SyntaxReference> {
    thread_local!(static KEPT: Kept<Option<&'static SyntaxReference>> = RefCell::default());
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    remembered(&KEPT, name, MAX_KEPT, look_up_file)
}

fn look_up_file(name: &str) -> Option<&'static SyntaxReference> {
    if name.starts_with(".env") {
        return find_language("bash");
    }
    let syntaxes = syntaxes();
    if let Some(syntax) = syntaxes.find_syntax_by_extension(name) {
        return Some(syntax);
    }
    let extension = name.rsplit_once('.').map(|(_, ext)| ext)?;
    syntaxes
        .find_syntax_by_extension(extension)
        .or_else(|| find_language(extension))
}

/// The syntax for a code block: the explicit language if it names one, else the file's.
pub fn resolve_language(
    explicit: Option<&str>,
    file: Option<&str>,
) -> Option<&'static SyntaxReference> {
    match explicit {
        Some(name) => find_language(name),
        None => file.and_then(language_for_file),
    }
}

/// A short, stable name for a syntax, used in `data-lang` and as Markdown fence info, in
/// the spelling forges recognise (`python`, `bash`, `typescript`).
pub fn language_name(syntax: Option<&SyntaxReference>) -> String {
    let Some(syntax) = syntax else {
        return "text".into();
    };
    let name = syntax.name.to_ascii_lowercase();
    match name.as_str() {
        "bourne again shell (bash)" => "bash".into(),
        "javascript (babel)" => "javascript".into(),
        "c++" => "cpp".into(),
        "c#" => "csharp".into(),
        simple
            if simple
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            simple.into()
        }
        // "Apache Conf" is `apacheconf` to forges.
        words if words.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') => {
            words.replace(' ', "")
        }
        _ => syntax.file_extensions.first().cloned().unwrap_or(name),
    }
}

/// The fence info for a language as written (`py3`, `sh`): the name forges recognise for
/// a language we know, so reports agree with the site; anything else as written.
pub fn fence_language(name: &str) -> String {
    match find_language(name) {
        Some(syntax) if !is_plain_text(name) => language_name(Some(syntax)),
        _ => name.to_owned(),
    }
}

/// Whether a language name written in a file is one we know, as a syntax or as plain text.
pub fn is_known_language(name: &str) -> bool {
    find_language(name).is_some() || is_plain_text(name)
}

/// Names writers use for text that has no syntax.
fn is_plain_text(name: &str) -> bool {
    matches!(
        name.trim().to_ascii_lowercase().as_str(),
        "" | "text" | "plain" | "plaintext" | "txt" | "log" | "output" | "none"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_fences_use_the_names_forges_know() {
        assert_eq!(fence_language("py"), "python");
        assert_eq!(fence_language("sh"), "bash");
        assert_eq!(fence_language("text"), "text");
        assert_eq!(fence_language("mermaid"), "mermaid");
    }

    #[test]
    fn languages_resolve_from_names_and_files() {
        assert_eq!(find_language("py").unwrap().name, "Python");
        assert_eq!(
            find_language("shell").unwrap().name,
            "Bourne Again Shell (bash)"
        );
        assert!(find_language("text").is_none());
        assert_eq!(
            language_for_file("backend/app/settings.py").unwrap().name,
            "Python"
        );
        assert_eq!(language_for_file("Cargo.toml").unwrap().name, "TOML");
        assert_eq!(language_for_file("Dockerfile").unwrap().name, "Dockerfile");
        assert_eq!(
            language_for_file("deploy/app.ts").unwrap().name,
            "TypeScript"
        );
        assert!(language_for_file(".env.local").is_some());
        assert!(language_for_file("notes.unknownext").is_none());
        assert_eq!(
            resolve_language(Some("yaml"), Some("x.py")).unwrap().name,
            "YAML"
        );
        assert!(is_known_language("text") && is_known_language("Python"));
        assert!(!is_known_language("apache2"));
    }

    #[test]
    fn fence_names_are_what_forges_recognise() {
        let name = |lang: &str| language_name(find_language(lang));
        assert_eq!(name("py"), "python");
        assert_eq!(name("sh"), "bash");
        assert_eq!(name("ts"), "typescript");
        assert_eq!(name("yml"), "yaml");
        assert_eq!(language_name(None), "text");
        assert_eq!(language_name(language_for_file("nginx.conf")), "nginx");
        assert_eq!(name("apache"), "apacheconf");
    }
}
