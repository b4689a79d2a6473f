#![no_main]
//! The `xfail` target: see `amperr::verify::fuzz::xfail` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::verify::fuzz::xfail(data));
