//! The bytes of one cache entry, and the checks that tell a sound entry from a damaged or
//! foreign one.
//!
//! ```text
//! magic "postmortem-cache\n"  format: u32  version: u16 length + bytes  id: u128
//! parts: u32  each part's length: u64  packing: u8  checksum: u64  the body
//! ```
//!
//! All numbers are little-endian. The body is the parts one after the other, LZ4-compressed
//! when that makes it smaller (packing 1; 0 if stored as they are): pages and reports
//! shrink to about a fifth, which a CI cache restores and saves on every run, while the
//! search shards are compressed already and stay as they are. The checksum is the
//! xxh3 of the lengths, the packing and the body. An entry is trusted only if every one of
//! these checks holds: the magic, this format, the same postmortem build, the id it was
//! asked for, the checksum, and the body unpacking to exactly the lengths. Anything else (a
//! truncated write, garbage, an entry of another version, one copied under the wrong name)
//! is a miss: the caller renders again and the entry is rewritten.

use std::borrow::Cow;

use crate::model::Digest;

const MAGIC: &[u8] = b"postmortem-cache\n";
/// Raised when the layout above changes.
const FORMAT: u32 = 2;
const STORED: u8 = 0;
const LZ4: u8 = 1;
/// LZ4 cannot expand data more than this: a body that claims to, is damage, not a reason to
/// allocate.
const MAX_LZ4_RATIO: usize = 255;

/// Whether the body of an entry may be compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// LZ4, when that makes it smaller.
    Compress,
    /// As it is, for parts their owner compressed one by one already: the memo of parsed
    /// files shrinks by another fifth, and every `check` took about 7% longer to unpack it.
    AsIs,
}

/// The bytes of an entry with these parts.
pub fn encode(version: &str, id: Digest, parts: &[&[u8]], packing: Packing) -> Vec<u8> {
    let raw = parts.concat();
    let compressed = (packing == Packing::Compress).then(|| lz4_flex::block::compress(&raw));
    let (packing, body) = match compressed {
        Some(compressed) if compressed.len() < raw.len() => (LZ4, compressed),
        _ => (STORED, raw),
    };
    let lengths: Vec<u8> = parts
        .iter()
        .flat_map(|part| (part.len() as u64).to_le_bytes())
        .collect();
    let version = &version.as_bytes()[..version.len().min(u16::MAX as usize)];
    let mut bytes =
        Vec::with_capacity(MAGIC.len() + 64 + version.len() + lengths.len() + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&(version.len() as u16).to_le_bytes());
    bytes.extend_from_slice(version);
    bytes.extend_from_slice(&id.0.to_le_bytes());
    bytes.extend_from_slice(&(parts.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&lengths);
    bytes.push(packing);
    bytes.extend_from_slice(&checksum(&lengths, packing, &body).to_le_bytes());
    bytes.extend_from_slice(&body);
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
    let lengths = reader.take(count.checked_mul(8)?)?;
    let [packing] = reader.array()?;
    let stored = u64::from_le_bytes(reader.array()?);
    let body = reader.0;
    if checksum(lengths, packing, body) != stored {
        return None;
    }
    let lengths: Vec<usize> = lengths
        .chunks_exact(8)
        .map(|n| usize::try_from(u64::from_le_bytes(n.try_into().ok()?)).ok())
        .collect::<Option<_>>()?;
    let total = lengths
        .iter()
        .try_fold(0usize, |sum, &n| sum.checked_add(n))?;
    let raw = match packing {
        STORED if body.len() == total => Cow::Borrowed(body),
        LZ4 if total <= body.len().saturating_mul(MAX_LZ4_RATIO) => {
            let mut raw = vec![0; total];
            let unpacked = lz4_flex::block::decompress_into(body, &mut raw).ok()?;
            Cow::Owned((unpacked == total).then_some(raw)?)
        }
        _ => return None,
    };
    let mut reader = Reader(&raw);
    lengths
        .into_iter()
        .map(|n| reader.take(n).map(<[u8]>::to_vec))
        .collect()
}

fn checksum(lengths: &[u8], packing: u8, body: &[u8]) -> u64 {
    let mut checksum = xxhash_rust::xxh3::Xxh3::new();
    checksum.update(lengths);
    checksum.update(&[packing]);
    checksum.update(body);
    checksum.digest()
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
        let bytes = encode("1.0", ID, &parts, Packing::Compress);
        let read = decode(&bytes, "1.0", ID).unwrap();
        assert_eq!(read, parts.map(<[u8]>::to_vec));
    }

    #[test]
    fn pages_are_kept_compressed_and_noise_as_it_is() {
        let page = "<tr><td><span class=\"kw\">let</span> x</td></tr>\n".repeat(400);
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let noise: Vec<u8> = (0..20_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let parts: [&[u8]; 3] = [page.as_bytes(), &noise, b""];
        let bytes = encode("1.0", ID, &parts, Packing::Compress);
        assert_eq!(
            decode(&bytes, "1.0", ID).unwrap(),
            parts.map(<[u8]>::to_vec)
        );
        let compressed = encode("1.0", ID, &[page.as_bytes()], Packing::Compress);
        assert!(
            compressed.len() * 5 < page.len(),
            "{} bytes",
            compressed.len()
        );
        assert_eq!(compressed[header_len(1)], LZ4);
        let stored = encode("1.0", ID, &[&noise], Packing::Compress);
        assert_eq!(stored[header_len(1)], STORED);
        assert_eq!(decode(&stored, "1.0", ID).unwrap(), [noise]);
        let as_is = encode("1.0", ID, &[page.as_bytes()], Packing::AsIs);
        assert_eq!(as_is[header_len(1)], STORED);
        assert_eq!(decode(&as_is, "1.0", ID).unwrap(), [page.as_bytes()]);
    }

    /// Where the packing byte of an entry of version "1.0" with `parts` parts is.
    fn header_len(parts: usize) -> usize {
        MAGIC.len() + 4 + 2 + 3 + 16 + 4 + 8 * parts
    }

    #[test]
    fn damaged_or_foreign_entries_are_refused() {
        let page = "<p>page</p>".repeat(50);
        let bytes = encode("1.0", ID, &[page.as_bytes(), b"report"], Packing::Compress);
        assert!(decode(&bytes, "1.0", ID).is_some());
        assert!(decode(&bytes, "1.1", ID).is_none(), "another version");
        assert!(decode(&bytes, "1.0", Digest(43)).is_none(), "another id");
        for cut in [0, 5, MAGIC.len() + 3, header_len(2), bytes.len() - 1] {
            assert!(decode(&bytes[..cut], "1.0", ID).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(b'x');
        assert!(decode(&longer, "1.0", ID).is_none(), "trailing bytes");
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(decode(&flipped, "1.0", ID).is_none(), "checksum");
        // Lengths moved between parts keep their sum: the checksum covers them.
        let mut moved = bytes.clone();
        let lengths = header_len(0);
        moved[lengths] -= 1;
        moved[lengths + 8] += 1;
        assert!(decode(&moved, "1.0", ID).is_none(), "lengths");
        let mut unpacked = bytes.clone();
        unpacked[header_len(2)] = STORED;
        assert!(decode(&unpacked, "1.0", ID).is_none(), "packing");
        assert!(decode(b"garbage", "1.0", ID).is_none());
        let mut huge = encode("1.0", ID, &[], Packing::Compress);
        let count_at = header_len(0) - 4;
        huge[count_at..count_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(
            decode(&huge, "1.0", ID).is_none(),
            "a count beyond the file"
        );
    }
}
