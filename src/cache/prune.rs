//! Keeping the cache bounded: it may grow to twice what the last build used (room for a
//! branch switched back to, a template change undone, whose entries are all still there);
//! past that, what the last build used stays, and older entries up to half as much again;
//! the oldest beyond that go. So the cache never holds more than about twice one site's
//! outputs, however many builds ran.
//!
//! Listing the entries costs a stat per file (0.6 s for the 20,000 of 10,000 incidents),
//! which a build after one edit would pay for the few entries it wrote. So each pruning
//! records the sizes it counted (`v1.size`, beside the layout folder), and a build that
//! writes adds to them; while the total stays within twice what was used, the folder is
//! not listed. Pruning to less than that bound leaves room for the next builds' writes, so
//! a cache that reached it is not listed again by every build.

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use super::{Cache, CacheStats, LAYOUT_DIR};
use crate::site::live::write_atomically;

/// The sizes the last pruning counted, and what builds wrote since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Size {
    /// Bytes of the entries the pruning build used.
    used: u64,
    /// Bytes of all entries then, plus every entry written since.
    total: u64,
}

/// An entry file on disk.
pub(super) struct OnDisk {
    path: PathBuf,
    pub(super) bytes: u64,
    modified: SystemTime,
}

impl Cache {
    /// Prunes if this build wrote entries that could take the cache past its bound (see the
    /// module documentation); says what the build did with the cache.
    pub fn prune_if_written(&self) -> CacheStats {
        let stats = self.stats();
        let written = self.written_bytes.load(Ordering::Relaxed);
        if stats.written == 0 {
            return stats;
        }
        match self.recorded_size() {
            Some(size) if size.total.saturating_add(written) <= size.used.saturating_mul(2) => {
                let total = size.total + written;
                self.record_size(Size { total, ..size });
                CacheStats {
                    bytes: total,
                    ..stats
                }
            }
            _ => self.prune(),
        }
    }

    /// Removes the oldest entries this build did not use while the others take more than
    /// half the room of the ones it used; says how many went and how big the cache is now.
    /// Touches only entry files of this layout (`v1/xx/…`), whatever else the folder holds.
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
            if kept + file.bytes <= used_bytes / 2 {
                kept += file.bytes;
            } else if fs::remove_file(&file.path).is_ok() {
                stats.pruned += 1;
            } else {
                kept += file.bytes;
            }
        }
        stats.bytes = used_bytes + kept;
        self.record_size(Size {
            used: used_bytes,
            total: stats.bytes,
        });
        stats
    }

    /// The sizes the last pruning recorded, if they can be read.
    fn recorded_size(&self) -> Option<Size> {
        let text = fs::read_to_string(self.size_file()).ok()?;
        let (used, total) = text.trim().split_once(' ')?;
        Some(Size {
            used: used.parse().ok()?,
            total: total.parse().ok()?,
        })
    }

    /// Where the last pruning's sizes are kept: beside the layout folder, named after it.
    fn size_file(&self) -> PathBuf {
        self.dir.join(format!("{LAYOUT_DIR}.size"))
    }

    /// Records `size`; failing only means the next build lists the folder.
    fn record_size(&self, size: Size) {
        let _ = write_atomically(
            &self.size_file(),
            format!("{} {}\n", size.used, size.total).as_bytes(),
        );
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
