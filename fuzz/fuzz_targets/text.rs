//! See `inkquire::fuzzing::text` for what this target promises.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| inkquire::fuzzing::text(data));
