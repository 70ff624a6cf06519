//! What parsing a file gave, remembered across runs under the digest of its text.
//!
//! Why: parsing YAML is more than half of what `check` and `build` spend loading, and in a
//! team's history almost no file changes between two runs. A file whose text parsed without
//! a single problem is kept as the JSON of its incident (several times faster to read back
//! than the YAML), with the places serde's own form drops: where `id`, each `related` entry,
//! `severity` and `status` were written, which later diagnostics point at. A file with a
//! problem is never kept, so its diagnostics always come from a fresh parse; everything
//! after parsing (the checks, links, attachments, signatures) runs as for a parsed file.
//!
//! The memo is bytes in and bytes out; the render cache stores it as one checked entry of
//! this build of postmortem (`cache::with_parsed_memo`), since another build may read the format
//! differently. `tests/fuzz_loader.rs` checks that what the fixtures and hundreds of
//! mutations of them load to is the same without the memo, filling it and reading it back.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

use super::Parsed;
use crate::model::{Digest, Incident};

/// Parsed incidents of earlier runs, and those this run adds.
#[derive(Debug, Default)]
pub struct ParsedMemo {
    /// Where each text's entry is in `entries`.
    index: HashMap<Digest, usize>,
    /// The digest of each kept text and the entry of its parse (LZ4-compressed JSON), as
    /// read.
    entries: Vec<(Digest, Vec<u8>)>,
    /// Which entries this run read back (the rest belong to texts no longer there).
    used: Vec<AtomicBool>,
    /// Parses this run made, to keep.
    added: Mutex<Vec<(Digest, Vec<u8>)>>,
    /// Whether this run looked anything up: a load that found no file (a folder gone
    /// missing) leaves the memo as it was.
    consulted: AtomicBool,
}

impl ParsedMemo {
    /// The memo kept as `parts` ([`Self::into_parts`]); a part that is not a digest
    /// followed by an entry ends the list (what came before it is still good).
    pub fn from_parts(parts: Vec<Vec<u8>>) -> Self {
        let mut memo = Self::default();
        let mut parts = parts.into_iter();
        while let (Some(digest), Some(entry)) = (parts.next(), parts.next()) {
            let Ok(digest) = <[u8; 16]>::try_from(digest.as_slice()) else {
                break;
            };
            let digest = Digest(u128::from_le_bytes(digest));
            memo.index.insert(digest, memo.entries.len());
            memo.entries.push((digest, entry));
            memo.used.push(AtomicBool::new(false));
        }
        memo
    }

    /// What `source`, the text of `file`, parses to: the incident an earlier run kept for
    /// the same text, else a fresh parse (kept if it found no problem).
    pub fn parse(&self, file: &Path, source: &str) -> Parsed {
        let digest = Digest::of_bytes(source.as_bytes());
        if let Some(incident) = self.recall(digest) {
            return Parsed {
                incident: Some(incident),
                ..Parsed::default()
            };
        }
        let parsed = super::parse_incident(file, source);
        self.keep(digest, source.len(), &parsed);
        parsed
    }

    /// The incident that the text of digest `digest` parsed to in an earlier run, if kept
    /// and sound.
    fn recall(&self, digest: Digest) -> Option<Incident> {
        self.consulted.store(true, Ordering::Relaxed);
        let at = *self.index.get(&digest)?;
        let incident = decode(&self.entries[at].1)?;
        self.used[at].store(true, Ordering::Relaxed);
        Some(incident)
    }

    /// Keeps what the text of digest `digest`, `size` bytes long, parsed to, if it parsed
    /// without a problem.
    fn keep(&self, digest: Digest, size: usize, parsed: &Parsed) {
        self.consulted.store(true, Ordering::Relaxed);
        let Some(incident) = &parsed.incident else {
            return;
        };
        if !parsed.diagnostics.is_empty() || !parsed.placeholders.is_empty() {
            return;
        }
        if let Some(entry) = encode(incident, size) {
            let mut added = self.added.lock().unwrap_or_else(|e| e.into_inner());
            added.push((digest, entry));
        }
    }

