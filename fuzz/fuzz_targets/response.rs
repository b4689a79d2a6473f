#![no_main]
//! The `response` target: see `amperr::fuzz::response` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::fuzz::response(data));
