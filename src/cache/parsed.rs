//! What the files of an incidents folder parsed to (`load::ParsedMemo`), kept for the next
//! load of that folder: one entry per folder under `<cache>/parsed/`, checked like every
//! entry but neither counted nor pruned. It holds the files of the last load only, so it is
//! bounded by them; a damaged or other-build memo is empty, and every file is parsed again.

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
    let memo = cache.map(|cache| cache.parsed_memo(dir));
    let loaded = load::load_dir(dir, settings, display, memo.as_ref());
    if let (Some(cache), Some(memo)) = (cache, memo) {
        cache.keep_parsed_memo(dir, memo);
    }
    loaded
}

impl Cache {
    /// What the files under `incidents` parsed to when last loaded with this build.
    fn parsed_memo(&self, incidents: &Path) -> ParsedMemo {
        let id = Self::parsed_id(incidents);
        self.read(&self.parsed_path(id), id)
            .map(ParsedMemo::from_parts)
            .unwrap_or_default()
    }

    /// Keeps `memo` for the next load of `incidents`, if this load changed it.
    fn keep_parsed_memo(&self, incidents: &Path, memo: ParsedMemo) {
        if let Some(parts) = memo.into_parts() {
            let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            let id = Self::parsed_id(incidents);
            self.write(&self.parsed_path(id), id, &parts);
        }
    }

    fn parsed_id(incidents: &Path) -> Digest {
        Self::id("parsed", Digest::default(), &incidents.to_string_lossy())
    }

    fn parsed_path(&self, id: Digest) -> PathBuf {
        self.dir.join("parsed").join(format!("{:032x}", id.0))
    }
}