    /// The parts to store: every entry read back or added, as digest and entry. `None` when
    /// they are the parts read, or nothing was looked up, so there is nothing to write.
    pub fn into_parts(self) -> Option<Vec<Vec<u8>>> {
        if !self.consulted.load(Ordering::Relaxed) {
            return None;
        }
        let added = self.added.into_inner().unwrap_or_else(|e| e.into_inner());
        let used: Vec<bool> = self
            .used
            .iter()
            .map(|u| u.load(Ordering::Relaxed))
            .collect();
        if added.is_empty() && used.iter().all(|&u| u) {
            return None;
        }
        let kept =
            (self.entries.into_iter().zip(used)).filter_map(|(entry, used)| used.then_some(entry));
        let mut seen = HashSet::new();
        let mut parts = Vec::new();
        // Two files of the same text are parsed, and added, twice.
        for (digest, entry) in kept.chain(added) {
            if seen.insert(digest) {
                parts.push(digest.0.to_le_bytes().to_vec());
                parts.push(entry);
            }
        }
        Some(parts)
    }
}

/// An entry as written: the incident in serde's form, and the places that form drops.
#[derive(Serialize)]
struct EntryOut<'a> {
    incident: &'a Incident,
    places: Places<PlaceOut>,
}

/// An entry as read back.
#[derive(Deserialize)]
struct EntryIn {
    incident: Incident,
    places: Places<Location>,
}

/// Where the parser found the values whose place a diagnostic may show.
#[derive(Serialize, Deserialize)]
struct Places<L> {
    id: Option<(L, L)>,
    related: Vec<(L, L)>,
    severity: Option<(usize, usize)>,
    status: Option<(usize, usize)>,
}

/// The entry of `incident`, parsed from a text of `size` bytes (its JSON is about as long):
/// LZ4-compressed JSON, a quarter of the text's size, so that the memo of a large history
/// costs little to write and to read.
fn encode(incident: &Incident, size: usize) -> Option<Vec<u8>> {
    let place = |spanned: &Spanned<String>| {
        (
            PlaceOut::of(&spanned.referenced),
            PlaceOut::of(&spanned.defined),
        )
    };
    let entry = EntryOut {
        incident,
        places: Places {
            id: incident.id.as_ref().map(place),
            related: incident.related.iter().map(place).collect(),
            severity: incident.severity.span,
            status: incident.status.span,
        },
    };
    let mut json = Vec::with_capacity(size + size / 4);
    serde_json::to_writer(&mut json, &entry).ok()?;
    // Aliases can make the JSON far longer than the text: such an entry would be refused
    // when read back, and rewritten on every run.
    (json.len() <= MAX_JSON_BYTES).then(|| lz4_flex::block::compress_prepend_size(&json))
}

/// The JSON of an entry longer than this is damage: no file that long is read.
const MAX_JSON_BYTES: usize = 8 * super::parse::MAX_FILE_BYTES as usize;

fn decode(bytes: &[u8]) -> Option<Incident> {
    let size = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    if size as usize > MAX_JSON_BYTES {
        return None;
    }
    let json = lz4_flex::block::decompress_size_prepended(bytes).ok()?;
    let EntryIn {
        mut incident,
        places,
    } = serde_json::from_slice(&json).ok()?;
    if places.related.len() != incident.related.len()
        || places.id.is_some() != incident.id.is_some()
    {
        return None;
    }
    let placed = |value: String, (referenced, defined): (Location, Location)| {
        Spanned::new(value, referenced, defined)
    };
    incident.id = incident
        .id
        .zip(places.id)
        .map(|(id, at)| placed(id.value, at));
    incident.related = std::mem::take(&mut incident.related)
        .into_iter()
        .zip(places.related)
        .map(|(related, at)| placed(related.value, at))
        .collect();
    incident.severity.span = places.severity;
    incident.status.span = places.status;
    Some(incident)
}

