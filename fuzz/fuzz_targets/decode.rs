#![no_main]
//! The `decode` target: see `amperr::verify::fuzz::decode` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::decode(data));
