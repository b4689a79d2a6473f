#![no_main]
//! The `differential` target: see `amperr::fuzz::differential` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::fuzz::differential(data));
