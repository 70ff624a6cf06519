//! The loader as fuzzers and property tests drive it: bytes in, every diagnostic out, and
//! the promise checked that each one points into its file. The cargo-fuzz targets in
//! `fuzz/` and the stable property test `tests/fuzz_loader.rs` call [`check_files`], so
//! a finding of one is a failing case of the other.

use std::path::{Path, PathBuf};

use super::{Settings, load_source, parse, validate_set};
use crate::diagnostic::Diagnostic;

/// Loads `files` (name, bytes) as one workspace's incidents, as `check` does, without
/// touching the disk: the files lie in a folder that does not exist, so a linked file is
/// missing. Returns every diagnostic, or what broke the promise that each diagnostic names
/// one of the files and, unless it is about the whole file (line 0), a line and column
/// inside it.
pub fn check_files(files: &[(&str, &[u8])]) -> Result<Vec<Diagnostic>, String> {
    let settings = Settings::default();
    let folder = Path::new("/nonexistent-postmortem-fuzz/incidents");
    let mut sources: Vec<(PathBuf, String)> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut incidents = Vec::new();
    for (name, bytes) in files {
        let file = PathBuf::from("incidents").join(name);
        match parse::decode(&file, bytes.to_vec()) {
            Err(diagnostic) => {
                // It points into the text as it shows it, undecodable bytes replaced.
                diagnostics.push(diagnostic);
                sources.push((file, String::from_utf8_lossy(bytes).into_owned()));
            }
            Ok(source) => {
                let (incident, found) = load_source(&folder.join(name), &file, &source, &settings);
                diagnostics.extend(found);
                incidents.extend(incident);
                sources.push((file, source));
            }
        }
    }
    diagnostics.extend(validate_set(&incidents));
    for d in &diagnostics {
        inside(d, files, &sources)?;
    }
    Ok(diagnostics)
}

/// Whether `d` names one of `files` and a place inside its text.
fn inside(
    d: &Diagnostic,
    files: &[(&str, &[u8])],
    sources: &[(PathBuf, String)],
) -> Result<(), String> {
    let named = files
        .iter()
        .any(|(name, _)| d.file == Path::new("incidents").join(name));
    if !named {
        return Err(format!(
            "{}: names no file of the input: {d:?}",
            d.file.display()
        ));
    }
    if d.line == 0 && d.column == 0 {
        return Ok(()); // about the whole file
    }
    let Some((_, source)) = sources.iter().find(|(file, _)| *file == d.file) else {
        return Err(format!("a position in a file that was not read: {d:?}"));
    };
    // Lines as editors count them; a position just past the last line is the end of file.
    let lines: Vec<&str> = source.split('\n').collect();
    let Some(line) = d.line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return Err(format!(
            "{}:{}:{}: line outside the file's {} lines: {}",
            d.file.display(),
            d.line,
            d.column,
            lines.len(),
            d.message
        ));
    };
    let width = line.trim_end_matches('\r').chars().count();
    if d.column == 0 || d.column > width + 1 {
        return Err(format!(
            "{}:{}:{}: column outside the line's {width} characters: {}",
            d.file.display(),
            d.line,
            d.column,
            d.message
        ));
    }
    Ok(())
}
