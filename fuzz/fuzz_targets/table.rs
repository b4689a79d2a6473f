#![no_main]
//! The `table` target: see `amperr::verify::fuzz::table` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::table(data));
