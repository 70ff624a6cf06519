//! The bytes of one cache entry, and the checks that tell a sound entry from a damaged or
//! foreign one.
//!
//! ```text
//! magic "postmortem-cache\n"  format: u32  version: u16 length + bytes  id: u128
//! parts: u32  each part's length: u64  checksum: u64 (xxh3 of the parts)  the parts
//! ```
//!
//! All numbers are little-endian. An entry is trusted only if every one of these checks
//! holds: the magic, this format, the same postmortem build, the id it was asked for, the
//! lengths adding up to the file's size, and the checksum. Anything else (a truncated
//! write, garbage, an entry of another version, one copied under the wrong name) is a
//! miss: the caller renders again and the entry is rewritten.

use crate::model::Digest;

const MAGIC: &[u8] = b"postmortem-cache\n";
/// Raised when the layout above changes.
const FORMAT: u32 = 1;

/// The bytes of an entry with these parts.
pub fn encode(version: &str, id: Digest, parts: &[&[u8]]) -> Vec<u8> {
    let body: usize = parts.iter().map(|p| p.len()).sum();
    let mut bytes = Vec::with_capacity(MAGIC.len() + 64 + version.len() + 8 * parts.len() + body);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    let version = &version.as_bytes()[..version.len().min(u16::MAX as usize)];
    bytes.extend_from_slice(&(version.len() as u16).to_le_bytes());
    bytes.extend_from_slice(version);
    bytes.extend_from_slice(&id.0.to_le_bytes());
    bytes.extend_from_slice(&(parts.len() as u32).to_le_bytes());
    for part in parts {
        bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
    }
    let mut checksum = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        checksum.update(part);
    }
    bytes.extend_from_slice(&checksum.digest().to_le_bytes());
    for part in parts {
        bytes.extend_from_slice(part);
    }
    bytes
}

/// The parts of `bytes`, if they are a sound entry of `version` for `id`.
pub fn decode(bytes: &[u8], version: &str, id: Digest) -> Option<Vec<Vec<u8>>> {
    let mut reader = Reader(bytes);
    if reader.take(MAGIC.len())? != MAGIC || reader.u32()? != FORMAT {
        return None;
    }
    let version_len = u16::from_le_bytes(reader.array()?) as usize;
    if reader.take(version_len)? != version.as_bytes() {
        return None;
    }
    if u128::from_le_bytes(reader.array()?) != id.0 {
        return None;
    }
    let count = reader.u32()? as usize;
    // Each length takes 8 bytes: a count the file cannot hold is damage, not a reason to
    // allocate.
    if count > reader.0.len() / 8 {
        return None;
    }
    let lengths: Vec<usize> = (0..count)
        .map(|_| usize::try_from(u64::from_le_bytes(reader.array()?)).ok())
        .collect::<Option<_>>()?;
    let checksum = u64::from_le_bytes(reader.array()?);
    let total = lengths
        .iter()
        .try_fold(0usize, |sum, &n| sum.checked_add(n))?;
    if total != reader.0.len() || xxhash_rust::xxh3::xxh3_64(reader.0) != checksum {
        return None;
    }
    lengths
        .into_iter()
        .map(|n| reader.take(n).map(<[u8]>::to_vec))
        .collect()
}

/// Reads an entry front to back; every read is checked against what is left.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: Digest = Digest(42);

    #[test]
    fn an_entry_reads_back_as_written() {
        let parts: [&[u8]; 3] = [b"<html>", b"", b"# report"];
        let bytes = encode("1.0", ID, &parts);
        let read = decode(&bytes, "1.0", ID).unwrap();
        assert_eq!(read, parts.map(<[u8]>::to_vec));
    }

    #[test]
    fn damaged_or_foreign_entries_are_refused() {
        let bytes = encode("1.0", ID, &[b"page", b"report"]);
        assert!(decode(&bytes, "1.1", ID).is_none(), "another version");
        assert!(decode(&bytes, "1.0", Digest(43)).is_none(), "another id");
        for cut in [0, 5, MAGIC.len() + 3, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], "1.0", ID).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(b'x');
        assert!(decode(&longer, "1.0", ID).is_none(), "trailing bytes");
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(decode(&flipped, "1.0", ID).is_none(), "checksum");
        assert!(decode(b"garbage", "1.0", ID).is_none());
        let mut huge = encode("1.0", ID, &[]);
        let count_at = huge.len() - 8 - 4;
        huge[count_at..count_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(
            decode(&huge, "1.0", ID).is_none(),
            "a count beyond the file"
        );
    }
}
