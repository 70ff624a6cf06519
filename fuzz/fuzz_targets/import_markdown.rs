//! One Markdown postmortem, imported as `postmortem import` does: no panic, the incident
//! file loads without an error, and no line's words are lost.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = postmortem::import::fuzz::import_bytes(data) {
        panic!("{broken}");
    }
});
