#![no_main]
//! The `report` target: see `amperr::verify::fuzz::report` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::report(data));
