//! The machinery that proves the oracle, for this crate's tests and fuzz targets only:
//! not part of the documented API, and compiled only with the `verify` feature (the
//! tests and `fuzz/` turn it on).
//!
//! - [`model`]: an independent second decoder, which shares no decoding code with the
//!   oracle, checked against it for all 2^32 codes (`tests/oracle/sweep.rs`);
//! - [`invariants`]: the oracle's invariants, each a function that says how it was broken;
//! - [`fuzz`]: the fuzz targets' bodies, plain functions that `cargo fuzz` and a stable
//!   `cargo test` (`tests/fuzz.rs`) both run.
//!
//! Internal: no semver promise, and the checks say what broke as a plain `String`, a
//! message for a failing test or fuzz run that nothing handles, so it needs no error type.

pub mod fuzz;
pub mod invariants;
pub mod model;
