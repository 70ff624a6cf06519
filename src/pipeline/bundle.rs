//! The search bundle of a build: which shards the render cache holds, and indexing the rest.
//!
//! A shard's index depends on its records alone, and a record on its incident alone (and
//! the site's choice of pretty URLs), so a shard is kept under the digest of postmortem's
//! build and its incidents' keys in list order. After one edit only the shard holding that
//! incident is indexed again; templates and other settings change no shard.

use rayon::prelude::*;

use super::{BuildError, Pipeline};
use crate::cache::Cache;
use crate::knowledge::IncidentSummary;
use crate::load::LoadedIncident;
use crate::model::{Digest, Digester};
use crate::search::shards::{assemble, layout};
use crate::search::{
    BundleFile, BundleStats, Indexer, SearchError, SearchRecord, Shard, ShardFiles,
};

/// The shards of a bundle, each with its key and, if the cache holds them, its files.
pub(super) struct BundlePlan {
    shards: Vec<(Shard, Digest, Option<Vec<BundleFile>>)>,
}

impl Pipeline {
    /// The key of the whole search bundle: it changes when any shard's does.
    pub(super) fn bundle_key(&self, incidents: &[LoadedIncident]) -> Digest {
        let mut digester = Digester::new();
        for (_, key) in self.shard_keys(incidents) {
            digester.digest(key);
        }
        digester.finish()
    }

    /// Every shard of the bundle of `incidents` (newest first) with its key.
    pub(super) fn shard_keys(&self, incidents: &[LoadedIncident]) -> Vec<(Shard, Digest)> {
        layout(incidents.len(), self.shard_size)
            .into_iter()
            .map(|shard| {
                let mut digester = Digester::new();
                digester
                    .text(self.info().version)
                    .digest(crate::cache::build_id())
                    .add(&self.info().pretty_urls());
                for incident in &incidents[shard.positions.clone()] {
                    digester.digest(incident.key);
                }
                (shard, digester.finish())
            })
            .collect()
    }

    /// The shards of the bundle of `incidents`, with the files the cache holds of each.
    pub(super) fn bundle_plan(&self, incidents: &[LoadedIncident]) -> BundlePlan {
        let shards = self
            .shard_keys(incidents)
            .into_iter()
            .map(|(shard, key)| {
                let files = self.cache.as_ref().and_then(|cache| cache.bundle(key));
                (shard, key, files)
            })
            .collect();
        BundlePlan { shards }
    }
}

impl BundlePlan {
    /// An indexer for the shards the cache does not hold; `None` if it holds them all.
    pub fn indexer(&self) -> Result<Option<Indexer>, BuildError> {
        let missing: Vec<Shard> = self
            .shards
            .iter()
            .filter(|(_, _, files)| files.is_none())
            .map(|(shard, _, _)| shard.clone())
            .collect();
        match missing.is_empty() {
            true => Ok(None),
            false => Ok(Some(Indexer::start(missing)?)),
        }
    }

    /// The bundle's files, from the cache and from what `indexer` built (kept in `cache`
    /// for the next build), and what it took.
    pub fn finish(
        self,
        indexer: Option<Indexer>,
        cache: Option<&Cache>,
    ) -> Result<(Vec<BundleFile>, BundleStats), BuildError> {
        let mut stats = BundleStats {
            from_cache: indexer.is_none(),
            ..BundleStats::default()
        };
        let mut built = match indexer {
            Some(indexer) => {
                let built = indexer.finish()?;
                stats.records = built.records;
                stats.busy = built.busy;
                stats.waited = built.waited;
                built.shards.into_iter()
            }
            None => Vec::new().into_iter(),
        };
        let mut shards: Vec<ShardFiles> = Vec::with_capacity(self.shards.len());
        for (shard, key, files) in self.shards {
            let files = match files {
                Some(files) => files,
                None => {
                    let (_, files) = built
                        .find(|(built, _)| *built == shard)
                        .ok_or_else(|| SearchError::Index("a shard was not indexed".into()))?;
                    if let Some(cache) = cache {
                        cache.put_bundle(key, &files);
                    }
                    files
                }
            };
            shards.push((shard, files));
        }
        let files = assemble(&shards);
        stats.files = files.len();
        stats.bytes = files.iter().map(|(_, content)| content.len() as u64).sum();
        Ok((files, stats))
    }
}

/// The search bundle of every incident's record, from the cache where it holds the shards.
pub(super) fn bundle(
    pipeline: &Pipeline,
    cache: &Cache,
    incidents: &[LoadedIncident],
    summaries: &[IncidentSummary],
) -> Result<(Vec<BundleFile>, BundleStats), BuildError> {
    let plan = pipeline.bundle_plan(incidents);
    let indexer = plan.indexer()?;
    if let Some(indexer) = &indexer {
        let pretty_urls = pipeline.info().pretty_urls();
        incidents
            .par_iter()
            .zip(summaries)
            .enumerate()
            .filter(|(i, _)| indexer.wants(*i))
            .for_each(|(i, (incident, summary))| {
                indexer.add(i, SearchRecord::new(incident, summary, pretty_urls));
            });
    }
    plan.finish(indexer, Some(cache))
}
