#![no_main]
//! The `xfail` target: see `amperr::fuzz::xfail` for the properties it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperr::fuzz::xfail(data));
