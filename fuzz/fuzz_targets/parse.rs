#![no_main]
//! The `parse` target: see `amperr::fuzz::parse` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::fuzz::parse(data));
