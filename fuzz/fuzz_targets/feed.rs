//! See `inkquire::fuzzing::feed` for what this target promises.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| inkquire::fuzzing::feed(data));