/// A parser location in the form its `Deserialize` reads (it has no `Serialize`).
#[derive(Serialize)]
struct PlaceOut {
    line: u64,
    column: u64,
    span: SpanOut,
    source_id: u32,
}

#[derive(Serialize)]
struct SpanOut {
    offset: u64,
    len: u64,
    /// Byte offset and length; the parser's "unknown" (`u32::MAX`) when it had none.
    byte_info: (u64, u64),
}

impl PlaceOut {
    fn of(location: &Location) -> Self {
        let span = location.span();
        let unknown = u64::from(u32::MAX);
        Self {
            line: location.line(),
            column: location.column(),
            span: SpanOut {
                offset: span.offset(),
                len: span.len(),
                byte_info: (
                    span.byte_offset().unwrap_or(unknown),
                    span.byte_len().unwrap_or(unknown),
                ),
            },
            source_id: location.source_id(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = include_str!(
        "../../incidents/2025-08-19-expired-tls-certificate-takes-down-payments-api.yaml"
    );

    fn digest(source: &str) -> Digest {
        Digest::of_bytes(source.as_bytes())
    }

    fn parsed(source: &str) -> Parsed {
        super::super::parse_incident(Path::new("a.yaml"), source)
    }

    #[test]
    fn a_kept_parse_reads_back_equal_with_its_places() {
        let first = parsed(SOURCE);
        let memo = ParsedMemo::default();
        memo.keep(digest(SOURCE), SOURCE.len(), &first);
        let parts = memo.into_parts().expect("one parse added");
        let memo = ParsedMemo::from_parts(parts);
        let again = memo.recall(digest(SOURCE)).expect("kept");
        assert_eq!(
            format!("{again:?}"),
            format!("{:?}", first.incident.unwrap())
        );
        assert!(
            memo.recall(digest(&format!("{SOURCE}\n# edited\n")))
                .is_none()
        );
        assert!(memo.into_parts().is_none(), "all read back, nothing added");
    }

    #[test]
    fn a_file_with_a_problem_is_not_kept() {
        let broken = SOURCE.replacen("severity:", "severty:", 1);
        let memo = ParsedMemo::default();
        memo.keep(digest(&broken), broken.len(), &parsed(&broken));
        assert!(memo.into_parts().is_none());
    }

    #[test]
    fn a_load_that_looked_nothing_up_keeps_the_memo_as_it_was() {
        let memo = ParsedMemo::default();
        memo.keep(digest(SOURCE), SOURCE.len(), &parsed(SOURCE));
        let parts = memo.into_parts().expect("one parse added");
        assert!(ParsedMemo::from_parts(parts).into_parts().is_none());
    }

    #[test]
    fn damaged_entries_and_texts_no_longer_there_are_dropped() {
        let memo = ParsedMemo::default();
        memo.keep(digest(SOURCE), SOURCE.len(), &parsed(SOURCE));
        let mut parts = memo.into_parts().unwrap();
        let good = parts.clone();
        let half = parts[1].len() / 2;
        parts[1].truncate(half);
        let memo = ParsedMemo::from_parts(parts);
        assert!(
            memo.recall(digest(SOURCE)).is_none(),
            "half an entry is a miss"
        );
        // Nothing read back: the stored parts lose the damaged entry.
        assert_eq!(memo.into_parts(), Some(Vec::new()));
        let mut huge = good.clone();
        huge[1][..4].copy_from_slice(&u32::MAX.to_le_bytes());
        let memo = ParsedMemo::from_parts(huge);
        assert!(
            memo.recall(digest(SOURCE)).is_none(),
            "a size no file has is damage"
        );
        let memo = ParsedMemo::from_parts(vec![vec![1, 2, 3], good[1].clone()]);
        assert!(
            memo.recall(digest(SOURCE)).is_none(),
            "a digest of the wrong size ends the list"
        );
    }
}
