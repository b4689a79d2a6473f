#![no_main]
//! The `table` target: see `amperr::fuzz::table` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::fuzz::table(data));
