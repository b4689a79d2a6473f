#![no_main]
//! The `differential` target: see `amperr::verify::fuzz::differential` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::differential(data));
