//! What incident files parsed to (`load::ParsedMemo`), kept for the next load: one entry,
//! `<cache>/parsed/memo`, checked like every entry but neither counted nor pruned. Its
//! entries are keyed by the text they were parsed from, so any incidents folder can use it;
//! it holds the files of the last load only, so it is bounded by them. A damaged or
//! other-build memo is empty, and every file is parsed again.

use std::path::{Path, PathBuf};

use super::{Cache, Packing};
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
    with_parsed_memo(cache, |memo| load::load_dir(dir, settings, display, memo))
}

/// Runs `load` with what the files of the last load with this build parsed to, if there
/// is a `cache`, then keeps there what this one parsed (if that changed anything) for the
/// next. The one place that reads and writes the memo.
pub fn with_parsed_memo<T>(
    cache: Option<&Cache>,
    load: impl FnOnce(Option<&ParsedMemo>) -> T,
) -> T {
    let Some(cache) = cache else {
        return load(None);
    };
    let memo = cache
        .read(&cache.parsed_path(), Cache::parsed_id())
        .map(ParsedMemo::from_parts)
        .unwrap_or_default();
    let loaded = load(Some(&memo));
    if let Some(parts) = memo.into_parts() {
        let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        // Its entries are compressed one by one already.
        cache.write(
            &cache.parsed_path(),
            Cache::parsed_id(),
            &parts,
            Packing::AsIs,
        );
    }
    loaded
}

impl Cache {
    fn parsed_id() -> Digest {
        Self::id("parsed", Digest::default(), "")
    }

    fn parsed_path(&self) -> PathBuf {
        self.dir.join("parsed").join("memo")
    }
}
