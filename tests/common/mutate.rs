//! Random mutation of seed inputs, for the property tests that fuzz on the stable
//! toolchain (`tests/fuzz_loader.rs`, `tests/fuzz_import.rs`): reproducible from a seed.

/// xorshift: reproducible from the seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Changes `input` in one to four places: a bit flipped, one of `tokens` put in, a run
/// deleted, a line duplicated, deleted or re-indented, a piece of one of `seeds` spliced
/// in, or a run of one byte (long scalars, deep nesting).
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>], tokens: &[&str]) {
    let at = |rng: &mut Rng, v: &Vec<u8>| rng.below(v.len() + 1);
    for _ in 0..=rng.below(4) {
        match rng.below(8) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 | 2 => {
                let i = at(rng, input);
                let token = tokens[rng.below(tokens.len())].as_bytes();
                input.splice(i..i, token.iter().copied());
            }
            3 => {
                let i = at(rng, input);
                let end = (i + rng.below(64)).min(input.len());
                input.drain(i..end);
            }
            4 => {
                // A line duplicated or deleted.
                let lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
                let n = rng.below(lines.len());
                let mut out: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                if rng.below(2) == 0 {
                    out.insert(n, lines[n].to_vec());
                } else {
                    out.remove(n);
                }
                *input = out.join(&b'\n');
            }
            5 => {
                // A line indented differently.
                let lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
                let n = rng.below(lines.len());
                let mut out: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                let line = &mut out[n];
                if rng.below(2) == 0 {
                    line.splice(0..0, *b"  ");
                } else if line.starts_with(b" ") {
                    line.remove(0);
                }
                *input = out.join(&b'\n');
            }
            6 => {
                // A piece of another file.
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let to = (from + rng.below(400)).min(other.len());
                let i = at(rng, input);
                input.splice(i..i, other[from..to].iter().copied());
            }
            _ => {
                // A run of one byte: long scalars, deep nesting.
                let i = at(rng, input);
                let byte = [b'[', b'{', b'-', b' ', b'a', b'\n'][rng.below(6)];
                let n = 1 + rng.below(300);
                input.splice(i..i, std::iter::repeat_n(byte, n));
            }
        }
    }
}
