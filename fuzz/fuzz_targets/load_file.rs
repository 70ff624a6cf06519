//! One incident file, parsed and validated as `check` does: no panic, and every diagnostic
//! points inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = postmortem::load::fuzz::check_files(&[("fuzz.yaml", data)]) {
        panic!("{broken}");
    }
});
