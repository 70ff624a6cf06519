//! What incident files parsed to (`load::ParsedMemo`), kept for the next load: one entry,
//! `<cache>/parsed/memo`, checked like every entry but neither counted nor pruned. Its
//! entries are keyed by the text they were parsed from, so any incidents folder can use it;
//! it holds the files of the last load only, so it is bounded by them. A damaged or
//! other-build memo is empty, and every file is parsed again.

use std::path::{Path, PathBuf};

use super::Cache;
use crate::load::{self, Loaded, ParsedMemo, Settings};
use crate::model::Digest;

/// Loads the incident files under `dir` as [`load::load_dir`] does, reading back from
/// `cache` (if any) what unchanged files parsed to, and keeping this load's parses there.
pub fn load_dir(
    cache: Option<&Cache>,
    dir: &Path,
    settings: &Settings,
    display: &(dyn Fn(&Path) -> PathBuf + Sync),
) -> Loaded {
    let load = |memo: Option<&ParsedMemo>| load::load_dir(dir, settings, display, memo);
    match cache {
        Some(cache) => cache.with_parsed_memo(|memo| load(Some(memo))),
        None => load(None),
    }
}

impl Cache {
    /// Runs `load` with what the files of the last load with this build parsed to, then
    /// keeps what this one parsed (if that changed anything) for the next.
    pub fn with_parsed_memo<T>(&self, load: impl FnOnce(&ParsedMemo) -> T) -> T {
        let memo = self
            .read(&self.parsed_path(), Self::parsed_id())
            .map(ParsedMemo::from_parts)
            .unwrap_or_default();
        let loaded = load(&memo);
        if let Some(parts) = memo.into_parts() {
            let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            self.write(&self.parsed_path(), Self::parsed_id(), &parts);
        }
        loaded
    }

    fn parsed_id() -> Digest {
        Self::id("parsed", Digest::default(), "")
    }

    fn parsed_path(&self) -> PathBuf {
        self.dir.join("parsed").join("memo")
    }
}
