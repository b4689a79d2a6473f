#![no_main]
//! The `response` target: see `amperr::verify::fuzz::response` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::response(data));
