//! The last `build` of a pair of output folders: the key of every page it wrote and of its
//! search bundle, so that the next `build` can bring those folders up to date in place,
//! rendering and writing only what changed, as a save under `serve` does.
//!
//! Kept as one file per pair of output folders under `<cache>/builds/`, checked like every
//! entry but neither counted among them nor pruned. It
//! describes the folders only while the site's marker carries the same stamp: any other
//! writer of the site (`serve`, an older postmortem, a build without the cache) writes a
//! new stamp, and then the record is ignored.

use std::path::PathBuf;

use super::Cache;
use crate::model::Digest;
use crate::site::{Inventory, Page};

/// What a build wrote to its output folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastBuild {
    /// The stamp in the site's marker file when the build ended.
    pub stamp: Digest,
    /// Every page with the key it was rendered with.
    pub inventory: Inventory,
    /// The key of the search bundle.
    pub bundle: Digest,
}

impl Cache {
    /// What the last build into the folders `place` names wrote, if recorded and sound.
    pub fn last_build(&self, place: Digest) -> Option<LastBuild> {
        let id = Self::id("last-build", place, "");
        let parts = self.read(&self.build_path(id), id)?;
        let [stamp, bundle, pages] = <[Vec<u8>; 3]>::try_from(parts).ok()?;
        let digest = |bytes: Vec<u8>| Some(Digest(u128::from_le_bytes(bytes.try_into().ok()?)));
        let pages: Vec<(String, Page)> = serde_json::from_slice(&pages).ok()?;
        let inventory = pages
            .into_iter()
            .map(|(key, page)| Some((page, Digest(u128::from_str_radix(&key, 16).ok()?))))
            .collect::<Option<Inventory>>()?;
        Some(LastBuild {
            stamp: digest(stamp)?,
            inventory,
            bundle: digest(bundle)?,
        })
    }

    /// Records what a build into the folders `place` names wrote.
    pub fn put_last_build(&self, place: Digest, build: &LastBuild) {
        let pages: Vec<(String, &Page)> = build
            .inventory
            .entries()
            .map(|(page, key)| (format!("{:032x}", key.0), page))
            .collect();
        // Serialising strings and plain enums cannot fail; an empty record is a miss later.
        let pages = serde_json::to_vec(&pages).unwrap_or_default();
        let parts: [&[u8]; 3] = [
            &build.stamp.0.to_le_bytes(),
            &build.bundle.0.to_le_bytes(),
            &pages,
        ];
        let id = Self::id("last-build", place, "");
        self.write(&self.build_path(id), id, &parts, super::Packing::Compress);
    }

    /// Forgets the last build into `place`: its folders are about to change.
    pub fn forget_last_build(&self, place: Digest) {
        let _ = std::fs::remove_file(self.build_path(Self::id("last-build", place, "")));
    }

    fn build_path(&self, id: Digest) -> PathBuf {
        self.dir.join("builds").join(format!("{:032x}", id.0))
    }
}
