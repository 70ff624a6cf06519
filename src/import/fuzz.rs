//! The importer as fuzzers and property tests drive it: bytes of a Markdown document in,
//! and the promises checked that `import` keeps for any input: it returns an incident
//! file, that file loads without an error, and no line's words are lost. The cargo-fuzz target `fuzz/fuzz_targets/import_markdown.rs` and the stable
//! property test `tests/fuzz_import.rs` call [`import_bytes`], so a finding of one is a
//! failing case of the other.

use std::path::Path;

use super::{Options, Synonyms, import};
use crate::diagnostic::Severity;
use crate::load::{Settings, load_source};

/// Imports `bytes` (undecodable bytes replaced, as a text editor would show them) with the
/// default settings. Returns the number of non-blank lines, or what broke a promise.
pub fn import_bytes(bytes: &[u8]) -> Result<usize, String> {
    let source = String::from_utf8_lossy(bytes);
    let options = Options {
        settings: Settings::default(),
        synonyms: Synonyms::default(),
        schema: "./.schema.json".into(),
    };
    let imported = import(&source, "fuzz.md", "fuzz", &|_| false, &options)?;
    let file = Path::new("incidents").join(&imported.file_name);
    let (_, diagnostics) = load_source(&file, &file, &imported.yaml, &options.settings);
    // The document's own links to files are checked against a folder this harness does
    // not have: `check` reports those where the files are missing, as it should.
    let error = diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error && !d.message.contains("names no file"));
    if let Some(error) = error {
        return Err(format!(
            "the imported file does not load: {}:{}:{}: {}\n{}",
            file.display(),
            error.line,
            error.column,
            error.message,
            imported.yaml
        ));
    }
    let a = &imported.accounting;
    if a.dropped > 0 {
        return Err(format!(
            "lines {:?} of {} lost words on the way:\n{source}\n---\n{}",
            a.dropped_lines, a.lines, imported.yaml
        ));
    }
    Ok(a.lines)
}
