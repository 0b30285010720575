//! See `inkquire::fuzzing::image` for what this target promises.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| inkquire::fuzzing::image(data));
