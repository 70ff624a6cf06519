//! A workspace of up to four incident files (the input split at `#-8<-` lines), loaded
//! and validated together (duplicate ids, related incidents…): no panic, and every
//! diagnostic points inside its file.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// What separates the files of one input; `seed-corpus.sh` joins seed files with it.
const SEPARATOR: &[u8] = b"\n#-8<-\n";

fuzz_target!(|data: &[u8]| {
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = data;
    while parts.len() < 3 {
        match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    let names = ["a.yaml", "b.yaml", "c.yaml", "d.yaml"];
    let files: Vec<(&str, &[u8])> = names.iter().copied().zip(parts).collect();
    if let Err(broken) = postmortem::load::fuzz::check_files(&files) {
        panic!("{broken}");
    }
});
