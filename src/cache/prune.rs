//! Keeping the cache bounded: what the last build used stays, and older entries up to as
//! much again (a branch switched back to, a template change undone); the oldest beyond that
//! go. So the cache never holds more than about twice one site's outputs, however many
//! builds ran.

use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

use super::{Cache, CacheStats, LAYOUT_DIR};

/// An entry file on disk.
pub(super) struct OnDisk {
    path: PathBuf,
    pub(super) bytes: u64,
    modified: SystemTime,
}

impl Cache {
    /// Removes the oldest entries this build did not use while the others take more room
    /// than the ones it used; says how many went and how big the cache is now. Touches
    /// only entry files of this layout (`v1/xx/…`), whatever else the folder holds.
    pub fn prune(&self) -> CacheStats {
        let used = self
            .used
            .lock()
            .map(|used| used.clone())
            .unwrap_or_default();
        let mut used_bytes = 0;
        let mut others = Vec::new();
        for file in self.entry_files() {
            match entry_id(&file.path) {
                Some(id) if used.contains(&id) => used_bytes += file.bytes,
                _ => others.push(file),
            }
        }
        // Newest first: the oldest are the first to go.
        others.sort_by_key(|file| std::cmp::Reverse(file.modified));
        let mut stats = self.stats();
        let mut kept = 0;
        for file in others {
            if kept + file.bytes <= used_bytes {
                kept += file.bytes;
            } else if fs::remove_file(&file.path).is_ok() {
                stats.pruned += 1;
            } else {
                kept += file.bytes;
            }
        }
        stats.bytes = used_bytes + kept;
        stats
    }

    /// Every file in the two-hex-digit folders of the layout folder.
    pub(super) fn entry_files(&self) -> Vec<OnDisk> {
        let Ok(folders) = fs::read_dir(self.dir.join(LAYOUT_DIR)) else {
            return Vec::new();
        };
        let folders = folders
            .flatten()
            .filter(|folder| is_hex(&folder.file_name().to_string_lossy(), 2));
        let mut files = Vec::new();
        for folder in folders {
            let Ok(entries) = fs::read_dir(folder.path()) else {
                continue;
            };
            for file in entries.flatten() {
                let Ok(meta) = file.metadata() else { continue };
                if meta.is_file() {
                    files.push(OnDisk {
                        path: file.path(),
                        bytes: meta.len(),
                        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    });
                }
            }
        }
        files
    }
}

/// The id an entry file is named after (`ab/cdef…`), if it is named like one.
fn entry_id(path: &std::path::Path) -> Option<u128> {
    let file = path.file_name()?.to_str()?;
    let folder = path.parent()?.file_name()?.to_str()?;
    let name = format!("{folder}{file}");
    is_hex(&name, 32)
        .then(|| u128::from_str_radix(&name, 16).ok())
        .flatten()
}

fn is_hex(name: &str, len: usize) -> bool {
    name.len() == len && name.bytes().all(|b| b.is_ascii_hexdigit())
}
