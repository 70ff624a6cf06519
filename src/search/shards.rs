//! The search bundle as several Pagefind indexes ("shards") of a bounded number of records.
//!
//! Why: Pagefind keeps every word position of every record it was given until it writes the
//! index, then copies every page once more: about 190 KB per incident, 2 GB at 10,000. It
//! has no incremental update either, so one edited incident meant indexing every record
//! again. An index of at most `search_shard_size` records ([`crate::workspace::DEFAULT_SEARCH_SHARD_SIZE`]) is built, written and dropped
//! before the next one starts, which bounds the indexer's memory; and a shard whose records
//! did not change comes from the render cache, so an edit re-indexes one shard.
//!
//! The browser loads the newest shard as Pagefind's primary index (at the bundle's root,
//! with the search engine) and merges the others into it (`mergeIndex`, sharing that
//! engine); `shards.json` lists them. Shards hold consecutive incidents of the site's list,
//! counted from the oldest, so a new incident changes only the newest shard, and a search
//! sorted by date can run shard by shard and append the answers in order
//! (`templates/static/site-search.js`); Pagefind itself would merge them by score.

use std::ops::Range;

use super::BundleFile;

/// The file that lists the shards, newest first, in the bundle's root.
pub const SHARD_LIST: &str = "shards.json";

/// The Pagefind filter that tells shards apart when a search runs shard by shard; each
/// shard's value is its number.
pub const SHARD_FILTER: &str = "postmortem-shard";

/// One Pagefind index of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// Positions of its incidents in the site's list (newest first).
    pub positions: Range<usize>,
    /// Its number, counted from the oldest shard (0).
    pub number: usize,
    /// Whether it is the newest, which the browser loads first, from the bundle's root.
    pub primary: bool,
}

impl Shard {
    /// Its folder inside the bundle: the root for the primary shard, else its number.
    pub fn dir(&self) -> String {
        match self.primary {
            true => String::new(),
            false => format!("{}/", self.number),
        }
    }
}

/// The shards of `records` incidents at `size` records each, newest first (the order the
/// indexer receives records in). There is always one, if empty, so a site without
/// incidents still has a search engine to load.
pub fn layout(records: usize, size: usize) -> Vec<Shard> {
    let size = size.max(1);
    let count = records.div_ceil(size).max(1);
    (0..count)
        .rev()
        .map(|number| {
            let oldest = number * size;
            let newest = ((number + 1) * size).min(records);
            Shard {
                positions: records - newest..records - oldest,
                number,
                primary: number + 1 == count,
            }
        })
        .collect()
}

/// The bundle's files from the files of each shard's index: each shard in its folder, the
/// search engine (`pagefind.js`, the WebAssembly) only with the primary, and the list of
/// shards. Sorted by path, so a bundle is one sequence of bytes for the same records.
pub fn assemble(shards: &[(Shard, Vec<BundleFile>)]) -> Vec<BundleFile> {
    let mut files: Vec<BundleFile> = shards
        .iter()
        .flat_map(|(shard, files)| {
            let dir = shard.dir();
            files
                .iter()
                .filter(move |(path, _)| shard.primary || !is_engine(path))
                .map(move |(path, content)| (format!("{dir}{path}"), content.clone()))
        })
        .collect();
    let names: Vec<String> = shards
        .iter()
        .map(|(shard, _)| shard.number.to_string())
        .collect();
    let list = serde_json::json!({ "filter": SHARD_FILTER, "shards": names });
    files.push((SHARD_LIST.to_owned(), list.to_string().into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Files the browser loads once, from the primary shard only.
fn is_engine(path: &str) -> bool {
    path == "pagefind.js" || path.starts_with("wasm.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_hold_consecutive_incidents_counted_from_the_oldest() {
        let shards = layout(5, 2);
        let positions: Vec<_> = shards.iter().map(|s| s.positions.clone()).collect();
        assert_eq!(positions, [0..1, 1..3, 3..5]);
        let numbers: Vec<_> = shards.iter().map(|s| s.number).collect();
        assert_eq!(numbers, [2, 1, 0]);
        assert_eq!(shards.iter().filter(|s| s.primary).count(), 1);
        assert!(shards[0].primary);
        // A new incident (position 0) moves every other one down a place, and changes only
        // the newest shard's records.
        let grown = layout(6, 2);
        assert_eq!(grown[2].positions, 4..6);
        assert_eq!(grown[1].positions, 2..4);
        assert_eq!(grown[0].positions, 0..2);
    }

    #[test]
    fn an_empty_site_and_a_small_one_have_one_shard() {
        assert_eq!(
            layout(0, 2000),
            [Shard {
                positions: 0..0,
                number: 0,
                primary: true
            }]
        );
        assert_eq!(layout(2000, 2000).len(), 1);
        assert_eq!(layout(2001, 2000).len(), 2);
        assert_eq!(layout(3, 0).len(), 3, "a size of 0 is taken as 1");
    }

    #[test]
    fn only_the_primary_shard_carries_the_engine() {
        let files = |tag: &str| -> Vec<BundleFile> {
            ["pagefind.js", "wasm.en.pagefind", "pagefind-entry.json"]
                .iter()
                .map(|p| (p.to_string(), tag.as_bytes().to_vec()))
                .collect()
        };
        let shards = layout(3, 2);
        let bundle = assemble(&[
            (shards[0].clone(), files("new")),
            (shards[1].clone(), files("old")),
        ]);
        let paths: Vec<&str> = bundle.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "0/pagefind-entry.json",
                "pagefind-entry.json",
                "pagefind.js",
                "shards.json",
                "wasm.en.pagefind"
            ]
        );
        let list = &bundle[3].1;
        assert_eq!(
            String::from_utf8_lossy(list),
            r#"{"filter":"postmortem-shard","shards":["1","0"]}"#
        );
    }
}
