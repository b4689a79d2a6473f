#![no_main]
//! The `scan` target: see `amperr::fuzz::scan` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::fuzz::scan(data));
