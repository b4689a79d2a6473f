#![no_main]
//! The `scan` target: see `amperr::verify::fuzz::scan` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::scan(data));
