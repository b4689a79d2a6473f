#![no_main]
//! The `scenarios` target: see `amperr::verify::fuzz::scenarios` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::scenarios(data));
