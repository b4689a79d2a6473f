#![no_main]
//! The `lines` target: see `amperr::verify::fuzz::lines` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::lines(data));
