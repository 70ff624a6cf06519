//! The corpus's only source of chance.
//!
//! A seeded splitmix64, not a crate's generator: the published benchmark figures were
//! measured on corpora drawn from exactly this sequence, so every draw below, and the order
//! in which the generator makes them, is part of the corpus's definition. A dependency's
//! generator could change its stream in any release and silently change every corpus.

/// splitmix64: tiny, fast and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// Any one of `items`, each as likely as the others.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Picks early items more often than late ones, as real tags and services are used.
    pub fn pick_skewed<T: Copy>(&mut self, items: &[T]) -> T {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        items[((u * u * items.len() as f64) as usize).min(items.len() - 1)]
    }

    /// Between `count.start()` and `count.end()` different items, in the order drawn.
    pub fn some<T: Copy + PartialEq>(
        &mut self,
        items: &[T],
        count: std::ops::RangeInclusive<i64>,
        skewed: bool,
    ) -> Vec<T> {
        let k = self.range(*count.start(), *count.end()) as usize;
        let mut chosen = Vec::new();
        while chosen.len() < k.min(items.len()) {
            let item = if skewed {
                self.pick_skewed(items)
            } else {
                self.pick(items)
            };
            if !chosen.contains(&item) {
                chosen.push(item);
            }
        }
        chosen
    }
}
