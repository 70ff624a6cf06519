//! Content digests: a short, stable fingerprint of any data, to tell whether what a page is
//! made from changed since it was last written.
//!
//! xxh3 (128 bits) rather than the standard library's hasher: its output is specified and
//! stable across Rust versions and runs, so a digest can be stored and compared later, and
//! it hashes gigabytes a second, so digesting every input of every page costs little beside
//! rendering them.

use std::io;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// A digest of some data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub u128);

impl Digest {
    /// The digest of `bytes`.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self(xxhash_rust::xxh3::xxh3_128(bytes))
    }

    /// The digest of `value` as serde serialises it (its JSON form).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Self {
        let mut digester = Digester::new();
        digester.add(value);
        digester.finish()
    }
}

/// Builds a digest from several parts. Each part is framed, so `("ab", "c")` and
/// `("a", "bc")` differ.
#[derive(Clone)]
pub struct Digester(Xxh3);

impl Default for Digester {
    fn default() -> Self {
        Self::new()
    }
}

impl Digester {
    /// An empty digester.
    pub fn new() -> Self {
        Self(Xxh3::new())
    }

    /// Adds raw bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a string.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Adds another digest.
    pub fn digest(&mut self, digest: Digest) -> &mut Self {
        self.0.update(&digest.0.to_le_bytes());
        self
    }

    /// Adds `value` as serde serialises it (its JSON form).
    pub fn add<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        // A value that cannot be serialised (none of ours) still changes the digest.
        if serde_json::to_writer(&mut *self, value).is_err() {
            self.text("\u{0}unserialisable");
        }
        self.0.update(&[0xff]);
        self
    }

    /// Adds `value` as [`std::hash::Hash`] feeds it: for digests kept in memory only, as
    /// `Hash` output is not promised to stay the same across Rust versions.
    pub fn hashed<T: std::hash::Hash + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.hash(self);
        self
    }

    /// The digest of everything added.
    pub fn finish(&self) -> Digest {
        Digest(self.0.digest128())
    }
}

impl std::hash::Hasher for Digester {
    fn finish(&self) -> u64 {
        self.0.digest()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl io::Write for Digester {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_and_order_matters() {
        let two = |a: &str, b: &str| Digester::new().text(a).text(b).finish();
        assert_ne!(two("ab", "c"), two("a", "bc"));
        assert_ne!(two("a", "b"), two("b", "a"));
        assert_eq!(two("a", "b"), two("a", "b"));
    }

    #[test]
    fn values_digest_by_content() {
        assert_eq!(Digest::of(&("x", 1)), Digest::of(&("x", 1)));
        assert_ne!(Digest::of(&("x", 1)), Digest::of(&("x", 2)));
        // Stable across runs and versions: stored digests stay comparable.
        assert_eq!(
            Digest::of_bytes(b"postmortem").0,
            xxhash_rust::xxh3::xxh3_128(b"postmortem")
        );
    }
}
