#![no_main]
//! The `parse` target: see `amperr::verify::fuzz::parse` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::parse(data));
